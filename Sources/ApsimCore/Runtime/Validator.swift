/// Checks a request against its input shape and reports what AWS reports.
///
/// - A member of the wrong JSON type, a fraction or an out-of-range number where an integer
///   belongs: `SerializationException`, at once (AWS fails while deserializing).
/// - A member the model does not know: `ValidationException` with botocore's client-side message
///   (`Unknown parameter in input: "X", must be one of: ...`), at once.
/// - Constraint violations (required, length, range, pattern, enum) are collected in model order
///   and reported together in the Coral form AWS uses:
///   `2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: ...; ...`,
///   with lowerCamelCase member paths (`rootDirectory.path`, `tags.1.member.key`), under the
///   service's validation code (EFS `ValidationException`, FSx `BadRequest`).
struct Validator {
    let validationCode: String
    private(set) var violations: [Violation] = []

    init(validationCode: String) {
        self.validationCode = validationCode
    }

    /// Validates `value` against `shape`; throws the first type error or all violations.
    static func validate(_ value: JSON, _ shape: Shape, validationCode: String) throws(APIError) {
        var v = Validator(validationCode: validationCode)
        guard case .object = value else {
            throw RuntimeError.serialization("The request body must be a JSON object, not \(value.typeName).")
        }
        try v.check(value, shape)
        try v.finish()
    }

    /// Throws the collected violations, if any, as one error.
    func finish() throws(APIError) {
        if violations.isEmpty { return }
        throw APIError(code: validationCode, violations: violations)
    }

    /// Adds a violation (for the spec's own rules).
    mutating func add(value: JSON?, path: String, constraint: String) {
        violations.append(Violation(path: path, constraint: constraint, value: value))
    }

    /// A value as Coral prints it in a message: strings bare, lists as `[a, b]`. Long values are
    /// cut at 256 characters (apsim's choice: a 200,000-character policy is not echoed whole).
    static func echo(_ value: JSON) -> String {
        let s: String
        switch value {
        case .null: s = "null"
        case .bool(let b): s = b ? "true" : "false"
        case .int(let i): s = String(i)
        case .number(let t): s = t
        case .timestamp: s = value.text
        case .string(let t): s = t
        case .array(let items): s = "[" + items.map(echo).joined(separator: ", ") + "]"
        case .object(let o): s = "{" + o.members.map { "\($0.key)=\(echo($0.value))" }.joined(separator: ", ") + "}"
        }
        if s.unicodeScalars.count > 256 { return String(String.UnicodeScalarView(s.unicodeScalars.prefix(256))) + "..." }
        return s
    }

    static func lowerFirst(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.lowercased() + s.dropFirst()
    }

    /// One step from the request's root to the value being checked. Paths are only spelled out
    /// when something is reported, so a valid request builds no strings.
    enum Step {
        case member(String)
        case item(Int)
        case mapKey
        case mapValue(String)
    }
    private var steps: [Step] = []

    /// The Coral path of the value being checked (`rootDirectory.path`, `tags.1.member.key`).
    var path: String {
        var out = ""
        for step in steps {
            switch step {
            case .member(let name): out += (out.isEmpty ? "" : ".") + Validator.lowerFirst(name)
            case .item(let i): out += ".\(i + 1).member"
            case .mapKey: out += ".key"
            case .mapValue(let key): out += "." + key
            }
        }
        return out
    }

    /// botocore's name for the same place (`input`, `RootDirectory.Path`, `Tags[0]`).
    var botoPath: String {
        var out = ""
        for step in steps {
            switch step {
            case .member(let name): out += (out.isEmpty ? "" : ".") + name
            case .item(let i): out += "[\(i)]"
            case .mapKey: break
            case .mapValue(let key): out += "." + key
            }
        }
        return out.isEmpty ? "input" : out
    }

    mutating func check(_ value: JSON, _ shape: Shape, at step: Step) throws(APIError) {
        steps.append(step)
        defer { steps.removeLast() }
        try check(value, shape)
    }

