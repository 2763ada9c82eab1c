/// The EFS operations: state logic only. Inputs arrive validated (shapes and EFSRules), so a
/// missing required member cannot happen here; the `?? ""` fallbacks only keep the code trap-free.
enum EFSOperations {
    // MARK: Lookups (an ID or an ARN of this account and region)

    static func fileSystem(_ ref: String, _ efs: EFSState, _ ctx: CallContext) -> EFSFileSystem? {
        guard let id = resolve(ref, resource: "file-system/", ctx) else { return nil }
        return efs.fileSystems[id]
    }

    static func accessPoint(_ ref: String, _ efs: EFSState, _ ctx: CallContext) -> EFSAccessPoint? {
        guard let id = resolve(ref, resource: "access-point/", ctx) else { return nil }
        return efs.accessPoints[id]
    }

    /// The file system `ref` names, or FileSystemNotFound.
    static func existingFileSystem(_ ref: String, _ efs: EFSState, _ ctx: CallContext) throws(APIError) -> EFSFileSystem {
        guard let fs = fileSystem(ref, efs, ctx) else { throw EFSError.fileSystemNotFound(ref) }
        return fs
    }

    /// The access point `ref` names, or AccessPointNotFound.
    static func existingAccessPoint(_ ref: String, _ efs: EFSState, _ ctx: CallContext) throws(APIError) -> EFSAccessPoint {
        guard let ap = accessPoint(ref, efs, ctx) else { throw EFSError.accessPointNotFound(ref) }
        return ap
    }

    static func resolve(_ ref: String, resource: String, _ ctx: CallContext) -> String? {
        guard ref.hasPrefix("arn:") else { return ref }
        return ARN.resource(of: ref, service: ServiceModel.efs.signingName, region: ctx.region, account: ctx.account,
                            resourcePrefix: resource).map(String.init)
    }

    // MARK: Rendering

    /// The 6 KiB of metadata a new file system holds (what real EFS reports).
    static let metadataBytes: Int64 = 6144

    /// `answeringCreate`: the CreateFileSystem answer, whose `creating` file system reports zero
    /// bytes without a Timestamp, as AWS's does.
    static func describe(_ fs: EFSFileSystem, _ efs: EFSState, _ ctx: CallContext, state: String,
                         answeringCreate: Bool = false,
                         metered: (values: [Int64], at: Int64)? = nil) -> JSON {
        var o = JSONObject(capacity: 19)
        o.append("OwnerId", .string(ctx.account))
        o.append("CreationToken", .string(fs.creationToken))
        o.append("FileSystemId", .string(fs.id))
        o.append("FileSystemArn", .string(fs.arn))
        o.append("CreationTime", JSON.timestamp(milliseconds: fs.creationTime))
        o.append("LifeCycleState", .string(state))
        o.append("Name", ifPresent: Tag.name(in: fs.tags).map { .string($0) })
        o.append("NumberOfMountTargets", .int(Int64(efs.liveMountTargets(of: fs, now: ctx.now).count)))
        if answeringCreate && state == "creating" {
            o.append("SizeInBytes", ["Value": 0, "ValueInIA": 0, "ValueInStandard": 0, "ValueInArchive": 0])
        } else {
            let m = metered ?? ([metadataBytes, 0, 0], ctx.now)
            let (total, ia, archive) = (m.values.first ?? metadataBytes, m.values.count > 1 ? m.values[1] : 0, m.values.count > 2 ? m.values[2] : 0)
            o.append("SizeInBytes", [
                "Value": .int(total), "Timestamp": JSON.timestamp(milliseconds: m.at),
                "ValueInIA": .int(ia), "ValueInStandard": .int(total - ia - archive), "ValueInArchive": .int(archive),
            ])
        }
        o.append("PerformanceMode", .string(fs.performanceMode))
        o.append("Encrypted", .bool(fs.encrypted))
        o.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
        o.append("ThroughputMode", .string(fs.throughputMode))
        o.append("ProvisionedThroughputInMibps", ifPresent: fs.provisionedThroughput)
        o.append("AvailabilityZoneName", ifPresent: fs.availabilityZoneName.map { .string($0) })
        o.append("AvailabilityZoneId", ifPresent: fs.availabilityZoneID.map { .string($0) })
        o.append("Tags", Tag.json(fs.tags, EFSService.model.tagMembers))
        o.append("FileSystemProtection", ["ReplicationOverwriteProtection": .string(fs.reportedProtection)])
        return .object(o)
    }

