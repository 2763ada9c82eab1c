/// A JSON document as apsim reads and writes it.
///
/// Objects keep their members in document order (responses are written in the order AWS documents
/// them). Numbers that fit an `Int64` without a fraction or exponent are `.int`; every other number
/// keeps its literal text in `.number`, so that `1e400` or `18446744073709551616` can be echoed in
/// error messages exactly as sent instead of being rounded or trapping.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
    /// A point in time, epoch milliseconds: the one unit time is kept in until a protocol renders
    /// it (JSON text writes epoch seconds, `1732280000.5`; XML writes ISO-8601, `iso8601`).
    case timestamp(milliseconds: Int64)

    /// A timestamp equals the number its JSON text is (so a response compares equal to the
    /// same document parsed back).
    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.timestamp(let ms), let other), (let other, .timestamp(let ms)): return JSON.epochSeconds(ms) == other
        default: return false
        }
    }

    /// A timestamp as JSON protocols write it: epoch seconds, an integer when whole, else with
    /// up to three decimals (`1732280000`, `1732280000.5`, `1732280000.123`).
    static func epochSeconds(_ ms: Int64) -> JSON {
        let secs = ms / 1000, frac = ms % 1000
        if frac == 0 { return .int(secs) }
        var f = String(frac < 0 ? -frac : frac)
        while f.count < 3 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        return .number("\(secs).\(f)")
    }

    /// The string inside (nil for other values).
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    /// The integer inside (nil for other values, including non-integral numbers).
    public var int: Int64? { if case .int(let v) = self { return v }; return nil }
    /// The boolean inside (nil for other values).
    public var bool: Bool? { if case .bool(let v) = self { return v }; return nil }
    /// A number (integer or not) as a Double.
    var double: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .number(let t): return Double(t)
        case .timestamp(let ms): return Double(ms) / 1000
        default: return nil
        }
    }
    /// The array inside (nil for other values).
    public var array: [JSON]? { if case .array(let v) = self { return v }; return nil }
    /// The object inside (nil for other values).
    public var object: JSONObject? { if case .object(let v) = self { return v }; return nil }

    /// The member `key` of an object (nil for other values or when absent).
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The JSON type's name as used in messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .number, .timestamp: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// An ordered JSON object. Lookups are linear, which beats hashing for the small objects of AWS
/// requests and responses; the parser rejects duplicate keys.
public struct JSONObject: Sendable, Equatable {
    /// One member: its key and value.
    public struct Member: Sendable, Equatable {
        /// The member's name.
        public var key: String
        /// The member's value.
        public var value: JSON
    }
    /// The members in document order.
    public var members: [Member]

    /// An empty object.
    public init() { members = [] }
    /// An object of these members, in this order.
    public init(members: [Member]) { self.members = members }
    /// An empty object with room for `capacity` members (responses of a known shape grow once).
    public init(capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }
    /// An object from a literal list of pairs, in order.
    public init(_ pairs: KeyValuePairs<String, JSON>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }
    /// How many members the object has.
    public var count: Int { members.count }
    /// The member names in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of the member `key` (nil when absent); setting nil removes it, setting a new key appends it.
    public subscript(key: String) -> JSON? {
        get {
            for m in members where m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let v = newValue { members[i].value = v } else { members.remove(at: i) }
            } else if let v = newValue {
                members.append(Member(key: key, value: v))
            }
        }
    }

    /// Appends without checking for an existing key (the caller knows it is new).
    public mutating func append(_ key: String, _ value: JSON) {
        members.append(Member(key: key, value: value))
    }

    /// Appends when `value` is not nil: for optional response members.
    public mutating func append(_ key: String, ifPresent value: JSON?) {
        if let value { members.append(Member(key: key, value: value)) }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string literal as a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal as a JSON integer.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A boolean literal as a JSON boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal as a JSON array.
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// A dictionary literal as a JSON object, in literal order.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var o = JSONObject()
        for (k, v) in elements { o.append(k, v) }
        self = .object(o)
    }
}

// MARK: - Parsing

/// Why a document could not be parsed; becomes a SerializationException.
public struct JSONParseError: Error, Equatable, Sendable {
    /// What is wrong, and at which byte.
    public let message: String
}

