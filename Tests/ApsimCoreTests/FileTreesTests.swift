@testable import ApsimCore
import Testing

/// The world's file trees as a component: made on first use, dropped with their file system,
/// counted against `data_limit_bytes` across trees, exported and restored byte for byte, emptied
/// by apsim:Reset.
@Suite struct FileTreesTests {
    let root = FileTree.Creator(id: .root, inheritSetgid: true)

    func write(_ w: World, _ id: String, _ path: String, _ bytes: [UInt8], offset: Int64 = 0) -> Errno? {
        w.withState { s -> Errno? in
            let tree = FileTrees.tree(id, in: &s, createdAt: 1_700_000_000_000)
            let allowed = FileTrees.allowed(in: &s, config: w.config)
            do throws(FileError) {
                _ = try FileTrees.changing(tree, in: &s) { t throws(FileError) in
                    var options = FileTree.WriteOptions()
                    options.offset = offset
                    return try t.write(path, bytes, base: FileTree.rootIno, by: root, options: options, now: 1_700_000_001_000,
                                       allowed: allowed, limitMessage: FileTrees.limitMessage(w.config))
                }
                return nil
            } catch {
                #expect(error.errno != .ENOSPC || error.message == "apsim's data limit of 8192 bytes is reached (configuration key data_limit_bytes)")
                return error.errno
            }
        }
    }

    @Test func theLimitCountsEveryTreeAndDeletingAFileSystemDropsItsTree() throws {
        let w = try makeWorld(#"{"seed": 1, "start_time": 1700000000, "data_limit_bytes": 8192}"#)
        let fs = makeFileSystem(w)
        #expect(write(w, fs, "/a", [1], offset: 10_000) == nil)  // one page
        #expect(write(w, "fs-0123456789abcdef0", "/b", [2]) == nil)  // a second tree: the limit is the world's
        #expect(write(w, fs, "/c", [3]) == .ENOSPC)
        #expect(w.withState { FileTrees.existing(fs, in: $0)?.root.mtime } == 1_700_000_001_000)
        _ = call(w, "efs:DescribeFileSystems")
        #expect(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)]).status == 204)
        #expect(w.withState { FileTrees.existing(fs, in: $0) == nil })
        #expect(write(w, "fs-0123456789abcdef0", "/c", [3]) == nil)  // the deleted tree's page is free again
        _ = call(w, "apsim:Reset")
        #expect(w.withState { FileTrees.existing("fs-0123456789abcdef0", in: $0) == nil })
    }

    @Test func treesAreExportedAndRestoredByteForByte() throws {
        let w = try makeWorld()
        #expect(write(w, "fs-0123456789abcdef0", "/big", Array("hello".utf8), offset: 1 << 30) == nil)
        _ = w.withState { s in
            let tree = FileTrees.tree("fs-0123456789abcdef0", in: &s, createdAt: 0)
            _ = try? tree.mkdir("/d/e", base: FileTree.rootIno, by: root, mode: 0o2750, parents: true, now: 7)
            _ = try? tree.symlink("../big", at: "/d/link", base: FileTree.rootIno, by: root, now: 8)
            _ = try? tree.link("/big", to: "/d/hard", base: FileTree.rootIno, as: .root, now: 9)
        }
        let exported = call(w, "apsim:ExportState").body.objectValue.withoutMetadata
        #expect(exported["FileTrees"]?.array?.count == 1)
        let restored = try makeWorld()
        #expect(call(restored, "apsim:ImportState", ["State": .object(exported)]).status == 200)
        #expect(call(restored, "apsim:ExportState").body.objectValue.withoutMetadata == exported)
        let read = restored.withState { s in
            try? FileTrees.existing("fs-0123456789abcdef0", in: s)?.read("/d/link", base: FileTree.rootIno, as: .root, offset: 1 << 30, length: 5)
        }
        #expect(read?.bytes == Array("hello".utf8) && read?.file.nlink == 2 && read?.file.size == (1 << 30) + 5)
        #expect(restored.withState { FileTrees.existing("fs-0123456789abcdef0", in: $0)?.storedBytes } == 4096)
        // A tree naming an inode it does not hold is refused, naming the member.
        var broken = exported
        if case .array(var trees)? = broken["FileTrees"], case .object(var first)? = trees.first,
           case .object(var tree)? = first["Tree"] {
            tree["NextIno"] = 1
            first["Tree"] = .object(tree)
            trees[0] = .object(first)
            broken["FileTrees"] = .array(trees)
        }
        let refused = call(try makeWorld(), "apsim:ImportState", ["State": .object(broken)])
        #expect(error(refused.body).code == "InvalidState")
        #expect(error(refused.body).message?.contains("State.FileTrees[0].Tree.NextIno") == true)
    }
}
