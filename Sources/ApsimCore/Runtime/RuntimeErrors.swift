/// The errors of apsim's own machinery, shared by every service: the one place their codes and
/// messages are written. (Each service's modeled errors are in its own catalogue, e.g.
/// `EFSError`; a message never appears in a handler, rule or control.)
public enum RuntimeError {
    // MARK: Requests

    /// A body that is not JSON, not an object, or a member of the wrong JSON type.
    public static func serialization(_ message: String) -> APIError {
        RuntimeErrorCode.serializationException.error(message: message, status: 400)
    }

    /// A name that is no operation apsim answers, with the nearest name as a hint.
    public static func unknownOperation(_ name: String, suggestion: String? = nil) -> APIError {
        let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
        return RuntimeErrorCode.unknownOperationException.error(message: "Unknown operation '\(APIError.echo(name))'.\(hint) Operations are named '<service>:<Operation>', e.g. 'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them.",
                        status: 400)
    }

    /// A real operation of a served service that apsim does not emulate (the code and status SDKs
    /// read as a non-retryable server error).
    static func notImplemented(_ name: String, service: String) -> APIError {
        let operation = name.split(separator: ":", maxSplits: 1).last.map(String.init) ?? name
        return RuntimeErrorCode.notImplemented.error(message: "apsim does not emulate the \(service) operation \(operation) ('\(APIError.echo(name))'); apsim:ListOperations lists the operations it answers.",
                        status: 501)
    }

    /// A request of a service apsim does not serve (at the wire: by its signing name).
    static func unservedService(_ service: String) -> APIError {
        RuntimeErrorCode.notImplemented.error(message: "apsim does not serve the '\(APIError.echo(service))' service: it answers \(Wire.names(Wire.restServices + Wire.targetServices)) only.",
                 status: 501)
    }

    /// A member the operation's input does not have (botocore's client-side message).
    static func unknownParameter(_ name: String, in path: String, expected: [String]) -> APIError {
        validation("Unknown parameter in \(path): \"\(name)\", must be one of: " + expected.joined(separator: ", "))
    }

    /// The code of a request that breaks apsim's own rules (a control request, an account or a
    /// region), as of a constraint violation in EFS.
    static let validationCode = RuntimeErrorCode.validationException.rawValue

    static func validation(_ message: String) -> APIError {
        RuntimeErrorCode.validationException.error(message: message, status: 400)
    }

    static func invalidAccount(_ account: String) -> APIError {
        validation("The account ID '\(APIError.echo(account))' is not valid: it must be 12 digits.")
    }

    static func invalidRegion(_ region: String) -> APIError {
        validation("The region '\(APIError.echo(region))' is not valid: use a region name such as 'us-east-1'.")
    }

    // MARK: The wire

    static func unknownTarget(_ target: String, served: String) -> APIError {
        RuntimeErrorCode.unknownOperationException.error(message: "Unknown X-Amz-Target '\(target)'; apsim serves \(served).",
                 status: 400)
    }

    static func noRoute(method: String, path: String, restServices: String, targetServices: String) -> APIError {
        RuntimeErrorCode.unknownOperationException.error(message: "No \(restServices) operation is \(method) \(path); \(targetServices) requests need an X-Amz-Target header.",
                 status: 404)
    }

    /// apsim:PutPrincipal refused (a malformed ARN, a policy that is none, a key in use).
    static func invalidPrincipal(_ problem: String) -> APIError {
        let sentence = problem.hasSuffix(".") ? String(problem.dropLast()) : problem
        return RuntimeErrorCode.invalidPrincipal.error(message: "Invalid principal: \(sentence).", status: 400)
    }

    /// apsim:DeletePrincipal of an ARN that was never declared.
    static func noSuchPrincipal(_ arn: String) -> APIError {
        RuntimeErrorCode.resourceNotFound.error(message: "No principal '\(APIError.echo(arn))' is declared in this world.", status: 404)
    }

    static let controlMethodNotAllowed = RuntimeErrorCode.methodNotAllowed.error(
        message: "Control operations are POST /_apsim/<Operation> with a JSON body.", status: 405)

    // MARK: Configuration, state and the state file

