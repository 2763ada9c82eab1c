/// The whole world as one JSON document (apsim:ExportState), and back (apsim:ImportState, the
/// `state` and `state_file` config keys).
///
/// A restored world continues exactly where the exported one stood: resources with their
/// creation order and lifecycle, client tokens, the clock, the positions of the seeded ID,
/// RequestId and fault streams, armed faults, issued IDs and aliases. Everything is written in a
/// deterministic order, so the same world always exports the same bytes. Derived data (ARNs,
/// indexes, counters) is recomputed on import. A document that is not a valid state is refused
/// with `InvalidState`, naming the first bad member; the world is then left unchanged.
enum Snapshot {
    static let format = "apsim-state/1"

    // MARK: Export

    static func export(_ s: borrowing WorldState) -> JSONObject {
        var o = JSONObject()
        o.append("Format", .string(format))
        o.append("Clock", .int(s.nowMilliseconds))
        o.append("Sequence", .string(Hex.fixed(s.nextSequenceValue, digits: 16)))
        o.append("Random", [
            "Resources": .string(Hex.fixed(s.ids.resourceState, digits: 16)),
            "Requests": .string(Hex.fixed(s.ids.requestState, digits: 16)),
            "Faults": .string(Hex.fixed(s.faultRandom.state, digits: 16)),
        ])
        o.append("PageTokenSecret", .string(Hex.fixed(s.pageTokens.secret, digits: 16)))
        o.append("IssuedIds", .array(s.ids.issuedNumbers.sorted().map { .string(Hex.fixed($0, digits: 16)) }))
        o.append("Aliases", .array(s.aliases.sorted().map { .string($0) }))
        o.append("FaultsInjected", .int(Int64(s.faultsInjected)))
        o.append("JournalSeq", .int(Int64(s.journalSeq)))
        o.append("Faults", .array(s.faults.map { f in
            var j = JSONObject()
            j.append("FaultId", .string(f.id))
            j.append("Operation", .string(f.operation))
            j.append("ErrorCode", .string(f.code))
            j.append("StatusCode", .int(Int64(f.status)))
            j.append("Message", .string(f.message))
            j.append("Count", ifPresent: f.remaining.map { .int(Int64($0)) })
            j.append("Probability", ifPresent: f.probability.map { .number(String($0)) })
            return .object(j)
        }))
        o.append("Regions", .array(s.regionKeys.sorted().compactMap { key in
            guard let r = s.regionState(key) else { return nil }
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            return .object(exportRegion(r, account: parts.first ?? "", region: parts.last ?? ""))
        }))
        return o
    }

    static func lifecycle(_ l: LifecycleState) -> JSON {
        var o = JSONObject()
        o.append("Current", .string(l.current))
        o.append("SettlesTo", ifPresent: l.settlesTo.map { .string($0) })
        o.append("SettleAt", ifPresent: l.settleAt.map { .int($0) })
        return .object(o)
    }

    static func tags(_ t: [Tag]) -> JSON { .array(t.map(\.json)) }

