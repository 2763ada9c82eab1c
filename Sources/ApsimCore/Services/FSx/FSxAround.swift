/// The FSx operations around the attachments (../shared/spec/fsx.md, "Around the attachments"):
/// tags, and the storage virtual machines' describe, update and delete.
extension FSxOperations {
    // MARK: Tags (file systems, volumes, storage virtual machines)

    /// The tags of the resource an ARN names, read and written in place.
    static func withTags<T>(_ arn: String, _ region: RegionState, _ ctx: CallContext,
                            _ body: (inout [Tag]) throws(APIError) -> T) throws(APIError) -> T {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn" else { throw FSxError.notServiceResource(arn) }
        guard parts[2] == "fsx" else {
            // An attachment's only ARN is its S3 access point's, which FSx cannot tag.
            if parts[2] == "s3", parts[5].hasPrefix("accesspoint/"),
               let attachment = region.fsx.attachments[String(parts[5].dropFirst("accesspoint/".count))], attachment.arn == arn {
                throw FSxError.doesNotSupportTagging(arn)
            }
            throw FSxError.notServiceResource(arn)
        }
        guard parts[1] == ARN.partition(region: ctx.region), parts[3] == ctx.region, parts[4] == ctx.account else {
            throw FSxError.resourceNotFound(arn)
        }
        let path = parts[5].split(separator: "/").map(String.init)
        switch (path.first, path.count) {
        case ("file-system"?, 2):
            if let fs = region.fsx.fileSystems[path[1]] { return try body(&fs.tags) }
        case ("volume"?, 3):
            if let v = region.fsx.volumes[path[2]], v.fileSystemID == path[1] { return try body(&v.tags) }
        case ("storage-virtual-machine"?, 3):
            if let svm = region.fsx.storageVirtualMachines[path[2]], svm.fileSystemID == path[1] { return try body(&svm.tags) }
        case ("snapshot"?, 3):
            if let snapshot = region.fsx.snapshots[path[2]], snapshot.volumeID == path[1] { return try body(&snapshot.tags) }
        default:
            break
        }
        throw FSxError.resourceNotFound(arn)
    }

    static func tagResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let new = Tag.list(input["Tags"])
        try withTags(input["ResourceARN"]?.string ?? "", s.region(ctx), ctx) { (tags: inout [Tag]) throws(APIError) in
            tags = try Tag.merged(new, into: tags, tooMany: FSxError.tooManyTags)
        }
        return JSONObject()
    }

    static func untagResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let keys = Set((input["TagKeys"]?.array ?? []).compactMap(\.string))
        try withTags(input["ResourceARN"]?.string ?? "", s.region(ctx), ctx) { (tags: inout [Tag]) throws(APIError) in
            tags.removeAll { keys.contains($0.key) }
        }
        return JSONObject()
    }

    static func listTagsForResource(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let arn = input["ResourceARN"]?.string ?? ""
        let all = try withTags(arn, s.region(ctx), ctx) { (tags: inout [Tag]) throws(APIError) in tags }
        let (page, next) = try Tag.page(all, input, PageRequest(defaultLimit: Int64(Tag.maxPerResource)), scope: "fsx:tags:" + arn,
                                        s.pageTokens, invalid: FSxError.invalidPageToken)
        var out = JSONObject()
        out.append("Tags", .array(page.map(\.json)))
        out.append("NextToken", ifPresent: next.map { .string($0) })
        return out
    }

    // MARK: Storage virtual machines

    static func describeStorageVirtualMachines(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "StorageVirtualMachines", ids: "StorageVirtualMachineIds",
                           in: fsx.storageVirtualMachines, notFound: FSxError.storageVirtualMachineNotFound,
                           order: fsx.storageVirtualMachineOrder, scope: "fsx:svms:", page: pageOf(50)) { svm, _, values in
            values.contains(svm.fileSystemID)
        } view: { describe($0, ctx, state: $0.lifecycle.observe(now: ctx.now)) }
    }

    /// Stores the admin password (never described) and the Active Directory configuration (its
    /// password left out).
    static func updateStorageVirtualMachine(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let svm = try storageVirtualMachine(s.region(ctx), input)
        if let password = input["SvmAdminPassword"]?.string { svm.adminPassword = password }
        if var directory = input["ActiveDirectoryConfiguration"]?.object {
            if var selfManaged = directory["SelfManagedActiveDirectoryConfiguration"]?.object {
                selfManaged["Password"] = nil
                directory["SelfManagedActiveDirectoryConfiguration"] = .object(selfManaged)
            }
            var merged = svm.activeDirectory ?? JSONObject()
            for m in directory.members { merged[m.key] = m.value }
            svm.activeDirectory = merged
        }
        return JSONObject(["StorageVirtualMachine": describe(svm, ctx, state: svm.lifecycle.observe(now: ctx.now))])
    }

    /// Deletes a storage virtual machine without volumes: it answers DELETING and is gone.
    static func deleteStorageVirtualMachine(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let svm = try storageVirtualMachine(region, input)
        if svm.volumes > 0 { throw FSxError.storageVirtualMachineHasVolumes(svm.id) }
        if let root = svm.rootVolumeID, let volume = region.fsx.volumes[root] { region.fsx.remove(volume) }
        region.fsx.remove(svm)
        return JSONObject(["StorageVirtualMachineId": .string(svm.id), "Lifecycle": "DELETING"])
    }

    static func storageVirtualMachine(_ region: RegionState, _ input: JSONObject) throws(APIError) -> FSxStorageVirtualMachine {
        try existing(region.fsx.storageVirtualMachines, input, "StorageVirtualMachineId",
                     FSxError.storageVirtualMachineNotFound)
    }
}
