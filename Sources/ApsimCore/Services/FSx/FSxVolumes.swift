/// FSx volumes (OpenZFS and ONTAP): create, describe and delete.
extension FSxOperations {
    static func describe(_ v: FSxVolume, _ ctx: CallContext, state: String) -> JSON {
        var o = JSONObject()
        o.append("CreationTime", JSON.timestamp(milliseconds: v.creationTime))
        o.append("FileSystemId", .string(v.fileSystemID))
        o.append("Lifecycle", .string(state))
        o.append("LifecycleTransitionReason", ifPresent: reason(v))
        o.append("Name", .string(v.name))
        if v.type == "ONTAP" { o.append("OntapConfiguration", .object(v.configuration)) }
        o.append("ResourceARN", .string(arn(ctx, "volume/\(v.fileSystemID)/\(v.id)")))
        o.append("Tags", tags(v.tags))
        o.append("VolumeId", .string(v.id))
        o.append("VolumeType", .string(v.type))
        o.append("AdministrativeActions", ifPresent: describe(v.administrativeActions, targetKey: "TargetVolumeValues"))
        if v.type == "OPENZFS" { o.append("OpenZFSConfiguration", .object(v.configuration)) }
        return .object(o)
    }

    static func createVolume(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let type = input["VolumeType"]?.string ?? ""
        let name = input["Name"]?.string ?? ""
        var configuration = JSONObject()
        let fs: FSxFileSystem
        var parentID: String? = nil, svmID: String? = nil
        if type == "OPENZFS" {
            let given = input["OpenZFSConfiguration"]?.object ?? JSONObject()
            let pid = given["ParentVolumeId"]?.string ?? ""
            guard let parent = region.fsx.volumes[pid] else { throw FSxError.volumeNotFound(pid) }
            guard parent.type == "OPENZFS" else { throw FSxError.notAnOpenZFSVolume(pid) }
            let parentState = parent.lifecycle.observe(now: ctx.now)
            guard parentState == "AVAILABLE" else {
                throw FSxError.parentVolumeNotAvailable(pid, state: parentState)
            }
            guard let owner = region.fsx.fileSystems[parent.fileSystemID] else { throw FSxError.volumeNotFound(pid) }
            fs = owner
            parentID = pid
            let path = (parent.configuration["VolumePath"]?.string ?? "/fsx") + "/" + name
            if let other = region.fsx.holder(of: FSxState.volumePathKey(owner.id, path)) {
                throw FSxError.volumeNameTakenUnderParent(name, by: other, parent: pid, path: path)
            }
            configuration.append("ParentVolumeId", .string(pid))
            configuration.append("VolumePath", .string(path))
            for m in given.members where m.key != "ParentVolumeId" { configuration.append(m.key, m.value) }
        } else {
            let given = input["OntapConfiguration"]?.object ?? JSONObject()
            let sid = given["StorageVirtualMachineId"]?.string ?? ""
            guard let svm = region.fsx.storageVirtualMachines[sid], let owner = region.fsx.fileSystems[svm.fileSystemID] else {
                throw FSxError.storageVirtualMachineNotFound(sid)
            }
            fs = owner
            svmID = sid
            if let other = region.fsx.holder(of: FSxState.volumeNameKey(svm: sid, name)) {
                throw FSxError.volumeNameTakenOnSVM(name, by: other, svm: sid)
            }
            if let junction = given["JunctionPath"]?.string, let other = region.fsx.holder(of: FSxState.junctionKey(svm: sid, junction)) {
                throw FSxError.junctionPathTaken(junction, by: other, svm: sid)
            }
            configuration.append("FlexCacheEndpointType", "NONE")
            for m in given.members { configuration.append(m.key, m.value) }
            configuration.append("StorageVirtualMachineRoot", false)
            configuration["OntapVolumeType"] = given["OntapVolumeType"] ?? "RW"
            configuration.append("UUID", .string(s.ids.requestID()))
        }
        let v = FSxVolume(
            origin: s.origin(ctx, "CREATING", settlingTo: type == "ONTAP" ? "CREATED" : "AVAILABLE"),
            id: s.ids.resourceID(prefix: "fsvol-"), type: type, fileSystemID: fs.id, name: name,
            tags: Tag.list(input["Tags"], FSxService.model.tagMembers), parentVolumeID: parentID, storageVirtualMachineID: svmID, configuration: configuration)
        region.fsx.insert(v, into: fs)
        return answer("Volume", describe(v, ctx, state: v.lifecycle.current),
                      remembering: input, as: .createVolume, for: v.id, in: region.fsx)
    }

    static func describeVolumes(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "Volumes", ids: "VolumeIds", in: fsx.volumes, notFound: FSxError.volumeNotFound,
                           order: fsx.volumeOrder, scope: "fsx:volumes:", page: pageOf(50)) { v, name, values in
            name == "file-system-id" ? values.contains(v.fileSystemID) : values.contains(v.storageVirtualMachineID ?? "")
        } view: { describe($0, ctx, state: settle($0, now: ctx.now)) }
    }

    static func deleteVolume(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let v = try existing(region.fsx.volumes, input, "VolumeId", FSxError.volumeNotFound)
        let id = v.id
        if v.isRoot, let svm = v.storageVirtualMachineID { throw FSxError.svmRootVolume(id, svm: svm) }
        if v.isRoot { throw FSxError.rootVolume(id, fileSystemID: v.fileSystemID) }
        if v.attachments > 0 { throw FSxError.volumeHasAttachments(id) }
        let options = input["OpenZFSConfiguration"]?["Options"]?.array ?? []
        let cascade = options.contains("DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")
        if v.children > 0 && !cascade { throw FSxError.volumeHasChildVolumes(id) }
        if v.snapshots > 0 && !cascade { throw FSxError.volumeHasSnapshots(id) }
        // Children (and their children) go with it; a child with attachments blocks the delete. Only a
        // cascade looks for children (a scan of the region's volumes per parent that has some).
        var doomed = [v], i = 0
        while i < doomed.count {
            let parent = doomed[i]
            if parent.children > 0 { doomed += region.fsx.volumeOrder.all.filter { $0.parentVolumeID == parent.id } }
            i += 1
        }
        if let busy = doomed.first(where: { $0.attachments > 0 }) {
            throw FSxError.volumeHasAttachments(busy.id)
        }
        for d in doomed.reversed() { region.fsx.remove(d) }
        return JSONObject(["VolumeId": .string(id), "Lifecycle": "DELETING"])
    }
}
