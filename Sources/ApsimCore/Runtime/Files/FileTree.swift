/// One tree of files (an EFS file system's, an FSx volume's): its objects by inode number, and the
/// POSIX operations on them with the permission checks EFS applies (files.md section 2).
///
/// Every operation names a path below a base directory (a mount's directory, from which nothing
/// above can be reached: `..` there stays there, and an absolute symbolic link resolves from it),
/// runs as an identity, and happens at the world's time `now`. It changes the tree only when it
/// succeeds. Service-wide concerns (read-only mounts, stale mounts, the world's data limit) are
/// the caller's; the tree reports the data it stores (`storedBytes`).
final class FileTree {
    static let rootIno: UInt64 = 2
    /// Linux's and EFS's limits.
    static let maxName = 255, maxTarget = 4080, maxLinks: UInt32 = 177, maxSymlinks = 40
    static let maxFileSize: Int64 = 52_673_613_135_872

    private(set) var nodes: [UInt64: FileNode] = [:]
    private(set) var nextIno: UInt64 = FileTree.rootIno + 1
    /// The file data stored in this tree, in bytes (whole 4 KiB pages).
    var storedBytes: Int64 = 0
    /// A sample its owner keeps across changes (EFS's hourly metering: the size at an hour
    /// boundary, taken before the first change after it).
    var sample: (at: Int64, values: [Int64])? = nil

    /// A tree whose root is a directory owned by `uid`:`gid` with `mode`.
    init(now: Int64, mode: UInt32 = 0o755, uid: UInt32 = 0, gid: UInt32 = 0) {
        nodes[FileTree.rootIno] = FileNode(ino: FileTree.rootIno, type: .directory, mode: mode, uid: uid, gid: gid, now: now,
                                           parent: FileTree.rootIno)
    }

    var root: FileNode { node(FileTree.rootIno) }

    /// Replaces the whole tree (a restore).
    func replace(nodes: [UInt64: FileNode], nextIno: UInt64, storedBytes: Int64) {
        (self.nodes, self.nextIno, self.storedBytes) = (nodes, nextIno, storedBytes)
    }

    /// The node numbered `ino`, which must exist (directory entries and parents always do).
    func node(_ ino: UInt64) -> FileNode {
        // Entries and parents are kept in step with `nodes` by every operation; an impossible
        // miss answers the root rather than trapping.
        nodes[ino] ?? nodes[FileTree.rootIno] ?? FileNode(ino: 0, type: .directory, mode: 0, uid: 0, gid: 0, now: 0, parent: 0)
    }

    // MARK: Permissions

    /// Read (4), write (2) and search/execute (1) bits.
    struct Access: OptionSet, Sendable {
        let rawValue: UInt32
        static let read = Access(rawValue: 4), write = Access(rawValue: 2), search = Access(rawValue: 1)
    }

    /// Whether `id` may `want` on `node`: owner bits when it owns it, else group bits when in its
    /// group, else other bits; root passes every check.
    static func allows(_ id: FileIdentity, _ want: Access, on node: FileNode) -> Bool {
        if id.isRoot { return true }
        let bits: UInt32
        if id.uid == node.uid { bits = (node.mode >> 6) & 7 } else if id.isMember(of: node.gid) { bits = (node.mode >> 3) & 7 } else {
            bits = node.mode & 7
        }
        return bits & want.rawValue == want.rawValue
    }

    static func check(_ id: FileIdentity, _ want: Access, on node: FileNode) throws(FileError) {
        guard allows(id, want, on: node) else { throw FileError(.EACCES) }
    }

    // MARK: Paths

    /// Where a path leads: the directory that holds its last component, that component's name,
    /// and the object it names (nil: none by that name).
    struct Resolved {
        let parent: FileNode
        let name: String
        let node: FileNode?
    }

