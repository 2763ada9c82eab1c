/// Every error EFS answers, with its message: the one place they are written. Codes, statuses and
/// modeled members come from the model (`EFSErrorCode`, generated); handlers and rules throw
/// these and never spell a code or a message.
enum EFSError {
    /// An error of this catalogue: a modeled code and its message.
    private static func error(_ code: EFSErrorCode, _ message: String, members: JSONObject = JSONObject()) -> APIError {
        APIError(code, message, members: members)
    }

    static func fileSystemNotFound(_ ref: String) -> APIError {
        error(.fileSystemNotFound, "File system '\(ref)' does not exist.")
    }

    static func accessPointNotFound(_ ref: String) -> APIError {
        error(.accessPointNotFound, "Access point '\(ref)' does not exist.")
    }

    static func fileSystemAlreadyExists(_ id: String, token: String) -> APIError {
        error(.fileSystemAlreadyExists, "File system '\(id)' already exists with creation token '\(token)'",
              members: JSONObject(["FileSystemId": .string(id)]))
    }

    static func accessPointAlreadyExists(_ id: String, token: String) -> APIError {
        error(.accessPointAlreadyExists, "Access point '\(id)' already exists with client token '\(token)'",
              members: JSONObject(["AccessPointId": .string(id)]))
    }

    /// `what`: what can only be done to an available file system ("access points can only be created").
    static func incorrectFileSystemLifeCycleState(_ id: String, state: String,
                                                  what: String = "access points can only be created") -> APIError {
        error(.incorrectFileSystemLifeCycleState,
              "File system '\(id)' is in the '\(state)' state; \(what) on an 'available' file system.")
    }

    static func accessPointLimitExceeded(_ fileSystemID: String, limit: Int) -> APIError {
        error(.accessPointLimitExceeded,
              "You have reached the maximum number of access points (\(limit)) for your file system \(fileSystemID). Delete an access point and add a new one.")
    }

    static func throttled(_ fileSystemID: String, limit: Int) -> APIError {
        error(.throttlingException,
              "Rate exceeded: access points are being created in quick succession on file system \(fileSystemID), which is near its limit of \(limit) access points. Retry later.")
    }

    /// strict_file_system_delete: a file system with access points.
    static func fileSystemHasAccessPoints(_ id: String) -> APIError {
        error(.fileSystemInUse,
              "The file system '\(id)' cannot be deleted because it has access points. You must delete the access points, and then try again.")
    }

    // MARK: Mount targets and the network

    /// AWS's words (they name no ID).
    static let mountTargetNotFound = error(.mountTargetNotFound, "Mount target does not exist.")

    static func fileSystemHasMountTargets(_ id: String) -> APIError {
        error(.fileSystemInUse, "File system '\(id)' has mount targets and cannot be deleted.")
    }

    static func subnetNotFound(_ id: String) -> APIError { error(.subnetNotFound, "The subnet ID '\(id)' does not exist") }

    static let mountTargetInOtherVPC = APIError(
        EFSErrorCode.mountTargetConflict, "requested subnet for new mount target is not in the same VPC as existing mount targets")

    static let mountTargetInZone = error(.mountTargetConflict, "mount target already exists in this AZ")

    static func availabilityZonesMismatch(_ fileSystemID: String, zone: String, subnetZone: String) -> APIError {
        error(.availabilityZonesMismatch,
              "One Zone file system '\(fileSystemID)' is in \(zone); its mount target must be in a subnet of that Availability Zone, not \(subnetZone).")
    }

    static func securityGroupLimitExceeded(_ count: Int) -> APIError {
        error(.securityGroupLimitExceeded,
              "A mount target can have at most \(EFSMountTargets.maxSecurityGroups) security groups; the request has \(count).")
    }

    static func securityGroupNotFound(_ id: String) -> APIError {
        error(.securityGroupNotFound, "The security group '\(id)' does not exist")
    }

    static func securityGroupInOtherVPC(_ id: String, vpc: String) -> APIError {
        error(.securityGroupNotFound, "The security group '\(id)' does not exist in VPC '\(vpc)'")
    }

    static func noDefaultSecurityGroup(_ vpc: String) -> APIError {
        error(.securityGroupNotFound, "VPC '\(vpc)' has no default security group; name the security groups.")
    }

    static func ipAddressInUse(_ address: String) -> APIError {
        error(.ipAddressInUse, "IP address \(address) is already in use by another mount target in the subnet.")
    }

    static func noFreeAddresses(_ subnet: String) -> APIError {
        error(.noFreeAddressesInSubnet, "Subnet '\(subnet)' has no free IP addresses.")
    }

    /// AWS's words for a mount target being deleted (DescribeMountTargetSecurityGroups).
    static func noNetworkInterface(_ id: String) -> APIError {
        error(.incorrectMountTargetState, "Mount target does not have a network interface: \(id)")
    }

    static func incorrectMountTargetState(_ id: String, state: String) -> APIError {
        error(.incorrectMountTargetState,
              "Mount target '\(id)' is in the '\(state)' state; its security groups can only be changed while it is 'available'.")
    }

    /// EC2's words, which EFS passes on.
    static let ipAddressOutsideSubnet = badRequest("Address does not fall within the subnet's address range")

