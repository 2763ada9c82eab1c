/// UpdateFileSystem and UpdateVolume (../shared/spec/fsx.md, "Around the attachments"): each
/// answers with an administrative action; a file system reads UPDATING and shows its new values
/// once the action has completed, a volume shows them at once.
extension FSxOperations {
    static func action(_ type: String, target: JSONObject, _ ctx: CallContext) -> FSxAdministrativeAction {
        FSxAdministrativeAction(type: type, requestTime: ctx.now,
                                status: ctx.lifecycle("PENDING", settlingTo: "COMPLETED"),
                                target: target, applied: false)
    }

    static func describe(_ actions: [FSxAdministrativeAction], targetKey: String) -> JSON? {
        guard !actions.isEmpty else { return nil }
        return .array(actions.map { a in
            var o = JSONObject()
            o.append("AdministrativeActionType", .string(a.type))
            o.append("RequestTime", JSON.timestamp(milliseconds: a.requestTime))
            o.append("Status", .string(a.status.current))
            o.append(targetKey, .object(a.target))
            return .object(o)
        })
    }

    /// The volume's state for an observer at `now`, its update actions moved on (their values
    /// applied when they were asked for).
    static func settle(_ v: FSxVolume, now: Int64) -> String {
        for i in v.administrativeActions.indices { _ = v.administrativeActions[i].status.observe(now: now) }
        return v.lifecycle.observe(now: now)
    }

    /// The file system's state for an observer at `now`, its completed updates applied.
    static func settle(_ fs: FSxFileSystem, now: Int64) -> String {
        let state = fs.lifecycle.observe(now: now)
        for i in fs.administrativeActions.indices where !fs.administrativeActions[i].applied {
            guard fs.administrativeActions[i].status.observe(now: now) == "COMPLETED" else { continue }
            let target = fs.administrativeActions[i].target
            if let capacity = target["StorageCapacity"]?.int { fs.storageCapacity = capacity }
            for m in (target[configurationKey(fs.type)]?.object ?? JSONObject()).members {
                fs.configuration[m.key] = m.value
                if m.key == "ThroughputCapacity" { fs.throughputCapacity = m.value.int }
            }
            fs.administrativeActions[i].applied = true
        }
        return state
    }

    static func configurationKey(_ type: String) -> String { type == "ONTAP" ? "OntapConfiguration" : "OpenZFSConfiguration" }

    static func updateFileSystem(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let fs = try existing(region.fsx.fileSystems, input, "FileSystemId", FSxError.fileSystemNotFound)
        let id = fs.id
        let state = settle(fs, now: ctx.now)
        guard state == "AVAILABLE" else { throw FSxError.fileSystemNotAvailable(id, state: state) }
        let key = configurationKey(fs.type), other = configurationKey(fs.type == "ONTAP" ? "OPENZFS" : "ONTAP")
        if input[other] != nil { throw FSxError.configurationForOtherType(other, type: fs.type) }
        var given = input[key]?.object ?? JSONObject()
        given["FsxAdminPassword"] = nil  // stored by AWS, never described
        if fs.type == "OPENZFS", let throughput = given["ThroughputCapacity"]?.int {
            let valid = FSxRules.throughputFamily(fs.deploymentType)
            if !valid.contains(throughput) {
                throw FSxError.throughputNotValid(throughput, deployment: fs.deploymentType, valid: valid)
            }
        }
        var target = JSONObject()
        if let capacity = input["StorageCapacity"]?.int {
            if capacity < fs.storageCapacity { throw FSxError.storageCapacityDecrease(id, current: fs.storageCapacity) }
            target["StorageCapacity"] = .int(capacity)
        }
        if !given.members.isEmpty { target[key] = .object(given) }
        fs.administrativeActions.append(action("FILE_SYSTEM_UPDATE", target: target, ctx))
        fs.lifecycle = ctx.lifecycle("UPDATING", settlingTo: "AVAILABLE")
        // The answer shows the update pending, except with the instant lifecycle: done already.
        let current = ctx.config.lifecycle == .instant ? settle(fs, now: ctx.now) : fs.lifecycle.current
        return answer("FileSystem", describe(fs, ctx, state: current),
                      remembering: input, as: .updateFileSystem, for: id, in: region.fsx)
    }

    static func updateVolume(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let v = try existing(region.fsx.volumes, input, "VolumeId", FSxError.volumeNotFound)
        let id = v.id
        let key = configurationKey(v.type), other = configurationKey(v.type == "ONTAP" ? "OPENZFS" : "ONTAP")
        if input[other] != nil { throw FSxError.volumeConfigurationMismatch(v.type) }
        if input[key] == nil && input["Name"] == nil { throw FSxError.missingVolumeConfiguration(v.type) }
        let given = input[key]?.object ?? JSONObject()
        if let svm = v.storageVirtualMachineID {
            if let name = input["Name"]?.string, !FSxRules.isONTAPVolumeName(name) { throw FSxError.ontapVolumeName(name) }
            if let name = input["Name"]?.string, let other = region.fsx.holder(of: FSxState.volumeNameKey(svm: svm, name)), other != id {
                throw FSxError.volumeNameTakenOnSVM(name, by: other, svm: svm)
            }
            if let junction = given["JunctionPath"]?.string, let other = region.fsx.holder(of: FSxState.junctionKey(svm: svm, junction)),
               other != id {
                throw FSxError.junctionPathTaken(junction, by: other, svm: svm)
            }
        }
        var target = JSONObject()
        region.fsx.unindex(v)
        defer { region.fsx.index(v) }
        if let name = input["Name"]?.string {
            v.name = name
            target["Name"] = .string(name)
        }
        for m in given.members { v.configuration[m.key] = m.value }
        if !given.members.isEmpty { target[key] = .object(given) }
        var done = action("VOLUME_UPDATE", target: target, ctx)
        done.applied = true
        v.administrativeActions.append(done)
        // The answer shows the action as asked (PENDING but with the instant lifecycle); reads move it on.
        return answer("Volume", describe(v, ctx, state: v.lifecycle.observe(now: ctx.now)),
                      remembering: input, as: .updateVolume, for: id, in: region.fsx)
    }
}