    /// Resolves `path` below `base`: every directory on the way must be searchable by `id`;
    /// symbolic links are followed (the last one only with `followLast`), at most 40 in all.
    func resolve(_ path: String, base: UInt64, as id: FileIdentity, followLast: Bool = true) throws(FileError) -> Resolved {
        var pending = FileTree.components(path)
        if pending.contains(where: { $0.utf8.count > FileTree.maxName }) { throw FileError(.ENAMETOOLONG) }
        var directory = node(base)
        var followed = 0
        var last: (name: String, node: FileNode?)? = nil
        while !pending.isEmpty {
            let name = pending.removeFirst()
            guard directory.type == .directory else { throw FileError(.ENOTDIR) }
            try FileTree.check(id, .search, on: directory)
            if name == ".." {
                if directory.ino != base { directory = node(directory.parent) }
                last = pending.isEmpty ? (".", directory) : nil
                continue
            }
            let found = directory.entries[name].map(node)
            if let found, found.type == .symlink, !pending.isEmpty || followLast {
                followed += 1
                guard followed <= FileTree.maxSymlinks else { throw FileError(.ELOOP) }
                if found.target.hasPrefix("/") { directory = node(base) }
                pending = FileTree.components(found.target) + pending
                if pending.isEmpty { last = (".", directory) }
                continue
            }
            if pending.isEmpty {
                last = (name, found)
            } else {
                guard let found else { throw FileError(.ENOENT) }
                directory = found
            }
        }
        guard let last else { return Resolved(parent: node(directory.parent), name: ".", node: directory) }
        if last.name == "." { return Resolved(parent: node(directory.parent), name: ".", node: directory) }
        return Resolved(parent: directory, name: last.name, node: last.node)
    }

    /// A path's components without empty ones and `.`.
    static func components(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0 != "." }.map(String.init)
    }

    /// The object `path` names, which must exist.
    func existing(_ path: String, base: UInt64, as id: FileIdentity, followLast: Bool = true) throws(FileError) -> FileNode {
        guard let found = try resolve(path, base: base, as: id, followLast: followLast).node else { throw FileError(.ENOENT) }
        return found
    }

    // MARK: Making and removing objects

    /// Adds `name` to `directory` as a new object of `type` owned by `id` (or, with `inherit`,
    /// taking a setgid directory's group), after the write and search check.
    func create(_ type: FileType, _ name: String, in directory: FileNode, mode: UInt32, by creator: Creator,
                now: Int64) throws(FileError) -> FileNode {
        let id = creator.id, inheritSetgid = creator.inheritSetgid
        guard directory.type == .directory else { throw FileError(.ENOTDIR) }
        guard name != ".", name != ".." else { throw FileError(.EEXIST) }
        try FileTree.check(id, [.write, .search], on: directory)
        let setgid = inheritSetgid && directory.mode & 0o2000 != 0
        var bits = mode & 0o7777
        if setgid && type == .directory { bits |= 0o2000 }
        let made = FileNode(ino: nextIno, type: type, mode: bits, uid: id.uid, gid: setgid ? directory.gid : id.gid, now: now,
                            parent: directory.ino)
        nextIno += 1
        nodes[made.ino] = made
        directory.entries[name] = made.ino
        if type == .directory { directory.nlink += 1 }
        directory.mtime = now
        directory.ctime = now
        return made
    }

    /// Checks that `id` may remove or rename `victim` out of `directory` (write and search, and the
    /// sticky bit's owner rule).
    static func mayUnlink(_ victim: FileNode, from directory: FileNode, as id: FileIdentity) throws(FileError) {
        try check(id, [.write, .search], on: directory)
        if directory.mode & 0o1000 != 0, !id.isRoot, id.uid != victim.uid, id.uid != directory.uid { throw FileError(.EPERM) }
    }

    /// Drops one link to `victim` from `directory`; the object goes when its last link does.
    func unlink(_ name: String, _ victim: FileNode, from directory: FileNode, now: Int64) {
        directory.entries[name] = nil
        directory.mtime = now
        directory.ctime = now
        if victim.type == .directory {
            directory.nlink -= 1
            nodes[victim.ino] = nil
            return
        }
        victim.nlink -= 1
        victim.ctime = now
        if victim.nlink == 0 {
            storedBytes -= victim.data.storedBytes
            nodes[victim.ino] = nil
        }
    }
}
