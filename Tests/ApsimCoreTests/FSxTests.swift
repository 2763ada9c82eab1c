@testable import ApsimCore
import Testing

/// An OpenZFS file system; returns its ID and root volume ID.
func makeOpenZFS(_ w: World, deployment: String = "SINGLE_AZ_HA_2", throughput: Int64 = 160, token: String? = nil) -> (String, String) {
    var config: JSON = ["DeploymentType": .string(deployment), "ThroughputCapacity": .int(throughput)]
    if deployment == "MULTI_AZ_1" { config = ["DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": .int(throughput), "PreferredSubnetId": "subnet-0123456789abcdef0"] }
    // MULTI_AZ takes two subnets in different zones (network.md): these two are in us-east-1a and c.
    let subnets: JSON = deployment == "MULTI_AZ_1" ? ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] : ["subnet-0123456789abcdef0"]
    var req: JSONObject = JSONObject(["FileSystemType": "OPENZFS", "SubnetIds": subnets, "StorageCapacity": 64, "OpenZFSConfiguration": config])
    if let token { req["ClientRequestToken"] = .string(token) }
    let fs = call(w, "fsx:CreateFileSystem", .object(req)).body["FileSystem"]
    return (fs?["FileSystemId"]?.string ?? "", fs?["OpenZFSConfiguration"]?["RootVolumeId"]?.string ?? "")
}

func makeChildVolume(_ w: World, parent: String, name: String = "vol1") -> String {
    call(w, "fsx:CreateVolume", ["VolumeType": "OPENZFS", "Name": .string(name), "OpenZFSConfiguration": ["ParentVolumeId": .string(parent)]])
        .body["Volume"]?["VolumeId"]?.string ?? ""
}

