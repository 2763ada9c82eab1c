/// An AWS error as apsim answers it: a code, a message, the HTTP status and the modeled members
/// beyond ErrorCode and Message (e.g. `AccessPointId` on AccessPointAlreadyExists).
public struct APIError: Error, Sendable, Equatable {
    /// The error code (`AccessPointNotFound`), as botocore's `Error.Code`.
    public var code: String
    /// The message, as botocore's `Error.Message`.
    public var message: String
    /// The HTTP status.
    public var status: Int
    /// The modeled members beyond ErrorCode and Message (top level of the envelope).
    public var members: JSONObject
    /// The constraint violations a validation error reports, as data (its message spells them out).
    public var violations: [Violation] = []

    /// An error with its code, message, status and modeled members.
    public init(code: String, message: String, status: Int, members: JSONObject = JSONObject()) {
        self.code = code
        self.message = message
        self.status = status
        self.members = members
    }

    /// A validation error (400) of `code` reporting `violations` together, in model order.
    init(code: String, violations: [Violation]) {
        self.init(code: code, message: Violation.message(violations), status: 400)
        self.violations = violations
    }

    /// A modeled error of `service`, its HTTP status taken from the service model.
    init(_ service: ServiceModel, _ code: String, _ message: String, members: JSONObject = JSONObject()) {
        self.init(code: code, message: message, status: service.errors[code]?.status ?? 400, members: members)
    }

    /// A modeled error of the service whose generated code enum `code` belongs to.
    init<Code: ModeledErrorCode>(_ code: Code, _ message: String, members: JSONObject = JSONObject()) {
        self.init(Code.service, code.rawValue, message, members: members)
    }

    /// A caller's text in a message, cut at 256 characters (as the validator cuts values).
    public static func echo(_ text: String) -> String {
        text.unicodeScalars.count > 256 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(256))) + "..." : text
    }

    /// The error envelope: botocore's parsed-error shape plus the modeled members at top level.
    public func envelope(requestID: String?) -> JSON {
        var error = JSONObject()
        error.append("Code", .string(code))
        error.append("Message", .string(message))
        var o = JSONObject()
        o.append("Error", .object(error))
        for m in members.members { o.append(m.key, m.value) }
        o.append("ResponseMetadata", ResponseMetadata.json(requestID: requestID, status: status))
        return .object(o)
    }
}

enum ResponseMetadata {
    static func json(requestID: String?, status: Int) -> JSON {
        var meta = JSONObject()
        if let requestID { meta.append("RequestId", .string(requestID)) }
        meta.append("HTTPStatusCode", .int(Int64(status)))
        return .object(meta)
    }
}

/// The error codes one service model declares, generated per service (`EFSErrorCode`,
/// `FSxErrorCode`): handlers name errors by case, never by a string.
protocol ModeledErrorCode: RawRepresentable<String>, Sendable {
    /// The model that gives each code its HTTP status and members.
    static var service: ServiceModel { get }
}
