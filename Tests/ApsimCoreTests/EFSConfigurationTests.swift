@testable import ApsimCore
import Testing

@Suite struct EFSConfigurationTests {
    @Test func lifecycleConfiguration() throws {
        let w = try instantWorld()
        let fs = makeFileSystem(w)
        #expect(call(w, "efs:DescribeLifecycleConfiguration", ["FileSystemId": .string(fs)]).body["LifecyclePolicies"] == [])
        let policies: JSON = [["TransitionToIA": "AFTER_30_DAYS"], ["TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"]]
        let put = call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": policies])
        #expect(put.status == 200 && put.body["LifecyclePolicies"] == policies)
        #expect(call(w, "efs:DescribeLifecycleConfiguration", ["FileSystemId": .string(fs)]).body["LifecyclePolicies"] == policies)
        for bad: JSON in [[["TransitionToIA": "AFTER_30_DAYS", "TransitionToArchive": "AFTER_90_DAYS"]], [[:]],
                          [["TransitionToIA": "AFTER_30_DAYS"], ["TransitionToIA": "AFTER_60_DAYS"]]] {
            let r = call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": bad])
            #expect(r.status == 400)
            #expect(error(r.body) == ("BadRequest", "One or more LifecyclePolicy objects specified are malformed."))
        }
        let archive = call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": [["TransitionToArchive": "AFTER_90_DAYS"]]])
        #expect(error(archive.body) == ("BadRequest",
            "The ThroughputMode value for the file system does not support TransitionToArchive. Either change the ThroughputMode value to Elastic or remove the TransitionToArchive parameter."))
        let elastic = call(w, "efs:CreateFileSystem", ["CreationToken": "e", "ThroughputMode": "elastic"]).body["FileSystemId"] ?? ""
        #expect(call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": elastic, "LifecyclePolicies": [["TransitionToArchive": "AFTER_90_DAYS"]]]).status == 200)
        #expect(call(w, "efs:PutLifecycleConfiguration", ["FileSystemId": .string(fs), "LifecyclePolicies": []]).body["LifecyclePolicies"] == [])
        #expect(call(w, "efs:DescribeLifecycleConfiguration", ["FileSystemId": .string(fs)]).body["LifecyclePolicies"] == [])
    }

    @Test func backupPolicy() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        let none = call(w, "efs:DescribeBackupPolicy", ["FileSystemId": .string(fs)])
        #expect(none.status == 404)
        #expect(error(none.body) == ("PolicyNotFound", "File system '\(fs)' has no backup policy."))
        let put = call(w, "efs:PutBackupPolicy", ["FileSystemId": .string(fs), "BackupPolicy": ["Status": "ENABLED"]])
        #expect(put.body["BackupPolicy"] == ["Status": "ENABLING"])
        #expect(call(w, "efs:DescribeBackupPolicy", ["FileSystemId": .string(fs)]).body["BackupPolicy"] == ["Status": "ENABLED"])
        #expect(call(w, "efs:PutBackupPolicy", ["FileSystemId": .string(fs), "BackupPolicy": ["Status": "DISABLED"]]).body["BackupPolicy"] == ["Status": "DISABLING"])
        #expect(call(w, "efs:DescribeBackupPolicy", ["FileSystemId": .string(fs)]).body["BackupPolicy"] == ["Status": "DISABLED"])
        let request = call(w, "efs:PutBackupPolicy", ["FileSystemId": .string(fs), "BackupPolicy": ["Status": "ENABLING"]])
        #expect(error(request.body) == ("BadRequest", "BackupPolicy.Status must be ENABLED or DISABLED, not ENABLING."))
        for created: JSON in [["CreationToken": "b", "Backup": true], ["CreationToken": "z", "AvailabilityZoneName": "us-east-1a"]] {
            let id = call(w, "efs:CreateFileSystem", created).body["FileSystemId"] ?? ""
            #expect(call(w, "efs:DescribeBackupPolicy", ["FileSystemId": id]).body["BackupPolicy"] == ["Status": "ENABLED"])
        }
    }

    @Test func fileSystemPolicy() throws {
        let w = try instantWorld()
        let fs = makeFileSystem(w)
        let none = call(w, "efs:DescribeFileSystemPolicy", ["FileSystemId": .string(fs)])
        #expect(error(none.body) == ("PolicyNotFound", "File system '\(fs)' has no file system policy."))
        let policy = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:ClientMount"}]}"#
        let put = call(w, "efs:PutFileSystemPolicy", ["FileSystemId": .string(fs), "Policy": .string(policy)])
        #expect(put.body["FileSystemId"]?.string == fs && put.body["Policy"]?.string == policy)
        #expect(call(w, "efs:DescribeFileSystemPolicy", ["FileSystemId": .string(fs)]).body["Policy"]?.string == policy)
        for (bad, problem) in [("[1]", "it is not a JSON object"), ("{\"Version\": \"2012-10-17\"}", "it has no Statement")] {
            let r = call(w, "efs:PutFileSystemPolicy", ["FileSystemId": .string(fs), "Policy": .string(bad)])
            #expect(r.status == 400)
            #expect(error(r.body) == ("InvalidPolicyException", "The file system policy is not valid: \(problem)."))
        }
        #expect(call(w, "efs:DeleteFileSystemPolicy", ["FileSystemId": .string(fs)]).status == 200)
        #expect(call(w, "efs:DeleteFileSystemPolicy", ["FileSystemId": .string(fs)]).status == 200)
        #expect(error(call(w, "efs:DescribeFileSystemPolicy", ["FileSystemId": .string(fs)]).body).code == "PolicyNotFound")
    }

    @Test func throughputChangesAndTheTwentyFourHourRule() throws {
        let w = try makeWorld()
        let fs = makeFileSystem(w)
        _ = call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)])  // settles: available
        let update = call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ThroughputMode": "provisioned",
                                                      "ProvisionedThroughputInMibps": 128])
        #expect(update.status == 202)
        #expect(update.body["LifeCycleState"] == "updating" && update.body["ThroughputMode"] == "provisioned")
        #expect(update.body["ProvisionedThroughputInMibps"] == 128)
        let raise = call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ProvisionedThroughputInMibps": 256])
        #expect(raise.status == 202)  // raising is always allowed (and it settled first: available)
        let lower = call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ProvisionedThroughputInMibps": 64])
        #expect(lower.status == 429)
        #expect(error(lower.body) == ("TooManyRequests",
            "You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2023-11-15T22:13:20Z UTC and try again."))
        _ = call(w, "apsim:AdvanceClock", ["Milliseconds": 86_400_000])
        #expect(call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ThroughputMode": "elastic"]).body["ThroughputMode"] == "elastic")
        let missing = call(w, "efs:UpdateFileSystem", ["FileSystemId": .string(fs), "ThroughputMode": "provisioned"])
        #expect(error(missing.body) == ("BadRequest", "ProvisionedThroughputInMibps is required when ThroughputMode is provisioned."))
    }

    @Test func protectionAndLegacyTags() throws {
        let w = try instantWorld()
        let fs = makeFileSystem(w)
        let protection = call(w, "efs:UpdateFileSystemProtection", ["FileSystemId": .string(fs), "ReplicationOverwriteProtection": "DISABLED"])
        #expect(protection.status == 200 && protection.body.objectValue.keys == ["ReplicationOverwriteProtection", "ResponseMetadata"])
        #expect(protection.body["ReplicationOverwriteProtection"] == "DISABLED")
        let described = call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first
        #expect(described?["FileSystemProtection"] == ["ReplicationOverwriteProtection": "DISABLED"])
        let replicating = call(w, "efs:UpdateFileSystemProtection", ["FileSystemId": .string(fs), "ReplicationOverwriteProtection": "REPLICATING"])
        #expect(error(replicating.body) == ("BadRequest",
                                            "ReplicationOverwriteProtection can be set to ENABLED or DISABLED; REPLICATING is set by replication."))
        #expect(call(w, "efs:CreateTags", ["FileSystemId": .string(fs), "Tags": [["Key": "Name", "Value": "data"], ["Key": "a", "Value": "1"]]]).status == 204)
        #expect(call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first?["Name"] == "data")
        let page = call(w, "efs:DescribeTags", ["FileSystemId": .string(fs), "MaxItems": 1]).body
        #expect(page["Tags"] == [["Key": "Name", "Value": "data"]])
        let rest = call(w, "efs:DescribeTags", ["FileSystemId": .string(fs), "Marker": page["NextMarker"] ?? ""]).body
        #expect(rest["Tags"] == [["Key": "a", "Value": "1"]] && rest["NextMarker"] == nil && rest["Marker"] == page["NextMarker"])
        #expect(call(w, "efs:DeleteTags", ["FileSystemId": .string(fs), "TagKeys": ["Name", "absent"]]).status == 204)
        #expect(call(w, "efs:DescribeFileSystems", ["FileSystemId": .string(fs)]).body["FileSystems"]?.array?.first?["Name"] == nil)
        let tooMany = call(w, "efs:CreateTags", ["FileSystemId": .string(fs), "Tags": .array((0..<50).map { ["Key": .string("k\($0)"), "Value": "v"] })])
        #expect(error(tooMany.body) == ("BadRequest", "A resource can have at most 50 tags; this request would give it 51."))
        #expect(error(call(w, "efs:CreateTags", ["FileSystemId": .string(fs), "Tags": [["Key": "aws:x", "Value": "v"]]]).body).code == "ValidationException")
    }

    @Test func descriptionCompleted() throws {
        let w = try instantWorld()
        let encrypted = call(w, "efs:CreateFileSystem", ["CreationToken": "k", "Encrypted": true]).body
        let key = encrypted["KmsKeyId"]?.string ?? ""
        #expect(key.hasPrefix("arn:aws:kms:us-east-1:123456789012:key/") && key.count == "arn:aws:kms:us-east-1:123456789012:key/".count + 36)
        #expect(call(w, "efs:CreateFileSystem", ["CreationToken": "k2", "Encrypted": true]).body["KmsKeyId"]?.string == key)
        let notFound = call(w, "efs:DescribeFileSystems", ["FileSystemId": "not-an-id"])
        #expect(notFound.status == 404)
        #expect(error(notFound.body) == ("FileSystemNotFound", "File system 'not-an-id' does not exist."))
        #expect(error(call(w, "efs:DeleteFileSystem", ["FileSystemId": "not-an-id"]).body).code == "ValidationException")
    }
}

