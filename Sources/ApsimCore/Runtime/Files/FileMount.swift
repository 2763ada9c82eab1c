/// A client's mount (files.md section 3): the tree and directory it sees, the identity rules it
/// applies, and what it stands on. Mounts are client sessions: valid in every account and region,
/// never exported, and gone when a world is reopened.
struct FileMount: Sendable {
    let id: String
    /// The tree's ID (the file system's or volume's).
    let treeID: String
    /// The mounted directory: nothing above it can be reached.
    let base: UInt64
    /// The mount's own identity (the client process's), for calls that carry none.
    let identity: FileIdentity
    /// An access point's PosixUser, which replaces every call's identity (after squashing).
    let enforced: FileIdentity?
    /// Whether uid and gid 0 become 65534 (root squashing).
    let squash: Bool
    let readOnly: Bool
    /// Who owns the tree and what the mount stands on, for the owner's health check.
    let owner: Owner
    /// nfs:Mount's answer (also nfs:ListMounts').
    let answer: JSONObject

    /// The service that made the mount and the resources it stands on.
    struct Owner: Sendable {
        let service: String
        let account: String
        let region: String
        /// The resources (file system, access point, mount target...) by the owner's own keys.
        let resources: [String: String]
    }

    /// What a call on the mount may do, as its owner sees it now.
    enum Health: Sendable, Equatable {
        case ok
        /// The mount's resources are gone (ESTALE) or unreachable (ETIMEDOUT).
        case failing(Errno)
        /// Every change is refused (a replication destination): EROFS.
        case readOnly
    }

    /// The identity a call runs as: the access point's when it enforces one, else the call's own
    /// (or the mount's), squashed when root is squashed.
    func identity(uid: UInt32?, gid: UInt32?, groups: [UInt32]?) -> FileIdentity {
        if let enforced { return enforced }
        let own = FileIdentity(uid: uid ?? identity.uid, gid: gid ?? identity.gid, groups: groups ?? identity.groups)
        return squash ? FileMount.squashed(own) : own
    }

    /// uid and gid 0 (also among the groups) as 65534, Linux's anonymous ID (files.md 3.4).
    static func squashed(_ id: FileIdentity) -> FileIdentity {
        let anonymous: UInt32 = 65534
        return FileIdentity(uid: id.uid == 0 ? anonymous : id.uid, gid: id.gid == 0 ? anonymous : id.gid,
                            groups: id.groups.map { $0 == 0 ? anonymous : $0 })
    }

    /// Who makes new objects: an enforced identity takes no group from a setgid directory.
    func creator(_ id: FileIdentity) -> FileTree.Creator { FileTree.Creator(id: id, inheritSetgid: enforced == nil) }
}

extension FileTrees {
    /// The mounts of the world and the stream their IDs come from (its own: the data plane never
    /// changes the IDs or RequestIds of AWS calls).
    final class Mounts: SharedState {
        var mounts: [String: FileMount] = [:]
        var ids: SeededGenerator? = nil
        init() {}
    }

    /// A new mount ID (`mount-` and 17 hex digits), from the mounts' own seeded stream.
    static func newMountID(in s: inout WorldState) -> String {
        let mounts = s.shared(Mounts.self)
        var ids = mounts.ids ?? SeededGenerator(seed: s.ids.resourceState ^ 0x6D6F_756E_745F_6964)
        let id = "mount-0" + Hex.fixed(ids.next(), digits: 16)
        mounts.ids = ids
        return id
    }

    /// A world reopened from its state file has no mounts (their clients are gone).
    static func reopened(_ s: inout WorldState) {
        s.shared(Mounts.self).mounts.removeAll()
    }
}
