/// Who makes a call: the IAM principal and its account.
///
/// A call through the C API is made by its account's root (`arn:aws:iam::<account>:root`). A
/// request on the wire is made by the principal whose access key signed it: a 12-digit key is
/// that account's root, a key declared with apsim:PutPrincipal that principal, and any other key
/// the root of the call's account.
struct Caller: Sendable, Equatable {
    /// The principal's ARN (`arn:aws:iam::123456789012:root`, `...:role/app`).
    let arn: String
    /// The principal's account.
    let account: String
    /// The access key that signed the request, when there was one.
    let accessKeyID: String?

    /// The root of `account`, the caller of a C-API call.
    static func root(of account: String, accessKeyID: String? = nil) -> Caller {
        Caller(arn: "arn:aws:iam::" + account + ":root", account: account, accessKeyID: accessKeyID)
    }

    /// The caller of a request signed with `accessKeyID` in `account` (see above).
    static func resolve(_ accessKeyID: String?, account: String, in s: borrowing WorldState) -> Caller {
        if let key = accessKeyID, let declared = Principals.principal(forAccessKey: key, in: s) {
            return Caller(arn: declared.arn, account: declared.account, accessKeyID: key)
        }
        return root(of: account, accessKeyID: accessKeyID)
    }

    /// Whether the caller is its account's root.
    var isRoot: Bool { arn == "arn:aws:iam::" + account + ":root" }
}

/// What one call asks to be allowed: the action (`elasticfilesystem:CreateAccessPoint`) on a
/// resource (an ARN, or `*` for actions on no resource), by the caller.
struct Authorization: Sendable, Equatable {
    let caller: Caller
    let action: String
    let resource: String
}

/// The authorization step of every operation entry, run under the world's lock before the
/// handler (and before a client token's replay): it decides an `Authorization`, throwing the
/// service's access-denied error to refuse. apsim's IAM evaluator plugs in here; a world without
/// one allows everything, as a world without declared principals and policies does.
typealias Authorizer = @Sendable (_ request: Authorization, _ state: borrowing WorldState) throws(APIError) -> Void
