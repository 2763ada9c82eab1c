/// The operations a world answers, by their full name ("efs:CreateAccessPoint").
typealias OperationHandler =
    @Sendable (inout WorldState, CallContext, JSONObject) throws(APIError) -> JSONObject

/// A handler whose response may be built after the world's lock is released.
typealias DeferringHandler =
    @Sendable (inout WorldState, CallContext, JSONObject) throws(APIError) -> HandlerOutput

/// What a handler answers: the response, or how to build it from values it captured under the
/// world's lock (immutable copies, so building it needs no lock: the hot creates do this, which
/// shortens the time a call holds the lock).
enum HandlerOutput: Sendable {
    case object(JSONObject)
    case deferred(@Sendable () -> JSONObject)

    var object: JSONObject {
        switch self {
        case .object(let o): return o
        case .deferred(let build): return build()
        }
    }
}

/// The spec's stateless rules beyond the model (cross-field checks, extra limits): they run after
/// the shape checks passed and are part of `apsim_validate`.
typealias OperationRules = @Sendable (JSONObject) throws(APIError) -> Void

/// One operation: its model, rules and handler. A class, so that a call holds one reference to it
/// rather than copying (and retaining) each of its members.
final class OperationEntry: Sendable {
    let fullName: String
    /// The operation's name in its service ("CreateVolume").
    let name: String
    let input: Shape
    /// The code of a constraint violation in this service (EFS ValidationException, FSx BadRequest).
    let validationCode: String
    let successStatus: Int
    /// What the operation does to the world (declared: models/<service>/apsim.json for AWS
    /// operations, `ControlOperations` for apsim's own).
    let kind: OperationKind
    /// Whether a call draws a RequestId from the world's stream: AWS operations do; controls and
    /// the data plane never do, so neither changes the RequestIds of later AWS calls.
    var drawsRequestID: Bool {
        switch kind {
        case .read, .write: return true
        case .control, .dataPlane: return false
        }
    }
    /// An `apsim:` operation.
    var isControl: Bool {
        if case .control = kind { return true }
        return false
    }
    let rules: OperationRules?
    /// The IAM action a call asks for (nil: an `apsim:` control, which no policy governs).
    let action: String?
    /// The resource a call acts on, for its authorization.
    let resource: (@Sendable (CallContext, JSONObject, borrowing WorldState) -> String)?
    /// The input member that is the operation's idempotency token (the model's), and what a
    /// token already in use answers (the service's rule); nil: the operation takes no token.
    let tokenMember: String?
    let idempotency: Idempotency?
    /// Stateless rules that a call checks later, where the spec orders them (after the client
    /// token's replay); `apsim_validate` runs them right after `rules`.
    let deferredRules: OperationRules?
    let handler: DeferringHandler

    convenience init(_ operation: some ServiceOperation, validationCode: String, rules: OperationRules? = nil,
                     idempotency: Idempotency? = nil, deferredRules: OperationRules? = nil, lookups: Set<String> = [],
                     handler: @escaping OperationHandler) {
        self.init(operation, validationCode: validationCode, rules: rules, idempotency: idempotency,
                  deferredRules: deferredRules, lookups: lookups,
                  deferring: { s, ctx, input throws(APIError) in .object(try handler(&s, ctx, input)) })
    }

    init(_ operation: some ServiceOperation, validationCode: String, rules: OperationRules? = nil,
         idempotency: Idempotency? = nil, deferredRules: OperationRules? = nil, lookups: Set<String> = [],
         deferring handler: @escaping DeferringHandler) {
        // The generator makes the operation enum and the models from one list, so `model` is
        // never nil; the fallback keeps even an impossible mismatch from trapping.
        let model = operation.model
        fullName = operation.fullName
        name = operation.rawValue
        input = (model?.input ?? Shape(operation.rawValue, .structure(members: [], required: []))).withoutPatterns(on: lookups)
        self.validationCode = validationCode
        successStatus = model?.successStatus ?? 200
        kind = model?.kind ?? .write
        // Data-plane operations are authorized where they say (nfs:Mount evaluates ClientMount...).
        if case .dataPlane = kind { action = nil } else { action = operation.action }
        resource = { ctx, input, state in type(of: operation).resource(of: operation, ctx, input, state) }
        tokenMember = model?.idempotencyToken
        (self.rules, self.idempotency, self.deferredRules, self.handler) = (rules, idempotency, deferredRules, handler)
    }

    init(control name: String, input: Shape, mutates: Bool, handler: @escaping OperationHandler) {
        fullName = "apsim:" + name
        self.name = name
        self.input = input
        kind = .control(writes: mutates)
        action = nil
        resource = nil
        validationCode = RuntimeError.validationCode
        successStatus = 200
        rules = nil
        tokenMember = nil
        idempotency = nil
        deferredRules = nil
        self.handler = { s, ctx, input throws(APIError) in .object(try handler(&s, ctx, input)) }
    }
}

