/// Every error FSx answers, with its message: the one place they are written. Codes, statuses and
/// modeled members come from the model (`FSxErrorCode`, generated); handlers and rules throw
/// these and never spell a code or a message.
enum FSxError {
    /// An error of this catalogue: a modeled code and its message.
    private static func error(_ code: FSxErrorCode, _ message: String, members: JSONObject = JSONObject()) -> APIError {
        APIError(code, message, members: members)
    }

    // MARK: Not found

    static func fileSystemNotFound(_ id: String) -> APIError { error(.fileSystemNotFound, "File system '\(id)' does not exist.") }

    static func volumeNotFound(_ id: String) -> APIError { error(.volumeNotFound, "Volume '\(id)' does not exist.") }

    static func storageVirtualMachineNotFound(_ id: String) -> APIError {
        error(.storageVirtualMachineNotFound, "Storage virtual machine '\(id)' does not exist.")
    }

    static func attachmentNotFound(_ name: String) -> APIError {
        error(.s3AccessPointAttachmentNotFound, "S3 access point attachment '\(name)' does not exist.")
    }

    /// The LifecycleTransitionReason of a resource apsim:SetLifecycleState failed without a Message.
    static func defaultFailure(_ state: String) -> String {
        "The resource was put into the \(state) state by apsim:SetLifecycleState."
    }

    // MARK: The network

    static func invalidSubnet(_ id: String) -> APIError { invalidNetwork("subnet", id, member: "InvalidSubnetId") }

    static func invalidSecurityGroup(_ id: String) -> APIError {
        invalidNetwork("security group", id, member: "InvalidSecurityGroupId")
    }

    /// InvalidNetworkSettings for an ID that names nothing, with the modeled member that names it.
    private static func invalidNetwork(_ what: String, _ id: String, member: String) -> APIError {
        error(.invalidNetworkSettings, "The \(what) ID '\(id)' does not exist.", members: JSONObject([member: .string(id)]))
    }

    static func securityGroupInOtherVPC(_ id: String, vpc: String) -> APIError {
        error(.invalidNetworkSettings, "The security group ID '\(id)' is not in the file system's VPC '\(vpc)'.",
              members: JSONObject(["InvalidSecurityGroupId": .string(id)]))
    }

    static func subnetCount(_ deployment: String, expected: Int, got: Int) -> APIError {
        error(.invalidNetworkSettings,
              "A \(deployment) file system takes exactly \(expected) subnet\(expected == 1 ? "" : "s") in SubnetIds\(expected == 2 ? " (in different Availability Zones)" : ""); the request has \(got).")
    }

    static let subnetsInSeveralVPCs = error(.invalidNetworkSettings, "The subnets of a file system must be in one VPC.")
    static let subnetsInOneZone = error(.invalidNetworkSettings,
                                           "The two subnets of a Multi-AZ file system must be in different Availability Zones.")

    static func preferredSubnetNotListed(_ id: String) -> APIError {
        error(.invalidNetworkSettings, "PreferredSubnetId '\(id)' must be one of the SubnetIds.",
              members: JSONObject(["InvalidSubnetId": .string(id)]))
    }

    static func storageCapacityDecrease(_ id: String, current: Int64) -> APIError {
        badRequest("StorageCapacity can only be increased: file system '\(id)' has \(current) GiB.")
    }

    // MARK: Snapshots

    static func snapshotNotFound(_ id: String) -> APIError { error(.snapshotNotFound, "Snapshot '\(id)' does not exist.") }

    static func snapshotsOfOpenZFSOnly(_ volumeID: String) -> APIError {
        badRequest("Snapshots are emulated for OpenZFS volumes; '\(volumeID)' is an ONTAP volume.")
    }

    static func volumeNotAvailable(_ id: String, state: String) -> APIError { notAvailable("Volume '\(id)'", state) }

    static func volumeHasSnapshots(_ id: String) -> APIError { hasChildren("Volume '\(id)'", "snapshots") }

    static func fileSystemHasSnapshots(_ id: String) -> APIError { hasChildren("File system '\(id)'", "snapshots") }

    /// A delete refused while `resource` has `children`, which the delete option would remove too.
    private static func hasChildren(_ resource: String, _ children: String) -> APIError {
        badRequest("\(resource) has \(children); delete them first or pass OpenZFSConfiguration.Options [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS].")
    }

    // MARK: Tags

    static func resourceNotFound(_ arn: String) -> APIError {
        error(.resourceNotFound, "The resource '\(APIError.echo(arn))' does not exist.",
              members: JSONObject(["ResourceARN": .string(arn)]))
    }

    static func notServiceResource(_ arn: String) -> APIError {
        error(.notServiceResourceError, "The resource '\(APIError.echo(arn))' is not an Amazon FSx resource.",
              members: JSONObject(["ResourceARN": .string(arn)]))
    }

    static func doesNotSupportTagging(_ arn: String) -> APIError {
        error(.resourceDoesNotSupportTagging,
              "The resource '\(APIError.echo(arn))' does not support tagging: an S3 access point attachment is tagged through S3.",
              members: JSONObject(["ResourceARN": .string(arn)]))
    }

