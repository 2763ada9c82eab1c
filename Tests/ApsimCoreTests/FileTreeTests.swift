@testable import ApsimCore
import Testing

/// The file tree every EFS file system and FSx volume will own (files.md sections 1 and 2): POSIX
/// objects, the permission checks EFS applies, Linux's errnos and limits.
@Suite struct FileTreeTests {
    let root = FileTree.Creator(id: .root, inheritSetgid: true)
    let alice = FileTree.Creator(id: FileIdentity(uid: 1000, gid: 1000, groups: [50]), inheritSetgid: true)
    let bob = FileTree.Creator(id: FileIdentity(uid: 1001, gid: 1001), inheritSetgid: true)
    let base = FileTree.rootIno

    func errno(_ body: () throws(FileError) -> Void) -> Errno? {
        do { try body() } catch { return error.errno }
        return nil
    }

    func write(_ tree: FileTree, _ path: String, _ text: String, by creator: FileTree.Creator,
               options: FileTree.WriteOptions = FileTree.WriteOptions(), allowed: Int64 = .max) throws(FileError) -> FileNode {
        try tree.write(path, Array(text.utf8), base: base, by: creator, options: options, now: 5_000, allowed: allowed, limitMessage: "limit")
    }

    @Test func aNewTreeIsRootsAndOthersNeedPermission() throws {
        let tree = FileTree(now: 1_000)
        #expect((tree.root.uid, tree.root.gid, tree.root.mode, tree.root.size, tree.root.nlink) == (0, 0, 0o755, 6144, 2))
        // A PosixUser cannot write into a root-owned 0755 directory (the classic EFS failure).
        #expect(errno { () throws(FileError) in _ = try write(tree, "/app.log", "x", by: alice) } == .EACCES)
        #expect(errno { () throws(FileError) in _ = try tree.mkdir("/data", base: base, by: alice, mode: 0o755, parents: false, now: 2_000) } == .EACCES)
        let data = try tree.mkdir("/data", base: base, by: root, mode: 0o755, parents: false, now: 2_000)
        #expect(tree.root.nlink == 3 && (data.uid, data.gid, data.mode) == (0, 0, 0o755))
        _ = try tree.chown("/data", base: base, as: .root, uid: 1000, gid: 1000, now: 3_000)
        let file = try write(tree, "/data/app.log", "hello", by: alice)
        #expect((file.uid, file.gid, file.mode, file.size, file.nlink) == (1000, 1000, 0o644, 5, 1))
        #expect((file.atime, file.mtime, file.ctime) == (5_000, 5_000, 5_000))
        // Bob may read (0644) but not write.
        #expect(try tree.read("/data/app.log", base: base, as: bob.id, offset: 0, length: nil).bytes == Array("hello".utf8))
        #expect(errno { () throws(FileError) in _ = try write(tree, "/data/app.log", "x", by: bob) } == .EACCES)
        // Search permission on the way: a 0700 directory hides what is inside.
        _ = try tree.chmod("/data", base: base, as: alice.id, mode: 0o700, now: 6_000)
        #expect(errno { () throws(FileError) in _ = try tree.stat("/data/app.log", base: base, as: bob.id) } == .EACCES)
        #expect(errno { () throws(FileError) in _ = try tree.chmod("/data", base: base, as: bob.id, mode: 0o777, now: 6_000) } == .EPERM)
    }

    @Test func filesAreSparseAndTheDataLimitIsENOSPC() throws {
        let tree = FileTree(now: 0)
        var options = FileTree.WriteOptions()
        options.offset = 1 << 20
        let file = try write(tree, "/sparse", "tail!", by: root, options: options)
        #expect(file.size == (1 << 20) + 5 && tree.storedBytes == 4096)
        let read = try tree.read("/sparse", base: base, as: .root, offset: (1 << 20) - 2, length: 4)
        #expect(read.bytes == [0, 0] + Array("ta".utf8))
        #expect(errno { () throws(FileError) in _ = try write(tree, "/other", String(repeating: "a", count: 5000), by: root, allowed: 4096) } == .ENOSPC)
        #expect(tree.nodes.values.filter { $0.type == .file }.count == 2)  // made, then refused its data
        _ = try tree.truncate("/sparse", base: base, as: .root, size: 10, now: 1)
        #expect(try tree.storedBytes == 0 && tree.stat("/sparse", base: base, as: .root).size == 10)
        options.offset = FileTree.maxFileSize
        #expect(errno { () throws(FileError) in _ = try write(tree, "/sparse", "x", by: root, options: options) } == .EFBIG)
        try tree.remove("/sparse", base: base, as: .root, now: 2)
        #expect(errno { () throws(FileError) in _ = try tree.stat("/sparse", base: base, as: .root) } == .ENOENT)
    }