/// An ONTAP file system, SVM and volume (with a junction path unless `mounted` is false).
func makeOntapVolume(_ w: World, mounted: Bool = true) -> (fs: String, svm: String, volume: String) {
    let fs = call(w, "fsx:CreateFileSystem", ["FileSystemType": "ONTAP", "SubnetIds": ["subnet-0123456789abcdef0"],
                                             "OntapConfiguration": ["DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128]])
        .body["FileSystem"]?["FileSystemId"]?.string ?? ""
    let svm = call(w, "fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(fs), "Name": "svm1"])
        .body["StorageVirtualMachine"]?["StorageVirtualMachineId"]?.string ?? ""
    var config = JSONObject(["StorageVirtualMachineId": .string(svm), "SizeInMegabytes": 1024])
    if mounted { config["JunctionPath"] = "/vol1" }
    let vol = call(w, "fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": "vol1", "OntapConfiguration": .object(config)])
        .body["Volume"]?["VolumeId"]?.string ?? ""
    return (fs, svm, vol)
}

func attachZFS(_ name: String, _ volume: String, token: String? = nil, uid: Int64 = 1000) -> JSON {
    var o = JSONObject(["Name": .string(name), "Type": "OPENZFS", "OpenZFSConfiguration": [
        "VolumeId": .string(volume), "FileSystemIdentity": ["Type": "POSIX", "PosixUser": ["Uid": .int(uid), "Gid": 1000]]]])
    if let token { o["ClientRequestToken"] = .string(token) }
    return .object(o)
}

@Suite struct FSxAttachmentTests {
    @Test func attachesToAnHAOpenZFSVolumeAndSettles() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        let vol = makeChildVolume(w, parent: root)
        let (status, body) = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("my-ap", vol))
        #expect(status == 200)
        let a = body["S3AccessPointAttachment"]
        #expect(a?.object?.keys == ["Lifecycle", "CreationTime", "Name", "Type", "OpenZFSConfiguration", "S3AccessPoint"])
        #expect(a?["Lifecycle"] == "CREATING")
        #expect(a?["CreationTime"] == 1700000000)
        #expect(a?["S3AccessPoint"]?["ResourceARN"] == "arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap")
        let alias = a?["S3AccessPoint"]?["Alias"]?.string ?? ""
        #expect(alias.hasPrefix("my-ap-") && alias.hasSuffix("use1a-ext-s3alias") && alias.count == "my-ap".count + 1 + 34 + 12)
        let list = call(w, "fsx:DescribeS3AccessPointAttachments", ["Filters": [["Name": "file-system-id", "Values": .array([.string(fs)])]]]).body
        #expect(list["S3AccessPointAttachments"]?.array?.first?["Lifecycle"] == "AVAILABLE")
        #expect(list["S3AccessPointAttachments"]?.array?.first?["S3AccessPoint"]?["Alias"]?.string == alias)
    }

    @Test func aliasTruncatesLongNames() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        let alias = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("abcdefghijklmno-pqrstuvwxyz", root))
            .body["S3AccessPointAttachment"]?["S3AccessPoint"]?["Alias"]?.string ?? ""
        #expect(alias.hasPrefix("abcdefghijklmno-") && !alias.hasPrefix("abcdefghijklmno--"))
        #expect(alias.count <= 63)
    }

    @Test(arguments: ["SINGLE_AZ_1", "SINGLE_AZ_2"])
    func nonHAFileSystemsAreUnsupported(deployment: String) throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w, deployment: deployment, throughput: deployment == "SINGLE_AZ_1" ? 64 : 160)
        let (status, body) = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root))
        #expect(status == 400)
        #expect(error(body) == ("UnsupportedOperation", "S3 access points can be attached only to volumes of high-availability OpenZFS file systems (SINGLE_AZ_HA_1, SINGLE_AZ_HA_2, MULTI_AZ_1); file system '\(fs)' is \(deployment)."))
    }

    @Test func nameRules() {
        let op = "fsx:CreateAndAttachS3AccessPoint"
        let vol = "fsvol-0123456789abcdef0"
        #expect(validationError(op, attachZFS("a-b", vol)) == (nil, nil))
        #expect(validationError(op, attachZFS("a--b9", vol)) == (nil, nil))
        let pattern = "^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$"
        #expect(validationError(op, attachZFS("ab", vol)) == ("BadRequest", coral("ab", "name", "Member must have length greater than or equal to 3")))
        #expect(validationError(op, attachZFS("My_AP", vol)) == ("BadRequest", coral("My_AP", "name", "Member must satisfy regular expression pattern: " + pattern)))
        #expect(validationError(op, attachZFS("-ab", vol)) == ("BadRequest", coral("-ab", "name", "Member must satisfy regular expression pattern: " + pattern)))
        for bad in ["data-s3alias", "data-ext-s3alias"] {
            #expect(validationError(op, attachZFS(bad, vol)) == ("InvalidAccessPoint", "The access point name '\(bad)' is not valid: names must not end with '-s3alias' or '-ext-s3alias'."))
        }
    }

    @Test func clientRequestTokenPattern() {
        let op = "fsx:CreateAndAttachS3AccessPoint"
        let vol = "fsvol-0123456789abcdef0"
        for ok in ["tok", "a^b", "x-y.z_1"] { #expect(validationError(op, attachZFS("ap1", vol, token: ok)) == (nil, nil), "\(ok)") }
        for bad in ["a/b", "a b", "tok!"] {
            #expect(validationError(op, attachZFS("ap1", vol, token: bad)) == ("BadRequest", coral(bad, "clientRequestToken", "Member must satisfy regular expression pattern: [A-za-z0-9_.-]{0,63}$")))
        }
        let long = String(repeating: "t", count: 64)
        #expect(validationError(op, attachZFS("ap1", vol, token: long)).message?.contains("Member must have length less than or equal to 63") == true)
    }

    @Test func configurationConsistency() {
        let op = "fsx:CreateAndAttachS3AccessPoint"
        let zfs: JSON = ["VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": ["Type": "POSIX", "PosixUser": ["Uid": 1, "Gid": 1]]]
        let ontap: JSON = ["VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": ["Type": "UNIX", "UnixUser": ["Name": "root"]]]
        #expect(validationError(op, ["Name": "ap1", "Type": "ONTAP", "OntapConfiguration": ontap]) == (nil, nil))
        #expect(validationError(op, ["Name": "ap1", "Type": "OPENZFS", "OntapConfiguration": ontap])
            == ("BadRequest", "OpenZFSConfiguration is required when Type is OPENZFS; OntapConfiguration applies to Type ONTAP."))
        #expect(validationError(op, ["Name": "ap1", "Type": "ONTAP"])
            == ("BadRequest", "OntapConfiguration is required when Type is ONTAP; OpenZFSConfiguration applies to Type OPENZFS."))
        #expect(validationError(op, ["Name": "ap1", "Type": "OPENZFS", "OpenZFSConfiguration": zfs, "OntapConfiguration": ontap])
            == ("BadRequest", "Specify either OpenZFSConfiguration or OntapConfiguration, not both."))
        #expect(validationError(op, ["Name": "ap1", "Type": "OPENZFS", "OpenZFSConfiguration": ["VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": ["Type": "POSIX"]]])
            == ("BadRequest", "OpenZFSConfiguration.FileSystemIdentity.PosixUser is required when the identity Type is POSIX."))
        #expect(validationError(op, ["Name": "ap1", "Type": "ONTAP", "OntapConfiguration": ["VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": ["Type": "WINDOWS", "UnixUser": ["Name": "x"]]]])
            == ("BadRequest", "OntapConfiguration.FileSystemIdentity.WindowsUser is required when the identity Type is WINDOWS."))
        #expect(validationError(op, ["Name": "ap1", "Type": "NFS", "OpenZFSConfiguration": zfs])
            == ("BadRequest", coral("NFS", "type", "Member must satisfy enum value set: [OPENZFS, ONTAP]")))
    }

    @Test func identityAndVpcConstraints() {
        let op = "fsx:CreateAndAttachS3AccessPoint"
        let gids = JSON.array((0..<16).map { .int($0) })
        #expect(validationError(op, ["Name": "ap1", "Type": "OPENZFS", "OpenZFSConfiguration": ["VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": ["Type": "POSIX", "PosixUser": ["Uid": 1, "Gid": 1, "SecondaryGids": gids]]]]).message?
            .contains("at 'openZFSConfiguration.fileSystemIdentity.posixUser.secondaryGids' failed to satisfy constraint: Member must have length less than or equal to 15") == true)
        #expect(validationError(op, ["Name": "ap1", "Type": "OPENZFS", "OpenZFSConfiguration": ["VolumeId": "fsvol-123", "FileSystemIdentity": ["Type": "POSIX", "PosixUser": ["Uid": 1, "Gid": 1]]]]).message?
            .contains("Value 'fsvol-123' at 'openZFSConfiguration.volumeId'") == true)
        var base = attachZFS("ap1", "fsvol-0123456789abcdef0").object ?? JSONObject()
        base["S3AccessPoint"] = ["VpcConfiguration": ["VpcId": "vpc-0123abcd"]]
        #expect(validationError(op, .object(base)) == (nil, nil))
        base["S3AccessPoint"] = ["VpcConfiguration": ["VpcId": "vpc-xyz"]]
        #expect(validationError(op, .object(base)).message?.contains("Value 'vpc-xyz' at 's3AccessPoint.vpcConfiguration.vpcId'") == true)
    }

    @Test func policyMustBeAStatementDocumentUpTo20KiB() {
        let op = "fsx:CreateAndAttachS3AccessPoint"
        var base = attachZFS("ap1", "fsvol-0123456789abcdef0").object ?? JSONObject()
        base["S3AccessPoint"] = ["Policy": #"{"Version":"2012-10-17","Statement":[]}"#]
        #expect(validationError(op, .object(base)) == (nil, nil))
        base["S3AccessPoint"] = ["Policy": "not json"]
        #expect(validationError(op, .object(base)) == ("BadRequest", "The access point policy must be a JSON policy document with a Statement."))
        let big = #"{"Statement":""# + String(repeating: "x", count: 20 * 1024) + #""}"#
        base["S3AccessPoint"] = ["Policy": .string(big)]
        #expect(validationError(op, .object(base)) == ("BadRequest", "The access point policy is \(big.utf8.count) bytes; the limit is 20480 bytes (20 KiB)."))
    }

    @Test func volumeChecksInOrder() throws {
        let w = try makeWorld()
        #expect(error(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", "fsvol-0123456789abcdef0")).body)
            == ("VolumeNotFound", "Volume 'fsvol-0123456789abcdef0' does not exist."))
        let (_, _, ontapVol) = makeOntapVolume(w)
        #expect(error(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", ontapVol)).body)
            == ("BadRequest", "Volume '\(ontapVol)' is an ONTAP volume; it cannot be attached with Type OPENZFS."))
    }

    @Test func ontapNeedsAJunctionPath() throws {
        let w = try makeWorld()
        let (_, _, unmounted) = makeOntapVolume(w, mounted: false)
        let req: JSON = ["Name": "apx", "Type": "ONTAP", "OntapConfiguration": ["VolumeId": .string(unmounted), "FileSystemIdentity": ["Type": "UNIX", "UnixUser": ["Name": "root"]]]]
        #expect(error(call(w, "fsx:CreateAndAttachS3AccessPoint", req).body)
            == ("BadRequest", "Volume '\(unmounted)' is not mounted: an ONTAP volume needs a JunctionPath before an S3 access point can be attached."))
        let (_, _, mounted) = makeOntapVolume(w)
        let ok: JSON = ["Name": "apx", "Type": "ONTAP", "OntapConfiguration": ["VolumeId": .string(mounted), "FileSystemIdentity": ["Type": "WINDOWS", "WindowsUser": ["Name": "DOMAIN\\user"]]]]
        let r = call(w, "fsx:CreateAndAttachS3AccessPoint", ok)
        #expect(r.status == 200)
        #expect(r.body["S3AccessPointAttachment"]?["OntapConfiguration"]?["FileSystemIdentity"]?["WindowsUser"]?["Name"] == "DOMAIN\\user")
    }

    @Test func namesAreUniquePerAccountAndRegionAndFreedAfterDelete() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root)).status == 200)
        let (status, body) = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root))
        #expect(status == 400)
        #expect(error(body) == ("AccessPointAlreadyOwnedByYou", "An access point with that name already exists in the Region in your account."))
        #expect(body["ErrorCode"] == "AccessPointAlreadyOwnedByYou")
        let other = w.call(account: "123456789012", region: "us-west-2", operation: "fsx:DescribeS3AccessPointAttachments", request: nil)
        #expect(other.body["S3AccessPointAttachments"] == [])
        let detached = call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"])
        #expect(detached.body.object?.keys == ["Lifecycle", "Name", "ResponseMetadata"])
        #expect(detached.body["Lifecycle"] == "DELETING")
        #expect(call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"]).body["Lifecycle"] == "DELETING")
        #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root)).status == 200)
    }

    @Test func deletingIsSeenOnceThenGone() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root))
        call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"])
        #expect(call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["apx"]]).body["S3AccessPointAttachments"]?.array?.first?["Lifecycle"] == "DELETING")
        let gone = call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["apx"]])
        #expect(gone.status == 400)
        #expect(error(gone.body) == ("S3AccessPointAttachmentNotFound", "S3 access point attachment 'apx' does not exist."))
        #expect(error(call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"]).body).code == "S3AccessPointAttachmentNotFound")

        let instant = try makeWorld(#"{"lifecycle": "instant"}"#)
        let (_, r2) = makeOpenZFS(instant)
        #expect(call(instant, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", r2)).body["S3AccessPointAttachment"]?["Lifecycle"] == "AVAILABLE")
        call(instant, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"])
        #expect(call(instant, "fsx:DescribeS3AccessPointAttachments", ["Names": ["apx"]]).status == 400)
    }

    @Test(arguments: [("SINGLE_AZ_HA_1", Int64(64), 1), ("SINGLE_AZ_HA_1", 128, 3), ("SINGLE_AZ_HA_2", 160, 4), ("MULTI_AZ_1", 320, 8)])
    func openZFSQuotaByThroughput(deployment: String, throughput: Int64, limit: Int) throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w, deployment: deployment, throughput: throughput)
        for i in 0..<limit { #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("ap\(i)", root)).status == 200) }
        let (status, body) = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("over", root))
        #expect(status == 400)
        #expect(error(body) == ("TooManyAccessPoints", "File system '\(fs)' has reached its maximum of \(limit) S3 access point attachments for its throughput capacity of \(throughput) MBps."))
        #expect(body["ErrorCode"] == "TooManyAccessPoints")
        call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "ap0"])  // DELETING ones stop counting
        #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("over", root)).status == 200)
    }

    @Test func regionQuota() throws {
        let w = try makeWorld(#"{"s3_access_points_per_region": 2}"#)
        let (_, root) = makeOpenZFS(w, throughput: 640)
        for i in 0..<2 { call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("ap\(i)", root)) }
        #expect(error(call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("ap9", root)).body)
            == ("TooManyAccessPoints", "You have reached the maximum number of S3 access points (2) for your account in this Region."))
    }

    @Test func clientTokensReplayOrConflict() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        let first = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root, token: "tok")).body
        let again = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root, token: "tok"))
        #expect(again.status == 200)
        #expect(again.body["S3AccessPointAttachment"]?["S3AccessPoint"] == first["S3AccessPointAttachment"]?["S3AccessPoint"])
        #expect(again.body["S3AccessPointAttachment"]?["Lifecycle"] == "AVAILABLE")
        let differentName = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("ap2", root, token: "tok"))
        #expect(differentName.status == 400)
        #expect(error(differentName.body) == ("IncompatibleParameterError", "The client request token 'tok' was already used with a different value of Name."))
        #expect(differentName.body["Parameter"] == "Name")
        let differentUser = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", root, token: "tok", uid: 7))
        #expect(differentUser.body["Parameter"] == "OpenZFSConfiguration")
        // Tokens are per operation.
        #expect(call(w, "fsx:CreateVolume", ["ClientRequestToken": "tok", "VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]]).status == 200)
    }

    @Test func describeFiltersNamesAndPaging() throws {
        let w = try makeWorld()
        let (fs1, root1) = makeOpenZFS(w, throughput: 640)
        let (_, root2) = makeOpenZFS(w, throughput: 640)
        for i in 0..<3 { call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("aa\(i)", root1)) }
        for i in 0..<2 { call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("bb\(i)", root2)) }
        func names(_ body: JSON) -> [String] { body["S3AccessPointAttachments"]?.array?.compactMap { $0["Name"]?.string } ?? [] }
        #expect(names(call(w, "fsx:DescribeS3AccessPointAttachments").body) == ["aa0", "aa1", "aa2", "bb0", "bb1"])
        #expect(names(call(w, "fsx:DescribeS3AccessPointAttachments", ["Filters": [["Name": "file-system-id", "Values": .array([.string(fs1)])]]]).body) == ["aa0", "aa1", "aa2"])
        #expect(names(call(w, "fsx:DescribeS3AccessPointAttachments", ["Filters": [["Name": "volume-id", "Values": .array([.string(root1), .string(root2)])], ["Name": "type", "Values": ["OPENZFS"]]]]).body).count == 5)
        #expect(names(call(w, "fsx:DescribeS3AccessPointAttachments", ["Filters": [["Name": "type", "Values": ["ONTAP"]]]]).body) == [])
        #expect(names(call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["bb1", "aa0"], "Filters": [["Name": "type", "Values": ["ONTAP"]]]]).body) == ["bb1", "aa0"])
        let missing = call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["aa0", "zzz"]])
        #expect(error(missing.body) == ("S3AccessPointAttachmentNotFound", "S3 access point attachment 'zzz' does not exist."))
        var seen: [String] = [], token: JSON? = nil
        repeat {
            var r = JSONObject(["MaxResults": 2])
            r["NextToken"] = token
            let body = call(w, "fsx:DescribeS3AccessPointAttachments", .object(r)).body
            seen += names(body)
            token = body["NextToken"]
        } while token != nil
        #expect(seen == ["aa0", "aa1", "aa2", "bb0", "bb1"])
        #expect(error(call(w, "fsx:DescribeS3AccessPointAttachments", ["NextToken": "AAAA"]).body)
            == ("BadRequest", "Invalid NextToken: use a value returned by a previous call of this operation with the same filters."))
        #expect(validationError("fsx:DescribeS3AccessPointAttachments", ["Filters": [["Name": "size", "Values": ["1"]]]])
            == ("BadRequest", coral("size", "filters.1.member.name", "Member must satisfy enum value set: [file-system-id, volume-id, type]")))
    }
}