    static func tooManyTags(_ count: Int) -> APIError {
        badRequest("A resource can have at most \(Tag.maxPerResource) tags; this request would give it \(count).")
    }

    // MARK: Storage virtual machines

    static func storageVirtualMachineHasVolumes(_ id: String) -> APIError {
        badRequest("Storage virtual machine '\(id)' has volumes; delete them before deleting the storage virtual machine.")
    }

    // MARK: Tokens and configuration

    static func incompatibleToken(_ token: String, differing member: String) -> APIError {
        error(.incompatibleParameterError,
              "The client request token '\(token)' was already used with a different value of \(member).",
              members: JSONObject(["Parameter": .string(member)]))
    }

    static func missingFileSystemConfiguration(_ type: String) -> APIError {
        error(.missingFileSystemConfiguration,
              "\(configurationBlock(type)) is required when FileSystemType is \(type).")
    }

    static func missingVolumeConfiguration(_ type: String) -> APIError {
        error(.missingVolumeConfiguration, "\(configurationBlock(type)) is required when VolumeType is \(type).")
    }

    private static func configurationBlock(_ type: String) -> String {
        type == "ONTAP" ? "OntapConfiguration" : "OpenZFSConfiguration"
    }

    // MARK: UnsupportedOperation

    static func attachmentNeedsHighAvailability(_ fileSystemID: String, deployment: String) -> APIError {
        error(.unsupportedOperation,
              "S3 access points can be attached only to volumes of high-availability OpenZFS file systems (SINGLE_AZ_HA_1, SINGLE_AZ_HA_2, MULTI_AZ_1); file system '\(fileSystemID)' is \(deployment).")
    }

    static func storageVirtualMachinesNeedONTAP(_ fileSystemID: String, type: String) -> APIError {
        error(.unsupportedOperation,
              "Storage virtual machines exist on ONTAP file systems only; '\(fileSystemID)' is \(type).")
    }

    // MARK: S3 errors (FSx passes S3's code through in ErrorCode)

    static func invalidAccessPointName(_ name: String) -> APIError {
        s3(.invalidAccessPoint, "The access point name '\(name)' is not valid: names must not end with '-s3alias' or '-ext-s3alias'.")
    }

    static let accessPointAlreadyOwnedByYou =
        s3(.accessPointAlreadyOwnedByYou, "An access point with that name already exists in the Region in your account.")

    static func tooManyAccessPointsInRegion(limit: Int) -> APIError {
        s3(.tooManyAccessPoints, "You have reached the maximum number of S3 access points (\(limit)) for your account in this Region.")
    }

    static func tooManyAttachments(_ fileSystemID: String, limit: Int, throughput: Int64) -> APIError {
        s3(.tooManyAccessPoints,
           "File system '\(fileSystemID)' has reached its maximum of \(limit) S3 access point attachments for its throughput capacity of \(throughput) MBps.")
    }

    private static func s3(_ code: FSxErrorCode, _ message: String) -> APIError {
        APIError(code, message, members: JSONObject(["ErrorCode": .string(code.rawValue)]))
    }

    // MARK: BadRequest

    static func badRequest(_ message: String) -> APIError { error(.badRequest, message) }

    // MARK: Names ONTAP and OpenZFS cannot hold

    static func ontapVolumeName(_ name: String) -> APIError {
        badRequest("The volume name '\(APIError.echo(name))' is not valid for an ONTAP volume: use letters, digits and underscores, starting with a letter or an underscore.")
    }

    static func volumeNameTakenOnSVM(_ name: String, by other: String, svm: String) -> APIError {
        badRequest("A volume named '\(APIError.echo(name))' already exists on storage virtual machine '\(svm)': \(other).")
    }

    static func junctionPathTaken(_ path: String, by other: String, svm: String) -> APIError {
        badRequest("The junction path '\(APIError.echo(path))' is already used on storage virtual machine '\(svm)' by volume \(other).")
    }

    static func volumeNameTakenUnderParent(_ name: String, by other: String, parent: String, path: String) -> APIError {
        badRequest("A volume named '\(APIError.echo(name))' already exists under parent volume '\(parent)': \(other) (\(path)).")
    }

    static func storageVirtualMachineNameTaken(_ name: String, by other: String, fileSystem: String) -> APIError {
        badRequest("A storage virtual machine named '\(APIError.echo(name))' already exists on file system '\(fileSystem)': \(other).")
    }

    static let invalidPageToken =
        badRequest("Invalid NextToken: use a value returned by a previous call of this operation with the same filters.")

    static func policyTooLarge(_ bytes: Int, limit: Int) -> APIError {
        badRequest("The access point policy is \(bytes) bytes; the limit is \(limit) bytes (20 KiB).")
    }

