/// The EFS rules of ../shared/spec/efs.md that the service model cannot express. Stateless: they
/// run in `apsim_validate` too, after the model's shape checks passed.
enum EFSRules {
    static let validationCode = EFSErrorCode.validationException.rawValue
    /// The tag limit per resource (AWS's general tagging limit; the EFS model sets no max).
    static let maxTags = 50
    /// The largest page DescribeAccessPoints serves.
    static let maxAccessPointPage: Int64 = 10_000

    /// Tags in one request: at most 50, each key once.
    static func tags(_ input: JSONObject) throws(APIError) {
        let tags = Tag.list(input["Tags"])
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
}
