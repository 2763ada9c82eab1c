// The non-recursive engine of `Pattern`, part 1: a Thompson NFA compiled from a `Program`, its
// epsilon closure, and the simulation of it over a value (the engine's general case: the DFA of
// PatternAutomaton.swift falls back to it). Nothing here recurses per scalar of the value.

/// The value being matched, as its UTF-8 bytes, read one scalar at a time. Positions are byte
/// offsets at scalar boundaries; every read is guarded, so no position can trap.
struct PatternInput {
    let bytes: UnsafeBufferPointer<UInt8>
    var end: Int { bytes.count }

    /// The scalar at byte `p` and its length in bytes (U+FFFD and 1 for a malformed or cut
    /// sequence, which a Swift string never holds).
    @inline(__always)
    func scalar(at p: Int) -> (value: UInt32, length: Int) {
        guard p >= 0, p < bytes.count else { return (0xFFFD, 1) }
        let lead = bytes[p]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard lead >= 0xC0, p + length <= bytes.count else { return (0xFFFD, 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(bytes[p + k] & 0x3F) }
        return (value, length)
    }

    /// Where the scalar before byte `p` starts (0 at the start).
    func start(before p: Int) -> Int {
        var q = Swift.min(p, bytes.count) - 1
        while q > 0, bytes[q] & 0xC0 == 0x80 { q -= 1 }
        return Swift.max(q, 0)
    }

    /// Whether Java's `$` holds at `p`: at the end, or before a line terminator that ends the value.
    func dollar(at p: Int) -> Bool {
        if p >= bytes.count { return true }
        let (c, length) = scalar(at: p)
        return p + length == bytes.count && isLineTerminator(c)
    }
}

/// A Thompson NFA over one-scalar atoms. State `s` does `kinds[s]`, goes on to `nexts[s]` (a
/// split: its first branch) and has operand `args[s]` (the atom; a split's second branch; the
/// lookaround). Zero-width states (`start`, `end`, `look`) are assertions decided per position.
struct NFA: Sendable {
    enum Kind: UInt8, Sendable { case atom, split, start, end, look, match }
    var kinds: [Kind] = []
    var nexts: [Int32] = []
    var args: [Int32] = []
    var entry: Int32 = 0
    var count: Int { kinds.count }
}

/// How a closure treats an assertion state: pass it (true), stop there (false) or keep it in the
/// set undecided (nil). Called with the state's kind and operand.
typealias PatternOracle = (NFA.Kind, Int32) -> Bool?

/// Scratch space for closures over one NFA: a state is marked visited when its mark is the
/// current generation, so clearing every mark is one increment.
struct ClosureScratch {
    var marks: [UInt32]
    var generation: UInt32 = 1
    var stack: [Int32] = []

    init(count: Int) { marks = [UInt32](repeating: 0, count: count) }

    mutating func reset() {
        if generation == .max {
            for i in marks.indices { marks[i] = 0 }
            generation = 1
        } else {
            generation += 1
        }
    }
}

extension NFA {
    /// Appends to `out` every atom, match and undecided assertion state reachable from `root`
    /// without consuming a scalar, skipping states already marked in `scratch` (so several roots
    /// closed before a `reset` give their union). An explicit stack: no recursion.
    func close(_ root: Int32, into out: inout [Int32], _ scratch: inout ClosureScratch, _ oracle: PatternOracle) {
        scratch.stack.append(root)
        while let s = scratch.stack.popLast() {
            let i = Int(s)
            guard i >= 0, i < count, i < scratch.marks.count, scratch.marks[i] != scratch.generation else { continue }
            scratch.marks[i] = scratch.generation
            switch kinds[i] {
            case .atom, .match:
                out.append(s)
            case .split:
                scratch.stack.append(args[i])
                scratch.stack.append(nexts[i])
            case .start, .end, .look:
                switch oracle(kinds[i], args[i]) {
                case true?: scratch.stack.append(nexts[i])
                case false?: break
                case nil: out.append(s)
                }
            }
        }
    }
}

/// Compiles one subtree of a `Program` (the whole pattern, or a lookaround's body) into an NFA.
/// Bounded repetitions become copies (`x{2,4}` is `xx(x(x)?)?`); past `limit` states it fails.
/// It recurses over the pattern's structure (once, at load), never over a value.
struct NFABuilder {
    struct TooLarge: Error {}
    let program: Program
    /// Per program node: its atom (char, `.`, set) or lookaround number, -1 for other nodes.
    let atomOf: [Int32], lookOf: [Int32]
    let limit: Int
    var nfa = NFA()

    static func build(_ program: Program, root: Int, atomOf: [Int32], lookOf: [Int32], limit: Int) throws(TooLarge) -> NFA {
        var builder = NFABuilder(program: program, atomOf: atomOf, lookOf: lookOf, limit: limit)
        let match = try builder.add(.match, next: -1, arg: 0)
        builder.nfa.entry = try builder.compile(root, match)
        return builder.nfa
    }

    mutating func add(_ kind: NFA.Kind, next: Int32, arg: Int32) throws(TooLarge) -> Int32 {
        guard nfa.count < limit else { throw TooLarge() }
        nfa.kinds.append(kind)
        nfa.nexts.append(next)
        nfa.args.append(arg)
        return Int32(nfa.count - 1)
    }

