/// Every error the nfs: data plane answers (files.md section 7): an errno by its name with Linux's
/// text (`NFSErrorCode`, generated from models/nfs), `Errno` (Linux's number) and `Path` beside
/// it; and the mount helper's own refusals (`MountHelperError`, without either).
enum NFSError {
    /// The error of `failure` on `path` (a Rename or Link that fails carries `NewPath` too).
    static func errno(_ failure: FileError, path: String, newPath: String? = nil) -> APIError {
        let code = NFSErrorCode(rawValue: failure.errno.rawValue) ?? .einval
        var members = JSONObject()
        members.append("Errno", .int(Int64(failure.errno.number)))
        members.append("Path", .string(path))
        members.append("NewPath", ifPresent: newPath.map { .string($0) })
        return APIError(code: code.rawValue, message: failure.message, status: failure.errno.status, members: members)
    }

    /// A mount refused by the server: the errno, with the client's line as the message
    /// (`mount.nfs4: access denied by server while mounting 127.0.0.1:/`).
    static func mountRefused(_ errno: Errno, line: String, path: String) -> APIError {
        NFSError.errno(FileError(errno, message: line), path: path)
    }

    /// The mount helper refused before anything reached the server.
    static func mountHelper(_ line: String) -> APIError {
        APIError(code: NFSErrorCode.mountHelperError.rawValue, message: line, status: 400)
    }

    static func accessPointNeedsTLS() -> APIError { mountHelper(#"The "tls" option is required when mounting via "accesspoint""#) }
    static func iamNeedsTLS() -> APIError { mountHelper(#"The "tls" option is required when mounting via "iam""#) }
    static func malformedAccessPoint(_ id: String) -> APIError { mountHelper("Access Point ID \(id) is malformed") }

    static func unresolved(_ fileSystemID: String, region: String) -> APIError {
        mountHelper(#"Failed to resolve "\#(fileSystemID).efs.\#(region).amazonaws.com" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."#)
    }

    static func accessDenied(host: String, path: String) -> APIError {
        mountRefused(.EACCES, line: "mount.nfs4: access denied by server while mounting \(host):\(path)", path: path)
    }

    static func noSuchPath(host: String, path: String) -> APIError {
        mountRefused(.ENOENT, line: "mount.nfs4: mounting \(host):\(path) failed, reason given by server: No such file or directory", path: path)
    }

    static func timedOut(path: String) -> APIError {
        mountRefused(.ETIMEDOUT, line: "mount.nfs4: Connection timed out", path: path)
    }

    /// A mount must name exactly one file system or volume.
    static let oneTarget = APIError(code: NFSErrorCode.validationException.rawValue,
                                    message: "nfs:Mount takes exactly one of FileSystemId (or AccessPointArn) and VolumeId.", status: 400)

    /// A MountId that is no mount (never made, unmounted, or from before the world was reopened).
    static func badMount(path: String) -> APIError {
        errno(FileError(.EBADF), path: path)
    }
}
