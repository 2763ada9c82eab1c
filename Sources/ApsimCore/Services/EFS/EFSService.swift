/// Amazon EFS as the world sees it: the operation table, and the service's part of snapshots and
/// of apsim:SetLifecycleState.
enum EFSService: Service {
    static let model = ServiceModel.efs

    /// Every operation of `EFSOperation` (the generated list), with its rules and handler.
    static let operations = EFSOperation.allCases.map(entry)

    /// The entry of one operation: an exhaustive switch, so an operation added to the list and
    /// not handled here does not build.
    static func entry(_ operation: EFSOperation) -> OperationEntry {
        func plain(rules: OperationRules? = nil, idempotency: Idempotency? = nil, _ handler: @escaping OperationHandler) -> OperationEntry {
            OperationEntry(operation, validationCode: EFSRules.validationCode, rules: rules, idempotency: idempotency, handler: handler)
        }
        switch operation {
        case .createFileSystem:
            // A CreationToken in use is FileSystemAlreadyExists, whatever the request (EFS never replays).
            return plain(rules: EFSRules.createFileSystem, idempotency: idempotency { earlier, token, _, _, _ throws(APIError) in
                throw EFSError.fileSystemAlreadyExists(earlier.resourceID, token: token)
            }, EFSOperations.createFileSystem)
        case .describeFileSystems:
            // A FileSystemId that names nothing is FileSystemNotFound, whatever it looks like (spec).
            return OperationEntry(operation, validationCode: EFSRules.validationCode, lookups: ["FileSystemId"],
                                  handler: EFSOperations.describeFileSystems)
        case .deleteFileSystem: return plain(EFSOperations.deleteFileSystem)
        case .updateFileSystem: return plain(rules: EFSRules.updateFileSystem, EFSConfiguration.updateFileSystem)
        case .updateFileSystemProtection:
            return plain(rules: EFSRules.fileSystemProtection, EFSConfiguration.updateFileSystemProtection)
        case .createAccessPoint:
            return OperationEntry(operation, validationCode: EFSRules.validationCode, rules: EFSRules.tags,
                                  idempotency: idempotency(EFSOperations.repeatedAccessPoint), deferring: EFSOperations.createAccessPoint)
        case .describeAccessPoints:
            return OperationEntry(operation, validationCode: EFSRules.validationCode, rules: EFSRules.describeAccessPoints,
                                  deferring: EFSOperations.describeAccessPoints)
        case .deleteAccessPoint: return plain(EFSOperations.deleteAccessPoint)
        case .tagResource: return plain(rules: EFSRules.tags, EFSOperations.tagResource)
        case .untagResource: return plain(EFSOperations.untagResource)
        case .listTagsForResource: return plain(EFSOperations.listTagsForResource)
        case .createTags: return plain(rules: EFSRules.tags, EFSConfiguration.createTags)
        case .deleteTags: return plain(EFSConfiguration.deleteTags)
        case .describeTags: return plain(EFSConfiguration.describeTags)
        case .createMountTarget: return plain(rules: EFSRules.securityGroupCount, EFSMountTargets.createMountTarget)
        case .describeMountTargets: return plain(rules: EFSRules.describeMountTargets, EFSMountTargets.describeMountTargets)
        case .deleteMountTarget: return plain(EFSMountTargets.deleteMountTarget)
        case .createMountSession: return plain(EFSMountTargets.createMountSession)
        case .describeMountTargetSecurityGroups: return plain(EFSMountTargets.describeMountTargetSecurityGroups)
        case .modifyMountTargetSecurityGroups:
            return plain(rules: EFSRules.securityGroupCount, EFSMountTargets.modifyMountTargetSecurityGroups)
        case .putLifecycleConfiguration:
            return plain(rules: EFSRules.lifecycleConfiguration, EFSConfiguration.putLifecycleConfiguration)
        case .describeLifecycleConfiguration: return plain(EFSConfiguration.describeLifecycleConfiguration)
        case .putBackupPolicy: return plain(rules: EFSRules.backupPolicy, EFSConfiguration.putBackupPolicy)
        case .describeBackupPolicy: return plain(EFSConfiguration.describeBackupPolicy)
        case .putFileSystemPolicy: return plain(rules: EFSRules.fileSystemPolicy, EFSConfiguration.putFileSystemPolicy)
        case .describeFileSystemPolicy: return plain(EFSConfiguration.describeFileSystemPolicy)
        case .deleteFileSystemPolicy: return plain(EFSConfiguration.deleteFileSystemPolicy)
        case .putAccountPreferences: return plain(EFSConfiguration.putAccountPreferences)
        case .describeAccountPreferences: return plain(EFSConfiguration.describeAccountPreferences)
        case .createReplicationConfiguration:
            return plain(rules: EFSRules.replication, EFSReplications.createReplicationConfiguration)
        case .describeReplicationConfigurations: return plain(EFSReplications.describeReplicationConfigurations)
        case .deleteReplicationConfiguration: return plain(EFSReplications.deleteReplicationConfiguration)
        }
    }

    /// EFS's tokens live in its state of the call's account and region.
    static func idempotency(_ onRepeat: @escaping @Sendable (ClientTokenTable.Record, String, JSONObject, inout WorldState, CallContext)
        throws(APIError) -> HandlerOutput?) -> Idempotency {
        Idempotency(table: { s, ctx in s.region(ctx).efs.tokens }, onRepeat: onRepeat)
    }

    static func setNetworkInterface(_ id: String, to interface: String, in region: RegionState) -> Bool {
        guard let mt = region.efs.mountTargets[id] else { return false }
        mt.networkInterfaceID = interface
        return true
    }

    // MARK: Lifecycle forcing

    static func forceLifecycle(_ target: LifecycleTarget, to state: String, in region: RegionState,
                               message: String?) throws(APIError) -> Bool {
        guard case .id(let id) = target else { return false }
        return try model.force(state, [
            (region.efs.fileSystems[id], "FileSystem", "an EFS file system"),
            (region.efs.accessPoints[id], "AccessPoint", "an EFS access point"),
            (region.efs.mountTargets[id], "MountTarget", "an EFS mount target"),
        ])
    }
}
