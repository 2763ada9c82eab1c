/// The EFS resources of one account in one region, indexed for O(1) lookups and O(page) paging.
/// Its inserts and removes are the only way in and out: they keep the indexes (by ID, by token,
/// creation order, per file system) in step, for handlers and snapshot restores alike.
final class EFSState: ServiceState {
    private(set) var fileSystems: [String: EFSFileSystem] = [:]
    private(set) var fileSystemsByToken: [String: EFSFileSystem] = [:]
    private(set) var fileSystemOrder = CreationIndex<EFSFileSystem>()
    private(set) var accessPoints: [String: EFSAccessPoint] = [:]
    /// Client tokens are unique per account and region (not per file system).
    private(set) var accessPointsByToken: [String: EFSAccessPoint] = [:]
    private(set) var accessPointOrder = CreationIndex<EFSAccessPoint>()

    init() {}

    func insert(_ fs: EFSFileSystem) {
        fileSystems[fs.id] = fs
        fileSystemsByToken[fs.creationToken] = fs
        fileSystemOrder.append(fs, seq: fs.seq)
    }

    /// Adds an access point to its file system, which must be in this state.
    func insert(_ ap: EFSAccessPoint, into fs: EFSFileSystem) {
        accessPoints[ap.id] = ap
        accessPointsByToken[ap.clientToken] = ap
        accessPointOrder.append(ap, seq: ap.seq)
        fs.accessPoints.append(ap, seq: ap.seq)
    }

    func remove(_ ap: EFSAccessPoint) {
        accessPoints[ap.id] = nil
        accessPointsByToken[ap.clientToken] = nil
        accessPointOrder.remove(seq: ap.seq)
        fileSystems[ap.fileSystemID]?.accessPoints.remove(seq: ap.seq)
    }

    /// Removes a file system with its access points.
    func remove(_ fs: EFSFileSystem) {
        for ap in fs.accessPoints.all { remove(ap) }
        fileSystems[fs.id] = nil
        fileSystemsByToken[fs.creationToken] = nil
        fileSystemOrder.remove(seq: fs.seq)
    }
}

extension RegionState {
    var efs: EFSState { state(EFSState.self) }
}

final class EFSFileSystem: LifecycleHolder {
    let id: String
    let seq: UInt64
    let arn: String
    let creationToken: String
    let creationTime: Int64
    var lifecycle: LifecycleState
    let performanceMode: String
    let throughputMode: String
    let encrypted: Bool
    let kmsKeyID: String?
    let provisionedThroughput: JSON?
    let availabilityZoneName: String?
    var tags: [Tag]
    var accessPoints = CreationIndex<EFSAccessPoint>()
    /// When the last access point was created on it (for the throttling rule).
    var lastAccessPointCreated: Int64?

    init(id: String, seq: UInt64, arn: String, creationToken: String, creationTime: Int64, lifecycle: LifecycleState,
         performanceMode: String, throughputMode: String, encrypted: Bool, kmsKeyID: String?,
         provisionedThroughput: JSON?, availabilityZoneName: String?, tags: [Tag]) {
        self.id = id
        self.seq = seq
        self.arn = arn
        self.creationToken = creationToken
        self.creationTime = creationTime
        self.lifecycle = lifecycle
        self.performanceMode = performanceMode
        self.throughputMode = throughputMode
        self.encrypted = encrypted
        self.kmsKeyID = kmsKeyID
        self.provisionedThroughput = provisionedThroughput
        self.availabilityZoneName = availabilityZoneName
        self.tags = tags
    }
}

/// The identity an access point enforces.
struct PosixUser: Sendable, Equatable {
    var uid: Int64
    var gid: Int64
    var secondaryGids: [Int64]?

    init?(_ value: JSON?) {
        guard let value, let uid = value["Uid"]?.int, let gid = value["Gid"]?.int else { return nil }
        self.uid = uid
        self.gid = gid
        secondaryGids = value["SecondaryGids"]?.array?.compactMap(\.int)
    }

    var json: JSON {
        var o = JSONObject(capacity: 3)
        o.append("Uid", .int(uid))
        o.append("Gid", .int(gid))
        if let secondaryGids { o.append("SecondaryGids", .array(secondaryGids.map { .int($0) })) }
        return .object(o)
    }
}

/// An access point's root directory; Path defaults to "/".
struct RootDirectory: Sendable, Equatable {
    var path: String
    var creationInfo: (uid: Int64, gid: Int64, permissions: String)?

    init(_ value: JSON?) {
        path = value?["Path"]?.string ?? "/"
        if let ci = value?["CreationInfo"], let u = ci["OwnerUid"]?.int, let g = ci["OwnerGid"]?.int,
           let p = ci["Permissions"]?.string {
            creationInfo = (u, g, p)
        }
    }

    static func == (a: RootDirectory, b: RootDirectory) -> Bool {
        a.path == b.path && a.creationInfo?.uid == b.creationInfo?.uid && a.creationInfo?.gid == b.creationInfo?.gid
            && a.creationInfo?.permissions == b.creationInfo?.permissions
    }

    var json: JSON {
        var o = JSONObject(capacity: 2)
        o.append("Path", .string(path))
        if let ci = creationInfo {
            o.append("CreationInfo", ["OwnerUid": .int(ci.uid), "OwnerGid": .int(ci.gid), "Permissions": .string(ci.permissions)])
        }
        return .object(o)
    }
}

/// Its ARN is not stored: it follows from the ID, account and region, and is spelled out when a
/// description is rendered (outside the world's lock; about 90 bytes saved per access point).
final class EFSAccessPoint: LifecycleHolder {
    let id: String
    let seq: UInt64
    let clientToken: String
    /// The file system by ID, not by reference: no retain cycle, and no dangling reference.
    let fileSystemID: String
    var tags: [Tag]
    let posixUser: PosixUser?
    let rootDirectory: RootDirectory
    var lifecycle: LifecycleState

    init(id: String, seq: UInt64, clientToken: String, fileSystemID: String, tags: [Tag],
         posixUser: PosixUser?, rootDirectory: RootDirectory, lifecycle: LifecycleState) {
        self.id = id
        self.seq = seq
        self.clientToken = clientToken
        self.fileSystemID = fileSystemID
        self.tags = tags
        self.posixUser = posixUser
        self.rootDirectory = rootDirectory
        self.lifecycle = lifecycle
    }
}