/// The limits every request document is held to.
public enum JSONLimits {
    /// Maximum request size in bytes (APSIM_MAX_REQUEST_BYTES in apsim.h).
    public static let maxBytes = 4 * 1024 * 1024
    /// Maximum nesting of arrays and objects (APSIM_MAX_JSON_DEPTH in apsim.h).
    public static let maxDepth = 64
}

extension JSON {
    /// Parses one JSON document (RFC 8259, strict: no trailing commas, comments, NaN or duplicate
    /// keys; strings must be valid UTF-8 and escapes valid Unicode).
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        var text = text
        let result = text.withUTF8 { buf in
            Result { () throws(JSONParseError) -> JSON in try parse(bytes: buf) }
        }
        return try result.get()
    }

    /// Parses UTF-8 bytes (at most `maxBytes`) as one JSON document.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int = JSONLimits.maxBytes) throws(JSONParseError) -> JSON {
        if bytes.count > maxBytes {
            throw JSONParseError(
                message: "Request too large: \(bytes.count) bytes; the limit is \(maxBytes) bytes.")
        }
        var p = JSONParser(bytes: bytes)
        p.skipWhitespace()
        let value = try p.parseValue(depth: 0)
        p.skipWhitespace()
        if p.pos != bytes.count { throw p.error("unexpected data after the JSON document") }
        return value
    }
}

private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    /// Members and items of the objects and arrays being parsed, innermost last: each container is
    /// copied out at its close into one array of exactly its size (no growth while parsing).
    var memberStack: [JSONObject.Member] = []
    var itemStack: [JSON] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ what: String) -> JSONParseError {
        JSONParseError(message: "Malformed JSON at byte \(pos): \(what).")
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
        guard pos < bytes.count else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("unexpected end of input") }
        let w = word.utf8Start
        for i in 0..<n where bytes[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
        if depth > JSONLimits.maxDepth { throw tooDeep() }
        pos += 1
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject()) }
        let base = memberStack.count
        defer { memberStack.removeSubrange(base...) }
        var seen: Set<String>? = nil
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            // Duplicate keys are ambiguous (which one would AWS use?), so they are refused.
            let count = memberStack.count - base
            if count < 16 {
                if memberStack[base...].contains(where: { $0.key == key }) { throw duplicate(key) }
            } else {
                if seen == nil { seen = Set(memberStack[base...].map(\.key)) }
                if seen?.insert(key).inserted == false { throw duplicate(key) }
            }
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            memberStack.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(JSONObject(members: Array(memberStack[base...])))
            }
            throw error("expected ',' or '}'")
        }
    }

    func duplicate(_ key: String) -> JSONParseError {
        JSONParseError(message: "Duplicate member \"\(key)\" in a JSON object.")
    }

    func tooDeep() -> JSONParseError {
        JSONParseError(message: "JSON nesting is deeper than \(JSONLimits.maxDepth) levels.")
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
        if depth > JSONLimits.maxDepth { throw tooDeep() }
        pos += 1
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array([]) }
        let base = itemStack.count
        defer { itemStack.removeSubrange(base...) }
        while true {
            skipWhitespace()
            itemStack.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(Array(itemStack[base...])) }
            throw error("expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSON {
        let start = pos
        var integral = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("invalid number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            integral = false
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("invalid number") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            integral = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("invalid number") }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if integral, let v = Int64(text) { return .int(v) }
        return .number(text)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        let start = pos
        // Fast path: no escapes (and for pure ASCII, nothing to validate).
        var high: UInt8 = 0
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(message: "Malformed JSON: a string is not valid UTF-8.")
                }
                return s
            }
            high |= b
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("unescaped control character in a string") }
            pos += 1
        }
        // Slow path: runs of plain bytes are copied whole between the escapes.
        var out = [UInt8]()
        out.reserveCapacity(pos - start + 64)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let run = pos
            while pos < bytes.count {
                let b = bytes[pos]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                high |= b
                pos += 1
            }
            if pos > run { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<pos])) }
            guard pos < bytes.count else { break }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                if high < 0x80 { return String(decoding: out, as: UTF8.self) }
                guard let s = String(validating: out, as: UTF8.self) else {
                    throw JSONParseError(message: "Malformed JSON: a string is not valid UTF-8.")
                }
                return s
            }
            if b < 0x20 { throw error("unescaped control character in a string") }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    pos += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: String(Character(u)).utf8)
            default:
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}

// MARK: - Writing (JSONWriter.swift)