@Suite struct FSxSetupTests {
    @Test func openZFSFileSystemAndRootVolume() throws {
        let w = try makeWorld()
        let body = call(w, "fsx:CreateFileSystem", ["FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"],
                                                   "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_HA_1", "ThroughputCapacity": 128]]).body
        let fs = body["FileSystem"]
        let id = fs?["FileSystemId"]?.string ?? ""
        #expect(id.count == 20 && id.hasPrefix("fs-"))
        #expect(fs?["Lifecycle"] == "CREATING")
        #expect(fs?["ResourceARN"]?.string == "arn:aws:fsx:us-east-1:123456789012:file-system/" + id)
        #expect(fs?["DNSName"]?.string == id + ".fsx.us-east-1.amazonaws.com")
        let root = fs?["OpenZFSConfiguration"]?["RootVolumeId"]?.string ?? ""
        #expect(root.count == 23 && root.hasPrefix("fsvol-"))
        let vol = call(w, "fsx:DescribeVolumes", ["VolumeIds": .array([.string(root)])]).body["Volumes"]?.array?.first
        #expect(vol?["OpenZFSConfiguration"]?["VolumePath"] == "/fsx")
        #expect(vol?["Lifecycle"] == "AVAILABLE")
        #expect(vol?["ResourceARN"]?.string == "arn:aws:fsx:us-east-1:123456789012:volume/\(id)/\(root)")
        let child = call(w, "fsx:CreateVolume", ["VolumeType": "OPENZFS", "Name": "data", "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]]).body["Volume"]
        #expect(child?["OpenZFSConfiguration"]?["VolumePath"] == "/fsx/data")
        #expect(child?["Lifecycle"] == "CREATING")
        #expect(call(w, "fsx:DescribeFileSystems").body["FileSystems"]?.array?.first?["Lifecycle"] == "AVAILABLE")
    }

    @Test func fileSystemRules() {
        let op = "fsx:CreateFileSystem"
        func zfs(_ d: String, _ t: Int64, extra: JSONObject = JSONObject()) -> JSON {
            var c = JSONObject(["DeploymentType": .string(d), "ThroughputCapacity": .int(t)])
            for m in extra.members { c[m.key] = m.value }
            let subnets: JSON = d == "MULTI_AZ_1" ? ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] : ["subnet-0123456789abcdef0"]
            return ["FileSystemType": "OPENZFS", "SubnetIds": subnets, "OpenZFSConfiguration": .object(c)]
        }
        #expect(validationError(op, zfs("SINGLE_AZ_1", 64)) == (nil, nil))
        #expect(validationError(op, zfs("SINGLE_AZ_HA_2", 10240)) == (nil, nil))
        #expect(validationError(op, zfs("SINGLE_AZ_1", 160)) == ("BadRequest", "ThroughputCapacity 160 is not valid for DeploymentType SINGLE_AZ_1; valid values are 64, 128, 256, 512, 1024, 2048, 3072, 4096."))
        #expect(validationError(op, zfs("MULTI_AZ_1", 128)).message?.hasPrefix("ThroughputCapacity 128 is not valid for DeploymentType MULTI_AZ_1") == true)
        #expect(validationError(op, zfs("MULTI_AZ_1", 160)) == ("BadRequest", "PreferredSubnetId is required when DeploymentType is MULTI_AZ_1."))
        #expect(validationError(op, zfs("MULTI_AZ_1", 160, extra: JSONObject(["PreferredSubnetId": "subnet-0123456789abcdef0"]))) == (nil, nil))
        let multiAZ2: JSON = ["FileSystemType": "ONTAP", "SubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                                    "OntapConfiguration": ["DeploymentType": "MULTI_AZ_2", "ThroughputCapacityPerHAPair": 384]]
        #expect(validationError(op, multiAZ2) == ("BadRequest", "PreferredSubnetId is required when DeploymentType is MULTI_AZ_2."))
        #expect(validationError(op, ["FileSystemType": "OPENZFS", "SubnetIds": []]) == ("MissingFileSystemConfiguration", "OpenZFSConfiguration is required when FileSystemType is OPENZFS."))
        #expect(validationError(op, ["FileSystemType": "OPENZFS"])
            == ("BadRequest", coral(nil, "subnetIds", "Member must not be null")))
        #expect(validationError(op, [:]) == ("BadRequest",
            "2 validation errors detected: Value null at 'fileSystemType' failed to satisfy constraint: Member must not be null; Value null at 'subnetIds' failed to satisfy constraint: Member must not be null"))
        #expect(validationError(op, ["FileSystemType": "ONTAP", "SubnetIds": [], "OntapConfiguration": ["DeploymentType": "MULTI_AZ_2"]])
            == ("BadRequest", "Specify ThroughputCapacity or ThroughputCapacityPerHAPair in OntapConfiguration."))
        #expect(validationError(op, ["FileSystemType": "WINDOWS", "SubnetIds": []])
            == ("BadRequest", "FileSystemType WINDOWS is not emulated: apsim emulates OPENZFS and ONTAP file systems."))
    }

    @Test func fileSystemClientToken() throws {
        let w = try makeWorld()
        let (a, _) = makeOpenZFS(w, token: "t")
        let (b, _) = makeOpenZFS(w, token: "t")
        #expect(a == b)
        let r = call(w, "fsx:CreateFileSystem", ["ClientRequestToken": "t", "FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "StorageCapacity": 128,
                                               "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160]])
        #expect(error(r.body) == ("IncompatibleParameterError", "The client request token 't' was already used with a different value of StorageCapacity."))
    }

    @Test func ontapSetup() throws {
        let w = try makeWorld()
        let (fs, svm, vol) = makeOntapVolume(w)
        #expect(svm.count == 21 && svm.hasPrefix("svm-"))
        let v = call(w, "fsx:DescribeVolumes", ["Filters": [["Name": "storage-virtual-machine-id", "Values": .array([.string(svm)])]]]).body["Volumes"]?.array
        // The SVM's root volume (made with it, at "/"), then the volume.
        #expect(v?.count == 2)
        #expect(v?.first?["Name"] == "svm1_root")
        #expect(v?.first?["OntapConfiguration"]?["StorageVirtualMachineRoot"] == true)
        #expect(v?.first?["OntapConfiguration"]?["JunctionPath"] == "/")
        #expect(v?.last?["Lifecycle"] == "CREATED")
        #expect(v?.last?["OntapConfiguration"]?["JunctionPath"] == "/vol1")
        #expect(v?.last?["VolumeId"]?.string == vol)
        // The root volume goes with its SVM, not alone; the SVM reports its endpoints.
        let root = v?.first?["VolumeId"]?.string ?? ""
        #expect(error(call(w, "fsx:DeleteVolume", ["VolumeId": .string(root)]).body)
                == ("BadRequest", "Volume '\(root)' is the root volume of storage virtual machine '\(svm)'; it is deleted with the storage virtual machine."))
        let described = call(w, "fsx:DescribeStorageVirtualMachines", ["StorageVirtualMachineIds": [.string(svm)]]).body["StorageVirtualMachines"]?.array?.first
        #expect(described?["Endpoints"]?["Nfs"]?["DNSName"] == .string("nfs.\(svm).\(fs).fsx.us-east-1.amazonaws.com"))
        #expect(described?["Endpoints"]?.object?.keys == ["Iscsi", "Management", "Nfs"])
        let (zfs, _) = makeOpenZFS(w)
        #expect(error(call(w, "fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(zfs), "Name": "x"]).body).code == "UnsupportedOperation")
        #expect(error(call(w, "fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": "v", "OntapConfiguration": ["StorageVirtualMachineId": "svm-0123456789abcdef0"]]).body)
            == ("StorageVirtualMachineNotFound", "Storage virtual machine 'svm-0123456789abcdef0' does not exist."))
        #expect(error(call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)]).body)
            == ("BadRequest", "File system '\(fs)' has storage virtual machines or volumes; delete them before deleting the file system."))
        #expect(validationError("fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": "v"]) == ("MissingVolumeConfiguration", "OntapConfiguration is required when VolumeType is ONTAP."))
    }

    @Test func deletionRules() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        let vol = makeChildVolume(w, parent: root)
        let grandchild = makeChildVolume(w, parent: vol, name: "inner")
        call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("apx", grandchild))
        #expect(error(call(w, "fsx:DeleteVolume", ["VolumeId": .string(root)]).body)
            == ("BadRequest", "Volume '\(root)' is the root volume of file system '\(fs)'; it is deleted with the file system."))
        #expect(error(call(w, "fsx:DeleteVolume", ["VolumeId": .string(grandchild)]).body)
            == ("BadRequest", "Volume '\(grandchild)' has S3 access point attachments; detach and delete them before deleting the volume."))
        #expect(error(call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)]).body)
            == ("BadRequest", "File system '\(fs)' has S3 access point attachments; detach and delete them before deleting the file system."))
        #expect(error(call(w, "fsx:DeleteVolume", ["VolumeId": .string(vol)]).body)
            == ("BadRequest", "Volume '\(vol)' has child volumes; delete them first or pass OpenZFSConfiguration.Options [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS]."))
        call(w, "fsx:DetachAndDeleteS3AccessPoint", ["Name": "apx"])
        let deleted = call(w, "fsx:DeleteVolume", ["VolumeId": .string(vol), "OpenZFSConfiguration": ["Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]]])
        #expect(deleted.body["Lifecycle"] == "DELETING")
        #expect(error(call(w, "fsx:DescribeVolumes", ["VolumeIds": .array([.string(grandchild)])]).body) == ("VolumeNotFound", "Volume '\(grandchild)' does not exist."))
        let fsDeleted = call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)])
        #expect(fsDeleted.body.object?.keys == ["FileSystemId", "Lifecycle", "ResponseMetadata"])
        #expect(error(call(w, "fsx:DescribeFileSystems", ["FileSystemIds": .array([.string(fs)])]).body) == ("FileSystemNotFound", "File system '\(fs)' does not exist."))
    }

    @Test func idsNeverCollideAcrossServices() throws {
        let w = try makeWorld()
        let efs = (0..<50).map { makeFileSystem(w, token: "e\($0)") }
        let fsx = (0..<50).map { makeOpenZFS(w, token: "f\($0)").0 }
        #expect(Set(efs + fsx).count == 100)
    }
}

