@testable import ApsimCore
import Testing

/// A file system that is already `available` (the instant lifecycle settles it at once).
func instantWorld(_ extra: String = "") throws -> World {
    try makeWorld(#"{"seed": 1, "start_time": 1700000000, "lifecycle": "instant"\#(extra)}"#)
}

func createMountTarget(_ w: World, _ fs: String, _ subnet: String, _ extra: JSON = [:]) -> (status: Int, body: JSON) {
    var request = JSONObject(["FileSystemId": .string(fs), "SubnetId": .string(subnet)])
    for m in extra.objectValue.members { request.append(m.key, m.value) }
    return call(w, "efs:CreateMountTarget", .object(request))
}

/// Two subnets of the open network in different Availability Zones, and one more in the first's.
let subnetA = "subnet-0000000000000000a", subnetB = "subnet-0000000000000000b"

/// A declared network: one VPC of two subnets (us-east-1a, us-east-1b), a /28 subnet with 11 usable
/// addresses, a second VPC, and security groups in each.
let declaredNetwork: JSON = [
    "Vpcs": [["VpcId": "vpc-11111111", "CidrBlock": "10.1.0.0/16"], ["VpcId": "vpc-22222222", "CidrBlock": "10.2.0.0/16"]],
    "Subnets": [
        ["SubnetId": "subnet-1111111a", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.1.0.0/24"],
        ["SubnetId": "subnet-1111111b", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1b", "CidrBlock": "10.1.1.0/24",
         "AvailabilityZoneId": "use1-az6"],
        ["SubnetId": "subnet-1111111c", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1c", "CidrBlock": "10.1.2.0/28"],
        ["SubnetId": "subnet-2222222a", "VpcId": "vpc-22222222", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.2.0.0/24"],
    ],
    "SecurityGroups": [
        ["GroupId": "sg-11111111", "VpcId": "vpc-11111111", "GroupName": "default"],
        ["GroupId": "sg-11111112", "VpcId": "vpc-11111111", "GroupName": "web"],
        ["GroupId": "sg-22222222", "VpcId": "vpc-22222222", "GroupName": "other"],
    ],
]

@Suite struct MountTargetTests {
    @Test func theOpenNetworkPlacesEveryWellFormedSubnet() throws {
        let w = try instantWorld()
        let fs = makeFileSystem(w)
        let (status, mt) = createMountTarget(w, fs, subnetA)
        #expect(status == 200)
        #expect(mt.object?.keys == ["OwnerId", "MountTargetId", "FileSystemId", "SubnetId", "LifeCycleState", "IpAddress",
                                    "NetworkInterfaceId", "AvailabilityZoneId", "AvailabilityZoneName", "VpcId", "ResponseMetadata"])
        let net = Network(RegionState(), CallContext(account: "123456789012", region: "us-east-1", config: WorldConfig(), now: 0))
        let subnet = try #require(net.subnet(subnetA))
        #expect(mt["AvailabilityZoneName"]?.string == subnet.availabilityZone)
        #expect(["us-east-1a", "us-east-1b", "us-east-1c"].contains(subnet.availabilityZone))
        #expect(mt["AvailabilityZoneId"]?.string == "use1-az" + String((subnet.availabilityZone.last?.asciiValue ?? 0) - 96))
        #expect(mt["VpcId"]?.string == net.openVPC && net.openVPC.count == 21)
        #expect(mt["IpAddress"]?.string == IPv4.format(subnet.cidr.base + 4))  // the first assignable address
        #expect(subnet.cidr.prefix == 20 && Network.openCIDR.contains(subnet.cidr))
        let id = mt["MountTargetId"]?.string ?? ""
        #expect(id.hasPrefix("fsmt-") && id.count == 22)
        #expect(mt["NetworkInterfaceId"]?.string?.hasPrefix("eni-") == true && mt["NetworkInterfaceId"]?.string?.count == 21)
        #expect(mt["LifeCycleState"] == "available")
        let groups = call(w, "efs:DescribeMountTargetSecurityGroups", ["MountTargetId": .string(id)]).body
        #expect(groups["SecurityGroups"] == [.string(net.openDefaultGroup)])
        #expect(call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first?["NumberOfMountTargets"] == 1)
    }

    @Test func oneMountTargetPerZoneAndOneVPC() throws {
        let w = try instantWorld()
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        let fs = makeFileSystem(w)
        #expect(createMountTarget(w, fs, "subnet-1111111a").status == 200)
        let b = createMountTarget(w, fs, "subnet-1111111b")
        #expect(b.body["AvailabilityZoneId"] == "use1-az6" && b.body["IpAddress"] == "10.1.1.4")
        let again = createMountTarget(w, fs, "subnet-1111111a")
        #expect(again.status == 409)
        #expect(error(again.body) == ("MountTargetConflict", "mount target already exists in this AZ"))
        let otherVPC = createMountTarget(w, makeFileSystem(w, token: "other"), "subnet-2222222a", ["SecurityGroups": ["sg-22222222"]])
        #expect(otherVPC.status == 200)
        let mixed = createMountTarget(w, fs, "subnet-2222222a")
        #expect(error(mixed.body) == ("MountTargetConflict",
                                      "requested subnet for new mount target is not in the same VPC as existing mount targets"))
    }

    @Test func subnetsAndSecurityGroupsMustExist() throws {
        let w = try instantWorld()
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        let fs = makeFileSystem(w)
        let missing = createMountTarget(w, fs, "subnet-99999999")
        #expect(missing.status == 400)
        #expect(error(missing.body) == ("SubnetNotFound", "The subnet ID 'subnet-99999999' does not exist"))
        let unknown = createMountTarget(w, fs, "subnet-1111111a", ["SecurityGroups": ["sg-33333333"]])
        #expect(error(unknown.body) == ("SecurityGroupNotFound", "The security group 'sg-33333333' does not exist"))
        let foreign = createMountTarget(w, fs, "subnet-1111111a", ["SecurityGroups": ["sg-22222222"]])
        #expect(error(foreign.body) == ("SecurityGroupNotFound", "The security group 'sg-22222222' does not exist in VPC 'vpc-11111111'"))
        let six: JSON = .array((1...6).map { .string("sg-1111111\($0)") })
        let many = createMountTarget(w, fs, "subnet-1111111a", ["SecurityGroups": six])
        #expect(many.status == 400)
        #expect(error(many.body) == ("SecurityGroupLimitExceeded",
                                     "A mount target can have at most 5 security groups; the request has 6."))
        let named = createMountTarget(w, fs, "subnet-1111111a", ["SecurityGroups": ["sg-11111112"]])
        let id = named.body["MountTargetId"]?.string ?? ""
        #expect(call(w, "efs:DescribeMountTargetSecurityGroups", ["MountTargetId": .string(id)]).body["SecurityGroups"] == ["sg-11111112"])
        #expect(call(w, "efs:ModifyMountTargetSecurityGroups", ["MountTargetId": .string(id), "SecurityGroups": ["sg-11111111"]]).status == 204)
        #expect(call(w, "efs:DescribeMountTargetSecurityGroups", ["MountTargetId": .string(id)]).body["SecurityGroups"] == ["sg-11111111"])
        let bad = call(w, "efs:ModifyMountTargetSecurityGroups", ["MountTargetId": .string(id), "SecurityGroups": ["sg-22222222"]])
        #expect(error(bad.body).code == "SecurityGroupNotFound")
    }

    @Test func ipAddressesAreInsideTheSubnetAndUnique() throws {
        let w = try instantWorld()
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        let outside = createMountTarget(w, makeFileSystem(w), "subnet-1111111a", ["IpAddress": "10.9.0.9"])
        #expect(outside.status == 400)
        #expect(error(outside.body) == ("BadRequest", "Address does not fall within the subnet's address range"))
        for reserved in ["10.1.0.0", "10.1.0.3", "10.1.0.255"] {
            #expect(error(createMountTarget(w, makeFileSystem(w), "subnet-1111111a", ["IpAddress": .string(reserved)]).body).code == "BadRequest")
        }
        #expect(createMountTarget(w, makeFileSystem(w, token: "a"), "subnet-1111111a", ["IpAddress": "10.1.0.77"]).body["IpAddress"] == "10.1.0.77")
        let taken = createMountTarget(w, makeFileSystem(w, token: "b"), "subnet-1111111a", ["IpAddress": "10.1.0.77"])
        #expect(taken.status == 409)
        #expect(error(taken.body) == ("IpAddressInUse", "IP address 10.1.0.77 is already in use by another mount target in the subnet."))
        // A /28 has 16 addresses: the first four and the last are reserved, 11 remain.
        let ips = (0..<11).map { createMountTarget(w, makeFileSystem(w, token: "small\($0)"), "subnet-1111111c").body["IpAddress"]?.string }
        #expect(ips.first == "10.1.2.4" && ips.last == "10.1.2.14" && Set(ips).count == 11)
        let full = createMountTarget(w, makeFileSystem(w, token: "full"), "subnet-1111111c")
        #expect(full.status == 409)
        #expect(error(full.body) == ("NoFreeAddressesInSubnet", "Subnet 'subnet-1111111c' has no free IP addresses."))
        let v6 = createMountTarget(w, makeFileSystem(w, token: "v6"), "subnet-1111111a", ["IpAddressType": "IPV6_ONLY", "IpAddress": "10.1.0.9"])
        #expect(error(v6.body) == ("BadRequest", "IpAddress cannot be used with IpAddressType IPV6_ONLY."))
        let dual = createMountTarget(w, makeFileSystem(w, token: "dual"), "subnet-1111111b", ["IpAddressType": "DUAL_STACK"])
        #expect(dual.body["IpAddress"] == "10.1.1.4" && dual.body["Ipv6Address"]?.string?.hasPrefix("2600:1f18:") == true)
    }

    @Test func oneZoneFileSystemsAndTheirLifecycle() throws {
        let w = try makeWorld(#"{"seed": 1, "start_time": 1700000000, "lifecycle": "manual", "creation_delay_ms": 1000}"#)
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        let oneZone = call(w, "efs:CreateFileSystem", ["CreationToken": "oz", "AvailabilityZoneName": "us-east-1b"]).body
        let fs = oneZone["FileSystemId"]?.string ?? ""
        #expect(oneZone["AvailabilityZoneId"] == "use1-az2")
        let early = createMountTarget(w, fs, "subnet-1111111b")
        #expect(early.status == 409)
        #expect(error(early.body) == ("IncorrectFileSystemLifeCycleState",
                                      "File system '\(fs)' is in the 'creating' state; mount targets can only be created on an 'available' file system."))
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 1000])
        let mismatch = createMountTarget(w, fs, "subnet-1111111a")
        #expect(mismatch.status == 400)
        #expect(error(mismatch.body) == ("AvailabilityZonesMismatch",
                                         "One Zone file system '\(fs)' is in us-east-1b; its mount target must be in a subnet of that Availability Zone, not us-east-1a."))
        let mt = createMountTarget(w, fs, "subnet-1111111b").body
        let id = mt["MountTargetId"]?.string ?? ""
        #expect(mt["LifeCycleState"] == "creating")
        let modify = call(w, "efs:ModifyMountTargetSecurityGroups", ["MountTargetId": .string(id), "SecurityGroups": ["sg-11111112"]])
        #expect(modify.status == 409)
        #expect(error(modify.body) == ("IncorrectMountTargetState",
                                       "Mount target '\(id)' is in the 'creating' state; its security groups can only be changed while it is 'available'."))
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 1000])
        #expect(call(w, "efs:DeleteMountTarget", ["MountTargetId": .string(id)]).status == 204)
        let deleting = call(w, "efs:DescribeMountTargetSecurityGroups", ["MountTargetId": .string(id)])
        #expect(error(deleting.body) == ("IncorrectMountTargetState", "Mount target does not have a network interface: \(id)"))
        let inUse = call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)])
        #expect(inUse.status == 409)
        #expect(error(inUse.body) == ("FileSystemInUse", "File system '\(fs)' has mount targets and cannot be deleted."))
        #expect(call(w, "efs:DescribeMountTargets", ["MountTargetId": .string(id)]).body["MountTargets"]?.array?.first?["LifeCycleState"] == "deleting")
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 1000])
        #expect(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)]).status == 204)
        let gone = call(w, "efs:DescribeMountTargets", ["MountTargetId": .string(id)])
        #expect(gone.status == 404)
        #expect(error(gone.body) == ("MountTargetNotFound", "Mount target does not exist."))
    }

    @Test func deletedMountTargetsReadDeletingOnceOnRead() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let id = createMountTarget(w, fs, subnetA).body["MountTargetId"]?.string ?? ""
        #expect(call(w, "efs:DeleteMountTarget", ["MountTargetId": .string(id)]).status == 204)
        let seen = call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"]
        #expect(seen?.array?.map { $0["LifeCycleState"] } == ["deleting"])
        #expect(call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"] == [])
        #expect(call(w, "efs:DeleteFileSystem", ["FileSystemId": .string(fs)]).status == 204)
    }

    @Test func describeMountTargetsNamesExactlyOneThingAndPages() throws {
        let w = try instantWorld()
        let fs = makeFileSystem(w)
        let ap = call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string ?? ""
        let ids = [subnetA, subnetB].map { createMountTarget(w, fs, $0).body["MountTargetId"]?.string ?? "" }
        for request: JSON in [[:], ["FileSystemId": .string(fs), "AccessPointId": .string(ap)]] {
            let r = call(w, "efs:DescribeMountTargets", request)
            #expect(r.status == 400)
            #expect(error(r.body) == ("BadRequest", "Must specify exactly one mutually exclusive parameter."))
        }
        let first = call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs), "MaxItems": 1]).body
        let marker = first["NextMarker"]?.string ?? ""
        let second = call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs), "Marker": .string(marker)]).body
        #expect(second["Marker"]?.string == marker && second["NextMarker"] == nil)
        #expect(((first["MountTargets"]?.array ?? []) + (second["MountTargets"]?.array ?? [])).map { $0["MountTargetId"]?.string } == ids)
        #expect(call(w, "efs:DescribeMountTargets", ["AccessPointId": .string(ap)]).body["MountTargets"]?.array?.count == 2)
        #expect(error(call(w, "efs:DescribeMountTargets", ["AccessPointId": "fsap-0123456789abcdef0"]).body).code == "AccessPointNotFound")
        #expect(error(call(w, "efs:DescribeMountTargets", ["FileSystemId": "fs-0123456789abcdef0"]).body).code == "FileSystemNotFound")
        #expect(error(call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs), "Marker": "bogus"]).body)
            == ("BadRequest", "Invalid Marker: use a value returned by a previous call of this operation with the same filters."))
    }

    @Test func shortIDsForFileSystemsAndMountTargets() throws {
        let w = try instantWorld()
        #expect(call(w, "efs:DescribeAccountPreferences").body["ResourceIdPreference"]
            == ["ResourceIdType": "LONG_ID", "Resources": ["FILE_SYSTEM", "MOUNT_TARGET"]])
        #expect(call(w, "efs:PutAccountPreferences", ["ResourceIdType": "SHORT_ID"]).body["ResourceIdPreference"]?["ResourceIdType"] == "SHORT_ID")
        let fs = makeFileSystem(w)
        #expect(fs.count == 11)  // fs- and 8 hex digits
        #expect(createMountTarget(w, fs, subnetA).body["MountTargetId"]?.string?.count == 13)
        #expect(call(w, "efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs)]).body["AccessPointId"]?.string?.count == 22)
    }

    @Test func mountSessionsHaveOneEndpointPerAvailableMountTarget() throws {
        let w = try instantWorld()
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        let fs = makeFileSystem(w)
        let none = call(w, "efs:CreateMountSession", ["FileSystemId": .string(fs)])
        #expect(error(none.body) == ("BadRequest", "File system '\(fs)' has no available mount target to mount through; create one first."))
        _ = createMountTarget(w, fs, "subnet-1111111a")
        _ = createMountTarget(w, fs, "subnet-1111111b")
        let session = call(w, "efs:CreateMountSession", ["FileSystemId": .string(fs), "PreferredAvailabilityZoneId": "use1-az6"]).body
        #expect(session["FileSystemId"]?.string == fs && session["PreferredAvailabilityZoneId"] == "use1-az6")
        let endpoints = session["Endpoints"]?.array ?? []
        #expect(endpoints.map { $0["AvailabilityZoneId"] } == ["use1-az6", "use1-az1"])  // the preferred zone first
        #expect(endpoints.map { $0["Ipv4Address"] } == ["10.1.1.4", "10.1.0.4"])
        #expect(endpoints.allSatisfy { $0["Port"] == 2049 && $0["MountToken"]?.string?.count == 36 && $0["IssuedAt"] == 1700000000 })
        let external = call(w, "efs:CreateMountSession", ["FileSystemId": .string(fs), "NetworkOrigin": "EXTERNAL_NETWORK"])
        #expect(error(external.body) == ("BadRequest", "External network (EXTERNAL_NETWORK) connections are not supported."))
    }
}
