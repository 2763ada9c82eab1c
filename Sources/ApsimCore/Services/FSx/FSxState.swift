/// The FSx resources of one account in one region. Its inserts and removes are the only way in
/// and out: they keep the indexes, the counters that guard deletions and quotas (volumes, SVMs and
/// live attachments per parent) and the client token table in step, for handlers and snapshot
/// restores alike.
final class FSxState: ServiceState {
    private(set) var fileSystems: [String: FSxFileSystem] = [:]
    private(set) var fileSystemOrder = CreationIndex<FSxFileSystem>()
    private(set) var volumes: [String: FSxVolume] = [:]
    private(set) var volumeOrder = CreationIndex<FSxVolume>()
    private(set) var storageVirtualMachines: [String: FSxStorageVirtualMachine] = [:]
    private(set) var storageVirtualMachineOrder = CreationIndex<FSxStorageVirtualMachine>()
    /// What must be unique, to the ID that holds it: an OpenZFS volume's path on its file system,
    /// an ONTAP volume's name and junction path on its SVM, an SVM's name on its file system.
    private(set) var uniqueNames: [String: String] = [:]
    /// Attachments by name: S3 access point names are unique per account and region.
    private(set) var snapshots: [String: FSxSnapshot] = [:]
    private(set) var snapshotOrder = CreationIndex<FSxSnapshot>()
    private(set) var attachments: [String: FSxAttachment] = [:]
    private(set) var attachmentOrder = CreationIndex<FSxAttachment>()
    /// Attachments that are not DELETING (the ones quotas count).
    private(set) var liveAttachments = 0
    /// Client request tokens (the runtime's table, keyed by operation and token).
    let tokens = ClientTokenTable()

    init() {}

    // MARK: Inserts

    func insert(_ fs: FSxFileSystem) {
        fileSystems[fs.id] = fs
        fileSystemOrder.append(fs, seq: fs.seq)
    }

    /// Adds a storage virtual machine to its file system, which must be in this state.
    func insert(_ svm: FSxStorageVirtualMachine, into fs: FSxFileSystem) {
        uniqueNames[FSxState.svmNameKey(svm.fileSystemID, svm.name)] = svm.id
        storageVirtualMachines[svm.id] = svm
        storageVirtualMachineOrder.append(svm, seq: svm.seq)
        fs.storageVirtualMachines += 1
    }

    /// Adds a volume to its file system (and parent volume or SVM), which must be in this state.
    func insert(_ v: FSxVolume, into fs: FSxFileSystem) {
        index(v)
        volumes[v.id] = v
        volumeOrder.append(v, seq: v.seq)
        if !v.isRoot { fs.volumes += 1 }
        if let parent = v.parentVolumeID { volumes[parent]?.children += 1 }
        if let svm = v.storageVirtualMachineID, !v.isRoot { storageVirtualMachines[svm]?.volumes += 1 }
    }

    /// Adds a snapshot of a volume, which must be in this state.
    func insert(_ snapshot: FSxSnapshot, of volume: FSxVolume) {
        snapshots[snapshot.id] = snapshot
        snapshotOrder.append(snapshot, seq: snapshot.seq)
        volume.snapshots += 1
        fileSystems[volume.fileSystemID]?.snapshots += 1
    }

    func remove(_ snapshot: FSxSnapshot) {
        snapshots[snapshot.id] = nil
        snapshotOrder.remove(seq: snapshot.seq)
        volumes[snapshot.volumeID]?.snapshots -= 1
        fileSystems[snapshot.fileSystemID]?.snapshots -= 1
        forgetToken(.createSnapshot, snapshot.id)
    }

    /// Adds an attachment; unless it is DELETING, it counts toward its volume's and file system's.
    func insert(_ a: FSxAttachment) {
        attachments[a.name] = a
        attachmentOrder.append(a, seq: a.seq)
        if !a.deleting { countAttachment(a, by: 1) }
    }

