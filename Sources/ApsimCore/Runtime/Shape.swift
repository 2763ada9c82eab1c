/// The AWS service model as data: shapes, operations and errors.
///
/// The tables themselves (`EFSModel.swift`, `FSxModel.swift`) are generated from botocore's
/// `service-2.json` by `tools/gen_models.py`; regenerate them when AWS changes the model. The
/// spec's rules that the model cannot express live in each service's `*Rules.swift`.
final class Shape: Sendable {
    enum Kind: Sendable {
        case string(min: Int?, max: Int?, pattern: Pattern?, enumValues: [String]?)
        /// `integer` (32 bits) and `long` (64 bits).
        case integer(bits: Int, min: Int64?, max: Int64?)
        case double(min: Double?, max: Double?)
        case boolean
        case timestamp
        case blob
        case list(member: Shape, min: Int?, max: Int?)
        case map(key: Shape, value: Shape, min: Int?, max: Int?)
        case structure(members: [Member], required: [String])
        /// Any JSON value (control operations that take a whole document).
        case document
    }

    let name: String
    let kind: Kind

    init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }

    var members: [Member] {
        if case .structure(let m, _) = kind { return m }
        return []
    }

    /// This structure with the patterns of the string members `names` left out: members whose
    /// value an operation looks up, answering NotFound rather than a validation error for any
    /// value that names nothing (as AWS does for some query-string IDs).
    func withoutPatterns(on names: Set<String>) -> Shape {
        guard case .structure(let members, let required) = kind, !names.isEmpty else { return self }
        return Shape(name, .structure(members: members.map { m in
            guard names.contains(m.name), case .string(let min, let max, _, let values) = m.shape.kind else { return m }
            return Member(m.name, Shape(m.shape.name, .string(min: min, max: max, pattern: nil, enumValues: values)),
                          location: m.location, locationName: m.locationName, idempotencyToken: m.idempotencyToken)
        }, required: required))
    }
}

/// Where a member travels on the wire (REST protocols); `body` for everything in JSON 1.1.
/// `statusCode` is an output member that is the HTTP status; `headers` a map of prefixed headers.
enum Location: String, Sendable {
    case body, uri, querystring, header, headers, statusCode
}

struct Member: Sendable {
    let name: String
    let shape: Shape
    let location: Location
    /// The name on the wire when it differs from `name` (e.g. `tagKeys` in the query string).
    let locationName: String?
    let idempotencyToken: Bool

    init(_ name: String, _ shape: Shape, location: Location = .body, locationName: String? = nil,
                idempotencyToken: Bool = false) {
        (self.name, self.shape, self.location, self.locationName) = (name, shape, location, locationName)
        self.idempotencyToken = idempotencyToken
    }
}

/// One operation of a service model.
struct OperationModel: Sendable {
    let name: String
    /// Whether the operation changes state by itself (models/<service>/apsim.json).
    let kind: OperationKind
    let method, requestURI: String
    /// The HTTP status of a success (200, 201, 204).
    let successStatus: Int
    let input: Shape
    /// What a success answers: each member's name, type and location (a header, the status
    /// code, the body), for the protocol that renders it; nil when the operation answers nothing.
    let output: Shape?
    /// The modeled errors the operation may return.
    let errors: [String]
}

/// What a service model says about its errors: code -> HTTP status and extra members.
struct ErrorModel: Sendable {
    let code: String
    let status: Int
    /// Members beyond ErrorCode and Message (e.g. AccessPointId).
    let members: [String]
}

/// An operation of a service's model that apsim does not emulate: its name and HTTP binding, so
/// that a request for it is recognised and answered `NotImplemented` rather than "unknown".
struct UnemulatedOperation: Sendable {
    let name, method, requestURI: String
}

struct ServiceModel: Sendable {
    /// The boto3 service name ("efs", "fsx").
    let name: String
    /// The model's service ID ("EFS", "FSx"): how messages name the service.
    let serviceID, apiProtocol, apiVersion: String
    let targetPrefix: String?
    /// The name SigV4 signs requests for (`elasticfilesystem`, `fsx`): the credential scope's
    /// fourth part, by which the wire knows a request's service.
    let signingName: String
    let operations: [String: OperationModel]
    /// The model's operations apsim does not emulate (answered `NotImplemented`, 501).
    let unemulated: [String: UnemulatedOperation]
    let errors: [String: ErrorModel]
    /// The lifecycle states each kind of resource can be in (the model's enums).
    let lifecycleStates: [String: [String]]
    /// The member names of the model's `Tag` shape.
    let tagMembers: TagMembers

    init(name: String, serviceID: String, apiProtocol: String, apiVersion: String, targetPrefix: String?,
         signingName: String, operations: [OperationModel], unemulated: [UnemulatedOperation] = [], errors: [ErrorModel],
         tagMembers: TagMembers = TagMembers(key: "Key", value: "Value"), lifecycleStates: [String: [String]]) {
        self.tagMembers = tagMembers
        self.signingName = signingName
        var others: [String: UnemulatedOperation] = [:]
        for op in unemulated { others[op.name] = op }
        self.unemulated = others
        (self.lifecycleStates, self.name, self.serviceID, self.apiProtocol) = (lifecycleStates, name, serviceID, apiProtocol)
        (self.apiVersion, self.targetPrefix) = (apiVersion, targetPrefix)
        var ops: [String: OperationModel] = [:]
        for op in operations { ops[op.name] = op }
        self.operations = ops
        var errs: [String: ErrorModel] = [:]
        for e in errors { errs[e.code] = e }
        self.errors = errs
    }
}

/// What an operation does to the world, declared per operation (never guessed from its name):
/// the state file journals every `write` and every other call that changed state (a read that
/// settled a lifecycle, see `StateChanges`).
enum OperationKind: Sendable, Equatable {
    /// An AWS operation that only observes (it may still settle a lifecycle that is due).
    case read
    /// An AWS operation that changes state.
    case write
    /// An `apsim:` control operation; `writes` when it changes the world.
    case control(writes: Bool)
    /// A data-plane operation (`nfs:`, S3 objects); `writes` when it changes the world.
    case dataPlane(writes: Bool)

    /// Whether a success always changes state (and is always journaled).
    var writes: Bool {
        switch self {
        case .read: return false
        case .write: return true
        case .control(let w), .dataPlane(let w): return w
        }
    }
}

/// The operations of one service's model that apsim emulates: a generated enum
/// (`EFSOperation`), its raw values the model's operation names.
protocol ServiceOperation: RawRepresentable<String>, CaseIterable, Sendable {
    /// The generated model the operations belong to.
    static var service: ServiceModel { get }
    /// The resource a call of `operation` acts on, for its authorization (an ARN, or `*`): the
    /// service says it in its folder (`EFSAuthorization.swift`).
    static func resource(of operation: Self, _ ctx: CallContext, _ input: JSONObject, _ state: borrowing WorldState) -> String
}

extension ServiceOperation {
    /// The operation's model (every case is one: the generator makes both from one list).
    var model: OperationModel? { Self.service.operations[rawValue] }
    /// Its full name, as `apsim_call` takes it ("efs:CreateAccessPoint").
    var fullName: String { Self.service.name + ":" + rawValue }
    /// The IAM action a call asks for: the signing name and the operation
    /// (`elasticfilesystem:CreateAccessPoint`, `fsx:CreateVolume`).
    var action: String { Self.service.signingName + ":" + rawValue }
}
