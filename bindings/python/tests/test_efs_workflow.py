"""The EFS sequence a provisioning tool makes (Terraform's aws_efs_* resources, a CDK stack): create the
file system and wait for it, configure it, mount it in two Availability Zones, add an access point,
backups, a policy, elastic throughput and tags; then destroy all of it in reverse, waiting for each
deletion. Written once (provision_and_destroy) and run three ways:

- boto3 in apsim.mock_aws() on the open network;
- boto3 in moto.mock_aws() too: the VPC, subnets and security groups are created in moto's EC2, and
  each mount target's network interface lives there (apsim._moto_network);
- the AWS CLI against apsim serve (one pass: each `aws` call starts a Python process).

The world keeps the default on_read lifecycle: a transitional state is in the response that starts it
and the first describe already sees it settled (a deletion, where there is one, is seen once).
"""
import ipaddress
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.exceptions
import pytest

import apsim
from conftest import ACCOUNT, CliClient, MotoNetwork, OpenNetwork, error_of, plain, poll, raised, requires_cli

START = 1_700_000_000
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})


def provision_and_destroy(efs, net):
    """The whole sequence through ``efs`` (a boto3 client, or anything called like one) in ``net``."""
    fs = plain(efs.create_file_system(CreationToken="workflow", PerformanceMode="generalPurpose",
                                      Tags=[{"Key": "Name", "Value": "workflow"}]))
    fs_id = fs["FileSystemId"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", fs_id)
    description = {
        "OwnerId": ACCOUNT, "CreationToken": "workflow", "FileSystemId": fs_id,
        "FileSystemArn": f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/{fs_id}", "CreationTime": START,
        "LifeCycleState": "creating", "Name": "workflow", "NumberOfMountTargets": 0,
        "SizeInBytes": {"Value": 0, "ValueInIA": 0, "ValueInStandard": 0, "ValueInArchive": 0},  # still creating
        "PerformanceMode": "generalPurpose", "Encrypted": False, "ThroughputMode": "bursting",
        "Tags": [{"Key": "Name", "Value": "workflow"}], "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"}}
    assert fs == description
    # Described from now on: the 6 KiB of metadata, at the clock's time.
    description["SizeInBytes"] = {"Value": 6144, "Timestamp": START, "ValueInIA": 0, "ValueInStandard": 6144, "ValueInArchive": 0}

    def fs_state():
        return efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["LifeCycleState"]
    assert poll(fs_state, until="available") == ["available"]

    lifecycle = [{"TransitionToIA": "AFTER_30_DAYS"}]
    assert plain(efs.put_lifecycle_configuration(FileSystemId=fs_id, LifecyclePolicies=lifecycle)) == {"LifecyclePolicies": lifecycle}
    assert plain(efs.describe_lifecycle_configuration(FileSystemId=fs_id)) == {"LifecyclePolicies": lifecycle}

    # Two mount targets in two AZs: the first in the VPC's default group, the second in another group.
    mount_targets, kept = [], []
    for subnet in net.candidates:
        groups = {"SecurityGroups": [net.other_group]} if mount_targets else {}
        try:
            mount_targets.append(plain(efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet, **groups)))
        except botocore.exceptions.ClientError as e:
            assert error_of(e) == ("MountTargetConflict", "mount target already exists in this AZ")
            continue
        kept.append(subnet)
        if len(kept) == 2:
            break
    assert kept == list(net.placement)
    for subnet, mt in zip(kept, mount_targets):
        zone, zone_id, cidr = net.placement[subnet]
        assert re.fullmatch(r"fsmt-[0-9a-f]{17}", mt["MountTargetId"]) and re.fullmatch(r"eni-[0-9a-f]{17}", mt["NetworkInterfaceId"])
        assert mt == {"OwnerId": ACCOUNT, "MountTargetId": mt["MountTargetId"], "FileSystemId": fs_id, "SubnetId": subnet,
                      "LifeCycleState": "creating", "IpAddress": str(ipaddress.ip_network(cidr)[4]),
                      "NetworkInterfaceId": mt["NetworkInterfaceId"], "AvailabilityZoneId": zone_id,
                      "AvailabilityZoneName": zone, "VpcId": net.vpc}
        mt["LifeCycleState"] = "available"
    assert len({mt["NetworkInterfaceId"] for mt in mount_targets}) == 2

    def mount_target_states():
        described = plain(efs.describe_mount_targets(FileSystemId=fs_id))["MountTargets"]
        assert described == [dict(mt, LifeCycleState=d["LifeCycleState"]) for mt, d in zip(mount_targets, described)]
        return [d["LifeCycleState"] for d in described]
    assert poll(mount_target_states, until=["available", "available"]) == [["available", "available"]]
    for mt, groups in zip(mount_targets, ([net.default_group], [net.other_group])):
        assert plain(efs.describe_mount_target_security_groups(MountTargetId=mt["MountTargetId"])) == {"SecurityGroups": groups}
        net.check_interface(mt, groups)

    ap = plain(efs.create_access_point(
        ClientToken="workflow-ap", FileSystemId=fs_id, PosixUser={"Uid": 1000, "Gid": 1000},
        RootDirectory={"Path": "/export", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0755"}},
        Tags=[{"Key": "Name", "Value": "workflow-ap"}]))
    ap_id = ap["AccessPointId"]
    assert re.fullmatch(r"fsap-[0-9a-f]{17}", ap_id)
    assert ap == {
        "ClientToken": "workflow-ap", "Name": "workflow-ap", "Tags": [{"Key": "Name", "Value": "workflow-ap"}],
        "AccessPointId": ap_id, "AccessPointArn": f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:access-point/{ap_id}",
        "FileSystemId": fs_id, "PosixUser": {"Uid": 1000, "Gid": 1000},
        "RootDirectory": {"Path": "/export", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0755"}},
        "OwnerId": ACCOUNT, "LifeCycleState": "creating"}

    def ap_state():
        return efs.describe_access_points(AccessPointId=ap_id)["AccessPoints"][0]["LifeCycleState"]
    assert poll(ap_state, until="available") == ["available"]

    assert plain(efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "ENABLED"})) == {
        "BackupPolicy": {"Status": "ENABLING"}}
    assert poll(lambda: efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"]["Status"], until="ENABLED") == ["ENABLED"]

    assert plain(efs.put_file_system_policy(FileSystemId=fs_id, Policy=POLICY)) == {"FileSystemId": fs_id, "Policy": POLICY}
    assert plain(efs.describe_file_system_policy(FileSystemId=fs_id)) == {"FileSystemId": fs_id, "Policy": POLICY}

    updated = plain(efs.update_file_system(FileSystemId=fs_id, ThroughputMode="elastic"))
    description.update(ThroughputMode="elastic", NumberOfMountTargets=2)
    assert updated == dict(description, LifeCycleState="updating")
    assert poll(fs_state, until="available") == ["available"]

    # A mount target moves to another group: the groups of its interface follow.
    assert plain(efs.modify_mount_target_security_groups(MountTargetId=mount_targets[0]["MountTargetId"],
                                                         SecurityGroups=[net.other_group])) == {}
    assert plain(efs.describe_mount_target_security_groups(MountTargetId=mount_targets[0]["MountTargetId"])) == {
        "SecurityGroups": [net.other_group]}
    net.check_interface(mount_targets[0], [net.other_group])

    assert plain(efs.create_tags(FileSystemId=fs_id, Tags=[{"Key": "env", "Value": "test"}])) == {}
    assert plain(efs.tag_resource(ResourceId=fs_id, Tags=[{"Key": "team", "Value": "storage"}])) == {}
    tags = [{"Key": "Name", "Value": "workflow"}, {"Key": "env", "Value": "test"}, {"Key": "team", "Value": "storage"}]
    assert plain(efs.list_tags_for_resource(ResourceId=fs_id)) == {"Tags": tags}
    assert plain(efs.describe_file_systems(FileSystemId=fs_id)) == {
        "FileSystems": [dict(description, LifeCycleState="available", Tags=tags)]}

    # Destroy, in reverse.
    assert plain(efs.delete_access_point(AccessPointId=ap_id)) == {}
    assert poll(ap_state, gone=("AccessPointNotFound", f"Access point '{ap_id}' does not exist.")) == []
    assert plain(efs.delete_file_system_policy(FileSystemId=fs_id)) == {}
    e = raised(efs.describe_file_system_policy, FileSystemId=fs_id)
    assert error_of(e) == ("PolicyNotFound", f"File system '{fs_id}' has no file system policy.")
    for mt in mount_targets:
        if mt is mount_targets[-1]:  # the last one left
            e = raised(efs.delete_file_system, FileSystemId=fs_id)
            assert error_of(e) == ("FileSystemInUse", f"File system '{fs_id}' has mount targets and cannot be deleted.")
        assert plain(efs.delete_mount_target(MountTargetId=mt["MountTargetId"])) == {}

        def mt_state():
            return efs.describe_mount_targets(MountTargetId=mt["MountTargetId"])["MountTargets"][0]["LifeCycleState"]
        assert poll(mt_state, gone=("MountTargetNotFound", "Mount target does not exist.")) == ["deleting"]
        net.check_interface_gone(mt)
    assert plain(efs.delete_file_system(FileSystemId=fs_id)) == {}
    assert poll(fs_state, gone=("FileSystemNotFound", f"File system '{fs_id}' does not exist.")) == []


def test_provision_and_destroy_with_boto3(no_network, clean_env):
    with apsim.mock_aws(seed=1, start_time=START) as sim:
        efs = boto3.client("efs", region_name="us-east-1")
        provision_and_destroy(efs, OpenNetwork())
        assert sim.get_network() == {"Mode": "open"}
        assert efs.describe_file_systems()["FileSystems"] == []


def test_without_moto_the_bridge_stays_out():
    """No moto in the process: the mount target operations do not import it (nor pay for the bridge)."""
    code = """if True:
        import sys, boto3, apsim
        with apsim.mock_aws(seed=1):
            efs = boto3.client("efs", region_name="us-east-1")
            fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
            efs.describe_file_systems()
            mt = efs.create_mount_target(FileSystemId=fs, SubnetId="subnet-0123456789abcdef0")["MountTargetId"]
            efs.modify_mount_target_security_groups(MountTargetId=mt, SecurityGroups=["sg-0123456789abcdef0"])
            efs.delete_mount_target(MountTargetId=mt)
        print(sorted(m for m in sys.modules if m.split(".")[0] == "moto"))
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(apsim.__file__).parents[1])})
    assert (out.returncode, out.stdout, out.stderr) == (0, "[]\n", "")


def test_provision_and_destroy_inside_moto(no_network, clean_env):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1, start_time=START):
        provision_and_destroy(boto3.client("efs", region_name="us-east-1"),
                              MotoNetwork(boto3.client("ec2", region_name="us-east-1")))


def test_inside_moto_only_moto_subnets_exist(no_network, clean_env):
    """A subnet moto does not know is not found, though the open network would take its ID; the network
    declared (also by an FSx CreateFileSystem) is moto's."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1, start_time=START) as sim:
        efs, fsx = boto3.client("efs", region_name="us-east-1"), boto3.client("fsx", region_name="us-east-1")
        net = MotoNetwork(boto3.client("ec2", region_name="us-east-1"))
        fs_id = efs.create_file_system(CreationToken="t")["FileSystemId"]
        efs.describe_file_systems(FileSystemId=fs_id)
        unknown = OpenNetwork.candidates[0]
        e = raised(efs.create_mount_target, FileSystemId=fs_id, SubnetId=unknown)
        assert error_of(e) == ("SubnetNotFound", f"The subnet ID '{unknown}' does not exist")
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400

        sim.set_network(mode="open")
        fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[net.candidates[0]], StorageCapacity=64,
                               OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64})
        network = sim.get_network()
        assert network["Mode"] == "declared"
        assert {"VpcId": net.vpc, "CidrBlock": "10.40.0.0/16"} in network["Vpcs"]
        assert [s for s in network["Subnets"] if s["VpcId"] == net.vpc] == [
            {"SubnetId": subnet, "VpcId": net.vpc, "AvailabilityZone": zone, "AvailabilityZoneId": zone_id, "CidrBlock": cidr}
            for subnet, (zone, zone_id, cidr) in net.placement.items()]
        assert [g for g in network["SecurityGroups"] if g["VpcId"] == net.vpc] == [
            # With moto's inbound rules (network.md); a default group lets its own members in, as EC2's does.
            {"GroupId": net.default_group, "VpcId": net.vpc, "GroupName": "default",
             "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": net.default_group}]}]},
            {"GroupId": net.other_group, "VpcId": net.vpc, "GroupName": "efs-clients", "IpPermissions": []}]


