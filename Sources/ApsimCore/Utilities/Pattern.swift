/// The regular expressions of the AWS service models, matched the way AWS matches them.
///
/// AWS validates `pattern` constraints with Java regular expressions against the whole value
/// (`Matcher.matches()`), so `[A-za-z0-9_.-]{0,63}$` rejects `a/b` although it has no `^`, and
/// `/a\n` fails `^(...)$` although Java's `$` may match before a final line terminator. Swift's
/// `Regex` cannot compile some model patterns (a quantified lookahead such as `(?!\.)+`), so this
/// is a small backtracking matcher for the Java syntax the models use: literals and escapes
/// (`\d \w \s \p{L} \p{Z} \p{N} \uHHHH \n \r \t`), classes with ranges and negation, `.`, groups,
/// alternation, greedy/lazy quantifiers (`* + ? {n} {n,} {n,m}`), lookahead, lookbehind, `^`, `$`.
///
/// Matching works on Unicode scalars (Java code points) and has a step budget, so a hostile input
/// cannot make a pattern run away: past the budget the value is reported as not matching. A
/// repetition of one character or class (`[0-9a-f]{8,40}`, `.+`) is a loop, and a pattern that is
/// nothing else is matched without the backtracking machinery at all; other constructs may recurse
/// once or twice per character, so callers keep values short (the validator evaluates patterns on
/// values of at most 512 characters).
public final class Pattern: Sendable {
    /// The pattern as written in the service model (used verbatim in error messages).
    public let source: String
    /// The compiled program: a flat node table (no indirect enums, so every allocation is an
    /// ordinary array that leak checkers can follow from the global shape tables). Empty when
    /// `source` did not compile.
    let program: Program
    /// Why `source` could not be compiled (nil when it compiled). Tests assert every model pattern compiles.
    public let compileError: String?
    /// The pattern when it is one repetition of one character or class between optional anchors
    /// (`.+`, `^[0-7]{3,4}$`, `^([\p{L}...]*)$`): matched by a plain loop over the scalars.
    let simple: SimpleRepetition?

    struct SimpleRepetition: Sendable {
        let node: Node
        let min: Int
        let max: Int  // -1: unbounded
    }

    public init(_ source: String) {
        self.source = source
        var parser = PatternParser(Array(source.unicodeScalars))
        do throws(PatternParser.Failure) {
            let root = try parser.parseAlternation()
            if parser.pos != parser.chars.count { throw PatternParser.Failure(message: "unbalanced ')'") }
            program = Program(nodes: parser.nodes, children: parser.children, sets: parser.sets, root: root)
            compileError = nil
            simple = Pattern.simpleRepetition(program)
        } catch {
            program = Program(nodes: [], children: [], sets: [], root: 0)
            compileError = error.message
            simple = nil
        }
    }

    /// Whether the whole of `value` matches. An uncompilable pattern accepts everything.
    public func matches(_ value: String) -> Bool {
        guard compileError == nil else { return true }
        if let simple {
            // Whole-value match of X{min,max}: every scalar is an X and their number is in range.
            var n = 0
            for scalar in value.unicodeScalars {
                guard simple.max < 0 || n < simple.max, Matcher.scalarMatches(simple.node, scalar.value, program)
                else { return false }
                n += 1
            }
            return n >= simple.min
        }
        let m = Matcher(pattern: self, input: Pattern.scalars(value))
        return m.match(program.root, 0) { $0 == m.input.count }
    }

    /// The Unicode scalars of `value` (ASCII bytes directly: the common case, without decoding).
    static func scalars(_ value: String) -> [UInt32] {
        var value = value
        let ascii: [UInt32]? = value.withUTF8 { bytes in
            var high: UInt8 = 0
            for b in bytes { high |= b }
            guard high < 0x80 else { return nil }
            return [UInt32](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                for (i, b) in bytes.enumerated() { buffer[i] = UInt32(b) }
                count = bytes.count
            }
        }
        return ascii ?? value.unicodeScalars.map(\.value)
    }
}

extension Pattern {
    /// The one repetition the whole program is, anchors aside (see `simple`), if it is one.
    static func simpleRepetition(_ program: Program) -> SimpleRepetition? {
        guard program.nodes.indices.contains(program.root) else { return nil }
        let root = program.nodes[program.root]
        var items: [Int] = [program.root]
        if root.op == .seq, root.a >= 0, root.a + root.b <= program.children.count {
            items = Array(program.children[root.a..<(root.a + root.b)])
        }
        // A leading ^ and a trailing $ change nothing when the whole value must match.
        if let first = items.first, program.nodes.indices.contains(first), program.nodes[first].op == .start { items.removeFirst() }
        if let last = items.last, program.nodes.indices.contains(last), program.nodes[last].op == .end { items.removeLast() }
        guard items.count == 1, let only = items.first, program.nodes.indices.contains(only) else { return nil }
        let repetition = program.nodes[only]
        guard repetition.op == .repetition, program.nodes.indices.contains(repetition.a) else { return nil }
        let sub = program.nodes[repetition.a]
        guard sub.op == .char || sub.op == .any || sub.op == .set else { return nil }
        return SimpleRepetition(node: sub, min: repetition.b, max: repetition.c)
    }
}

