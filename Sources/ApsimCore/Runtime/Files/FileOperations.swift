/// The file operations of files.md section 7 on one tree. Each takes the mount's base directory,
/// the identity, and the world's time; `inheritSetgid` is false under an enforced identity.
extension FileTree {
    /// What a new object's owner comes from (files.md 2 and 3.3).
    struct Creator {
        let id: FileIdentity
        /// Whether a setgid directory passes its group on (not under an enforced identity).
        let inheritSetgid: Bool
    }

    func stat(_ path: String, base: UInt64, as id: FileIdentity, noFollow: Bool = false) throws(FileError) -> FileNode {
        try existing(path, base: base, as: id, followLast: !noFollow)
    }

    /// A directory's entries, sorted by name (read and search on it).
    func list(_ path: String, base: UInt64, as id: FileIdentity) throws(FileError) -> [(name: String, node: FileNode)] {
        let directory = try existing(path, base: base, as: id)
        guard directory.type == .directory else { throw FileError(.ENOTDIR) }
        try FileTree.check(id, [.read, .search], on: directory)
        return directory.names().map { ($0, node(directory.entries[$0] ?? FileTree.rootIno)) }
    }

    /// Makes a directory (`parents`: with its missing parents, and an existing directory is fine).
    func mkdir(_ path: String, base: UInt64, by creator: Creator, mode: UInt32, parents: Bool, now: Int64) throws(FileError) -> FileNode {
        if parents {
            var done = ""
            var made: FileNode? = nil
            for name in FileTree.components(path) {
                done += "/" + name
                let step = try resolve(done, base: base, as: creator.id)
                if let found = step.node {
                    guard found.type == .directory else { throw FileError(.ENOTDIR) }
                    made = found
                } else {
                    made = try create(.directory, step.name, in: step.parent, mode: mode, by: creator, now: now)
                }
            }
            return made ?? node(base)
        }
        let target = try resolve(path, base: base, as: creator.id, followLast: false)
        guard target.node == nil else { throw FileError(.EEXIST) }
        return try create(.directory, target.name, in: target.parent, mode: mode, by: creator, now: now)
    }

    /// What a write asks for beyond its bytes.
    struct WriteOptions {
        var offset: Int64? = nil
        var append = false
        var truncate: Bool? = nil
        var create = true
        var exclusive = false
        var mode: UInt32 = 0o644
    }

    /// Writes `bytes` into the file at `path` (made when absent and `create`); `allowed` is how
    /// many stored bytes the world may still add. Answers the file.
    func write(_ path: String, _ bytes: [UInt8], base: UInt64, by creator: Creator, options: WriteOptions, now: Int64,
               allowed: Int64, limitMessage: String) throws(FileError) -> FileNode {
        let target = try resolve(path, base: base, as: creator.id)
        let file: FileNode
        if let found = target.node {
            guard !options.exclusive else { throw FileError(.EEXIST) }
            guard found.type != .directory else { throw FileError(.EISDIR) }
            try FileTree.check(creator.id, .write, on: found)
            file = found
        } else {
            guard options.create else { throw FileError(.ENOENT) }
            file = try create(.file, target.name, in: target.parent, mode: options.mode, by: creator, now: now)
        }
        let truncating = options.truncate ?? (options.offset == nil && !options.append)
        let offset = options.append ? (truncating ? 0 : file.data.size) : (options.offset ?? 0)
        guard offset >= 0 else { throw FileError(.EINVAL) }
        guard offset <= FileTree.maxFileSize, Int64(bytes.count) <= FileTree.maxFileSize - offset else { throw FileError(.EFBIG) }
        let before = file.data.storedBytes, sizeBefore = file.data.size
        var data = file.data
        if truncating { data.truncate(to: 0) }
        let after = data.storedBytes(writing: bytes.count, at: offset)
        guard after - before <= allowed else { throw FileError(.ENOSPC, message: limitMessage) }
        data.write(bytes, at: offset)
        file.data = data
        storedBytes += file.data.storedBytes - before
        file.mtime = now
        file.ctime = now
        (file.lastAccess, file.coldFloor) = (now, 0)  // a write always brings a file back to Standard
        if file.data.size != sizeBefore { file.atime = now }  // EFS: a write that changes the size sets atime
        return file
    }