    static let policyNotADocument = badRequest("The access point policy must be a JSON policy document with a Statement.")
    static let posixUserRequired =
        badRequest("OpenZFSConfiguration.FileSystemIdentity.PosixUser is required when the identity Type is POSIX.")
    static let unixOrWindowsUser =
        badRequest("OntapConfiguration.FileSystemIdentity takes either UnixUser or WindowsUser, not both.")
    static let unixUserRequired =
        badRequest("OntapConfiguration.FileSystemIdentity.UnixUser is required when the identity Type is UNIX.")
    static let windowsUserRequired =
        badRequest("OntapConfiguration.FileSystemIdentity.WindowsUser is required when the identity Type is WINDOWS.")
    static let bothConfigurations = badRequest("Specify either OpenZFSConfiguration or OntapConfiguration, not both.")

    /// An attachment whose configuration block does not match its Type.
    static func attachmentConfigurationRequired(_ type: String) -> APIError {
        type == "OPENZFS"
            ? badRequest("OpenZFSConfiguration is required when Type is OPENZFS; OntapConfiguration applies to Type ONTAP.")
            : badRequest("OntapConfiguration is required when Type is ONTAP; OpenZFSConfiguration applies to Type OPENZFS.")
    }

    static func configurationForOtherType(_ block: String, type: String) -> APIError {
        badRequest("\(block) cannot be used with FileSystemType \(type).")
    }

    static func throughputNotValid(_ throughput: Int64, deployment: String, valid: [Int64]) -> APIError {
        badRequest("ThroughputCapacity \(throughput) is not valid for DeploymentType \(deployment); valid values are "
            + valid.map(String.init).joined(separator: ", ") + ".")
    }

    static func preferredSubnetRequired(_ deployment: String) -> APIError {
        badRequest("PreferredSubnetId is required when DeploymentType is \(deployment).")
    }

    static func openZFSStorageCapacity(_ capacity: Int64) -> APIError {
        badRequest("StorageCapacity \(capacity) is not valid for OpenZFS; it must be from 64 to 524288 GiB.")
    }

    static let ontapThroughputRequired =
        badRequest("Specify ThroughputCapacity or ThroughputCapacityPerHAPair in OntapConfiguration.")

    static func fileSystemTypeNotEmulated(_ type: String) -> APIError {
        badRequest("FileSystemType \(type) is not emulated: apsim emulates OPENZFS and ONTAP file systems.")
    }

    static func volumeConfigurationMismatch(_ type: String) -> APIError {
        badRequest("The configuration block does not match VolumeType \(type).")
    }

    static func volumeTypeMismatch(_ volumeID: String, volumeType: String, type: String) -> APIError {
        badRequest("Volume '\(volumeID)' is an \(volumeType) volume; it cannot be attached with Type \(type).")
    }

    static func volumeNotUsable(_ volumeID: String, state: String, usable: String) -> APIError {
        badRequest("Volume '\(volumeID)' is \(state); an S3 access point can be attached only to a volume that is \(usable).")
    }

    static func volumeNotMounted(_ volumeID: String) -> APIError {
        badRequest("Volume '\(volumeID)' is not mounted: an ONTAP volume needs a JunctionPath before an S3 access point can be attached.")
    }

    static func fileSystemHasAttachments(_ id: String) -> APIError {
        fileSystemInUse(id, "S3 access point attachments; detach and delete them")
    }

    static func fileSystemHasONTAPResources(_ id: String) -> APIError {
        fileSystemInUse(id, "storage virtual machines or volumes; delete them")
    }

    private static func fileSystemInUse(_ id: String, _ what: String) -> APIError {
        badRequest("File system '\(id)' has \(what) before deleting the file system.")
    }

    static func fileSystemHasChildVolumes(_ id: String) -> APIError { hasChildren("File system '\(id)'", "child volumes") }

    static func fileSystemNotAvailable(_ id: String, state: String) -> APIError { notAvailable("File system '\(id)'", state) }

    private static func notAvailable(_ resource: String, _ state: String) -> APIError {
        badRequest("\(resource) is \(state); it must be AVAILABLE.")
    }

    static func notAnOpenZFSVolume(_ id: String) -> APIError { badRequest("Volume '\(id)' is not an OpenZFS volume.") }

    static func parentVolumeNotAvailable(_ id: String, state: String) -> APIError {
        badRequest("Parent volume '\(id)' is \(state); it must be AVAILABLE.")
    }

    static func rootVolume(_ id: String, fileSystemID: String) -> APIError {
        badRequest("Volume '\(id)' is the root volume of file system '\(fileSystemID)'; it is deleted with the file system.")
    }

    static func svmRootVolume(_ id: String, svm: String) -> APIError {
        badRequest("Volume '\(id)' is the root volume of storage virtual machine '\(svm)'; it is deleted with the storage virtual machine.")
    }

    static func volumeHasAttachments(_ id: String) -> APIError {
        badRequest("Volume '\(id)' has S3 access point attachments; detach and delete them before deleting the volume.")
    }

    static func volumeHasChildVolumes(_ id: String) -> APIError {
        badRequest("Volume '\(id)' has child volumes; delete them first or pass OpenZFSConfiguration.Options [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS].")
    }
}
