/// Amazon FSx as the world sees it: the operation table, and the service's part of snapshots and
/// of apsim:SetLifecycleState.
enum FSxService: Service {
    static let model = ServiceModel.fsx

    static let operations: [OperationEntry] = [
        OperationEntry(service: model, validationCode: FSxRules.validationCode, name: "CreateAndAttachS3AccessPoint",
                       rules: FSxRules.createAndAttach, replay: replaying("CreateAndAttachS3AccessPoint", \.attachments) { a, _ in
                           JSONObject(["S3AccessPointAttachment": FSxOperations.describe(a, state: a.lifecycle.current)])
                       },
                       deferredRules: FSxRules.attachmentConsistency, deferring: FSxOperations.createAndAttach),
        OperationEntry(service: model, validationCode: FSxRules.validationCode, name: "DescribeS3AccessPointAttachments",
                       deferring: FSxOperations.describeAttachments),
        entry("DetachAndDeleteS3AccessPoint", FSxOperations.detachAndDelete),
        entry("CreateFileSystem", rules: FSxRules.createFileSystem, replay: replaying("CreateFileSystem", \.fileSystems) { fs, ctx in
            JSONObject(["FileSystem": FSxOperations.describe(fs, ctx, state: fs.lifecycle.current)])
        }, FSxOperations.createFileSystem),
        entry("DescribeFileSystems", FSxOperations.describeFileSystems),
        entry("DeleteFileSystem", FSxOperations.deleteFileSystem),
        entry("CreateStorageVirtualMachine", replay: replaying("CreateStorageVirtualMachine", \.storageVirtualMachines) { svm, ctx in
            JSONObject(["StorageVirtualMachine": FSxOperations.describe(svm, ctx, state: svm.lifecycle.current)])
        }, FSxOperations.createStorageVirtualMachine),
        entry("CreateVolume", rules: FSxRules.createVolume, replay: replaying("CreateVolume", \.volumes) { v, ctx in
            JSONObject(["Volume": FSxOperations.describe(v, ctx, state: v.lifecycle.current)])
        }, FSxOperations.createVolume),
        entry("DescribeVolumes", FSxOperations.describeVolumes),
        entry("DeleteVolume", FSxOperations.deleteVolume),
        // Any ARN is looked up (spec: another service's is NotServiceResourceError, not BadRequest).
        entry("TagResource", lookups: ["ResourceARN"], FSxOperations.tagResource),
        entry("UntagResource", lookups: ["ResourceARN"], FSxOperations.untagResource),
        entry("ListTagsForResource", lookups: ["ResourceARN"], FSxOperations.listTagsForResource),
        entry("UpdateFileSystem", replay: replaying("UpdateFileSystem", \.fileSystems) { fs, ctx in
            JSONObject(["FileSystem": FSxOperations.describe(fs, ctx, state: fs.lifecycle.current)])
        }, FSxOperations.updateFileSystem),
        entry("UpdateVolume", replay: replaying("UpdateVolume", \.volumes) { v, ctx in
            JSONObject(["Volume": FSxOperations.describe(v, ctx, state: v.lifecycle.current)])
        }, FSxOperations.updateVolume),
        entry("CreateSnapshot", replay: replaying("CreateSnapshot", \.snapshots) { snapshot, ctx in
            JSONObject(["Snapshot": FSxOperations.describe(snapshot, ctx, state: snapshot.lifecycle.current)])
        }, FSxOperations.createSnapshot),
        entry("DescribeSnapshots", FSxOperations.describeSnapshots),
        entry("UpdateSnapshot", FSxOperations.updateSnapshot),
        entry("DeleteSnapshot", FSxOperations.deleteSnapshot),
        entry("DescribeStorageVirtualMachines", FSxOperations.describeStorageVirtualMachines),
        entry("UpdateStorageVirtualMachine", FSxOperations.updateStorageVirtualMachine),
        entry("DeleteStorageVirtualMachine", FSxOperations.deleteStorageVirtualMachine),
    ]

    static func entry(_ name: String, rules: OperationRules? = nil, replay: ReplayHandler? = nil, lookups: Set<String> = [],
                      _ handler: @escaping OperationHandler) -> OperationEntry {
        OperationEntry(service: model, validationCode: FSxRules.validationCode, name: name, rules: rules, replay: replay,
                       lookups: lookups, handler: handler)
    }

    /// The replay phase of a create with a ClientRequestToken: an identical earlier request under
    /// the same token answers with what it created (as it is now, settled if due).
    static func replaying<Resource: LifecycleHolder>(
        _ operation: String, _ index: any KeyPath<FSxState, [String: Resource]> & Sendable,
        _ render: @escaping @Sendable (Resource, CallContext) -> JSONObject
    ) -> ReplayHandler {
        { s, ctx, input throws(APIError) in
            let fsx = s.region(ctx).fsx
            guard let id = try FSxOperations.replay(fsx, operation, input), let found = fsx[keyPath: index][id] else {
                return nil
            }
            _ = found.lifecycle.observe(now: ctx.now)
            return .object(render(found, ctx))
        }
    }

    // MARK: Lifecycle forcing

    /// The states that carry a LifecycleTransitionReason.
    static let failed: Set<String> = ["FAILED", "MISCONFIGURED"]

    static func forceLifecycle(_ target: LifecycleTarget, to state: String, in region: RegionState,
                               message: String?) throws(APIError) -> Bool {
        let resource: (FSxResource)?
        switch target {
        case .name(let name):
            guard let a = region.fsx.attachments[name] else { throw FSxError.attachmentNotFound(name) }
            try model.checkLifecycle(state, of: "S3AccessPointAttachment", label: "an S3 access point attachment")
            if state == "DELETING" { region.fsx.markDeleting(a) } else { a.lifecycle.force(state) }
            resource = a
        case .id(let id):
            let candidates: [(resource: (any LifecycleHolder)?, kind: String, label: String)] = [
                (region.fsx.fileSystems[id], "FileSystem", "an FSx file system"),
                (region.fsx.volumes[id], "Volume", "an FSx volume"),
                (region.fsx.storageVirtualMachines[id], "StorageVirtualMachine", "a storage virtual machine"),
                (region.fsx.snapshots[id], "Snapshot", "a snapshot"),
            ]
            guard try model.force(state, candidates) else { return false }
            resource = candidates.first { $0.resource != nil }?.resource as? FSxResource
        }
        // A failed resource says why; forced back, it no longer does.
        resource?.transitionReason = failed.contains(state) ? (message ?? FSxError.defaultFailure(state)) : nil
        return true
    }
}
