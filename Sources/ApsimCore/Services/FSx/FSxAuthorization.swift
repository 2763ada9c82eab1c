/// The resource each FSx operation acts on, for its authorization: the resource its ARN or ID
/// names (a volume, snapshot or storage virtual machine under its file system, as FSx's ARNs
/// are), or `*` for operations on no one resource (creating a file system, listings).
extension FSxOperation {
    static func resource(of operation: FSxOperation, _ ctx: CallContext, _ input: JSONObject,
                         _ state: borrowing WorldState) -> String {
        if let arn = input["ResourceARN"]?.string { return arn }
        let fsx = state.regionState(ctx.regionKey.text)?.fsx
        if let name = input["Name"]?.string, let attachment = fsx?.attachments[name] { return attachment.arn }
        func arn(_ resource: String) -> String {
            ARN.make(service: service.signingName, region: ctx.region, account: ctx.account, resource: resource)
        }
        if let id = input["SnapshotId"]?.string, let snapshot = fsx?.snapshots[id] {
            return arn("snapshot/\(snapshot.volumeID)/\(id)")
        }
        if let id = input["VolumeId"]?.string, let volume = fsx?.volumes[id] {
            return arn("volume/\(volume.fileSystemID)/\(id)")
        }
        if let id = input["StorageVirtualMachineId"]?.string, let svm = fsx?.storageVirtualMachines[id] {
            return arn("storage-virtual-machine/\(svm.fileSystemID)/\(id)")
        }
        if let id = input["FileSystemId"]?.string { return arn("file-system/" + id) }
        return "*"
    }
}