    /// A config document apsim_open refuses.
    public static func invalidConfiguration(_ message: String) -> APIError {
        RuntimeErrorCode.invalidConfiguration.error(message: message, status: 400)
    }

    static func invalidStateConfiguration(_ reason: String) -> APIError {
        invalidConfiguration("state is not a valid apsim state (\(withoutPeriod(reason))).")
    }

    static func invalidStateFile(_ path: String, _ reason: String) -> APIError {
        invalidConfiguration("state_file '\(path)' is not a valid apsim state (\(withoutPeriod(reason))); it was left untouched.")
    }

    static func stateFileWrite(_ path: String, _ what: String) -> APIError {
        RuntimeErrorCode.internalServerError.error(message: "apsim could not write state_file '\(path)': \(what).", status: 500)
    }

    /// A state file another world holds (its lock, `<path>.lock`, is taken).
    static func stateFileLocked(_ path: String, holder: Int32?) -> APIError {
        let who = holder.map { "process \($0)" } ?? "another process"
        return RuntimeErrorCode.stateFileInUse.error(message: "state_file '\(path)' is in use by \(who) (it holds '\(path).lock'); a state file serves one world at a time: stop that process, or give this world another file.",
                        status: 409)
    }

    /// A state file whose companion files cannot be used.
    static func stateFileUnusable(_ path: String, _ what: String) -> APIError {
        RuntimeErrorCode.internalServerError.error(message: "apsim could not open state_file '\(path)': \(what).", status: 500)
    }

    /// A snapshot document with a bad member (apsim:ImportState, the `state` config key).
    static func invalidState(at path: String, _ what: String) -> APIError {
        RuntimeErrorCode.invalidState.error(message: "Invalid apsim state at '\(path)': \(what).", status: 400)
    }

    /// A network declaration with a bad member (apsim:SetNetwork, the `network` config key).
    static func invalidNetwork(at path: String, _ what: String) -> APIError {
        RuntimeErrorCode.invalidNetwork.error(message: "Invalid network at '\(path)': \(what).", status: 400)
    }

    // MARK: Control operations

    static func invalidLifecycleState(_ state: String, label: String, states: [String]) -> APIError {
        validation("'\(state)' is not a lifecycle state of \(label); use one of: \(states.joined(separator: ", ")).")
    }

    static let lifecycleTargetMissing = validation(
        "Give ResourceId (an fs-, fsap-, fsvol- or svm- ID) or Name (an S3 access point attachment).")

    static func noSuchResource(_ id: String, account: String, region: String) -> APIError {
        RuntimeErrorCode.resourceNotFound.error(message: "No resource '\(id)' exists in account \(account), region \(region).",
                 status: 404)
    }

    static func faultOperation(_ operation: String) -> APIError {
        validation("Operation must be '*' or an AWS operation apsim emulates, e.g. 'efs:CreateAccessPoint'; got '\(operation)'.")
    }

    static let faultCountAndProbability = validation("Give Count or Probability, not both.")

    static func injectedFaultMessage(_ id: String) -> String { "Injected fault \(id) (apsim:InjectFault)." }

    private static func withoutPeriod(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}

/// Every error code apsim's own machinery answers (each service's are its model's, `<S>ErrorCode`).
/// `RuntimeError` is the one place they are thrown with their messages.
public enum RuntimeErrorCode: String, CaseIterable, Sendable {
    case internalServerError = "InternalServerError"
    case invalidConfiguration = "InvalidConfiguration"
    case invalidNetwork = "InvalidNetwork"
    case invalidPrincipal = "InvalidPrincipal"
    case invalidState = "InvalidState"
    case methodNotAllowed = "MethodNotAllowed"
    case notImplemented = "NotImplemented"
    case resourceNotFound = "ResourceNotFound"
    case serializationException = "SerializationException"
    case stateFileInUse = "StateFileInUse"
    case unknownOperationException = "UnknownOperationException"
    case validationException = "ValidationException"

    /// The error of this code with `message` and `status`.
    func error(message: String, status: Int) -> APIError {
        APIError(code: rawValue, message: message, status: status)
    }
}