struct Program: Sendable {
    var nodes: [Node]
    /// The children of `seq` and `alt` nodes, each a contiguous run.
    var children: [Int]
    var sets: [CharSet]
    var root: Int
}

/// One node of a compiled pattern; `a`, `b`, `c` mean different things per operation.
struct Node: Sendable {
    enum Op: UInt8, Sendable {
        case char  // a: the scalar
        case any
        case set  // a: index into sets
        case seq, alt  // a: first index into children, b: count
        case repetition  // a: the node, b: min, c: max (-1: unbounded)
        case look  // a: the node, b: 1 ahead / 0 behind, c: 1 negated
        case start, end
    }
    var op: Op
    var a = 0
    var b = 0
    var c = 0
}

struct CharSet: Sendable {
    enum Item: Sendable {
        case range(UInt32, UInt32)
        case letter, separator, number, digit, word, space
    }
    let items: [Item]
    let negated: Bool
    /// Membership of the 128 ASCII scalars, precomputed (bit c of word c >> 6): most values are
    /// ASCII, and a bit test is what keeps patterns off the hot path of a call.
    let ascii: (UInt64, UInt64)

    init(items: [Item], negated: Bool) {
        self.items = items
        self.negated = negated
        ascii = CharSet.asciiBitmap(items, negated)
    }

    func contains(_ c: UInt32) -> Bool {
        if c < 64 { return ascii.0 & (1 << UInt64(c)) != 0 }
        if c < 128 { return ascii.1 & (1 << UInt64(c - 64)) != 0 }
        return CharSet.slowContains(items, negated, c)
    }

    private static func asciiBitmap(_ items: [Item], _ negated: Bool) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        for c in UInt32(0)..<128 where slowContains(items, negated, c) {
            if c < 64 { low |= 1 << UInt64(c) } else { high |= 1 << UInt64(c - 64) }
        }
        return (low, high)
    }

    private static func slowContains(_ items: [Item], _ negated: Bool, _ c: UInt32) -> Bool {
        var hit = false
        for item in items {
            switch item {
            case .range(let lo, let hi): hit = c >= lo && c <= hi
            case .digit: hit = c >= 0x30 && c <= 0x39
            case .word: hit = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
            case .space: hit = c == 0x20 || (c >= 0x09 && c <= 0x0D)
            case .letter, .separator, .number:
                guard let s = Unicode.Scalar(c) else { hit = false; break }
                switch (item, s.properties.generalCategory) {
                case (.letter, .uppercaseLetter), (.letter, .lowercaseLetter), (.letter, .titlecaseLetter),
                     (.letter, .modifierLetter), (.letter, .otherLetter),
                     (.separator, .spaceSeparator), (.separator, .lineSeparator), (.separator, .paragraphSeparator),
                     (.number, .decimalNumber), (.number, .letterNumber), (.number, .otherNumber):
                    hit = true
                default:
                    hit = false
                }
            }
            if hit { break }
        }
        return hit != negated
    }
}

/// Java's line terminators: what `.` does not match and what `$` may stand before.
private func isLineTerminator(_ c: UInt32) -> Bool {
    c == 0x0A || c == 0x0D || c == 0x85 || c == 0x2028 || c == 0x2029
}

private final class Matcher {
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

private struct PatternParser {
    struct Failure: Error { let message: String }
    let chars: [Unicode.Scalar]
    var pos = 0
    var nodes: [Node] = []
    var children: [Int] = []
    var sets: [CharSet] = []

    mutating func emit(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    mutating func emit(_ op: Node.Op, _ kids: [Int]) -> Int {
        let first = children.count
        children.append(contentsOf: kids)
        return emit(Node(op: op, a: first, b: kids.count))
    }

    init(_ chars: [Unicode.Scalar]) { self.chars = chars }

    var atEnd: Bool { pos >= chars.count }
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < chars.count ? chars[pos + offset] : nil
    }

    mutating func parseAlternation() throws(Failure) -> Int {
        var options = [try parseSequence()]
        while peek() == "|" {
            pos += 1
            options.append(try parseSequence())
        }
        return options.count == 1 ? options[0] : emit(.alt, options)
    }

    mutating func parseSequence() throws(Failure) -> Int {
        var items: [Int] = []
        while let c = peek(), c != "|", c != ")" {
            var atom = try parseAtom()
            atom = try parseQuantifiers(atom)
            items.append(atom)
        }
        return items.count == 1 ? items[0] : emit(.seq, items)
    }

