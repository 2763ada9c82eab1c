/// The nfs: operations (files.md section 7): each finds its mount (EBADF when there is none),
/// asks the mount's owner whether it still stands (ESTALE, ETIMEDOUT, a read-only destination),
/// then runs on the mount's tree as the call's identity. Times are the world's clock.
enum NFSOperations {
    typealias M = NFSMembers

    // MARK: Mounts

    static func mount(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fileSystem = input[M.MountRequest.fileSystemId] != nil || input[M.MountRequest.accessPointArn] != nil
        guard fileSystem != (input[M.MountRequest.volumeId] != nil) else { throw NFSError.oneTarget }
        for service in Services.all {
            if let made = try service.mount(input, &s, ctx) {
                s.shared(FileTrees.Mounts.self).mounts[made.id] = made
                return made.answer
            }
        }
        throw RuntimeError.notImplemented("nfs:Mount of an FSx volume", service: "NFS")
    }

    static func unmount(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let id = input[M.UnmountRequest.mountId]?.string ?? ""
        guard s.shared(FileTrees.Mounts.self).mounts.removeValue(forKey: id) != nil else { throw NFSError.badMount(path: "/") }
        return JSONObject()
    }

    static func listMounts(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let mounts = s.shared(FileTrees.Mounts.self).mounts
        return JSONObject(["Mounts": .array(mounts.keys.sorted().compactMap { mounts[$0].map { .object($0.answer) } })])
    }

    // MARK: The call's mount

    /// What one call works with: its mount's tree and directory, its identity, its path.
    struct Call {
        let mount: FileMount
        /// The service that made the mount.
        let owner: (any Service.Type)?
        let tree: FileTree
        let id: FileIdentity
        let path: String
        var base: UInt64 { mount.base }
        var creator: FileTree.Creator { mount.creator(id) }
    }

    /// The call's mount, checked with its owner; `changing` calls are refused on a read-only one.
    static func call(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject, changing: Bool) throws(APIError) -> Call {
        let path = input["Path"]?.string ?? "/"
        guard let mount = s.shared(FileTrees.Mounts.self).mounts[input["MountId"]?.string ?? ""] else { throw NFSError.badMount(path: path) }
        let owner = Services.all.first { $0.model.name == mount.owner.service }
        let health = owner?.health(of: mount, &s, now: ctx.now) ?? .failing(.ESTALE)
        if case .failing(let errno) = health { throw NFSError.errno(FileError(errno), path: path) }
        guard let tree = FileTrees.existing(mount.treeID, in: s) else { throw NFSError.errno(FileError(.ESTALE), path: path) }
        if changing && (mount.readOnly || health == .readOnly) { throw NFSError.errno(FileError(.EROFS), path: path) }
        let id = mount.identity(uid: input["Uid"]?.int.map(UInt32.init), gid: input["Gid"]?.int.map(UInt32.init),
                                groups: input["Gids"]?.array?.compactMap { $0.int.map(UInt32.init) })
        if changing { owner?.changing(tree, through: mount, &s, now: ctx.now) }
        return Call(mount: mount, owner: owner, tree: tree, id: id, path: path)
    }

    /// Runs a tree operation, its errno becoming the data plane's error on the call's path.
    static func run<T>(_ c: Call, _ s: inout WorldState, newPath: String? = nil, _ body: (FileTree) throws(FileError) -> T) throws(APIError) -> T {
        do throws(FileError) {
            return try FileTrees.changing(c.tree, in: &s, body)
        } catch {
            throw NFSError.errno(error, path: c.path, newPath: newPath)
        }
    }

    /// nfs:Stat's answer for `node` at `path` (or, for a listing, the entry `name` without Path).
    static func stat(_ node: FileNode, path: String?, name: String? = nil) -> JSONObject {
        var o = JSONObject(capacity: 12)
        o.append("Name", ifPresent: name.map { .string($0) })
        o.append("Path", ifPresent: path.map { .string("/" + FileTree.components($0).joined(separator: "/")) })
        o.append("Type", .string(node.type.rawValue))
        o.append("Mode", .int(Int64(node.mode)))
        o.append("Uid", .int(Int64(node.uid)))
        o.append("Gid", .int(Int64(node.gid)))
        o.append("Size", .int(node.size))
        o.append("Nlink", .int(Int64(node.nlink)))
        o.append("Ino", .int(Int64(node.ino)))
        o.append("Atime", .timestamp(milliseconds: node.atime))
        o.append("Mtime", .timestamp(milliseconds: node.mtime))
        o.append("Ctime", .timestamp(milliseconds: node.ctime))
        return o
    }

    // MARK: File operations

