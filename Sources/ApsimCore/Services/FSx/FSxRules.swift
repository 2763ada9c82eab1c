/// The FSx rules of ../shared/spec/fsx.md that the service model cannot express. Stateless, so
/// `apsim_validate` runs them too; the consistency rules run after the client token check in a
/// call (the spec's order), which is why they are separate.
enum FSxRules {
    static let validationCode = FSxErrorCode.badRequest.rawValue

    /// S3's access point policy limit (the FSx model allows 200,000 characters).
    static let maxPolicyBytes = 20 * 1024

    // MARK: CreateAndAttachS3AccessPoint

    static func createAndAttach(_ input: JSONObject) throws(APIError) {
        let name = input["Name"]?.string ?? ""
        if name.hasSuffix("-s3alias") || name.hasSuffix("-ext-s3alias") {
            throw FSxError.invalidAccessPointName(name)
        }
        if let policy = input["S3AccessPoint"]?["Policy"]?.string {
            if policy.utf8.count > maxPolicyBytes {
                throw FSxError.policyTooLarge(policy.utf8.count, limit: maxPolicyBytes)
            }
            guard case .object(let doc)? = try? JSON.parse(policy), doc["Statement"] != nil else {
                throw FSxError.policyNotADocument
            }
        }
    }

    /// Exactly one configuration block, matching Type, with an identity that matches its type.
    static func attachmentConsistency(_ input: JSONObject) throws(APIError) {
        let type = input["Type"]?.string ?? ""
        let zfs = input["OpenZFSConfiguration"], ontap = input["OntapConfiguration"]
        switch (type, zfs, ontap) {
        case ("OPENZFS", .some(let block), nil):
            let identity = block["FileSystemIdentity"]
            if identity?["PosixUser"] == nil {
                throw FSxError.posixUserRequired
            }
        case ("ONTAP", nil, .some(let block)):
            let identity = block["FileSystemIdentity"]
            let kind = identity?["Type"]?.string ?? ""
            let unix = identity?["UnixUser"] != nil, windows = identity?["WindowsUser"] != nil
            if unix && windows {
                throw FSxError.unixOrWindowsUser
            }
            if kind == "UNIX" && !unix {
                throw FSxError.unixUserRequired
            }
            if kind == "WINDOWS" && !windows {
                throw FSxError.windowsUserRequired
            }
        case (_, .some, .some):
            throw FSxError.bothConfigurations
        default:
            throw FSxError.attachmentConfigurationRequired(type)
        }
    }

    // MARK: CreateFileSystem

    static let throughputFamily1: [Int64] = [64, 128, 256, 512, 1024, 2048, 3072, 4096]
    static let throughputFamily2: [Int64] = [160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240]

    /// The throughput capacities an OpenZFS deployment type takes.
    static func throughputFamily(_ deployment: String) -> [Int64] {
        deployment.hasSuffix("_1") && deployment != "MULTI_AZ_1" ? throughputFamily1 : throughputFamily2
    }

    static func createFileSystem(_ input: JSONObject) throws(APIError) {
        let type = input["FileSystemType"]?.string ?? ""
        let zfs = input["OpenZFSConfiguration"], ontap = input["OntapConfiguration"]
        switch type {
        case "OPENZFS":
            guard let config = zfs else {
                throw FSxError.missingFileSystemConfiguration(type)
            }
            if ontap != nil { throw FSxError.configurationForOtherType("OntapConfiguration", type: type) }
            let deployment = config["DeploymentType"]?.string ?? ""
            let throughput = config["ThroughputCapacity"]?.int ?? 0
            let valid = throughputFamily(deployment)
            if !valid.contains(throughput) {
                throw FSxError.throughputNotValid(throughput, deployment: deployment, valid: valid)
            }
            if let capacity = input["StorageCapacity"]?.int, capacity < 64 || capacity > 524_288 {
                throw FSxError.openZFSStorageCapacity(capacity)
            }
        case "ONTAP":
            guard let config = ontap else {
                throw FSxError.missingFileSystemConfiguration(type)
            }
            if zfs != nil { throw FSxError.configurationForOtherType("OpenZFSConfiguration", type: type) }
            if config["ThroughputCapacity"] == nil && config["ThroughputCapacityPerHAPair"] == nil {
                throw FSxError.ontapThroughputRequired
            }
        default:
            throw FSxError.fileSystemTypeNotEmulated(type)
        }
        let deployment = (zfs ?? ontap)?["DeploymentType"]?.string ?? ""
        if deployment.hasPrefix("MULTI_AZ") && (zfs ?? ontap)?["PreferredSubnetId"] == nil {
            throw FSxError.preferredSubnetRequired(deployment)
        }
        let given = input["SubnetIds"]?.array?.count ?? 0, expected = FSxNetwork.subnetCount(deployment)
        if given != expected { throw FSxError.subnetCount(deployment, expected: expected, got: given) }
        // A rule of the request alone, so apsim_validate refuses it too.
        if let preferred = (zfs ?? ontap)?["PreferredSubnetId"]?.string,
           !(input["SubnetIds"]?.array ?? []).contains(.string(preferred)) {
            throw FSxError.preferredSubnetNotListed(preferred)
        }
    }

    // MARK: CreateVolume

    /// An ONTAP volume's name: letters, digits and underscores, not starting with a digit.
    static func isONTAPVolumeName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }
    }

    static func createVolume(_ input: JSONObject) throws(APIError) {
        let type = input["VolumeType"]?.string ?? ""
        if type == "ONTAP", let name = input["Name"]?.string, !isONTAPVolumeName(name) { throw FSxError.ontapVolumeName(name) }
        let zfs = input["OpenZFSConfiguration"], ontap = input["OntapConfiguration"]
        if type == "OPENZFS" && zfs == nil || type == "ONTAP" && ontap == nil {
            throw FSxError.missingVolumeConfiguration(type)
        }
        if zfs != nil && ontap != nil {
            throw FSxError.bothConfigurations
        }
        if type == "OPENZFS" && ontap != nil || type == "ONTAP" && zfs != nil {
            throw FSxError.volumeConfigurationMismatch(type)
        }
    }
}
