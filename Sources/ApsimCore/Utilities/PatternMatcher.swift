// The backtracking matcher of `Pattern`: runs a compiled program over a value's scalars, within
// a step budget (so no input can make it run away).

/// Java's line terminators: what `.` does not match and what `$` may stand before.
func isLineTerminator(_ c: UInt32) -> Bool {
    c == 0x0A || c == 0x0D || c == 0x85 || c == 0x2028 || c == 0x2029
}

final class Matcher {
    /// The pattern's program (its arrays shared, not copied).
    let program: Program
    let input: [UInt32]
    var steps = 0
    static let budget = 50_000

    init(pattern: Pattern, input: [UInt32]) {
        program = pattern.program
        self.input = input
    }

    func match(_ index: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        steps += 1
        if steps > Matcher.budget { return false }
        let node = program.nodes[index]
        switch node.op {
        case .char:
            return i < input.count && input[i] == UInt32(node.a) && k(i + 1)
        case .any:
            return i < input.count && !isLineTerminator(input[i]) && k(i + 1)
        case .set:
            return i < input.count && program.sets[node.a].contains(input[i]) && k(i + 1)
        case .seq:
            return sequence(node.a, node.a + node.b, i, k)
        case .alt:
            for c in node.a..<(node.a + node.b) where match(program.children[c], i, k) { return true }
            return false
        case .repetition:
            let sub = program.nodes[node.a]
            if sub.op == .char || sub.op == .any || sub.op == .set {
                return repeatedScalar(sub, min: node.b, max: node.c, i, k)
            }
            return repeated(node.a, min: node.b, max: node.c, count: 0, i, k)
        case .look:
            let found: Bool
            if node.b == 1 {
                found = match(node.a, i) { _ in true }
            } else {
                var any = false
                var s = i
                while s >= 0 && !any {
                    any = match(node.a, s) { $0 == i }
                    s -= 1
                }
                found = any
            }
            return found != (node.c == 1) && k(i)
        case .start:
            return i == 0 && k(i)
        case .end:
            let n = input.count
            return (i == n || (i == n - 1 && isLineTerminator(input[i]))) && k(i)
        }
    }

    func sequence(_ c: Int, _ end: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if c == end { return k(i) }
        return match(program.children[c], i) { j in self.sequence(c + 1, end, j, k) }
    }

    /// Whether the one-scalar node `node` (char, any or set) matches the scalar at `i`.
    func matchesScalar(_ node: Node, _ i: Int) -> Bool {
        guard i < input.count else { return false }
        return Matcher.scalarMatches(node, input[i], program)
    }

    /// Whether the one-scalar node `node` (char, any or set) matches the scalar `c`.
    static func scalarMatches(_ node: Node, _ c: UInt32, _ program: Program) -> Bool {
        switch node.op {
        case .char: return c == UInt32(node.a)
        case .any: return !isLineTerminator(c)
        default: return program.sets.indices.contains(node.a) && program.sets[node.a].contains(c)
        }
    }

    /// Greedy repetition of a one-scalar node (`[a-z]+`, `.{1,128}`): take as many as allowed, then
    /// give back one at a time; the same order of attempts as `repeated`, without a recursion per scalar.
    func repeatedScalar(_ node: Node, min: Int, max: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        var n = 0
        while (max < 0 || n < max) && matchesScalar(node, i + n) { n += 1 }
        steps += n
        if steps > Matcher.budget { return false }
        while n >= min {
            if k(i + n) { return true }
            steps += 1
            if steps > Matcher.budget { return false }
            n -= 1
        }
        return false
    }

    /// Greedy repetition; an iteration that consumes nothing ends the loop (so `(?!x)+` terminates).
    func repeated(_ sub: Int, min: Int, max: Int, count: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if max < 0 || count < max {
            let more = match(sub, i) { j in
                if j == i && count >= min { return false }
                return self.repeated(sub, min: min, max: max, count: count + 1, j, k)
            }
            if more { return true }
        }
        return count >= min && k(i)
    }
}