    static func describe(_ ap: EFSAccessPoint, _ ctx: CallContext, state: String) -> JSON {
        describe(AccessPointView(ap, ctx, state: state))
    }

    /// What a description shows of an access point, copied under the lock (so that it can be
    /// rendered after the lock is released).
    struct AccessPointView: Sendable {
        let clientToken, id, fileSystemID, account, region, state: String
        let tags: [Tag]
        let posixUser: PosixUser?
        let rootDirectory: RootDirectory

        init(_ ap: EFSAccessPoint, _ ctx: CallContext, state: String) {
            clientToken = ap.clientToken
            id = ap.id
            region = ctx.region
            fileSystemID = ap.fileSystemID
            account = ctx.account
            self.state = state
            tags = ap.tags
            posixUser = ap.posixUser
            rootDirectory = ap.rootDirectory
        }
    }

    /// `arn:<partition>:elasticfilesystem:<region>:<account>:access-point/`: made once per response.
    static func accessPointARNPrefix(account: String, region: String) -> String {
        ARN.make(service: ServiceModel.efs.signingName, region: region, account: account, resource: "access-point/")
    }

    static func describe(_ ap: AccessPointView) -> JSON {
        describe(ap, arnPrefix: accessPointARNPrefix(account: ap.account, region: ap.region))
    }

    static func describe(_ ap: AccessPointView, arnPrefix: String) -> JSON {
        var o = JSONObject(capacity: 11)
        o.append("ClientToken", .string(ap.clientToken))
        o.append("Name", ifPresent: Tag.name(in: ap.tags).map { .string($0) })
        o.append("Tags", Tag.json(ap.tags, EFSService.model.tagMembers))
        o.append("AccessPointId", .string(ap.id))
        o.append("AccessPointArn", .string(arnPrefix + ap.id))
        o.append("FileSystemId", .string(ap.fileSystemID))
        o.append("PosixUser", ifPresent: ap.posixUser?.json)
        o.append("RootDirectory", ap.rootDirectory.json)
        o.append("OwnerId", .string(ap.account))
        o.append("LifeCycleState", .string(ap.state))
        return .object(o)
    }

    // MARK: File systems