    static func exportRegion(_ r: RegionState, account: String, region: String) -> JSONObject {
        var o = JSONObject()
        o.append("Account", .string(account))
        o.append("Region", .string(region))
        o.append("EFSFileSystems", .array(r.efs.fileSystemOrder.all.map { fs in
            var j = JSONObject()
            j.append("Id", .string(fs.id))
            j.append("Seq", .int(Int64(fs.seq)))
            j.append("CreationToken", .string(fs.creationToken))
            j.append("CreationTime", .int(fs.creationTime))
            j.append("Lifecycle", lifecycle(fs.lifecycle))
            j.append("PerformanceMode", .string(fs.performanceMode))
            j.append("ThroughputMode", .string(fs.throughputMode))
            j.append("Encrypted", .bool(fs.encrypted))
            j.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
            j.append("ProvisionedThroughputInMibps", ifPresent: fs.provisionedThroughput)
            j.append("AvailabilityZoneName", ifPresent: fs.availabilityZoneName.map { .string($0) })
            j.append("Tags", tags(fs.tags))
            j.append("LastAccessPointCreated", ifPresent: fs.lastAccessPointCreated.map { .int($0) })
            return .object(j)
        }))
        o.append("EFSAccessPoints", .array(r.efs.accessPointOrder.all.map { ap in
            var j = JSONObject()
            j.append("Id", .string(ap.id))
            j.append("Seq", .int(Int64(ap.seq)))
            j.append("ClientToken", .string(ap.clientToken))
            j.append("FileSystemId", .string(ap.fileSystemID))
            j.append("Tags", tags(ap.tags))
            j.append("PosixUser", ifPresent: ap.posixUser?.json)
            j.append("RootDirectory", ap.rootDirectory.json)
            j.append("Lifecycle", lifecycle(ap.lifecycle))
            return .object(j)
        }))
        o.append("FSxFileSystems", .array(r.fsx.fileSystemOrder.all.map { fs in
            var j = JSONObject()
            j.append("Id", .string(fs.id))
            j.append("Seq", .int(Int64(fs.seq)))
            j.append("Type", .string(fs.type))
            j.append("CreationTime", .int(fs.creationTime))
            j.append("Lifecycle", lifecycle(fs.lifecycle))
            j.append("StorageCapacity", .int(fs.storageCapacity))
            j.append("SubnetIds", .array(fs.subnetIDs))
            j.append("VpcId", .string(fs.vpcID))
            j.append("KmsKeyId", ifPresent: fs.kmsKeyID.map { .string($0) })
            j.append("Tags", tags(fs.tags))
            j.append("Configuration", .object(fs.configuration))
            j.append("DeploymentType", .string(fs.deploymentType))
            j.append("ThroughputCapacity", ifPresent: fs.throughputCapacity.map { .int($0) })
            j.append("RootVolumeId", ifPresent: fs.rootVolumeID.map { .string($0) })
            return .object(j)
        }))
        o.append("FSxStorageVirtualMachines", .array(r.fsx.storageVirtualMachines.keys.sorted().compactMap { id in
            guard let svm = r.fsx.storageVirtualMachines[id] else { return nil }
            var j = JSONObject()
            j.append("Id", .string(svm.id))
            j.append("FileSystemId", .string(svm.fileSystemID))
            j.append("Name", .string(svm.name))
            j.append("CreationTime", .int(svm.creationTime))
            j.append("UUID", .string(svm.uuid))
            j.append("Lifecycle", lifecycle(svm.lifecycle))
            j.append("Tags", tags(svm.tags))
            return .object(j)
        }))
        o.append("FSxVolumes", .array(r.fsx.volumeOrder.all.map { v in
            var j = JSONObject()
            j.append("Id", .string(v.id))
            j.append("Seq", .int(Int64(v.seq)))
            j.append("Type", .string(v.type))
            j.append("FileSystemId", .string(v.fileSystemID))
            j.append("Name", .string(v.name))
            j.append("CreationTime", .int(v.creationTime))
            j.append("Lifecycle", lifecycle(v.lifecycle))
            j.append("Tags", tags(v.tags))
            j.append("ParentVolumeId", ifPresent: v.parentVolumeID.map { .string($0) })
            j.append("StorageVirtualMachineId", ifPresent: v.storageVirtualMachineID.map { .string($0) })
            j.append("Configuration", .object(v.configuration))
            return .object(j)
        }))
        o.append("FSxAttachments", .array(r.fsx.attachmentOrder.all.map { a in
            var j = JSONObject()
            j.append("Name", .string(a.name))
            j.append("Seq", .int(Int64(a.seq)))
            j.append("Type", .string(a.type))
            j.append("CreationTime", .int(a.creationTime))
            j.append("Lifecycle", lifecycle(a.lifecycle))
            j.append("VolumeId", .string(a.volumeID))
            j.append("FileSystemId", .string(a.fileSystemID))
            j.append("Configuration", a.configuration)
            j.append("Alias", .string(a.alias))
            j.append("VpcConfiguration", ifPresent: a.vpcConfiguration)
            j.append("Policy", ifPresent: a.policy.map { .string($0) })
            j.append("Deleting", .bool(a.deleting))
            return .object(j)
        }))
        o.append("FSxClientTokens", .array(r.fsx.clientTokens.keys.sorted().compactMap { key in
            guard let rec = r.fsx.clientTokens[key] else { return nil }
            return ["Key": .string(key), "Request": .object(rec.request), "ResourceId": .string(rec.resourceID)]
        }))
        return o
    }

    // MARK: Restore

    /// Reads typed members of a state document, naming the path of the first bad one.
    struct Reader {
        let object: JSONObject
        let path: String

        init(_ value: JSON?, _ path: String) throws(APIError) {
            guard case .object(let o)? = value else { throw Snapshot.invalid(path, "expected an object") }
            object = o
            self.path = path
        }

