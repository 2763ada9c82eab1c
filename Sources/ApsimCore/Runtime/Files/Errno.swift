/// The errors of file operations, as Linux names and numbers them and as NFS clients see them
/// (files.md section 7): the code is the errno's name, the message Linux's text for it, and the
/// HTTP status the data plane answers with.
enum Errno: String, CaseIterable, Sendable, Error {
    case EPERM, ENOENT, EBADF, EACCES, EEXIST, EXDEV, ENOTDIR, EISDIR, EINVAL, EFBIG, ENOSPC, EROFS, EMLINK
    case ENAMETOOLONG, ENOTEMPTY, ELOOP, ETIMEDOUT, ESTALE

    /// Linux's errno number (x86-64 and arm64 agree on these).
    var number: Int {
        switch self {
        case .EPERM: return 1
        case .ENOENT: return 2
        case .EBADF: return 9
        case .EACCES: return 13
        case .EEXIST: return 17
        case .EXDEV: return 18
        case .ENOTDIR: return 20
        case .EISDIR: return 21
        case .EINVAL: return 22
        case .EFBIG: return 27
        case .ENOSPC: return 28
        case .EROFS: return 30
        case .EMLINK: return 31
        case .ENAMETOOLONG: return 36
        case .ENOTEMPTY: return 39
        case .ELOOP: return 40
        case .ETIMEDOUT: return 110
        case .ESTALE: return 116
        }
    }

    /// Linux's text for it (strerror).
    var text: String {
        switch self {
        case .EPERM: return "Operation not permitted"
        case .ENOENT: return "No such file or directory"
        case .EBADF: return "Bad file descriptor"
        case .EACCES: return "Permission denied"
        case .EEXIST: return "File exists"
        case .EXDEV: return "Invalid cross-device link"
        case .ENOTDIR: return "Not a directory"
        case .EISDIR: return "Is a directory"
        case .EINVAL: return "Invalid argument"
        case .EFBIG: return "File too large"
        case .ENOSPC: return "No space left on device"
        case .EROFS: return "Read-only file system"
        case .EMLINK: return "Too many links"
        case .ENAMETOOLONG: return "File name too long"
        case .ENOTEMPTY: return "Directory not empty"
        case .ELOOP: return "Too many levels of symbolic links"
        case .ETIMEDOUT: return "Connection timed out"
        case .ESTALE: return "Stale file handle"
        }
    }

    /// The HTTP status of the envelope (files.md section 7).
    var status: Int {
        switch self {
        case .EACCES, .EPERM, .EROFS: return 403
        case .ENOENT: return 404
        case .EEXIST, .ENOTEMPTY: return 409
        case .ESTALE: return 410
        case .ETIMEDOUT: return 504
        case .ENOSPC: return 507
        default: return 400
        }
    }
}

/// A file operation's failure: the errno, and the message when it is not Linux's text (the data
/// limit's ENOSPC).
struct FileError: Error, Sendable, Equatable {
    let errno: Errno
    let message: String

    init(_ errno: Errno, message: String? = nil) {
        self.errno = errno
        self.message = message ?? errno.text
    }
}
