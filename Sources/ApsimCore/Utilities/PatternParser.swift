/// Compiles the Java regular expression syntax the service models use into a `Program`.
struct PatternParser {
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
        case "D": return .notDigit
        case "W": return .notWord
        case "S": return .notSpace
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
