/// FSx volume snapshots (the `Snapshot` resource of OpenZFS volumes): create, describe, update
/// and delete. apsim's own state snapshots are FSxExport.swift.
extension FSxOperations {
    static func describe(_ snapshot: FSxSnapshot, _ ctx: CallContext, state: String) -> JSON {
        var o = JSONObject()
        o.append("ResourceARN", .string(arn(ctx, "snapshot/\(snapshot.volumeID)/\(snapshot.id)")))
        o.append("SnapshotId", .string(snapshot.id))
        o.append("Name", .string(snapshot.name))
        o.append("VolumeId", .string(snapshot.volumeID))
        o.append("CreationTime", JSON.timestamp(milliseconds: snapshot.creationTime))
        o.append("Lifecycle", .string(state))
        o.append("LifecycleTransitionReason", ifPresent: reason(snapshot))
        o.append("Tags", tags(snapshot.tags))
        return .object(o)
    }

    static func describeSnapshots(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fsx = s.region(ctx).fsx
        return try listing(s, input, list: "Snapshots", ids: "SnapshotIds", in: fsx.snapshots, notFound: FSxError.snapshotNotFound,
                           order: fsx.snapshotOrder, scope: "fsx:snapshots:", page: pageOf(50)) { snapshot, name, values in
            values.contains(name == "volume-id" ? snapshot.volumeID : snapshot.fileSystemID)
        } view: { describe($0, ctx, state: $0.lifecycle.observe(now: ctx.now)) }
    }

    static func createSnapshot(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let volumeID = input["VolumeId"]?.string ?? ""
        guard let volume = region.fsx.volumes[volumeID] else { throw FSxError.volumeNotFound(volumeID) }
        guard volume.type == "OPENZFS" else { throw FSxError.snapshotsOfOpenZFSOnly(volumeID) }
        let state = volume.lifecycle.observe(now: ctx.now)
        guard state == "AVAILABLE" else { throw FSxError.volumeNotAvailable(volumeID, state: state) }
        let snapshot = FSxSnapshot(
            origin: s.origin(ctx, "CREATING", settlingTo: "AVAILABLE"),
            id: s.ids.resourceID(prefix: "fsvolsnap-"), volumeID: volumeID, fileSystemID: volume.fileSystemID,
            name: input["Name"]?.string ?? "",
            tags: Tag.list(input["Tags"], FSxService.model.tagMembers))
        region.fsx.insert(snapshot, of: volume)
        return answer("Snapshot", describe(snapshot, ctx, state: snapshot.lifecycle.current),
                      remembering: input, as: .createSnapshot, for: snapshot.id, in: region.fsx)
    }

    static func updateSnapshot(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let snapshot = try snapshot(s.region(ctx), input)
        if let name = input["Name"]?.string { snapshot.name = name }
        return JSONObject(["Snapshot": describe(snapshot, ctx, state: snapshot.lifecycle.observe(now: ctx.now))])
    }

    /// Deletes a snapshot: it answers DELETING and is gone.
    static func deleteSnapshot(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let snapshot = try snapshot(region, input)
        region.fsx.remove(snapshot)
        return JSONObject(["SnapshotId": .string(snapshot.id), "Lifecycle": "DELETING"])
    }

    static func snapshot(_ region: RegionState, _ input: JSONObject) throws(APIError) -> FSxSnapshot {
        try existing(region.fsx.snapshots, input, "SnapshotId", FSxError.snapshotNotFound)
    }
}
