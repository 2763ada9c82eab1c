/// Amazon EFS as the world sees it: the operation table, and the service's part of snapshots and
/// of apsim:SetLifecycleState.
enum EFSService: Service {
    static let model = ServiceModel.efs

    static let operations: [OperationEntry] = [
        entry("CreateFileSystem", rules: EFSRules.createFileSystem, EFSOperations.createFileSystem),
        // A FileSystemId that names nothing is FileSystemNotFound, whatever it looks like (spec).
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: "DescribeFileSystems",
                       lookups: ["FileSystemId"], handler: EFSOperations.describeFileSystems),
        entry("DeleteFileSystem", EFSOperations.deleteFileSystem),
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: "CreateAccessPoint",
                       rules: EFSRules.tags, deferring: EFSOperations.createAccessPoint),
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: "DescribeAccessPoints",
                       rules: EFSRules.describeAccessPoints, deferring: EFSOperations.describeAccessPoints),
        entry("DeleteAccessPoint", EFSOperations.deleteAccessPoint),
        entry("TagResource", rules: EFSRules.tags, EFSOperations.tagResource),
        entry("UntagResource", EFSOperations.untagResource),
        entry("ListTagsForResource", EFSOperations.listTagsForResource),
        entry("CreateTags", rules: EFSRules.tags, EFSConfiguration.createTags),
        entry("DeleteTags", EFSConfiguration.deleteTags),
        entry("DescribeTags", EFSConfiguration.describeTags),
        entry("UpdateFileSystem", rules: EFSRules.updateFileSystem, EFSConfiguration.updateFileSystem),
        entry("UpdateFileSystemProtection", rules: EFSRules.fileSystemProtection, EFSConfiguration.updateFileSystemProtection),
        entry("CreateMountTarget", rules: EFSRules.securityGroupCount, EFSMountTargets.create),
        entry("DescribeMountTargets", rules: EFSRules.describeMountTargets, EFSMountTargets.describeMany),
        entry("DeleteMountTarget", EFSMountTargets.delete),
        entry("CreateMountSession", EFSMountTargets.createMountSession),
        entry("DescribeMountTargetSecurityGroups", EFSMountTargets.describeSecurityGroups),
        entry("ModifyMountTargetSecurityGroups", rules: EFSRules.securityGroupCount, EFSMountTargets.modifySecurityGroups),
        entry("PutLifecycleConfiguration", rules: EFSRules.lifecycleConfiguration, EFSConfiguration.putLifecycleConfiguration),
        entry("DescribeLifecycleConfiguration", EFSConfiguration.describeLifecycleConfiguration),
        entry("PutBackupPolicy", rules: EFSRules.backupPolicy, EFSConfiguration.putBackupPolicy),
        entry("DescribeBackupPolicy", EFSConfiguration.describeBackupPolicy),
        entry("PutFileSystemPolicy", rules: EFSRules.fileSystemPolicy, EFSConfiguration.putFileSystemPolicy),
        entry("DescribeFileSystemPolicy", EFSConfiguration.describeFileSystemPolicy),
        entry("DeleteFileSystemPolicy", EFSConfiguration.deleteFileSystemPolicy),
        entry("PutAccountPreferences", EFSConfiguration.putAccountPreferences),
        entry("DescribeAccountPreferences", EFSConfiguration.describeAccountPreferences),
        entry("CreateReplicationConfiguration", rules: EFSRules.replication, EFSReplications.create),
        entry("DescribeReplicationConfigurations", EFSReplications.describeMany),
        entry("DeleteReplicationConfiguration", EFSReplications.delete),
    ]

    static func entry(_ name: String, rules: OperationRules? = nil, _ handler: @escaping OperationHandler) -> OperationEntry {
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: name, rules: rules, handler: handler)
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