    /// The entry state of node `index`, continuing to state `next`.
    mutating func compile(_ index: Int, _ next: Int32) throws(TooLarge) -> Int32 {
        guard program.nodes.indices.contains(index), atomOf.indices.contains(index), lookOf.indices.contains(index)
        else { throw TooLarge() }
        let node = program.nodes[index]
        switch node.op {
        case .char, .any, .set:
            return try add(.atom, next: next, arg: atomOf[index])
        case .seq, .alt:
            guard node.a >= 0, node.b >= 0, node.a + node.b <= program.children.count else { throw TooLarge() }
            let kids = program.children[node.a..<(node.a + node.b)]
            if node.op == .seq {
                var entry = next
                for kid in kids.reversed() { entry = try compile(kid, entry) }
                return entry
            }
            var entries: [Int32] = []
            for kid in kids { entries.append(try compile(kid, next)) }
            guard var entry = entries.last else { return next }
            for option in entries.dropLast().reversed() { entry = try add(.split, next: option, arg: entry) }
            return entry
        case .repetition:
            guard node.b >= 0, node.c < 0 || node.c >= node.b else { throw TooLarge() }
            var entry = next
            if node.c < 0 {
                // x*: a split that loops through the body or leaves.
                let loop = try add(.split, next: next, arg: next)
                nfa.nexts[Int(loop)] = try compile(node.a, loop)
                entry = loop
            } else {
                // The optional copies, innermost first: each may be skipped straight to `next`.
                for _ in 0..<(node.c - node.b) { entry = try add(.split, next: try compile(node.a, entry), arg: next) }
            }
            for _ in 0..<node.b { entry = try compile(node.a, entry) }
            return entry
        case .look:
            return try add(.look, next: next, arg: lookOf[index])
        case .start:
            return try add(.start, next: next, arg: 0)
        case .end:
            return try add(.end, next: next, arg: 0)
        }
    }
}

extension PatternEngine {
    /// Simulates automaton `a`'s NFA from byte `from`: true when its match state is reached at
    /// `stop` (or, with `prefix`, anywhere). O(length × states), plus the lookarounds it meets,
    /// each decided once per position.
    func simulate(_ a: Int, _ input: PatternInput, from start: Int, stop: Int, prefix: Bool) -> Bool {
        guard automata.indices.contains(a) else { return false }
        let nfa = automata[a].nfa
        var scratch = ClosureScratch(count: nfa.count)
        var current: [Int32] = [], next: [Int32] = []
        var decided = [Int8](repeating: -1, count: looks.count)
        var p = start
        nfa.close(nfa.entry, into: &current, &scratch) { kind, arg in self.decide(kind, arg, at: p, input, &decided) }
        while true {
            scratch.reset()
            if prefix || p == stop, current.contains(where: { nfa.kinds[Int($0)] == .match }) { return true }
            if p >= stop || current.isEmpty { return false }
            let (c, length) = input.scalar(at: p)
            p += length
            for l in decided.indices { decided[l] = -1 }
            next.removeAll(keepingCapacity: true)
            // The atoms the scalar matches, tested once each (a bit each, when there are at most 64).
            let hits = signature(c)
            for s in current where nfa.kinds[Int(s)] == .atom {
                let atom = nfa.args[Int(s)]
                let hit = hits.map { atom >= 0 && atom < 64 && ($0 >> UInt64(atom)) & 1 == 1 } ?? atomMatches(atom, c)
                guard hit else { continue }
                nfa.close(nfa.nexts[Int(s)], into: &next, &scratch) { kind, arg in self.decide(kind, arg, at: p, input, &decided) }
            }
            swap(&current, &next)
        }
    }

    /// Whether assertion `kind` (operand `arg`) holds at byte `p`; a lookaround is decided once per
    /// position (`decided`: -1 not yet, else 0 or 1).
    func decide(_ kind: NFA.Kind, _ arg: Int32, at p: Int, _ input: PatternInput, _ decided: inout [Int8]) -> Bool {
        switch kind {
        case .start: return p == 0
        case .end: return input.dollar(at: p)
        case .look:
            let l = Int(arg)
            guard decided.indices.contains(l) else { return false }
            if decided[l] < 0 { decided[l] = holds(l, at: p, input) ? 1 : 0 }
            return decided[l] == 1
        default: return false
        }
    }

    /// Which atoms scalar `c` matches (bit i: atom i); nil past 64 atoms.
    func signature(_ c: UInt32) -> UInt64? {
        guard atoms.count <= 64 else { return nil }
        if c < 128, let alphabet, let k = alphabet.ascii.indices.contains(Int(c)) ? Int(alphabet.ascii[Int(c)]) : nil,
           alphabet.signatures.indices.contains(k) {
            return alphabet.signatures[k]
        }
        var sig: UInt64 = 0
        for i in atoms.indices where Matcher.scalarMatches(atoms[i], c, program) { sig |= 1 << UInt64(i) }
        return sig
    }

    /// Whether atom `atom` matches scalar `c`.
    func atomMatches(_ atom: Int32, _ c: UInt32) -> Bool {
        guard atoms.indices.contains(Int(atom)) else { return false }
        return Matcher.scalarMatches(atoms[Int(atom)], c, program)
    }
}