        func raw(_ key: String) -> JSON? { object[key] }
        func string(_ key: String) throws(APIError) -> String {
            guard let s = object[key]?.string else { throw Snapshot.invalid(path + "." + key, "expected a string") }
            return s
        }
        func optionalString(_ key: String) throws(APIError) -> String? {
            guard let v = object[key] else { return nil }
            guard let s = v.string else { throw Snapshot.invalid(path + "." + key, "expected a string") }
            return s
        }
        func int(_ key: String) throws(APIError) -> Int64 {
            guard let i = object[key]?.int else { throw Snapshot.invalid(path + "." + key, "expected an integer") }
            return i
        }
        func optionalInt(_ key: String) throws(APIError) -> Int64? {
            guard let v = object[key] else { return nil }
            guard let i = v.int else { throw Snapshot.invalid(path + "." + key, "expected an integer") }
            return i
        }
        func seq(_ key: String) throws(APIError) -> UInt64 {
            let i = try int(key)
            guard i > 0 else { throw Snapshot.invalid(path + "." + key, "expected a positive integer") }
            return UInt64(i)
        }
        func hex(_ key: String) throws(APIError) -> UInt64 {
            guard let v = UInt64(try string(key), radix: 16) else { throw Snapshot.invalid(path + "." + key, "expected 16 hex digits") }
            return v
        }
        func bool(_ key: String) throws(APIError) -> Bool {
            guard let b = object[key]?.bool else { throw Snapshot.invalid(path + "." + key, "expected a boolean") }
            return b
        }
        func array(_ key: String) throws(APIError) -> [JSON] {
            guard let a = object[key]?.array else { throw Snapshot.invalid(path + "." + key, "expected an array") }
            return a
        }
        func objectValue(_ key: String) throws(APIError) -> JSONObject {
            guard let o = object[key]?.object else { throw Snapshot.invalid(path + "." + key, "expected an object") }
            return o
        }
        func tags(_ key: String) throws(APIError) -> [Tag] {
            var out: [Tag] = []
            for (i, t) in try array(key).enumerated() {
                let r = try Reader(t, "\(path).\(key)[\(i)]")
                out.append(Tag(key: try r.string("Key"), value: try r.string("Value")))
            }
            return out
        }
        func lifecycle(_ key: String) throws(APIError) -> LifecycleState {
            let r = try Reader(object[key], path + "." + key)
            return LifecycleState(current: try r.string("Current"), settlesTo: try r.optionalString("SettlesTo"),
                                  settleAt: try r.optionalInt("SettleAt"))
        }
    }

    static func invalid(_ path: String, _ what: String) -> APIError {
        APIError(code: "InvalidState", message: "Invalid apsim state at '\(path)': \(what).", status: 400)
    }

    /// A world state from an exported document; nothing is changed when it is refused.
    static func restore(_ doc: JSON, config: WorldConfig) throws(APIError) -> WorldState {
        let root = try Reader(doc, "State")
        guard try root.string("Format") == format else {
            throw invalid("State.Format", "expected \"\(format)\"")
        }
        let clock = try root.int("Clock"), sequence = try root.hex("Sequence")
        let random = try Reader(root.raw("Random"), "State.Random")
        let ids = IDGenerator(resources: try random.hex("Resources"), requests: try random.hex("Requests"), issued: [])
        let faultRandom = SeededGenerator(seed: try random.hex("Faults"))
        let secret = try root.hex("PageTokenSecret")
        var issued = Set<UInt64>()
        for (i, id) in try root.array("IssuedIds").enumerated() {
            guard let v = id.string.flatMap({ UInt64($0, radix: 16) }) else { throw invalid("State.IssuedIds[\(i)]", "expected 16 hex digits") }
            issued.insert(v)
        }
        var s = WorldState(
            config: config, clock: clock, sequence: sequence,
            ids: IDGenerator(resources: ids.resourceState, requests: ids.requestState, issued: issued),
            faultRandom: faultRandom, pageTokenSecret: secret)
        for (i, a) in try root.array("Aliases").enumerated() {
            guard let alias = a.string else { throw invalid("State.Aliases[\(i)]", "expected a string") }
            s.aliases.insert(alias)
        }
        s.faultsInjected = Int(try root.int("FaultsInjected"))
        s.journalSeq = UInt64(max(0, try root.optionalInt("JournalSeq") ?? 0))
        for (i, f) in try root.array("Faults").enumerated() {
            let r = try Reader(f, "State.Faults[\(i)]")
            let probability: Double?
            switch r.raw("Probability") {
            case .number(let t)?: probability = Double(t)
            case .int(let v)?: probability = Double(v)
            default: probability = nil
            }
            s.faults.append(Fault(id: try r.string("FaultId"), operation: try r.string("Operation"), code: try r.string("ErrorCode"),
                                  status: Int(try r.int("StatusCode")), message: try r.string("Message"),
                                  remaining: try r.optionalInt("Count").map { Int($0) }, probability: probability))
        }
        for (i, region) in try root.array("Regions").enumerated() {
            try restoreRegion(try Reader(region, "State.Regions[\(i)]"), into: &s, config: config)
        }
        return s
    }

