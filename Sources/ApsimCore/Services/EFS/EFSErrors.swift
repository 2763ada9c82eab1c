/// Every error EFS answers, with its message: the one place they are written. Codes, statuses and
/// modeled members come from the model (`EFSErrorCode`, generated); handlers and rules throw
/// these and never spell a code or a message.
enum EFSError {
    static func fileSystemNotFound(_ ref: String) -> APIError {
        APIError(EFSErrorCode.fileSystemNotFound, "File system '\(ref)' does not exist.")
    }

    static func accessPointNotFound(_ ref: String) -> APIError {
        APIError(EFSErrorCode.accessPointNotFound, "Access point '\(ref)' does not exist.")
    }

    static func fileSystemAlreadyExists(_ id: String, token: String) -> APIError {
        APIError(EFSErrorCode.fileSystemAlreadyExists, "File system '\(id)' already exists with creation token '\(token)'",
                 members: JSONObject(["FileSystemId": .string(id)]))
    }

    static func accessPointAlreadyExists(_ id: String, token: String) -> APIError {
        APIError(EFSErrorCode.accessPointAlreadyExists, "Access point '\(id)' already exists with client token '\(token)'",
                 members: JSONObject(["AccessPointId": .string(id)]))
    }

    static func incorrectFileSystemLifeCycleState(_ id: String, state: String) -> APIError {
        APIError(EFSErrorCode.incorrectFileSystemLifeCycleState,
                 "File system '\(id)' is in the '\(state)' state; access points can only be created on an 'available' file system.")
    }

    static func accessPointLimitExceeded(_ fileSystemID: String, limit: Int) -> APIError {
        APIError(EFSErrorCode.accessPointLimitExceeded,
                 "You have reached the maximum number of access points (\(limit)) for your file system \(fileSystemID). Delete an access point and add a new one.")
    }

    static func throttled(_ fileSystemID: String, limit: Int) -> APIError {
        APIError(EFSErrorCode.throttlingException,
                 "Rate exceeded: access points are being created in quick succession on file system \(fileSystemID), which is near its limit of \(limit) access points. Retry later.")
    }

    /// strict_file_system_delete: a file system with access points.
    static func fileSystemHasAccessPoints(_ id: String) -> APIError {
        APIError(EFSErrorCode.fileSystemInUse,
                 "The file system '\(id)' cannot be deleted because it has access points. You must delete the access points, and then try again.")
    }

    // MARK: BadRequest

    static func badRequest(_ message: String) -> APIError { APIError(EFSErrorCode.badRequest, message) }

    static func invalidPageToken(_ member: String) -> APIError {
        badRequest("Invalid \(member): use a value returned by a previous call of this operation with the same filters.")
    }

    static func tooManyTagsInRequest(_ count: Int, limit: Int) -> APIError {
        badRequest("A resource can have at most \(limit) tags; the request has \(count).")
    }

    static func tooManyTags(_ count: Int, limit: Int) -> APIError {
        badRequest("A resource can have at most \(limit) tags; this request would give it \(count).")
    }

    static func duplicateTagKey(_ key: String) -> APIError {
        badRequest("Tag keys must be unique; the key '\(key)' appears more than once in the request.")
    }

    static let provisionedThroughputRequired =
        badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.")

    static let accessPointAndFileSystem =
        badRequest("You can provide either an AccessPointId or a FileSystemId in the request, but not both.")

    /// A constraint the spec adds to the model's, in the model's own Coral form.
    static func validation(_ violations: [Violation]) -> APIError {
        APIError(code: EFSErrorCode.validationException.rawValue, violations: violations)
    }
}
