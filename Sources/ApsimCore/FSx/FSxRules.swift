/// The FSx rules of ../shared/spec/fsx.md that the service model cannot express. Stateless, so
/// `apsim_validate` runs them too; the consistency rules run after the client token check in a
/// call (the spec's order), which is why they are separate.
enum FSxRules {
    static let service = ServiceModel.fsx
    static let validationCode = "BadRequest"

    static func badRequest(_ message: String) -> APIError {
        APIError(service, "BadRequest", message)
    }

    /// An error whose model carries an `ErrorCode` member (the S3 code FSx passes through).
    static func s3Error(_ code: String, _ message: String) -> APIError {
        APIError(service, code, message, members: JSONObject(["ErrorCode": .string(code)]))
    }

    /// S3's access point policy limit (the FSx model allows 200,000 characters).
    static let maxPolicyBytes = 20 * 1024

    // MARK: CreateAndAttachS3AccessPoint

    static func createAndAttach(_ input: JSONObject) throws(APIError) {
        let name = input["Name"]?.string ?? ""
        if name.hasSuffix("-s3alias") || name.hasSuffix("-ext-s3alias") {
            throw s3Error("InvalidAccessPoint",
                          "The access point name '\(name)' is not valid: names must not end with '-s3alias' or '-ext-s3alias'.")
        }
        if let policy = input["S3AccessPoint"]?["Policy"]?.string {
            if policy.utf8.count > maxPolicyBytes {
                throw badRequest("The access point policy is \(policy.utf8.count) bytes; the limit is \(maxPolicyBytes) bytes (20 KiB).")
            }
            guard case .object(let doc)? = try? JSON.parse(policy), doc["Statement"] != nil else {
                throw badRequest("The access point policy must be a JSON policy document with a Statement.")
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
                throw badRequest("OpenZFSConfiguration.FileSystemIdentity.PosixUser is required when the identity Type is POSIX.")
            }
        case ("ONTAP", nil, .some(let block)):
            let identity = block["FileSystemIdentity"]
            let kind = identity?["Type"]?.string ?? ""
            let unix = identity?["UnixUser"] != nil, windows = identity?["WindowsUser"] != nil
            if unix && windows {
                throw badRequest("OntapConfiguration.FileSystemIdentity takes either UnixUser or WindowsUser, not both.")
            }
            if kind == "UNIX" && !unix {
                throw badRequest("OntapConfiguration.FileSystemIdentity.UnixUser is required when the identity Type is UNIX.")
            }
            if kind == "WINDOWS" && !windows {
                throw badRequest("OntapConfiguration.FileSystemIdentity.WindowsUser is required when the identity Type is WINDOWS.")
            }
        case (_, .some, .some):
            throw badRequest("Specify either OpenZFSConfiguration or OntapConfiguration, not both.")
        case ("OPENZFS", _, _):
            throw badRequest("OpenZFSConfiguration is required when Type is OPENZFS; OntapConfiguration applies to Type ONTAP.")
        default:
            throw badRequest("OntapConfiguration is required when Type is ONTAP; OpenZFSConfiguration applies to Type OPENZFS.")
        }
    }

    // MARK: CreateFileSystem

    static let throughputFamily1: [Int64] = [64, 128, 256, 512, 1024, 2048, 3072, 4096]
    static let throughputFamily2: [Int64] = [160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240]

    static func createFileSystem(_ input: JSONObject) throws(APIError) {
        let type = input["FileSystemType"]?.string ?? ""
        let zfs = input["OpenZFSConfiguration"], ontap = input["OntapConfiguration"]
        switch type {
        case "OPENZFS":
            guard let config = zfs else {
                throw APIError(service, "MissingFileSystemConfiguration",
                               "OpenZFSConfiguration is required when FileSystemType is OPENZFS.")
            }
            if ontap != nil { throw badRequest("OntapConfiguration cannot be used with FileSystemType OPENZFS.") }
            let deployment = config["DeploymentType"]?.string ?? ""
            let throughput = config["ThroughputCapacity"]?.int ?? 0
            let valid = deployment.hasSuffix("_1") && deployment != "MULTI_AZ_1" ? throughputFamily1 : throughputFamily2
            if !valid.contains(throughput) {
                throw badRequest("ThroughputCapacity \(throughput) is not valid for DeploymentType \(deployment); valid values are "
                    + valid.map(String.init).joined(separator: ", ") + ".")
            }
            if deployment == "MULTI_AZ_1" && config["PreferredSubnetId"] == nil {
                throw badRequest("PreferredSubnetId is required when DeploymentType is MULTI_AZ_1.")
            }
            if let capacity = input["StorageCapacity"]?.int, capacity < 64 || capacity > 524_288 {
                throw badRequest("StorageCapacity \(capacity) is not valid for OpenZFS; it must be from 64 to 524288 GiB.")
            }
        case "ONTAP":
            guard let config = ontap else {
                throw APIError(service, "MissingFileSystemConfiguration",
                               "OntapConfiguration is required when FileSystemType is ONTAP.")
            }
            if zfs != nil { throw badRequest("OpenZFSConfiguration cannot be used with FileSystemType ONTAP.") }
            if config["ThroughputCapacity"] == nil && config["ThroughputCapacityPerHAPair"] == nil {
                throw badRequest("Specify ThroughputCapacity or ThroughputCapacityPerHAPair in OntapConfiguration.")
            }
        default:
            throw badRequest("FileSystemType \(type) is not emulated: apsim emulates OPENZFS and ONTAP file systems.")
        }
    }

    // MARK: CreateVolume

    static func createVolume(_ input: JSONObject) throws(APIError) {
        let type = input["VolumeType"]?.string ?? ""
        let zfs = input["OpenZFSConfiguration"], ontap = input["OntapConfiguration"]
        if type == "OPENZFS" && zfs == nil || type == "ONTAP" && ontap == nil {
            throw APIError(service, "MissingVolumeConfiguration",
                           "\(type == "ONTAP" ? "OntapConfiguration" : "OpenZFSConfiguration") is required when VolumeType is \(type).")
        }
        if zfs != nil && ontap != nil {
            throw badRequest("Specify either OpenZFSConfiguration or OntapConfiguration, not both.")
        }
        if type == "OPENZFS" && ontap != nil || type == "ONTAP" && zfs != nil {
            throw badRequest("The configuration block does not match VolumeType \(type).")
        }
    }
}
