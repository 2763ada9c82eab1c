/// The regular expressions of the AWS service models, matched the way AWS matches them.
///
/// AWS validates `pattern` constraints with Java regular expressions against the whole value
/// (`Matcher.matches()`), so `[A-za-z0-9_.-]{0,63}$` rejects `a/b` although it has no `^`, and
/// `/a\n` fails `^(...)$` although Java's `$` may match before a final line terminator. Swift's
/// `Regex` cannot compile some model patterns (a quantified lookahead such as `(?!\.)+`), so this
/// parses the Java syntax the models use (PatternParser.swift): literals and escapes
/// (`\d \w \s \p{L} \p{Z} \p{N} \uHHHH \n \r \t`), classes with ranges and negation, `.`, groups,
/// alternation, greedy/lazy quantifiers (`* + ? {n} {n,} {n,m}`), lookahead, lookbehind, `^`, `$`.
///
/// Matching works on Unicode scalars (Java code points). Each pattern is compiled once, when it
/// is created (the generated model tables create each pattern once, at first use of the model),
/// into one of:
/// - a loop, for one repetition of one character or class between optional anchors (`.+`,
///   `^[0-7]{3,4}$`, `^[^\u0000\r\n]{3,4357}$`): no automaton at all;
/// - a `PatternEngine` (PatternAutomaton.swift) otherwise: a Thompson NFA (bounded repetitions
///   expanded into copies; PatternNFA.swift) and a DFA over alphabet classes built from it eagerly
///   by subset construction (PatternDFA.swift; at most 4,096 states and 16,384 transitions),
///   run over the value's UTF-8 bytes with one table. A scalar in no class of the alphabet, or an
///   automaton past the DFA limits (only FSx ResourceARN), means the NFA simulation instead,
///   O(length × NFA states). A lookaround is a DFA test state: its body is an automaton of its
///   own, run from that position (a lookbehind only from the starts its body's length allows).
///   None of it recurses per scalar, so a value of any length is safe on any thread stack; all
///   model patterns compile in about 13 ms (release build). A pattern with lookarounds may re-read
///   the value per position (quadratic at worst): the validator evaluates those on values up to
///   512 characters or the member's maximum length, whichever is more (all their members allow
///   at most 512), and every other pattern on values of any length (`evaluates(length:memberMax:)`);
/// - the recursive backtracking `Matcher` (PatternMatcher.swift), only for a pattern whose NFA
///   would exceed `PatternEngine.nfaLimit` states (none in the models), on at most 512 characters.
///   Tests compare every model pattern's engine with it.
final class Pattern: Sendable {
    /// The pattern as written in the service model (used verbatim in error messages).
    let source: String
    /// The compiled program: a flat node table (no indirect enums, so every allocation is an
    /// ordinary array that leak checkers can follow from the global shape tables). Empty when
    /// `source` did not compile.
    let program: Program
    /// Why `source` could not be compiled (nil when it compiled). Tests assert every model pattern compiles.
    let compileError: String?
    /// The pattern when it is one repetition of one character or class between optional anchors
    /// (`.+`, `^[0-7]{3,4}$`, `^([\p{L}...]*)$`): matched by a plain loop over the scalars.
    let simple: SimpleRepetition?
    /// The compiled automata (nil for a `simple` pattern, one that did not compile, or one too large).
    let engine: PatternEngine?
    /// The longest value the backtracking matcher sees (it recurses per scalar), and the longest
    /// value a pattern with lookarounds sees when its member allows less.
    static let boundedLength = 512

    struct SimpleRepetition: Sendable {
        let node: Node
        let min: Int
        let max: Int  // -1: unbounded
    }

    init(_ source: String) {
        self.source = source
        var parser = PatternParser(Array(source.unicodeScalars))
        do throws(PatternParser.Failure) {
            let root = try parser.parseAlternation()
            if parser.pos != parser.chars.count { throw PatternParser.Failure(message: "unbalanced ')'") }
            program = Program(nodes: parser.nodes, children: parser.children, sets: parser.sets, root: root)
            compileError = nil
            simple = Pattern.simpleRepetition(program)
            engine = simple == nil ? PatternEngine(program) : nil
        } catch {
            program = Program(nodes: [], children: [], sets: [], root: 0)
            compileError = error.message
            simple = nil
            engine = nil
        }
    }

    /// Whether the whole of `value` matches. An uncompilable pattern accepts everything.
    func matches(_ value: String) -> Bool {
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
        if let engine { return engine.matches(value) }
        let m = Matcher(pattern: self, input: Pattern.scalars(value))
        return m.match(program.root, 0) { $0 == m.input.count }
    }

    /// Whether the validator evaluates the pattern on a value of `length` characters of a member
    /// whose maximum length is `memberMax`: always when matching is linear in the length (a loop,
    /// or automata without lookarounds); up to max(512, `memberMax`) with lookarounds; up to 512
    /// with the backtracking matcher.
    func evaluates(length: Int, memberMax: Int?) -> Bool {
        if compileError != nil || simple != nil { return true }
        guard let engine else { return length <= Pattern.boundedLength }
        return engine.looks.isEmpty || length <= Swift.max(Pattern.boundedLength, memberMax ?? 0)
    }

    /// The Unicode scalars of `value` (ASCII bytes directly: the common case, without decoding).
    static func scalars(_ value: String) -> [UInt32] {
        // (Not through unsafeUninitializedCapacity when empty: an empty array is the shared empty
        // storage, and setting its count from two threads at once is a data race, as TSan reports.)
        if value.isEmpty { return [] }
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
    enum Item: Sendable, Equatable {
        case range(UInt32, UInt32)
        case letter, separator, number, digit, word, space
        /// `\D`, `\W`, `\S`: every scalar `\d`, `\w`, `\s` do not match. (Cases of their own, not an
        /// indirect `not(Item)`: a boxed payload in a static pattern reads as a leak to valgrind.)
        case notDigit, notWord, notSpace
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
            case .notDigit: hit = !slowContains([.digit], false, c)
            case .notWord: hit = !slowContains([.word], false, c)
            case .notSpace: hit = !slowContains([.space], false, c)
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
