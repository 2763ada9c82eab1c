/// EFS mount targets: one per Availability Zone of a file system, all in one VPC, placed in the
/// network of ../shared/spec/network.md (see `Network`).
enum EFSMountTargets {
    /// The state a deleted mount target settles into: it is gone then.
    static let gone = "deleted"
    static let maxSecurityGroups = 5

    // MARK: Rendering

    static func describe(_ mt: EFSMountTarget, _ ctx: CallContext, state: String) -> JSON {
        var o = JSONObject(capacity: 11)
        o.append("OwnerId", .string(ctx.account))
        o.append("MountTargetId", .string(mt.id))
        o.append("FileSystemId", .string(mt.fileSystemID))
        o.append("SubnetId", .string(mt.subnet.id))
        o.append("LifeCycleState", .string(state))
        o.append("IpAddress", ifPresent: mt.ipAddress.map { .string(IPv4.format($0)) })
        o.append("Ipv6Address", ifPresent: mt.ipv6Address.map { .string($0) })
        o.append("NetworkInterfaceId", .string(mt.networkInterfaceID))
        o.append("AvailabilityZoneId", .string(mt.subnet.availabilityZoneID))
        o.append("AvailabilityZoneName", .string(mt.subnet.availabilityZone))
        o.append("VpcId", .string(mt.subnet.vpcID))
        return .object(o)
    }

    // MARK: Operations

    static func createMountTarget(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let efs = region.efs
        let ref = input["FileSystemId"]?.string ?? ""
        guard let fs = EFSOperations.fileSystem(ref, efs, ctx) else { throw EFSError.fileSystemNotFound(ref) }
        let fsState = fs.lifecycle.observe(now: ctx.now)
        guard fsState == "available" else {
            throw EFSError.incorrectFileSystemLifeCycleState(fs.id, state: fsState, what: "mount targets can only be created")
        }
        let network = Network(region, ctx)
        let subnetID = input["SubnetId"]?.string ?? ""
        guard let subnet = network.subnet(subnetID) else { throw EFSError.subnetNotFound(subnetID) }
        let siblings = efs.liveMountTargets(of: fs, now: ctx.now)
        if siblings.contains(where: { $0.subnet.vpcID != subnet.vpcID }) {
            throw EFSError.mountTargetInOtherVPC
        }
        if siblings.contains(where: { $0.subnet.availabilityZone == subnet.availabilityZone }) { throw EFSError.mountTargetInZone }
        if let zone = fs.availabilityZoneName, zone != subnet.availabilityZone {
            throw EFSError.availabilityZonesMismatch(fs.id, zone: zone, subnetZone: subnet.availabilityZone)
        }
        let groups = try securityGroups(input["SecurityGroups"], vpc: subnet.vpcID, network)
        let (ipv4, ipv6) = try addresses(input, subnet, efs)
        let mt = EFSMountTarget(
            id: efs.resourceIdType == "SHORT_ID" ? s.ids.shortResourceID(prefix: "fsmt-") : s.ids.resourceID(prefix: "fsmt-"),
            seq: s.sequence(), fileSystemID: fs.id, subnet: subnet, ipAddress: ipv4, ipv6Address: ipv6,
            securityGroups: groups, networkInterfaceID: s.ids.resourceID(prefix: "eni-"),
            lifecycle: ctx.lifecycle("creating", settlingTo: "available"))
        efs.insert(mt, into: fs)
        return describe(mt, ctx, state: mt.lifecycle.current).objectValue
    }

    /// The groups a mount target gets: those named (at most five, each in the subnet's VPC), else
    /// the VPC's default group.
    static func securityGroups(_ value: JSON?, vpc: String, _ network: Network) throws(APIError) -> [String] {
        let named = (value?.array ?? []).compactMap(\.string)  // at most five: EFSRules.securityGroupCount
        if named.isEmpty {
            guard let fallback = network.defaultSecurityGroup(of: vpc) else { throw EFSError.noDefaultSecurityGroup(vpc) }
            return [fallback]
        }
        for id in named {
            guard let group = network.securityGroup(id) else { throw EFSError.securityGroupNotFound(id) }
            guard group.vpcID == vpc else { throw EFSError.securityGroupInOtherVPC(id, vpc: vpc) }
        }
        return named
    }

