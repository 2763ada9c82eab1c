@testable import ApsimCore

/// FSx's half of ErrorCoverageTests: every modeled error of every FSx operation apsim serves.
enum FSxErrorCoverage {
    typealias Outcome = ErrorCoverageTests.Outcome
    static let noLimit = ErrorCoverageTests.noLimit
    static let volume = "fsvol-0123456789abcdef0"
    static let notRemembered = "this operation's ClientRequestToken is accepted but not remembered: a repeat acts again"
    static let lustreOnly = "a Lustre setting; apsim emulates OpenZFS and ONTAP file systems only"

    static func fault(_ op: String, _ request: String) -> Outcome { ErrorCoverageTests.fault(op, request) }

    static func attach(_ name: String, _ volume: String, extra: String = "") -> String {
        #"{"Name": "\#(name)", "Type": "OPENZFS", \#(extra)"OpenZFSConfiguration": {"VolumeId": "\#(volume)", "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1, "Gid": 1}}}}"#
    }

    static func zfs(_ extra: String = "", subnets: String = #""subnet-0123456789abcdef0""#) -> String {
        #"{\#(extra)"FileSystemType": "OPENZFS", "SubnetIds": [\#(subnets)], "OpenZFSConfiguration": {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}}"#
    }

    /// The tag operations answer alike; `members` completes the request after ResourceARN.
    static func tagging(_ op: String, _ members: String) -> [String: Outcome] {
        [
            "BadRequest": .produced { w in
                let (fs, _) = makeOpenZFS(w)
                let arn = "arn:aws:fsx:us-east-1:123456789012:file-system/" + fs
                if op == "fsx:ListTagsForResource" { return w.call(op, #"{"ResourceARN": "\#(arn)", "NextToken": "bogus"}"#) }
                let tags = (0..<51).map { #"{"Key": "k\#($0)", "Value": "v"}"# }.joined(separator: ", ")
                if op == "fsx:TagResource" { return w.call(op, #"{"ResourceARN": "\#(arn)", "Tags": [\#(tags)]}"#) }
                return w.call(op, #"{"ResourceARN": "\#(arn)", "TagKeys": []}"#)
            },
            "InternalServerError": fault(op, #"{"ResourceARN": "arn:aws:fsx:us-east-1:123456789012:file-system/fs-0"\#(members)}"#),
            "ResourceNotFound": .produced { w in
                w.call(op, #"{"ResourceARN": "arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0"\#(members)}"#)
            },
            "NotServiceResourceError": .produced { w in w.call(op, #"{"ResourceARN": "arn:aws:s3:::bucket"\#(members)}"#) },
            "ResourceDoesNotSupportTagging": .produced { w in
                let (_, root) = makeOpenZFS(w)
                let child = makeChildVolume(w, parent: root)
                _ = w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", child))
                return w.call(op, #"{"ResourceARN": "arn:aws:s3:us-east-1:123456789012:accesspoint/abc"\#(members)}"#)
            },
        ]
    }

    static let svm = "svm-0123456789abcdef0", snapshot = "fsvolsnap-0123456789abcdef0"

    static let cases: [String: [String: Outcome]] = [
        "TagResource": tagging("fsx:TagResource", #", "Tags": [{"Key": "k", "Value": "v"}]"#),
        "UntagResource": tagging("fsx:UntagResource", #", "TagKeys": ["k"]"#),
        "ListTagsForResource": tagging("fsx:ListTagsForResource", ""),
        "UpdateFileSystem": [
            "BadRequest": .produced { w in
                let (fs, _) = makeOpenZFS(w)
                return w.call("fsx:UpdateFileSystem", #"{"FileSystemId": "\#(fs)", "OpenZFSConfiguration": {"ThroughputCapacity": 64}}"#)
            },
            "UnsupportedOperation": .unreachable("every modeled update of an OpenZFS or ONTAP file system is taken"),
            "IncompatibleParameterError": .produced { w in
                let (fs, _) = makeOpenZFS(w)
                _ = w.call("fsx:DescribeFileSystems", "{}")
                _ = w.call("fsx:UpdateFileSystem", #"{"ClientRequestToken": "t", "FileSystemId": "\#(fs)", "StorageCapacity": 128}"#)
                return w.call("fsx:UpdateFileSystem", #"{"ClientRequestToken": "t", "FileSystemId": "\#(fs)", "StorageCapacity": 256}"#)
            },
            "InvalidNetworkSettings": .unreachable("UpdateFileSystem's network members (route tables, IPv6 ranges) are stored, not checked"),
            "InternalServerError": fault("fsx:UpdateFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#),
            "FileSystemNotFound": .produced { w in w.call("fsx:UpdateFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#) },
            "MissingFileSystemConfiguration": .unreachable("an update without a configuration block changes StorageCapacity alone"),
            "ServiceLimitExceeded": .unreachable(noLimit),
        ],
        "UpdateVolume": [
            "BadRequest": .produced { w in
                let (_, root) = makeOpenZFS(w)
                return w.call("fsx:UpdateVolume", #"{"VolumeId": "\#(root)", "OntapConfiguration": {"JunctionPath": "/x"}}"#)
            },
            "IncompatibleParameterError": .produced { w in
                let (_, root) = makeOpenZFS(w)
                _ = w.call("fsx:UpdateVolume", #"{"ClientRequestToken": "t", "VolumeId": "\#(root)", "Name": "a"}"#)
                return w.call("fsx:UpdateVolume", #"{"ClientRequestToken": "t", "VolumeId": "\#(root)", "Name": "b"}"#)
            },
            "InternalServerError": fault("fsx:UpdateVolume", #"{"VolumeId": "\#(volume)"}"#),
            "MissingVolumeConfiguration": .produced { w in
                let (_, root) = makeOpenZFS(w)
                return w.call("fsx:UpdateVolume", #"{"VolumeId": "\#(root)"}"#)
            },
            "VolumeNotFound": .produced { w in w.call("fsx:UpdateVolume", #"{"VolumeId": "\#(volume)"}"#) },
        ],
        "CreateSnapshot": [
            "BadRequest": .produced { w in
                let (_, _, ontapVolume) = makeOntapVolume(w)
                return w.call("fsx:CreateSnapshot", #"{"Name": "s", "VolumeId": "\#(ontapVolume)"}"#)
            },
            "VolumeNotFound": .produced { w in w.call("fsx:CreateSnapshot", #"{"Name": "s", "VolumeId": "\#(volume)"}"#) },
            "ServiceLimitExceeded": .unreachable(noLimit + " (snapshots per volume)"),
            "InternalServerError": fault("fsx:CreateSnapshot", #"{"Name": "s", "VolumeId": "\#(volume)"}"#),
            "IncompatibleParameterError": .produced { w in
                let (_, root) = makeOpenZFS(w)
                _ = w.call("fsx:CreateSnapshot", #"{"ClientRequestToken": "t", "Name": "a", "VolumeId": "\#(root)"}"#)
                return w.call("fsx:CreateSnapshot", #"{"ClientRequestToken": "t", "Name": "b", "VolumeId": "\#(root)"}"#)
            },
        ],
        "DescribeSnapshots": [
            "BadRequest": .produced { w in w.call("fsx:DescribeSnapshots", #"{"NextToken": "bogus"}"#) },
            "InternalServerError": fault("fsx:DescribeSnapshots", "{}"),
            "SnapshotNotFound": .produced { w in w.call("fsx:DescribeSnapshots", #"{"SnapshotIds": ["\#(snapshot)"]}"#) },
        ],
        "UpdateSnapshot": [
            "BadRequest": .produced { w in w.call("fsx:UpdateSnapshot", #"{"Name": "s", "SnapshotId": "x"}"#) },
            "SnapshotNotFound": .produced { w in w.call("fsx:UpdateSnapshot", #"{"Name": "s", "SnapshotId": "\#(snapshot)"}"#) },
            "InternalServerError": fault("fsx:UpdateSnapshot", #"{"Name": "s", "SnapshotId": "\#(snapshot)"}"#),
            "IncompatibleParameterError": .unreachable(notRemembered),
        ],
        "DeleteSnapshot": [
            "BadRequest": .produced { w in w.call("fsx:DeleteSnapshot", #"{"SnapshotId": "x"}"#) },
            "InternalServerError": fault("fsx:DeleteSnapshot", #"{"SnapshotId": "\#(snapshot)"}"#),
            "SnapshotNotFound": .produced { w in w.call("fsx:DeleteSnapshot", #"{"SnapshotId": "\#(snapshot)"}"#) },
            "IncompatibleParameterError": .unreachable(notRemembered),
        ],
        "DescribeStorageVirtualMachines": [
            "BadRequest": .produced { w in w.call("fsx:DescribeStorageVirtualMachines", #"{"NextToken": "bogus"}"#) },
            "InternalServerError": fault("fsx:DescribeStorageVirtualMachines", "{}"),
            "StorageVirtualMachineNotFound": .produced { w in
                w.call("fsx:DescribeStorageVirtualMachines", #"{"StorageVirtualMachineIds": ["\#(svm)"]}"#)
            },
        ],
        "UpdateStorageVirtualMachine": [
            "BadRequest": .produced { w in w.call("fsx:UpdateStorageVirtualMachine", #"{"StorageVirtualMachineId": "x"}"#) },
            "IncompatibleParameterError": .unreachable(notRemembered),
            "InternalServerError": fault("fsx:UpdateStorageVirtualMachine", #"{"StorageVirtualMachineId": "\#(svm)"}"#),
            "StorageVirtualMachineNotFound": .produced { w in
                w.call("fsx:UpdateStorageVirtualMachine", #"{"StorageVirtualMachineId": "\#(svm)"}"#)
            },
            "UnsupportedOperation": .unreachable("every storage virtual machine apsim makes takes every modeled update"),
        ],
        "DeleteStorageVirtualMachine": [
            "BadRequest": .produced { w in
                let (_, made, _) = makeOntapVolume(w)
                return w.call("fsx:DeleteStorageVirtualMachine", #"{"StorageVirtualMachineId": "\#(made)"}"#)
            },
            "IncompatibleParameterError": .unreachable(notRemembered),
            "InternalServerError": fault("fsx:DeleteStorageVirtualMachine", #"{"StorageVirtualMachineId": "\#(svm)"}"#),
            "StorageVirtualMachineNotFound": .produced { w in
                w.call("fsx:DeleteStorageVirtualMachine", #"{"StorageVirtualMachineId": "\#(svm)"}"#)
            },
        ],
        "CreateAndAttachS3AccessPoint": [
            "BadRequest": .produced { w in
                w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", volume, extra: #""S3AccessPoint": {"Policy": "{}"}, "#))
            },
            "IncompatibleParameterError": .produced { w in
                let (_, root) = makeOpenZFS(w)
                let child = makeChildVolume(w, parent: root)
                _ = w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", child, extra: #""ClientRequestToken": "t", "#))
                return w.call("fsx:CreateAndAttachS3AccessPoint", attach("abd", child, extra: #""ClientRequestToken": "t", "#))
            },
            "InternalServerError": fault("fsx:CreateAndAttachS3AccessPoint", attach("abc", volume)),
            "UnsupportedOperation": .produced { w in
                let (_, root) = makeOpenZFS(w, deployment: "SINGLE_AZ_1", throughput: 64)
                return w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", makeChildVolume(w, parent: root)))
            },
            "VolumeNotFound": .produced { w in w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", volume)) },
            "InvalidAccessPoint": .produced { w in w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc-s3alias", volume)) },
            "InvalidRequest": .unreachable("S3 answers it for requests apsim's model checks already refuse"),
            "AccessPointAlreadyOwnedByYou": .produced { w in
                let (_, root) = makeOpenZFS(w)
                let child = makeChildVolume(w, parent: root)
                _ = w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", child))
                return w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", child))
            },
            "TooManyAccessPoints": .produced { w in
                let (_, root) = makeOpenZFS(w, deployment: "SINGLE_AZ_HA_1", throughput: 64)  // one attachment
                let child = makeChildVolume(w, parent: root)
                _ = w.call("fsx:CreateAndAttachS3AccessPoint", attach("abc", child))
                return w.call("fsx:CreateAndAttachS3AccessPoint", attach("abd", child))
            },
        ],
        "DescribeS3AccessPointAttachments": [
            "S3AccessPointAttachmentNotFound": .produced { w in w.call("fsx:DescribeS3AccessPointAttachments", #"{"Names": ["abc"]}"#) },
            "BadRequest": .produced { w in w.call("fsx:DescribeS3AccessPointAttachments", #"{"NextToken": "bogus"}"#) },
            "InternalServerError": fault("fsx:DescribeS3AccessPointAttachments", "{}"),
            "UnsupportedOperation": .unreachable("attachments are listed on every file system type apsim emulates"),
        ],
        "DetachAndDeleteS3AccessPoint": [
            "BadRequest": .produced { w in w.call("fsx:DetachAndDeleteS3AccessPoint", #"{"Name": "A"}"#) },
            "IncompatibleParameterError": .unreachable(notRemembered + " (a repeat while DELETING answers DELETING)"),
            "InternalServerError": fault("fsx:DetachAndDeleteS3AccessPoint", #"{"Name": "abc"}"#),
            "UnsupportedOperation": .unreachable("attachments are detached on every file system type apsim emulates"),
            "S3AccessPointAttachmentNotFound": .produced { w in w.call("fsx:DetachAndDeleteS3AccessPoint", #"{"Name": "abc"}"#) },
        ],
        "CreateFileSystem": [
            "BadRequest": .produced { w in
                w.call("fsx:CreateFileSystem", #"{"FileSystemType": "LUSTRE", "SubnetIds": ["subnet-0123456789abcdef0"]}"#)
            },
            "ActiveDirectoryError": .unreachable("OpenZFS and ONTAP file systems join no Active Directory at creation"),
            "IncompatibleParameterError": .produced { w in
                _ = w.call("fsx:CreateFileSystem", zfs(#""ClientRequestToken": "t", "#))
                return w.call("fsx:CreateFileSystem", zfs(#""ClientRequestToken": "t", "StorageCapacity": 128, "#))
            },
            "InvalidImportPath": .unreachable(lustreOnly),
            "InvalidExportPath": .unreachable(lustreOnly),
            "InvalidPerUnitStorageThroughput": .unreachable(lustreOnly),
            "InvalidNetworkSettings": .produced { w in
                w.call("fsx:CreateFileSystem", zfs(subnets: #""subnet-0123456789abcdef0", "subnet-0123456789abcdef1""#))
            },
            "ServiceLimitExceeded": .unreachable(noLimit + " (file systems per account)"),
            "InternalServerError": fault("fsx:CreateFileSystem", zfs()),
            "MissingFileSystemConfiguration": .produced { w in
                w.call("fsx:CreateFileSystem", #"{"FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"]}"#)
            },
        ],
        "DescribeFileSystems": [
            "BadRequest": .produced { w in w.call("fsx:DescribeFileSystems", #"{"NextToken": "bogus"}"#) },
            "FileSystemNotFound": .produced { w in w.call("fsx:DescribeFileSystems", #"{"FileSystemIds": ["fs-0123456789abcdef0"]}"#) },
            "InternalServerError": fault("fsx:DescribeFileSystems", "{}"),
        ],
        "DeleteFileSystem": [
            "BadRequest": .produced { w in
                let (fs, root) = makeOpenZFS(w)
                _ = makeChildVolume(w, parent: root)
                return w.call("fsx:DeleteFileSystem", #"{"FileSystemId": "\#(fs)"}"#)
            },
            "IncompatibleParameterError": .unreachable(notRemembered),
            "FileSystemNotFound": .produced { w in w.call("fsx:DeleteFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#) },
            "ServiceLimitExceeded": .unreachable(noLimit + " (final backups)"),
            "InternalServerError": fault("fsx:DeleteFileSystem", #"{"FileSystemId": "fs-0123456789abcdef0"}"#),
        ],
        "CreateStorageVirtualMachine": [
            "ActiveDirectoryError": .unreachable("an ActiveDirectoryConfiguration is stored; no directory is joined"),
            "BadRequest": .produced { w in w.call("fsx:CreateStorageVirtualMachine", #"{"FileSystemId": "fs-0", "Name": "svm1"}"#) },
            "FileSystemNotFound": .produced { w in
                w.call("fsx:CreateStorageVirtualMachine", #"{"FileSystemId": "fs-0123456789abcdef0", "Name": "svm1"}"#)
            },
            "IncompatibleParameterError": .produced { w in
                let (fs, _, _) = makeOntapVolume(w)
                _ = w.call("fsx:CreateStorageVirtualMachine", #"{"ClientRequestToken": "t", "FileSystemId": "\#(fs)", "Name": "a"}"#)
                return w.call("fsx:CreateStorageVirtualMachine", #"{"ClientRequestToken": "t", "FileSystemId": "\#(fs)", "Name": "b"}"#)
            },
            "InternalServerError": fault("fsx:CreateStorageVirtualMachine", #"{"FileSystemId": "fs-0123456789abcdef0", "Name": "svm1"}"#),
            "ServiceLimitExceeded": .unreachable(noLimit + " (storage virtual machines per file system)"),
            "UnsupportedOperation": .produced { w in
                let (fs, _) = makeOpenZFS(w)
                return w.call("fsx:CreateStorageVirtualMachine", #"{"FileSystemId": "\#(fs)", "Name": "svm1"}"#)
            },
        ],
        "CreateVolume": [
            "BadRequest": .produced { w in
                w.call("fsx:CreateVolume", #"{"VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": {"ParentVolumeId": "x"}, "OntapConfiguration": {"StorageVirtualMachineId": "svm-0123456789abcdef0"}}"#)
            },
            "FileSystemNotFound": .unreachable("a volume names its parent volume or SVM, which are checked first"),
            "IncompatibleParameterError": .produced { w in
                let (_, root) = makeOpenZFS(w)
                _ = w.call("fsx:CreateVolume", #"{"ClientRequestToken": "t", "VolumeType": "OPENZFS", "Name": "a", "OpenZFSConfiguration": {"ParentVolumeId": "\#(root)"}}"#)
                return w.call("fsx:CreateVolume", #"{"ClientRequestToken": "t", "VolumeType": "OPENZFS", "Name": "b", "OpenZFSConfiguration": {"ParentVolumeId": "\#(root)"}}"#)
            },
            "InternalServerError": fault("fsx:CreateVolume", #"{"VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": {"ParentVolumeId": "\#(volume)"}}"#),
            "MissingVolumeConfiguration": .produced { w in w.call("fsx:CreateVolume", #"{"VolumeType": "OPENZFS", "Name": "v"}"#) },
            "ServiceLimitExceeded": .unreachable(noLimit + " (volumes per file system)"),
            "StorageVirtualMachineNotFound": .produced { w in
                w.call("fsx:CreateVolume", #"{"VolumeType": "ONTAP", "Name": "v", "OntapConfiguration": {"StorageVirtualMachineId": "svm-0123456789abcdef0"}}"#)
            },
            "UnsupportedOperation": .unreachable("both volume types apsim emulates accept every modeled configuration"),
            "VolumeNotFound": .produced { w in
                w.call("fsx:CreateVolume", #"{"VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": {"ParentVolumeId": "\#(volume)"}}"#)
            },
        ],
        "DescribeVolumes": [
            "BadRequest": .produced { w in w.call("fsx:DescribeVolumes", #"{"NextToken": "bogus"}"#) },
            "InternalServerError": fault("fsx:DescribeVolumes", "{}"),
            "VolumeNotFound": .produced { w in w.call("fsx:DescribeVolumes", #"{"VolumeIds": ["\#(volume)"]}"#) },
        ],
        "DeleteVolume": [
            "BadRequest": .produced { w in
                let (_, root) = makeOpenZFS(w)
                return w.call("fsx:DeleteVolume", #"{"VolumeId": "\#(root)"}"#)
            },
            "IncompatibleParameterError": .unreachable(notRemembered),
            "InternalServerError": fault("fsx:DeleteVolume", #"{"VolumeId": "\#(volume)"}"#),
            "VolumeNotFound": .produced { w in w.call("fsx:DeleteVolume", #"{"VolumeId": "\#(volume)"}"#) },
            "ServiceLimitExceeded": .unreachable(noLimit + " (final backups)"),
        ],
    ]
}
