"""The FSx sequences a provisioning tool makes around S3 access point attachments (Terraform's
aws_fsx_openzfs_* and aws_fsx_ontap_* resources, a CDK stack): create the file system and wait for
it, its volumes (and, on ONTAP, the storage virtual machine), tags, an attachment, updates and a
snapshot; then destroy all of it in reverse, waiting for each deletion. Two sequences, each written
once (openzfs_sequence, ontap_sequence), run three ways like test_efs_workflow.py:

- boto3 in apsim.mock_aws() on the open network;
- boto3 in moto.mock_aws() too: the file systems go in the VPC, subnets and security group created in
  moto's EC2, which apsim declares before CreateFileSystem (apsim._moto_network), and their network
  interfaces appear in moto's EC2 (one per subnet) until they are deleted;
- the AWS CLI against apsim serve (one pass of each: each `aws` call starts a Python process).

boto3 has no FSx waiters (``boto3.client("fsx").waiter_names == []``): every wait polls the describe
call, as the tools do. The world keeps the default on_read lifecycle: a transitional state is in the
response that starts it and the first describe already sees it settled; a detached attachment is seen
DELETING once, then it is gone.
"""
import re

import boto3
import pytest

import apsim
from conftest import (ACCOUNT, REGION, START, ZFS, CliClient, MotoNetwork, OpenNetwork, error_of, plain, poll, raised,
                      requires_cli)

