@testable import ApsimCore
import Testing

/// Export and restore keep every field of every kind of resource: a world holding each kind (in
/// two accounts and regions, with its optional settings) answers every describe and list
/// operation the same after apsim:ExportState -> apsim:ImportState, so a field that export or
/// restore forgets fails here even when both forget it.
@Suite struct ExportRoundTripTests {
    /// Every read operation that lists or describes, with the requests that reach each resource.
    func describeAll(_ w: World, account: String, region: String, fileSystems: [String], accessPoints: [String],
                     mountTargets: [String], fsxResources: [String]) -> [String: JSON] {
        var seen: [String: JSON] = [:]
        func read(_ op: String, _ request: JSON = [:], as key: String? = nil) {
            let r = w.call(account: account, region: region, operation: op, request: request.text)
            var body = r.body.objectValue
            body["ResponseMetadata"] = nil  // RequestIds come from the request stream
            seen[key ?? op] = .object(body)
        }
        for op in EFSOperation.allCases where op.model?.kind == .read && !op.rawValue.hasSuffix("s") || [
            .describeFileSystems, .describeAccessPoints, .describeReplicationConfigurations, .describeAccountPreferences,
        ].contains(op) {
            switch op {
            case .describeFileSystems, .describeAccessPoints, .describeAccountPreferences:
                read(op.fullName)
            case .describeMountTargets, .describeReplicationConfigurations, .describeLifecycleConfiguration,
                 .describeBackupPolicy, .describeFileSystemPolicy, .describeTags:
                for fs in fileSystems { read(op.fullName, ["FileSystemId": .string(fs)], as: op.fullName + " " + fs) }
            case .describeMountTargetSecurityGroups:
                for mt in mountTargets { read(op.fullName, ["MountTargetId": .string(mt)], as: op.fullName + " " + mt) }
            case .listTagsForResource:
                for id in fileSystems + accessPoints { read(op.fullName, ["ResourceId": .string(id)], as: op.fullName + " " + id) }
            default:
                break
            }
        }
        for op in EFSOperation.allCases where op.model?.kind == .read {
            if case .describeMountTargets = op { for fs in fileSystems { read(op.fullName, ["FileSystemId": .string(fs)], as: "mt " + fs) } }
        }
        for op in FSxOperation.allCases where op.model?.kind == .read {
            if op == .listTagsForResource {
                for arn in fsxResources { read(op.fullName, ["ResourceARN": .string(arn)], as: op.fullName + " " + arn) }
            } else {
                read(op.fullName)
            }
        }
        return seen
    }

