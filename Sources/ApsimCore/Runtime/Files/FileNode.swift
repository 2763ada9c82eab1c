/// Who a file operation runs as: a uid, a gid and at most 16 supplementary gids (more are dropped
/// from the end, as NFS's AUTH_SYS does).
struct FileIdentity: Sendable, Equatable {
    let uid: UInt32
    let gid: UInt32
    let groups: [UInt32]

    init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        (self.uid, self.gid, self.groups) = (uid, gid, Array(groups.prefix(16)))
    }

    static let root = FileIdentity(uid: 0, gid: 0)

    var isRoot: Bool { uid == 0 }

    /// Whether `gid` is the identity's group or one of its supplementary groups.
    func isMember(of gid: UInt32) -> Bool { gid == self.gid || groups.contains(gid) }
}

/// What an object of a tree is.
enum FileType: String, Sendable {
    case file, directory, symlink
}

/// One object of a tree (an inode): its type, permission bits, owner, times on the world's
/// clock, and its data (a file), target (a symbolic link) or entries (a directory).
final class FileNode {
    let ino: UInt64
    let type: FileType
    /// The 12 permission bits (`07777`).
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    /// Hard links to a file; 2 plus its subdirectories for a directory.
    var nlink: UInt32
    /// Epoch milliseconds.
    var atime, mtime, ctime: Int64
    /// When the file was last read or written (storage classes age from it; EFS keeps atime
    /// still on reads, so this is apart).
    var lastAccess: Int64
    /// The storage class a read left the file in when it did not move it back (0 Standard, 1
    /// Infrequent Access, 2 Archive); a write makes it 0 again.
    var coldFloor: UInt8 = 0
    var data = SparseData()
    var target = ""
    /// Name -> inode number (directories).
    var entries: [String: UInt64] = [:] {
        didSet { sortedNames = nil }
    }
    /// The entries' names in order, kept until the entries change (a listing is then linear).
    var sortedNames: [String]? = nil

    /// The entries' names sorted (made once per change of the directory).
    func names() -> [String] {
        if let sortedNames { return sortedNames }
        let made = entries.keys.sorted()
        sortedNames = made
        return made
    }
    /// The directory that holds this one (directories; the root is its own parent).
    var parent: UInt64

    init(ino: UInt64, type: FileType, mode: UInt32, uid: UInt32, gid: UInt32, now: Int64, parent: UInt64) {
        (self.ino, self.type, self.mode, self.uid, self.gid, self.parent) = (ino, type, mode & 0o7777, uid, gid, parent)
        nlink = type == .directory ? 2 : 1
        (atime, mtime, ctime) = (now, now, now)
        lastAccess = now
    }

    /// The size a client sees: the file's logical size, a link's target length, 6144 for a
    /// directory (what EFS reports).
    var size: Int64 {
        switch type {
        case .file: return data.size
        case .symlink: return Int64(target.utf8.count)
        case .directory: return 6144
        }
    }
}

/// A file's bytes in 4 KiB pages: a hole stores nothing and reads as zeros.
struct SparseData {
    static let pageSize = 4096
    private(set) var pages: [Int64: [UInt8]] = [:]
    private(set) var size: Int64 = 0

    /// The bytes stored (whole pages): what the data limit and metering count.
    var storedBytes: Int64 { Int64(pages.count * SparseData.pageSize) }

    /// The stored bytes after writing `count` bytes at `offset` (for the data limit's check).
    func storedBytes(writing count: Int, at offset: Int64) -> Int64 {
        guard count > 0 else { return storedBytes }
        let first = offset / Int64(SparseData.pageSize), last = (offset + Int64(count) - 1) / Int64(SparseData.pageSize)
        var added: Int64 = 0
        var page = first
        while page <= last {
            if pages[page] == nil { added += 1 }
            page += 1
        }
        return storedBytes + added * Int64(SparseData.pageSize)
    }

    mutating func write(_ bytes: [UInt8], at offset: Int64) {
        var done = 0
        while done < bytes.count {
            let position = offset + Int64(done)
            let page = position / Int64(SparseData.pageSize), within = Int(position % Int64(SparseData.pageSize))
            let n = min(SparseData.pageSize - within, bytes.count - done)
            var stored = pages[page] ?? [UInt8](repeating: 0, count: SparseData.pageSize)
            stored.replaceSubrange(within..<within + n, with: bytes[done..<done + n])
            pages[page] = stored
            done += n
        }
        size = max(size, offset + Int64(bytes.count))
    }

    /// Up to `length` bytes from `offset` (holes read as zeros).
    func read(at offset: Int64, length: Int64) -> [UInt8] {
        guard offset >= 0, offset < size, length > 0 else { return [] }
        let end = length >= size - offset ? size : offset + length
        var out: [UInt8] = []
        out.reserveCapacity(Int(end - offset))
        var position = offset
        while position < end {
            let page = position / Int64(SparseData.pageSize), within = Int(position % Int64(SparseData.pageSize))
            let n = Int(min(Int64(SparseData.pageSize - within), end - position))
            if let stored = pages[page] { out += stored[within..<within + n] } else { out += repeatElement(0, count: n) }
            position += Int64(n)
        }
        return out
    }

    /// Cuts or extends the file to `newSize` (extending adds a hole).
    mutating func truncate(to newSize: Int64) {
        if newSize < size {
            let keep = (newSize + Int64(SparseData.pageSize) - 1) / Int64(SparseData.pageSize)
            pages = pages.filter { $0.key < keep }
            let within = Int(newSize % Int64(SparseData.pageSize))
            if within > 0, var last = pages[keep - 1] {
                for i in within..<SparseData.pageSize { last[i] = 0 }
                pages[keep - 1] = last
            }
        }
        size = newSize
    }
}
