/// Reads the typed members of one object of a document apsim takes whole (a state, a network
/// declaration), naming the path of the first bad one (`State.Regions[0].EFSFileSystems[2].Seq`)
/// in the error it throws (`InvalidState`, `InvalidNetwork`).
struct DocumentReader {
    typealias Refusal = @Sendable (_ path: String, _ what: String) -> APIError

    let object: JSONObject
    let path: String
    let refusal: Refusal

    /// A state document's reader (apsim:ImportState, the `state` key, the state file).
    init(_ value: JSON?, _ path: String) throws(APIError) {
        try self.init(value, path, refusal: RuntimeError.invalidState)
    }

    init(_ value: JSON?, _ path: String, refusal: @escaping Refusal) throws(APIError) {
        guard case .object(let o)? = value else { throw refusal(path, "expected an object") }
        object = o
        self.path = path
        self.refusal = refusal
    }

    /// The error for member `key` of this object.
    func invalid(_ key: String, _ what: String) -> APIError { refusal(path + "." + key, what) }

    /// Refuses members beyond `members`, naming the ones it takes.
    func only(_ members: [String], naming named: [String]) throws(APIError) {
        if let unknown = object.keys.first(where: { !members.contains($0) }) {
            throw invalid(unknown, "not a member; use " + named.joined(separator: ", "))
        }
    }

    func raw(_ key: String) -> JSON? { object[key] }
    /// Member `key` as `get` reads it; refused as "expected <what>" when absent or of another type.
    func required<T>(_ key: String, _ what: String, _ get: (JSON) -> T?) throws(APIError) -> T {
        guard let value = object[key].flatMap(get) else { throw invalid(key, "expected \(what)") }
        return value
    }
    /// Member `key` as `get` reads it, nil when absent; refused when of another type.
    func optional<T>(_ key: String, _ what: String, _ get: (JSON) -> T?) throws(APIError) -> T? {
        guard let member = object[key] else { return nil }
        return try required(key, what) { _ in get(member) }
    }
    func string(_ key: String) throws(APIError) -> String { try required(key, "a string", \.string) }
    func optionalString(_ key: String) throws(APIError) -> String? { try optional(key, "a string", \.string) }
    /// Member `key` checked against a model shape (its type, length, range, pattern and enum), as a
    /// request member of that shape would be: refused with the constraint it breaks.
    func checked(_ key: String, _ shape: Shape) throws(APIError) -> JSON? {
        guard let value = object[key] else { return nil }
        var v = Validator(validationCode: RuntimeError.validationCode)
        do {
            try v.check(value, shape)
        } catch {
            throw invalid(key, error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message)
        }
        if let first = v.violations.first {
            throw invalid(key, "'\(Validator.echo(value))' fails the model's constraint: \(first.constraint)")
        }
        return value
    }
    /// A string member that must satisfy `shape`.
    func string(_ key: String, _ shape: Shape) throws(APIError) -> String {
        let value = try string(key)
        _ = try checked(key, shape)
        return value
    }
    /// An optional string member that must satisfy `shape` when present.
    func optionalString(_ key: String, _ shape: Shape) throws(APIError) -> String? {
        guard let value = try optionalString(key) else { return nil }
        _ = try checked(key, shape)
        return value
    }
    /// An array member of resource IDs (see `id(_:prefix:)`: `prefix` is "sg-" and the like).
    func ids(_ key: String, prefix: String) throws(APIError) -> [String] {
        var out: [String] = []
        for (i, item) in try array(key).enumerated() {
            guard let value = item.string, Network.isWellFormed(value, prefix: prefix) else {
                throw invalid("\(key)[\(i)]", DocumentReader.notAnID(item, prefix: prefix))
            }
            out.append(value)
        }
        return out
    }
    /// A string member that must be one of `values`.
    func string(_ key: String, oneOf values: [String]) throws(APIError) -> String {
        let value = try string(key)
        guard values.contains(value) else { throw invalid(key, "'\(value)' is not one of " + values.joined(separator: ", ")) }
        return value
    }
    /// An ARN member whose partition, region and account are this resource's.
    func arn(_ key: String, service: String, region: String, account: String) throws(APIError) -> String? {
        guard let value = try optionalString(key) else { return nil }
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { throw invalid(key, "'\(value)' is not an ARN") }
        guard parts[1] == ARN.partition(region: region) else { throw invalid(key, "'\(value)' is not in partition \(ARN.partition(region: region))") }
        guard parts[2] == service else { throw invalid(key, "'\(value)' is not an ARN of \(service)") }
        guard parts[3] == region, parts[4] == account else { throw invalid(key, "'\(value)' is not in account \(account), region \(region)") }
        return value
    }
    func int(_ key: String) throws(APIError) -> Int64 { try required(key, "an integer", \.int) }
    func optionalInt(_ key: String) throws(APIError) -> Int64? { try optional(key, "an integer", \.int) }
    func hex(_ key: String) throws(APIError) -> UInt64 {
        guard let v = UInt64(try string(key), radix: 16) else { throw invalid(key, "expected 16 hex digits") }
        return v
    }
    func bool(_ key: String) throws(APIError) -> Bool { try required(key, "a boolean", \.bool) }
    func array(_ key: String) throws(APIError) -> [JSON] { try required(key, "an array", \.array) }
    /// The objects of array member `key`, each with its own path.
    func items(_ key: String) throws(APIError) -> [DocumentReader] {
        var out: [DocumentReader] = []
        for (i, item) in try array(key).enumerated() {
            out.append(try DocumentReader(item, "\(path).\(key)[\(i)]", refusal: refusal))
        }
        return out
    }

    /// `items(key)`, none when the member is absent.
    func optionalItems(_ key: String) throws(APIError) -> [DocumentReader] {
        object[key] == nil ? [] : try items(key)
    }
    func objectValue(_ key: String) throws(APIError) -> JSONObject { try required(key, "an object", \.object) }
    func tags(_ key: String) throws(APIError) -> [Tag] {
        var out: [Tag] = []
        for t in try items(key) { out.append(Tag(key: try t.string("Key"), value: try t.string("Value"))) }
        return out
    }
    /// A lifecycle (`{"Current", "SettlesTo"?, "SettleAt"?}`); with `states`, both states must be
    /// among them.
    func lifecycle(_ key: String, states: [String]? = nil) throws(APIError) -> LifecycleState {
        let r = try DocumentReader(object[key], path + "." + key, refusal: refusal)
        if let states {
            return LifecycleState(current: try r.string("Current", oneOf: states),
                                  settlesTo: r.raw("SettlesTo") == nil ? nil : try r.string("SettlesTo", oneOf: states),
                                  settleAt: try r.optionalInt("SettleAt"))
        }
        return LifecycleState(current: try r.string("Current"), settlesTo: try r.optionalString("SettlesTo"),
                              settleAt: try r.optionalInt("SettleAt"))
    }

    /// Resources of one kind are stored in creation order: each Seq is positive and larger than
    /// the one before.
    struct Order {
        private var last: UInt64 = 0

        mutating func next(_ item: DocumentReader) throws(APIError) -> UInt64 {
            let seq = try item.int("Seq")
            guard seq > 0 else { throw item.invalid("Seq", "expected a positive integer") }
            guard UInt64(seq) > last else { throw item.invalid("Seq", "resources must be in increasing Seq order") }
            last = UInt64(seq)
            return last
        }
    }
}
