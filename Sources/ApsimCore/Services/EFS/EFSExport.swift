/// EFS's part of apsim:ExportState and ImportState: its resources and settings of one account
/// and region.
extension EFSService {
    static func export(_ region: RegionState, into o: inout JSONObject) {
        let efs = region.efs
        o.append("EFSResourceIdType", ifPresent: efs.resourceIdType == "LONG_ID" ? nil : .string(efs.resourceIdType))
        o.append("EFSManagedKeyArn", ifPresent: efs.managedKeyARN.map { .string($0) })
        o.append("EFSFileSystems", .array(efs.fileSystemOrder.all.map { fs in
            var j = JSONObject()
            j.append("Id", .string(fs.id))
            j.append("Seq", .int(Int64(fs.seq)))
            j.append("CreationToken", .string(fs.creationToken))
            j.append("CreationTime", .int(fs.creationTime))
            j.append("Lifecycle", fs.lifecycle.json)
            j.append("PerformanceMode", .string(fs.performanceMode))
            j.append("ThroughputMode", .string(fs.throughputMode))
            j.append("Encrypted", .bool(fs.encrypted))
            j.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
            j.append("ProvisionedThroughputInMibps", ifPresent: fs.provisionedThroughput)
            j.append("AvailabilityZoneName", ifPresent: fs.availabilityZoneName.map { .string($0) })
            j.append("Tags", Tag.json(fs.tags, .export))
            j.append("LastAccessPointCreated", ifPresent: fs.lastAccessPointCreated.map { .int($0) })
            j.append("LastThroughputDecrease", ifPresent: fs.lastThroughputDecrease.map { .int($0) })
            j.append("LifecyclePolicies", ifPresent: fs.lifecyclePolicies.isEmpty ? nil : .array(fs.lifecyclePolicies))
            j.append("BackupPolicy", ifPresent: fs.backupPolicy?.json)
            j.append("Policy", ifPresent: fs.policy.map { .string($0) })
            j.append("Protection", ifPresent: fs.protection == "ENABLED" ? nil : .string(fs.protection))
            j.append("Replication", ifPresent: fs.replication.map { r in
                var o = JSONObject()
                o.append("DestinationFileSystemId", .string(r.destination.fileSystemID))
                o.append("DestinationRegion", .string(r.destination.region))
                o.append("CreationTime", .int(r.creationTime))
                o.append("Status", r.status.json)
                o.append("RoleArn", ifPresent: r.roleARN.map { .string($0) })
                return .object(o)
            })
            j.append("ReplicatedFrom", ifPresent: fs.replicatedFrom.map {
                ["FileSystemId": .string($0.fileSystemID), "Region": .string($0.region)]
            })
            return .object(j)
        }))
        o.append("EFSAccessPoints", .array(efs.accessPointOrder.all.map { ap in
            var j = JSONObject()
            j.append("Id", .string(ap.id))
            j.append("Seq", .int(Int64(ap.seq)))
            j.append("ClientToken", .string(ap.clientToken))
            j.append("FileSystemId", .string(ap.fileSystemID))
            j.append("Tags", Tag.json(ap.tags, .export))
            j.append("PosixUser", ifPresent: ap.posixUser?.json)
            j.append("RootDirectory", ap.rootDirectory.json)
            j.append("Lifecycle", ap.lifecycle.json)
            return .object(j)
        }))
        let mountTargets = efs.fileSystemOrder.all.flatMap { $0.mountTargets.all }.sorted { $0.seq < $1.seq }
        o.append("EFSMountTargets", .array(mountTargets.map { mt in
            var j = JSONObject()
            j.append("Id", .string(mt.id))
            j.append("Seq", .int(Int64(mt.seq)))
            j.append("FileSystemId", .string(mt.fileSystemID))
            j.append("Subnet", [
                "SubnetId": .string(mt.subnet.id), "VpcId": .string(mt.subnet.vpcID),
                "AvailabilityZone": .string(mt.subnet.availabilityZone), "AvailabilityZoneId": .string(mt.subnet.availabilityZoneID),
                "CidrBlock": .string(mt.subnet.cidr.text),
            ])
            j.append("IpAddress", ifPresent: mt.ipAddress.map { .string(IPv4.format($0)) })
            j.append("Ipv6Address", ifPresent: mt.ipv6Address.map { .string($0) })
            j.append("SecurityGroups", .array(mt.securityGroups.map { .string($0) }))
            j.append("NetworkInterfaceId", .string(mt.networkInterfaceID))
            j.append("Lifecycle", mt.lifecycle.json)
            j.append("Deleting", .bool(mt.deleting))
            return .object(j)
        }))
    }

