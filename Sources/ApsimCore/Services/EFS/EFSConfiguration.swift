/// The EFS operations that configure a file system: lifecycle configuration, backup policy, file
/// system policy, throughput and protection, the legacy tag operations, and the account's ID
/// preference.
enum EFSConfiguration {
    /// The file system a request's FileSystemId names (an ID or ARN of this account and region).
    static func fileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject,
                           member: String = "FileSystemId") throws(APIError) -> EFSFileSystem {
        let ref = input[member]?.string ?? ""
        guard let fs = EFSOperations.fileSystem(ref, s.region(ctx).efs, ctx) else { throw EFSError.fileSystemNotFound(ref) }
        return fs
    }

    /// The file system a request configures, which must be `available`.
    static func availableFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject,
                                    member: String = "FileSystemId",
                                    doing what: String = "it can only be configured") throws(APIError) -> EFSFileSystem {
        let fs = try fileSystem(&s, ctx, input, member: member)
        let state = fs.lifecycle.observe(now: ctx.now)
        guard state == "available" else { throw EFSError.incorrectFileSystemLifeCycleState(fs.id, state: state, what: what) }
        return fs
    }

    // MARK: Lifecycle configuration

    static func putLifecycleConfiguration(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try availableFileSystem(&s, ctx, input)
        let policies = input["LifecyclePolicies"]?.array ?? []
        if fs.throughputMode != "elastic", policies.contains(where: { $0["TransitionToArchive"] != nil }) {
            throw EFSError.archiveNeedsElastic
        }
        fs.lifecyclePolicies = policies
        return lifecycleConfiguration(fs)
    }

    static func describeLifecycleConfiguration(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        lifecycleConfiguration(try fileSystem(&s, ctx, input))
    }

    static func lifecycleConfiguration(_ fs: EFSFileSystem) -> JSONObject {
        JSONObject(["LifecyclePolicies": .array(fs.lifecyclePolicies)])
    }

    // MARK: Backup policy

    static func putBackupPolicy(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try availableFileSystem(&s, ctx, input)
        let enabled = input["BackupPolicy"]?["Status"]?.string == "ENABLED"
        fs.backupPolicy = ctx.lifecycle(enabled ? "ENABLING" : "DISABLING", settlingTo: enabled ? "ENABLED" : "DISABLED")
        return backupPolicy(fs.backupPolicy?.current ?? "")
    }

    static func describeBackupPolicy(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try fileSystem(&s, ctx, input)
        guard let state = fs.backupPolicy?.observe(now: ctx.now) else { throw EFSError.policyNotFound("backup policy", fs.id) }
        return backupPolicy(state)
    }

    static func backupPolicy(_ status: String) -> JSONObject {
        JSONObject(["BackupPolicy": ["Status": .string(status)]])
    }

    // MARK: File system policy

    static func putFileSystemPolicy(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try availableFileSystem(&s, ctx, input)
        let text = input["Policy"]?.string ?? ""
        if input["BypassPolicyLockoutSafetyCheck"]?.bool != true, let policy = try? Policy(.string(text)) {
            // The caller would no longer be let in to change it: refused (files.md section 4).
            let caller = PolicyPrincipal.iam(arn: ctx.caller.arn, account: ctx.caller.account)
            let request = PolicyRequest(principal: caller, action: "elasticfilesystem:PutFileSystemPolicy", resource: fs.arn,
                                        context: ["aws:SecureTransport": ["true"], "aws:PrincipalArn": [ctx.caller.arn],
                                                  "aws:PrincipalAccount": [ctx.caller.account]])
            if PolicyEvaluator.decide(request, identityPolicies: Principals.policies(of: ctx.caller.arn, in: s), resourcePolicy: policy,
                                      resourceAccount: ctx.account) == .explicitDeny {
                throw EFSError.policyLockout(ctx.caller.arn, fileSystem: fs.arn)
            }
        }
        fs.policy = text
        return fileSystemPolicy(fs)
    }

    static func describeFileSystemPolicy(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try fileSystem(&s, ctx, input)
        guard fs.policy != nil else { throw EFSError.policyNotFound("file system policy", fs.id) }
        return fileSystemPolicy(fs)
    }

    static func deleteFileSystemPolicy(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        try availableFileSystem(&s, ctx, input).policy = nil
        return JSONObject()
    }

    static func fileSystemPolicy(_ fs: EFSFileSystem) -> JSONObject {
        JSONObject(["FileSystemId": .string(fs.id), "Policy": .string(fs.policy ?? "")])
    }

    // MARK: Throughput and protection

    static let day: Int64 = 86_400_000

    /// Changes the throughput mode or provisioned throughput: the file system reads `updating`,
    /// then settles. Changing the mode or lowering the throughput again within 24 hours (on the
    /// world's clock) of the last such change is TooManyRequests.
    static func updateFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try availableFileSystem(&s, ctx, input, doing: "throughput can only be changed")
        let mode = input["ThroughputMode"]?.string ?? fs.throughputMode
        let throughput = input["ProvisionedThroughputInMibps"]
        let lowers = throughput.flatMap(\.double).map { new in (fs.provisionedThroughput?.double ?? 0) > new } ?? false
        if mode != fs.throughputMode || lowers {
            if let last = fs.lastThroughputDecrease, ctx.now - last < day {
                throw EFSError.tooManyRequests(nextAllowed: last + day)
            }
            fs.lastThroughputDecrease = ctx.now
        }
        fs.throughputMode = mode
        if let throughput { fs.provisionedThroughput = throughput }
        if mode != "provisioned" { fs.provisionedThroughput = nil }
        fs.lifecycle = ctx.lifecycle("updating", settlingTo: "available")
        return EFSOperations.describe(fs, s.region(ctx).efs, ctx, state: fs.lifecycle.current,
                                      metered: EFSService.sizeInBytes(fs, s, ctx)).objectValue
    }

    static func updateFileSystemProtection(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try availableFileSystem(&s, ctx, input)
        if fs.replicatedFrom != nil { throw EFSError.destinationProtection }
        if let protection = input["ReplicationOverwriteProtection"]?.string { fs.protection = protection }
        return JSONObject(["ReplicationOverwriteProtection": .string(fs.protection)])
    }

    // MARK: Account preferences

    static func putAccountPreferences(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let efs = s.region(ctx).efs
        efs.resourceIdType = input["ResourceIdType"]?.string ?? "LONG_ID"
        return accountPreferences(efs)
    }

    static func describeAccountPreferences(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        accountPreferences(s.region(ctx).efs)
    }

    static func accountPreferences(_ efs: EFSState) -> JSONObject {
        JSONObject(["ResourceIdPreference": [
            "ResourceIdType": .string(efs.resourceIdType), "Resources": ["FILE_SYSTEM", "MOUNT_TARGET"],
        ]])
    }

    // MARK: Legacy tags (file systems only, TagResource's rules)

    static func createTags(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try fileSystem(&s, ctx, input)
        fs.tags = try EFSOperations.merged(Tag.list(input["Tags"], EFSService.model.tagMembers), into: fs.tags)
        return JSONObject()
    }

    static func deleteTags(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try fileSystem(&s, ctx, input)
        let keys = Set((input["TagKeys"]?.array ?? []).compactMap(\.string))
        fs.tags.removeAll { keys.contains($0.key) }
        return JSONObject()
    }

    static func describeTags(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try fileSystem(&s, ctx, input)
        var out = JSONObject()
        out.append("Marker", ifPresent: input["Marker"])
        let (tags, next) = try EFSOperations.tagPage(fs.tags, input,
                                                    PageRequest(token: EFSMembers.DescribeTagsRequest.marker,
                                                                limit: EFSMembers.DescribeTagsRequest.maxItems, defaultLimit: 100), scope: "efs:tags:" + fs.id, s.pageTokens)
        out.append("Tags", Tag.json(tags, EFSService.model.tagMembers))
        out.append("NextMarker", ifPresent: next.map { .string($0) })
        return out
    }
}
