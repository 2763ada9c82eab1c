/// State the world keeps across services: the network today; the file trees and IAM principals
/// next. A component is the same kind of plug-in a service is, for what no one service owns: its
/// part of apsim:ExportState (world-wide and per account and region), its config keys and its
/// control operations. The world, snapshots, the config parser and the operation table reach
/// components only through this protocol and `WorldComponents.all`.
protocol WorldComponent {
    /// Its name ("network"), as apsim:DescribeConfiguration names a key's owner.
    static var name: String { get }
    /// The config keys it owns (see `ConfigKey`).
    static var configKeys: [ConfigKey] { get }
    /// Its `apsim:` control operations.
    static var controls: [OperationEntry] { get }
    /// Sets up a new world of `config` (the network declares the config's networks).
    static func open(_ s: inout WorldState, config: WorldConfig)
    /// Writes its world-wide part into the root of an ExportState document.
    static func export(_ s: borrowing WorldState, into root: inout JSONObject)
    /// Reads it back into a fresh world; `found` is what a scan of a hand-written document's
    /// regions found (used when the document leaves the component's bookkeeping out).
    static func restore(_ root: DocumentReader, found: Snapshot.Found, into s: inout WorldState) throws(APIError)
    /// Writes its part of one account and region into that region's object.
    static func export(_ region: RegionState, into document: inout JSONObject)
    /// Reads it back into a fresh region.
    static func restore(_ document: DocumentReader, into region: RegionState, region name: String) throws(APIError)
    /// A world was reopened from its state file (its journal replayed): client sessions end.
    static func reopened(_ s: inout WorldState)
}

extension WorldComponent {
    static var configKeys: [ConfigKey] { [] }
    static var controls: [OperationEntry] { [] }
    static func open(_ s: inout WorldState, config: WorldConfig) {}
    static func export(_ s: borrowing WorldState, into root: inout JSONObject) {}
    static func restore(_ root: DocumentReader, found: Snapshot.Found, into s: inout WorldState) throws(APIError) {}
    static func export(_ region: RegionState, into document: inout JSONObject) {}
    static func restore(_ document: DocumentReader, into region: RegionState, region name: String) throws(APIError) {}
    static func reopened(_ s: inout WorldState) {}
}

/// The registry: every world component, beside `Services.all`.
enum WorldComponents {
    static let all: [any WorldComponent.Type] = [S3AliasNamespace.self, NetworkComponent.self, FileTrees.self, Principals.self]
}

/// The world-wide state of one component: a class made empty on first use (see
/// `WorldState.shared`).
protocol SharedState: AnyObject {
    init()
}