    static func restore(_ r: DocumentReader, into region: RegionState, account: String,
                        region name: String) throws(APIError) {
        let efs = region.efs
        efs.resourceIdType = try r.optionalString("EFSResourceIdType") ?? "LONG_ID"
        efs.managedKeyARN = try r.arn("EFSManagedKeyArn", service: "kms", region: name, account: account)
        var order = DocumentReader.Order()
        for f in try r.items("EFSFileSystems") {
            let id = try f.id("Id", prefix: "fs-"), seq = try order.next(f), zone = try f.optionalString("AvailabilityZoneName")
            let zoneID = try zone.map { z throws(APIError) -> String in
                guard let zoneID = EFSOperations.zoneID(z, region: name) else {
                    throw f.invalid("AvailabilityZoneName", "'\(Validator.echo(.string(z)))' is not an Availability Zone of \(name)")
                }
                return zoneID
            }
            let states = ServiceModel.efs.lifecycleStates
            let fs = EFSFileSystem(
                id: id, seq: seq,
                arn: ARN.make(service: ServiceModel.efs.signingName, region: name, account: account, resource: "file-system/" + id),
                creationToken: try f.string("CreationToken", EFSShapes.CreationToken), creationTime: try f.int("CreationTime"),
                lifecycle: try f.lifecycle("Lifecycle", states: states["FileSystem"]),
                performanceMode: try f.string("PerformanceMode", EFSShapes.PerformanceMode),
                throughputMode: try f.string("ThroughputMode", EFSShapes.ThroughputMode),
                provisionedThroughput: try f.checked("ProvisionedThroughputInMibps", EFSShapes.ProvisionedThroughputInMibps),
                encrypted: try f.bool("Encrypted"), kmsKeyID: try f.optionalString("KmsKeyId", EFSShapes.KmsKeyId),
                availabilityZoneName: zone, availabilityZoneID: zoneID,
                tags: try f.tags("Tags"))
            fs.lastAccessPointCreated = try f.optionalInt("LastAccessPointCreated")
            fs.lastThroughputDecrease = try f.optionalInt("LastThroughputDecrease")
            fs.lifecyclePolicies = f.raw("LifecyclePolicies")?.array ?? []
            fs.backupPolicy = f.raw("BackupPolicy") == nil ? nil : try f.lifecycle("BackupPolicy")
            fs.policy = try f.optionalString("Policy")
            fs.protection = try f.optionalString("Protection") ?? "ENABLED"
            if f.raw("Replication") != nil {
                let r = try DocumentReader(f.raw("Replication"), f.path + ".Replication")
                fs.replication = EFSReplication(
                    destination: EFSReplication.End(fileSystemID: try r.string("DestinationFileSystemId"),
                                                    region: try r.string("DestinationRegion")),
                    creationTime: try r.int("CreationTime"), status: try r.lifecycle("Status"), roleARN: try r.optionalString("RoleArn"))
            }
            if f.raw("ReplicatedFrom") != nil {
                let r = try DocumentReader(f.raw("ReplicatedFrom"), f.path + ".ReplicatedFrom")
                fs.replicatedFrom = EFSReplication.End(fileSystemID: try r.string("FileSystemId"), region: try r.string("Region"))
            }
            efs.insert(fs)
        }
        order = DocumentReader.Order()
        for a in try r.items("EFSAccessPoints") {
            let seq = try order.next(a), fsID = try a.id("FileSystemId", prefix: "fs-")
            guard let fs = efs.fileSystems[fsID] else { throw a.invalid("FileSystemId", "no such file system") }
            let ap = EFSAccessPoint(
                id: try a.id("Id", prefix: "fsap-"), seq: seq,
                clientToken: try a.string("ClientToken", EFSShapes.ClientToken), fileSystemID: fsID, tags: try a.tags("Tags"),
                posixUser: PosixUser(a.raw("PosixUser")), rootDirectory: RootDirectory(a.raw("RootDirectory")),
                lifecycle: try a.lifecycle("Lifecycle", states: ServiceModel.efs.lifecycleStates["AccessPoint"]))
            efs.insert(ap, into: fs)
        }
        order = DocumentReader.Order()
        for m in r.raw("EFSMountTargets") == nil ? [] : try r.items("EFSMountTargets") {
            let seq = try order.next(m), fsID = try m.id("FileSystemId", prefix: "fs-")
            guard let fs = efs.fileSystems[fsID] else { throw m.invalid("FileSystemId", "no such file system") }
            let subnet = try DocumentReader(m.raw("Subnet"), m.path + ".Subnet")
            let cidr = try subnet.string("CidrBlock")
            guard let block = IPv4Block(cidr) else { throw subnet.invalid("CidrBlock", "expected an IPv4 CIDR block") }
            let address = try m.optionalString("IpAddress")
            let ipv4 = try address.map { text throws(APIError) -> UInt32 in
                guard let ip = IPv4.parse(text) else { throw m.invalid("IpAddress", "expected an IPv4 address") }
                return ip
            }
            let mt = EFSMountTarget(
                id: try m.id("Id", prefix: "fsmt-"), seq: seq, fileSystemID: fsID,
                subnet: Subnet(id: try subnet.id("SubnetId", prefix: "subnet-"), vpcID: try subnet.id("VpcId", prefix: "vpc-"),
                               availabilityZone: try subnet.string("AvailabilityZone"),
                               availabilityZoneID: try subnet.string("AvailabilityZoneId"), cidr: block),
                ipAddress: ipv4, ipv6Address: try m.optionalString("Ipv6Address"),
                securityGroups: try m.ids("SecurityGroups", prefix: "sg-"),
                networkInterfaceID: try m.id("NetworkInterfaceId", prefix: "eni-"),
                lifecycle: try m.lifecycle("Lifecycle", states: ServiceModel.efs.lifecycleStates["MountTarget"]))
            mt.deleting = try m.bool("Deleting")
            efs.insert(mt, into: fs)
        }
    }
}