    /// Makes one of each kind of resource in `account`/`region`; returns what describeAll needs.
    func populate(_ w: World, account: String, region: String) throws -> (fs: [String], ap: [String], mt: [String], arns: [String]) {
        func c(_ op: String, _ request: JSON) -> JSON {
            let r = w.call(account: account, region: region, operation: op, request: request.text)
            #expect(!r.isError, "\(op): \(r.body)")
            return r.body
        }
        let fs = c("efs:CreateFileSystem", ["CreationToken": "t", "PerformanceMode": "generalPurpose", "ThroughputMode": "provisioned",
                                            "ProvisionedThroughputInMibps": 64, "Tags": [["Key": "Name", "Value": "main"]]])["FileSystemId"]?.string ?? ""
        let zonal = c("efs:CreateFileSystem", ["CreationToken": "z", "AvailabilityZoneName": .string(region + "a"), "Backup": true,
                                               "KmsKeyId": "alias/mine", "Tags": [["Key": "zone", "Value": "one"]]])["FileSystemId"]?.string ?? ""
        _ = w.call(account: account, region: region, operation: "efs:DescribeFileSystems", request: nil)  // available
        let ap = c("efs:CreateAccessPoint", ["ClientToken": "a", "FileSystemId": .string(fs), "PosixUser": ["Uid": 1000, "Gid": 1000, "SecondaryGids": [5]],
                                             "RootDirectory": ["Path": "/app", "CreationInfo": ["OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"]],
                                             "Tags": [["Key": "team", "Value": "x"]]])["AccessPointId"]?.string ?? ""
        let mt = c("efs:CreateMountTarget", ["FileSystemId": .string(fs), "SubnetId": "subnet-0123456789abcdef0",
                                             "SecurityGroups": ["sg-0123456789abcdef0"]])["MountTargetId"]?.string ?? ""
        _ = c("efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": [["TransitionToIA": "AFTER_30_DAYS"]]])
        _ = c("efs:PutLifecycleConfiguration", ["FileSystemId": .string(zonal), "LifecyclePolicies": [
            ["TransitionToIA": "AFTER_7_DAYS"], ["TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"]]])
        _ = c("efs:CreateMountTarget", ["FileSystemId": .string(zonal), "SubnetId": "subnet-0123456789abcdef0", "IpAddress": "172.31.176.9"])
        _ = c("efs:PutBackupPolicy", ["FileSystemId": .string(fs), "BackupPolicy": ["Status": "ENABLED"]])
        _ = c("efs:PutFileSystemPolicy", ["FileSystemId": .string(fs), "Policy": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"elasticfilesystem:ClientMount","Resource":"*"}]}"#])
        _ = c("efs:PutAccountPreferences", ["ResourceIdType": "SHORT_ID"])
        _ = c("efs:UpdateFileSystemProtection", ["FileSystemId": .string(zonal), "ReplicationOverwriteProtection": "DISABLED"])
        _ = c("efs:CreateReplicationConfiguration", ["SourceFileSystemId": .string(fs), "Destinations": [["Region": "ap-south-1"]]])
        // FSx: OpenZFS with a child volume, snapshot and attachment; ONTAP with an SVM, volume and attachment.
        let zfs = c("fsx:CreateFileSystem", ["FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "StorageCapacity": 64,
                                             "Tags": [["Key": "k", "Value": "v"]],
                                             "OpenZFSConfiguration": ["DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160]])["FileSystem"]
        let zfsID = zfs?["FileSystemId"]?.string ?? "", root = zfs?["OpenZFSConfiguration"]?["RootVolumeId"]?.string ?? ""
        _ = w.call(account: account, region: region, operation: "fsx:DescribeFileSystems", request: nil)
        let child = c("fsx:CreateVolume", ["VolumeType": "OPENZFS", "Name": "vol1", "Tags": [["Key": "v", "Value": "1"]], "OpenZFSConfiguration": ["ParentVolumeId": .string(root)]])["Volume"]
        let childID = child?["VolumeId"]?.string ?? ""
        _ = w.call(account: account, region: region, operation: "fsx:DescribeVolumes", request: nil)
        let snapshot = c("fsx:CreateSnapshot", ["Name": "nightly", "VolumeId": .string(childID), "Tags": [["Key": "s", "Value": "1"]]])["Snapshot"]?["ResourceARN"]?.string ?? ""
        _ = c("fsx:UpdateVolume", ["VolumeId": .string(childID), "OpenZFSConfiguration": ["StorageCapacityQuotaGiB": 10]])
        _ = c("fsx:CreateAndAttachS3AccessPoint", attachZFS("zfs-" + account.suffix(4), childID))
        let ontap = c("fsx:CreateFileSystem", ["FileSystemType": "ONTAP", "SubnetIds": ["subnet-0123456789abcdef0"],
                                               "OntapConfiguration": ["DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128]])["FileSystem"]?["FileSystemId"]?.string ?? ""
        _ = w.call(account: account, region: region, operation: "fsx:DescribeFileSystems", request: nil)
        let svm = c("fsx:CreateStorageVirtualMachine", ["FileSystemId": .string(ontap), "Name": "svm1", "Tags": [["Key": "svm", "Value": "1"]]])["StorageVirtualMachine"]
        _ = w.call(account: account, region: region, operation: "fsx:DescribeStorageVirtualMachines", request: nil)
        let volume = c("fsx:CreateVolume", ["VolumeType": "ONTAP", "Name": "data", "OntapConfiguration": [
            "StorageVirtualMachineId": .string(svm?["StorageVirtualMachineId"]?.string ?? ""), "SizeInMegabytes": 1024, "JunctionPath": "/data"]])["Volume"]
        _ = w.call(account: account, region: region, operation: "fsx:DescribeVolumes", request: nil)
        _ = c("fsx:CreateAndAttachS3AccessPoint", ["Name": .string("ontap-" + account.suffix(4)), "Type": "ONTAP", "OntapConfiguration": [
            "VolumeId": .string(volume?["VolumeId"]?.string ?? ""),
            "FileSystemIdentity": ["Type": "UNIX", "UnixUser": ["Name": "root"]]]])
        _ = c("fsx:UpdateFileSystem", ["FileSystemId": .string(zfsID), "StorageCapacity": 128])
        let arns = [zfs?["ResourceARN"]?.string ?? "", child?["ResourceARN"]?.string ?? "", snapshot, svm?["ResourceARN"]?.string ?? ""]
        return ([fs, zonal], [ap], [mt], arns)
    }

    @Test func everyDescribeAnswersTheSameAfterExportAndImport() throws {
        let w = try makeWorld(#"{"seed": 9, "start_time": 1700000000, "network": []}"#)
        var places: [(account: String, region: String, made: (fs: [String], ap: [String], mt: [String], arns: [String]))] = []
        for (account, region) in [("123456789012", "us-east-1"), ("111122223333", "eu-west-1")] {
            places.append((account, region, try populate(w, account: account, region: region)))
        }
        _ = call(w, "apsim:SetNetwork", ["Mode": "open"])
        func everything(_ w: World) -> [String: JSON] {
            var all: [String: JSON] = [:]
            for p in places {
                for (key, value) in describeAll(w, account: p.account, region: p.region, fileSystems: p.made.fs, accessPoints: p.made.ap,
                                                mountTargets: p.made.mt, fsxResources: p.made.arns) {
                    all[p.account + "/" + p.region + " " + key] = value
                }
            }
            return all
        }
        _ = everything(w)  // settles whatever a first read settles
        let before = everything(w)
        #expect(before.count > 40)
        // Every kind of resource is there to compare.
        let empty = before.filter { $0.value.object?.members.contains { $0.value.array.map { !$0.isEmpty } ?? true } != true }.keys.sorted()
        #expect(empty == [])
        let exported = call(w, "apsim:ExportState").body.objectValue.withoutMetadata
        let restored = try makeWorld(#"{"seed": 1}"#)
        #expect(call(restored, "apsim:ImportState", ["State": .object(exported)]).status == 200)
        #expect(call(restored, "apsim:ExportState").body.objectValue.withoutMetadata == exported)
        let after = everything(restored)
        #expect(after.keys.sorted() == before.keys.sorted())
        let differing = before.keys.sorted().filter { after[$0] != before[$0] }
        #expect(differing == [])
    }
}

extension JSONObject {
    var withoutMetadata: JSONObject {
        var o = self
        o["ResponseMetadata"] = nil
        return o
    }
}
