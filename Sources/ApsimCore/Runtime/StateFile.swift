#if canImport(Glibc)
import Glibc
#endif

/// The `state_file` of a world: a snapshot (`<path>`), an append-only journal (`<path>.journal`)
/// and a lock (`<path>.lock`).
///
/// - **One process at a time.** Opening takes an exclusive `flock` on `<path>.lock` and writes the
///   holder's process ID into it; a second opener (another process, or another world of this
///   process) is refused at once with an error naming the file and that process ID. The lock goes
///   with the world (or with its process, however it ends).
/// - **Every acknowledged change is durable.** A successful change appends one line to the journal
///   (its operation, account, region, request, clock and a sequence number) and fdatasyncs it
///   before the call returns: the cost of a change does not grow with the world.
/// - **Compaction.** When the world opens, the journal is replayed on top of the snapshot and the
///   two are compacted: the snapshot is rewritten atomically (temporary file, fsync, rename,
///   directory fsync) and the journal emptied; the same happens when the world closes. The
///   snapshot records the last sequence number it contains, so a crash between those two steps
///   replays nothing twice; a torn last line (a write cut by a crash, never acknowledged) is dropped.
/// - **A journal belongs to its snapshot.** Each snapshot carries a base ID (`JournalBase`, kept
///   from compaction to compaction) and each journal starts with a header naming that base and the
///   sequence number it continues from. A journal whose snapshot is missing (deleted by hand) or
///   is another one (copied over it, or older than the journal's start) is not replayed: it is
///   moved aside to `<path>.journal.unreplayed` and the open says so (`World.notices`).
/// - **Empty means new.** A missing or 0-byte (or blank) file is a new world.
///
/// A snapshot or journal that is not valid is refused when the world opens, and left untouched.
final class StateFile: @unchecked Sendable {
    let path: String
    var journalPath: String { path + ".journal" }
    var lockPath: String { path + ".lock" }
    var unreplayedPath: String { journalPath + ".unreplayed" }
    /// The journal, open for appending (under the world's lock).
    private var journal: Int32 = -1
    /// The lock file, held (flock LOCK_EX) for the world's life; -1 for a reader (`World.exportState`).
    private var lock: Int32 = -1
    /// The base ID of this file's snapshots (see the type's comment).
    private(set) var base: UInt64 = 0
    /// The sequence number the current journal continues from (the last compaction's).
    private var compactedSeq: UInt64 = 0
    /// Set by `abandon()`: nothing more is written.
    private var abandoned = false
    /// What the open has to tell (a journal that was not replayed).
    private(set) var notices: [String] = []

    static let journalFormat = "apsim-journal/1"

    init(path: String) { self.path = path }

    deinit {
        if journal >= 0 { close(journal) }
        if lock >= 0 { close(lock) }  // releases the flock
    }
    /// The largest state file read (a state is bigger than any request).
    static let maxBytes = 1 << 31

    func failure(_ what: String) -> APIError {
        RuntimeError.stateFileWrite(path, what)
    }

    /// Takes the file for this world: an exclusive lock on `<path>.lock`, refused at once when
    /// another opener holds it (the error names the holder's process ID).
    func acquire() throws(APIError) {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RuntimeError.stateFileUnusable(path, "its lock file '\(lockPath)' cannot be opened (errno \(errno))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let e = errno
            let holder = StateFile.holder(fd)
            close(fd)
            if e == EWOULDBLOCK { throw RuntimeError.stateFileLocked(path, holder: holder) }
            throw RuntimeError.stateFileUnusable(path, "its lock file '\(lockPath)' cannot be locked (errno \(e))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        lock = fd
    }

    /// The process ID written in a held lock file (nil when it cannot be read).
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n].filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }

    /// The saved state, or nil when the file does not exist yet or is empty (a new world). A
    /// document wrapped as apsim:ImportState takes it (`{"State": {...}}`) is unwrapped. Its
    /// `JournalBase` (when the file has one) becomes this file's base; otherwise a new one is drawn.
    func load() throws(APIError) -> JSON? {
        defer { if base == 0 { base = StateFile.newBase() } }
        guard let bytes = try read(path), bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        var doc: JSON
        do {
            doc = try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSON.parse(bytes: b, maxBytes: StateFile.maxBytes) }
        } catch {
            throw refused(error.message)
        }
        if case .object(let o) = doc, o["Format"] == nil, o.count == 1, let inner = o["State"] { doc = inner }
        if case .object(let o) = doc, let text = o["JournalBase"] {
            guard let b = text.string.flatMap({ UInt64($0, radix: 16) }), b != 0 else {
                throw refused("JournalBase: expected 16 hex digits")
            }
            base = b
        }
        return doc
    }

    static func newBase() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() | 1
    }

    /// One change, as the journal keeps it.
    struct Entry {
        let seq: UInt64
        let account: String
        let region: String
        let operation: String
        let request: JSON
        /// The world's clock when the change was made (nil in journals written before it was kept).
        let clock: Int64?
        /// The access key that signed the call (the caller's; nil for C-API calls, made by the root).
        var accessKeyID: String? = nil
    }

    /// A journal as read: its header (nil in journals written before headers) and complete lines.
    struct Journal {
        var base: UInt64?
        var after: UInt64 = 0
        var entries: [Entry] = []
    }

    /// The journal's complete lines (a torn last line is dropped; nil: no journal).
    func loadJournal() throws(APIError) -> Journal? {
        guard let bytes = try read(journalPath) else { return nil }
        var journal = Journal()
        var start = 0, line = 0
        while let end = bytes[start...].firstIndex(of: 0x0A) {
            line += 1
            let text = bytes[start..<end]
            start = end + 1
            let doc: JSON
            do {
                doc = try text.withUnsafeBufferPointer { b throws(JSONParseError) in try JSON.parse(bytes: b, maxBytes: StateFile.maxBytes) }
            } catch {
                throw refused("its journal \(journalPath) has a bad line \(line): \(error.message)")
            }
            if line == 1, doc["Journal"] != nil {
                guard doc["Journal"]?.string == StateFile.journalFormat,
                      let b = doc["Base"]?.string.flatMap({ UInt64($0, radix: 16) }), let after = doc["After"]?.int, after >= 0
                else { throw refused("its journal \(journalPath) has a bad header: expected Journal \"\(StateFile.journalFormat)\", Base, After") }
                journal.base = b
                journal.after = UInt64(after)
                continue
            }
            guard let seq = doc["Seq"]?.int, seq > 0, let account = doc["Account"]?.string, let region = doc["Region"]?.string,
                  let operation = doc["Operation"]?.string, let request = doc["Request"]
            else { throw refused("its journal \(journalPath) has a bad line \(line): expected Seq, Account, Region, Operation, Request") }
            journal.entries.append(Entry(seq: UInt64(seq), account: account, region: region, operation: operation, request: request,
                                         clock: doc["Clock"]?.int, accessKeyID: doc["AccessKeyId"]?.string))
        }
        return journal
    }

    /// The journal's changes that continue `snapshotSeq` of a snapshot with base `snapshotBase`
    /// (nil: no snapshot; `hadBase`: the snapshot names its base). A journal of another base is
    /// moved aside (when `setAside`) and reported in `notices`.
    func replayable(_ journal: Journal?, snapshotExists: Bool, hadBase: Bool, snapshotSeq: UInt64,
                    setAside: Bool) -> [Entry] {
        guard let journal, !journal.entries.isEmpty else { return [] }
        let why: String
        if !snapshotExists {
            why = "its snapshot '\(path)' does not exist (deleted?)"
        } else if let b = journal.base {
            if !hadBase || b != base {
                why = "it belongs to another snapshot than '\(path)' (journal base \(Hex.fixed(b, digits: 16)), snapshot base \(hadBase ? Hex.fixed(base, digits: 16) : "none"))"
            } else if snapshotSeq < journal.after {
                why = "it continues change \(journal.after) but '\(path)' holds changes up to \(snapshotSeq) only (an older copy?)"
            } else {
                return journal.entries
            }
        } else if hadBase {
            why = "it has no header, but '\(path)' names its base"
        } else {
            return journal.entries  // both written before journals had headers
        }
        var notice = "The journal '\(journalPath)' (\(journal.entries.count) change\(journal.entries.count == 1 ? "" : "s")) was not replayed: \(why)"
        if setAside {
            if rename(journalPath, unreplayedPath) == 0 {
                notice += "; it was moved to '\(unreplayedPath)'."
            } else {
                notice += "; it could not be moved aside (errno \(errno)) and was emptied."
            }
        } else {
            notice += "."
        }
        notices.append(notice)
        return []
    }

    /// Lets go of the file as a killed process would (tests of recovery): the lock is released,
    /// and nothing more is written, not even the compaction at close.
    func abandon() {
        abandoned = true
        if journal >= 0 { close(journal); journal = -1 }
        if lock >= 0 { close(lock); lock = -1 }
    }

    /// Appends a change and makes it durable before returning.
    func append(_ entry: Entry) throws(APIError) {
        if abandoned { return }
        if journal < 0 {
            journal = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard journal >= 0 else { throw failure("cannot open '\(journalPath)' (errno \(errno))") }
            var st = stat()
            if fstat(journal, &st) == 0, st.st_size == 0 {
                var header = JSONObject()
                header.append("Journal", .string(StateFile.journalFormat))
                header.append("Base", .string(Hex.fixed(base, digits: 16)))
                header.append("After", .int(Int64(compactedSeq)))
                var bytes = JSON.object(header).serialized()
                bytes.append(0x0A)
                try writeAll(journal, bytes, what: journalPath)
            }
            syncDirectory()
        }
        var line = JSONObject()
        line.append("Seq", .int(Int64(entry.seq)))
        line.append("Account", .string(entry.account))
        line.append("Region", .string(entry.region))
        line.append("Operation", .string(entry.operation))
        line.append("Request", entry.request)
        line.append("Clock", ifPresent: entry.clock.map { .int($0) })
        line.append("AccessKeyId", ifPresent: entry.accessKeyID.map { .string($0) })
        var bytes = JSON.object(line).serialized()
        bytes.append(0x0A)
        try writeAll(journal, bytes, what: journalPath)
        if fdatasync(journal) != 0 { throw failure("fdatasync of '\(journalPath)' failed (errno \(errno))") }
    }

    /// Writes `state` as the snapshot (with this file's base), then empties the journal (see the
    /// type's comment); the next journal continues from `seq`.
    func compact(_ state: JSONObject, seq: UInt64) throws(APIError) {
        if abandoned { return }
        var state = state
        state.append("JournalBase", .string(Hex.fixed(base, digits: 16)))
        try save(state)
        if journal >= 0 { close(journal); journal = -1 }
        compactedSeq = seq
        let fd = open(journalPath, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], what: String) throws(APIError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write to '\(what)' failed (errno \(errno))")
            }
            written += n
        }
    }

    private func syncDirectory() {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// A whole file, or nil when it does not exist.
    private func read(_ file: String) throws(APIError) -> [UInt8]? {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw refused("'\(file)' cannot be opened (errno \(errno))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw refused("'\(file)' cannot be read (errno \(errno))") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > StateFile.maxBytes { throw refused("'\(file)' is larger than 2 GiB") }
        }
        return bytes
    }

    func refused(_ why: String) -> APIError {
        RuntimeError.invalidStateFile(path, why)
    }

    /// Writes a snapshot atomically: temporary file, fsync, rename, directory fsync.
    func save(_ state: JSONObject) throws(APIError) {
        let bytes = JSON.object(state).serialized()
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create '\(temp)' (errno \(errno))") }
        do throws(APIError) {
            try writeAll(fd, bytes, what: temp)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if fsync(fd) != 0 { let e = errno; close(fd); unlink(temp); throw failure("fsync failed (errno \(e))") }
        close(fd)
        if rename(temp, path) != 0 { let e = errno; unlink(temp); throw failure("rename failed (errno \(e))") }
        syncDirectory()
    }
}