    mutating func parseQuantifiers(_ atom: Int) throws(Failure) -> Int {
        var node = atom
        while let c = peek() {
            var bounds: (Int, Int?)
            switch c {
            case "*": bounds = (0, nil); pos += 1
            case "+": bounds = (1, nil); pos += 1
            case "?": bounds = (0, 1); pos += 1
            case "{":
                guard let b = try parseBraces() else { return node }
                bounds = b
            default: return node
            }
            // A lazy or possessive suffix does not change whether the whole value matches.
            if let s = peek(), s == "?" || s == "+" { pos += 1 }
            node = emit(Node(op: .repetition, a: node, b: bounds.0, c: bounds.1 ?? -1))
        }
        return node
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil (and no input consumed) when the brace is a literal.
    mutating func parseBraces() throws(Failure) -> (Int, Int?)? {
        let save = pos
        pos += 1
        func number() -> Int? {
            var v: Int? = nil
            while let c = peek(), let d = Int(String(c)), c.isASCII {
                v = (v ?? 0) * 10 + d
                if v ?? 0 > 100_000 { return nil }
                pos += 1
            }
            return v
        }
        guard let lo = number() else { pos = save; return nil }
        var hi: Int? = lo
        if peek() == "," {
            pos += 1
            hi = number()
        }
        guard peek() == "}" else { pos = save; return nil }
        pos += 1
        if let h = hi, h < lo { throw Failure(message: "bad repetition bounds") }
        return (lo, hi)
    }

    mutating func emitSet(_ set: CharSet) -> Int {
        sets.append(set)
        return emit(Node(op: .set, a: sets.count - 1))
    }

    mutating func parseAtom() throws(Failure) -> Int {
        guard let c = peek() else { throw Failure(message: "unexpected end") }
        pos += 1
        switch c {
        case ".": return emit(Node(op: .any))
        case "^": return emit(Node(op: .start))
        case "$": return emit(Node(op: .end))
        case "[": return emitSet(try parseClass())
        case "(":
            if peek() == "?" {
                pos += 1
                switch peek() {
                case ":":
                    pos += 1
                    return try group()
                case "=", "!":
                    let negate = peek() == "!"
                    pos += 1
                    return emit(Node(op: .look, a: try group(), b: 1, c: negate ? 1 : 0))
                case "<":
                    pos += 1
                    guard let d = peek(), d == "=" || d == "!" else { throw Failure(message: "unsupported group") }
                    pos += 1
                    return emit(Node(op: .look, a: try group(), b: 0, c: d == "!" ? 1 : 0))
                default:
                    throw Failure(message: "unsupported group")
                }
            }
            return try group()
        case "\\":
            let item = try parseEscape()
            if case .range(let lo, let hi) = item, lo == hi { return emit(Node(op: .char, a: Int(lo))) }
            return emitSet(CharSet(items: [item], negated: false))
        case "*", "+", "?":
            throw Failure(message: "nothing to repeat")
        default:
            return emit(Node(op: .char, a: Int(c.value)))
        }
    }

    mutating func group() throws(Failure) -> Int {
        let inner = try parseAlternation()
        guard peek() == ")" else { throw Failure(message: "missing ')'") }
        pos += 1
        return inner
    }

    /// After a backslash: a class shorthand, a property, a code point or an escaped literal.
    mutating func parseEscape() throws(Failure) -> CharSet.Item {
        guard let c = peek() else { throw Failure(message: "trailing backslash") }
        pos += 1
        switch c {
        case "d": return .digit
        case "w": return .word
        case "s": return .space
        case "n": return .range(0x0A, 0x0A)
        case "r": return .range(0x0D, 0x0D)
        case "t": return .range(0x09, 0x09)
        case "f": return .range(0x0C, 0x0C)
        case "p":
            guard peek() == "{", let name = peek(1), peek(2) == "}" else {
                throw Failure(message: "unsupported property")
            }
            pos += 3
            switch name {
            case "L": return .letter
            case "Z": return .separator
            case "N": return .number
            default: throw Failure(message: "unsupported property \\p{\(name)}")
            }
        case "u":
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let h = peek(), let d = UInt32(String(h), radix: 16) else {
                    throw Failure(message: "bad \\u escape")
                }
                v = v * 16 + d
                pos += 1
            }
            return .range(v, v)
        default:
            if c.properties.isAlphabetic || ("0"..."9").contains(c) {
                throw Failure(message: "unsupported escape \\\(c)")
            }
            return .range(c.value, c.value)
        }
    }

    mutating func parseClass() throws(Failure) -> CharSet {
        var items: [CharSet.Item] = [], negated = false
        if peek() == "^" { negated = true; pos += 1 }
        var first = true
        while let c = peek() {
            if c == "]" && !first { pos += 1; return CharSet(items: items, negated: negated) }
            first = false
            pos += 1
            var lo: UInt32
            if c == "\\" {
                let item = try parseEscape()
                guard case .range(let a, let b) = item, a == b else { items.append(item); continue }
                lo = a
            } else {
                lo = c.value
            }
            // A range `a-z` (a '-' before ']' is a literal).
            if peek() == "-", let next = peek(1), next != "]" {
                pos += 1
                var hi: UInt32
                if next == "\\" {
                    pos += 1
                    guard case .range(let a, let b) = try parseEscape(), a == b else {
                        throw Failure(message: "bad class range")
                    }
                    hi = a
                } else {
                    pos += 1
                    hi = next.value
                }
                if hi < lo { throw Failure(message: "bad class range") }
                items.append(.range(lo, hi))
            } else {
                items.append(.range(lo, lo))
            }
        }
        throw Failure(message: "missing ']'")
    }
}
