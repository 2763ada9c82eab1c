/// The EFS rules of ../shared/spec/efs.md that the service model cannot express. Stateless: they
/// run in `apsim_validate` too, after the model's shape checks passed.
enum EFSRules {
    static let service = ServiceModel.efs
    static let validationCode = "ValidationException"
    /// The tag limit per resource (AWS's general tagging limit; the EFS model sets no max).
    static let maxTags = 50
    /// The largest page DescribeAccessPoints serves.
    static let maxAccessPointPage: Int64 = 10_000

    static func badRequest(_ message: String) -> APIError {
        APIError(service, "BadRequest", message)
    }

    /// Tags in one request: at most 50, each key once.
    static func tags(_ input: JSONObject) throws(APIError) {
        let tags = Tag.list(input["Tags"])
        if tags.count > maxTags {
            throw badRequest("A resource can have at most \(maxTags) tags; the request has \(tags.count).")
        }
        var seen = Set<String>()
        for t in tags where !seen.insert(t.key).inserted {
            throw badRequest("Tag keys must be unique; the key '\(t.key)' appears more than once in the request.")
        }
    }

    static func createFileSystem(_ input: JSONObject) throws(APIError) {
        try tags(input)
        if input["ThroughputMode"]?.string == "provisioned" && input["ProvisionedThroughputInMibps"] == nil {
            throw badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.")
        }
    }

    static func describeAccessPoints(_ input: JSONObject) throws(APIError) {
        if let n = input["MaxResults"]?.int, n > maxAccessPointPage {
            throw APIError(service, validationCode, Validator.coralMessage([
                Validator.violation(value: .int(n), path: "maxResults",
                                    constraint: "Member must have value less than or equal to \(maxAccessPointPage)"),
            ]))
        }
        if input["AccessPointId"] != nil && input["FileSystemId"] != nil {
            throw badRequest("You can provide either an AccessPointId or a FileSystemId in the request, but not both.")
        }
    }
}