extension OperationEntry {
    /// The phases a validated call runs under the world's lock, in the spec's order: its
    /// authorization (when the world has an authorizer), the client token's replay, the deferred
    /// stateless rules, then the handler's state logic.
    func run(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> HandlerOutput {
        if let authorizer = s.authorizer, let action, let resource {
            try authorizer(Authorization(caller: ctx.caller, action: action, resource: resource(ctx, input, s)), s)
        }
        if let idempotency, let member = tokenMember, let token = input[member]?.string,
           let earlier = idempotency.table(&s, ctx).record(name, token),
           let answer = try idempotency.onRepeat(earlier, token, input, &s, ctx) {
            return answer
        }
        try deferredRules?(input)
        return try handler(&s, ctx, input)
    }
}

/// The table of every operation a world answers (AWS and control), and the stateless phases of a call.
public enum Operations {
    static let table: [String: OperationEntry] = {
        var t: [String: OperationEntry] = [:]
        let controls = ControlOperations.entries + WorldComponents.all.flatMap { $0.controls }
        for e in Services.all.flatMap({ $0.operations }) + controls { t[e.fullName] = e }
        return t
    }()

    /// Every operation name `apsim_call` accepts, sorted.
    public static var names: [String] { table.keys.sorted() }

    static func entry(_ name: String) throws(APIError) -> OperationEntry {
        guard let e = table[name] else { throw unknown(name) }
        return e
    }

    /// The error for a name that is no operation apsim answers: `NotImplemented` (501) for a real
    /// operation of a served service's model, else unknown, with the nearest name as a hint.
    public static func unknown(_ name: String) -> APIError {
        let parts = name.split(separator: ":", maxSplits: 1)
        if parts.count == 2, let model = Services.model(named: parts[0]), model.unemulated[String(parts[1])] != nil {
            return RuntimeError.notImplemented(name, service: model.serviceID)
        }
        return RuntimeError.unknownOperation(name, suggestion: suggestion(for: name))
    }

    /// The operation a mistyped name most likely meant: the same name in another case, else one
    /// at most two edits away (nil when none, or when two are equally near).
    static func suggestion(for name: String) -> String? {
        let lowered = name.lowercased()
        if let same = table.keys.first(where: { $0.lowercased() == lowered }) { return same }
        var best: (name: String, distance: Int)? = nil, tie = false
        let a = Array(lowered.utf8)
        guard a.count <= 128 else { return nil }
        for candidate in table.keys {
            let b = Array(candidate.lowercased().utf8)
            guard abs(a.count - b.count) <= 2 else { continue }
            let d = editDistance(a, b)
            guard d <= 2 else { continue }
            if best == nil || d < best!.distance { best = (candidate, d); tie = false } else if d == best!.distance { tie = true }
        }
        return tie ? nil : best?.name
    }

    /// Levenshtein distance over bytes (short names only).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for (i, x) in a.enumerated() {
            current[0] = i + 1
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Parses a request document; nil or blank mean `{}`.
    static func parse(_ request: String?) throws(APIError) -> JSON {
        guard let request, !request.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else {
            return .object(JSONObject())
        }
        do { return try JSON.parse(request) } catch { throw RuntimeError.serialization(error.message) }
    }

    /// Runs every stateless check of `entry` that a call runs up front (the model's shapes, then
    /// the spec's rules); returns the input with null members dropped.
    static func validate(_ entry: OperationEntry, _ doc: JSON) throws(APIError) -> JSONObject {
        try Validator.validate(doc, entry.input, validationCode: entry.validationCode)
        // AWS reads a JSON null as an absent member; handlers and rules see it that way too.
        guard case .object(let obj) = doc.droppingNulls() else { throw RuntimeError.serialization("The request body must be a JSON object.") }
        try entry.rules?(obj)
        return obj
    }
}

extension JSON {
    /// The document without null object members, at any depth.
    func droppingNulls() -> JSON {
        guard containsNull else { return self }
        switch self {
        case .object(let o):
            var r = JSONObject()
            for m in o.members where m.value != .null { r.append(m.key, m.value.droppingNulls()) }
            return .object(r)
        case .array(let items):
            return .array(items.map { $0.droppingNulls() })
        default:
            return self
        }
    }

    /// Whether a null appears anywhere inside (most requests have none and are kept as they are).
    var containsNull: Bool {
        switch self {
        case .null: return true
        case .object(let o): return o.members.contains { $0.value.containsNull }
        case .array(let items): return items.contains { $0.containsNull }
        default: return false
        }
    }

    /// The object inside (an empty object for other values); for literals in handlers.
    var objectValue: JSONObject { object ?? JSONObject() }
}