    @Test func setgidStickyAndChownRestricted() throws {
        let tree = FileTree(now: 0)
        _ = try tree.mkdir("/shared", base: base, by: root, mode: 0o3777, parents: false, now: 1)
        _ = try tree.chown("/shared", base: base, as: .root, uid: nil, gid: 50, now: 1)
        // setgid: new objects take the directory's group, subdirectories keep setgid.
        let file = try write(tree, "/shared/a", "a", by: alice)
        let sub = try tree.mkdir("/shared/sub", base: base, by: alice, mode: 0o755, parents: false, now: 2)
        #expect((file.gid, sub.gid, sub.mode) == (50, 50, 0o2755))
        // Not under an enforced identity.
        let enforced = FileTree.Creator(id: alice.id, inheritSetgid: false)
        #expect(try write(tree, "/shared/b", "b", by: enforced).gid == 1000)
        // Sticky: Bob may not remove or rename Alice's file; root and the owner may.
        #expect(errno { () throws(FileError) in try tree.remove("/shared/a", base: base, as: bob.id, now: 3) } == .EPERM)
        #expect(errno { () throws(FileError) in try tree.rename("/shared/a", to: "/shared/c", base: base, as: bob.id, now: 3) } == .EPERM)
        try tree.rename("/shared/a", to: "/shared/c", base: base, as: alice.id, now: 3)
        // chown_restricted.
        #expect(errno { () throws(FileError) in _ = try tree.chown("/shared/c", base: base, as: alice.id, uid: 1001, gid: nil, now: 4) } == .EPERM)
        #expect(try tree.chown("/shared/c", base: base, as: alice.id, uid: nil, gid: 1000, now: 4).gid == 1000)
        #expect(errno { () throws(FileError) in _ = try tree.chown("/shared/c", base: base, as: alice.id, uid: nil, gid: 7, now: 4) } == .EPERM)
        #expect(try tree.chown("/shared/c", base: base, as: .root, uid: 1001, gid: 7, now: 4).uid == 1001)
        // Times: explicit ones by the owner only; "now" by anyone who may write.
        #expect(errno { () throws(FileError) in _ = try tree.setTimes("/shared/b", base: base, as: bob.id, atime: 1, mtime: 1, now: 9) } == .EPERM)
        #expect(errno { () throws(FileError) in _ = try tree.setTimes("/shared/b", base: base, as: bob.id, atime: nil, mtime: nil, now: 9) } == .EACCES)
        #expect(try tree.setTimes("/shared/b", base: base, as: alice.id, atime: 1, mtime: 2, now: 9).mtime == 2)
    }