@Suite struct NetworkControlTests {
    @Test func declaredAndOpenNetworks() throws {
        let w = try instantWorld()
        #expect(call(w, "apsim:GetNetwork").body == ["Mode": "open", "ResponseMetadata": ["RequestId": "00000000-0000-0000-0000-000000000000", "HTTPStatusCode": 200]])
        let set = call(w, "apsim:SetNetwork", declaredNetwork).body
        #expect(set["Mode"] == "declared")
        #expect(set["Subnets"]?.array?.first?["AvailabilityZoneId"] == "use1-az1")
        #expect(call(w, "apsim:GetNetwork").body["Vpcs"] == declaredNetwork["Vpcs"])
        // Another account and region still has the open network.
        #expect(w.call(account: "111122223333", region: "us-east-1", operation: "apsim:GetNetwork", request: "{}").body["Mode"] == "open")
        #expect(call(w, "apsim:SetNetwork", ["Mode": "open"]).body["Mode"] == "open")
    }

    @Test func invalidDeclarationsNameTheMember() throws {
        let w = try instantWorld()
        let cases: [(JSON, String)] = [
            (["Vpcs": [["VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"]]],
             "Invalid network at 'Network.Vpcs[0].VpcId': 'vpc-1' is not a vpc- ID (vpc- and 8 to 40 lowercase hex digits)."),
            (["Vpcs": [["VpcId": "vpc-11111111", "CidrBlock": "10.0.0.1/16"]]],
             "Invalid network at 'Network.Vpcs[0].CidrBlock': '10.0.0.1/16' is not an IPv4 CIDR block."),
            (["Subnets": [["SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/24"]]],
             "Invalid network at 'Network.Subnets[0].VpcId': no VPC 'vpc-11111111' is declared."),
            (["Vpcs": [["VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"]],
              "Subnets": [["SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "eu-west-1a", "CidrBlock": "10.0.0.0/24"]]],
             "Invalid network at 'Network.Subnets[0].AvailabilityZone': 'eu-west-1a' is not an Availability Zone of us-east-1 (e.g. us-east-1a)."),
            (["Vpcs": [["VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"]],
              "Subnets": [["SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.9.0.0/24"]]],
             "Invalid network at 'Network.Subnets[0].CidrBlock': 10.9.0.0/24 is not inside the VPC's 10.0.0.0/16."),
            (["Mode": "open", "Vpcs": []],
             "Invalid network at 'Network.Vpcs': the open network declares nothing; leave out Mode to declare."),
        ]
        for (doc, message) in cases {
            let r = call(w, "apsim:SetNetwork", doc)
            #expect(r.status == 400)
            #expect(error(r.body) == ("InvalidNetwork", message))
        }
        #expect(call(w, "apsim:GetNetwork").body["Mode"] == "open")  // nothing changed
    }

    @Test func theNetworkConfigKeyAndSnapshots() throws {
        var config = JSONObject(["seed": 1, "start_time": 1700000000, "lifecycle": "instant"])
        var doc = declaredNetwork.objectValue
        doc["AccountId"] = "123456789012"
        doc["Region"] = "us-east-1"
        config["network"] = [.object(doc)]
        let w = try World(configJSON: JSON.object(config).text)
        #expect(call(w, "apsim:GetNetwork").body["Mode"] == "declared")
        let fs = makeFileSystem(w)
        _ = createMountTarget(w, fs, "subnet-1111111a")
        let exported = call(w, "apsim:ExportState").body
        let other = try instantWorld()
        #expect(call(other, "apsim:ImportState", ["State": exported]).status == 200)
        #expect(call(other, "apsim:ExportState").body.objectValue["Regions"] == exported["Regions"])
        #expect(call(other, "efs:DescribeMountTargets", ["FileSystemId": .string(fs)]).body["MountTargets"]?.array?.first?["IpAddress"] == "10.1.0.4")
        #expect(error(createMountTarget(other, fs, "subnet-1111111a").body).code == "MountTargetConflict")
        #expect(call(other, "apsim:Reset").status == 200)
        #expect(call(other, "apsim:GetNetwork").body["Mode"] == "open")
        #expect(throws: APIError.self) { try World(configJSON: #"{"network": [{"AccountId": "123456789012", "Region": "us-east-1", "Vpcs": 1}]}"#) }
    }
}
