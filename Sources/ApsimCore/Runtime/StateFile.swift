#if canImport(Glibc)
import Glibc
#endif

/// The `state_file` of a world: a snapshot plus an append-only journal (`<path>.journal`).
///
/// Every successful change appends one line to the journal (its operation, account, region,
/// request and a sequence number) and fsyncs it before the call returns: the cost of a change
/// does not grow with the world. When the world opens, the journal is replayed on top of the
/// snapshot, and the two are compacted: the snapshot is rewritten atomically (temporary file,
/// fsync, rename, directory fsync) and the journal emptied; the same happens when the world
/// closes. The snapshot records the last journal sequence number it contains, so a crash between
/// those two steps replays nothing twice; a torn last line (a write cut by a crash, never
/// acknowledged) is dropped. A snapshot or journal that is not valid is refused when the world
/// opens, and left untouched.
final class StateFile: @unchecked Sendable {
    let path: String
    var journalPath: String { path + ".journal" }
    /// The journal, open for appending (under the world's lock).
    private var journal: Int32 = -1

    init(path: String) { self.path = path }

    deinit { if journal >= 0 { close(journal) } }
    /// The largest state file read (a state is bigger than any request).
    static let maxBytes = 1 << 31

    func failure(_ what: String) -> APIError {
        RuntimeError.stateFileWrite(path, what)
    }

    /// The saved state, or nil when the file does not exist yet.
    func load() throws(APIError) -> JSON? {
        guard let bytes = try read(path) else { return nil }
        do {
            return try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSON.parse(bytes: b, maxBytes: StateFile.maxBytes) }
        } catch {
            throw refused(error.message)
        }
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
    }

    /// The journal's complete lines (a torn last line is dropped; nil: no journal).
    func loadJournal() throws(APIError) -> [Entry]? {
        guard let bytes = try read(journalPath) else { return nil }
        var entries: [Entry] = []
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
            guard let seq = doc["Seq"]?.int, seq > 0, let account = doc["Account"]?.string, let region = doc["Region"]?.string,
                  let operation = doc["Operation"]?.string, let request = doc["Request"]
            else { throw refused("its journal \(journalPath) has a bad line \(line): expected Seq, Account, Region, Operation, Request") }
            entries.append(Entry(seq: UInt64(seq), account: account, region: region, operation: operation, request: request,
                                 clock: doc["Clock"]?.int))
        }
        return entries
    }

    /// Appends a change and makes it durable before returning.
    func append(_ entry: Entry) throws(APIError) {
        if journal < 0 {
            journal = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard journal >= 0 else { throw failure("cannot open '\(journalPath)' (errno \(errno))") }
            syncDirectory()
        }
        var line = JSONObject()
        line.append("Seq", .int(Int64(entry.seq)))
        line.append("Account", .string(entry.account))
        line.append("Region", .string(entry.region))
        line.append("Operation", .string(entry.operation))
        line.append("Request", entry.request)
        line.append("Clock", ifPresent: entry.clock.map { .int($0) })
        var bytes = JSON.object(line).serialized()
        bytes.append(0x0A)
        try writeAll(journal, bytes, what: journalPath)
        if fdatasync(journal) != 0 { throw failure("fdatasync of '\(journalPath)' failed (errno \(errno))") }
    }

    /// Writes `state` as the snapshot, then empties the journal (see the type's comment).
    func compact(_ state: JSONObject) throws(APIError) {
        try save(state)
        if journal >= 0 { close(journal); journal = -1 }
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
