/// nfs:Mount of an EFS file system (files.md section 3.2), with its checks in order: the mount
/// helper's refusals, name resolution through available mount targets, the access point, the
/// root directory (made from CreationInfo), the mounted path; then the identity rules (3.3-3.5).
///
extension EFSService {
    static let accessPointPattern = Pattern("^fsap-[0-9a-f]{17}$")

    static func mount(_ input: JSONObject, _ s: inout WorldState, _ ctx: CallContext) throws(APIError) -> FileMount? {
        var fileSystemRef = input[NFSMembers.MountRequest.fileSystemId]?.string
        var accessPointID = input[NFSMembers.MountRequest.accessPointId]?.string
        if let arn = input[NFSMembers.MountRequest.accessPointArn]?.string {
            // arn:aws:elasticfilesystem:<region>:<account>:access-point/fsap-...
            guard let id = arn.split(separator: "/").last.map(String.init), arn.contains(":access-point/") else {
                throw NFSError.malformedAccessPoint(arn)
            }
            accessPointID = id
        }
        guard fileSystemRef != nil || accessPointID != nil else { return nil }
        // 1. The mount helper.
        let iam = input[NFSMembers.MountRequest.iam]?.bool ?? false
        let tls = input[NFSMembers.MountRequest.tls]?.bool ?? (accessPointID != nil || iam)
        if accessPointID != nil && !tls { throw NFSError.accessPointNeedsTLS() }
        if iam && !tls { throw NFSError.iamNeedsTLS() }
        if let ap = accessPointID, !accessPointPattern.matches(ap) { throw NFSError.malformedAccessPoint(ap) }
        let region = s.region(ctx)
        let efs = region.efs
        let accessPoint = accessPointID.flatMap { efs.accessPoints[$0] }
        if fileSystemRef == nil { fileSystemRef = accessPoint?.fileSystemID ?? "" }
        let ref = fileSystemRef ?? ""
        // 2. Name resolution: an available mount target in the client's VPC (and AZ, by name).
        guard let fs = EFSOperations.fileSystem(ref, efs, ctx), fs.lifecycle.observe(now: ctx.now) == "available" else {
            throw NFSError.unresolved(ref, region: ctx.region)
        }
        let available = efs.liveMountTargets(of: fs, now: ctx.now).filter { efs.observe($0, now: ctx.now) == "available" }
        let client: Subnet?
        if let subnetID = input[NFSMembers.MountRequest.subnetId]?.string {
            client = Network(region, ctx).subnet(subnetID)
        } else {
            client = available.first?.subnet
        }
        guard let client else { throw NFSError.unresolved(fs.id, region: ctx.region) }
        let inVPC = available.filter { $0.subnet.vpcID == client.vpcID }
        let target: EFSMountTarget?
        let ip = input[NFSMembers.MountRequest.mountTargetIp]?.string
        if let ip {
            target = inVPC.first { $0.ipAddress.map(IPv4.format) == ip || $0.ipv6Address == ip }
        } else {
            target = inVPC.first { $0.subnet.availabilityZone == client.availabilityZone }
        }
        guard let target else { throw NFSError.unresolved(fs.id, region: ctx.region) }
        let host = tls ? "127.0.0.1" : (ip ?? "\(fs.id).efs.\(ctx.region).amazonaws.com")
        let requested = input[NFSMembers.MountRequest.path]?.string ?? "/"
        let mountedPath = "/" + FileTree.components(requested).joined(separator: "/")
        // 3. Reachability: in a declared network, a mount target's group must let TCP 2049 in from
        // the client (its subnet's first assignable address, in its VPC's default group).
        if let declared = region.network.declared {
            let clientGroups = declared.defaultGroup(of: client.vpcID).map { [$0] } ?? []
            guard declared.allowsTCP(2049, into: target.securityGroups, from: client.cidr.base &+ 4, groups: clientGroups) else {
                throw NFSError.timedOut(path: mountedPath)
            }
        }
        // 4. The access point.
        if let accessPointID {
            guard let accessPoint, accessPoint.fileSystemID == fs.id,
                  accessPoint.lifecycle.observe(now: ctx.now) == "available" else {
                throw NFSError.accessDenied(host: host, path: mountedPath)
            }
        }
        // 5. IAM: ClientMount lets the client in, ClientWrite lets it write, ClientRootAccess keeps root root.
        let rights = clientRights(fs, accessPoint, input, iam: iam, tls: tls, &s, ctx)
        guard rights.mount else { throw NFSError.accessDenied(host: host, path: mountedPath) }
        let squash = !rights.root, readOnly = (input[NFSMembers.MountRequest.readOnly]?.bool ?? false) || !rights.write
        let tree = FileTrees.tree(fs.id, in: &s, createdAt: fs.creationTime)
        let own = FileIdentity(uid: UInt32(input[NFSMembers.MountRequest.uid]?.int ?? 0), gid: UInt32(input[NFSMembers.MountRequest.gid]?.int ?? 0),
                               groups: (input[NFSMembers.MountRequest.gids]?.array ?? []).compactMap { $0.int.map(UInt32.init) })
        let enforced = accessPoint?.posixUser.map {
            FileIdentity(uid: UInt32($0.uid), gid: UInt32($0.gid), groups: ($0.secondaryGids ?? []).map(UInt32.init))
        }.map { squash ? FileMount.squashed($0) : $0 }
        // 6. The root directory (made from CreationInfo by the server, whoever mounts), then the path.
        var base = FileTree.rootIno
        if let accessPoint {
            let rootPath = accessPoint.rootDirectory.path
            if let found = try? tree.existing(rootPath, base: FileTree.rootIno, as: .root), found.type == .directory {
                base = found.ino
            } else if let info = accessPoint.rootDirectory.creationInfo {
                base = try makeRoot(rootPath, info, tree, &s, now: ctx.now, host: host, path: mountedPath).ino
            } else {
                throw NFSError.accessDenied(host: host, path: mountedPath)
            }
        }
        let mounting = enforced ?? (squash ? FileMount.squashed(own) : own)
        do throws(FileError) {
            let directory = try tree.existing(requested, base: base, as: .root)
            guard directory.type == .directory else { throw FileError(.ENOTDIR) }
            try FileTree.check(mounting, .search, on: directory)
            base = directory.ino
        } catch {
            if accessPoint != nil || error.errno == .EACCES { throw NFSError.accessDenied(host: host, path: mountedPath) }
            throw NFSError.noSuchPath(host: host, path: mountedPath)
        }
        let id = FileTrees.newMountID(in: &s)
        var answer = JSONObject()
        answer.append("MountId", .string(id))
        answer.append("FileSystemId", .string(fs.id))
        answer.append("AccessPointId", ifPresent: accessPoint.map { .string($0.id) })
        answer.append("MountTargetId", .string(target.id))
        answer.append("Path", .string(mountedPath))
        answer.append("ReadOnly", .bool(readOnly))
        answer.append("RootSquash", .bool(squash))
        answer.append("EnforcedIdentity", ifPresent: enforced.map {
            .object(JSONObject(["Uid": .int(Int64($0.uid)), "Gid": .int(Int64($0.gid)), "Gids": .array($0.groups.map { .int(Int64($0)) })]))
        })
        var resources = ["FileSystem": fs.id, "MountTarget": target.id]
        if let accessPoint { resources["AccessPoint"] = accessPoint.id }
        return FileMount(id: id, treeID: fs.id, base: base, identity: own, enforced: enforced, squash: squash, readOnly: readOnly,
                         owner: FileMount.Owner(service: model.name, account: ctx.account, region: ctx.region, resources: resources),
                         answer: answer)
    }