def test_inside_moto_while_a_fault_is_armed(no_network, clean_env):
    """With a fault armed apsim answers in before-send, on botocore's full path: the bridge works there too."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1, start_time=START) as sim:
        efs = boto3.client("efs", region_name="us-east-1")
        net = MotoNetwork(boto3.client("ec2", region_name="us-east-1"))
        sim.inject_fault("efs:TagResource", "ThrottlingException", count=1)
        fs_id = efs.create_file_system(CreationToken="t")["FileSystemId"]
        efs.describe_file_systems(FileSystemId=fs_id)
        mt = plain(efs.create_mount_target(FileSystemId=fs_id, SubnetId=net.candidates[1]))
        assert (mt["SubnetId"], mt["IpAddress"], mt["VpcId"]) == (net.candidates[1], "10.40.2.4", net.vpc)
        assert efs.describe_mount_targets(MountTargetId=mt["MountTargetId"])["MountTargets"][0]["NetworkInterfaceId"] == \
            mt["NetworkInterfaceId"]
        net.check_interface(mt, [net.default_group])
        efs.delete_mount_target(MountTargetId=mt["MountTargetId"])
        net.check_interface_gone(mt)
        assert sim.faults_armed()  # still armed: every call above took the full path


@requires_cli
def test_provision_and_destroy_with_the_aws_cli(aws_cli, serve):
    server = serve("--clock", "virtual", "--start-time", START, seed=1)
    provision_and_destroy(CliClient(aws_cli, server), OpenNetwork())
    assert server.control("GetNetwork") == (200, {"Mode": "open"})
