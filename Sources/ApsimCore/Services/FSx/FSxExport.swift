/// FSx's part of apsim:ExportState and ImportState: its resources of one account and region,
/// in creation order.
extension FSxService {
    static func export(_ region: RegionState, into o: inout JSONObject) {
        o.append("FSxFileSystems", .array(region.fsx.fileSystemOrder.all.map { fs in
            var j = JSONObject()
            j.append("Id", .string(fs.id))
            fs.exportOrigin(&j)
            j.append("Type", .string(fs.type))
            j.append("AdministrativeActions", ifPresent: actions(fs.administrativeActions))
            j.append("StorageCapacity", .int(fs.storageCapacity))
            j.append("SubnetIds", .array(fs.subnetIDs))
            j.append("VpcId", .string(fs.vpcID))
            j.append("NetworkInterfaceIds", .array(fs.networkInterfaceIDs.map { .string($0) }))
            j.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
            j.append("Tags", Tag.json(fs.tags, .export))
            j.append("Configuration", .object(fs.configuration))
            j.append("DeploymentType", .string(fs.deploymentType))
            j.append("ThroughputCapacity", ifPresent: fs.throughputCapacity.map { .int($0) })
            j.append("RootVolumeId", ifPresent: fs.rootVolumeID.map { .string($0) })
            return .object(j)
        }))
        o.append("FSxStorageVirtualMachines", .array(region.fsx.storageVirtualMachineOrder.all.map { svm in
            var j = JSONObject()
            j.append("Id", .string(svm.id))
            svm.exportOrigin(&j)
            j.append("FileSystemId", .string(svm.fileSystemID))
            j.append("Name", .string(svm.name))
            j.append("UUID", .string(svm.uuid))
            j.append("Tags", Tag.json(svm.tags, .export))
            j.append("ActiveDirectoryConfiguration", ifPresent: svm.activeDirectory.map { .object($0) })
            j.append("SvmAdminPassword", ifPresent: svm.adminPassword.map { .string($0) })
            j.append("Endpoints", ifPresent: svm.endpoints)
            j.append("RootVolumeId", ifPresent: svm.rootVolumeID.map { .string($0) })
            return .object(j)
        }))
        o.append("FSxVolumes", .array(region.fsx.volumeOrder.all.map { v in
            var j = JSONObject()
            j.append("Id", .string(v.id))
            v.exportOrigin(&j)
            j.append("Type", .string(v.type))
            j.append("FileSystemId", .string(v.fileSystemID))
            j.append("Name", .string(v.name))
            j.append("AdministrativeActions", ifPresent: actions(v.administrativeActions))
            j.append("Tags", Tag.json(v.tags, .export))
            j.append("ParentVolumeId", ifPresent: v.parentVolumeID.map { .string($0) })
            j.append("StorageVirtualMachineId", ifPresent: v.storageVirtualMachineID.map { .string($0) })
            j.append("Configuration", .object(v.configuration))
            return .object(j)
        }))
        o.append("FSxSnapshots", .array(region.fsx.snapshotOrder.all.map { snapshot in
            var j = JSONObject()
            j.append("Id", .string(snapshot.id))
            snapshot.exportOrigin(&j)
            j.append("VolumeId", .string(snapshot.volumeID))
            j.append("Name", .string(snapshot.name))
            j.append("Tags", Tag.json(snapshot.tags, .export))
            return .object(j)
        }))
        o.append("FSxAttachments", .array(region.fsx.attachmentOrder.all.map { a in
            var j = JSONObject()
            j.append("Name", .string(a.name))
            a.exportOrigin(&j)
            j.append("Type", .string(a.type))
            j.append("VolumeId", .string(a.volumeID))
            j.append("FileSystemId", .string(a.fileSystemID))
            j.append("Configuration", a.configuration)
            j.append("Alias", .string(a.alias))
            j.append("VpcConfiguration", ifPresent: a.vpcConfiguration)
            j.append("Policy", ifPresent: a.policy.map { .string($0) })
            j.append("Deleting", .bool(a.deleting))
            return .object(j)
        }))
        o.append("FSxClientTokens", .array(region.fsx.tokens.sorted.map { key, rec in
            ["Key": .string(key), "Request": .object(rec.request), "ResourceId": .string(rec.resourceID)]
        }))
    }