FS_ID = re.compile(r"fs-[0-9a-f]{17}")
VOLUME_ID = re.compile(r"fsvol-[0-9a-f]{17}")
SVM_ID = re.compile(r"svm-[0-9a-f]{17}")
SNAPSHOT_ID = re.compile(r"fsvolsnap-[0-9a-f]{17}")
ENI_ID = re.compile(r"eni-[0-9a-f]{17}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ALIAS = re.compile(r"(?P<prefix>[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?)-[a-z0-9]{34}-ext-s3alias")

# What a tool describes, by kind: the describe operation, its list of IDs (names, for attachments), the
# list it answers, and the error once the resource is gone (its code and message).
RESOURCES = {
    "file system": ("describe_file_systems", "FileSystemIds", "FileSystems",
                    "FileSystemNotFound", "File system '{}' does not exist."),
    "volume": ("describe_volumes", "VolumeIds", "Volumes", "VolumeNotFound", "Volume '{}' does not exist."),
    "storage virtual machine": ("describe_storage_virtual_machines", "StorageVirtualMachineIds", "StorageVirtualMachines",
                                "StorageVirtualMachineNotFound", "Storage virtual machine '{}' does not exist."),
    "snapshot": ("describe_snapshots", "SnapshotIds", "Snapshots", "SnapshotNotFound", "Snapshot '{}' does not exist."),
    "attachment": ("describe_s3_access_point_attachments", "Names", "S3AccessPointAttachments",
                   "S3AccessPointAttachmentNotFound", "S3 access point attachment '{}' does not exist."),
}


class Resource:
    """One resource as a tool waits on it: described by its ID (an attachment by its name), and
    expected to read as ``expected`` but for its Lifecycle at every poll."""

    def __init__(self, fsx, kind, ident, expected):
        self.fsx, self.kind, self.ident, self.expected = fsx, kind, ident, expected

    def describe(self):
        operation, member, listed, _, _ = RESOURCES[self.kind]
        [described] = plain(getattr(self.fsx, operation)(**{member: [self.ident]}))[listed]
        return described

    def lifecycle(self):
        described = self.describe()
        assert described == dict(self.expected, Lifecycle=described["Lifecycle"])
        return described["Lifecycle"]

    def wait(self, until, streak=1):
        """Polls until it reads ``until`` ``streak`` times in a row, which on_read makes the first ones."""
        assert poll(self.lifecycle, until=until, streak=streak) == [until] * streak

    def wait_gone(self, seen=()):
        """Polls until it is not found; ``seen``: the states read before."""
        _, _, _, code, message = RESOURCES[self.kind]
        assert poll(self.lifecycle, gone=(code, message.format(self.ident))) == list(seen)


def nothing_left(fsx):
    for operation, _, listed, _, _ in RESOURCES.values():
        assert plain(getattr(fsx, operation)()) == {listed: []}


def create_file_system(fsx, net, kind, subnets, storage, config, tags, streak=1):
    """CreateFileSystem in ``net`` (its ``other_group``) as a tool sends it; checks the response and
    waits until the file system reads AVAILABLE ``streak`` polls in a row. Returns it (a Resource)."""
    block = "OpenZFSConfiguration" if kind == "OPENZFS" else "OntapConfiguration"
    created = plain(fsx.create_file_system(
        ClientRequestToken=f"{kind.lower()}-workflow", FileSystemType=kind, StorageCapacity=storage, SubnetIds=subnets,
        SecurityGroupIds=[net.other_group], Tags=tags, **{block: config}))["FileSystem"]
    fs_id, interfaces = created["FileSystemId"], created["NetworkInterfaceIds"]
    assert FS_ID.fullmatch(fs_id)
    assert len(interfaces) == len(set(interfaces)) == len(subnets) and all(ENI_ID.fullmatch(i) for i in interfaces)
    # OpenZFS adds the root volume's ID; ONTAP reports HAPairs, 1 unless given. Both report what AWS
    # adds: 30 days of backups from a daily start time, a weekly maintenance window (both picked
    # from the ID), automatic IOPS (3 per GiB), the AWS-managed key; OpenZFS its tag copying (off),
    # ONTAP its endpoints.
    seen = dict(created, **{block: dict(created[block])})
    assert re.fullmatch(r"\d\d:\d\d", seen[block].pop("DailyAutomaticBackupStartTime"))
    assert re.fullmatch(r"[1-7]:\d\d:\d\d", seen[block].pop("WeeklyMaintenanceStartTime"))
    assert re.fullmatch(rf"arn:aws:kms:{REGION}:{ACCOUNT}:key/[0-9a-f-]{{36}}", seen.pop("KmsKeyId"))
    added = {"AutomaticBackupRetentionDays": 30, "DiskIopsConfiguration": {"Mode": "AUTOMATIC", "Iops": 3 * storage}}
    if kind == "OPENZFS":
        reported = dict(config, RootVolumeId=created[block].get("RootVolumeId"), CopyTagsToBackups=False,
                        CopyTagsToVolumes=False, **added)
    else:
        endpoints = seen[block].pop("Endpoints")
        for name in ("Intercluster", "Management"):
            assert endpoints[name]["DNSName"] == f"{name.lower()}.{fs_id}.fsx.{REGION}.amazonaws.com"
            assert [re.fullmatch(r"\d+\.\d+\.\d+\.\d+", ip) is not None for ip in endpoints[name]["IpAddresses"]] == [True]
        reported = dict({"HAPairs": 1}, **config, **added)
    assert seen == {
        "OwnerId": ACCOUNT, "CreationTime": START, "FileSystemId": fs_id, "FileSystemType": kind, "Lifecycle": "CREATING",
        "StorageCapacity": storage, "StorageType": "SSD", "VpcId": net.vpc, "SubnetIds": subnets,
        "NetworkInterfaceIds": interfaces, "DNSName": f"{fs_id}.fsx.{REGION}.amazonaws.com",
        "ResourceARN": f"arn:aws:fsx:{REGION}:{ACCOUNT}:file-system/{fs_id}", "Tags": tags,
        block: reported}
    net.check_file_system_interfaces(created, [net.other_group])
    fs = Resource(fsx, "file system", fs_id, created)
    fs.wait("AVAILABLE", streak=streak)
    check_tags(fsx, created)
    return fs


def check_tags(fsx, resource):
    """ListTagsForResource by the resource's ARN lists the tags it was created with."""
    assert plain(fsx.list_tags_for_resource(ResourceARN=resource["ResourceARN"])) == {"Tags": resource["Tags"]}


def volume_arn(fs_id, volume_id):
    return f"arn:aws:fsx:{REGION}:{ACCOUNT}:volume/{fs_id}/{volume_id}"


def attach(fsx, name, kind, config):
    """CreateAndAttachS3AccessPoint, then polled until AVAILABLE: the attachment (a Resource)."""
    block = "OpenZFSConfiguration" if kind == "OPENZFS" else "OntapConfiguration"
    created = plain(fsx.create_and_attach_s3_access_point(ClientRequestToken=name, Name=name, Type=kind,
                                                          **{block: config}))["S3AccessPointAttachment"]
    alias = created["S3AccessPoint"]["Alias"]
    match = ALIAS.fullmatch(alias)
    assert match and match["prefix"] == name[:16].rstrip("-") and len(alias) <= 63, alias
    assert created == {"Lifecycle": "CREATING", "CreationTime": START, "Name": name, "Type": kind, block: config,
                       "S3AccessPoint": {"ResourceARN": f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}", "Alias": alias}}
    attachment = Resource(fsx, "attachment", name, created)
    attachment.wait("AVAILABLE")
    return attachment


def detach(attachment):
    """DetachAndDeleteS3AccessPoint: DELETING at the first poll (never AVAILABLE again), then gone."""
    name = attachment.ident
    assert plain(attachment.fsx.detach_and_delete_s3_access_point(Name=name)) == {"Lifecycle": "DELETING", "Name": name}
    attachment.wait_gone(seen=["DELETING"])


def delete(fsx, resource):
    """The delete call of ``resource`` (DELETING in the answer), then polled until it is not found."""
    operation, member = {"file system": ("delete_file_system", "FileSystemId"), "volume": ("delete_volume", "VolumeId"),
                         "snapshot": ("delete_snapshot", "SnapshotId"),
                         "storage virtual machine": ("delete_storage_virtual_machine", "StorageVirtualMachineId")}[resource.kind]
    assert plain(getattr(fsx, operation)(**{member: resource.ident})) == {member: resource.ident, "Lifecycle": "DELETING"}
    resource.wait_gone()


# ---- the sequences ----------------------------------------------------------------------------


def openzfs_sequence(fsx, net):
    """An HA OpenZFS file system with a tagged child volume, an attachment, a file system and a volume
    update and a snapshot, all destroyed again; through ``fsx`` (a boto3 client, or anything called
    like one) in ``net`` (its first subnet)."""
    subnet = list(net.placement)[0]
    tags = [{"Key": "Name", "Value": "zfs-workflow"}, {"Key": "env", "Value": "test"}]
    fs = create_file_system(fsx, net, "OPENZFS", [subnet], 64, ZFS, tags, streak=3)
    fs_id, root_id = fs.ident, fs.expected["OpenZFSConfiguration"]["RootVolumeId"]
    given = {k: v for k, v in fs.expected["OpenZFSConfiguration"].items() if k in ZFS or k == "RootVolumeId"}
    assert VOLUME_ID.fullmatch(root_id) and given == dict(ZFS, RootVolumeId=root_id)
    root = {"CreationTime": START, "FileSystemId": fs_id, "Lifecycle": "AVAILABLE", "Name": "fsx",
            "ResourceARN": volume_arn(fs_id, root_id), "Tags": [], "VolumeId": root_id, "VolumeType": "OPENZFS",
            "OpenZFSConfiguration": {"VolumePath": "/fsx", "ReadOnly": False}}
    assert plain(fsx.describe_volumes(VolumeIds=[root_id])) == {"Volumes": [root]}

    # A child volume with tags.
    created = plain(fsx.create_volume(ClientRequestToken="zfs-data", VolumeType="OPENZFS", Name="data",
                                      Tags=[{"Key": "Name", "Value": "data"}],
                                      OpenZFSConfiguration={"ParentVolumeId": root_id}))["Volume"]
    volume_id = created["VolumeId"]
    assert VOLUME_ID.fullmatch(volume_id) and volume_id != root_id
    assert created == {"CreationTime": START, "FileSystemId": fs_id, "Lifecycle": "CREATING", "Name": "data",
                       "ResourceARN": volume_arn(fs_id, volume_id), "Tags": [{"Key": "Name", "Value": "data"}],
                       "VolumeId": volume_id, "VolumeType": "OPENZFS",
                       "OpenZFSConfiguration": {"ParentVolumeId": root_id, "VolumePath": "/fsx/data"}}
    volume = Resource(fsx, "volume", volume_id, created)
    volume.wait("AVAILABLE")
    check_tags(fsx, created)

    attachment = attach(fsx, "zfs-data", "OPENZFS", {
        "VolumeId": volume_id, "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000}}})

    # More throughput and storage: UPDATING with a PENDING action, then AVAILABLE, COMPLETED, the new values.
    action = {"AdministrativeActionType": "FILE_SYSTEM_UPDATE", "RequestTime": START, "Status": "PENDING",
              "TargetFileSystemValues": {"StorageCapacity": 128, "OpenZFSConfiguration": {"ThroughputCapacity": 320}}}
    updating = dict(fs.expected, Lifecycle="UPDATING", AdministrativeActions=[action])
    assert plain(fsx.update_file_system(FileSystemId=fs_id, ClientRequestToken="zfs-grow", StorageCapacity=128,
                                        OpenZFSConfiguration={"ThroughputCapacity": 320})) == {"FileSystem": updating}
    fs.expected = dict(updating, Lifecycle="AVAILABLE", StorageCapacity=128,
                       AdministrativeActions=[dict(action, Status="COMPLETED")],
                       OpenZFSConfiguration=dict(updating["OpenZFSConfiguration"], ThroughputCapacity=320))

    def update_state():
        described = fs.describe()
        assert described == (updating if described["Lifecycle"] == "UPDATING" else fs.expected)
        return described["Lifecycle"], [a["Status"] for a in described["AdministrativeActions"]]
    assert poll(update_state, until=("AVAILABLE", ["COMPLETED"])) == [("AVAILABLE", ["COMPLETED"])]

    # A read-only volume with another record size: the new values at once, and a VOLUME_UPDATE action,
    # PENDING in the answer and COMPLETED when next read.
    action = {"AdministrativeActionType": "VOLUME_UPDATE", "RequestTime": START, "Status": "PENDING",
              "TargetVolumeValues": {"OpenZFSConfiguration": {"RecordSizeKiB": 64, "ReadOnly": True}}}
    updated = dict(created, Lifecycle="AVAILABLE", AdministrativeActions=[action],
                   OpenZFSConfiguration=dict(created["OpenZFSConfiguration"], RecordSizeKiB=64, ReadOnly=True))
    assert plain(fsx.update_volume(ClientRequestToken="zfs-data-ro", VolumeId=volume_id,
                                   OpenZFSConfiguration={"ReadOnly": True, "RecordSizeKiB": 64})) == {"Volume": updated}
    volume.expected = dict(updated, AdministrativeActions=[dict(action, Status="COMPLETED")])
    volume.wait("AVAILABLE")

    taken = plain(fsx.create_snapshot(ClientRequestToken="zfs-snap", VolumeId=volume_id, Name="before-teardown",
                                      Tags=[{"Key": "Name", "Value": "before-teardown"}]))["Snapshot"]
    snapshot_id = taken["SnapshotId"]
    assert SNAPSHOT_ID.fullmatch(snapshot_id)
    assert taken == {"ResourceARN": f"arn:aws:fsx:{REGION}:{ACCOUNT}:snapshot/{volume_id}/{snapshot_id}",
                     "SnapshotId": snapshot_id, "Name": "before-teardown", "VolumeId": volume_id, "CreationTime": START,
                     "Lifecycle": "CREATING", "Tags": [{"Key": "Name", "Value": "before-teardown"}]}
    snapshot = Resource(fsx, "snapshot", snapshot_id, taken)
    snapshot.wait("AVAILABLE")
    check_tags(fsx, taken)

    # Destroy, in reverse; the root volume goes with the file system.
    detach(attachment)
    delete(fsx, snapshot)
    delete(fsx, volume)
    delete(fsx, fs)
    net.check_file_system_interfaces_gone(fs.expected)
    Resource(fsx, "volume", root_id, root).wait_gone()
    nothing_left(fsx)


ONTAP = {  # deployment type: the rest of its OntapConfiguration (a Multi-AZ one adds PreferredSubnetId)
    "SINGLE_AZ_3": {"ThroughputCapacityPerHAPair": 6144, "HAPairs": 2},  # generation 3 (the newest botocore's model)
    "MULTI_AZ_1": {"ThroughputCapacity": 256},
}
SVM_HAS_VOLUMES = "Storage virtual machine '{}' has volumes; delete them before deleting the storage virtual machine."


def ontap_sequence(fsx, net):
    """For each deployment of ONTAP: the file system, a storage virtual machine, a mounted volume and an
    attachment with a UNIX identity, all destroyed again (the SVM not while its volume remains);
    through ``fsx`` in ``net`` (a Multi-AZ file system in both its subnets, the first preferred)."""
    for deployment, throughput in ONTAP.items():
        subnets = list(net.placement)
        config = dict({"DeploymentType": deployment, "PreferredSubnetId": subnets[0]}, **throughput)
        if not deployment.startswith("MULTI_AZ"):
            subnets = subnets[:1]
            del config["PreferredSubnetId"]
        tags = [{"Key": "Name", "Value": f"ontap-{deployment.lower()}"}]
        fs = create_file_system(fsx, net, "ONTAP", subnets, 1024, config, tags)
        fs_id = fs.ident

        created = plain(fsx.create_storage_virtual_machine(ClientRequestToken=f"svm-{deployment.lower()}", FileSystemId=fs_id,
                                                           Name="svm1", Tags=[{"Key": "Name", "Value": "svm1"}]))
        created = created["StorageVirtualMachine"]
        svm_id = created["StorageVirtualMachineId"]
        assert SVM_ID.fullmatch(svm_id) and UUID.fullmatch(created["UUID"])
        endpoints = created["Endpoints"]  # as AWS's: Iscsi, Management and Nfs, each a DNS name and an address
        assert sorted(endpoints) == ["Iscsi", "Management", "Nfs"]
        for kind, endpoint in endpoints.items():
            assert endpoint["DNSName"] == f"{kind.lower()}.{svm_id}.{fs_id}.fsx.{REGION}.amazonaws.com"
            assert [re.fullmatch(r"198\.19\.\d+\.\d+", ip) is not None for ip in endpoint["IpAddresses"]] == [True]
        assert dict(created, Endpoints=None) == {"Endpoints": None,"CreationTime": START, "FileSystemId": fs_id, "Lifecycle": "CREATING", "Name": "svm1",
                           "ResourceARN": f"arn:aws:fsx:{REGION}:{ACCOUNT}:storage-virtual-machine/{fs_id}/{svm_id}",
                           "StorageVirtualMachineId": svm_id, "Subtype": "DEFAULT", "UUID": created["UUID"],
                           "Tags": [{"Key": "Name", "Value": "svm1"}]}
        svm = Resource(fsx, "storage virtual machine", svm_id, created)
        svm.wait("CREATED")
        check_tags(fsx, created)

        made = plain(fsx.create_volume(ClientRequestToken=f"vol-{deployment.lower()}", VolumeType="ONTAP", Name="vol1",
                                       OntapConfiguration={"StorageVirtualMachineId": svm_id, "JunctionPath": "/vol1",
                                                           "SizeInMegabytes": 1024}))["Volume"]
        volume_id = made["VolumeId"]
        assert VOLUME_ID.fullmatch(volume_id) and UUID.fullmatch(made["OntapConfiguration"]["UUID"])
        assert made == {"CreationTime": START, "FileSystemId": fs_id, "Lifecycle": "CREATING", "Name": "vol1",
                        "OntapConfiguration": {"FlexCacheEndpointType": "NONE", "JunctionPath": "/vol1", "SizeInMegabytes": 1024,
                                               "StorageVirtualMachineId": svm_id, "StorageVirtualMachineRoot": False,
                                               "UUID": made["OntapConfiguration"]["UUID"], "OntapVolumeType": "RW"},
                        "ResourceARN": volume_arn(fs_id, volume_id), "Tags": [], "VolumeId": volume_id, "VolumeType": "ONTAP"}
        volume = Resource(fsx, "volume", volume_id, made)
        volume.wait("CREATED")

        attachment = attach(fsx, f"ontap-{deployment.lower().replace('_', '-')}", "ONTAP", {
            "VolumeId": volume_id, "FileSystemIdentity": {"Type": "UNIX", "UnixUser": {"Name": "ec2-user"}}})

        # The SVM cannot go while its volume remains.
        e = raised(fsx.delete_storage_virtual_machine, StorageVirtualMachineId=svm_id)
        assert error_of(e) == ("BadRequest", SVM_HAS_VOLUMES.format(svm_id))
        volume.wait("CREATED")

        # Destroy, in reverse.
        detach(attachment)
        delete(fsx, volume)
        delete(fsx, svm)
        delete(fsx, fs)
        net.check_file_system_interfaces_gone(fs.expected)
    nothing_left(fsx)


# ---- three ways -----------------------------------------------------------------------------

SEQUENCES = pytest.mark.parametrize("sequence", [openzfs_sequence, ontap_sequence], ids=["openzfs", "ontap"])


@SEQUENCES
def test_with_boto3(sequence, no_network, clean_env):
    with apsim.mock_aws(seed=1, start_time=START) as sim:
        sequence(boto3.client("fsx", region_name=REGION), OpenNetwork())
        assert sim.get_network() == {"Mode": "open"}


@SEQUENCES
def test_inside_moto(sequence, no_network, clean_env):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1, start_time=START):
        sequence(boto3.client("fsx", region_name=REGION), MotoNetwork(boto3.client("ec2", region_name=REGION)))


def test_inside_moto_a_subnet_moto_does_not_know_is_invalid(no_network, clean_env):
    """The open network would take any well-formed ID; inside moto only moto's subnets and groups exist."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1, start_time=START):
        fsx = boto3.client("fsx", region_name=REGION)
        net = MotoNetwork(boto3.client("ec2", region_name=REGION))
        unknown, group = OpenNetwork.candidates[0], OpenNetwork.other_group
        for subnets, groups, member, value, message in (
                ([unknown], [net.other_group], "InvalidSubnetId", unknown, f"The subnet ID '{unknown}' does not exist."),
                (list(net.placement), [group], "InvalidSecurityGroupId", group,
                 f"The security group ID '{group}' does not exist.")):
            config = dict(ZFS, DeploymentType="MULTI_AZ_1", PreferredSubnetId=subnets[0]) if len(subnets) == 2 else ZFS
            e = raised(fsx.create_file_system, FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=subnets,
                       SecurityGroupIds=groups, OpenZFSConfiguration=config)
            assert error_of(e) == ("InvalidNetworkSettings", message)
            assert isinstance(e, fsx.exceptions.InvalidNetworkSettings)
            assert (e.response[member], e.response["ResponseMetadata"]["HTTPStatusCode"]) == (value, 400)
        assert fsx.describe_file_systems()["FileSystems"] == []


@requires_cli
@SEQUENCES
def test_with_the_aws_cli(sequence, aws_cli, serve):
    server = serve("--clock", "virtual", "--start-time", START, seed=1)
    sequence(CliClient(aws_cli, server, service="fsx"), OpenNetwork())
    assert server.control("GetNetwork") == (200, {"Mode": "open"})