    static func createFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let token = input["CreationToken"]?.string ?? ""  // one in use was refused before (EFSService.idempotency)
        let zone = input["AvailabilityZoneName"]?.string
        let zoneID: String? = try zone.map { z throws(APIError) -> String in
            guard let id = EFSOperations.zoneID(z, region: ctx.region) else { throw EFSError.zoneOfAnotherRegion(z, region: ctx.region) }
            return id
        }
        let id = region.efs.resourceIdType == "SHORT_ID" ? s.ids.shortResourceID(prefix: "fs-") : s.ids.resourceID(prefix: "fs-")
        // "As of September 4, 2026, Amazon EFS encrypts all new file systems" (the model).
        let encrypted = input["Encrypted"]?.bool == true || ctx.now >= encryptedByDefaultSince
        let fs = EFSFileSystem(
            id: id, seq: s.sequence(),
            arn: ARN.make(service: ServiceModel.efs.signingName, region: ctx.region, account: ctx.account, resource: "file-system/" + id),
            creationToken: token, creationTime: ctx.now,
            lifecycle: ctx.lifecycle("creating", settlingTo: "available"),
            performanceMode: input["PerformanceMode"]?.string ?? "generalPurpose",
            throughputMode: input["ThroughputMode"]?.string ?? "bursting",
            provisionedThroughput: input["ProvisionedThroughputInMibps"],
            encrypted: encrypted,
            kmsKeyID: input["KmsKeyId"]?.string ?? (encrypted ? managedKey(&s, region.efs, ctx) : nil),
            availabilityZoneName: zone, availabilityZoneID: zoneID,
            tags: Tag.list(input["Tags"], EFSService.model.tagMembers))
        // Backup: true, and every One Zone file system, start with backups on.
        if input["Backup"]?.bool ?? (zone != nil) {
            fs.backupPolicy = LifecycleState(current: "ENABLED", settlesTo: nil, settleAt: nil)
        }
        region.efs.insert(fs)
        return describe(fs, region.efs, ctx, state: fs.lifecycle.current, answeringCreate: true).objectValue
    }

    /// 2026-09-04T00:00:00Z: file systems created from then on are encrypted whatever `Encrypted` says.
    static let encryptedByDefaultSince: Int64 = 1_788_480_000_000

    /// The ARN of the AWS-managed key of this account and region (`aws/elasticfilesystem`): one
    /// UUID from the seeded stream, made on first use.
    static func managedKey(_ s: inout WorldState, _ efs: EFSState, _ ctx: CallContext) -> String {
        if let key = efs.managedKeyARN { return key }
        let key = ARN.make(service: "kms", region: ctx.region, account: ctx.account, resource: "key/" + s.ids.resourceUUID())
        efs.managedKeyARN = key
        return key
    }

    /// The AZ ID of a zone of `region` (`us-east-1b` -> `use1-az2`); nil for another region's, or
    /// for a letter past `f` (no region has more than six zones).
    static func zoneID(_ zone: String, region: String) -> String? {
        guard zone.hasPrefix(region), zone.count == region.count + 1,
              let letter = zone.last?.asciiValue, (97...102).contains(letter) else { return nil }
        return Network.zoneID(region: region, letter: Int(letter) - 97)
    }

    static func describeFileSystems(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        var out = JSONObject()
        out.append("Marker", ifPresent: input["Marker"])
        var found: [EFSFileSystem] = []
        var next: String? = nil
        if let ref = input["FileSystemId"]?.string {
            let fs = try existingFileSystem(ref, region.efs, ctx)
            if input["CreationToken"]?.string.map({ $0 == fs.creationToken }) ?? true { found = [fs] }
        } else if let token = input["CreationToken"]?.string {
            found = region.efs.fileSystem(token: token).map { [$0] } ?? []
        } else {
            (found, next) = try s.pageTokens.page(region.efs.fileSystemOrder, input,
                                                  PageRequest(token: EFSMembers.DescribeFileSystemsRequest.marker,
                                                              limit: EFSMembers.DescribeFileSystemsRequest.maxItems, defaultLimit: 100), scope: "efs:fs",
                                                  invalid: EFSError.invalidPageToken("Marker"))
        }
        out.append("FileSystems", .array(found.map {
            describe($0, region.efs, ctx, state: $0.lifecycle.observe(now: ctx.now), metered: EFSService.sizeInBytes($0, s, ctx))
        }))
        out.append("NextMarker", ifPresent: next.map { .string($0) })
        return out
    }

    static func deleteFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let fs = try existingFileSystem(input["FileSystemId"]?.string ?? "", region.efs, ctx)
        if !region.efs.liveMountTargets(of: fs, now: ctx.now).isEmpty { throw EFSError.fileSystemHasMountTargets(fs.id) }
        if fs.replication != nil || fs.replicatedFrom != nil { throw EFSError.fileSystemReplicating(fs.id) }
        if ctx.config.strictFileSystemDelete && fs.accessPoints.count > 0 {
            throw EFSError.fileSystemHasAccessPoints(fs.id)
        }
        region.efs.remove(fs)
        FileTrees.drop(fs.id, in: &s)  // its files go with it
        return JSONObject()
    }

    // MARK: Access points

    static func createAccessPoint(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> HandlerOutput {
        let region = s.region(ctx)
        let token = input["ClientToken"]?.string ?? ""
        let ref = input["FileSystemId"]?.string ?? ""
        let tags = Tag.list(input["Tags"], EFSService.model.tagMembers)
        let posixUser = PosixUser(input["PosixUser"])
        let rootDirectory = RootDirectory(input["RootDirectory"])

        let fs = try existingFileSystem(ref, region.efs, ctx)
        let fsState = fs.lifecycle.observe(now: ctx.now)
        guard fsState == "available" else {
            throw EFSError.incorrectFileSystemLifeCycleState(fs.id, state: fsState)
        }
        let limit = ctx.config.accessPointsPerFileSystem
        guard fs.accessPoints.count < limit else {
            throw EFSError.accessPointLimitExceeded(fs.id, limit: limit)
        }
        if let rule = ctx.config.throttling, let last = fs.lastAccessPointCreated,
           Double(fs.accessPoints.count) >= (rule.nearQuotaFraction * Double(limit)).rounded(.up),
           ctx.now - last < rule.intervalMilliseconds {
            throw EFSError.throttled(fs.id, limit: limit)
        }
        let id = s.ids.resourceID(prefix: "fsap-")
        let ap = EFSAccessPoint(
            id: id, seq: s.sequence(),
            clientToken: token, fileSystemID: fs.id, tags: tags, posixUser: posixUser, rootDirectory: rootDirectory,
            lifecycle: ctx.lifecycle("creating", settlingTo: "available"))
        region.efs.insert(ap, into: fs)
        fs.lastAccessPointCreated = ctx.now
        let view = AccessPointView(ap, ctx, state: ap.lifecycle.current)
        return .deferred { describe(view).objectValue }
    }

    /// A CreateAccessPoint whose ClientToken is in use: AccessPointAlreadyExists, or with
    /// `idempotent_client_tokens` and identical parameters the access point it made.
    static func repeatedAccessPoint(_ earlier: ClientTokenTable.Record, token: String, _ input: JSONObject,
                                    _ s: inout WorldState, _ ctx: CallContext) throws(APIError) -> HandlerOutput? {
        let region = s.region(ctx)
        guard let existing = region.efs.accessPoints[earlier.resourceID] else { return nil }
        if ctx.config.idempotentClientTokens, fileSystem(input["FileSystemId"]?.string ?? "", region.efs, ctx)?.id == existing.fileSystemID,
           Tag.sameSet(existing.tags, Tag.list(input["Tags"], EFSService.model.tagMembers)), existing.posixUser == PosixUser(input["PosixUser"]),
           existing.rootDirectory == RootDirectory(input["RootDirectory"]) {
            return .object(describe(existing, ctx, state: existing.lifecycle.observe(now: ctx.now)).objectValue)
        }
        throw EFSError.accessPointAlreadyExists(existing.id, token: token)
    }

    /// Pages are rendered after the lock is released, from views copied under it (a page of 100
    /// is most of a read's work; concurrent readers and writers then overlap).
    static func describeAccessPoints(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> HandlerOutput {
        let region = s.region(ctx)
        if let ref = input["AccessPointId"]?.string {
            let ap = try existingAccessPoint(ref, region.efs, ctx)
            let view = AccessPointView(ap, ctx, state: ap.lifecycle.observe(now: ctx.now))
            return .deferred { JSONObject(["AccessPoints": .array([describe(view)])]) }
        }
        let index: CreationIndex<EFSAccessPoint>
        let scope: String
        if let ref = input["FileSystemId"]?.string {
            let fs = try existingFileSystem(ref, region.efs, ctx)
            index = fs.accessPoints
            scope = "efs:ap:" + fs.id
        } else {
            index = region.efs.accessPointOrder
            scope = "efs:ap"
        }
        let (page, nextToken) = try s.pageTokens.page(index, input,
                                                            PageRequest(token: EFSMembers.DescribeAccessPointsRequest.nextToken,
                                                                        limit: EFSMembers.DescribeAccessPointsRequest.maxResults, defaultLimit: 100), scope: scope,
                                                      invalid: EFSError.invalidPageToken("NextToken"))
        let views = page.map { AccessPointView($0, ctx, state: $0.lifecycle.observe(now: ctx.now)) }
        return .deferred {
            var out = JSONObject(capacity: 2)
            let arnPrefix = accessPointARNPrefix(account: ctx.account, region: ctx.region)
            out.append("AccessPoints", .array(views.map { describe($0, arnPrefix: arnPrefix) }))
            out.append("NextToken", ifPresent: nextToken.map { .string($0) })
            return out
        }
    }

    static func deleteAccessPoint(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let ap = try existingAccessPoint(input["AccessPointId"]?.string ?? "", region.efs, ctx)
        region.efs.remove(ap)
        return JSONObject()
    }

    // MARK: Tags (file systems and access points)

    /// The tags of the resource `ref` names (an fs-/fsap- ID or ARN), read and written in place.
    static func withTags<T>(_ ref: String, _ efs: EFSState, _ ctx: CallContext,
                            _ body: (inout [Tag]) throws(APIError) -> T) throws(APIError) -> T {
        let isAccessPoint = ref.hasPrefix("fsap-") || ref.contains(":access-point/")
        if isAccessPoint {
            let ap = try existingAccessPoint(ref, efs, ctx)
            return try body(&ap.tags)
        }
        let fs = try existingFileSystem(ref, efs, ctx)
        return try body(&fs.tags)
    }

    static func tagResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let new = Tag.list(input["Tags"], EFSService.model.tagMembers)
        try withTags(input["ResourceId"]?.string ?? "", s.region(ctx).efs, ctx) { (tags: inout [Tag]) throws(APIError) in
            tags = try merged(new, into: tags)
        }
        return JSONObject()
    }

    /// `tags` with `new` added or overwritten, within the 50-tag limit.
    static func merged(_ new: [Tag], into tags: [Tag]) throws(APIError) -> [Tag] {
        try Tag.merged(new, into: tags) { count in EFSError.tooManyTags(count, limit: Tag.maxPerResource) }
    }

    static func untagResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let keys = Set((input["TagKeys"]?.array ?? []).compactMap(\.string))
        try withTags(input["ResourceId"]?.string ?? "", s.region(ctx).efs, ctx) { (tags: inout [Tag]) throws(APIError) in
            tags.removeAll { keys.contains($0.key) }
        }
        return JSONObject()
    }

    static func listTagsForResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let ref = input["ResourceId"]?.string ?? ""
        let all = try withTags(ref, s.region(ctx).efs, ctx) { (tags: inout [Tag]) throws(APIError) in tags }
        let (page, next) = try tagPage(all, input, PageRequest(token: EFSMembers.ListTagsForResourceRequest.nextToken,
                                                                  limit: EFSMembers.ListTagsForResourceRequest.maxResults, defaultLimit: 100), scope: "efs:tags:" + ref, s.pageTokens)
        var out = JSONObject()
        out.append("Tags", Tag.json(page, EFSService.model.tagMembers))
        out.append("NextToken", ifPresent: next.map { .string($0) })
        return out
    }

    /// A page of a resource's tags.
    static func tagPage(_ all: [Tag], _ input: JSONObject, _ request: PageRequest, scope: String,
                        _ tokens: PageTokens) throws(APIError) -> ([Tag], String?) {
        try Tag.page(all, input, request, scope: scope, tokens, invalid: EFSError.invalidPageToken(request.token))
    }
}