    mutating func add(value: JSON?, constraint: String) {
        add(value: value, path: path, constraint: constraint)
    }

    mutating func check(_ value: JSON, _ shape: Shape) throws(APIError) {
        switch shape.kind {
        case .structure(let members, let required):
            guard case .object(let obj) = value else { throw typeError("an object", value) }
            for m in obj.members where !members.contains(where: { $0.name == m.key }) {
                throw RuntimeError.unknownParameter(m.key, in: botoPath, expected: members.map(\.name))
            }
            for member in members {
                guard let child = obj[member.name], child != .null else {
                    if required.contains(member.name) {
                        steps.append(.member(member.name))
                        add(value: nil, constraint: "Member must not be null")
                        steps.removeLast()
                    }
                    continue
                }
                try check(child, member.shape, at: .member(member.name))
            }
        case .list(let memberShape, let min, let max):
            guard case .array(let items) = value else { throw typeError("an array", value) }
            if let max, items.count > max {
                add(value: value, constraint: "Member must have length less than or equal to \(max)")
            }
            if let min, items.count < min {
                add(value: value, constraint: "Member must have length greater than or equal to \(min)")
            }
            if case .structure = memberShape.kind {
                for (i, item) in items.enumerated() {
                    try check(item, memberShape, at: .item(i))
                }
            } else {
                // Coral reports a bad scalar item once, at the list, with every constraint of the item shape.
                var bad = false
                for item in items {
                    if item == .null { bad = true; continue }
                    var inner = Validator(validationCode: validationCode)
                    inner.steps = steps
                    try inner.check(item, memberShape)
                    if !inner.violations.isEmpty { bad = true }
                }
                if bad {
                    let all = Validator.constraints(of: memberShape)
                    add(value: value, constraint: "Member must satisfy constraint: [" + all.joined(separator: ", ") + "]")
                }
            }
        case .map(let keyShape, let valueShape, let min, let max):
            guard case .object(let obj) = value else { throw typeError("an object", value) }
            if let max, obj.count > max {
                add(value: value, constraint: "Member must have length less than or equal to \(max)")
            }
            if let min, obj.count < min {
                add(value: value, constraint: "Member must have length greater than or equal to \(min)")
            }
            for m in obj.members {
                try check(.string(m.key), keyShape, at: .mapKey)
                try check(m.value, valueShape, at: .mapValue(m.key))
            }
        case .string(let min, let max, let pattern, let enumValues):
            guard case .string(let s) = value else { throw typeError("a string", value) }
            // Java counts UTF-16 code units.
            let length = s.utf16.count
            if let max, length > max {
                add(value: value, constraint: "Member must have length less than or equal to \(max)")
            }
            if let min, length < min {
                add(value: value, constraint: "Member must have length greater than or equal to \(min)")
            }
            // Patterns run as a loop or as automata compiled at load (a DFA, else an NFA
            // simulation; see Pattern), none recursive per character: every value is checked, at
            // any length, in time linear in it. The few patterns with lookarounds (all on members
            // of at most 512 characters) may re-read the value per position, so they see values up
            // to max(512, the member's maximum length): every value the member allows.
            if let pattern, pattern.evaluates(length: length, memberMax: max), !pattern.matches(s) {
                add(value: value, constraint: "Member must satisfy regular expression pattern: \(pattern.source)")
            }
            if let enumValues, !enumValues.contains(s) {
                add(value: value, constraint: "Member must satisfy enum value set: [" + enumValues.joined(separator: ", ") + "]")
            }
        case .integer(let bits, let min, let max):
            let v: Int64
            switch value {
            case .int(let i): v = i
            case .number(let text):
                if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                    throw RuntimeError.serialization("Invalid value for member '\(path)': \(text) is not an integer.")
                }
                throw RuntimeError.serialization("Invalid value for member '\(path)': \(text) does not fit a \(bits)-bit integer.")
            default: throw typeError("an integer", value)
            }
            if bits == 32 && (v < Int64(Int32.min) || v > Int64(Int32.max)) {
                throw RuntimeError.serialization("Invalid value for member '\(path)': \(v) does not fit a 32-bit integer.")
            }
            if let max, v > max {
                add(value: value, constraint: "Member must have value less than or equal to \(max)")
            }
            if let min, v < min {
                add(value: value, constraint: "Member must have value greater than or equal to \(min)")
            }
        case .double(let min, let max):
            let d: Double
            switch value {
            case .int(let i): d = Double(i)
            case .number(let text):
                guard let parsed = Double(text), parsed.isFinite else {
                    throw RuntimeError.serialization("Invalid value for member '\(path)': \(text) is not a finite number.")
                }
                d = parsed
            default: throw typeError("a number", value)
            }
            if let max, d > max {
                add(value: value, constraint: "Member must have value less than or equal to \(Validator.format(max))")
            }
            if let min, d < min {
                add(value: value, constraint: "Member must have value greater than or equal to \(Validator.format(min))")
            }
        case .boolean:
            guard case .bool = value else { throw typeError("a boolean", value) }
        case .timestamp:
            switch value {
            case .int, .string: break
            case .number(let t) where Double(t)?.isFinite == true: break
            default: throw typeError("a timestamp (epoch seconds or ISO 8601 string)", value)
            }
        case .blob:
            guard case .string = value else { throw typeError("a base64 string", value) }
        case .document:
            break
        }
    }

    func typeError(_ expected: String, _ got: JSON) -> APIError {
        RuntimeError.serialization("Invalid type for member '\(path)': expected \(expected), got \(got.typeName).")
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    /// Every constraint of a scalar shape, in Coral's order (max, min, pattern, enum).
    static func constraints(of shape: Shape) -> [String] {
        var out: [String] = []
        switch shape.kind {
        case .string(let min, let max, let pattern, let enumValues):
            if let max { out.append("Member must have length less than or equal to \(max)") }
            if let min { out.append("Member must have length greater than or equal to \(min)") }
            if let pattern { out.append("Member must satisfy regular expression pattern: \(pattern.source)") }
            if let enumValues { out.append("Member must satisfy enum value set: [" + enumValues.joined(separator: ", ") + "]") }
        case .integer(_, let min, let max):
            if let max { out.append("Member must have value less than or equal to \(max)") }
            if let min { out.append("Member must have value greater than or equal to \(min)") }
        case .double(let min, let max):
            if let max { out.append("Member must have value less than or equal to \(format(max))") }
            if let min { out.append("Member must have value greater than or equal to \(format(min))") }
        default:
            break
        }
        return out
    }
}

/// One constraint violation, as data: where, which constraint, and the value (nil: absent). The
/// AWS message is spelled out from these only when an answer is rendered.
public struct Violation: Sendable, Equatable {
    /// The lowerCamelCase member path (`rootDirectory.path`, `tags.1.member.key`).
    public let path: String
    /// Coral's words for the constraint (`Member must have length less than or equal to 100`).
    public let constraint: String
    /// The value that violates it (nil: the member is absent).
    public let value: JSON?

    /// The violation in Coral's words: `Value '<v>' at '<path>' failed to satisfy constraint: ...`.
    public var text: String {
        let shown = value.map { "'\(Validator.echo($0))'" } ?? "null"
        return "Value \(shown) at '\(path)' failed to satisfy constraint: \(constraint)"
    }

    /// Several violations as AWS reports them together: `N validation errors detected: a; b`.
    static func message(_ violations: [Violation]) -> String {
        let n = violations.count
        return "\(n) validation error\(n == 1 ? "" : "s") detected: " + violations.map(\.text).joined(separator: "; ")
    }
}