    /// The IPv4 and IPv6 addresses of a new mount target, by IpAddressType: the ones asked for, or
    /// the subnet's next free ones (IPv4: from the fifth address on; IPv6: `<subnet's /64>::<n>`).
    static func addresses(_ input: JSONObject, _ subnet: Subnet, _ efs: EFSState) throws(APIError) -> (UInt32?, String?) {
        let type = input["IpAddressType"]?.string ?? "IPV4_ONLY"
        let wantsV4 = type != "IPV6_ONLY", wantsV6 = type != "IPV4_ONLY"
        if !wantsV4, input["IpAddress"] != nil { throw EFSError.ipAddressType("IpAddress cannot be used with IpAddressType IPV6_ONLY.") }
        if !wantsV6, input["Ipv6Address"] != nil {
            throw EFSError.ipAddressType("Ipv6Address needs IpAddressType IPV6_ONLY or DUAL_STACK.")
        }
        var ipv4: UInt32? = nil, ipv6: String? = nil
        let used = efs.addresses[subnet.id] ?? []
        if wantsV4, let text = input["IpAddress"]?.string {
            guard let address = IPv4.parse(text), subnet.cidr.isAssignable(address) else {
                throw EFSError.ipAddressOutsideSubnet
            }
            if used.contains(address) { throw EFSError.ipAddressInUse(text) }
            ipv4 = address
        } else if wantsV4 {
            let first = UInt64(subnet.cidr.base) + 4, last = UInt64(subnet.cidr.base) + subnet.cidr.size - 2
            guard first <= last, let free = (first...last).first(where: { !used.contains(UInt32($0)) }) else {
                throw EFSError.noFreeAddresses(subnet.id)
            }
            ipv4 = UInt32(free)
        }
        if wantsV6 {
            let taken = efs.ipv6Addresses[subnet.id] ?? []
            if let given = input["Ipv6Address"]?.string {
                if taken.contains(given) { throw EFSError.ipAddressInUse(given) }
                ipv6 = given
            } else {
                let prefix = "2600:1f18:" + Hex.fixed(Network.hash(subnet.vpcID), digits: 4) + ":"
                    + Hex.fixed(Network.hash(subnet.id), digits: 4) + "::"
                var n = taken.count + 4
                while taken.contains(prefix + String(n, radix: 16)) { n += 1 }
                ipv6 = prefix + String(n, radix: 16)
            }
        }
        return (ipv4, ipv6)
    }

    static func describeMountTargets(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let efs = s.region(ctx).efs
        var out = JSONObject()
        out.append("Marker", ifPresent: input["Marker"])
        let fs: EFSFileSystem
        if let id = input["MountTargetId"]?.string {
            guard let mt = efs.mountTargets[id] else { throw EFSError.mountTargetNotFound }
            let state = efs.observe(mt, now: ctx.now)
            out.append("MountTargets", .array([describe(mt, ctx, state: state)]))
            return out
        } else if let ref = input["AccessPointId"]?.string {
            guard let ap = EFSOperations.accessPoint(ref, efs, ctx), let owner = efs.fileSystems[ap.fileSystemID] else {
                throw EFSError.accessPointNotFound(ref)
            }
            fs = owner
        } else {
            let ref = input["FileSystemId"]?.string ?? ""
            guard let found = EFSOperations.fileSystem(ref, efs, ctx) else { throw EFSError.fileSystemNotFound(ref) }
            fs = found
        }
        let (page, next) = try s.pageTokens.page(fs.mountTargets, input, PageRequest(token: EFSMembers.DescribeMountTargetsRequest.marker,
                                                                                        limit: EFSMembers.DescribeMountTargetsRequest.maxItems, defaultLimit: 10),
                                                 scope: "efs:mt:" + fs.id, invalid: EFSError.invalidPageToken("Marker"))
        out.append("MountTargets", .array(page.map { describe($0, ctx, state: efs.observe($0, now: ctx.now)) }))
        out.append("NextMarker", ifPresent: next.map { .string($0) })
        return out
    }

