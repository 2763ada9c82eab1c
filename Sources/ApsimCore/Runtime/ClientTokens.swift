/// The idempotency tokens of one service in one account and region: the one mechanism every
/// create uses. The token is the input member the model marks `idempotencyToken` (EFS's
/// `CreationToken` and `ClientToken`, FSx's `ClientRequestToken`, S3 Files' `clientToken`); a
/// token is remembered with the request that used it and what that request made, for as long as
/// that resource exists, then it is free again.
///
/// The table only remembers; what a repeated token answers is the service's rule
/// (`Idempotency.onRepeat`): EFS refuses a repeated CreationToken (FileSystemAlreadyExists), FSx
/// replays an identical request and refuses a different one (IncompatibleParameterError).
final class ClientTokenTable {
    /// A request remembered under its token.
    struct Record: Sendable {
        /// The request without its token member.
        let request: JSONObject
        /// The ID (or attachment name) of what it made or changed.
        let resourceID: String
    }

    /// "<Operation>/<token>" -> the record.
    private(set) var records: [String: Record] = [:]
    /// "<Operation>/<resource ID>" -> its key in `records` (names and IDs may look alike, so the
    /// operation is part of the key).
    private var keysByResource: [String: String] = [:]

    init() {}

    /// The record of `token` for `operation` ("CreateVolume"), if the token is in use.
    func record(_ operation: String, _ token: String) -> Record? { records[operation + "/" + token] }

    /// Remembers `request` (its token member removed) under `token` for `operation`.
    func remember(_ operation: String, token: String, request: JSONObject, resourceID: String) {
        let key = operation + "/" + token
        records[key] = Record(request: request, resourceID: resourceID)
        keysByResource[operation + "/" + resourceID] = key
    }

    /// Frees the token `operation` used for `resourceID` (its resource is gone).
    func forget(_ operation: String, _ resourceID: String) {
        let resource = operation + "/" + resourceID
        if let key = keysByResource[resource] {
            records[key] = nil
            keysByResource[resource] = nil
        }
    }

    /// The records in key order (for apsim:ExportState).
    var sorted: [(key: String, record: Record)] {
        records.keys.sorted().compactMap { key in records[key].map { (key, $0) } }
    }
}

/// An operation's idempotency: its service's token table for the call's account and region, and
/// what a request whose token is in use answers (the earlier answer, or the service's error; nil:
/// treat it as new).
struct Idempotency: Sendable {
    let table: @Sendable (inout WorldState, CallContext) -> ClientTokenTable
    let onRepeat: @Sendable (_ earlier: ClientTokenTable.Record, _ token: String, _ input: JSONObject, inout WorldState, CallContext)
        throws(APIError) -> HandlerOutput?
}

extension OperationModel {
    /// The input member the model marks `idempotencyToken` (nil: the operation takes none).
    var idempotencyToken: String? { input.members.first { $0.idempotencyToken }?.name }
}

extension ClientTokenTable {
    /// `input` without the token member `member`.
    static func withoutToken(_ input: JSONObject, _ member: String) -> JSONObject {
        var o = input
        o[member] = nil
        return o
    }
}