    // MARK: Removes

    func remove(_ a: FSxAttachment) {
        if !a.deleting { countAttachment(a, by: -1) }
        attachments[a.name] = nil
        attachmentOrder.remove(seq: a.seq)
        forgetToken(.createAndAttachS3AccessPoint, a.name)
    }

    /// Marks an attachment DELETING: it stops counting toward quotas and blocking deletions.
    func markDeleting(_ a: FSxAttachment) {
        guard !a.deleting else { return }
        a.deleting = true
        a.lifecycle.force("DELETING")
        countAttachment(a, by: -1)
    }

    private func countAttachment(_ a: FSxAttachment, by delta: Int) {
        liveAttachments += delta
        volumes[a.volumeID]?.attachments += delta
        fileSystems[a.fileSystemID]?.attachments += delta
    }

    // MARK: Unique names

    static func svmNameKey(_ fileSystemID: String, _ name: String) -> String { "svm:\(fileSystemID)/\(name)" }
    static func volumeNameKey(svm: String, _ name: String) -> String { "name:\(svm)/\(name)" }
    static func junctionKey(svm: String, _ path: String) -> String { "junction:\(svm)/\(path)" }
    static func volumePathKey(_ fileSystemID: String, _ path: String) -> String { "path:\(fileSystemID)/\(path)" }

    /// The unique names a volume holds.
    static func uniqueKeys(of v: FSxVolume) -> [String] {
        if let svm = v.storageVirtualMachineID {
            var keys = [volumeNameKey(svm: svm, v.name)]
            if let junction = v.configuration["JunctionPath"]?.string { keys.append(junctionKey(svm: svm, junction)) }
            return keys
        }
        return v.configuration["VolumePath"]?.string.map { [volumePathKey(v.fileSystemID, $0)] } ?? []
    }

    /// The ID holding a unique name (nil: free).
    func holder(of key: String) -> String? { uniqueNames[key] }

    func index(_ v: FSxVolume) { for key in FSxState.uniqueKeys(of: v) { uniqueNames[key] = v.id } }

    func unindex(_ v: FSxVolume) {
        for key in FSxState.uniqueKeys(of: v) where uniqueNames[key] == v.id { uniqueNames[key] = nil }
    }

    /// Removes a volume with its snapshots.
    func remove(_ v: FSxVolume) {
        if v.snapshots > 0 { for snapshot in snapshotOrder.all where snapshot.volumeID == v.id { remove(snapshot) } }
        unindex(v)
        volumes[v.id] = nil
        volumeOrder.remove(seq: v.seq)
        if let parent = v.parentVolumeID { volumes[parent]?.children -= 1 }
        if !v.isRoot { fileSystems[v.fileSystemID]?.volumes -= 1 }
        if let svm = v.storageVirtualMachineID, !v.isRoot { storageVirtualMachines[svm]?.volumes -= 1 }
        forgetToken(.createVolume, v.id)
        forgetToken(.updateVolume, v.id)
    }

    /// Removes a storage virtual machine (its volumes are gone first: they count toward it).
    func remove(_ svm: FSxStorageVirtualMachine) {
        let key = FSxState.svmNameKey(svm.fileSystemID, svm.name)
        if uniqueNames[key] == svm.id { uniqueNames[key] = nil }
        storageVirtualMachines[svm.id] = nil
        storageVirtualMachineOrder.remove(seq: svm.seq)
        fileSystems[svm.fileSystemID]?.storageVirtualMachines -= 1
        forgetToken(.createStorageVirtualMachine, svm.id)
    }

    /// Removes a file system with its volumes and storage virtual machines.
    func remove(_ fs: FSxFileSystem) {
        for v in volumeOrder.all where v.fileSystemID == fs.id { remove(v) }
        for svm in storageVirtualMachineOrder.all where svm.fileSystemID == fs.id { remove(svm) }
        fileSystems[fs.id] = nil
        fileSystemOrder.remove(seq: fs.seq)
        forgetToken(.createFileSystem, fs.id)
        forgetToken(.updateFileSystem, fs.id)
    }

