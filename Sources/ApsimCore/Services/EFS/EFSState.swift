/// The EFS resources of one account in one region, indexed for O(1) lookups and O(page) paging.
/// Its inserts and removes are the only way in and out: they keep the indexes (by ID, by token,
/// creation order, per file system) in step, for handlers and snapshot restores alike.
final class EFSState: ServiceState {
    private(set) var fileSystems: [String: EFSFileSystem] = [:]
    private(set) var fileSystemOrder = CreationIndex<EFSFileSystem>()
    private(set) var accessPoints: [String: EFSAccessPoint] = [:]
    /// CreationTokens and ClientTokens in use (the runtime's table): unique per account and
    /// region (not per file system), while their resource exists.
    let tokens = ClientTokenTable()
    private(set) var accessPointOrder = CreationIndex<EFSAccessPoint>()
    private(set) var mountTargets: [String: EFSMountTarget] = [:]
    /// Subnet ID -> the IPv4 addresses its mount targets hold.
    private(set) var addresses: [String: Set<UInt32>] = [:]
    /// Subnet ID -> the IPv6 addresses its mount targets hold.
    private(set) var ipv6Addresses: [String: Set<String>] = [:]
    /// PutAccountPreferences: LONG_ID (17 hex digits) or SHORT_ID (8) for new file systems and
    /// mount targets.
    var resourceIdType = "LONG_ID"
    /// The AWS-managed KMS key of encrypted file systems created without one (made on first use).
    var managedKeyARN: String?

    init() {}

    func insert(_ fs: EFSFileSystem) {
        fileSystems[fs.id] = fs
        tokens.remember(EFSOperation.createFileSystem.rawValue, token: fs.creationToken, request: JSONObject(), resourceID: fs.id)
        fileSystemOrder.append(fs, seq: fs.seq)
    }

    /// Adds an access point to its file system, which must be in this state.
    func insert(_ ap: EFSAccessPoint, into fs: EFSFileSystem) {
        accessPoints[ap.id] = ap
        tokens.remember(EFSOperation.createAccessPoint.rawValue, token: ap.clientToken, request: JSONObject(), resourceID: ap.id)
        accessPointOrder.append(ap, seq: ap.seq)
        fs.accessPoints.append(ap, seq: ap.seq)
    }

    /// Adds a mount target to its file system, which must be in this state.
    func insert(_ mt: EFSMountTarget, into fs: EFSFileSystem) {
        mountTargets[mt.id] = mt
        fs.mountTargets.append(mt, seq: mt.seq)
        if let ip = mt.ipAddress { addresses[mt.subnet.id, default: []].insert(ip) }
        if let ip = mt.ipv6Address { ipv6Addresses[mt.subnet.id, default: []].insert(ip) }
    }

    func remove(_ mt: EFSMountTarget) {
        mountTargets[mt.id] = nil
        fileSystems[mt.fileSystemID]?.mountTargets.remove(seq: mt.seq)
        if let ip = mt.ipAddress { addresses[mt.subnet.id]?.remove(ip) }
        if let ip = mt.ipv6Address { ipv6Addresses[mt.subnet.id]?.remove(ip) }
    }

    /// The state a call that looks at `mt` sees. A deleting mount target that settles is seen
    /// `deleting` this once and is gone afterwards.
    func observe(_ mt: EFSMountTarget, now: Int64) -> String {
        let before = mt.lifecycle.current
        let state = mt.lifecycle.observe(now: now)
        guard mt.deleting, state == EFSMountTargets.gone else { return state }
        remove(mt)
        return before
    }

    /// The mount targets of `fs` that exist for a call at `now` (settling those that are due).
    func liveMountTargets(of fs: EFSFileSystem, now: Int64) -> [EFSMountTarget] {
        fs.mountTargets.all.filter { mt in
            _ = observe(mt, now: now)
            return mountTargets[mt.id] != nil
        }
    }

    /// The file system made with CreationToken `token`, while it exists.
    func fileSystem(token: String) -> EFSFileSystem? {
        tokens.record(EFSOperation.createFileSystem.rawValue, token).flatMap { fileSystems[$0.resourceID] }
    }

    func remove(_ ap: EFSAccessPoint) {
        accessPoints[ap.id] = nil
        tokens.forget(EFSOperation.createAccessPoint.rawValue, ap.id)
        accessPointOrder.remove(seq: ap.seq)
        fileSystems[ap.fileSystemID]?.accessPoints.remove(seq: ap.seq)
    }

    /// Removes a file system with its access points.
    func remove(_ fs: EFSFileSystem) {
        for ap in fs.accessPoints.all { remove(ap) }
        fileSystems[fs.id] = nil
        tokens.forget(EFSOperation.createFileSystem.rawValue, fs.id)
        fileSystemOrder.remove(seq: fs.seq)
    }
}

extension RegionState {
    var efs: EFSState { state(EFSState.self) }
}

/// The identity an access point enforces.
struct PosixUser: Sendable, Equatable {
    var uid, gid: Int64
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
        (self.id, self.seq, self.clientToken, self.fileSystemID) = (id, seq, clientToken, fileSystemID)
        (self.tags, self.posixUser, self.rootDirectory, self.lifecycle) = (tags, posixUser, rootDirectory, lifecycle)
    }
}
