/// S3 access point aliases: names unique in the whole world, across accounts, regions and
/// services (an FSx attachment's alias today; S3 Files' next). Kept in snapshots as `Aliases`.
enum S3AliasNamespace: WorldComponent {
    static let name = "aliases"

    final class State: SharedState {
        var taken = Set<String>()
        init() {}
    }

    /// Takes `alias` for good (aliases are never reused); false when it was already taken.
    static func take(_ alias: String, in s: inout WorldState) -> Bool {
        s.shared(State.self).taken.insert(alias).inserted
    }

    static func export(_ s: borrowing WorldState, into root: inout JSONObject) {
        root.append("Aliases", .array((s.sharedIfPresent(State.self)?.taken ?? []).sorted().map { .string($0) }))
    }

    static func restore(_ root: DocumentReader, found: Snapshot.Found, into s: inout WorldState) throws(APIError) {
        let state = s.shared(State.self)
        state.taken = found.aliases
        for (i, a) in (try root.optional("Aliases", "an array", \.array) ?? []).enumerated() {
            guard let alias = a.string else { throw RuntimeError.invalidState(at: "State.Aliases[\(i)]", "expected a string") }
            state.taken.insert(alias)
        }
    }
}
