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
import datetime
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
from conftest import ACCOUNT, aws_command, error_of, raised, requires_cli

START = 1_700_000_000
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]})


def plain(response):
    """A response as the sequence compares it: without ResponseMetadata, and its timestamps as epoch
    seconds (boto3 parses them into datetimes; the AWS CLI prints them as the wire has them)."""
    if isinstance(response, dict):
        return {k: plain(v) for k, v in response.items() if k != "ResponseMetadata"}
    if isinstance(response, list):
        return [plain(v) for v in response]
    if isinstance(response, datetime.datetime):
        return response.timestamp()
    return response


def poll(describe, until=None, gone=None, limit=5):
    """Calls ``describe()`` (it returns a state) as a tool waiting for a resource does: until it returns
    ``until``, or until it raises the ClientError ``gone`` (its (code, message)). Returns the states seen."""
    seen = []
    for _ in range(limit):
        try:
            seen.append(describe())
        except botocore.exceptions.ClientError as e:
            assert gone is not None and error_of(e) == gone, (seen, e.response["Error"])
            return seen
        if until is not None and seen[-1] == until:
            return seen
    raise AssertionError(f"still waiting after {limit} polls: {seen}")


class Network:
    """Where the sequence puts its mount targets, and what it expects of them.

    ``candidates``: subnet IDs to try in order (a create that lands in an AZ already used answers
    MountTargetConflict and the next one is tried); ``placement``: subnet ID -> (AZ, AZ ID, CIDR) of the
    ones kept; ``vpc``; ``default_group``: the VPC's default security group; ``other_group``: another
    group of the VPC."""

    candidates = placement = vpc = default_group = other_group = None

    def check_interface(self, mount_target, groups):
        """The mount target's network interface, where there is an EC2 to look in."""

    def check_interface_gone(self, mount_target):
        """The interface is deleted with the mount target."""


class OpenNetwork(Network):
    """The open network of account 123456789012 in us-east-1 (network.md): every well-formed ID
    exists; a subnet's AZ and /20, the default VPC and its default group are derived from the IDs and
    the account and region, whatever the seed."""

    candidates = [f"subnet-{'0' * 16}{c}" for c in "abc"]
    placement = {candidates[0]: ("us-east-1b", "use1-az2", "172.31.128.0/20"),
                 candidates[1]: ("us-east-1a", "use1-az1", "172.31.16.0/20")}
    vpc = "vpc-0896756ff1962051f"
    default_group = "sg-0919323cc20b7884a"
    other_group = "sg-0123456789abcdef0"


class MotoNetwork(Network):
    """A VPC with two subnets in two AZs and a security group, created in moto's EC2."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=self.vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]
                   for i, zone in ((1, "a"), (2, "b"))]
        self.candidates = [s["SubnetId"] for s in subnets]
        self.placement = {s["SubnetId"]: (s["AvailabilityZone"], s["AvailabilityZoneId"], s["CidrBlock"]) for s in subnets}
        assert [s["AvailabilityZoneId"] for s in subnets] == ["use1-az6", "use1-az1"]  # moto's us-east-1a and b
        [default] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [self.vpc]},
                                                          {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
        self.default_group = default["GroupId"]
        self.other_group = ec2.create_security_group(GroupName="efs-clients", Description="NFS clients",
                                                     VpcId=self.vpc)["GroupId"]

    def check_interface(self, mount_target, groups):
        [eni] = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[mount_target["NetworkInterfaceId"]])["NetworkInterfaces"]
        names = {self.default_group: "default", self.other_group: "efs-clients"}
        assert {k: eni[k] for k in ("SubnetId", "VpcId", "AvailabilityZone", "PrivateIpAddress", "Groups", "Description",
                                    "RequesterManaged")} == {
            "SubnetId": mount_target["SubnetId"], "VpcId": self.vpc, "AvailabilityZone": mount_target["AvailabilityZoneName"],
            "PrivateIpAddress": mount_target["IpAddress"], "Groups": [{"GroupId": g, "GroupName": names[g]} for g in groups],
            "Description": f"EFS mount target for {mount_target['FileSystemId']} ({mount_target['MountTargetId']})",
            "RequesterManaged": True}

    def check_interface_gone(self, mount_target):
        e = raised(self.ec2.describe_network_interfaces, NetworkInterfaceIds=[mount_target["NetworkInterfaceId"]])
        assert e.response["Error"]["Code"] == "InvalidNetworkInterfaceID.NotFound"


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
        "SizeInBytes": {"Value": 6144, "Timestamp": START, "ValueInIA": 0, "ValueInStandard": 6144, "ValueInArchive": 0},
        "PerformanceMode": "generalPurpose", "Encrypted": False, "ThroughputMode": "bursting",
        "Tags": [{"Key": "Name", "Value": "workflow"}], "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"}}
    assert fs == description

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
            {"GroupId": net.default_group, "VpcId": net.vpc, "GroupName": "default"},
            {"GroupId": net.other_group, "VpcId": net.vpc, "GroupName": "efs-clients"}]


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


class CliClient:
    """The AWS CLI against apsim serve, called like a boto3 client: ``cli.create_file_system(**params)``
    runs ``aws efs create-file-system --cli-input-json <params>`` and returns its JSON output; a
    service error is raised as botocore's ClientError with the code and message the CLI printed."""

    def __init__(self, aws_cli, server, service="efs"):
        self.aws_cli, self.server, self.service = aws_cli, server, service

    def __getattr__(self, name):
        def call(**params):
            r = aws_command(self.aws_cli, self.server, self.service, name.replace("_", "-"), "--cli-input-json",
                            json.dumps(params))
            if r.returncode == 0:
                return json.loads(r.stdout) if r.stdout.strip() else {}
            error = re.search(r"An error occurred \((\w+)\) when calling the (\w+) operation: (.*)", r.stderr)
            assert r.returncode == self.aws_cli[1] and error, f"aws {self.service} {name} -> {r.returncode}\n{r.stderr}"
            raise botocore.exceptions.ClientError({"Error": {"Code": error[1], "Message": error[3]}}, error[2])
        return call


@requires_cli
def test_provision_and_destroy_with_the_aws_cli(aws_cli, serve):
    server = serve("--start-time", START, seed=1)
    provision_and_destroy(CliClient(aws_cli, server), OpenNetwork())
    assert server.control("GetNetwork") == (200, {"Mode": "open"})
