/// The FSx setup operations: file systems, storage virtual machines and volumes, as far as
/// attachments need them (see ../shared/spec/fsx.md, "Setup operations").
extension FSxOperations {
    // MARK: File systems

    /// `{"Message": ...}` for a resource forced into FAILED or MISCONFIGURED.
    static func reason(_ resource: FSxResource) -> JSON? {
        resource.transitionReason.map { ["Message": .string($0)] }
    }

    static func describe(_ fs: FSxFileSystem, _ ctx: CallContext, state: String) -> JSON {
        var o = JSONObject()
        o.append("OwnerId", .string(ctx.account))
        o.append("CreationTime", JSON.timestamp(milliseconds: fs.creationTime))
        o.append("FileSystemId", .string(fs.id))
        o.append("FileSystemType", .string(fs.type))
        o.append("Lifecycle", .string(state))
        o.append("FailureDetails", ifPresent: reason(fs))
        o.append("StorageCapacity", .int(fs.storageCapacity))
        o.append("StorageType", "SSD")
        o.append("VpcId", .string(fs.vpcID))
        o.append("SubnetIds", .array(fs.subnetIDs))
        o.append("NetworkInterfaceIds", .array(fs.networkInterfaceIDs.map { .string($0) }))
        o.append("DNSName", .string("\(fs.id).fsx.\(ctx.region).amazonaws.com"))
        // FSx encrypts every file system: without KmsKeyId, with the account and region's
        // AWS-managed key (aws/fsx).
        o.append("KmsKeyId", .string(fs.kmsKeyID ?? managedKey(ctx)))
        o.append("ResourceARN", .string(arn(ctx, "file-system/" + fs.id)))
        o.append("Tags", tags(fs.tags))
        o.append("AdministrativeActions", ifPresent: describe(fs.administrativeActions, targetKey: "TargetFileSystemValues"))
        o.append(fs.type == "ONTAP" ? "OntapConfiguration" : "OpenZFSConfiguration", .object(fs.configuration))
        return .object(o)
    }

    /// The ARN of the account and region's AWS-managed FSx key (`aws/fsx`): a UUID derived from the
    /// account and region, so it is the same in every world.
    static func managedKey(_ ctx: CallContext) -> String {
        let a = Network.hash("aws/fsx/" + ctx.account + "/" + ctx.region), b = Network.hash("key/" + ctx.region + "/" + ctx.account)
        return ARN.make(service: "kms", region: ctx.region, account: ctx.account,
                        resource: "key/" + IDGenerator.requestID(IDGenerator.RequestBits(high: a, low: b)))
    }

