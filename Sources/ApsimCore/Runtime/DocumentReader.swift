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
    func lifecycle(_ key: String) throws(APIError) -> LifecycleState {
        let r = try DocumentReader(object[key], path + "." + key, refusal: refusal)
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