    static func restoreRegion(_ r: Reader, into s: inout WorldState, config: WorldConfig) throws(APIError) {
        let account = try r.string("Account"), regionName = try r.string("Region")
        let ctx = CallContext(account: account, region: regionName, config: config, now: s.nowMilliseconds)
        let region = s.region(ctx)
        var lastSeq: UInt64 = 0
        func ordered(_ seq: UInt64, _ path: String) throws(APIError) {
            guard seq > lastSeq else { throw invalid(path, "resources must be in increasing Seq order") }
            lastSeq = seq
        }
        for (i, item) in try r.array("EFSFileSystems").enumerated() {
            let f = try Reader(item, "\(r.path).EFSFileSystems[\(i)]")
            let id = try f.string("Id"), seq = try f.seq("Seq")
            try ordered(seq, f.path + ".Seq")
            let fs = EFSFileSystem(
                id: id, seq: seq, arn: ARN.make(service: "elasticfilesystem", region: regionName, account: account, resource: "file-system/" + id),
                creationToken: try f.string("CreationToken"), creationTime: try f.int("CreationTime"), lifecycle: try f.lifecycle("Lifecycle"),
                performanceMode: try f.string("PerformanceMode"), throughputMode: try f.string("ThroughputMode"),
                encrypted: try f.bool("Encrypted"), kmsKeyID: try f.optionalString("KmsKeyId"),
                provisionedThroughput: f.raw("ProvisionedThroughputInMibps"),
                availabilityZoneName: try f.optionalString("AvailabilityZoneName"), tags: try f.tags("Tags"))
            fs.lastAccessPointCreated = try f.optionalInt("LastAccessPointCreated")
            region.efs.fileSystems[id] = fs
            region.efs.fileSystemsByToken[fs.creationToken] = fs
            region.efs.fileSystemOrder.append(fs, seq: seq)
        }
        lastSeq = 0
        for (i, item) in try r.array("EFSAccessPoints").enumerated() {
            let a = try Reader(item, "\(r.path).EFSAccessPoints[\(i)]")
            let id = try a.string("Id"), seq = try a.seq("Seq"), fsID = try a.string("FileSystemId")
            try ordered(seq, a.path + ".Seq")
            guard let fs = region.efs.fileSystems[fsID] else { throw invalid(a.path + ".FileSystemId", "no such file system") }
            let ap = EFSAccessPoint(
                id: id, seq: seq,
                clientToken: try a.string("ClientToken"), fileSystemID: fsID, tags: try a.tags("Tags"),
                posixUser: PosixUser(a.raw("PosixUser")), rootDirectory: RootDirectory(a.raw("RootDirectory")),
                lifecycle: try a.lifecycle("Lifecycle"))
            region.efs.accessPoints[id] = ap
            region.efs.accessPointsByToken[ap.clientToken] = ap
            region.efs.accessPointOrder.append(ap, seq: seq)
            fs.accessPoints.append(ap, seq: seq)
        }
        lastSeq = 0
        for (i, item) in try r.array("FSxFileSystems").enumerated() {
            let f = try Reader(item, "\(r.path).FSxFileSystems[\(i)]")
            let id = try f.string("Id"), seq = try f.seq("Seq")
            try ordered(seq, f.path + ".Seq")
            let fs = FSxFileSystem(
                id: id, seq: seq, type: try f.string("Type"), creationTime: try f.int("CreationTime"), lifecycle: try f.lifecycle("Lifecycle"),
                storageCapacity: try f.int("StorageCapacity"), subnetIDs: try f.array("SubnetIds"), vpcID: try f.string("VpcId"),
                kmsKeyID: try f.optionalString("KmsKeyId"), tags: try f.tags("Tags"), configuration: try f.objectValue("Configuration"),
                deploymentType: try f.string("DeploymentType"), throughputCapacity: try f.optionalInt("ThroughputCapacity"))
            fs.rootVolumeID = try f.optionalString("RootVolumeId")
            region.fsx.fileSystems[id] = fs
            region.fsx.fileSystemOrder.append(fs, seq: seq)
        }
        for (i, item) in try r.array("FSxStorageVirtualMachines").enumerated() {
            let v = try Reader(item, "\(r.path).FSxStorageVirtualMachines[\(i)]")
            let fsID = try v.string("FileSystemId")
            guard let fs = region.fsx.fileSystems[fsID] else { throw invalid(v.path + ".FileSystemId", "no such file system") }
            let svm = FSxStorageVirtualMachine(
                id: try v.string("Id"), fileSystemID: fsID, name: try v.string("Name"), creationTime: try v.int("CreationTime"),
                uuid: try v.string("UUID"), lifecycle: try v.lifecycle("Lifecycle"), tags: try v.tags("Tags"))
            region.fsx.storageVirtualMachines[svm.id] = svm
            fs.storageVirtualMachines += 1
        }
        lastSeq = 0
        for (i, item) in try r.array("FSxVolumes").enumerated() {
            let v = try Reader(item, "\(r.path).FSxVolumes[\(i)]")
            let seq = try v.seq("Seq"), fsID = try v.string("FileSystemId")
            try ordered(seq, v.path + ".Seq")
            guard let fs = region.fsx.fileSystems[fsID] else { throw invalid(v.path + ".FileSystemId", "no such file system") }
            let volume = FSxVolume(
                id: try v.string("Id"), seq: seq, type: try v.string("Type"), fileSystemID: fsID, name: try v.string("Name"),
                creationTime: try v.int("CreationTime"), lifecycle: try v.lifecycle("Lifecycle"), tags: try v.tags("Tags"),
                parentVolumeID: try v.optionalString("ParentVolumeId"), storageVirtualMachineID: try v.optionalString("StorageVirtualMachineId"),
                configuration: try v.objectValue("Configuration"))
            if let parent = volume.parentVolumeID {
                guard let p = region.fsx.volumes[parent] else { throw invalid(v.path + ".ParentVolumeId", "no such volume") }
                p.children += 1
            }
            if let svmID = volume.storageVirtualMachineID {
                guard let svm = region.fsx.storageVirtualMachines[svmID] else { throw invalid(v.path + ".StorageVirtualMachineId", "no such storage virtual machine") }
                svm.volumes += 1
            }
            if !volume.isRoot { fs.volumes += 1 }
            region.fsx.volumes[volume.id] = volume
            region.fsx.volumeOrder.append(volume, seq: seq)
        }
        lastSeq = 0
        for (i, item) in try r.array("FSxAttachments").enumerated() {
            let a = try Reader(item, "\(r.path).FSxAttachments[\(i)]")
            let seq = try a.seq("Seq"), name = try a.string("Name")
            try ordered(seq, a.path + ".Seq")
            let attachment = FSxAttachment(
                name: name, seq: seq, type: try a.string("Type"), creationTime: try a.int("CreationTime"),
                lifecycle: try a.lifecycle("Lifecycle"), volumeID: try a.string("VolumeId"), fileSystemID: try a.string("FileSystemId"),
                configuration: a.raw("Configuration") ?? .null,
                arn: ARN.make(service: "s3", region: regionName, account: account, resource: "accesspoint/" + name),
                alias: try a.string("Alias"), vpcConfiguration: a.raw("VpcConfiguration"), policy: try a.optionalString("Policy"))
            attachment.deleting = try a.bool("Deleting")
            if !attachment.deleting {
                region.fsx.liveAttachments += 1
                region.fsx.volumes[attachment.volumeID]?.attachments += 1
                region.fsx.fileSystems[attachment.fileSystemID]?.attachments += 1
            }
            region.fsx.attachments[name] = attachment
            region.fsx.attachmentOrder.append(attachment, seq: seq)
        }
        for (i, item) in try r.array("FSxClientTokens").enumerated() {
            let t = try Reader(item, "\(r.path).FSxClientTokens[\(i)]")
            let key = try t.string("Key")
            let operation = String(key.prefix(while: { $0 != "/" }))
            let token = String(key.dropFirst(operation.count + 1))
            region.fsx.remember(token: token, operation: operation, request: try t.objectValue("Request"), resourceID: try t.string("ResourceId"))
        }
    }
}
