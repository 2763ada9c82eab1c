/// An EFS file system, with everything its description and configuration operations show.
final class EFSFileSystem: LifecycleHolder {
    let id: String
    let seq: UInt64
    let arn, creationToken: String
    let creationTime: Int64
    var lifecycle: LifecycleState
    let performanceMode: String
    var throughputMode: String
    var provisionedThroughput: JSON?
    let encrypted: Bool
    let kmsKeyID, availabilityZoneName, availabilityZoneID: String?
    var tags: [Tag]
    var accessPoints = CreationIndex<EFSAccessPoint>()
    var mountTargets = CreationIndex<EFSMountTarget>()
    /// When the last access point was created on it (for the throttling rule).
    var lastAccessPointCreated: Int64?
    /// When its throughput mode last changed or its provisioned throughput was last lowered (the
    /// 24-hour rule of UpdateFileSystem).
    var lastThroughputDecrease: Int64?
    /// PutLifecycleConfiguration's policies, as sent.
    var lifecyclePolicies: [JSON] = []
    /// The backup policy's status; nil while none was ever set (PolicyNotFound).
    var backupPolicy: LifecycleState?
    /// PutFileSystemPolicy's policy, as sent.
    var policy: String? {
        didSet { parsed = nil }
    }
    /// The policy parsed, kept until it changes (a mount evaluates it without parsing it again).
    private var parsed: Policy?

    /// The policy as the evaluator takes it (nil: none, or one that does not parse).
    var parsedPolicy: Policy? {
        if let parsed { return parsed }
        guard let policy, let made = try? Policy(.string(policy)) else { return nil }
        parsed = made
        return made
    }
    /// ReplicationOverwriteProtection as set (a replication destination reads REPLICATING).
    var protection = "ENABLED"
    /// The replication this file system is the source of.
    var replication: EFSReplication?
    /// The source of the replication this file system is the destination of.
    var replicatedFrom: EFSReplication.End?

    /// What DescribeFileSystems reports: REPLICATING while it is a replication destination.
    var reportedProtection: String { replicatedFrom == nil ? protection : "REPLICATING" }

    init(id: String, seq: UInt64, arn: String, creationToken: String, creationTime: Int64, lifecycle: LifecycleState,
         performanceMode: String, throughputMode: String, provisionedThroughput: JSON?, encrypted: Bool, kmsKeyID: String?,
         availabilityZoneName: String?, availabilityZoneID: String?, tags: [Tag]) {
        (self.id, self.seq, self.arn, self.creationToken) = (id, seq, arn, creationToken)
        (self.creationTime, self.lifecycle) = (creationTime, lifecycle)
        (self.performanceMode, self.throughputMode) = (performanceMode, throughputMode)
        (self.provisionedThroughput, self.encrypted) = (provisionedThroughput, encrypted)
        (self.kmsKeyID, self.availabilityZoneName) = (kmsKeyID, availabilityZoneName)
        (self.availabilityZoneID, self.tags) = (availabilityZoneID, tags)
    }
}

/// A mount target: one file system's endpoint in one subnet (and so one Availability Zone).
final class EFSMountTarget: LifecycleHolder {
    let id: String
    let seq: UInt64
    let fileSystemID: String
    let subnet: Subnet
    let ipAddress: UInt32?
    let ipv6Address: String?
    var securityGroups: [String]
    /// apsim's (from the seeded stream), or the one an EC2 emulator made (apsim:SetNetworkInterface).
    var networkInterfaceID: String
    var lifecycle: LifecycleState
    /// DeleteMountTarget was called: it reads `deleting` until it settles, then it is gone.
    var deleting = false

    init(id: String, seq: UInt64, fileSystemID: String, subnet: Subnet, ipAddress: UInt32?, ipv6Address: String?,
         securityGroups: [String], networkInterfaceID: String, lifecycle: LifecycleState) {
        (self.id, self.seq, self.fileSystemID, self.subnet) = (id, seq, fileSystemID, subnet)
        (self.ipAddress, self.ipv6Address) = (ipAddress, ipv6Address)
        (self.securityGroups, self.networkInterfaceID) = (securityGroups, networkInterfaceID)
        self.lifecycle = lifecycle
    }
}

/// A replication configuration, kept by its source file system; the destination knows its source
/// (`EFSFileSystem.replicatedFrom`). Both ends are in the same account, in any region of the world.
struct EFSReplication {
    /// One end: a file system in a region.
    struct End: Equatable {
        let fileSystemID, region: String
    }

    let destination: End
    let creationTime: Int64
    var status: LifecycleState
    let roleARN: String?
}