    static func stat(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: false)
        let noFollow = input[M.StatRequest.noFollow]?.bool ?? false
        return stat(try run(c, &s) { t throws(FileError) in try t.stat(c.path, base: c.base, as: c.id, noFollow: noFollow) }, path: c.path)
    }

    static func list(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: false)
        let entries = try run(c, &s) { t throws(FileError) in try t.list(c.path, base: c.base, as: c.id) }
        return JSONObject(["Entries": .array(entries.map { .object(stat($0.node, path: nil, name: $0.name)) })])
    }

    static func mkdir(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let mode = UInt32(input[M.MkdirRequest.mode]?.int ?? 0o755), parents = input[M.MkdirRequest.parents]?.bool ?? false
        return stat(try run(c, &s) { t throws(FileError) in
            try t.mkdir(c.path, base: c.base, by: c.creator, mode: mode, parents: parents, now: ctx.now)
        }, path: c.path)
    }

    static func write(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let bytes: [UInt8]
        if let raw = ctx.payload?.input {
            bytes = raw  // the binary entry point: no base64
        } else if let text = input[M.WriteRequest.text]?.string {
            bytes = Array(text.utf8)
        } else if let data = input[M.WriteRequest.data]?.string {
            guard let decoded = Base64.decode(data, maxLength: .max) else {
                throw RuntimeError.serialization("Data must be base64 (RFC 4648, with padding).")
            }
            bytes = decoded
        } else {
            bytes = []
        }
        var options = FileTree.WriteOptions()
        options.offset = input[M.WriteRequest.offset]?.int
        options.append = input[M.WriteRequest.append]?.bool ?? false
        options.truncate = input[M.WriteRequest.truncate]?.bool
        options.create = input[M.WriteRequest.create]?.bool ?? true
        options.exclusive = input[M.WriteRequest.exclusive]?.bool ?? false
        options.mode = UInt32(input[M.WriteRequest.mode]?.int ?? 0o644)
        let allowed = FileTrees.allowed(in: &s, config: ctx.config), message = FileTrees.limitMessage(ctx.config)
        let file = try run(c, &s) { t throws(FileError) in
            try t.write(c.path, bytes, base: c.base, by: c.creator, options: options, now: ctx.now, allowed: allowed, limitMessage: message)
        }
        return JSONObject(["Size": .int(file.size), "Written": .int(Int64(bytes.count))])
    }

    static func read(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: false)
        let offset = input[M.ReadRequest.offset]?.int ?? 0, length = input[M.ReadRequest.length]?.int
        let (bytes, file) = try run(c, &s) { t throws(FileError) in try t.read(c.path, base: c.base, as: c.id, offset: offset, length: length) }
        c.owner?.reading(file, through: c.mount, &s, now: ctx.now)
        var o = JSONObject(capacity: 3)
        if let payload = ctx.payload, payload.wantsOutput {
            payload.output = bytes  // the binary entry point: the bytes go beside the document
        } else if input[M.ReadRequest.encoding]?.string == "utf-8" {
            o.append("Text", .string(String(decoding: bytes, as: UTF8.self)))
        } else {
            o.append("Data", .string(Base64.encode(bytes)))
        }
        o.append("Size", .int(file.size))
        o.append("Eof", .bool(offset + Int64(bytes.count) >= file.size))
        return o
    }

    static func truncate(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let size = input[M.TruncateRequest.size]?.int ?? 0
        return stat(try run(c, &s) { t throws(FileError) in try t.truncate(c.path, base: c.base, as: c.id, size: size, now: ctx.now) },
                    path: c.path)
    }

    static func remove(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        try run(c, &s) { t throws(FileError) in try t.remove(c.path, base: c.base, as: c.id, now: ctx.now) }
        return JSONObject()
    }

    static func rmdir(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        try run(c, &s) { t throws(FileError) in try t.rmdir(c.path, base: c.base, as: c.id, now: ctx.now) }
        return JSONObject()
    }

    static func rename(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let to = input[M.RenameRequest.newPath]?.string ?? ""
        try run(c, &s, newPath: to) { t throws(FileError) in try t.rename(c.path, to: to, base: c.base, as: c.id, now: ctx.now) }
        return JSONObject()
    }

    static func link(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let to = input[M.LinkRequest.newPath]?.string ?? ""
        return stat(try run(c, &s, newPath: to) { t throws(FileError) in try t.link(c.path, to: to, base: c.base, as: c.id, now: ctx.now) },
                    path: to)
    }

    static func symlink(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let target = input[M.SymlinkRequest.target]?.string ?? ""
        return stat(try run(c, &s) { t throws(FileError) in try t.symlink(target, at: c.path, base: c.base, by: c.creator, now: ctx.now) },
                    path: c.path)
    }

    static func readlink(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: false)
        return JSONObject(["Target": .string(try run(c, &s) { t throws(FileError) in try t.readlink(c.path, base: c.base, as: c.id) })])
    }

    static func chmod(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let mode = UInt32(input[M.ChmodRequest.mode]?.int ?? 0)
        return stat(try run(c, &s) { t throws(FileError) in try t.chmod(c.path, base: c.base, as: c.id, mode: mode, now: ctx.now) },
                    path: c.path)
    }

    static func chown(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        let uid = input[M.ChownRequest.newUid]?.int.map(UInt32.init), gid = input[M.ChownRequest.newGid]?.int.map(UInt32.init)
        return stat(try run(c, &s) { t throws(FileError) in try t.chown(c.path, base: c.base, as: c.id, uid: uid, gid: gid, now: ctx.now) },
                    path: c.path)
    }

    static func setTimes(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let c = try call(&s, ctx, input, changing: true)
        // Seconds as milliseconds; a time beyond what a clock can hold (year 285,000) is EINVAL.
        func ms(_ key: String) throws(APIError) -> Int64? {
            guard let seconds = input[key]?.double else { return nil }
            guard seconds.isFinite, seconds >= 0, seconds < 9e12 else { throw NFSError.errno(FileError(.EINVAL), path: c.path) }
            return Int64((seconds * 1000).rounded())
        }
        let atime = try ms(M.SetTimesRequest.atime), mtime = try ms(M.SetTimesRequest.mtime)
        return stat(try run(c, &s) { t throws(FileError) in
            try t.setTimes(c.path, base: c.base, as: c.id, atime: atime, mtime: mtime, now: ctx.now)
        }, path: c.path)
    }
}