    /// What AWS reports of a new file system that the request left out: backups kept 30 days from a
    /// daily start time, a weekly maintenance window (both derived from the ID, as AWS picks them),
    /// automatic SSD IOPS (3 per GiB), OpenZFS's tag copying off, and an ONTAP file system's
    /// endpoints (intercluster and management, addresses in its first subnet).
    static func addDefaults(to c: inout JSONObject, given: JSONObject, type: String, id: String, storage: Int64,
                            subnet: Subnet?, _ ctx: CallContext) {
        let h = Network.hash(id)
        func two(_ n: UInt64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        c["AutomaticBackupRetentionDays"] = given["AutomaticBackupRetentionDays"] ?? 30
        c["DailyAutomaticBackupStartTime"] = given["DailyAutomaticBackupStartTime"] ?? .string(two(h % 24) + ":" + two((h >> 8) % 60))
        c["WeeklyMaintenanceStartTime"] = given["WeeklyMaintenanceStartTime"]
            ?? .string("\((h >> 16) % 7 + 1):" + two((h >> 24) % 24) + ":" + two((h >> 32) % 60))
        c["DiskIopsConfiguration"] = given["DiskIopsConfiguration"] ?? ["Mode": "AUTOMATIC", "Iops": .int(3 * storage)]
        if type == "OPENZFS" {
            c["CopyTagsToBackups"] = given["CopyTagsToBackups"] ?? false
            c["CopyTagsToVolumes"] = given["CopyTagsToVolumes"] ?? false
        } else if let subnet {
            func endpoint(_ name: String, _ salt: UInt64) -> JSON {
                let span = subnet.cidr.size > 8 ? subnet.cidr.size - 5 : 1
                let address = UInt32(truncatingIfNeeded: UInt64(subnet.cidr.base) + 4 + (h ^ salt) % span)
                return ["DNSName": .string("\(name).\(id).fsx.\(ctx.region).amazonaws.com"), "IpAddresses": [.string(IPv4.format(address))]]
            }
            c["Endpoints"] = ["Intercluster": endpoint("intercluster", 0x1C), "Management": endpoint("management", 0x3A5)]
        }
    }

    static func createFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let type = input["FileSystemType"]?.string ?? ""
        let given = (type == "ONTAP" ? input["OntapConfiguration"] : input["OpenZFSConfiguration"])?.object ?? JSONObject()
        let deployment = given["DeploymentType"]?.string ?? ""
        let subnets = try FSxNetwork.subnets(input, Network(region, ctx))
        let id = s.ids.resourceID(prefix: "fs-")
        var configuration = JSONObject()
        configuration.append("DeploymentType", .string(deployment))
        configuration.append("ThroughputCapacity", ifPresent: given["ThroughputCapacity"])
        if type == "ONTAP" {
            configuration.append("ThroughputCapacityPerHAPair", ifPresent: given["ThroughputCapacityPerHAPair"])
            configuration.append("HAPairs", given["HAPairs"] ?? 1)
        }
        configuration.append("PreferredSubnetId", ifPresent: given["PreferredSubnetId"])
        let storage = input["StorageCapacity"]?.int ?? (type == "ONTAP" ? 1024 : 64)
        addDefaults(to: &configuration, given: given, type: type, id: id, storage: storage,
                             subnet: subnets.first, ctx)
        let fs = FSxFileSystem(
            origin: s.origin(ctx, "CREATING", settlingTo: "AVAILABLE"),
            id: id, type: type, storageCapacity: storage,
            subnetIDs: input["SubnetIds"]?.array ?? [], vpcID: subnets.first?.vpcID ?? "",
            networkInterfaceIDs: subnets.map { _ in s.ids.resourceID(prefix: "eni-") },
            kmsKeyID: input["KmsKeyId"]?.string, tags: Tag.list(input["Tags"]), configuration: configuration,
            deploymentType: deployment, throughputCapacity: given["ThroughputCapacity"]?.int)
        if type == "OPENZFS" {
            let root = FSxVolume(
                origin: s.origin(ctx, "CREATING", settlingTo: "AVAILABLE"),
                id: s.ids.resourceID(prefix: "fsvol-"), type: "OPENZFS", fileSystemID: id, name: "fsx",
                tags: [], parentVolumeID: nil, storageVirtualMachineID: nil,
                configuration: JSONObject(["VolumePath": "/fsx", "ReadOnly": false]))
            fs.rootVolumeID = root.id
            fs.configuration["RootVolumeId"] = .string(root.id)
            region.fsx.insert(fs)
            region.fsx.insert(root, into: fs)
        } else {
            region.fsx.insert(fs)
        }
        return answer("FileSystem", describe(fs, ctx, state: fs.lifecycle.current),
                      remembering: input, as: "CreateFileSystem", for: id, in: region.fsx)
    }

    static func describeFileSystems(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "FileSystems", ids: "FileSystemIds", in: fsx.fileSystems,
                           notFound: FSxError.fileSystemNotFound, order: fsx.fileSystemOrder, scope: "fsx:fs",
                           page: PageRequest(defaultLimit: Int64(Int32.max))) { describe($0, ctx, state: settle($0, now: ctx.now)) }
    }

    static func deleteFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let fs = try existing(region.fsx.fileSystems, input, "FileSystemId", FSxError.fileSystemNotFound)
        let id = fs.id
        if fs.attachments > 0 { throw FSxError.fileSystemHasAttachments(id) }
        if fs.type == "ONTAP" && (fs.volumes > 0 || fs.storageVirtualMachines > 0) {
            throw FSxError.fileSystemHasONTAPResources(id)
        }
        let options = input["OpenZFSConfiguration"]?["Options"]?.array ?? []
        let cascade = options.contains("DELETE_CHILD_VOLUMES_AND_SNAPSHOTS")
        if fs.type == "OPENZFS" && fs.volumes > 0 && !cascade { throw FSxError.fileSystemHasChildVolumes(id) }
        if fs.snapshots > 0 && !cascade { throw FSxError.fileSystemHasSnapshots(id) }
        region.fsx.remove(fs)
        return JSONObject(["FileSystemId": .string(id), "Lifecycle": "DELETING"])
    }

    // MARK: Storage virtual machines

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
            tags: Tag.list(input["Tags"]))
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
                      remembering: input, as: "CreateStorageVirtualMachine", for: svm.id, in: region.fsx)
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

    // MARK: Volumes

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
            tags: Tag.list(input["Tags"]), parentVolumeID: parentID, storageVirtualMachineID: svmID, configuration: configuration)
        region.fsx.insert(v, into: fs)
        return answer("Volume", describe(v, ctx, state: v.lifecycle.current),
                      remembering: input, as: "CreateVolume", for: v.id, in: region.fsx)
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
