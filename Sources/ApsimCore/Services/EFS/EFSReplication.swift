/// EFS replication: a source file system copied to one destination file system in a region of the
/// world (the same account), created for it or adopted.
enum EFSReplications {
    static func createReplicationConfiguration(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let source = try EFSConfiguration.availableFileSystem(&s, ctx, input, member: "SourceFileSystemId")
        if source.replication != nil { throw EFSError.alreadyReplicated(source.id) }
        if source.replicatedFrom != nil { throw EFSError.destinationCannotBeSource(source.id) }
        let spec = input["Destinations"]?.array?.first ?? .null
        let region = spec["Region"]?.string ?? ctx.region
        let there = CallContext(account: ctx.account, region: region, config: ctx.config, now: ctx.now)
        let destination: EFSFileSystem
        if let ref = spec["FileSystemId"]?.string {
            guard let found = EFSOperations.fileSystem(ref, s.region(there).efs, there) else { throw EFSError.fileSystemNotFound(ref) }
            if found.replicatedFrom != nil { throw EFSError.alreadyDestination(found.id) }
            if found.replication != nil { throw EFSError.destinationCannotBeSource(found.id) }
            if found.id == source.id && region == ctx.region { throw EFSError.alreadyReplicated(source.id) }
            if found.protection != "DISABLED" { throw EFSError.destinationProtected(found.id) }
            destination = found
        } else {
            destination = makeDestination(&s, source, spec, there)
        }
        destination.replicatedFrom = EFSReplication.End(fileSystemID: source.id, region: ctx.region)
        source.replication = EFSReplication(
            destination: EFSReplication.End(fileSystemID: destination.id, region: region), creationTime: ctx.now,
            status: ctx.lifecycle("ENABLING", settlingTo: "ENABLED"),
            roleARN: spec["RoleArn"]?.string)
        return describe(source, ctx, status: source.replication?.status.current ?? "")
    }

    /// A destination file system made for a replication, like its source (encrypted, as EFS
    /// makes every destination), `creating`.
    static func makeDestination(_ s: inout WorldState, _ source: EFSFileSystem, _ spec: JSON, _ ctx: CallContext) -> EFSFileSystem {
        let efs = s.region(ctx).efs
        let id = efs.resourceIdType == "SHORT_ID" ? s.ids.shortResourceID(prefix: "fs-") : s.ids.resourceID(prefix: "fs-")
        let zone = spec["AvailabilityZoneName"]?.string
        let fs = EFSFileSystem(
            id: id, seq: s.sequence(),
            arn: ARN.make(service: ServiceModel.efs.signingName, region: ctx.region, account: ctx.account, resource: "file-system/" + id),
            creationToken: "replication-" + s.ids.resourceUUID(), creationTime: ctx.now,
            lifecycle: ctx.lifecycle("creating", settlingTo: "available"),
            performanceMode: source.performanceMode, throughputMode: source.throughputMode,
            provisionedThroughput: source.provisionedThroughput, encrypted: true,
            kmsKeyID: spec["KmsKeyId"]?.string ?? EFSOperations.managedKey(&s, efs, ctx),
            availabilityZoneName: zone, availabilityZoneID: zone.flatMap { EFSOperations.zoneID($0, region: ctx.region) },
            tags: [])
        fs.protection = "DISABLED"
        efs.insert(fs)
        return fs
    }

    static func describeReplicationConfigurations(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let efs = s.region(ctx).efs
        var sources: [(EFSFileSystem, CallContext)] = []
        if let ref = input["FileSystemId"]?.string {
            guard let fs = EFSOperations.fileSystem(ref, efs, ctx) else { throw EFSError.fileSystemNotFound(ref) }
            if fs.replication != nil {
                sources = [(fs, ctx)]
            } else if let from = fs.replicatedFrom {
                let there = CallContext(account: ctx.account, region: from.region, config: ctx.config, now: ctx.now)
                if let source = s.region(there).efs.fileSystems[from.fileSystemID] { sources = [(source, there)] }
            }
            if sources.isEmpty { throw EFSError.replicationNotFound(fs.id) }
        } else {
            sources = efs.fileSystemOrder.all.filter { $0.replication != nil }.map { ($0, ctx) }
        }
        var index = CreationIndex<EFSFileSystem>()
        for (fs, _) in sources { index.append(fs, seq: fs.seq) }
        let (page, next) = try s.pageTokens.page(index, input,
                                                     PageRequest(token: EFSMembers.DescribeReplicationConfigurationsRequest.nextToken,
                                                                 limit: EFSMembers.DescribeReplicationConfigurationsRequest.maxResults, defaultLimit: 100), scope: "efs:replication",
                                                 invalid: EFSError.invalidPageToken("NextToken"))
        var out = JSONObject()
        out.append("Replications", .array(page.compactMap { fs in
            guard let there = sources.first(where: { $0.0 === fs })?.1 else { return nil }
            return .object(describe(fs, there, status: fs.replication?.status.observe(now: ctx.now) ?? ""))
        }))
        out.append("NextToken", ifPresent: next.map { .string($0) })
        return out
    }

    /// Ends a replication: the destination is writable again, with its protection ENABLED.
    static func deleteReplicationConfiguration(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let source = try EFSConfiguration.fileSystem(&s, ctx, input, member: "SourceFileSystemId")
        guard let replication = source.replication else { throw EFSError.replicationNotFound(source.id) }
        let there = CallContext(account: ctx.account, region: replication.destination.region, config: ctx.config, now: ctx.now)
        if let destination = s.region(there).efs.fileSystems[replication.destination.fileSystemID] {
            destination.replicatedFrom = nil
            destination.protection = "ENABLED"
        }
        source.replication = nil
        return JSONObject()
    }

    /// A ReplicationConfigurationDescription of the replication `source` (in `ctx`'s region) is the source of.
    static func describe(_ source: EFSFileSystem, _ ctx: CallContext, status: String) -> JSONObject {
        guard let replication = source.replication else { return JSONObject() }
        var destination = JSONObject()
        destination.append("Status", .string(status))
        destination.append("FileSystemId", .string(replication.destination.fileSystemID))
        destination.append("Region", .string(replication.destination.region))
        destination.append("OwnerId", .string(ctx.account))
        destination.append("RoleArn", ifPresent: replication.roleARN.map { .string($0) })
        var o = JSONObject()
        o.append("SourceFileSystemId", .string(source.id))
        o.append("SourceFileSystemRegion", .string(ctx.region))
        o.append("SourceFileSystemArn", .string(source.arn))
        o.append("OriginalSourceFileSystemArn", .string(source.arn))
        o.append("CreationTime", JSON.timestamp(milliseconds: replication.creationTime))
        o.append("Destinations", [.object(destination)])
        o.append("SourceFileSystemOwnerId", .string(ctx.account))
        return o
    }
}
