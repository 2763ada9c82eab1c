/// EFS's metered size (files.md section 6): each object counts 2 KiB of metadata plus its data
/// rounded up to 4 KiB increments: a file's stored bytes (at least one increment, so an empty
/// file meters 6 KiB), a symbolic link one increment, a directory one per started 128 entries
/// (apsim's decision), at least one. A new file system (its root alone) meters 6144 bytes.
/// SizeInBytes reports the size at the moment of the description (the `metering` key's `hourly`
/// sampling and storage classes are still to come).
extension EFSService {
    static let increment: Int64 = 4096, objectMetadata: Int64 = 2048

    /// The metered bytes of `tree`, measured again only after it changed.
    static func meteredBytes(_ tree: FileTree) -> Int64 {
        if let m = tree.measured, m.version == tree.version { return m.value }
        var total: Int64 = 0
        for node in tree.nodes.values {
            switch node.type {
            case .file: total += objectMetadata + max(increment, node.data.storedBytes)
            case .symlink: total += objectMetadata + increment
            case .directory: total += objectMetadata + increment * max(1, (Int64(node.entries.count) + 127) / 128)
            }
        }
        tree.measured = (tree.version, 0, total)
        return total
    }

    /// SizeInBytes of `fs`: its tree's metered size (6144 for one without files yet).
    static func sizeInBytes(_ fs: EFSFileSystem, _ s: borrowing WorldState) -> Int64 {
        FileTrees.existing(fs.id, in: s).map(meteredBytes) ?? EFSOperations.metadataBytes
    }
}
