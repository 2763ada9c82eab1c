/// The FSx operations: state logic only (inputs arrive validated by the model and FSxRules).
enum FSxOperations {
    static func arn(_ ctx: CallContext, _ resource: String) -> String {
        ARN.make(service: ServiceModel.fsx.signingName, region: ctx.region, account: ctx.account, resource: resource)
    }

    static func tags(_ tags: [Tag]) -> JSON { Tag.json(tags, FSxService.model.tagMembers) }

    // MARK: Client request tokens (per account, region and operation)

    /// The ID an identical earlier request under the same token made (`earlier`); a different
    /// request under a token in use is IncompatibleParameterError naming the first member (in
    /// model order) that differs.
    static func replay(_ operation: FSxOperation, _ earlier: ClientTokenTable.Record, token: String,
                       _ input: JSONObject) throws(APIError) -> String {
        let member = operation.model?.idempotencyToken ?? ""
        let request = ClientTokenTable.withoutToken(input, member)
        let members = operation.model?.input.members.map(\.name) ?? request.keys
        guard let differing = members.first(where: { !sameValue(earlier.request[$0], request[$0]) }) else {
            return earlier.resourceID
        }
        throw FSxError.incompatibleToken(token, differing: differing)
    }

    /// The resource `input[key]` names in `table`, or `notFound` of that ID.
    static func existing<R>(_ table: [String: R], _ input: JSONObject, _ key: String,
                            _ notFound: (String) -> APIError) throws(APIError) -> R {
        let id = input[key]?.string ?? ""
        guard let found = table[id] else { throw notFound(id) }
        return found
    }

    /// What a create or update answers: `description` under `member`, once the request is
    /// remembered under its ClientRequestToken (for replays).
    static func answer(_ member: String, _ description: JSON, remembering input: JSONObject, as operation: FSxOperation,
                       for id: String, in fsx: FSxState) -> JSONObject {
        fsx.remember(input, operation: operation, resourceID: id)
        return JSONObject([member: description])
    }

