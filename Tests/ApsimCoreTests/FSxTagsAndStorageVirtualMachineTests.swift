@testable import ApsimCore
import Testing

@Suite struct FSxTagsAndStorageVirtualMachineTests {
    let prefix = "arn:aws:fsx:us-east-1:123456789012:"

    @Test func tagsOnFileSystemsVolumesAndStorageVirtualMachines() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        let (ontap, svm, volume) = makeOntapVolume(w)
        let arns = [prefix + "file-system/" + fs, prefix + "volume/\(fs)/\(root)", prefix + "storage-virtual-machine/\(ontap)/\(svm)",
                    prefix + "volume/\(ontap)/\(volume)"]
        for arn in arns {
            #expect(call(w, "fsx:TagResource", ["ResourceARN": .string(arn), "Tags": [["Key": "team", "Value": "a"], ["Key": "env", "Value": "x"]]]).status == 200)
            #expect(call(w, "fsx:UntagResource", ["ResourceARN": .string(arn), "TagKeys": ["env", "absent"]]).status == 200)
            #expect(call(w, "fsx:ListTagsForResource", ["ResourceARN": .string(arn)]).body["Tags"] == [["Key": "team", "Value": "a"]])
        }
        // Tags given at creation are listed, and pages resume.
        let tagged = call(w, "fsx:CreateFileSystem", ["FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"],
                                                      "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64],
                                                      "Tags": [["Key": "a", "Value": "1"], ["Key": "b", "Value": "2"]]])
        let arn = tagged.body["FileSystem"]?["ResourceARN"]?.string ?? ""
        let page = call(w, "fsx:ListTagsForResource", ["ResourceARN": .string(arn), "MaxResults": 1]).body
        #expect(page["Tags"] == [["Key": "a", "Value": "1"]])
        #expect(call(w, "fsx:ListTagsForResource", ["ResourceARN": .string(arn), "NextToken": page["NextToken"] ?? ""]).body["Tags"]
            == [["Key": "b", "Value": "2"]])
        let tooMany = call(w, "fsx:TagResource", ["ResourceARN": .string(arn), "Tags": .array((0..<49).map { ["Key": .string("k\($0)"), "Value": "v"] })])
        #expect(error(tooMany.body) == ("BadRequest", "A resource can have at most 50 tags; this request would give it 51."))
    }

    @Test func arnsThatNameNothingTaggable() throws {
        let w = try makeWorld()
        let (_, root) = makeOpenZFS(w)
        let child = makeChildVolume(w, parent: root)
        _ = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("abc", child))
        let cases: [(String, String, String)] = [
            (prefix + "file-system/fs-0123456789abcdef0", "ResourceNotFound",
             "The resource '\(prefix)file-system/fs-0123456789abcdef0' does not exist."),
            ("arn:aws:fsx:eu-west-1:123456789012:file-system/fs-0123456789abcdef0", "ResourceNotFound",
             "The resource 'arn:aws:fsx:eu-west-1:123456789012:file-system/fs-0123456789abcdef0' does not exist."),
            ("arn:aws:s3:::bucket", "NotServiceResourceError", "The resource 'arn:aws:s3:::bucket' is not an Amazon FSx resource."),
            ("arn:aws:s3:us-east-1:123456789012:accesspoint/abc", "ResourceDoesNotSupportTagging",
             "The resource 'arn:aws:s3:us-east-1:123456789012:accesspoint/abc' does not support tagging: an S3 access point attachment is tagged through S3."),
        ]
        for (arn, code, message) in cases {
            let r = call(w, "fsx:ListTagsForResource", ["ResourceARN": .string(arn)])
            #expect(r.status == 400)
            #expect(error(r.body) == (code, message))
            #expect(r.body["ResourceARN"]?.string == arn)
        }
    }

    @Test func storageVirtualMachinesAreDescribedUpdatedAndDeleted() throws {
        let w = try makeWorld()
        let (fs, svm, volume) = makeOntapVolume(w)
        let second = call(w, "fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(fs), "Name": "svm2"]).body["StorageVirtualMachine"]
        let secondID = second?["StorageVirtualMachineId"]?.string ?? ""
        let all = call(w, "fsx:DescribeStorageVirtualMachines", ["Filters": [["Name": "file-system-id", "Values": [.string(fs)]]]]).body
        #expect(all["StorageVirtualMachines"]?.array?.map { $0["StorageVirtualMachineId"]?.string } == [svm, secondID])
        #expect(all["StorageVirtualMachines"]?.array?.map { $0["Lifecycle"] } == ["CREATED", "CREATED"])
        let page = call(w, "fsx:DescribeStorageVirtualMachines", ["MaxResults": 1]).body
        #expect(page["StorageVirtualMachines"]?.array?.count == 1 && page["NextToken"] != nil)
        let missing = call(w, "fsx:DescribeStorageVirtualMachines", ["StorageVirtualMachineIds": ["svm-0123456789abcdef0"]])
        #expect(error(missing.body) == ("StorageVirtualMachineNotFound", "Storage virtual machine 'svm-0123456789abcdef0' does not exist."))
        let updated = call(w, "fsx:UpdateStorageVirtualMachine", [
            "StorageVirtualMachineId": .string(svm), "SvmAdminPassword": "secret123",
            "ActiveDirectoryConfiguration": ["NetBiosName": "SVM1", "SelfManagedActiveDirectoryConfiguration": [
                "DomainName": "corp.example.com", "UserName": "admin", "Password": "p4ss", "DnsIps": ["10.0.0.2"]]]])
        let directory = updated.body["StorageVirtualMachine"]?["ActiveDirectoryConfiguration"]
        #expect(directory == ["NetBiosName": "SVM1", "SelfManagedActiveDirectoryConfiguration": [
            "DomainName": "corp.example.com", "UserName": "admin", "DnsIps": ["10.0.0.2"]]])
        #expect(!updated.body.text.contains("secret123") && !updated.body.text.contains("p4ss"))
        let busy = call(w, "fsx:DeleteStorageVirtualMachine", ["StorageVirtualMachineId": .string(svm)])
        #expect(error(busy.body) == ("BadRequest", "Storage virtual machine '\(svm)' has volumes; delete them before deleting the storage virtual machine."))
        _ = call(w, "fsx:DeleteVolume", ["VolumeId": .string(volume)])
        let deleted = call(w, "fsx:DeleteStorageVirtualMachine", ["StorageVirtualMachineId": .string(svm)])
        #expect(deleted.body["StorageVirtualMachineId"]?.string == svm && deleted.body["Lifecycle"] == "DELETING")
        #expect(error(call(w, "fsx:DescribeStorageVirtualMachines", ["StorageVirtualMachineIds": [.string(svm)]]).body).code
            == "StorageVirtualMachineNotFound")
        _ = call(w, "fsx:DeleteStorageVirtualMachine", ["StorageVirtualMachineId": .string(secondID)])
        #expect(call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)]).body["Lifecycle"] == "DELETING")
    }

    @Test func failedResourcesSayWhyUntilForcedBack() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        let child = makeChildVolume(w, parent: root)
        _ = call(w, "fsx:CreateAndAttachS3AccessPoint", attachZFS("abc", child))
        _ = call(w, "apsim:SetLifecycleState", ["ResourceId": .string(child), "State": "FAILED", "Message": "Disk full."])
        _ = call(w, "apsim:SetLifecycleState", ["ResourceId": .string(fs), "State": "MISCONFIGURED"])
        _ = call(w, "apsim:SetLifecycleState", ["Name": "abc", "State": "FAILED"])
        let volume = call(w, "fsx:DescribeVolumes", ["VolumeIds": [.string(child)]]).body["Volumes"]?.array?.first
        #expect(volume?["Lifecycle"] == "FAILED" && volume?["LifecycleTransitionReason"] == ["Message": "Disk full."])
        let system = call(w, "fsx:DescribeFileSystems", ["FileSystemIds": [.string(fs)]]).body["FileSystems"]?.array?.first
        #expect(system?["FailureDetails"] == ["Message": "The resource was put into the MISCONFIGURED state by apsim:SetLifecycleState."])
        let attachment = call(w, "fsx:DescribeS3AccessPointAttachments", ["Names": ["abc"]]).body["S3AccessPointAttachments"]?.array?.first
        #expect(attachment?["LifecycleTransitionReason"] == ["Message": "The resource was put into the FAILED state by apsim:SetLifecycleState."])
        let exported = call(w, "apsim:ExportState").body
        _ = call(w, "apsim:SetLifecycleState", ["ResourceId": .string(child), "State": "AVAILABLE"])
        #expect(call(w, "fsx:DescribeVolumes", ["VolumeIds": [.string(child)]]).body["Volumes"]?.array?.first?["LifecycleTransitionReason"] == nil)
        _ = call(w, "apsim:ImportState", ["State": exported])
        #expect(call(w, "fsx:DescribeVolumes", ["VolumeIds": [.string(child)]]).body["Volumes"]?.array?.first?["LifecycleTransitionReason"]
            == ["Message": "Disk full."])
    }

    @Test func fileSystemsLiveInTheNetwork() throws {
        let w = try makeWorld()
        _ = call(w, "apsim:SetNetwork", declaredNetwork)
        func create(_ subnets: [String], _ deployment: String = "SINGLE_AZ_HA_2", groups: [String]? = nil,
                    preferred: String? = nil) -> (status: Int, body: JSON) {
            var config = JSONObject(["DeploymentType": .string(deployment), "ThroughputCapacity": 160])
            if let preferred { config["PreferredSubnetId"] = .string(preferred) }
            var request = JSONObject(["FileSystemType": "OPENZFS", "SubnetIds": .array(subnets.map { .string($0) }),
                                      "OpenZFSConfiguration": .object(config)])
            if let groups { request["SecurityGroupIds"] = .array(groups.map { .string($0) }) }
            return call(w, "fsx:CreateFileSystem", .object(request))
        }
        let ok = create(["subnet-1111111a"], groups: ["sg-11111112"]).body["FileSystem"]
        #expect(ok?["VpcId"] == "vpc-11111111" && ok?["SubnetIds"] == ["subnet-1111111a"])
        #expect(ok?["NetworkInterfaceIds"]?.array?.count == 1 && ok?["NetworkInterfaceIds"]?.array?.first?.string?.hasPrefix("eni-") == true)
        let multi = create(["subnet-1111111a", "subnet-1111111b"], "MULTI_AZ_1", preferred: "subnet-1111111b").body["FileSystem"]
        #expect(multi?["NetworkInterfaceIds"]?.array?.count == 2)
        func expecting(_ r: (status: Int, body: JSON), _ message: String, _ member: (String, String)?)
            -> (status: Int, body: JSON, message: String, member: (String, String)?) { (r.status, r.body, message, member) }
        let cases: [(status: Int, body: JSON, message: String, member: (String, String)?)] = [
            expecting(create(["subnet-99999999"]), "The subnet ID 'subnet-99999999' does not exist.", ("InvalidSubnetId", "subnet-99999999")),
            expecting(create(["subnet-1111111a"], groups: ["sg-99999999"]), "The security group ID 'sg-99999999' does not exist.",
                                                                      ("InvalidSecurityGroupId", "sg-99999999")),
            expecting(create(["subnet-1111111a"], groups: ["sg-22222222"]),
                "The security group ID 'sg-22222222' is not in the file system's VPC 'vpc-11111111'.", ("InvalidSecurityGroupId", "sg-22222222")),
            expecting(create(["subnet-1111111a", "subnet-1111111b"]),
                "A SINGLE_AZ_HA_2 file system takes exactly 1 subnet in SubnetIds; the request has 2.", nil),
            expecting(create(["subnet-1111111a"], "MULTI_AZ_1", preferred: "subnet-1111111a"),
                "A MULTI_AZ_1 file system takes exactly 2 subnets in SubnetIds (in different Availability Zones); the request has 1.", nil),
            expecting(create(["subnet-1111111a", "subnet-2222222a"], "MULTI_AZ_1", preferred: "subnet-1111111a"),
                "The subnets of a file system must be in one VPC.", nil),
            expecting(create(["subnet-1111111a", "subnet-1111111b"], "MULTI_AZ_1", preferred: "subnet-1111111c"),
                "PreferredSubnetId 'subnet-1111111c' must be one of the SubnetIds.", ("InvalidSubnetId", "subnet-1111111c")),
        ]
        for c in cases {
            #expect(c.status == 400)
            #expect(error(c.body) == ("InvalidNetworkSettings", c.message))
            if let (member, value) = c.member { #expect(c.body[member]?.string == value) }
        }
        _ = call(w, "apsim:SetNetwork", ["Vpcs": [["VpcId": "vpc-11111111", "CidrBlock": "10.1.0.0/16"]], "Subnets": [
            ["SubnetId": "subnet-1111111a", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.1.0.0/24"],
            ["SubnetId": "subnet-1111111d", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.1.3.0/24"]]])
        #expect(error(create(["subnet-1111111a", "subnet-1111111d"], "MULTI_AZ_1", preferred: "subnet-1111111a").body)
            == ("InvalidNetworkSettings", "The two subnets of a Multi-AZ file system must be in different Availability Zones."))
    }

    @Test func openZFSSnapshots() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        let child = makeChildVolume(w, parent: root)
        let created = call(w, "fsx:CreateSnapshot", ["Name": "nightly", "VolumeId": .string(child), "Tags": [["Key": "k", "Value": "v"]]]).body["Snapshot"]
        let id = created?["SnapshotId"]?.string ?? ""
        #expect(id.hasPrefix("fsvolsnap-") && id.count == 27 && created?["Lifecycle"] == "CREATING")
        #expect(created?["ResourceARN"]?.string == prefix + "snapshot/\(child)/\(id)")
        let rootSnapshot = call(w, "fsx:CreateSnapshot", ["Name": "root", "VolumeId": .string(root)]).body["Snapshot"]?["SnapshotId"]?.string ?? ""
        let byVolume = call(w, "fsx:DescribeSnapshots", ["Filters": [["Name": "volume-id", "Values": [.string(child)]]]]).body["Snapshots"]
        #expect(byVolume?.array?.map { $0["SnapshotId"]?.string } == [id] && byVolume?.array?.first?["Lifecycle"] == "AVAILABLE")
        #expect(call(w, "fsx:DescribeSnapshots", ["Filters": [["Name": "file-system-id", "Values": [.string(fs)]]]]).body["Snapshots"]?.array?.count == 2)
        #expect(call(w, "fsx:UpdateSnapshot", ["SnapshotId": .string(id), "Name": "weekly"]).body["Snapshot"]?["Name"] == "weekly")
        #expect(call(w, "fsx:ListTagsForResource", ["ResourceARN": .string(prefix + "snapshot/\(child)/\(id)")]).body["Tags"] == [["Key": "k", "Value": "v"]])
        let busy = call(w, "fsx:DeleteVolume", ["VolumeId": .string(child)])
        #expect(error(busy.body) == ("BadRequest",
            "Volume '\(child)' has snapshots; delete them first or pass OpenZFSConfiguration.Options [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS]."))
        let deleted = call(w, "fsx:DeleteSnapshot", ["SnapshotId": .string(id)]).body
        #expect(deleted["SnapshotId"]?.string == id && deleted["Lifecycle"] == "DELETING")
        let gone = call(w, "fsx:DescribeSnapshots", ["SnapshotIds": [.string(id)]])
        #expect(error(gone.body) == ("SnapshotNotFound", "Snapshot '\(id)' does not exist."))
        #expect(call(w, "fsx:DeleteVolume", ["VolumeId": .string(child)]).status == 200)
        let rootBusy = call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs)])
        #expect(error(rootBusy.body) == ("BadRequest",
            "File system '\(fs)' has snapshots; delete them first or pass OpenZFSConfiguration.Options [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS]."))
        #expect(call(w, "fsx:DeleteFileSystem", ["FileSystemId": .string(fs), "OpenZFSConfiguration": ["Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]]]).status == 200)
        #expect(error(call(w, "fsx:DescribeSnapshots", ["SnapshotIds": [.string(rootSnapshot)]]).body).code == "SnapshotNotFound")
    }

    @Test func fileSystemUpdatesSettleWithTheirAdministrativeAction() throws {
        let w = try makeWorld()
        let (fs, root) = makeOpenZFS(w)
        _ = call(w, "fsx:DescribeFileSystems")  // settles: AVAILABLE
        let update = call(w, "fsx:UpdateFileSystem", ["FileSystemId": .string(fs), "StorageCapacity": 128,
                                                      "OpenZFSConfiguration": ["ThroughputCapacity": 320, "WeeklyMaintenanceStartTime": "1:05:00"]])
        let answered = update.body["FileSystem"]
        #expect(answered?["Lifecycle"] == "UPDATING" && answered?["StorageCapacity"] == 64)
        #expect(answered?["AdministrativeActions"] == [[
            "AdministrativeActionType": "FILE_SYSTEM_UPDATE", "RequestTime": 1700000000, "Status": "PENDING",
            "TargetFileSystemValues": ["StorageCapacity": 128, "OpenZFSConfiguration": ["ThroughputCapacity": 320, "WeeklyMaintenanceStartTime": "1:05:00"]],
        ]])
        let settled = call(w, "fsx:DescribeFileSystems", ["FileSystemIds": [.string(fs)]]).body["FileSystems"]?.array?.first
        #expect(settled?["Lifecycle"] == "AVAILABLE" && settled?["StorageCapacity"] == 128)
        #expect(settled?["OpenZFSConfiguration"]?["ThroughputCapacity"] == 320)
        #expect(settled?["AdministrativeActions"]?.array?.first?["Status"] == "COMPLETED")
        let smaller = call(w, "fsx:UpdateFileSystem", ["FileSystemId": .string(fs), "StorageCapacity": 64])
        #expect(error(smaller.body) == ("BadRequest", "StorageCapacity can only be increased: file system '\(fs)' has 128 GiB."))
        let invalid = call(w, "fsx:UpdateFileSystem", ["FileSystemId": .string(fs), "OpenZFSConfiguration": ["ThroughputCapacity": 64]])
        #expect(error(invalid.body).message?.hasPrefix("ThroughputCapacity 64 is not valid for DeploymentType SINGLE_AZ_HA_2") == true)
        let volume = call(w, "fsx:UpdateVolume", ["VolumeId": .string(root), "Name": "data",
                                                  "OpenZFSConfiguration": ["ReadOnly": true, "RecordSizeKiB": 64]]).body["Volume"]
        #expect(volume?["Name"] == "data" && volume?["OpenZFSConfiguration"]?["ReadOnly"] == true)
        #expect(volume?["OpenZFSConfiguration"]?["RecordSizeKiB"] == 64)
        #expect(volume?["AdministrativeActions"]?.array?.first?["AdministrativeActionType"] == "VOLUME_UPDATE")
        #expect(volume?["AdministrativeActions"]?.array?.first?["Status"] == "PENDING")
        let reread = call(w, "fsx:DescribeVolumes", ["VolumeIds": [.string(root)]]).body["Volumes"]?.array?.first
        #expect(reread?["AdministrativeActions"]?.array?.first?["Status"] == "COMPLETED")
        let (_, _, ontapVolume) = makeOntapVolume(w)
        let mounted = call(w, "fsx:UpdateVolume", ["VolumeId": .string(ontapVolume), "OntapConfiguration": ["JunctionPath": "/moved", "SizeInMegabytes": 2048]])
        #expect(mounted.body["Volume"]?["OntapConfiguration"]?["JunctionPath"] == "/moved")
    }
}
