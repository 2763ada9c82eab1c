@testable import ApsimCore

/// The error coverage of the EFS operations beyond access points (ErrorCoverageTests).
enum EFSErrorCoverage {
    typealias Outcome = ErrorCoverageTests.Outcome
    static let noLimit = ErrorCoverageTests.noLimit
    static let unknownFS = "fs-0123456789abcdef0", unknownMT = "fsmt-0123456789abcdef0"
    static let injectedOnly = ErrorCoverageTests.injected
    static let noRule = "the request has no rule beyond the model's (which answer ValidationException)"

    /// An available file system replicated to a new one in the same region; `then` makes the last call.
    static func replicated(_ then: @escaping @Sendable (World, String, String) -> CallResult) -> Outcome {
        .produced { _ in
            guard let w = try? World(configJSON: #"{"seed": 1, "lifecycle": "instant"}"#) else {
                return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
            }
            let fs = ErrorCoverageTests.fileSystem(w)
            let r = w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(fs)", "Destinations": [{}]}"#)
            return then(w, fs, r.output["Destinations"]?.array?.first?["FileSystemId"]?.string ?? "")
        }
    }

    static func fault(_ op: String, _ request: String) -> Outcome { ErrorCoverageTests.fault(op, request) }

    /// A file system on which nothing can be configured yet (manual lifecycle, still creating).
    static func creating(_ op: String, _ members: String) -> Outcome {
        .produced { _ in
            guard let w = try? World(configJSON: #"{"seed": 1, "lifecycle": "manual", "creation_delay_ms": 1000}"#) else {
                return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
            }
            let fs = ErrorCoverageTests.fileSystem(w)
            return w.call(op, #"{"FileSystemId": "\#(fs)"\#(members)}"#)
        }
    }

    static func notFound(_ op: String, _ members: String = "") -> Outcome {
        .produced { w in w.call(op, #"{"FileSystemId": "\#(unknownFS)"\#(members)}"#) }
    }

    /// A file system with a mount target in a world of `config` (the clock moved on by `settle` ms
    /// once the file system exists); `then` makes the last call.
    static func withMountTarget(config: String = #"{"seed": 1, "lifecycle": "instant"}"#, settle: Int = 0,
                                _ then: @escaping @Sendable (World, String, String) -> CallResult) -> Outcome {
        .produced { _ in
            guard let w = try? World(configJSON: config) else {
                return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
            }
            let fs = ErrorCoverageTests.fileSystem(w)
            if settle > 0 { _ = w.call("apsim:AdvanceClock", #"{"Milliseconds": \#(settle)}"#) }
            let mt = w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-0000000000000000a"}"#)
            return then(w, fs, mt.output["MountTargetId"]?.string ?? "")
        }
    }

    /// A mount target being deleted under the manual lifecycle (every change takes `delay` ms);
    /// `then` makes the last call.
    static func deletingMountTarget(delayMilliseconds delay: Int,
                                    _ then: @escaping @Sendable (World, String) -> CallResult) -> Outcome {
        withMountTarget(config: #"{"seed": 1, "lifecycle": "manual", "creation_delay_ms": \#(delay)}"#, settle: delay) { w, _, mt in
            _ = w.call("efs:DeleteMountTarget", #"{"MountTargetId": "\#(mt)"}"#)
            return then(w, mt)
        }
    }

    static let policy = #", "Policy": "{\"Statement\": []}""#

    static let cases: [String: [String: Outcome]] = [
        "UpdateFileSystem": [
            "BadRequest": .produced { w in w.call("efs:UpdateFileSystem", #"{"FileSystemId": "\#(unknownFS)", "ThroughputMode": "provisioned"}"#) },
            "FileSystemNotFound": notFound("efs:UpdateFileSystem"),
            "IncorrectFileSystemLifeCycleState": creating("efs:UpdateFileSystem", #", "ThroughputMode": "elastic""#),
            "InsufficientThroughputCapacity": .unreachable(noLimit),
            "InternalServerError": fault("efs:UpdateFileSystem", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "ThroughputLimitExceeded": .unreachable(noLimit),
            "TooManyRequests": .produced { _ in
                guard let w = try? World(configJSON: #"{"seed": 1, "lifecycle": "instant"}"#) else {
                    return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
                }
                let fs = ErrorCoverageTests.fileSystem(w)
                _ = w.call("efs:UpdateFileSystem", #"{"FileSystemId": "\#(fs)", "ThroughputMode": "elastic"}"#)
                return w.call("efs:UpdateFileSystem", #"{"FileSystemId": "\#(fs)", "ThroughputMode": "bursting"}"#)
            },
        ],
        "UpdateFileSystemProtection": [
            "BadRequest": .produced { w in
                w.call("efs:UpdateFileSystemProtection", #"{"FileSystemId": "\#(unknownFS)", "ReplicationOverwriteProtection": "REPLICATING"}"#)
            },
            "FileSystemNotFound": notFound("efs:UpdateFileSystemProtection"),
            "IncorrectFileSystemLifeCycleState": creating("efs:UpdateFileSystemProtection", ""),
            "InsufficientThroughputCapacity": .unreachable(noLimit),
            "InternalServerError": fault("efs:UpdateFileSystemProtection", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "ThroughputLimitExceeded": .unreachable(noLimit),
            "ReplicationAlreadyExists": replicated { w, _, destination in
                w.call("efs:UpdateFileSystemProtection", #"{"FileSystemId": "\#(destination)", "ReplicationOverwriteProtection": "DISABLED"}"#)
            },
            "TooManyRequests": .unreachable("only throughput changes are limited in time"),
        ],
        "CreateTags": [
            "BadRequest": .produced { w in
                w.call("efs:CreateTags", #"{"FileSystemId": "\#(unknownFS)", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}"#)
            },
            "InternalServerError": fault("efs:CreateTags", #"{"FileSystemId": "\#(unknownFS)", "Tags": []}"#),
            "FileSystemNotFound": notFound("efs:CreateTags", #", "Tags": []"#),
        ],
        "DeleteTags": [
            "BadRequest": .unreachable("absent keys are ignored; " + noRule),
            "InternalServerError": fault("efs:DeleteTags", #"{"FileSystemId": "\#(unknownFS)", "TagKeys": ["k"]}"#),
            "FileSystemNotFound": notFound("efs:DeleteTags", #", "TagKeys": ["k"]"#),
        ],
        "DescribeTags": [
            "BadRequest": .produced { w in
                w.call("efs:DescribeTags", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w))", "Marker": "bogus"}"#)
            },
            "InternalServerError": fault("efs:DescribeTags", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "FileSystemNotFound": notFound("efs:DescribeTags"),
        ],
        "CreateMountTarget": [
            "BadRequest": withMountTarget { w, fs, _ in
                w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-0000000000000000b", "IpAddress": "1.2.3.4"}"#)
            },
            "InternalServerError": fault("efs:CreateMountTarget", #"{"FileSystemId": "\#(unknownFS)", "SubnetId": "subnet-00000000"}"#),
            "FileSystemNotFound": notFound("efs:CreateMountTarget", #", "SubnetId": "subnet-00000000""#),
            "IncorrectFileSystemLifeCycleState": creating("efs:CreateMountTarget", #", "SubnetId": "subnet-00000000""#),
            "MountTargetConflict": withMountTarget { w, fs, _ in
                w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-0000000000000000a"}"#)
            },
            "SubnetNotFound": withMountTarget { w, fs, _ in
                _ = w.call("apsim:SetNetwork", "{}")
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-00000000"}"#)
            },
            "NoFreeAddressesInSubnet": .produced { w in
                _ = w.call("apsim:SetNetwork", #"{"Vpcs": [{"VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"}], "Subnets": [{"SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/30"}], "SecurityGroups": [{"GroupId": "sg-11111111", "VpcId": "vpc-11111111", "GroupName": "default"}]}"#)
                let fs = ErrorCoverageTests.fileSystem(w)
                _ = w.call("efs:DescribeFileSystems", "{}")
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-11111111"}"#)
            },
            "IpAddressInUse": withMountTarget { w, _, mt in
                let ip = w.call("efs:DescribeMountTargets", #"{"MountTargetId": "\#(mt)"}"#).output["MountTargets"]?.array?.first?["IpAddress"]?.string ?? ""
                let other = ErrorCoverageTests.fileSystem(w, "other")
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(other)", "SubnetId": "subnet-0000000000000000a", "IpAddress": "\#(ip)"}"#)
            },
            "NetworkInterfaceLimitExceeded": .unreachable(noLimit + " (network interfaces per account)"),
            "SecurityGroupLimitExceeded": withMountTarget { w, fs, _ in
                let groups = (1...6).map { #""sg-0000000\#($0)""# }.joined(separator: ", ")
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-0000000000000000b", "SecurityGroups": [\#(groups)]}"#)
            },
            "SecurityGroupNotFound": withMountTarget { w, fs, _ in
                _ = w.call("apsim:SetNetwork", #"{"Vpcs": [{"VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"}], "Subnets": [{"SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/24"}]}"#)
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w, "x"))", "SubnetId": "subnet-11111111"}"#)
            },
            "UnsupportedAvailabilityZone": .produced { w in
                w.call("efs:CreateFileSystem", #"{"CreationToken": "z", "AvailabilityZoneName": "us-west-2b"}"#)
            },
            "AvailabilityZonesMismatch": .produced { w in
                let fs = w.call("efs:CreateFileSystem", #"{"CreationToken": "z", "AvailabilityZoneName": "us-east-1f"}"#).output["FileSystemId"]?.string ?? ""
                _ = w.call("efs:DescribeFileSystems", "{}")
                return w.call("efs:CreateMountTarget", #"{"FileSystemId": "\#(fs)", "SubnetId": "subnet-0000000000000000a"}"#)
            },
            "ThrottlingException": .unreachable(injectedOnly),
        ],
        "CreateMountSession": [
            "BadRequest": .produced { w in
                w.call("efs:CreateMountSession", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w))"}"#)
            },
            "FileSystemNotFound": notFound("efs:CreateMountSession"),
            "IncorrectFileSystemLifeCycleState": creating("efs:CreateMountSession", ""),
            "InternalServerError": fault("efs:CreateMountSession", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "ThrottlingException": .unreachable(injectedOnly),
        ],
        "DescribeMountTargets": [
            "BadRequest": .produced { w in w.call("efs:DescribeMountTargets", "{}") },
            "InternalServerError": fault("efs:DescribeMountTargets", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "FileSystemNotFound": notFound("efs:DescribeMountTargets"),
            "MountTargetNotFound": .produced { w in w.call("efs:DescribeMountTargets", #"{"MountTargetId": "\#(unknownMT)"}"#) },
            "AccessPointNotFound": .produced { w in w.call("efs:DescribeMountTargets", #"{"AccessPointId": "fsap-0123456789abcdef0"}"#) },
        ],
        "DeleteMountTarget": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:DeleteMountTarget", #"{"MountTargetId": "\#(unknownMT)"}"#),
            "DependencyTimeout": .unreachable("apsim has no dependency that could time out"),
            "MountTargetNotFound": .produced { w in w.call("efs:DeleteMountTarget", #"{"MountTargetId": "\#(unknownMT)"}"#) },
            "ThrottlingException": .unreachable(injectedOnly),
        ],
        "DescribeMountTargetSecurityGroups": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:DescribeMountTargetSecurityGroups", #"{"MountTargetId": "\#(unknownMT)"}"#),
            "MountTargetNotFound": .produced { w in w.call("efs:DescribeMountTargetSecurityGroups", #"{"MountTargetId": "\#(unknownMT)"}"#) },
            "IncorrectMountTargetState": deletingMountTarget(delayMilliseconds: 1000) { w, mt in
                w.call("efs:DescribeMountTargetSecurityGroups", #"{"MountTargetId": "\#(mt)"}"#)
            },
        ],
        "ModifyMountTargetSecurityGroups": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "\#(unknownMT)"}"#),
            "MountTargetNotFound": .produced { w in w.call("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "\#(unknownMT)"}"#) },
            "IncorrectMountTargetState": deletingMountTarget(delayMilliseconds: 0) { w, mt in
                _ = w.call("apsim:SetLifecycleState", #"{"ResourceId": "\#(mt)", "State": "deleting"}"#)
                return w.call("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "\#(mt)"}"#)
            },
            "SecurityGroupLimitExceeded": withMountTarget { w, _, mt in
                let groups = (1...6).map { #""sg-0000000\#($0)""# }.joined(separator: ", ")
                return w.call("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "\#(mt)", "SecurityGroups": [\#(groups)]}"#)
            },
            "SecurityGroupNotFound": withMountTarget { w, _, mt in
                _ = w.call("apsim:SetNetwork", "{}")  // only what is declared exists: nothing
                return w.call("efs:ModifyMountTargetSecurityGroups", #"{"MountTargetId": "\#(mt)", "SecurityGroups": ["sg-99999999"]}"#)
            },
            "ThrottlingException": .unreachable(injectedOnly),
        ],
        "PutLifecycleConfiguration": [
            "BadRequest": notFound("efs:PutLifecycleConfiguration", #", "LifecyclePolicies": [{}]"#),
            "InternalServerError": fault("efs:PutLifecycleConfiguration", #"{"FileSystemId": "\#(unknownFS)", "LifecyclePolicies": []}"#),
            "FileSystemNotFound": notFound("efs:PutLifecycleConfiguration", #", "LifecyclePolicies": []"#),
            "IncorrectFileSystemLifeCycleState": creating("efs:PutLifecycleConfiguration", #", "LifecyclePolicies": []"#),
        ],
        "DescribeLifecycleConfiguration": [
            "InternalServerError": fault("efs:DescribeLifecycleConfiguration", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "BadRequest": .unreachable(noRule),
            "FileSystemNotFound": notFound("efs:DescribeLifecycleConfiguration"),
        ],
        "PutBackupPolicy": [
            "BadRequest": notFound("efs:PutBackupPolicy", #", "BackupPolicy": {"Status": "ENABLING"}"#),
            "FileSystemNotFound": notFound("efs:PutBackupPolicy", #", "BackupPolicy": {"Status": "ENABLED"}"#),
            "IncorrectFileSystemLifeCycleState": creating("efs:PutBackupPolicy", #", "BackupPolicy": {"Status": "ENABLED"}"#),
            "InternalServerError": fault("efs:PutBackupPolicy", #"{"FileSystemId": "\#(unknownFS)", "BackupPolicy": {"Status": "ENABLED"}}"#),
            "ValidationException": .produced { w in w.call("efs:PutBackupPolicy", #"{"FileSystemId": "x", "BackupPolicy": {"Status": "ENABLED"}}"#) },
        ],
        "DescribeBackupPolicy": [
            "BadRequest": .unreachable(noRule),
            "FileSystemNotFound": notFound("efs:DescribeBackupPolicy"),
            "InternalServerError": fault("efs:DescribeBackupPolicy", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "PolicyNotFound": .produced { w in w.call("efs:DescribeBackupPolicy", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w))"}"#) },
            "ValidationException": .produced { w in w.call("efs:DescribeBackupPolicy", #"{"FileSystemId": "x"}"#) },
        ],
        "PutFileSystemPolicy": [
            "BadRequest": .unreachable("a policy that is not valid is InvalidPolicyException"),
            "InternalServerError": fault("efs:PutFileSystemPolicy", #"{"FileSystemId": "\#(unknownFS)"\#(policy)}"#),
            "FileSystemNotFound": notFound("efs:PutFileSystemPolicy", policy),
            "InvalidPolicyException": notFound("efs:PutFileSystemPolicy", #", "Policy": "[]""#),
            "IncorrectFileSystemLifeCycleState": creating("efs:PutFileSystemPolicy", policy),
        ],
        "DescribeFileSystemPolicy": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:DescribeFileSystemPolicy", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "FileSystemNotFound": notFound("efs:DescribeFileSystemPolicy"),
            "PolicyNotFound": .produced { w in w.call("efs:DescribeFileSystemPolicy", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w))"}"#) },
        ],
        "DeleteFileSystemPolicy": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:DeleteFileSystemPolicy", #"{"FileSystemId": "\#(unknownFS)"}"#),
            "FileSystemNotFound": notFound("efs:DeleteFileSystemPolicy"),
            "IncorrectFileSystemLifeCycleState": creating("efs:DeleteFileSystemPolicy", ""),
        ],
        "PutAccountPreferences": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:PutAccountPreferences", #"{"ResourceIdType": "LONG_ID"}"#),
        ],
        "DescribeAccountPreferences": [
            "InternalServerError": fault("efs:DescribeAccountPreferences", "{}"),
        ],
        "CreateReplicationConfiguration": [
            "BadRequest": .produced { w in
                w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(unknownFS)", "Destinations": []}"#)
            },
            "IncorrectFileSystemLifeCycleState": .produced { _ in
                guard let w = try? World(configJSON: #"{"seed": 1, "lifecycle": "manual", "creation_delay_ms": 1000}"#) else {
                    return CallResult(failure: RuntimeError.invalidConfiguration("unreachable"))
                }
                let fs = ErrorCoverageTests.fileSystem(w)
                return w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(fs)", "Destinations": [{}]}"#)
            },
            "ValidationException": .produced { w in w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "x", "Destinations": [{}]}"#) },
            "ReplicationNotFound": .unreachable("a create answers ConflictException or creates; it never looks a replication up"),
            "FileSystemNotFound": .produced { w in
                w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(unknownFS)", "Destinations": [{}]}"#)
            },
            "UnsupportedAvailabilityZone": .unreachable("every Availability Zone of a region is supported"),
            "FileSystemLimitExceeded": .unreachable(noLimit + " (file systems per account)"),
            "InsufficientThroughputCapacity": .unreachable(noLimit),
            "ThroughputLimitExceeded": .unreachable(noLimit),
            "ConflictException": replicated { w, fs, _ in
                w.call("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(fs)", "Destinations": [{}]}"#)
            },
            "InternalServerError": fault("efs:CreateReplicationConfiguration", #"{"SourceFileSystemId": "\#(unknownFS)", "Destinations": [{}]}"#),
        ],
        "DescribeReplicationConfigurations": [
            "BadRequest": .produced { w in w.call("efs:DescribeReplicationConfigurations", #"{"NextToken": "bogus"}"#) },
            "FileSystemNotFound": notFound("efs:DescribeReplicationConfigurations"),
            "InternalServerError": fault("efs:DescribeReplicationConfigurations", "{}"),
            "ReplicationNotFound": .produced { w in
                w.call("efs:DescribeReplicationConfigurations", #"{"FileSystemId": "\#(ErrorCoverageTests.fileSystem(w))"}"#)
            },
            "ValidationException": .produced { w in w.call("efs:DescribeReplicationConfigurations", #"{"MaxResults": 0}"#) },
        ],
        "DeleteReplicationConfiguration": [
            "BadRequest": .unreachable(noRule),
            "InternalServerError": fault("efs:DeleteReplicationConfiguration", #"{"SourceFileSystemId": "\#(unknownFS)"}"#),
            "FileSystemNotFound": .produced { w in w.call("efs:DeleteReplicationConfiguration", #"{"SourceFileSystemId": "\#(unknownFS)"}"#) },
            "ReplicationNotFound": .produced { w in
                w.call("efs:DeleteReplicationConfiguration", #"{"SourceFileSystemId": "\#(ErrorCoverageTests.fileSystem(w))"}"#)
            },
            "ThrottlingException": .unreachable(injectedOnly),
        ],
    ]
}
