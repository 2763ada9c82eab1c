/// FSx file systems (OpenZFS and ONTAP): create, describe and delete.
extension FSxOperations {
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
            kmsKeyID: input["KmsKeyId"]?.string, tags: Tag.list(input["Tags"], FSxService.model.tagMembers), configuration: configuration,
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
                      remembering: input, as: .createFileSystem, for: id, in: region.fsx)
    }

    static func describeFileSystems(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "FileSystems", ids: "FileSystemIds", in: fsx.fileSystems,
                           notFound: FSxError.fileSystemNotFound, order: fsx.fileSystemOrder, scope: "fsx:fs",
                           page: PageRequest(token: FSxMembers.DescribeFileSystemsRequest.nextToken,
                                             limit: FSxMembers.DescribeFileSystemsRequest.maxResults, defaultLimit: Int64(Int32.max))) { describe($0, ctx, state: settle($0, now: ctx.now)) }
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
}
