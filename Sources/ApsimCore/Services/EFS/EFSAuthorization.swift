/// The resource each EFS operation acts on, for its authorization: the file system or access
/// point it names (by ID or ARN), the file system of a mount target, or `*` for operations on no
/// resource (account preferences, listings of every file system, creating a file system).
extension EFSOperation {
    static func resource(of operation: EFSOperation, _ ctx: CallContext, _ input: JSONObject,
                         _ state: borrowing WorldState) -> String {
        func arn(_ kind: String, _ ref: String) -> String {
            ref.hasPrefix("arn:") ? ref
                : ARN.make(service: service.signingName, region: ctx.region, account: ctx.account, resource: kind + "/" + ref)
        }
        if let id = (input["FileSystemId"] ?? input["SourceFileSystemId"])?.string { return arn("file-system", id) }
        if let id = input["AccessPointId"]?.string { return arn("access-point", id) }
        if let id = input["ResourceId"]?.string { return arn(id.hasPrefix("fsap-") ? "access-point" : "file-system", id) }
        if let id = input["MountTargetId"]?.string,
           let fs = state.regionState(ctx.regionKey.text)?.efs.mountTargets[id]?.fileSystemID {
            return arn("file-system", fs)
        }
        return "*"
    }
}