    /// Up to `length` bytes from `offset` (read permission).
    func read(_ path: String, base: UInt64, as id: FileIdentity, offset: Int64, length: Int64?) throws(FileError) -> (bytes: [UInt8], file: FileNode) {
        let file = try existing(path, base: base, as: id)
        guard file.type != .directory else { throw FileError(.EISDIR) }
        try FileTree.check(id, .read, on: file)
        guard offset >= 0, (length ?? 0) >= 0 else { throw FileError(.EINVAL) }
        return (file.data.read(at: offset, length: length ?? max(0, file.data.size - offset)), file)
    }

    func truncate(_ path: String, base: UInt64, as id: FileIdentity, size: Int64, now: Int64) throws(FileError) -> FileNode {
        let file = try existing(path, base: base, as: id)
        guard file.type != .directory else { throw FileError(.EISDIR) }
        guard size >= 0 else { throw FileError(.EINVAL) }
        guard size <= FileTree.maxFileSize else { throw FileError(.EFBIG) }
        try FileTree.check(id, .write, on: file)
        let before = file.data.storedBytes
        file.data.truncate(to: size)
        storedBytes += file.data.storedBytes - before
        (file.mtime, file.ctime) = (now, now)
        (file.lastAccess, file.coldFloor) = (now, 0)
        return file
    }

    /// Removes a file or symbolic link (a directory is EISDIR).
    func remove(_ path: String, base: UInt64, as id: FileIdentity, now: Int64) throws(FileError) {
        let target = try resolve(path, base: base, as: id, followLast: false)
        guard let victim = target.node, target.name != "." else { throw FileError(target.node == nil ? .ENOENT : .EISDIR) }
        guard victim.type != .directory else { throw FileError(.EISDIR) }
        try FileTree.mayUnlink(victim, from: target.parent, as: id)
        unlink(target.name, victim, from: target.parent, now: now)
    }

    /// Removes an empty directory.
    func rmdir(_ path: String, base: UInt64, as id: FileIdentity, now: Int64) throws(FileError) {
        let target = try resolve(path, base: base, as: id, followLast: false)
        guard let victim = target.node else { throw FileError(.ENOENT) }
        guard victim.type == .directory else { throw FileError(.ENOTDIR) }
        guard target.name != ".", victim.ino != base else { throw FileError(.EINVAL) }
        guard victim.entries.isEmpty else { throw FileError(.ENOTEMPTY) }
        try FileTree.mayUnlink(victim, from: target.parent, as: id)
        unlink(target.name, victim, from: target.parent, now: now)
    }

    /// Moves `path` to `newPath`, replacing what is there when Linux's rename(2) would.
    func rename(_ path: String, to newPath: String, base: UInt64, as id: FileIdentity, now: Int64) throws(FileError) {
        let from = try resolve(path, base: base, as: id, followLast: false)
        guard let moving = from.node, from.name != "." else { throw FileError(from.node == nil ? .ENOENT : .EINVAL) }
        let to = try resolve(newPath, base: base, as: id, followLast: false)
        guard to.name != "." else { throw FileError(.EINVAL) }
        if let existing = to.node, existing.ino == moving.ino { return }
        if moving.type == .directory {
            // A directory moved into itself or below it.
            var up = to.parent
            while true {
                if up.ino == moving.ino { throw FileError(.EINVAL) }
                if up.ino == up.parent || up.ino == base { break }
                up = node(up.parent)
            }
        }
        try FileTree.mayUnlink(moving, from: from.parent, as: id)
        try FileTree.check(id, [.write, .search], on: to.parent)
        if let existing = to.node {
            if moving.type == .directory && existing.type != .directory { throw FileError(.ENOTDIR) }
            if moving.type != .directory && existing.type == .directory { throw FileError(.EISDIR) }
            if existing.type == .directory && !existing.entries.isEmpty { throw FileError(.ENOTEMPTY) }
            try FileTree.mayUnlink(existing, from: to.parent, as: id)
            unlink(to.name, existing, from: to.parent, now: now)
        }
        from.parent.entries[from.name] = nil
        to.parent.entries[to.name] = moving.ino
        if moving.type == .directory {
            from.parent.nlink -= 1
            to.parent.nlink += 1
            moving.parent = to.parent.ino
        }
        for directory in [from.parent, to.parent] { (directory.mtime, directory.ctime) = (now, now) }
        moving.ctime = now
    }

