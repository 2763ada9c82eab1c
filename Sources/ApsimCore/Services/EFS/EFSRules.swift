/// The EFS rules of ../shared/spec/efs.md that the service model cannot express. Stateless: they
/// run in `apsim_validate` too, after the model's shape checks passed.
enum EFSRules {
    static let validationCode = EFSErrorCode.validationException.rawValue
    /// The tag limit per resource (AWS's general tagging limit; the EFS model sets no max).
    static let maxTags = Tag.maxPerResource
    /// The largest page DescribeAccessPoints serves.
    static let maxAccessPointPage: Int64 = 10_000

    /// Tags in one request: at most 50, each key once.
    static func tags(_ input: JSONObject) throws(APIError) {
        let tags = Tag.list(input["Tags"], EFSService.model.tagMembers)
        if tags.count > maxTags {
            throw EFSError.tooManyTagsInRequest(tags.count, limit: maxTags)
        }
        var seen = Set<String>()
        for t in tags where !seen.insert(t.key).inserted {
            throw EFSError.duplicateTagKey(t.key)
        }
    }

    static func createFileSystem(_ input: JSONObject) throws(APIError) {
        try tags(input)
        if input["ThroughputMode"]?.string == "provisioned" && input["ProvisionedThroughputInMibps"] == nil {
            throw EFSError.provisionedThroughputRequired
        }
        if input["PerformanceMode"]?.string == "maxIO" && input["AvailabilityZoneName"] != nil {
            throw EFSError.maxIOOneZone
        }
    }

    /// A mount target has at most five security groups: a rule of the request (the model allows
    /// up to 100), so `apsim_validate` refuses it too.
    static func securityGroupCount(_ input: JSONObject) throws(APIError) {
        let count = input["SecurityGroups"]?.array?.count ?? 0
        if count > EFSMountTargets.maxSecurityGroups { throw EFSError.securityGroupLimitExceeded(count) }
    }

    static func describeAccessPoints(_ input: JSONObject) throws(APIError) {
        if let n = input["MaxResults"]?.int, n > maxAccessPointPage {
            throw EFSError.validation([
                Violation(path: "maxResults", constraint: "Member must have value less than or equal to \(maxAccessPointPage)",
                          value: .int(n)),
            ])
        }
        if input["AccessPointId"] != nil && input["FileSystemId"] != nil {
            throw EFSError.accessPointAndFileSystem
        }
    }

    /// DescribeMountTargets names exactly one of a file system, a mount target, an access point.
    static func describeMountTargets(_ input: JSONObject) throws(APIError) {
        let given = ["FileSystemId", "MountTargetId", "AccessPointId"].filter { input[$0] != nil }
        if given.count != 1 { throw EFSError.oneMountTargetFilter }
    }

    static let lifecyclePolicyKinds = ["TransitionToIA", "TransitionToPrimaryStorageClass", "TransitionToArchive"]

    /// Each lifecycle policy holds exactly one transition, and each kind appears at most once.
    static func lifecycleConfiguration(_ input: JSONObject) throws(APIError) {
        var seen = Set<String>()
        for policy in input["LifecyclePolicies"]?.array ?? [] {
            let kinds = lifecyclePolicyKinds.filter { policy[$0] != nil }
            guard kinds.count == 1, let kind = kinds.first, seen.insert(kind).inserted else {
                throw EFSError.malformedLifecyclePolicies
            }
        }
    }

    /// A backup policy is turned on or off; ENABLING and DISABLING are states, not requests.
    static func backupPolicy(_ input: JSONObject) throws(APIError) {
        let status = input["BackupPolicy"]?["Status"]?.string ?? ""
        if status != "ENABLED" && status != "DISABLED" { throw EFSError.backupPolicyStatus(status) }
    }

    /// A file system policy is a JSON policy document with a Statement.
    static func fileSystemPolicy(_ input: JSONObject) throws(APIError) {
        let text = input["Policy"]?.string ?? ""
        guard case .object(let document)? = try? JSON.parse(text) else { throw EFSError.invalidPolicy("it is not a JSON object") }
        if document["Statement"] == nil { throw EFSError.invalidPolicy("it has no Statement") }
        // The policy language itself (the shared evaluator's parser), each refusal in a sentence.
        do { _ = try Policy(.object(document)) } catch {
            throw EFSError.invalidPolicy(String(error.message.dropLast(error.message.hasSuffix(".") ? 1 : 0)))
        }
    }

    static func replication(_ input: JSONObject) throws(APIError) {
        if input["Destinations"]?.array?.count != 1 { throw EFSError.oneDestination }
    }

    /// REPLICATING is a state replication sets, not a request.
    static func fileSystemProtection(_ input: JSONObject) throws(APIError) {
        if input["ReplicationOverwriteProtection"]?.string == "REPLICATING" { throw EFSError.protectionReplicating }
    }

    static func updateFileSystem(_ input: JSONObject) throws(APIError) {
        if input["ThroughputMode"]?.string == "provisioned" && input["ProvisionedThroughputInMibps"] == nil {
            throw EFSError.provisionedThroughputRequired
        }
    }
}
