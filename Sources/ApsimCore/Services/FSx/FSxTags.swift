/// FSx tags: TagResource, UntagResource and ListTagsForResource on file systems, volumes,
/// storage virtual machines and snapshots, by ARN.
extension FSxOperations {
    // MARK: Tags (file systems, volumes, storage virtual machines)

    /// The tags of the resource an ARN names, read and written in place.
    static func withTags<T>(_ arn: String, _ region: RegionState, _ ctx: CallContext,
                            _ body: (inout [Tag]) throws(APIError) -> T) throws(APIError) -> T {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn" else { throw FSxError.notServiceResource(arn) }
        guard parts[2] == ServiceModel.fsx.signingName else {
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
        let new = Tag.list(input["Tags"], FSxService.model.tagMembers)
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
        let (page, next) = try Tag.page(all, input, PageRequest(token: FSxMembers.ListTagsForResourceRequest.nextToken,
                                                                  limit: FSxMembers.ListTagsForResourceRequest.maxResults,
                                                                  defaultLimit: Int64(Tag.maxPerResource)), scope: "fsx:tags:" + arn,
                                        s.pageTokens, invalid: FSxError.invalidPageToken)
        var out = JSONObject()
        out.append("Tags", Tag.json(page, FSxService.model.tagMembers))
        out.append("NextToken", ifPresent: next.map { .string($0) })
        return out
    }
}