@Suite struct FSxTokenBookkeepingTests {
    @Test func tokensArePerOperationEvenWhenNamesLookLikeIDs() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        let vol = call(w, "fsx:CreateVolume", ["ClientRequestToken": "vt", "VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]])
            .body["Volume"]?["VolumeId"]?.string ?? ""
        let request = attachZFS(vol, root, token: "at")  // an attachment named like the volume's ID
        #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", request).status == 200)
        #expect(call(w, "fsx:DeleteVolume", ["VolumeId": .string(vol)]).status == 200)
        #expect(call(w, "fsx:CreateAndAttachS3AccessPoint", request).body["S3AccessPointAttachment"]?["Name"]?.string == vol)
        // The deleted volume's token is free again.
        #expect(call(w, "fsx:CreateVolume", ["ClientRequestToken": "vt", "VolumeType": "OPENZFS", "Name": "other", "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]]).status == 200)
    }
}

/// Names ONTAP and OpenZFS cannot hold: refused with BadRequest, the world unchanged.
@Suite struct FSxNamingTests {
    @Test func openZFSVolumesUnderOneParentHaveDistinctNames() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        let first = makeChildVolume(w, parent: root, name: "v1")
        let again = call(w, "fsx:CreateVolume", ["VolumeType": "OPENZFS", "Name": "v1", "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]])
        #expect(again.status == 400)
        #expect(error(again.body) == ("BadRequest", "A volume named 'v1' already exists under parent volume '\(root)': \(first) (/fsx/v1)."))
        // Under another parent the name is free.
        call(w, "fsx:DescribeVolumes")
        #expect(!makeChildVolume(w, parent: first, name: "v1").isEmpty)
    }

    @Test(arguments: ["vol-1", "1vol", "vol 1", "vol.1"])
    func ontapVolumeNamesAreLettersDigitsAndUnderscores(_ name: String) throws {
        let message = "The volume name '\(name)' is not valid for an ONTAP volume: use letters, digits and underscores, starting with a letter or an underscore."
        let request: JSON = ["VolumeType": "ONTAP", "Name": .string(name), "OntapConfiguration": ["StorageVirtualMachineId": "svm-0123456789abcdef0", "SizeInMegabytes": 1024]]
        #expect(error(call(try makeWorld(), "fsx:CreateVolume", request).body) == ("BadRequest", message))
        #expect(World.validate("fsx:CreateVolume", request.text).error?.message == message)
    }

    @Test func ontapNamesAndJunctionPathsAreUniquePerSVM() throws {
        let w = try makeWorld()
        let (fs, svm, vol) = makeOntapVolume(w)
        call(w, "fsx:DescribeVolumes")
        func create(_ name: String, _ junction: String) -> (Int, JSON) {
            call(w, "fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": .string(name), "OntapConfiguration": [
                "StorageVirtualMachineId": .string(svm), "SizeInMegabytes": 1024, "JunctionPath": .string(junction)]])
        }
        #expect(error(create("vol1", "/other").1) == ("BadRequest", "A volume named 'vol1' already exists on storage virtual machine '\(svm)': \(vol)."))
        #expect(error(create("vol2", "/vol1").1) == ("BadRequest", "The junction path '/vol1' is already used on storage virtual machine '\(svm)' by volume \(vol)."))
        let (status, made) = create("vol_2", "/vol2")
        #expect(status == 200)
        let second = made["Volume"]?["VolumeId"]?.string ?? ""
        call(w, "fsx:DescribeVolumes")
        // A rename onto a taken name is refused; onto a free one it frees the old name.
        #expect(error(call(w, "fsx:UpdateVolume", ["VolumeId": .string(second), "Name": "vol1"]).body)
                == ("BadRequest", "A volume named 'vol1' already exists on storage virtual machine '\(svm)': \(vol)."))
        #expect(call(w, "fsx:UpdateVolume", ["VolumeId": .string(second), "Name": "vol3"]).status == 200)
        #expect(create("vol_2", "/vol4").0 == 200)
        // Two SVMs of one name on a file system.
        let svmAgain = call(w, "fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(fs), "Name": "svm1"])
        #expect(error(svmAgain.body) == ("BadRequest", "A storage virtual machine named 'svm1' already exists on file system '\(fs)': \(svm)."))
        // The names survive an export and import.
        var state = call(w, "apsim:ExportState").body.object ?? JSONObject()
        state["ResponseMetadata"] = nil
        let copy = try makeWorld()
        #expect(call(copy, "apsim:ImportState", ["State": .object(state)]).status == 200)
        #expect(call(copy, "fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(fs), "Name": "svm1"]).status == 400)
    }
}

/// What a new FSx file system reports besides what the request said, as AWS's do.
@Suite struct FSxFileSystemDescriptionTests {
    @Test func openZFSReportsItsKeyBackupsMaintenanceAndIops() throws {
        let w = try makeWorld()
        let (fs, _) = makeOpenZFS(w)
        let described = call(w, "fsx:DescribeFileSystems", ["FileSystemIds": [.string(fs)]]).body["FileSystems"]?.array?.first
        let key = described?["KmsKeyId"]?.string ?? ""
        #expect(key.hasPrefix("arn:aws:kms:us-east-1:123456789012:key/") && key.count == "arn:aws:kms:us-east-1:123456789012:key/".count + 36)
        // The same key in another world (derived from the account and region, not the seed).
        let other = try makeWorld(#"{"seed": 99}"#)
        let (fs2, _) = makeOpenZFS(other)
        #expect(call(other, "fsx:DescribeFileSystems", ["FileSystemIds": [.string(fs2)]]).body["FileSystems"]?.array?.first?["KmsKeyId"]?.string == key)
        let config = described?["OpenZFSConfiguration"]
        #expect(config?["AutomaticBackupRetentionDays"] == 30)
        #expect(config?["CopyTagsToBackups"] == false && config?["CopyTagsToVolumes"] == false)
        #expect(config?["DiskIopsConfiguration"] == ["Mode": "AUTOMATIC", "Iops": 192])
        let daily = config?["DailyAutomaticBackupStartTime"]?.string ?? ""
        #expect(daily.count == 5 && daily.dropFirst(2).first == ":")
        let weekly = config?["WeeklyMaintenanceStartTime"]?.string ?? ""
        #expect(weekly.count == 7 && ("1"..."7").contains(weekly.prefix(1)))
        // A given value is kept.
        let given = call(w, "fsx:CreateFileSystem", ["FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "StorageCapacity": 64,
                                                   "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64,
                                                                            "AutomaticBackupRetentionDays": 0, "WeeklyMaintenanceStartTime": "2:03:30"]]).body
        #expect(given["FileSystem"]?["OpenZFSConfiguration"]?["AutomaticBackupRetentionDays"] == 0)
        #expect(given["FileSystem"]?["OpenZFSConfiguration"]?["WeeklyMaintenanceStartTime"] == "2:03:30")
    }

