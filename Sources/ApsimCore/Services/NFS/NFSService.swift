/// apsim's NFS data plane (files.md sections 3 and 7) as a service: the `nfs:` operations, from
/// apsim's own model (models/nfs, generated and validated like AWS's). A mount is made by the
/// service that owns the file system or volume (`Service.mount`); the file operations run on the
/// world's trees (`FileTrees`) as the mount's identity rules say. Reached through `apsim_call` and
/// `POST /_apsim/nfs:<Operation>`; the model's protocol is no AWS wire protocol.
enum NFSService: Service {
    static let model = ServiceModel.nfs
    static let configKeys: [ConfigKey] = []

    static let operations = NFSOperation.allCases.map(entry)

    /// The entry of one operation: an exhaustive switch over the generated list.
    static func entry(_ operation: NFSOperation) -> OperationEntry {
        func plain(_ handler: @escaping OperationHandler) -> OperationEntry {
            OperationEntry(operation, validationCode: NFSErrorCode.validationException.rawValue, handler: handler)
        }
        switch operation {
        case .mount: return plain(NFSOperations.mount)
        case .unmount: return plain(NFSOperations.unmount)
        case .listMounts: return plain(NFSOperations.listMounts)
        case .stat: return plain(NFSOperations.stat)
        case .list: return plain(NFSOperations.list)
        case .mkdir: return plain(NFSOperations.mkdir)
        case .write: return plain(NFSOperations.write)
        case .read: return plain(NFSOperations.read)
        case .truncate: return plain(NFSOperations.truncate)
        case .remove: return plain(NFSOperations.remove)
        case .rmdir: return plain(NFSOperations.rmdir)
        case .rename: return plain(NFSOperations.rename)
        case .link: return plain(NFSOperations.link)
        case .symlink: return plain(NFSOperations.symlink)
        case .readlink: return plain(NFSOperations.readlink)
        case .chmod: return plain(NFSOperations.chmod)
        case .chown: return plain(NFSOperations.chown)
        case .setTimes: return plain(NFSOperations.setTimes)
        }
    }

    // The data plane keeps no per-region resources: its trees and mounts are the world's.
    static func export(_ region: RegionState, into document: inout JSONObject) {}
    static func restore(_ document: DocumentReader, into region: RegionState, account: String, region name: String) throws(APIError) {}
    static func forceLifecycle(_ target: LifecycleTarget, to state: String, in region: RegionState,
                               message: String?) throws(APIError) -> Bool { false }
}

extension NFSOperation {
    /// Data-plane calls are authorized by the mount (IAM's Client* actions), not per call.
    static func resource(of operation: NFSOperation, _ ctx: CallContext, _ input: JSONObject, _ state: borrowing WorldState) -> String { "*" }
}