    @Test func linksNamesAndConfinement() throws {
        let tree = FileTree(now: 0)
        _ = try tree.mkdir("/a/b", base: base, by: root, mode: 0o755, parents: true, now: 1)
        _ = try write(tree, "/a/b/f", "data", by: root)
        // Hard links: up to 177.
        for i in 2...177 { _ = try tree.link("/a/b/f", to: "/a/l\(i)", base: base, as: .root, now: 2) }
        #expect(try tree.stat("/a/b/f", base: base, as: .root).nlink == 177)
        #expect(errno { () throws(FileError) in _ = try tree.link("/a/b/f", to: "/a/l178", base: base, as: .root, now: 2) } == .EMLINK)
        try tree.remove("/a/b/f", base: base, as: .root, now: 3)
        #expect(try tree.read("/a/l2", base: base, as: .root, offset: 0, length: nil).bytes == Array("data".utf8))
        // Symbolic links: a chain of 40 resolves, 41 is ELOOP; an absolute target starts at the base.
        _ = try tree.symlink("/a/l2", at: "/s0", base: base, by: root, now: 4)
        for i in 1...40 { _ = try tree.symlink("/s\(i - 1)", at: "/s\(i)", base: base, by: root, now: 4) }
        #expect(try tree.stat("/s39", base: base, as: .root).type == .file)
        #expect(errno { () throws(FileError) in _ = try tree.stat("/s40", base: base, as: .root) } == .ELOOP)
        #expect(try tree.stat("/s40", base: base, as: .root, noFollow: true).size == 4)
        #expect(try tree.readlink("/s1", base: base, as: .root) == "/s0")
        #expect(errno { () throws(FileError) in _ = try tree.readlink("/a", base: base, as: .root) } == .EINVAL)
        // A mount of /a/b: `..` and absolute links stay inside it.
        let b = try tree.stat("/a/b", base: base, as: .root).ino
        _ = try tree.symlink("/", at: "/a/b/up", base: base, by: root, now: 5)
        #expect(try tree.stat("/../../..", base: b, as: .root).ino == b)
        #expect(try tree.stat("/up", base: b, as: .root).ino == b)
        // Names and targets.
        #expect(errno { () throws(FileError) in _ = try write(tree, "/" + String(repeating: "n", count: 256), "x", by: root) } == .ENAMETOOLONG)
        _ = try write(tree, "/" + String(repeating: "n", count: 255), "x", by: root)
        #expect(errno { () throws(FileError) in _ = try tree.symlink(String(repeating: "t", count: 4081), at: "/long", base: base, by: root, now: 6) }
                == .ENAMETOOLONG)
        #expect(errno { () throws(FileError) in _ = try write(tree, "/a/l2/x", "x", by: root) } == .ENOTDIR)
    }

    @Test func renameAndRemoveFollowLinux() throws {
        let tree = FileTree(now: 0)
        _ = try tree.mkdir("/d/e", base: base, by: root, mode: 0o755, parents: true, now: 1)
        _ = try tree.mkdir("/full/x", base: base, by: root, mode: 0o755, parents: true, now: 1)
        _ = try write(tree, "/f", "f", by: root)
        #expect(errno { () throws(FileError) in try tree.rename("/d", to: "/d/e/inside", base: base, as: .root, now: 2) } == .EINVAL)
        #expect(errno { () throws(FileError) in try tree.rename("/d", to: "/full", base: base, as: .root, now: 2) } == .ENOTEMPTY)
        #expect(errno { () throws(FileError) in try tree.rename("/f", to: "/d", base: base, as: .root, now: 2) } == .EISDIR)
        #expect(errno { () throws(FileError) in try tree.rename("/d", to: "/f", base: base, as: .root, now: 2) } == .ENOTDIR)
        #expect(errno { () throws(FileError) in try tree.remove("/d", base: base, as: .root, now: 2) } == .EISDIR)
        #expect(errno { () throws(FileError) in try tree.rmdir("/full", base: base, as: .root, now: 2) } == .ENOTEMPTY)
        #expect(errno { () throws(FileError) in try tree.rmdir("/f", base: base, as: .root, now: 2) } == .ENOTDIR)
        #expect(errno { () throws(FileError) in _ = try tree.mkdir("/d", base: base, by: root, mode: 0o755, parents: false, now: 2) } == .EEXIST)
        #expect(try tree.mkdir("/d/e", base: base, by: root, mode: 0o755, parents: true, now: 2).type == .directory)
        try tree.rename("/d/e", to: "/full/x", base: base, as: .root, now: 3)  // onto an empty directory
        #expect(try tree.list("/", base: base, as: .root).map(\.name) == ["d", "f", "full"])
        #expect(try tree.stat("/d", base: base, as: .root).nlink == 2 && tree.stat("/full", base: base, as: .root).nlink == 3)
        #expect(Errno.ENOTEMPTY.number == 39 && Errno.ENOTEMPTY.text == "Directory not empty" && Errno.ENOTEMPTY.status == 409)
        #expect(Errno.ESTALE.number == 116 && Errno.ESTALE.status == 410 && Errno.ENOSPC.status == 507)
    }
}
