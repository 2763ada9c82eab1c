"""What people hit with real EFS, reproduced end to end: boto3 under apsim.mock_aws for the AWS
calls and the Mount API for the files (issue 25's scenarios)."""
import errno
import json

import boto3
import pytest

import apsim
from conftest import SUBNET

REGION = "us-east-1"


def ready(efs):
    fs = efs.create_file_system(CreationToken="vol", Encrypted=True)["FileSystemId"]
    efs.describe_file_systems(FileSystemId=fs)
    efs.create_mount_target(FileSystemId=fs, SubnetId=SUBNET)
    efs.describe_mount_targets(FileSystemId=fs)
    return fs


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_the_efs_csi_driver_provisions_a_volume_per_access_point(no_network, clean_env):
    """Dynamic provisioning: an access point per volume with CreationInfo; a pod of any uid writes as
    the access point's user; another volume's user is refused; the controller deletes the volume's
    directory through a root mount with iam."""
    with apsim.mock_aws(seed=1) as world:
        efs = boto3.client("efs", region_name=REGION)
        fs = ready(efs)
        efs.put_file_system_policy(FileSystemId=fs, Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "elasticfilesystem:ClientRootAccess"}))
        volumes = {}
        for n, uid in (("pvc-a", 1001), ("pvc-b", 1002)):
            ap = efs.create_access_point(
                FileSystemId=fs, PosixUser={"Uid": uid, "Gid": uid},
                RootDirectory={"Path": f"/dynamic/{n}", "CreationInfo": {"OwnerUid": uid, "OwnerGid": uid, "Permissions": "700"}},
                Tags=[{"Key": "efs.csi.aws.com/cluster", "Value": "true"}])
            efs.describe_access_points(AccessPointId=ap["AccessPointId"])
            volumes[n] = ap
        pod = world.mount(fs, access_point=volumes["pvc-a"]["AccessPointId"], uid=0)
        pod.write_text("/data.db", "rows")
        assert (pod.stat("/data.db").st_uid, pod.stat("/").st_uid) == (1001, 1001)
        # pvc-b's pod mounts its own volume (its directory is made then); its user cannot see into
        # pvc-a's 0700 directory.
        world.mount(fs, access_point=volumes["pvc-b"]["AccessPointId"]).write_text("/b", "b")
        other = world.mount(fs, uid=1002, gid=1002)
        with pytest.raises(PermissionError):
            other.listdir("/dynamic/pvc-a")
        # The controller: a root mount with iam keeps root, and deletes the volume's directory.
        controller = world.mount(fs, iam=True)
        assert controller.answer["RootSquash"] is False
        controller.remove("/dynamic/pvc-a/data.db")
        controller.rmdir("/dynamic/pvc-a")
        efs.delete_access_point(AccessPointId=volumes["pvc-a"]["AccessPointId"])
        with pytest.raises(OSError) as e:
            pod.stat("/")
        assert e.value.errno == errno.ESTALE
        assert controller.listdir("/dynamic") == ["pvc-b"]


def test_root_access_points_missing_roots_and_policies(no_network, clean_env):
    with apsim.mock_aws(seed=1) as world:
        efs = boto3.client("efs", region_name=REGION)
        fs = ready(efs)
        # An access point on / with a PosixUser and no CreationInfo: the root is root's 0755.
        at_root = efs.create_access_point(FileSystemId=fs, PosixUser={"Uid": 1000, "Gid": 1000})["AccessPointId"]
        efs.describe_access_points(AccessPointId=at_root)
        with pytest.raises(PermissionError):
            world.mount(fs, access_point=at_root).write_text("/app.log", "x")
        # A missing root without CreationInfo: the mount is refused with the helper's line.
        missing = efs.create_access_point(FileSystemId=fs, RootDirectory={"Path": "/nowhere"})["AccessPointId"]
        efs.describe_access_points(AccessPointId=missing)
        with pytest.raises(apsim.MountError) as e:
            world.mount(fs, access_point=missing)
        assert (e.value.errno, e.value.strerror) == (errno.EACCES, "mount.nfs4: access denied by server while mounting 127.0.0.1:/")
        # No ClientMount: refused; no ClientWrite: read-only; no ClientRootAccess: squashed.
        efs.put_file_system_policy(FileSystemId=fs, Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:ClientWrite"}))
        with pytest.raises(apsim.MountError):
            world.mount(fs)
        efs.put_file_system_policy(FileSystemId=fs, Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:ClientMount"}))
        with pytest.raises(OSError) as e:
            world.mount(fs).mkdir("/d")
        assert e.value.errno == errno.EROFS
        efs.put_file_system_policy(FileSystemId=fs, Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}))
        squashed = world.mount(fs)
        assert squashed.answer["RootSquash"] is True
        with pytest.raises(PermissionError):
            squashed.mkdir("/d")  # root became 65534
        world.mount(fs, iam=True).mkdir("/d")
        with pytest.raises(PermissionError) as e:
            squashed.chown("/d", 65534, 65534)
        assert e.value.errno == errno.EPERM
        # aws:SecureTransport: TLS or nothing.
        efs.put_file_system_policy(FileSystemId=fs, Policy=policy(
            {"Effect": "Allow", "Principal": "*", "Action": "elasticfilesystem:Client*"},
            {"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        with pytest.raises(apsim.MountError):
            world.mount(fs)
        assert world.mount(fs, tls=True).answer["ReadOnly"] is False


def test_a_lambda_style_mount_by_access_point_arn(no_network, clean_env):
    with apsim.mock_aws(seed=1) as world:
        efs = boto3.client("efs", region_name=REGION)
        fs = ready(efs)
        ap = efs.create_access_point(FileSystemId=fs, PosixUser={"Uid": 1001, "Gid": 1001},
                                     RootDirectory={"Path": "/lambda", "CreationInfo": {"OwnerUid": 1001, "OwnerGid": 1001, "Permissions": "750"}})
        efs.describe_access_points(AccessPointId=ap["AccessPointId"])
        mnt = world.mount(ap["AccessPointArn"])  # FileSystemConfigs[].Arn, mounted at /mnt/efs in the function
        mnt.write_bytes("/model.bin", b"\x00" * 10)
        assert mnt.read_bytes("/model.bin") == b"\x00" * 10
        assert mnt.answer["FileSystemId"] == fs and mnt.answer["AccessPointId"] == ap["AccessPointId"]


def test_inside_moto_the_security_groups_decide(no_network, clean_env):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1) as world:
        ec2 = boto3.client("ec2", region_name=REGION)
        efs = boto3.client("efs", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        nfs = ec2.create_security_group(GroupName="nfs", Description="NFS", VpcId=vpc)["GroupId"]
        closed = ec2.create_security_group(GroupName="closed", Description="no rules", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=nfs, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
        mounts = {}
        for name, group in (("open", nfs), ("closed", closed)):
            fs = efs.create_file_system(CreationToken=name)["FileSystemId"]
            efs.describe_file_systems(FileSystemId=fs)
            efs.create_mount_target(FileSystemId=fs, SubnetId=subnet, SecurityGroups=[group])
            efs.describe_mount_targets(FileSystemId=fs)
            mounts[name] = fs
        world.mount(mounts["open"]).write_text("/ok", "yes")
        with pytest.raises(apsim.MountError) as e:
            world.mount(mounts["closed"])
        assert (e.value.errno, e.value.strerror) == (errno.ETIMEDOUT, "mount.nfs4: Connection timed out")
        # Opening the port in moto's EC2 opens the mount.
        ec2.authorize_security_group_ingress(GroupId=closed, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]}]}])
        assert world.mount(mounts["closed"]).listdir("/") == []