    static func ipAddressType(_ message: String) -> APIError { badRequest(message) }

    static let oneMountTargetFilter = badRequest("Must specify exactly one mutually exclusive parameter.")

    static let externalNetwork = badRequest("External network (EXTERNAL_NETWORK) connections are not supported.")

    static func noMountTargets(_ id: String) -> APIError {
        badRequest("File system '\(id)' has no available mount target to mount through; create one first.")
    }

    // MARK: Policies and configuration

    static func policyNotFound(_ what: String, _ fileSystemID: String) -> APIError {
        error(.policyNotFound, "File system '\(fileSystemID)' has no \(what).")
    }

    static func invalidPolicy(_ problem: String) -> APIError {
        error(.invalidPolicyException, "The file system policy is not valid: \(problem).")
    }

    /// PutFileSystemPolicy's lockout check (AWS documents the exception, not its words).
    static func policyLockout(_ caller: String, fileSystem arn: String) -> APIError {
        error(.invalidPolicyException,
              "The file system policy would lock you out: it explicitly denies \(caller) elasticfilesystem:PutFileSystemPolicy on \(arn). Set BypassPolicyLockoutSafetyCheck to true to put it anyway.")
    }

    static func tooManyRequests(nextAllowed: Int64) -> APIError {
        error(.tooManyRequests,
              "You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until \(Timestamps.iso8601(milliseconds: nextAllowed, fraction: false)) UTC and try again.")
    }

    static let destinationProtection = APIError(
        EFSErrorCode.replicationAlreadyExists,
        "ReplicationOverwriteProtection cannot be changed while the file system is a replication destination.")

    /// AWS's words, for a policy with more or less than one transition and (apsim's choice) for
    /// two policies of one kind.
    static let malformedLifecyclePolicies = badRequest("One or more LifecyclePolicy objects specified are malformed.")

    static let archiveNeedsElastic = badRequest(
        "The ThroughputMode value for the file system does not support TransitionToArchive. Either change the ThroughputMode value to Elastic or remove the TransitionToArchive parameter.")

    static func backupPolicyStatus(_ status: String) -> APIError {
        badRequest("BackupPolicy.Status must be ENABLED or DISABLED, not \(status).")
    }

    static let protectionReplicating =
        badRequest("ReplicationOverwriteProtection can be set to ENABLED or DISABLED; REPLICATING is set by replication.")

    // MARK: Replication

    static func replicationNotFound(_ fileSystemID: String) -> APIError {
        error(.replicationNotFound, "File system '\(fileSystemID)' does not have a replication configuration.")
    }

    static func alreadyReplicated(_ fileSystemID: String) -> APIError {
        error(.conflictException, "File system '\(fileSystemID)' already has a replication configuration.")
    }

    static func destinationCannotBeSource(_ fileSystemID: String) -> APIError {
        error(.conflictException,
              "File system '\(fileSystemID)' is a replication destination; it cannot be a replication source.")
    }

    static func alreadyDestination(_ fileSystemID: String) -> APIError {
        error(.conflictException, "File system '\(fileSystemID)' is already a replication destination.")
    }

    static func destinationProtected(_ fileSystemID: String) -> APIError {
        error(.conflictException,
              "File system '\(fileSystemID)' has ReplicationOverwriteProtection ENABLED; disable it to use the file system as a replication destination.")
    }

    static func fileSystemReplicating(_ id: String) -> APIError {
        error(.fileSystemInUse, "File system '\(id)' is in a replication configuration and cannot be deleted.")
    }

    static let oneDestination = badRequest("A replication configuration has exactly one destination.")

    // MARK: BadRequest

    static func badRequest(_ message: String) -> APIError { error(.badRequest, message) }

    static let maxIOOneZone = badRequest("The maxIO performance mode is not supported on One Zone file systems; use generalPurpose.")

    static func zoneOfAnotherRegion(_ zone: String, region: String) -> APIError {
        error(.unsupportedAvailabilityZone, "Availability Zone '\(APIError.echo(zone))' is not an Availability Zone of \(region).")
    }

    static func invalidPageToken(_ member: String) -> APIError {
        badRequest("Invalid \(member): use a value returned by a previous call of this operation with the same filters.")
    }

    static func tooManyTagsInRequest(_ count: Int, limit: Int) -> APIError {
        badRequest("A resource can have at most \(limit) tags; the request has \(count).")
    }

    static func tooManyTags(_ count: Int, limit: Int) -> APIError {
        badRequest("A resource can have at most \(limit) tags; this request would give it \(count).")
    }

    static func duplicateTagKey(_ key: String) -> APIError {
        badRequest("Tag keys must be unique; the key '\(key)' appears more than once in the request.")
    }

    static let provisionedThroughputRequired =
        badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.")

    static let accessPointAndFileSystem =
        badRequest("You can provide either an AccessPointId or a FileSystemId in the request, but not both.")

    /// A constraint the spec adds to the model's, in the model's own Coral form.
    static func validation(_ violations: [Violation]) -> APIError {
        APIError(code: EFSErrorCode.validationException.rawValue, violations: violations)
    }
}
