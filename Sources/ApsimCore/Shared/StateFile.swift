#if canImport(Glibc)
import Glibc
#endif

/// The `state_file` of a world: loaded when the world opens, rewritten after every change.
///
/// A write goes to a temporary file in the same directory, is fsynced, renamed over the state
/// file and the directory is fsynced: a process killed at any moment leaves either the previous
/// or the new state, never a torn one, and a change is acknowledged only after it is on disk. A
/// call whose change cannot be written fails with InternalServerError. A file that exists but is
/// not a valid state is refused when the world opens and left untouched.
struct StateFile: Sendable {
    let path: String
    /// The largest state file read (a state is bigger than any request).
    static let maxBytes = 1 << 31

    func failure(_ what: String) -> APIError {
        APIError(code: "InternalServerError", message: "apsim could not write state_file '\(path)': \(what).", status: 500)
    }

    /// The saved state, or nil when the file does not exist yet.
    func load() throws(APIError) -> JSON? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw refused("it cannot be opened (errno \(errno))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw refused("it cannot be read (errno \(errno))") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > StateFile.maxBytes { throw refused("it is larger than 2 GiB") }
        }
        do {
            return try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSON.parse(bytes: b, maxBytes: StateFile.maxBytes) }
        } catch {
            throw refused(error.message)
        }
    }

    func refused(_ why: String) -> APIError {
        let reason = why.hasSuffix(".") ? String(why.dropLast()) : why
        return APIError(code: "InvalidConfiguration",
                        message: "state_file '\(path)' is not a valid apsim state (\(reason)); it was left untouched.", status: 400)
    }

    func save(_ state: JSONObject) throws(APIError) {
        let bytes = JSON.object(state).serialized()
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create '\(temp)' (errno \(errno))") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlink(temp)
                throw failure("write failed (errno \(e))")
            }
            written += n
        }
        if fsync(fd) != 0 { let e = errno; close(fd); unlink(temp); throw failure("fsync failed (errno \(e))") }
        close(fd)
        if rename(temp, path) != 0 { let e = errno; unlink(temp); throw failure("rename failed (errno \(e))") }
        // Make the rename itself durable.
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