    static func deleteMountTarget(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let efs = s.region(ctx).efs
        let mt = try mountTarget(input, efs, ctx)
        if !mt.deleting {
            mt.deleting = true
            mt.lifecycle = ctx.lifecycle("deleting", settlingTo: gone)
            if mt.lifecycle.current == gone { efs.remove(mt) }
        }
        return JSONObject()
    }

    static func describeMountTargetSecurityGroups(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let mt = try mountTarget(input, s.region(ctx).efs, ctx)
        if mt.deleting { throw EFSError.noNetworkInterface(mt.id) }
        return JSONObject(["SecurityGroups": .array(mt.securityGroups.map { .string($0) })])
    }

    static func modifyMountTargetSecurityGroups(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let region = s.region(ctx)
        let mt = try mountTarget(input, region.efs, ctx)
        let state = region.efs.observe(mt, now: ctx.now)
        guard state == "available" else { throw EFSError.incorrectMountTargetState(mt.id, state: state) }
        mt.securityGroups = try securityGroups(input["SecurityGroups"], vpc: mt.subnet.vpcID, Network(region, ctx))
        return JSONObject()
    }

    /// The NFS port of every endpoint.
    static let nfsPort: Int64 = 2049

    /// Endpoints to mount a file system through: one per available mount target, those in the
    /// preferred Availability Zone first, each with a mount token from the seeded stream.
    static func createMountSession(_ s: inout WorldState, _ ctx: CallContext, _ input: JSONObject) throws(APIError) -> JSONObject {
        let fs = try EFSConfiguration.availableFileSystem(&s, ctx, input, doing: "mount sessions can only be created")
        if input["NetworkOrigin"]?.string == "EXTERNAL_NETWORK" { throw EFSError.externalNetwork }
        let efs = s.region(ctx).efs
        let preferred = input["PreferredAvailabilityZoneId"]?.string
        let available = efs.liveMountTargets(of: fs, now: ctx.now).filter { efs.observe($0, now: ctx.now) == "available" }
        guard !available.isEmpty else { throw EFSError.noMountTargets(fs.id) }
        let ordered = available.filter { $0.subnet.availabilityZoneID == preferred } + available.filter { $0.subnet.availabilityZoneID != preferred }
        var endpoints: [JSON] = []
        for mt in ordered {
            var e = JSONObject()
            e.append("AvailabilityZoneId", .string(mt.subnet.availabilityZoneID))
            e.append("Ipv4Address", ifPresent: mt.ipAddress.map { .string(IPv4.format($0)) })
            e.append("Ipv6Address", ifPresent: mt.ipv6Address.map { .string($0) })
            e.append("Port", .int(nfsPort))
            e.append("MountToken", .string(s.ids.resourceUUID()))
            e.append("IssuedAt", JSON.timestamp(milliseconds: ctx.now))
            endpoints.append(.object(e))
        }
        var out = JSONObject()
        out.append("FileSystemId", .string(fs.id))
        out.append("PreferredAvailabilityZoneId", ifPresent: preferred.map { .string($0) })
        out.append("Endpoints", .array(endpoints))
        return out
    }

    /// The mount target a request names (settled if due); one that is gone is not found.
    static func mountTarget(_ input: JSONObject, _ efs: EFSState, _ ctx: CallContext) throws(APIError) -> EFSMountTarget {
        let id = input["MountTargetId"]?.string ?? ""
        guard let mt = efs.mountTargets[id] else { throw EFSError.mountTargetNotFound }
        _ = efs.observe(mt, now: ctx.now)
        guard efs.mountTargets[id] != nil else { throw EFSError.mountTargetNotFound }
        return mt
    }
}
