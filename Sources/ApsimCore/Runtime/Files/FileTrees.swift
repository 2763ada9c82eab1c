/// The file trees of the world, as a component: one per EFS file system (and, next, per FSx
/// volume), keyed by its ID (IDs are unique in the whole world). A tree is made on first use,
/// its root owned by 0:0 with mode 0755 at its owner's creation time, and dropped with its file
/// system. Trees are part of apsim:ExportState (`FileTrees`), snapshots and the state file;
/// apsim:Reset empties them. The world stores at most `data_limit_bytes` of file data in all.
enum FileTrees: WorldComponent {
    static let name = "files"

    static let dataLimit = ConfigKey.integer(
        "data_limit_bytes", 0...1_125_899_906_842_624, default: 268_435_456,
        summary: "The most file data the world stores, in all its trees (not an AWS limit: it guards the host's memory).")
    static let configKeys = [dataLimit]

    final class State: SharedState {
        var trees: [String: FileTree] = [:]
        /// The file data stored in all trees.
        var storedBytes: Int64 = 0
        init() {}
    }

    /// The tree of `id`, made (root 0:0, 0755, at `createdAt`) when it has none yet.
    static func tree(_ id: String, in s: inout WorldState, createdAt: Int64) -> FileTree {
        let state = s.shared(State.self)
        if let tree = state.trees[id] { return tree }
        let tree = FileTree(now: createdAt)
        state.trees[id] = tree
        return tree
    }

    /// The tree of `id`, if it has one.
    static func existing(_ id: String, in s: borrowing WorldState) -> FileTree? {
        s.sharedIfPresent(State.self)?.trees[id]
    }

    /// Drops the tree of a deleted file system or volume.
    static func drop(_ id: String, in s: inout WorldState) {
        let state = s.shared(State.self)
        guard let tree = state.trees.removeValue(forKey: id) else { return }
        state.storedBytes -= tree.storedBytes
    }

    /// How many more bytes of file data the world may store under `config`'s limit.
    static func allowed(in s: inout WorldState, config: WorldConfig) -> Int64 {
        max(0, dataLimit.int(in: config) - s.shared(State.self).storedBytes)
    }

    /// ENOSPC's message when the limit is reached (files.md section 1).
    static func limitMessage(_ config: WorldConfig) -> String {
        "apsim's data limit of \(dataLimit.int(in: config)) bytes is reached (configuration key data_limit_bytes)"
    }

    /// Runs `change` on the tree of `id` and keeps the world's count of stored bytes in step.
    static func changing<T>(_ tree: FileTree, in s: inout WorldState, _ change: (FileTree) throws(FileError) -> T) throws(FileError) -> T {
        let before = tree.storedBytes
        defer { s.shared(State.self).storedBytes += tree.storedBytes - before }
        return try change(tree)
    }

    static func export(_ s: borrowing WorldState, into root: inout JSONObject) {
        if let ids = s.sharedIfPresent(Mounts.self)?.ids { root.append("MountIds", .string(Hex.fixed(ids.state, digits: 16))) }
        guard let state = s.sharedIfPresent(State.self), !state.trees.isEmpty else { return }
        root.append("FileTrees", .array(state.trees.keys.sorted().compactMap { id in
            state.trees[id].map { .object(JSONObject(["Id": .string(id), "Tree": $0.json])) }
        }))
    }

    static func restore(_ root: DocumentReader, found: Snapshot.Found, into s: inout WorldState) throws(APIError) {
        if root.raw("MountIds") != nil { s.shared(Mounts.self).ids = SeededGenerator(seed: try root.hex("MountIds")) }
        let state = s.shared(State.self)
        for item in try root.optionalItems("FileTrees") {
            let id = try item.string("Id")
            let tree = try FileTree(restoring: try DocumentReader(item.raw("Tree"), item.path + ".Tree"))
            state.trees[id] = tree
            state.storedBytes += tree.storedBytes
        }
    }
}