    // MARK: Client request tokens

    /// Remembers `request` (a create or update) under its token, when it has one, while its
    /// resource exists.
    func remember(_ request: JSONObject, operation: FSxOperation, resourceID: String) {
        guard let member = operation.model?.idempotencyToken, let token = request[member]?.string else { return }
        tokens.remember(operation.rawValue, token: token, request: ClientTokenTable.withoutToken(request, member), resourceID: resourceID)
    }

    /// Tokens are remembered while their resource exists; afterwards the token is free again.
    private func forgetToken(_ operation: FSxOperation, _ resourceID: String) {
        tokens.forget(operation.rawValue, resourceID)
    }
}

extension RegionState {
    var fsx: FSxState { state(FSxState.self) }
}

/// What every FSx resource has: its place in creation order, its creation time, its lifecycle, and
/// why it was forced into FAILED or MISCONFIGURED.
class FSxResource: LifecycleHolder {
    let seq: UInt64
    let creationTime: Int64
    var lifecycle: LifecycleState
    /// LifecycleTransitionReason.Message (FailureDetails.Message of a file system); nil otherwise.
    var transitionReason: String?

    /// Where a resource starts: its place in creation order, its creation time, its lifecycle and
    /// (restored from a snapshot) why it failed.
    struct Origin {
        let seq: UInt64, creationTime: Int64, lifecycle: LifecycleState
        var transitionReason: String? = nil
    }

    init(_ origin: Origin) {
        (seq, creationTime, lifecycle) = (origin.seq, origin.creationTime, origin.lifecycle)
        transitionReason = origin.transitionReason
    }
}

final class FSxFileSystem: FSxResource {
    let id, type: String
    var storageCapacity: Int64
    let subnetIDs: [JSON]
    let vpcID: String
    /// One per subnet, from the seeded stream.
    let networkInterfaceIDs: [String]
    let kmsKeyID: String?
    var tags: [Tag]
    /// OpenZFSConfiguration or OntapConfiguration as FSx describes it (RootVolumeId included).
    var configuration: JSONObject
    let deploymentType: String
    var throughputCapacity: Int64?
    var rootVolumeID: String?
    /// UpdateFileSystem's actions: the target values apply when the action completes.
    var administrativeActions: [FSxAdministrativeAction] = []
    /// Non-root volumes, SVMs, live attachments and snapshots of this file system.
    var volumes = 0
    var storageVirtualMachines = 0
    var attachments = 0
    var snapshots = 0

    init(origin: Origin, id: String, type: String, storageCapacity: Int64, subnetIDs: [JSON], vpcID: String,
         networkInterfaceIDs: [String], kmsKeyID: String?, tags: [Tag], configuration: JSONObject, deploymentType: String,
         throughputCapacity: Int64?) {
        (self.id, self.type, self.storageCapacity, self.subnetIDs) = (id, type, storageCapacity, subnetIDs)
        (self.vpcID, self.networkInterfaceIDs, self.kmsKeyID, self.tags) = (vpcID, networkInterfaceIDs, kmsKeyID, tags)
        (self.configuration, self.deploymentType, self.throughputCapacity) = (configuration, deploymentType, throughputCapacity)
        super.init(origin)
    }
}

final class FSxStorageVirtualMachine: FSxResource {
    let id, fileSystemID, name, uuid: String
    var tags: [Tag]
    var volumes = 0
    /// UpdateStorageVirtualMachine's ActiveDirectoryConfiguration, as described (no password).
    var activeDirectory: JSONObject?
    /// UpdateStorageVirtualMachine's SvmAdminPassword: stored, never described.
    var adminPassword: String?
    /// The endpoints it reports (Iscsi, Management, Nfs), made when it was created.
    var endpoints: JSON?
    /// Its root volume (`<name>_root`, junction path `/`), made and deleted with it.
    var rootVolumeID: String?