    /// A new hard link `newPath` to the file at `path`.
    func link(_ path: String, to newPath: String, base: UInt64, as id: FileIdentity, now: Int64) throws(FileError) -> FileNode {
        let file = try existing(path, base: base, as: id, followLast: false)
        guard file.type != .directory else { throw FileError(.EPERM) }
        guard file.nlink < FileTree.maxLinks else { throw FileError(.EMLINK) }
        let to = try resolve(newPath, base: base, as: id, followLast: false)
        guard to.node == nil, to.name != "." else { throw FileError(.EEXIST) }
        try FileTree.check(id, [.write, .search], on: to.parent)
        to.parent.entries[to.name] = file.ino
        (to.parent.mtime, to.parent.ctime) = (now, now)
        file.nlink += 1
        file.ctime = now
        return file
    }

    /// A new symbolic link at `path` to `target`.
    func symlink(_ target: String, at path: String, base: UInt64, by creator: Creator, now: Int64) throws(FileError) -> FileNode {
        guard target.utf8.count <= FileTree.maxTarget else { throw FileError(.ENAMETOOLONG) }
        let at = try resolve(path, base: base, as: creator.id, followLast: false)
        guard at.node == nil, at.name != "." else { throw FileError(.EEXIST) }
        let link = try create(.symlink, at.name, in: at.parent, mode: 0o777, by: creator, now: now)
        link.target = target
        return link
    }

    func readlink(_ path: String, base: UInt64, as id: FileIdentity) throws(FileError) -> String {
        let link = try existing(path, base: base, as: id, followLast: false)
        guard link.type == .symlink else { throw FileError(.EINVAL) }
        return link.target
    }

    /// chmod: the owner or root.
    func chmod(_ path: String, base: UInt64, as id: FileIdentity, mode: UInt32, now: Int64) throws(FileError) -> FileNode {
        let object = try existing(path, base: base, as: id)
        guard id.isRoot || id.uid == object.uid else { throw FileError(.EPERM) }
        object.mode = mode & 0o7777
        object.ctime = now
        return object
    }

    /// chown with `chown_restricted`: only root changes the owner; the owner or root the group,
    /// a non-root owner only to one of its groups.
    func chown(_ path: String, base: UInt64, as id: FileIdentity, uid: UInt32?, gid: UInt32?, now: Int64) throws(FileError) -> FileNode {
        let object = try existing(path, base: base, as: id)
        if let uid, uid != object.uid, !id.isRoot { throw FileError(.EPERM) }
        if let gid, gid != object.gid, !id.isRoot {
            guard id.uid == object.uid, id.isMember(of: gid) else { throw FileError(.EPERM) }
        }
        if let uid { object.uid = uid }
        if let gid { object.gid = gid }
        object.ctime = now
        return object
    }

    /// Sets the times: explicit ones by the owner or root; "now" also by anyone who may write.
    func setTimes(_ path: String, base: UInt64, as id: FileIdentity, atime: Int64?, mtime: Int64?, now: Int64) throws(FileError) -> FileNode {
        let object = try existing(path, base: base, as: id)
        let owner = id.isRoot || id.uid == object.uid
        if atime != nil || mtime != nil {
            guard owner else { throw FileError(.EPERM) }
        } else if !owner {
            guard FileTree.allows(id, .write, on: object) else { throw FileError(.EACCES) }
        }
        object.atime = atime ?? now
        object.mtime = mtime ?? now
        object.ctime = now
        return object
    }
}
