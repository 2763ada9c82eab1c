#!/usr/bin/env python3
"""Writes fuzz/corpus: valid requests for every entry point of the fuzz target.

    python3 tools/gen_fuzz_corpus.py     # after adding an operation (the selector order changes)

An input is one selector byte and a request document (see Sources/ApsimFuzz/Fuzz.swift): byte i
< len(ops) calls apsim_call(ops[i]), len(ops) calls apsim_http, len(ops)+1 calls apsim_validate
with the operation picked by the next byte. The operation list comes from the library itself.
"""
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
import apsim  # noqa: E402

FS = "fs-0f18d6ce93d6cf1ee"       # the first file system of a world opened with seed 1
AP = "fsap-00b95f66d327e8d78"
VOL = "fsvol-0123456789abcdef0"
MT = "fsmt-0123456789abcdef0"
SVM = "svm-0123456789abcdef0"
SNAP = "fsvolsnap-0123456789abcdef0"
SUBNET = "subnet-0123456789abcdef0"
MOUNT = "mount-0123456789abcdef0"
POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*", "123456789012"]}, "Action": ["elasticfilesystem:Client*"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}, "ForAnyValue:StringLikeIfExists": {"aws:PrincipalArn": ["arn:aws:iam::*:role/?"]}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}'
ZFS = {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}
ATTACH = {"Name": "my-ap", "Type": "OPENZFS", "ClientRequestToken": "tok",
          "OpenZFSConfiguration": {"VolumeId": VOL, "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1, "Gid": 1, "SecondaryGids": [2]}}},
          "S3AccessPoint": {"VpcConfiguration": {"VpcId": "vpc-0123abcd"}, "Policy": "{\"Statement\": []}"}}

REQUESTS = {
    "efs:CreateFileSystem": [{"CreationToken": "t", "PerformanceMode": "maxIO", "ThroughputMode": "provisioned",
                              "ProvisionedThroughputInMibps": 1.5, "Encrypted": True, "Tags": [{"Key": "Name", "Value": "x"}]}],
    "efs:DescribeFileSystems": [{}, {"FileSystemId": FS}, {"CreationToken": "t", "MaxItems": 2}, {"Marker": "MS4wMDAw"}],
    "efs:DeleteFileSystem": [{"FileSystemId": FS}],
    "efs:CreateAccessPoint": [{"ClientToken": "c", "FileSystemId": FS, "Tags": [{"Key": "Name", "Value": "n"}],
                               "PosixUser": {"Uid": 1, "Gid": 2, "SecondaryGids": [3, 4]},
                               "RootDirectory": {"Path": "/a/b", "CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "0755"}}},
                              {"ClientToken": "d", "FileSystemId": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + FS}],
    "efs:DescribeAccessPoints": [{}, {"FileSystemId": FS, "MaxResults": 1}, {"AccessPointId": AP}, {"NextToken": "MS4w"}],
    "efs:DeleteAccessPoint": [{"AccessPointId": AP}],
    "efs:TagResource": [{"ResourceId": AP, "Tags": [{"Key": "k", "Value": "v"}]}],
    "efs:UntagResource": [{"ResourceId": FS, "TagKeys": ["k"]}],
    "efs:ListTagsForResource": [{"ResourceId": FS, "MaxResults": 1}],
    "efs:CreateTags": [{"FileSystemId": FS, "Tags": [{"Key": "k", "Value": "v"}]}],
    "efs:DeleteTags": [{"FileSystemId": FS, "TagKeys": ["k"]}],
    "efs:DescribeTags": [{"FileSystemId": FS, "MaxItems": 1}],
    "efs:UpdateFileSystem": [{"FileSystemId": FS, "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 64}],
    "efs:UpdateFileSystemProtection": [{"FileSystemId": FS, "ReplicationOverwriteProtection": "DISABLED"}],
    "efs:CreateMountTarget": [{"FileSystemId": FS, "SubnetId": SUBNET, "IpAddress": "172.31.0.9", "SecurityGroups": ["sg-0123abcd"]},
                              {"FileSystemId": FS, "SubnetId": SUBNET, "IpAddressType": "DUAL_STACK"}],
    "efs:DescribeMountTargets": [{"FileSystemId": FS, "MaxItems": 1}, {"MountTargetId": MT}, {"AccessPointId": AP}],
    "efs:DeleteMountTarget": [{"MountTargetId": MT}],
    "efs:CreateMountSession": [{"FileSystemId": FS, "PreferredAvailabilityZoneId": "use1-az1", "NetworkOrigin": "AWS_NETWORK"}],
    "efs:DescribeMountTargetSecurityGroups": [{"MountTargetId": MT}],
    "efs:ModifyMountTargetSecurityGroups": [{"MountTargetId": MT, "SecurityGroups": ["sg-0123abcd"]}],
    "efs:PutLifecycleConfiguration": [{"FileSystemId": FS, "LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}]}],
    "efs:DescribeLifecycleConfiguration": [{"FileSystemId": FS}],
    "efs:PutBackupPolicy": [{"FileSystemId": FS, "BackupPolicy": {"Status": "ENABLED"}}],
    "efs:DescribeBackupPolicy": [{"FileSystemId": FS}],
    "efs:PutFileSystemPolicy": [{"FileSystemId": FS, "Policy": "{\"Statement\": []}"},
                                {"FileSystemId": FS, "Policy": POLICY, "BypassPolicyLockoutSafetyCheck": True}],
    "efs:DescribeFileSystemPolicy": [{"FileSystemId": FS}],
    "efs:DeleteFileSystemPolicy": [{"FileSystemId": FS}],
    "efs:PutAccountPreferences": [{"ResourceIdType": "SHORT_ID"}],
    "efs:DescribeAccountPreferences": [{}],
    "efs:CreateReplicationConfiguration": [{"SourceFileSystemId": FS, "Destinations": [{"Region": "eu-west-1"}]}],
    "efs:DescribeReplicationConfigurations": [{}, {"FileSystemId": FS}],
    "efs:DeleteReplicationConfiguration": [{"SourceFileSystemId": FS}],
    "apsim:SetNetwork": [{"Vpcs": [{"VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"}],
                          "Subnets": [{"SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a",
                                       "CidrBlock": "10.0.0.0/24"}],
                          "SecurityGroups": [{"GroupId": "sg-11111111", "VpcId": "vpc-11111111", "GroupName": "default"}]},
                         {"Mode": "open"}],
    "apsim:GetNetwork": [{}],
    "apsim:SetNetworkInterface": [{"ResourceId": MT, "NetworkInterfaceId": "eni-0123456789abcdef0"}],
    "fsx:CreateFileSystem": [{"FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "OpenZFSConfiguration": ZFS},
                             {"FileSystemType": "ONTAP", "SubnetIds": ["subnet-0123456789abcdef0"],
                              "OntapConfiguration": {"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128}}],
    "fsx:DescribeFileSystems": [{}, {"FileSystemIds": [FS]}],
    "fsx:DeleteFileSystem": [{"FileSystemId": FS, "OpenZFSConfiguration": {"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]}}],
    "fsx:CreateStorageVirtualMachine": [{"FileSystemId": FS, "Name": "svm1"}],
    "fsx:CreateVolume": [{"VolumeType": "OPENZFS", "Name": "v", "OpenZFSConfiguration": {"ParentVolumeId": VOL}},
                         {"VolumeType": "ONTAP", "Name": "v", "OntapConfiguration": {"StorageVirtualMachineId": "svm-0123456789abcdef0", "JunctionPath": "/v"}}],
    "fsx:DescribeVolumes": [{}, {"VolumeIds": [VOL]}, {"Filters": [{"Name": "file-system-id", "Values": [FS]}]}],
    "fsx:DeleteVolume": [{"VolumeId": VOL}],
    "fsx:CreateAndAttachS3AccessPoint": [ATTACH],
    "fsx:DescribeS3AccessPointAttachments": [{}, {"Names": ["my-ap"]}, {"Filters": [{"Name": "type", "Values": ["OPENZFS"]}], "MaxResults": 1}],
    "fsx:DetachAndDeleteS3AccessPoint": [{"Name": "my-ap"}],
    "fsx:TagResource": [{"ResourceARN": "arn:aws:fsx:us-east-1:123456789012:file-system/" + FS, "Tags": [{"Key": "k", "Value": "v"}]}],
    "fsx:UntagResource": [{"ResourceARN": "arn:aws:fsx:us-east-1:123456789012:volume/%s/%s" % (FS, VOL), "TagKeys": ["k"]}],
    "fsx:ListTagsForResource": [{"ResourceARN": "arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap", "MaxResults": 1}],
    "fsx:DescribeStorageVirtualMachines": [{}, {"Filters": [{"Name": "file-system-id", "Values": [FS]}], "MaxResults": 1}],
    "fsx:UpdateStorageVirtualMachine": [{"StorageVirtualMachineId": SVM, "SvmAdminPassword": "secret123",
                                         "ActiveDirectoryConfiguration": {"NetBiosName": "SVM"}}],
    "fsx:DeleteStorageVirtualMachine": [{"StorageVirtualMachineId": SVM}],
    "fsx:CreateSnapshot": [{"Name": "s", "VolumeId": VOL, "ClientRequestToken": "tok"}],
    "fsx:DescribeSnapshots": [{}, {"Filters": [{"Name": "volume-id", "Values": [VOL]}]}],
    "fsx:UpdateSnapshot": [{"SnapshotId": SNAP, "Name": "n"}],
    "fsx:DeleteSnapshot": [{"SnapshotId": SNAP}],
    "fsx:UpdateFileSystem": [{"FileSystemId": FS, "StorageCapacity": 128, "OpenZFSConfiguration": {"ThroughputCapacity": 320}}],
    "fsx:UpdateVolume": [{"VolumeId": VOL, "Name": "v2", "OpenZFSConfiguration": {"ReadOnly": True}}],
    "apsim:AdvanceClock": [{"Milliseconds": 1000}],
    "apsim:SetLifecycleState": [{"ResourceId": FS, "State": "creating"}, {"Name": "my-ap", "State": "FAILED"}],
    "apsim:InjectFault": [{"Operation": "*", "ErrorCode": "ThrottlingException", "Probability": 0.5}],
    "apsim:ListFaults": [{}], "apsim:ClearFaults": [{}], "apsim:Reset": [{}], "apsim:ExportState": [{}],
    "apsim:ImportState": [{"State": {"Format": "apsim-state/1"}}], "apsim:ListOperations": [{}],
    "apsim:DescribeConfiguration": [{}], "apsim:DescribeStateFile": [{}],
    "apsim:PutPrincipal": [{"Arn": "arn:aws:iam::123456789012:role/app", "AccessKeyIds": ["AKIAFUZZ"], "Policies": [POLICY, json.loads(POLICY)]}],
    "apsim:DeletePrincipal": [{"Arn": "arn:aws:iam::123456789012:role/app"}],
    "apsim:ListPrincipals": [{}],
    # The data plane: MOUNT names no mount of a fresh world (EBADF), Mount itself resolves FS.
    "nfs:Mount": [{"FileSystemId": FS, "AccessPointId": AP, "Tls": True, "Iam": True, "Principal": "arn:aws:iam::123456789012:root",
                   "Path": "/a/../b", "SubnetId": SUBNET, "MountTargetIp": "172.31.0.5", "ReadOnly": True, "Uid": 1, "Gid": 2, "Gids": [3]},
                  {"AccessPointArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/" + AP},
                  {"VolumeId": VOL}],
    "nfs:Unmount": [{"MountId": MOUNT}], "nfs:ListMounts": [{}],
    "nfs:Stat": [{"MountId": MOUNT, "Path": "/a", "NoFollow": True, "Uid": 0, "Gid": 0, "Gids": [1, 2]}],
    "nfs:List": [{"MountId": MOUNT, "Path": "/"}],
    "nfs:Mkdir": [{"MountId": MOUNT, "Path": "/a/b", "Mode": 493, "Parents": True}],
    "nfs:Write": [{"MountId": MOUNT, "Path": "/f", "Data": "AAEC", "Offset": 4096, "Append": False, "Truncate": False,
                   "Create": True, "Exclusive": False, "Mode": 420}, {"MountId": MOUNT, "Path": "/t", "Text": "hello"}],
    "nfs:Read": [{"MountId": MOUNT, "Path": "/f", "Offset": 1, "Length": 2, "Encoding": "utf-8"}],
    "nfs:Truncate": [{"MountId": MOUNT, "Path": "/f", "Size": 10}],
    "nfs:Remove": [{"MountId": MOUNT, "Path": "/f"}], "nfs:Rmdir": [{"MountId": MOUNT, "Path": "/a"}],
    "nfs:Rename": [{"MountId": MOUNT, "Path": "/a", "NewPath": "/b"}],
    "nfs:Link": [{"MountId": MOUNT, "Path": "/f", "NewPath": "/g"}],
    "nfs:Symlink": [{"MountId": MOUNT, "Path": "/l", "Target": "../f"}],
    "nfs:Readlink": [{"MountId": MOUNT, "Path": "/l"}],
    "nfs:Chmod": [{"MountId": MOUNT, "Path": "/f", "Mode": 3565}],
    "nfs:Chown": [{"MountId": MOUNT, "Path": "/f", "NewUid": 1000, "NewGid": 1000}],
    "nfs:SetTimes": [{"MountId": MOUNT, "Path": "/f", "Atime": 1700000000.5, "Mtime": 1700000001}],
}

HTTP = [
    {"method": "POST", "path": "/2015-02-01/file-systems", "body": json.dumps({"CreationToken": "t"})},
    {"method": "GET", "path": "/2015-02-01/access-points", "query": {"FileSystemId": FS, "MaxResults": "2"}},
    {"method": "DELETE", "path": "/2015-02-01/resource-tags/" + FS, "query": {"tagKeys": ["a", "b"]}},
    {"method": "POST", "path": "/", "headers": {"X-Amz-Target": "AWSSimbaAPIService_v20180301.CreateAndAttachS3AccessPoint",
                                                 "Authorization": "AWS4-HMAC-SHA256 Credential=111122223333/20250101/eu-west-1/fsx/aws4_request"},
     "body": json.dumps(ATTACH)},
    {"method": "POST", "path": "/_apsim/AdvanceClock", "body": "{\"Milliseconds\": 5}"},
    {"method": "GET", "path": "/_apsim/health"},
]


def main():
    with apsim.Simulator() as sim:
        ops = sim.call("apsim:ListOperations")["Operations"]
    missing = sorted(set(ops) - set(REQUESTS))
    if missing:
        raise SystemExit("no corpus requests for: " + ", ".join(missing))
    out = os.path.join(ROOT, "fuzz", "corpus")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    def write(name, selector, document, prefix=b""):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([selector]) + prefix + json.dumps(document, separators=(",", ":")).encode())

    for i, op in enumerate(ops):
        for n, request in enumerate(REQUESTS[op]):
            write(f"{op.replace(':', '-')}-{n}", i, request)
            # apsim_validate reads the operation from the second byte (the request follows it).
            write(f"validate-{op.replace(':', '-')}-{n}", len(ops) + 1, request, prefix=bytes([i]))
    for n, request in enumerate(HTTP):
        write(f"http-{n}", len(ops), request)
    print(f"wrote {len(os.listdir(out))} inputs for {len(ops)} operations to fuzz/corpus")


if __name__ == "__main__":
    main()