    /// What the file system's policy grants the client (files.md section 4): without a policy,
    /// everything (EFS's default); with one, each of ClientMount, ClientWrite and ClientRootAccess
    /// as the evaluator decides for the principal (`Iam`: `Principal`, default the account's root;
    /// else anonymous) with the keys EFS sets.
    static func clientRights(_ fs: EFSFileSystem, _ accessPoint: EFSAccessPoint?, _ input: JSONObject, iam: Bool, tls: Bool,
                             _ s: inout WorldState, _ ctx: CallContext) -> (mount: Bool, write: Bool, root: Bool) {
        guard let policy = fs.parsedPolicy else { return (true, true, true) }
        var principal = PolicyPrincipal.anonymous
        var context: [String: [String]] = ["aws:SecureTransport": [tls ? "true" : "false"],
                                           "elasticfilesystem:AccessedViaMountTarget": ["true"]]
        if let accessPoint { context["elasticfilesystem:AccessPointArn"] = [EFSOperations.accessPointARNPrefix(account: ctx.account, region: ctx.region) + accessPoint.id] }
        var identity: [Policy] = []
        if iam {
            let arn = input[NFSMembers.MountRequest.principal]?.string ?? "arn:aws:iam::\(ctx.account):root"
            let account = Principals.account(of: arn) ?? ctx.account
            principal = .iam(arn: arn, account: account)
            context["aws:PrincipalArn"] = [arn]
            context["aws:PrincipalAccount"] = [account]
            identity = Principals.policies(of: arn, in: s)
        }
        func granted(_ action: String) -> Bool {
            PolicyEvaluator.decide(PolicyRequest(principal: principal, action: "elasticfilesystem:" + action, resource: fs.arn, context: context),
                                   identityPolicies: identity, resourcePolicy: policy, resourceAccount: ctx.account) == .allowed
        }
        return (granted("ClientMount"), granted("ClientWrite"), granted("ClientRootAccess"))
    }

    /// Makes an access point's missing root directory: missing parents 0:0 0755 (apsim's
    /// decision), the directory itself as CreationInfo says.
    static func makeRoot(_ path: String, _ info: (uid: Int64, gid: Int64, permissions: String), _ tree: FileTree,
                         _ s: inout WorldState, now: Int64, host: String, path mounted: String) throws(APIError) -> FileNode {
        let parts = FileTree.components(path)
        let root = FileTree.Creator(id: .root, inheritSetgid: false)
        do throws(FileError) {
            if parts.count > 1 {
                _ = try tree.mkdir("/" + parts.dropLast().joined(separator: "/"), base: FileTree.rootIno, by: root, mode: 0o755,
                                   parents: true, now: now)
            }
            let made = try tree.mkdir(path, base: FileTree.rootIno, by: root, mode: UInt32(info.permissions, radix: 8) ?? 0o755,
                                      parents: false, now: now)
            made.uid = UInt32(info.uid)
            made.gid = UInt32(info.gid)
            return made
        } catch {
            throw NFSError.accessDenied(host: host, path: mounted)
        }
    }

    /// A mount is stale once its file system or access point is gone, and times out once its mount
    /// target is; a replication destination refuses every change.
    static func health(of mount: FileMount, _ s: inout WorldState, now: Int64) -> FileMount.Health {
        let efs = s.region(RegionKey(account: mount.owner.account, region: mount.owner.region)).efs
        guard let fsID = mount.owner.resources["FileSystem"], let fs = efs.fileSystems[fsID] else { return .failing(.ESTALE) }
        if let ap = mount.owner.resources["AccessPoint"], efs.accessPoints[ap] == nil { return .failing(.ESTALE) }
        if let mt = mount.owner.resources["MountTarget"], efs.mountTargets[mt] == nil { return .failing(.ETIMEDOUT) }
        return fs.reportedProtection == "REPLICATING" ? .readOnly : .ok
    }
}