    @Test func ontapReportsItsEndpointsInItsSubnet() throws {
        let w = try makeWorld()
        let (fs, _, _) = makeOntapVolume(w)
        let config = call(w, "fsx:DescribeFileSystems", ["FileSystemIds": [.string(fs)]]).body["FileSystems"]?.array?.first?["OntapConfiguration"]
        let endpoints = config?["Endpoints"]
        #expect(endpoints?["Management"]?["DNSName"] == .string("management.\(fs).fsx.us-east-1.amazonaws.com"))
        #expect(endpoints?["Intercluster"]?["DNSName"] == .string("intercluster.\(fs).fsx.us-east-1.amazonaws.com"))
        // Inside the subnet's CIDR (the open network's 172.31.x.0/20 of this subnet), not its reserved addresses.
        for name in ["Management", "Intercluster"] {
            let ip = endpoints?[name]?["IpAddresses"]?.array?.first?.string ?? ""
            #expect(ip.hasPrefix("172.31."), "\(name) \(ip)")
        }
        #expect(config?["DiskIopsConfiguration"] == ["Mode": "AUTOMATIC", "Iops": 3072])
    }
}

@Suite struct SVMRootVolumeTests {
    @Test func theRootVolumeGoesWithItsSVMAndSurvivesAnExport() throws {
        let w = try makeWorld()
        let (fs, svm, vol) = makeOntapVolume(w)
        call(w, "fsx:DescribeVolumes")
        // The junction "/" is the root volume's.
        let atRoot = call(w, "fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": "other", "OntapConfiguration": [
            "StorageVirtualMachineId": .string(svm), "SizeInMegabytes": 1024, "JunctionPath": "/"]])
        #expect(error(atRoot.body).code == "BadRequest")
        var state = call(w, "apsim:ExportState").body.object ?? JSONObject()
        state["ResponseMetadata"] = nil
        let copy = try makeWorld()
        #expect(call(copy, "apsim:ImportState", ["State": .object(state)]).status == 200)
        for world in [w, copy] {
            #expect(call(world, "fsx:DeleteStorageVirtualMachine", ["StorageVirtualMachineId": .string(svm)]).status == 400)  // vol1 remains
            #expect(call(world, "fsx:DeleteVolume", ["VolumeId": .string(vol)]).status == 200)
            #expect(call(world, "fsx:DeleteStorageVirtualMachine", ["StorageVirtualMachineId": .string(svm)]).status == 200)
            #expect(call(world, "fsx:DescribeVolumes").body["Volumes"] == [])
            #expect(call(world, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)]).status == 200)
        }
    }
}
