/// A tree as apsim:ExportState writes it, and back: every object in inode order with its stored
/// pages (base64), so the same world always exports the same bytes and a restored tree is the
/// same tree (inode numbers included).
extension FileTree {
    var json: JSON {
        var o = JSONObject()
        o.append("NextIno", .int(Int64(nextIno)))
        if let sample { o.append("Sample", .object(JSONObject(["At": .int(sample.at), "Values": .array(sample.values.map { .int($0) })]))) }
        o.append("Nodes", .array(nodes.keys.sorted().compactMap { nodes[$0] }.map { n in
            var j = JSONObject()
            j.append("Ino", .int(Int64(n.ino)))
            j.append("Type", .string(n.type.rawValue))
            j.append("Mode", .int(Int64(n.mode)))
            j.append("Uid", .int(Int64(n.uid)))
            j.append("Gid", .int(Int64(n.gid)))
            j.append("Nlink", .int(Int64(n.nlink)))
            j.append("Atime", .int(n.atime))
            j.append("Mtime", .int(n.mtime))
            j.append("Ctime", .int(n.ctime))
            if n.type == .file {
                j.append("Accessed", .int(n.lastAccess))
                if n.coldFloor > 0 { j.append("Cold", .int(Int64(n.coldFloor))) }
            }
            switch n.type {
            case .directory:
                j.append("Parent", .int(Int64(n.parent)))
                var entries = JSONObject()
                for name in n.entries.keys.sorted() { entries.append(name, .int(Int64(n.entries[name] ?? 0))) }
                j.append("Entries", .object(entries))
            case .symlink:
                j.append("Target", .string(n.target))
            case .file:
                j.append("Size", .int(n.data.size))
                var pages = JSONObject()
                for index in n.data.pages.keys.sorted() { pages.append(String(index), .string(Base64.encode(n.data.pages[index] ?? []))) }
                j.append("Pages", .object(pages))
            }
            return .object(j)
        }))
        return .object(o)
    }

    /// A tree from `json`; refused (InvalidState, naming the member) unless every object is well
    /// formed, every entry names an object and the root is a directory.
    convenience init(restoring document: DocumentReader) throws(APIError) {
        self.init(now: 0)
        var restored: [UInt64: FileNode] = [:]
        var stored: Int64 = 0
        for n in try document.items("Nodes") {
            let ino = try n.int("Ino")
            guard ino > 0, let type = FileType(rawValue: try n.string("Type")) else { throw n.invalid("Type", "expected file, directory or symlink") }
            func u32(_ key: String) throws(APIError) -> UInt32 {
                let v = try n.int(key)
                guard v >= 0, v <= Int64(UInt32.max) else { throw n.invalid(key, "expected an integer from 0 to 4294967295") }
                return UInt32(v)
            }
            let node = FileNode(ino: UInt64(ino), type: type, mode: try u32("Mode"), uid: try u32("Uid"), gid: try u32("Gid"), now: 0,
                                parent: UInt64(max(0, try n.optionalInt("Parent") ?? 0)))
            node.nlink = try u32("Nlink")
            (node.atime, node.mtime, node.ctime) = (try n.int("Atime"), try n.int("Mtime"), try n.int("Ctime"))
            node.lastAccess = try n.optionalInt("Accessed") ?? node.mtime
            node.coldFloor = UInt8(clamping: max(0, min(2, try n.optionalInt("Cold") ?? 0)))
            switch type {
            case .directory:
                for m in try n.objectValue("Entries").members {
                    guard let child = m.value.int, child > 0, !m.key.isEmpty, !m.key.contains("/") else {
                        throw n.invalid("Entries", "'\(m.key)' is not a name and an inode number")
                    }
                    node.entries[m.key] = UInt64(child)
                }
            case .symlink:
                node.target = try n.string("Target")
            case .file:
                var data = SparseData()
                for m in try n.objectValue("Pages").members {
                    guard let index = Int64(m.key), index >= 0, index < FileTree.maxFileSize / Int64(SparseData.pageSize), let bytes = m.value.string.flatMap({ Base64.decode($0, maxLength: 8192) }),
                          bytes.count == SparseData.pageSize else {
                        throw n.invalid("Pages", "page '\(m.key)' is not 4096 bytes of base64 at a page number")
                    }
                    data.write(bytes, at: index * Int64(SparseData.pageSize))
                }
                let size = try n.int("Size")
                guard size >= 0, size <= FileTree.maxFileSize else { throw n.invalid("Size", "expected a file size") }
                data.truncate(to: size)
                node.data = data
                stored += data.storedBytes
            }
            restored[node.ino] = node
        }
        guard restored[FileTree.rootIno]?.type == .directory else { throw document.invalid("Nodes", "the root (inode 2) must be a directory") }
        for node in restored.values where node.type == .directory {
            if let missing = node.entries.first(where: { restored[$0.value] == nil }) {
                throw document.invalid("Nodes", "directory \(node.ino) names inode \(missing.value), which is not in the tree")
            }
        }
        if document.raw("Sample") != nil {
            let sample = try DocumentReader(document.raw("Sample"), document.path + ".Sample")
            let values = try sample.array("Values").compactMap(\.int)
            guard values.count == 3 else { throw sample.invalid("Values", "expected 3 integers (total, IA, Archive)") }
            self.sample = (try sample.int("At"), values)
        }
        let next = try document.int("NextIno")
        guard next > Int64(restored.keys.max() ?? 0) else { throw document.invalid("NextIno", "expected a number above every inode's") }
        replace(nodes: restored, nextIno: UInt64(next), storedBytes: stored)
    }
}