    init(origin: Origin, id: String, fileSystemID: String, name: String, uuid: String, tags: [Tag]) {
        (self.id, self.fileSystemID, self.name, self.uuid, self.tags) = (id, fileSystemID, name, uuid, tags)
        super.init(origin)
    }
}

final class FSxVolume: FSxResource {
    let id, type, fileSystemID: String
    var name: String
    var tags: [Tag]
    let parentVolumeID, storageVirtualMachineID: String?
    /// OpenZFS: VolumePath etc. ONTAP: JunctionPath etc. As DescribeVolumes shows it.
    var configuration: JSONObject
    /// UpdateVolume's actions (their values apply at once).
    var administrativeActions: [FSxAdministrativeAction] = []
    var children = 0
    var attachments = 0
    var snapshots = 0

    /// An OpenZFS file system's root volume, or an SVM's root volume (deleted with its owner).
    var isRoot: Bool { type == "OPENZFS" ? parentVolumeID == nil : configuration["StorageVirtualMachineRoot"] == true }
    var junctionPath: String? { configuration["JunctionPath"]?.string }

    init(origin: Origin, id: String, type: String, fileSystemID: String, name: String, tags: [Tag],
         parentVolumeID: String?, storageVirtualMachineID: String?, configuration: JSONObject) {
        (self.id, self.type, self.fileSystemID, self.name) = (id, type, fileSystemID, name)
        (self.tags, self.parentVolumeID) = (tags, parentVolumeID)
        (self.storageVirtualMachineID, self.configuration) = (storageVirtualMachineID, configuration)
        super.init(origin)
    }
}

final class FSxAttachment: FSxResource {
    let name, type, volumeID, fileSystemID: String
    /// OpenZFSConfiguration or OntapConfiguration, as sent.
    let configuration: JSON
    let arn, alias: String
    let vpcConfiguration: JSON?
    /// Stored, never returned (as in AWS).
    let policy: String?
    var deleting = false

    init(origin: Origin, name: String, type: String, volumeID: String, fileSystemID: String, configuration: JSON,
         arn: String, alias: String, vpcConfiguration: JSON?, policy: String?) {
        (self.name, self.type, self.volumeID, self.fileSystemID) = (name, type, volumeID, fileSystemID)
        (self.configuration, self.arn, self.alias, self.vpcConfiguration) = (configuration, arn, alias, vpcConfiguration)
        self.policy = policy
        super.init(origin)
    }
}


/// A snapshot of an OpenZFS volume.
final class FSxSnapshot: FSxResource {
    let id, volumeID, fileSystemID: String
    var name: String
    var tags: [Tag]

    init(origin: Origin, id: String, volumeID: String, fileSystemID: String, name: String, tags: [Tag]) {
        (self.id, self.volumeID, self.fileSystemID, self.name) = (id, volumeID, fileSystemID, name)
        self.tags = tags
        super.init(origin)
    }
}

/// An administrative action (FILE_SYSTEM_UPDATE, VOLUME_UPDATE): PENDING, then COMPLETED as the
/// lifecycle config settles it.
struct FSxAdministrativeAction {
    let type: String
    let requestTime: Int64
    var status: LifecycleState
    /// TargetFileSystemValues or TargetVolumeValues.
    let target: JSONObject
    /// Whether the target values were applied (a file system's apply when the action completes).
    var applied: Bool
}

extension WorldState {
    /// The origin of an FSx resource this call creates: the next place in creation order, the
    /// call's time, and a lifecycle from `transitional` to `settled`.
    mutating func origin(_ ctx: CallContext, _ transitional: String, settlingTo settled: String) -> FSxResource.Origin {
        FSxResource.Origin(seq: sequence(), creationTime: ctx.now, lifecycle: ctx.lifecycle(transitional, settlingTo: settled))
    }
}