    static func restore(_ r: DocumentReader, into region: RegionState, account: String,
                        region name: String) throws(APIError) {
        var order = DocumentReader.Order()
        for f in try r.items("FSxFileSystems") {
            let seq = try order.next(f)
            let fs = FSxFileSystem(
                origin: try f.origin(seq, kind: "FileSystem"),
                id: try f.id("Id", prefix: "fs-"), type: try f.string("Type", FSxShapes.FileSystemType),
                storageCapacity: try f.int("StorageCapacity"),
                subnetIDs: try f.ids("SubnetIds", prefix: "subnet-").map { .string($0) }, vpcID: try f.id("VpcId", prefix: "vpc-"),
                networkInterfaceIDs: f.raw("NetworkInterfaceIds") == nil ? [] : try f.ids("NetworkInterfaceIds", prefix: "eni-"),
                kmsKeyID: try f.optionalString("KmsKeyId"),
                tags: try f.tags("Tags"), configuration: try f.objectValue("Configuration"),
                deploymentType: try f.string("DeploymentType"), throughputCapacity: try f.optionalInt("ThroughputCapacity"))
            fs.rootVolumeID = f.raw("RootVolumeId") == nil ? nil : try f.id("RootVolumeId", prefix: "fsvol-")
            fs.administrativeActions = try actions(f, "AdministrativeActions")
            region.fsx.insert(fs)
        }
        // Snapshots written before storage virtual machines kept a Seq list them by ID: number them in that order.
        order = DocumentReader.Order()
        for (i, v) in try r.items("FSxStorageVirtualMachines").enumerated() {
            let fsID = try v.string("FileSystemId")
            guard let fs = region.fsx.fileSystems[fsID] else { throw v.invalid("FileSystemId", "no such file system") }
            let seq = v.raw("Seq") == nil ? UInt64(i + 1) : try order.next(v)
            let svm = FSxStorageVirtualMachine(
                origin: try v.origin(seq, kind: "StorageVirtualMachine"), id: try v.id("Id", prefix: "svm-"), fileSystemID: fsID,
                name: try v.string("Name"),
                uuid: try v.string("UUID"),
                tags: try v.tags("Tags"))
            svm.activeDirectory = v.raw("ActiveDirectoryConfiguration")?.object
            svm.adminPassword = try v.optionalString("SvmAdminPassword")
            svm.endpoints = v.raw("Endpoints")
            svm.rootVolumeID = v.raw("RootVolumeId") == nil ? nil : try v.id("RootVolumeId", prefix: "fsvol-")
            region.fsx.insert(svm, into: fs)
        }
        order = DocumentReader.Order()
        for v in try r.items("FSxVolumes") {
            let seq = try order.next(v), fsID = try v.string("FileSystemId")
            guard let fs = region.fsx.fileSystems[fsID] else { throw v.invalid("FileSystemId", "no such file system") }
            let volume = FSxVolume(
                origin: try v.origin(seq, kind: "Volume"), id: try v.id("Id", prefix: "fsvol-"),
                type: try v.string("Type", FSxShapes.VolumeType), fileSystemID: fsID,
                name: try v.string("Name"), tags: try v.tags("Tags"),
                parentVolumeID: try v.optionalString("ParentVolumeId"),
                storageVirtualMachineID: try v.optionalString("StorageVirtualMachineId"),
                configuration: try v.objectValue("Configuration"))
            volume.administrativeActions = try actions(v, "AdministrativeActions")
            if let parent = volume.parentVolumeID, region.fsx.volumes[parent] == nil {
                throw v.invalid("ParentVolumeId", "no such volume")
            }
            if let svm = volume.storageVirtualMachineID, region.fsx.storageVirtualMachines[svm] == nil {
                throw v.invalid("StorageVirtualMachineId", "no such storage virtual machine")
            }
            region.fsx.insert(volume, into: fs)
        }
        order = DocumentReader.Order()
        for n in r.raw("FSxSnapshots") == nil ? [] : try r.items("FSxSnapshots") {
            let seq = try order.next(n), volumeID = try n.string("VolumeId")
            guard let volume = region.fsx.volumes[volumeID] else { throw n.invalid("VolumeId", "no such volume") }
            let snapshot = FSxSnapshot(
                origin: try n.origin(seq, kind: "Snapshot"), id: try n.id("Id", prefix: "fsvolsnap-"), volumeID: volumeID, fileSystemID: volume.fileSystemID,
                name: try n.string("Name"), tags: try n.tags("Tags"))
            region.fsx.insert(snapshot, of: volume)
        }
        order = DocumentReader.Order()
        for a in try r.items("FSxAttachments") {
            let seq = try order.next(a), attachmentName = try a.string("Name")
            let attachment = FSxAttachment(
                origin: try a.origin(seq, kind: "S3AccessPointAttachment"),
                name: try a.string("Name", FSxShapes.S3AccessPointAttachmentName),
                type: try a.string("Type", FSxShapes.S3AccessPointAttachmentType), volumeID: try a.string("VolumeId"),
                fileSystemID: try a.string("FileSystemId"), configuration: a.raw("Configuration") ?? .null,
                arn: ARN.make(service: "s3", region: name, account: account, resource: "accesspoint/" + attachmentName),
                alias: try a.string("Alias"), vpcConfiguration: a.raw("VpcConfiguration"), policy: try a.optionalString("Policy"))
            attachment.deleting = try a.bool("Deleting")
            region.fsx.insert(attachment)
        }
        for t in try r.items("FSxClientTokens") {
            let key = try t.string("Key")
            let operation = String(key.prefix(while: { $0 != "/" }))
            let token = String(key.dropFirst(operation.count + 1))
            region.fsx.tokens.remember(operation, token: token, request: try t.objectValue("Request"),
                                       resourceID: try t.string("ResourceId"))
        }
    }

