@testable import ApsimCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// nfs: through apsim_call (files.md sections 3 and 7): the mount helper's refusals, name
/// resolution, access points (enforced identity, root directories made from CreationInfo), the
/// mounted path, file operations with errno envelopes, read-only and stale mounts, journaling.
@Suite struct NFSTests {
    /// A world with an available file system and mount target; returns (world, fs).
    func ready(_ config: String = #"{"seed": 3, "start_time": 1700000000}"#) throws -> (World, String) {
        let w = try makeWorld(config)
        let fs = makeFileSystem(w)
        _ = call(w, "efs:DescribeFileSystems")
        _ = call(w, "efs:CreateMountTarget", ["FileSystemId": .string(fs), "SubnetId": "subnet-0123456789abcdef0"])
        _ = call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)])
        return (w, fs)
    }

    func accessPoint(_ w: World, _ fs: String, token: String, root: JSON, user: JSON? = nil) -> String {
        var o = JSONObject(["ClientToken": .string(token), "FileSystemId": .string(fs), "RootDirectory": root])
        if let user { o["PosixUser"] = user }
        let ap = call(w, "efs:CreateAccessPoint", .object(o)).body["AccessPointId"]?.string ?? ""
        _ = call(w, "efs:DescribeAccessPoints", ["AccessPointId": .string(ap)])
        return ap
    }

    func mountID(_ r: (status: Int, body: JSON)) -> String { r.body["MountId"]?.string ?? "" }

    @Test func theMountHelperRefusesFirstWithItsOwnWords() throws {
        let (w, fs) = try ready()
        func helper(_ request: JSON) -> String? {
            let r = call(w, "nfs:Mount", request)
            #expect(r.status == 400 && error(r.body).code == "MountHelperError" && r.body["Errno"] == nil)
            return error(r.body).message
        }
        #expect(helper(["FileSystemId": .string(fs), "AccessPointId": "fsap-0123456789abcdef0", "Tls": false])
                == #"The "tls" option is required when mounting via "accesspoint""#)
        #expect(helper(["FileSystemId": .string(fs), "Iam": true, "Tls": false]) == #"The "tls" option is required when mounting via "iam""#)
        #expect(helper(["FileSystemId": .string(fs), "AccessPointId": "fsap-12"]) == "Access Point ID fsap-12 is malformed")
        let other = makeFileSystem(w, token: "other")
        #expect(helper(["FileSystemId": .string(other)])
                == #"Failed to resolve "\#(other).efs.us-east-1.amazonaws.com" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."#)
        let both = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "VolumeId": "fsvol-0123456789abcdef0"])
        #expect(error(both.body).code == "ValidationException")
        #expect(call(w, "nfs:Mount", ["FileSystemId": 7]).status == 400)
    }

    @Test func filesThroughAPlainMountFollowPOSIX() throws {
        let (w, fs) = try ready()
        let mount = call(w, "nfs:Mount", ["FileSystemId": .string(fs)])
        #expect(mount.status == 200 && mount.body["Path"] == "/" && mount.body["ReadOnly"] == false && mount.body["RootSquash"] == false)
        #expect(mount.body["ResponseMetadata"]?["RequestId"] == .string(World.controlRequestID))
        let m = JSON.string(mountID(mount))
        #expect(call(w, "nfs:Write", ["MountId": m, "Path": "/hello.txt", "Text": "hi"]).body == [
            "Size": 2, "Written": 2, "ResponseMetadata": ["RequestId": .string(World.controlRequestID), "HTTPStatusCode": 200]])
        let st = call(w, "nfs:Stat", ["MountId": m, "Path": "hello.txt"]).body
        #expect(st["Path"] == "/hello.txt" && st["Type"] == "file" && st["Mode"] == 420 && st["Uid"] == 0 && st["Size"] == 2)
        #expect(st["Mtime"] == 1_700_000_000)
        #expect(call(w, "nfs:Read", ["MountId": m, "Path": "/hello.txt", "Encoding": "utf-8"]).body["Text"] == "hi")
        // A client of uid 1000 may not write into the root-owned 0755 root.
        let denied = call(w, "nfs:Write", ["MountId": m, "Path": "/mine.txt", "Text": "x", "Uid": 1000, "Gid": 1000])
        #expect(denied.status == 403 && error(denied.body).code == "EACCES" && error(denied.body).message == "Permission denied")
        #expect(denied.body["Errno"] == 13 && denied.body["Path"] == "/mine.txt")
        let missing = call(w, "nfs:Read", ["MountId": m, "Path": "/nope"])
        #expect(missing.status == 404 && error(missing.body).code == "ENOENT" && missing.body["Errno"] == 2)
        #expect(call(w, "nfs:List", ["MountId": m, "Path": "/"]).body["Entries"]?.array?.compactMap { $0["Name"]?.string } == ["hello.txt"])
        // A missing path: ENOENT with the server's line.
        let nowhere = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "Path": "/data"])
        #expect(nowhere.status == 404 && nowhere.body["Errno"] == 2 && nowhere.body["Path"] == "/data")
        #expect(error(nowhere.body).message
                == "mount.nfs4: mounting \(fs).efs.us-east-1.amazonaws.com:/data failed, reason given by server: No such file or directory")
        // Read-only, unmounted.
        let ro = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs), "ReadOnly": true])))
        #expect(error(call(w, "nfs:Remove", ["MountId": ro, "Path": "/hello.txt"]).body).code == "EROFS")
        #expect(call(w, "nfs:Unmount", ["MountId": ro]).status == 200)
        let gone = call(w, "nfs:Stat", ["MountId": ro, "Path": "/"])
        #expect(gone.status == 400 && error(gone.body).code == "EBADF" && gone.body["Errno"] == 9)
        #expect(call(w, "nfs:ListMounts").body["Mounts"]?.array?.count == 1)
    }

    @Test func anAccessPointEnforcesItsUserAndMakesItsRoot() throws {
        let (w, fs) = try ready()
        let ap = accessPoint(w, fs, token: "app", root: ["Path": "/apps/one", "CreationInfo": ["OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"]],
                             user: ["Uid": 1000, "Gid": 1000, "SecondaryGids": [5]])
        let mount = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "AccessPointId": .string(ap), "Uid": 0])
        #expect(mount.status == 200 && mount.body["EnforcedIdentity"] == ["Uid": 1000, "Gid": 1000, "Gids": [5]])
        let m = JSON.string(mountID(mount))
        // Whatever uid the client sends, files are the access point user's.
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/data.txt", "Text": "x", "Uid": 4242])
        let st = call(w, "nfs:Stat", ["MountId": m, "Path": "/data.txt"]).body
        #expect(st["Uid"] == 1000 && st["Gid"] == 1000)
        // The root was made as CreationInfo says, its parent as 0:0 0755; nothing above it is reachable.
        let root = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs)])))
        #expect(call(w, "nfs:Stat", ["MountId": root, "Path": "/apps/one"]).body["Mode"] == 0o750)
        #expect(call(w, "nfs:Stat", ["MountId": root, "Path": "/apps"]).body["Mode"] == 0o755)
        #expect(call(w, "nfs:Stat", ["MountId": m, "Path": "/../.."]).body["Ino"] == call(w, "nfs:Stat", ["MountId": root, "Path": "/apps/one"]).body["Ino"])
        // A missing root without CreationInfo is refused with the server's line.
        let bare = accessPoint(w, fs, token: "bare", root: ["Path": "/missing"], user: ["Uid": 1, "Gid": 1])
        let refused = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "AccessPointId": .string(bare)])
        #expect(refused.status == 403 && refused.body["Errno"] == 13)
        #expect(error(refused.body).message == "mount.nfs4: access denied by server while mounting 127.0.0.1:/")
        // Deleting the access point makes its mounts stale.
        #expect(call(w, "efs:DeleteAccessPoint", ["AccessPointId": .string(ap)]).status == 204)
        let stale = call(w, "nfs:Stat", ["MountId": m, "Path": "/"])
        #expect(stale.status == 410 && error(stale.body).code == "ESTALE" && stale.body["Errno"] == 116)
    }

    @Test func theDataPlaneLeavesAWSIDsAloneAndItsWritesSurviveAKill() throws {
        let dir = "/tmp/apsim-nfs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(dir, 0o755)
        defer {
            for name in ["world.json", "world.json.journal", "world.json.lock"] { unlink(dir + "/" + name) }
            rmdir(dir)
        }
        let config = #"{"seed": 3, "start_time": 1700000000, "state_file": "\#(dir)/world.json"}"#
        let (a, fs) = try ready(config)
        let (b, _) = try ready()
        let m = JSON.string(mountID(call(a, "nfs:Mount", ["FileSystemId": .string(fs)])))
        _ = call(a, "nfs:Mkdir", ["MountId": m, "Path": "/d"])
        _ = call(a, "nfs:Write", ["MountId": m, "Path": "/d/f", "Data": "AAEC"])
        // Same IDs and RequestIds for the next AWS call, with or without the data plane.
        #expect(makeFileSystem(a, token: "next") == makeFileSystem(b, token: "next"))
        a.crash()
        let c = try World(configJSON: config)
        let again = call(c, "nfs:Stat", ["MountId": m, "Path": "/d/f"])
        #expect(error(again.body).code == "EBADF")  // a reopened world has no mounts
        let n = JSON.string(mountID(call(c, "nfs:Mount", ["FileSystemId": .string(fs)])))
        #expect(n != m)
        #expect(call(c, "nfs:Read", ["MountId": n, "Path": "/d/f"]).body["Data"] == "AAEC")
    }

    @Test func theDataPlaneIsServedUnderTheControlPrefix() throws {
        let (w, fs) = try ready()
        let mount = w.http(HTTPRequest(method: "POST", path: "/_apsim/nfs:Mount", body: #"{"FileSystemId": "\#(fs)"}"#))
        #expect(mount.status == 200 && mount.operation == "nfs:Mount")
        #expect(mount.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let id = (try? JSON.parse(mount.body))?["MountId"]?.string ?? ""
        let missing = w.http(HTTPRequest(method: "POST", path: "/_apsim/nfs:Stat", body: #"{"MountId": "\#(id)", "Path": "/x"}"#))
        #expect(missing.status == 404 && missing.errorCode == "ENOENT")
        #expect(missing.body == #"{"__type":"ENOENT","Message":"No such file or directory","Errno":2,"Path":"/x"}"#)
    }

    func put(_ w: World, _ fs: String, _ statements: String) -> (status: Int, body: JSON) {
        call(w, "efs:PutFileSystemPolicy", ["FileSystemId": .string(fs), "Policy": .string(#"{"Version": "2012-10-17", "Statement": \#(statements)}"#)])
    }

    @Test func theFileSystemPolicyDecidesMountWriteAndRoot() throws {
        let (w, fs) = try ready()
        let line = "mount.nfs4: access denied by server while mounting \(fs).efs.us-east-1.amazonaws.com:/"
        // No ClientMount: refused.
        #expect(put(w, fs, #"[{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientWrite"}]"#).status == 200)
        let refused = call(w, "nfs:Mount", ["FileSystemId": .string(fs)])
        #expect(refused.status == 403 && error(refused.body).message == line && refused.body["Errno"] == 13)
        // ClientMount only: read-only.
        _ = put(w, fs, #"[{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount"}]"#)
        let ro = call(w, "nfs:Mount", ["FileSystemId": .string(fs)])
        #expect(ro.body["ReadOnly"] == true && ro.body["RootSquash"] == true)
        #expect(error(call(w, "nfs:Mkdir", ["MountId": .string(mountID(ro)), "Path": "/d"]).body).code == "EROFS")
        // ClientMount and ClientWrite, no ClientRootAccess: root is squashed to 65534.
        _ = put(w, fs, #"[{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}]"#)
        let squashed = call(w, "nfs:Mount", ["FileSystemId": .string(fs)])
        #expect(squashed.body["ReadOnly"] == false && squashed.body["RootSquash"] == true)
        #expect(error(call(w, "nfs:Mkdir", ["MountId": .string(mountID(squashed)), "Path": "/d"]).body).code == "EACCES")
        // ...but the account's root through IAM has every right of its own account.
        let iam = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "Iam": true])
        #expect(iam.body["RootSquash"] == false && iam.body["ReadOnly"] == false)
        #expect(call(w, "nfs:Mkdir", ["MountId": .string(mountID(iam)), "Path": "/d"]).status == 200)
        #expect(error(call(w, "nfs:Chown", ["MountId": .string(mountID(squashed)), "Path": "/d", "NewUid": 7]).body).code == "EPERM")
        // A declared role: its identity policy and the file system's both count.
        #expect(call(w, "apsim:PutPrincipal", ["Arn": "arn:aws:iam::123456789012:role/app",
                                               "Policies": [#"{"Statement": {"Effect": "Allow", "Action": "elasticfilesystem:ClientRootAccess", "Resource": "*"}}"#]]).status == 200)
        let role = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "Iam": true, "Principal": "arn:aws:iam::123456789012:role/app"])
        #expect(role.body["RootSquash"] == false && role.body["ReadOnly"] == false)
        // Deny without TLS.
        _ = put(w, fs, #"[{"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:Client*"}, {"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]"#)
        #expect(error(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).body).message == line)
        let tls = call(w, "nfs:Mount", ["FileSystemId": .string(fs), "Tls": true])
        #expect(tls.status == 200 && tls.body["RootSquash"] == false)
    }

    @Test func putFileSystemPolicyChecksTheDocumentAndTheLockout() throws {
        let (w, fs) = try ready()
        let bad = put(w, fs, #"[{"Effect": "Allow", "Action": "*", "Condition": {"StringSorta": {"k": "v"}}}]"#)
        #expect(error(bad.body) == ("InvalidPolicyException", "The file system policy is not valid: Statement 1 uses an unknown condition operator 'StringSorta'."))
        let lockout = #"[{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:PutFileSystemPolicy"}]"#
        let arn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/\(fs)"
        #expect(error(put(w, fs, lockout).body) == ("InvalidPolicyException",
            "The file system policy would lock you out: it explicitly denies arn:aws:iam::123456789012:root elasticfilesystem:PutFileSystemPolicy on \(arn). Set BypassPolicyLockoutSafetyCheck to true to put it anyway."))
        #expect(call(w, "efs:PutFileSystemPolicy", ["FileSystemId": .string(fs), "BypassPolicyLockoutSafetyCheck": true,
                                                    "Policy": .string(#"{"Statement": \#(lockout)}"#)]).status == 200)
        // "Deny unless TLS" locks nobody out: an API call is over TLS.
        #expect(put(w, fs, #"[{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]"#).status == 200)
    }

    @Test func principalsAreDeclaredListedExportedAndDeleted() throws {
        let w = try makeWorld()
        let role = JSON.object(JSONObject(["Arn": "arn:aws:iam::111122223333:role/app", "AccessKeyIds": ["AKIAAPP"],
                                           "Policies": [["Statement": ["Effect": "Allow", "Action": "*", "Resource": "*"]]]]))
        #expect(call(w, "apsim:PutPrincipal", role).status == 200)
        #expect(call(w, "apsim:ListPrincipals").body["Principals"] == .array([role]))
        let taken = call(w, "apsim:PutPrincipal", ["Arn": "arn:aws:iam::111122223333:user/bob", "AccessKeyIds": ["AKIAAPP"]])
        #expect(error(taken.body) == ("InvalidPrincipal", "Invalid principal: access key 'AKIAAPP' already signs as arn:aws:iam::111122223333:role/app."))
        #expect(error(call(w, "apsim:PutPrincipal", ["Arn": "bob"]).body).code == "InvalidPrincipal")
        let badPolicy = call(w, "apsim:PutPrincipal", ["Arn": "arn:aws:iam::111122223333:user/bob", "Policies": [["Statement": ["Effect": "Maybe", "Action": "*"]]]])
        #expect(error(badPolicy.body).message == "Invalid principal: Policies[0] is not a valid policy: Statement 1 must have an Effect of \"Allow\" or \"Deny\".")
        let exported = call(w, "apsim:ExportState").body.objectValue.withoutMetadata
        #expect(exported["Principals"] == .array([role]))
        let restored = try makeWorld()
        _ = call(restored, "apsim:ImportState", ["State": .object(exported)])
        #expect(call(restored, "apsim:ListPrincipals").body["Principals"] == .array([role]))
        #expect(call(w, "apsim:DeletePrincipal", ["Arn": "arn:aws:iam::111122223333:role/app"]).status == 200)
        #expect(error(call(w, "apsim:DeletePrincipal", ["Arn": "arn:aws:iam::111122223333:role/app"]).body)
                == ("ResourceNotFound", "No principal 'arn:aws:iam::111122223333:role/app' is declared in this world."))
    }

    @Test func aDeclaredNetworkLetsMountsInOnlyOnPort2049() throws {
        let w = try makeWorld()
        func network(_ rules: JSON) -> (status: Int, body: JSON) {
            call(w, "apsim:SetNetwork", [
                "Vpcs": [["VpcId": "vpc-0aaaaaaaaaaaaaaaa", "CidrBlock": "10.0.0.0/16"]],
                "Subnets": [["SubnetId": "subnet-0aaaaaaaaaaaaaaaa", "VpcId": "vpc-0aaaaaaaaaaaaaaaa", "AvailabilityZone": "us-east-1a",
                             "CidrBlock": "10.0.1.0/24"]],
                "SecurityGroups": [["GroupId": "sg-0aaaaaaaaaaaaaaaa", "VpcId": "vpc-0aaaaaaaaaaaaaaaa", "GroupName": "default"],
                                   ["GroupId": "sg-0bbbbbbbbbbbbbbbb", "VpcId": "vpc-0aaaaaaaaaaaaaaaa", "GroupName": "efs", "IpPermissions": rules]],
            ])
        }
        #expect(network([]).status == 200)
        let fs = makeFileSystem(w)
        _ = call(w, "efs:DescribeFileSystems")
        _ = call(w, "efs:CreateMountTarget", ["FileSystemId": .string(fs), "SubnetId": "subnet-0aaaaaaaaaaaaaaaa", "SecurityGroups": ["sg-0bbbbbbbbbbbbbbbb"]])
        _ = call(w, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)])
        // No inbound rule: the mount times out.
        let closed = call(w, "nfs:Mount", ["FileSystemId": .string(fs)])
        #expect(closed.status == 504 && error(closed.body) == ("ETIMEDOUT", "mount.nfs4: Connection timed out") && closed.body["Errno"] == 110)
        // Another port: still closed. 2049 from the subnet's CIDR, from the default group, or -1: open.
        #expect(network([["IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]]).status == 200)
        #expect(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).status == 504)
        for rule: JSON in [["IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "IpRanges": [["CidrIp": "10.0.1.0/24"]]],
                           ["IpProtocol": "tcp", "FromPort": 2000, "ToPort": 3000, "UserIdGroupPairs": [["GroupId": "sg-0aaaaaaaaaaaaaaaa"]]],
                           ["IpProtocol": "-1", "IpRanges": [["CidrIp": "10.0.0.0/16"]]]] {
            #expect(network([rule]).status == 200)
            #expect(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).status == 200)
        }
        // Rules are checked like the rest of the declaration.
        let unknown = network([["IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [["GroupId": "sg-0cccccccccccccccc"]]]])
        #expect(error(unknown.body) == ("InvalidNetwork",
            "Invalid network at 'Network.SecurityGroups[1].IpPermissions[0].UserIdGroupPairs': no security group 'sg-0cccccccccccccccc' is declared."))
        #expect(error(network([["IpProtocol": "gre", "FromPort": 1, "ToPort": 2]]).body).message
                == "Invalid network at 'Network.SecurityGroups[1].IpPermissions[0].IpProtocol': 'gre' is not tcp, udp, icmp or -1.")
    }

    @Test func sizeInBytesMetersTheFiles() throws {
        let (w, fs) = try ready()
        func size() -> JSON? { call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first?["SizeInBytes"] }
        func value() -> Int64 { size()?["Value"]?.int ?? -1 }
        #expect(value() == 6144 && size()?["ValueInStandard"] == 6144 && size()?["Timestamp"] == 1_700_000_000)
        let m = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs)])))
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/empty", "Text": ""])
        #expect(value() == 6144 + 6144)  // an empty file meters 6 KiB
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/big", "Text": .string(String(repeating: "x", count: 5000))])
        _ = call(w, "nfs:Symlink", ["MountId": m, "Path": "/link", "Target": "big"])
        _ = call(w, "nfs:Mkdir", ["MountId": m, "Path": "/d"])
        // root 6144, empty 6144, big 2048 + 8192, link 6144, d 6144.
        let expected: Int64 = 6144 + 6144 + 10240 + 6144 + 6144
        #expect(value() == expected && size()?["ValueInIA"] == 0)
        for i in 0..<130 { _ = call(w, "nfs:Write", ["MountId": m, "Path": .string("/d/f\(i)"), "Text": ""]) }
        let withEntries: Int64 = 6144 + 6144 + 10240 + 6144 + (2048 + 8192) + 130 * 6144
        #expect(value() == withEntries)  // d: two increments of 128 entries
    }

    func sizes(_ w: World, _ fs: String) -> (value: Int64, ia: Int64, archive: Int64, standard: Int64, at: JSON?) {
        let b = call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first?["SizeInBytes"]
        return (b?["Value"]?.int ?? -1, b?["ValueInIA"]?.int ?? -1, b?["ValueInArchive"]?.int ?? -1, b?["ValueInStandard"]?.int ?? -1, b?["Timestamp"])
    }

    @Test func storageClassesFollowTheLifecycleConfigurationAndTheClock() throws {
        let (w, fs) = try ready()
        let m = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs)])))
        #expect(call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ThroughputMode": "elastic"]).status == 202)  // Archive needs it
        #expect(call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": [
            ["TransitionToIA": "AFTER_7_DAYS"], ["TransitionToArchive": "AFTER_14_DAYS"]]]).status == 200)
        let written = call(w, "nfs:Write", ["MountId": m, "Path": "/big", "Data": .string(base64(Array(repeating: 1, count: 131_072)))])
        #expect(written.body["Size"] == 131_072)
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/small", "Text": "s"])  // under 128 KiB: always Standard
        let total = sizes(w, fs).value
        #expect(total == 6144 + (2048 + 131_072) + 6144 && sizes(w, fs).ia == 0)
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": .int(8 * 86_400_000)])
        #expect(sizes(w, fs).ia == 131_072 && sizes(w, fs).standard == total - 131_072)
        // A read without AFTER_1_ACCESS leaves it in IA; it then ages to Archive from that read.
        _ = call(w, "nfs:Read", ["MountId": m, "Path": "/big", "Length": 1])
        #expect(sizes(w, fs).ia == 131_072)
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": .int(15 * 86_400_000)])
        #expect(sizes(w, fs).archive == 131_072 && sizes(w, fs).ia == 0)
        // With AFTER_1_ACCESS a read brings it back; a write always does.
        _ = call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": [
            ["TransitionToIA": "AFTER_7_DAYS"], ["TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"]]])
        _ = call(w, "nfs:Read", ["MountId": m, "Path": "/big", "Length": 1])
        #expect(sizes(w, fs).ia == 0 && sizes(w, fs).archive == 0 && sizes(w, fs).standard == total)
    }

    @Test func hourlyMeteringReportsTheLastBoundarysSize() throws {
        let (w, fs) = try ready(#"{"seed": 3, "start_time": 1700000000, "metering": "hourly"}"#)  // 22:13:20 UTC
        let m = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs)])))
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/a", "Text": "a"])
        #expect(sizes(w, fs).value == 6144 && sizes(w, fs).at == 1_700_000_000)  // before the first boundary: at creation
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 3_600_000])  // 23:13:20: the 23:00 boundary passed
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/b", "Text": "b"])  // after the boundary: not in its sample
        #expect(sizes(w, fs).value == 6144 + 6144 && sizes(w, fs).at == 1_700_002_800)
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 3_600_000])
        #expect(sizes(w, fs).value == 6144 + 2 * 6144 && sizes(w, fs).at == 1_700_006_400)
    }

    func base64(_ bytes: [UInt8]) -> String { Base64.encode(bytes) }

    @Test func hostileNumbersAreErrnosNotCrashes() throws {
        let (w, fs) = try ready()
        let m = JSON.string(mountID(call(w, "nfs:Mount", ["FileSystemId": .string(fs)])))
        _ = call(w, "nfs:Write", ["MountId": m, "Path": "/f", "Text": "abc"])
        #expect(error(call(w, "nfs:SetTimes", ["MountId": m, "Path": "/f", "Atime": .number("1e300")]).body).code == "EINVAL")
        #expect(error(call(w, "nfs:Write", ["MountId": m, "Path": "/f", "Text": "x", "Offset": .int(Int64.max)]).body).code == "EFBIG")
        #expect(call(w, "nfs:Read", ["MountId": m, "Path": "/f", "Offset": 1, "Length": .int(Int64.max), "Encoding": "utf-8"]).body["Text"] == "bc")
        _ = put(w, fs, #"[{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"IpAddress": {"aws:SourceIp": ""}, "DateLessThan": {"aws:CurrentTime": "2026-01-01T9223372036854775807:00:00Z"}}}]"#)
        #expect(call(w, "nfs:Mount", ["FileSystemId": .string(fs)]).status == 403)  // conditions that match nothing: no grant
    }
}
