/// Amazon FSx as the world sees it: the operation table, and the service's part of snapshots and
/// of apsim:SetLifecycleState.
enum FSxService: Service {
    static let model = ServiceModel.fsx

    /// Every operation of `FSxOperation` (the generated list), with its rules and handler.
    static let operations = FSxOperation.allCases.map(entry)

    /// The entry of one operation: an exhaustive switch, so an operation added to the list and
    /// not handled here does not build.
    static func entry(_ operation: FSxOperation) -> OperationEntry {
        func plain(rules: OperationRules? = nil, idempotency: Idempotency? = nil, lookups: Set<String> = [],
                   _ handler: @escaping OperationHandler) -> OperationEntry {
            OperationEntry(operation, validationCode: FSxRules.validationCode, rules: rules, idempotency: idempotency,
                           lookups: lookups, handler: handler)
        }
        switch operation {
        case .createAndAttachS3AccessPoint:
            return OperationEntry(operation, validationCode: FSxRules.validationCode, rules: FSxRules.createAndAttach,
                                  idempotency: replaying(operation, \.attachments) { a, _ in
                                      JSONObject(["S3AccessPointAttachment": FSxOperations.describe(a, state: a.lifecycle.current)])
                                  },
                                  deferredRules: FSxRules.attachmentConsistency, deferring: FSxOperations.createAndAttachS3AccessPoint)
        case .describeS3AccessPointAttachments:
            return OperationEntry(operation, validationCode: FSxRules.validationCode,
                                  deferring: FSxOperations.describeS3AccessPointAttachments)
        case .detachAndDeleteS3AccessPoint: return plain(FSxOperations.detachAndDeleteS3AccessPoint)
        case .createFileSystem:
            return plain(rules: FSxRules.createFileSystem, idempotency: replaying(operation, \.fileSystems) { fs, ctx in
                JSONObject(["FileSystem": FSxOperations.describe(fs, ctx, state: fs.lifecycle.current)])
            }, FSxOperations.createFileSystem)
        case .describeFileSystems: return plain(FSxOperations.describeFileSystems)
        case .deleteFileSystem: return plain(FSxOperations.deleteFileSystem)
        case .updateFileSystem:
            return plain(idempotency: replaying(operation, \.fileSystems) { fs, ctx in
                JSONObject(["FileSystem": FSxOperations.describe(fs, ctx, state: fs.lifecycle.current)])
            }, FSxOperations.updateFileSystem)
        case .createStorageVirtualMachine:
            return plain(idempotency: replaying(operation, \.storageVirtualMachines) { svm, ctx in
                JSONObject(["StorageVirtualMachine": FSxOperations.describe(svm, ctx, state: svm.lifecycle.current)])
            }, FSxOperations.createStorageVirtualMachine)
        case .describeStorageVirtualMachines: return plain(FSxOperations.describeStorageVirtualMachines)
        case .updateStorageVirtualMachine: return plain(FSxOperations.updateStorageVirtualMachine)
        case .deleteStorageVirtualMachine: return plain(FSxOperations.deleteStorageVirtualMachine)
        case .createVolume:
            return plain(rules: FSxRules.createVolume, idempotency: replaying(operation, \.volumes) { v, ctx in
                JSONObject(["Volume": FSxOperations.describe(v, ctx, state: v.lifecycle.current)])
            }, FSxOperations.createVolume)
        case .describeVolumes: return plain(FSxOperations.describeVolumes)
        case .updateVolume:
            return plain(idempotency: replaying(operation, \.volumes) { v, ctx in
                JSONObject(["Volume": FSxOperations.describe(v, ctx, state: v.lifecycle.current)])
            }, FSxOperations.updateVolume)
        case .deleteVolume: return plain(FSxOperations.deleteVolume)
        // Any ARN is looked up (spec: another service's is NotServiceResourceError, not BadRequest).
        case .tagResource: return plain(lookups: ["ResourceARN"], FSxOperations.tagResource)
        case .untagResource: return plain(lookups: ["ResourceARN"], FSxOperations.untagResource)
        case .listTagsForResource: return plain(lookups: ["ResourceARN"], FSxOperations.listTagsForResource)
        case .createSnapshot:
            return plain(idempotency: replaying(operation, \.snapshots) { snapshot, ctx in
                JSONObject(["Snapshot": FSxOperations.describe(snapshot, ctx, state: snapshot.lifecycle.current)])
            }, FSxOperations.createSnapshot)
        case .describeSnapshots: return plain(FSxOperations.describeSnapshots)
        case .updateSnapshot: return plain(FSxOperations.updateSnapshot)
        case .deleteSnapshot: return plain(FSxOperations.deleteSnapshot)
        }
    }

    /// The idempotency of a create or update with a ClientRequestToken: an identical earlier
    /// request under the same token answers with what it made (as it is now, settled if due).
    static func replaying<Resource: LifecycleHolder>(
        _ operation: FSxOperation, _ index: any KeyPath<FSxState, [String: Resource]> & Sendable,
        _ render: @escaping @Sendable (Resource, CallContext) -> JSONObject
    ) -> Idempotency {
        Idempotency(table: { s, ctx in s.region(ctx).fsx.tokens }) { earlier, token, input, s, ctx throws(APIError) in
            let fsx = s.region(ctx).fsx
            guard let found = fsx[keyPath: index][try FSxOperations.replay(operation, earlier, token: token, input)] else { return nil }
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