    /// JSON equality that ignores the order of object members.
    static func sameValue(_ a: JSON?, _ b: JSON?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.object(let x)?, .object(let y)?):
            return x.count == y.count && x.members.allSatisfy { sameValue($0.value, y[$0.key]) }
        case (.array(let x)?, .array(let y)?):
            return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
        default: return a == b
        }
    }

    // MARK: Listings

    /// The resources `ids` names, in their order; the first unknown one throws `notFound(id)`.
    static func named<Resource>(_ ids: [String], in index: [String: Resource],
                                _ notFound: (String) -> APIError) throws(APIError) -> [Resource] {
        var found: [Resource] = []
        for id in ids {
            guard let resource = index[id] else { throw notFound(id) }
            found.append(resource)
        }
        return found
    }

    /// A Describe* answer under `list`: the resources the request names under `ids` (in their order;
    /// the first unknown one throws `notFound(id)`), or else a page of `order` from the request's
    /// NextToken of the resources that pass every filter (filters ANDed, a filter's values ORed),
    /// with NextToken while more remain. Each is shown by `view`.
    static func listing<E: AnyObject>(
        _ s: borrowing WorldState, _ input: JSONObject, list: String,
        ids: String, in index: [String: E], notFound: (String) -> APIError,
        order: CreationIndex<E>, scope: String, page: PageRequest,
        matches: (E, _ filter: String, _ values: Set<String>) -> Bool = { _, _, _ in true },
        view: (E) -> JSON
    ) throws(APIError) -> JSONObject {
        let found: [E]
        var next: String? = nil
        if let names = input[ids]?.array?.compactMap(\.string) {
            found = try named(names, in: index, notFound)
        } else {
            (found, next) = try filteredPage(s, input, order, scope: scope + (input["Filters"]?.text ?? ""), page: page, matches)
        }
        var out = JSONObject(capacity: 2)
        out.append(list, .array(found.map(view)))
        out.append("NextToken", ifPresent: next.map { .string($0) })
        return out
    }

    /// A page of `order` from the request's NextToken of the resources that pass every filter
    /// (filters ANDed, a filter's values ORed).
    static func filteredPage<E: AnyObject>(
        _ s: borrowing WorldState, _ input: JSONObject, _ order: CreationIndex<E>, scope: String, page: PageRequest,
        _ matches: (E, _ filter: String, _ values: Set<String>) -> Bool
    ) throws(APIError) -> ([E], String?) {
        let filters = (input["Filters"]?.array ?? []).map { f in
            (f["Name"]?.string ?? "", Set((f["Values"]?.array ?? []).compactMap(\.string)))
        }
        return try s.pageTokens.page(order, input, page, scope: scope, invalid: FSxError.invalidPageToken) { e in
            filters.allSatisfy { matches(e, $0.0, $0.1) }
        }
    }

    /// FSx's Describe* page: MaxResults defaults to, and is capped at, `size`.
    /// A page of at most `size` (FSx's describes all page with NextToken and MaxResults, as
    /// DescribeFileSystems' model names them).
    static func pageOf(_ size: Int64) -> PageRequest {
        PageRequest(token: FSxMembers.DescribeFileSystemsRequest.nextToken, limit: FSxMembers.DescribeFileSystemsRequest.maxResults,
                    defaultLimit: size, atMost: size)
    }

    // MARK: Attachments

    /// Per-file-system attachment quota of OpenZFS, by provisioned throughput (MBps).
    static let openZFSAttachmentQuota: [Int64: Int] = [
        64: 1, 128: 3, 256: 6, 512: 13, 1024: 27, 2048: 55, 3072: 83, 4096: 110,
        160: 4, 320: 8, 640: 17, 1280: 34, 2560: 69, 3840: 103, 5120: 138, 7680: 207, 10240: 276,
    ]
    static let highAvailability: Set<String> = ["SINGLE_AZ_HA_1", "SINGLE_AZ_HA_2", "MULTI_AZ_1"]

    static func describe(_ a: FSxAttachment, state: String) -> JSON {
        describe(AttachmentView(a, state: state))
    }

    /// What a description shows of an attachment, copied under the lock (see AccessPointView).
    struct AttachmentView: Sendable {
        let state, name, type, arn, alias: String
        let transitionReason: String?
        let creationTime: Int64
        let configuration: JSON
        let vpcConfiguration: JSON?

        init(_ a: FSxAttachment, state: String) {
            self.state = state
            transitionReason = a.transitionReason
            name = a.name
            type = a.type
            arn = a.arn
            alias = a.alias
            creationTime = a.creationTime
            configuration = a.configuration
            vpcConfiguration = a.vpcConfiguration
        }
    }

    static func describe(_ a: AttachmentView) -> JSON {
        var o = JSONObject(capacity: 6)
        o.append("Lifecycle", .string(a.state))
        o.append("LifecycleTransitionReason", ifPresent: a.transitionReason.map { ["Message": .string($0)] })
        o.append("CreationTime", JSON.timestamp(milliseconds: a.creationTime))
        o.append("Name", .string(a.name))
        o.append("Type", .string(a.type))
        o.append(a.type == "OPENZFS" ? "OpenZFSConfiguration" : "OntapConfiguration", a.configuration)
        var s3 = JSONObject(capacity: 3)
        s3.append("ResourceARN", .string(a.arn))
        s3.append("Alias", .string(a.alias))
        s3.append("VpcConfiguration", ifPresent: a.vpcConfiguration)
        o.append("S3AccessPoint", .object(s3))
        return .object(o)
    }

    /// `<name prefix ≤ 16, no trailing '-'>-<34 [a-z0-9]>-ext-s3alias`; the metadata part ends in a
    /// region code as real aliases do (`…use1a` in us-east-1).
    static func alias(name: String, region: String, _ s: inout WorldState) -> String {
        var prefix = String(name.prefix(16))
        while prefix.hasSuffix("-") { prefix.removeLast() }
        let code = String((AWSRegion.code(region) + "a").prefix(10))
        let chars = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        while true {
            var random = ""
            for _ in 0..<(34 - code.count) {
                random.unicodeScalars.append(Unicode.Scalar(chars[Int(s.ids.nextResourceRandom() % 36)]))
            }
            let alias = prefix + "-" + random + code + "-ext-s3alias"
            if S3AliasNamespace.take(alias, in: &s) { return alias }
        }
    }

    static func createAndAttachS3AccessPoint(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> HandlerOutput {
        let region = s.region(ctx)
        let type = input["Type"]?.string ?? ""
        let name = input["Name"]?.string ?? ""
        let configuration = input[type == "OPENZFS" ? "OpenZFSConfiguration" : "OntapConfiguration"] ?? .null
        let volumeID = configuration["VolumeId"]?.string ?? ""
        guard let volume = region.fsx.volumes[volumeID] else { throw FSxError.volumeNotFound(volumeID) }
        if volume.type != type { throw FSxError.volumeTypeMismatch(volumeID, volumeType: volume.type, type: type) }
        let volumeState = volume.lifecycle.observe(now: ctx.now)
        let usable = type == "OPENZFS" ? "AVAILABLE" : "CREATED"
        if volumeState != usable {
            throw FSxError.volumeNotUsable(volumeID, state: volumeState, usable: usable)
        }
        guard let fs = region.fsx.fileSystems[volume.fileSystemID] else { throw FSxError.volumeNotFound(volumeID) }
        if type == "OPENZFS" {
            if !highAvailability.contains(fs.deploymentType) {
                throw FSxError.attachmentNeedsHighAvailability(fs.id, deployment: fs.deploymentType)
            }
        } else if volume.junctionPath == nil {
            throw FSxError.volumeNotMounted(volumeID)
        }
        if let existing = region.fsx.attachments[name] {
            guard existing.deleting else { throw FSxError.accessPointAlreadyOwnedByYou }
            region.fsx.remove(existing)  // a DELETING one settles (is gone) when its name is needed
        }
        let regionLimit = ctx.config.s3AccessPointsPerRegion
        if region.fsx.liveAttachments >= regionLimit {
            throw FSxError.tooManyAccessPointsInRegion(limit: regionLimit)
        }
        if type == "OPENZFS", let limit = openZFSAttachmentQuota[fs.throughputCapacity ?? 0], fs.attachments >= limit {
            throw FSxError.tooManyAttachments(fs.id, limit: limit, throughput: fs.throughputCapacity ?? 0)
        }
        let attachment = FSxAttachment(
            origin: s.origin(ctx, "CREATING", settlingTo: "AVAILABLE"),
            name: name, type: type, volumeID: volumeID, fileSystemID: fs.id, configuration: configuration,
            arn: ARN.make(service: "s3", region: ctx.region, account: ctx.account, resource: "accesspoint/" + name),
            alias: alias(name: name, region: ctx.region, &s),
            vpcConfiguration: input["S3AccessPoint"]?["VpcConfiguration"], policy: input["S3AccessPoint"]?["Policy"]?.string)
        region.fsx.insert(attachment)
        region.fsx.remember(input, operation: .createAndAttachS3AccessPoint, resourceID: name)
        let view = AttachmentView(attachment, state: attachment.lifecycle.current)
        return .deferred { JSONObject(["S3AccessPointAttachment": describe(view)]) }
    }

    /// Rendered after the lock is released, from views copied under it (see describeAccessPoints).
    static func describeS3AccessPointAttachments(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> HandlerOutput {
        let region = s.region(ctx)
        var found: [FSxAttachment] = []
        var nextToken: String? = nil
        let scope = "fsx:attachments:" + (input["Filters"]?.text ?? "")
        if let names = input["Names"]?.array?.compactMap(\.string) {
            for name in names {
                guard let a = region.fsx.attachments[name] else { throw FSxError.attachmentNotFound(name) }
                if !found.contains(where: { $0 === a }) { found.append(a) }
            }
        } else {
            (found, nextToken) = try filteredPage(s, input, region.fsx.attachmentOrder, scope: scope, page: pageOf(1000)) { a, name, values in
                switch name {
                case "file-system-id": return values.contains(a.fileSystemID)
                case "volume-id": return values.contains(a.volumeID)
                default: return values.contains(a.type)
                }
            }
        }
        let views = found.map { a in
            let view = AttachmentView(a, state: a.lifecycle.observe(now: ctx.now))
            // A DELETING attachment is seen once more (on_read), then it is gone.
            if a.deleting { region.fsx.remove(a) }
            return view
        }
        let next = nextToken
        return .deferred {
            var out = JSONObject(capacity: 2)
            out.append("S3AccessPointAttachments", .array(views.map(describe)))
            out.append("NextToken", ifPresent: next.map { .string($0) })
            return out
        }
    }

    static func detachAndDeleteS3AccessPoint(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let name = input["Name"]?.string ?? ""
        guard let a = region.fsx.attachments[name] else { throw FSxError.attachmentNotFound(name) }
        region.fsx.markDeleting(a)
        if ctx.config.lifecycle == .instant { region.fsx.remove(a) }
        return JSONObject(["Lifecycle": "DELETING", "Name": .string(name)])
    }
}
