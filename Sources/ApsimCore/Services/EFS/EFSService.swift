/// Amazon EFS as the world sees it: the operation table, and the service's part of snapshots and
/// of apsim:SetLifecycleState.
enum EFSService: Service {
    static let model = ServiceModel.efs

    static let operations: [OperationEntry] = [
        entry("CreateFileSystem", rules: EFSRules.createFileSystem, EFSOperations.createFileSystem),
        entry("DescribeFileSystems", EFSOperations.describeFileSystems),
        entry("DeleteFileSystem", EFSOperations.deleteFileSystem),
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: "CreateAccessPoint",
                       rules: EFSRules.tags, deferring: EFSOperations.createAccessPoint),
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: "DescribeAccessPoints",
                       rules: EFSRules.describeAccessPoints, deferring: EFSOperations.describeAccessPoints),
        entry("DeleteAccessPoint", EFSOperations.deleteAccessPoint),
        entry("TagResource", rules: EFSRules.tags, EFSOperations.tagResource),
        entry("UntagResource", EFSOperations.untagResource),
        entry("ListTagsForResource", EFSOperations.listTagsForResource),
    ]

    static func entry(_ name: String, rules: OperationRules? = nil, _ handler: @escaping OperationHandler) -> OperationEntry {
        OperationEntry(service: model, validationCode: EFSRules.validationCode, name: name, rules: rules, handler: handler)
    }

    // MARK: Lifecycle forcing

    static func forceLifecycle(_ target: LifecycleTarget, to state: String, in region: RegionState,
                               message: String?) throws(APIError) -> Bool {
        guard case .id(let id) = target else { return false }
        return try model.force(state, [
            (region.efs.fileSystems[id], "FileSystem", "an EFS file system"),
            (region.efs.accessPoints[id], "AccessPoint", "an EFS access point"),
        ])
    }

    // MARK: Snapshots

    static func export(_ region: RegionState, into o: inout JSONObject) {
        o.append("EFSFileSystems", .array(region.efs.fileSystemOrder.all.map { fs in
            var j = JSONObject()
            j.append("Id", .string(fs.id))
            j.append("Seq", .int(Int64(fs.seq)))
            j.append("CreationToken", .string(fs.creationToken))
            j.append("CreationTime", .int(fs.creationTime))
            j.append("Lifecycle", fs.lifecycle.json)
            j.append("PerformanceMode", .string(fs.performanceMode))
            j.append("ThroughputMode", .string(fs.throughputMode))
            j.append("Encrypted", .bool(fs.encrypted))
            j.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
            j.append("ProvisionedThroughputInMibps", ifPresent: fs.provisionedThroughput)
            j.append("AvailabilityZoneName", ifPresent: fs.availabilityZoneName.map { .string($0) })
            j.append("Tags", Tag.json(fs.tags))
            j.append("LastAccessPointCreated", ifPresent: fs.lastAccessPointCreated.map { .int($0) })
            return .object(j)
        }))
        o.append("EFSAccessPoints", .array(region.efs.accessPointOrder.all.map { ap in
            var j = JSONObject()
            j.append("Id", .string(ap.id))
            j.append("Seq", .int(Int64(ap.seq)))
            j.append("ClientToken", .string(ap.clientToken))
            j.append("FileSystemId", .string(ap.fileSystemID))
            j.append("Tags", Tag.json(ap.tags))
            j.append("PosixUser", ifPresent: ap.posixUser?.json)
            j.append("RootDirectory", ap.rootDirectory.json)
            j.append("Lifecycle", ap.lifecycle.json)
            return .object(j)
        }))
    }

    static func restore(_ r: SnapshotReader, into region: RegionState, account: String,
                        region name: String) throws(APIError) {
        var order = SnapshotReader.Order()
        for f in try r.items("EFSFileSystems") {
            let id = try f.string("Id"), seq = try order.next(f)
            let fs = EFSFileSystem(
                id: id, seq: seq,
                arn: ARN.make(service: "elasticfilesystem", region: name, account: account, resource: "file-system/" + id),
                creationToken: try f.string("CreationToken"), creationTime: try f.int("CreationTime"),
                lifecycle: try f.lifecycle("Lifecycle"),
                performanceMode: try f.string("PerformanceMode"), throughputMode: try f.string("ThroughputMode"),
                encrypted: try f.bool("Encrypted"), kmsKeyID: try f.optionalString("KmsKeyId"),
                provisionedThroughput: f.raw("ProvisionedThroughputInMibps"),
                availabilityZoneName: try f.optionalString("AvailabilityZoneName"), tags: try f.tags("Tags"))
            fs.lastAccessPointCreated = try f.optionalInt("LastAccessPointCreated")
            region.efs.insert(fs)
        }
        order = SnapshotReader.Order()
        for a in try r.items("EFSAccessPoints") {
            let seq = try order.next(a), fsID = try a.string("FileSystemId")
            guard let fs = region.efs.fileSystems[fsID] else { throw a.invalid("FileSystemId", "no such file system") }
            let ap = EFSAccessPoint(
                id: try a.string("Id"), seq: seq,
                clientToken: try a.string("ClientToken"), fileSystemID: fsID, tags: try a.tags("Tags"),
                posixUser: PosixUser(a.raw("PosixUser")), rootDirectory: RootDirectory(a.raw("RootDirectory")),
                lifecycle: try a.lifecycle("Lifecycle"))
            region.efs.insert(ap, into: fs)
        }
    }
}
