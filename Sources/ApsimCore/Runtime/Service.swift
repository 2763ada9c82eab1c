/// A service apsim emulates. The world, the wire layer, the controls and snapshots know services
/// only through this protocol; `Services.all` lists them. Adding a service is a folder under
/// Services/ (its generated model, error catalogue, rules, state and handlers, and a type that
/// conforms to `Service`) plus one line in `Services.all`.
protocol Service: Sendable {
    /// The generated model: operations, bindings, errors and lifecycle enums.
    static var model: ServiceModel { get }
    /// Every operation the service answers, with its rules and handler.
    static var operations: [OperationEntry] { get }
    /// The config keys the service owns (declared and read in its folder).
    static var configKeys: [ConfigKey] { get }
    /// Adds the service's resources of one account and region to that region's object of an
    /// apsim:ExportState document (members named after the service, e.g. `EFSFileSystems`).
    static func export(_ region: RegionState, into document: inout JSONObject)
    /// Restores what `export` wrote into a fresh region, through the state types' inserts (which
    /// keep their indexes and counters); throws `InvalidState` naming the first bad member.
    static func restore(_ document: DocumentReader, into region: RegionState, account: String,
                        region name: String) throws(APIError)
    /// Forces the lifecycle state of one of the service's resources (apsim:SetLifecycleState);
    /// false when the resource is not one of this service's.
    static func forceLifecycle(_ target: LifecycleTarget, to state: String, in region: RegionState,
                               message: String?) throws(APIError) -> Bool
    /// Mounts one of the service's file systems or volumes as nfs:Mount asks (files.md section 3),
    /// with every check of the service, in order; nil when the request names none of its own.
    static func mount(_ input: JSONObject, _ s: inout WorldState, _ ctx: CallContext) throws(APIError) -> FileMount?
    /// What a call on one of the service's mounts may do now (its resources gone: ESTALE).
    static func health(of mount: FileMount, _ s: inout WorldState, now: Int64) -> FileMount.Health
    /// A file is about to be read through one of the service's mounts (EFS: its storage class).
    static func reading(_ file: FileNode, through mount: FileMount, _ s: inout WorldState, now: Int64)
    /// A tree is about to change through one of the service's mounts (EFS: an hourly sample).
    static func changing(_ tree: FileTree, through mount: FileMount, _ s: inout WorldState, now: Int64)
    /// Gives one of the service's resources the network interface an EC2 emulator made for it
    /// (apsim:SetNetworkInterface); false when the resource is not one of this service's.
    static func setNetworkInterface(_ id: String, to interface: String, in region: RegionState) -> Bool
}

extension Service {
    static func setNetworkInterface(_ id: String, to interface: String, in region: RegionState) -> Bool { false }
    static func mount(_ input: JSONObject, _ s: inout WorldState, _ ctx: CallContext) throws(APIError) -> FileMount? { nil }
    static func health(of mount: FileMount, _ s: inout WorldState, now: Int64) -> FileMount.Health { .ok }
    static func reading(_ file: FileNode, through mount: FileMount, _ s: inout WorldState, now: Int64) {}
    static func changing(_ tree: FileTree, through mount: FileMount, _ s: inout WorldState, now: Int64) {}
}

/// What apsim:SetLifecycleState names: a resource by ID, or one by name (an S3 access point
/// attachment has no ID).
enum LifecycleTarget {
    case id(String)
    case name(String)
}

/// The state of one service in one account and region: a class made empty on first use.
protocol ServiceState: AnyObject {
    init()
}

/// The registry: every service apsim emulates.
enum Services {
    static let all: [any Service.Type] = [EFSService.self, FSxService.self, NFSService.self]

    /// The model of the service named `name` ("efs"), by its boto3 name.
    static func model(named name: Substring) -> ServiceModel? {
        all.first { $0.model.name == name }?.model
    }
}

extension ServiceModel {
    /// Refuses a `state` that is not a lifecycle state of `kind` (the model's enum for it).
    func checkLifecycle(_ state: String, of kind: String, label: String) throws(APIError) {
        let states = lifecycleStates[kind] ?? []
        guard states.contains(state) else { throw RuntimeError.invalidLifecycleState(state, label: label, states: states) }
    }

    /// Forces `state` on the first of `candidates` that exists (one lookup per kind of resource an
    /// ID may name), once `state` is known to be one of its kind's; false when none exists.
    func force(_ state: String, _ candidates: [(resource: (any LifecycleHolder)?, kind: String, label: String)])
        throws(APIError) -> Bool {
        guard let found = candidates.first(where: { $0.resource != nil }), let resource = found.resource else { return false }
        try checkLifecycle(state, of: found.kind, label: found.label)
        resource.lifecycle.force(state)
        return true
    }
}