    static func actions(_ list: [FSxAdministrativeAction]) -> JSON? {
        list.isEmpty ? nil : .array(list.map { a in
            ["Type": .string(a.type), "RequestTime": .int(a.requestTime), "Status": a.status.json, "Target": .object(a.target),
             "Applied": .bool(a.applied)]
        })
    }

    static func actions(_ r: DocumentReader, _ key: String) throws(APIError) -> [FSxAdministrativeAction] {
        guard r.raw(key) != nil else { return [] }
        var out: [FSxAdministrativeAction] = []
        for a in try r.items(key) {
            out.append(FSxAdministrativeAction(type: try a.string("Type"), requestTime: try a.int("RequestTime"),
                                               status: try a.lifecycle("Status"), target: try a.objectValue("Target"),
                                               applied: try a.bool("Applied")))
        }
        return out
    }
}

extension DocumentReader {
    /// The origin of a restored FSx resource: `seq` (its place in creation order), CreationTime,
    /// Lifecycle and TransitionReason.
    /// `kind` names the model's lifecycle states the resource may be in ("Volume").
    func origin(_ seq: UInt64, kind: String) throws(APIError) -> FSxResource.Origin {
        FSxResource.Origin(seq: seq, creationTime: try int("CreationTime"),
                           lifecycle: try lifecycle("Lifecycle", states: ServiceModel.fsx.lifecycleStates[kind]),
                           transitionReason: try optionalString("TransitionReason"))
    }
}

extension FSxResource {
    /// What every FSx resource's snapshot entry holds: its place in creation order, creation time,
    /// lifecycle and failure reason (read back by `DocumentReader.origin`).
    func exportOrigin(_ j: inout JSONObject) {
        j.append("Seq", .int(Int64(seq)))
        j.append("CreationTime", .int(creationTime))
        j.append("Lifecycle", lifecycle.json)
        j.append("TransitionReason", ifPresent: transitionReason.map { .string($0) })
    }
}
