/// The IAM principals a test declares (files.md section 4), as a world component: users and roles
/// with their identity policies and the access keys that sign as them. ARNs are world-wide (a
/// principal of any account may be declared in any call). An account's root needs no
/// declaration; a principal not declared has no identity policies. Part of apsim:ExportState,
/// snapshots and the state file (`Principals`).
enum Principals: WorldComponent {
    static let name = "principals"

    struct Declared: Sendable {
        let arn: String
        let account: String
        /// The documents as given (objects or strings), and as parsed.
        let documents: [JSON]
        let policies: [Policy]
        let accessKeyIDs: [String]

        var json: JSON {
            .object(JSONObject(["Arn": .string(arn), "AccessKeyIds": .array(accessKeyIDs.map { .string($0) }), "Policies": .array(documents)]))
        }
    }

    final class State: SharedState {
        var principals: [String: Declared] = [:]
        var byAccessKey: [String: String] = [:]
        init() {}
    }

    /// The identity policies of `arn` (none when it was not declared).
    static func policies(of arn: String, in s: borrowing WorldState) -> [Policy] {
        s.sharedIfPresent(State.self)?.principals[arn]?.policies ?? []
    }

    /// The principal an access key signs as, if one was declared with it.
    static func principal(forAccessKey key: String, in s: borrowing WorldState) -> Declared? {
        guard let state = s.sharedIfPresent(State.self), let arn = state.byAccessKey[key] else { return nil }
        return state.principals[arn]
    }

    /// `arn:<partition>:iam::<account>:<user|role|root...>`'s account, or nil when it is no IAM
    /// principal ARN.
    static func account(of arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "iam" || parts[2] == "sts", parts[3].isEmpty,
              WorldConfig.isAccountID(String(parts[4])), !parts[5].isEmpty else { return nil }
        return String(parts[4])
    }

    /// Declares (or replaces) a principal.
    static func declare(_ input: JSONObject, in s: inout WorldState) throws(APIError) -> Declared {
        let arn = input["Arn"]?.string ?? ""
        guard let account = account(of: arn) else {
            throw RuntimeError.invalidPrincipal("'\(APIError.echo(arn))' is no IAM principal ARN (arn:aws:iam::<account>:user/<name>, role/<name>, ...)")
        }
        let documents = input["Policies"]?.array ?? []
        var policies: [Policy] = []
        for (i, document) in documents.enumerated() {
            do { policies.append(try Policy(document)) } catch {
                throw RuntimeError.invalidPrincipal("Policies[\(i)] is not a valid policy: \(error.message)")
            }
        }
        let keys = (input["AccessKeyIds"]?.array ?? []).compactMap(\.string)
        let state = s.shared(State.self)
        for key in keys {
            if let holder = state.byAccessKey[key], holder != arn {
                throw RuntimeError.invalidPrincipal("access key '\(APIError.echo(key))' already signs as \(holder)")
            }
        }
        if let previous = state.principals[arn] { for key in previous.accessKeyIDs { state.byAccessKey[key] = nil } }
        let declared = Declared(arn: arn, account: account, documents: documents, policies: policies, accessKeyIDs: keys)
        state.principals[arn] = declared
        for key in keys { state.byAccessKey[key] = arn }
        return declared
    }

    static let controls: [OperationEntry] = [
        OperationEntry(
            control: "PutPrincipal",
            input: ControlOperations.shape("PutPrincipalRequest", [
                Member("Arn", ControlOperations.string), Member("Policies", Shape("Policies", .document)),
                Member("AccessKeyIds", Shape("AccessKeyIds", .list(member: Shape("AccessKeyId", .string(min: 1, max: 128, pattern: nil, enumValues: nil)),
                                                                   min: nil, max: nil))),
            ], required: ["Arn"]), mutates: true
        ) { s, _, input throws(APIError) in
            if let policies = input["Policies"], policies.array == nil {
                throw RuntimeError.invalidPrincipal("Policies must be a list of policy documents (objects or strings)")
            }
            return try declare(input, in: &s).json.objectValue
        },
        OperationEntry(
            control: "DeletePrincipal",
            input: ControlOperations.shape("DeletePrincipalRequest", [Member("Arn", ControlOperations.string)], required: ["Arn"]),
            mutates: true
        ) { s, _, input throws(APIError) in
            let arn = input["Arn"]?.string ?? ""
            let state = s.shared(State.self)
            guard let gone = state.principals.removeValue(forKey: arn) else { throw RuntimeError.noSuchPrincipal(arn) }
            for key in gone.accessKeyIDs { state.byAccessKey[key] = nil }
            return JSONObject()
        },
        OperationEntry(control: "ListPrincipals", input: ControlOperations.empty, mutates: false) { s, _, _ throws(APIError) in
            JSONObject(["Principals": list(s)])
        },
    ]

    static func list(_ s: borrowing WorldState) -> JSON {
        guard let state = s.sharedIfPresent(State.self) else { return .array([]) }
        return .array(state.principals.keys.sorted().compactMap { state.principals[$0]?.json })
    }

    static func export(_ s: borrowing WorldState, into root: inout JSONObject) {
        guard let state = s.sharedIfPresent(State.self), !state.principals.isEmpty else { return }
        root.append("Principals", list(s))
    }

    static func restore(_ root: DocumentReader, found: Snapshot.Found, into s: inout WorldState) throws(APIError) {
        for item in try root.optionalItems("Principals") {
            do { _ = try declare(item.object, in: &s) } catch {
                throw RuntimeError.invalidState(at: item.path, error.message)
            }
        }
    }
}
