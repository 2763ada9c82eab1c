/// FSx for ONTAP storage virtual machines: create, describe, update and delete.
extension FSxOperations {
    static func createStorageVirtualMachine(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let fsID = input["FileSystemId"]?.string ?? ""
        guard let fs = region.fsx.fileSystems[fsID] else { throw FSxError.fileSystemNotFound(fsID) }
        guard fs.type == "ONTAP" else { throw FSxError.storageVirtualMachinesNeedONTAP(fsID, type: fs.type) }
        let state = fs.lifecycle.observe(now: ctx.now)
        guard state == "AVAILABLE" else { throw FSxError.fileSystemNotAvailable(fsID, state: state) }
        let svmName = input["Name"]?.string ?? ""
        if let other = region.fsx.holder(of: FSxState.svmNameKey(fsID, svmName)) {
            throw FSxError.storageVirtualMachineNameTaken(svmName, by: other, fileSystem: fsID)
        }
        let svm = FSxStorageVirtualMachine(
            origin: s.origin(ctx, "CREATING", settlingTo: "CREATED"),
            id: s.ids.resourceID(prefix: "svm-"), fileSystemID: fsID, name: input["Name"]?.string ?? "", uuid: s.ids.requestID(),
            tags: Tag.list(input["Tags"], FSxService.model.tagMembers))
        // What AWS makes with it: its endpoints, and its root volume (`<name>_root` at `/`).
        func endpoint(_ kind: String) -> JSON {
            let h = Network.hash(svm.id + "/" + kind)
            return ["DNSName": .string("\(kind.lowercased()).\(svm.id).\(fsID).fsx.\(ctx.region).amazonaws.com"),
                    "IpAddresses": [.string("198.19.\((h >> 8) % 256).\(4 + h % 250)")]]
        }
        svm.endpoints = ["Iscsi": endpoint("Iscsi"), "Management": endpoint("Management"), "Nfs": endpoint("Nfs")]
        let root = FSxVolume(
            origin: s.origin(ctx, "CREATING", settlingTo: "CREATED"),
            id: s.ids.resourceID(prefix: "fsvol-"), type: "ONTAP", fileSystemID: fsID, name: svmName + "_root",
            tags: [], parentVolumeID: nil, storageVirtualMachineID: svm.id,
            configuration: JSONObject([
                "FlexCacheEndpointType": "NONE", "JunctionPath": "/", "SecurityStyle": "UNIX", "SizeInMegabytes": 1024,
                "StorageVirtualMachineId": .string(svm.id), "StorageVirtualMachineRoot": true, "OntapVolumeType": "RW",
                "UUID": .string(s.ids.requestID()),
            ]))
        svm.rootVolumeID = root.id
        region.fsx.insert(svm, into: fs)
        region.fsx.insert(root, into: fs)
        return answer("StorageVirtualMachine", describe(svm, ctx, state: svm.lifecycle.current),
                      remembering: input, as: .createStorageVirtualMachine, for: svm.id, in: region.fsx)
    }

    static func describe(_ svm: FSxStorageVirtualMachine, _ ctx: CallContext, state: String) -> JSON {
        var o = JSONObject()
        o.append("CreationTime", JSON.timestamp(milliseconds: svm.creationTime))
        o.append("FileSystemId", .string(svm.fileSystemID))
        o.append("Lifecycle", .string(state))
        o.append("Name", .string(svm.name))
        o.append("ResourceARN", .string(arn(ctx, "storage-virtual-machine/\(svm.fileSystemID)/\(svm.id)")))
        o.append("StorageVirtualMachineId", .string(svm.id))
        o.append("Subtype", "DEFAULT")
        o.append("Endpoints", ifPresent: svm.endpoints)
        o.append("UUID", .string(svm.uuid))
        o.append("Tags", tags(svm.tags))
        o.append("ActiveDirectoryConfiguration", ifPresent: svm.activeDirectory.map { .object($0) })
        o.append("LifecycleTransitionReason", ifPresent: reason(svm))
        return .object(o)
    }


    static func describeStorageVirtualMachines(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "StorageVirtualMachines", ids: "StorageVirtualMachineIds",
                           in: fsx.storageVirtualMachines, notFound: FSxError.storageVirtualMachineNotFound,
                           order: fsx.storageVirtualMachineOrder, scope: "fsx:svms:", page: pageOf(50)) { svm, _, values in
            values.contains(svm.fileSystemID)
        } view: { describe($0, ctx, state: $0.lifecycle.observe(now: ctx.now)) }
    }

    /// Stores the admin password (never described) and the Active Directory configuration (its
    /// password left out).
    static func updateStorageVirtualMachine(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let svm = try storageVirtualMachine(s.region(ctx), input)
        if let password = input["SvmAdminPassword"]?.string { svm.adminPassword = password }
        if var directory = input["ActiveDirectoryConfiguration"]?.object {
            if var selfManaged = directory["SelfManagedActiveDirectoryConfiguration"]?.object {
                selfManaged["Password"] = nil
                directory["SelfManagedActiveDirectoryConfiguration"] = .object(selfManaged)
            }
            var merged = svm.activeDirectory ?? JSONObject()
            for m in directory.members { merged[m.key] = m.value }
            svm.activeDirectory = merged
        }
        return JSONObject(["StorageVirtualMachine": describe(svm, ctx, state: svm.lifecycle.observe(now: ctx.now))])
    }

    /// Deletes a storage virtual machine without volumes: it answers DELETING and is gone.
    static func deleteStorageVirtualMachine(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let svm = try storageVirtualMachine(region, input)
        if svm.volumes > 0 { throw FSxError.storageVirtualMachineHasVolumes(svm.id) }
        if let root = svm.rootVolumeID, let volume = region.fsx.volumes[root] { region.fsx.remove(volume) }
        region.fsx.remove(svm)
        return JSONObject(["StorageVirtualMachineId": .string(svm.id), "Lifecycle": "DELETING"])
    }

    static func storageVirtualMachine(_ region: RegionState, _ input: JSONObject) throws(APIError) -> FSxStorageVirtualMachine {
        try existing(region.fsx.storageVirtualMachines, input, "StorageVirtualMachineId",
                     FSxError.storageVirtualMachineNotFound)
    }
}
