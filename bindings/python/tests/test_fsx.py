"""FSx through sim.client("fsx"): S3 access point attachments (CreateAndAttachS3AccessPoint,
DescribeS3AccessPointAttachments, DetachAndDeleteS3AccessPoint) and the setup operations they need.

Every rule of ../shared/spec/fsx.md has one accepted and one rejected case with the exact code and
message. Every modeled FSx error is HTTP 400.
"""

import datetime
import json
import re

import pytest

import apsim
from conftest import ACCOUNT, REGION, START, error_of, pattern, raised, validation_message, violation

SUBNET = "subnet-0123456789abcdef0"
SUBNET_OTHER_ZONE = "subnet-0123456789abcdef1"  # the open network puts it in us-east-1c, SUBNET in us-east-1a


def subnets_for(deployment):
    """A Multi-AZ file system takes two subnets in different zones, any other one (network.md)."""
    return [SUBNET, SUBNET_OTHER_ZONE] if deployment.startswith("MULTI_AZ") else [SUBNET]
NO_VOLUME = "fsvol-0123456789abcdef0"
NO_FS = "fs-0123456789abcdef0"
NO_SVM = "svm-0123456789abcdef0"

NAME_PATTERN = "^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$"
TOKEN_PATTERN = "[A-za-z0-9_.-]{0,63}$"
VOLUME_ID_PATTERN = "^(fsvol-[0-9a-f]{17,})$"
VPC_ID_PATTERN = "^(vpc-[0-9a-f]{8,})$"
NEXT_TOKEN_PATTERN = r"^(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?$"
ONTAP_USER_PATTERN = r"^[^\u0000\u0085\u2028\u2029\r\n]{1,256}$"

FS_ID = re.compile(r"fs-[0-9a-f]{17}")
VOLUME_ID = re.compile(r"fsvol-[0-9a-f]{17}")
SVM_ID = re.compile(r"svm-[0-9a-f]{17}")
ALIAS = re.compile(r"(?P<prefix>[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?)-(?P<random>[a-z0-9]{34})-ext-s3alias")

FAMILY_1 = [64, 128, 256, 512, 1024, 2048, 3072, 4096]  # SINGLE_AZ_1, SINGLE_AZ_HA_1
FAMILY_2 = [160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240]  # SINGLE_AZ_2, SINGLE_AZ_HA_2, MULTI_AZ_1
QUOTA = {
    64: 1, 128: 3, 256: 6, 512: 13, 1024: 27, 2048: 55, 3072: 83, 4096: 110,
    160: 4, 320: 8, 640: 17, 1280: 34, 2560: 69, 3840: 103, 5120: 138, 7680: 207, 10240: 276,
}
INVALID_NEXT_TOKEN = "Invalid NextToken: use a value returned by a previous call of this operation with the same filters."
ALREADY_OWNED = "An access point with that name already exists in the Region in your account."
HA_ONLY = ("S3 access points can be attached only to volumes of high-availability OpenZFS file systems "
           "(SINGLE_AZ_HA_1, SINGLE_AZ_HA_2, MULTI_AZ_1); file system '{fs}' is {deployment}.")
CHILD_VOLUMES = ("has child volumes; delete them first or pass OpenZFSConfiguration.Options "
                 "[DELETE_CHILD_VOLUMES_AND_SNAPSHOTS].")


# ---- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def fsx(sim):
    return sim.client("fsx")


def openzfs_config(deployment="SINGLE_AZ_HA_2", throughput=160):
    config = {"DeploymentType": deployment, "ThroughputCapacity": throughput}
    if deployment == "MULTI_AZ_1":
        config["PreferredSubnetId"] = SUBNET
    return config


def make_openzfs(fsx, deployment="SINGLE_AZ_HA_2", throughput=160, **extra):
    """An OpenZFS file system: (file system ID, root volume ID)."""
    fs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=subnets_for(deployment), StorageCapacity=64,
                                OpenZFSConfiguration=openzfs_config(deployment, throughput), **extra)["FileSystem"]
    return fs["FileSystemId"], fs["OpenZFSConfiguration"]["RootVolumeId"]


def make_child(fsx, parent, name="vol1"):
    return fsx.create_volume(VolumeType="OPENZFS", Name=name,
                             OpenZFSConfiguration={"ParentVolumeId": parent})["Volume"]["VolumeId"]


def make_ontap(fsx, mounted=True):
    """An ONTAP file system, SVM and volume (with a JunctionPath unless mounted is False)."""
    fs = fsx.create_file_system(FileSystemType="ONTAP", SubnetIds=[SUBNET], OntapConfiguration={
        "DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128})["FileSystem"]["FileSystemId"]
    svm = fsx.create_storage_virtual_machine(FileSystemId=fs, Name="svm1")["StorageVirtualMachine"]
    svm = svm["StorageVirtualMachineId"]
    config = {"StorageVirtualMachineId": svm, "SizeInMegabytes": 1024}
    if mounted:
        config["JunctionPath"] = "/vol1"
    volume = fsx.create_volume(VolumeType="ONTAP", Name="vol1", OntapConfiguration=config)["Volume"]["VolumeId"]
    return fs, svm, volume


def zfs_request(name, volume, token=None, uid=1000, **extra):
    request = {"Name": name, "Type": "OPENZFS", "OpenZFSConfiguration": {
        "VolumeId": volume, "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": uid, "Gid": 1000}}}}
    if token is not None:
        request["ClientRequestToken"] = token
    request.update(extra)
    return request


def ontap_request(name, volume, identity=None, **extra):
    identity = identity or {"Type": "UNIX", "UnixUser": {"Name": "root"}}
    request = {"Name": name, "Type": "ONTAP", "OntapConfiguration": {"VolumeId": volume, "FileSystemIdentity": identity}}
    request.update(extra)
    return request


def attach(fsx, name, volume, **kwargs):
    return fsx.create_and_attach_s3_access_point(**zfs_request(name, volume, **kwargs))["S3AccessPointAttachment"]


def names(page):
    return [a["Name"] for a in page["S3AccessPointAttachments"]]


def rejected(fn, code, message, **kwargs):
    """The ClientError of a call that must fail with HTTP 400, `code` and exactly `message`."""
    e = raised(fn, **kwargs)
    assert error_of(e) == (code, message)
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return e


def walk(fsx, page_size, **params):
    """Every page of DescribeS3AccessPointAttachments, following NextToken by hand (no paginator)."""
    pages, token = [], None
    for _ in range(1000):
        extra = {"NextToken": token} if token else {}
        page = fsx.describe_s3_access_point_attachments(MaxResults=page_size, **params, **extra)
        pages.append(names(page))
        token = page.get("NextToken")
        if token is None:
            return pages
    raise AssertionError("the walk did not end")


@pytest.fixture
def zfs(fsx):
    """An HA OpenZFS file system with a child volume: (file system ID, root volume ID, child volume ID)."""
    fs, root = make_openzfs(fsx)
    return fs, root, make_child(fsx, root)


# ---- CreateAndAttachS3AccessPoint: the happy path ---------------------------------------------


def test_attach_response_and_settling(fsx, zfs):
    fs, _, volume = zfs
    request = zfs_request("my-ap", volume)
    response = fsx.create_and_attach_s3_access_point(**request)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    a = response["S3AccessPointAttachment"]
    assert list(a) == ["Lifecycle", "CreationTime", "Name", "Type", "OpenZFSConfiguration", "S3AccessPoint"]
    assert a["Lifecycle"] == "CREATING"
    assert isinstance(a["CreationTime"], datetime.datetime) and a["CreationTime"].timestamp() == START
    assert (a["Name"], a["Type"]) == ("my-ap", "OPENZFS")
    assert a["OpenZFSConfiguration"] == request["OpenZFSConfiguration"]
    assert list(a["S3AccessPoint"]) == ["ResourceARN", "Alias"]
    assert a["S3AccessPoint"]["ResourceARN"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/my-ap"
    assert ALIAS.fullmatch(a["S3AccessPoint"]["Alias"])
    [described] = fsx.describe_s3_access_point_attachments(Names=["my-ap"])["S3AccessPointAttachments"]
    assert described == dict(a, Lifecycle="AVAILABLE")
    listed = fsx.describe_s3_access_point_attachments(Filters=[{"Name": "file-system-id", "Values": [fs]}])
    assert listed["S3AccessPointAttachments"] == [described]
    assert "NextToken" not in listed


def test_lifecycle_instant():
    with apsim.Simulator(seed=1, start_time=START, lifecycle="instant") as sim:
        fsx = sim.client("fsx")
        fs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET],
                                    OpenZFSConfiguration=openzfs_config())["FileSystem"]
        assert fs["Lifecycle"] == "AVAILABLE"
        volume = fsx.create_volume(VolumeType="OPENZFS", Name="v", OpenZFSConfiguration={
            "ParentVolumeId": fs["OpenZFSConfiguration"]["RootVolumeId"]})["Volume"]
        assert volume["Lifecycle"] == "AVAILABLE"
        assert attach(fsx, "apx", volume["VolumeId"])["Lifecycle"] == "AVAILABLE"
        assert fsx.detach_and_delete_s3_access_point(Name="apx")["Lifecycle"] == "DELETING"
        # instant: the detached attachment is not seen at all.
        assert fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"] == []
        rejected(fsx.describe_s3_access_point_attachments, "S3AccessPointAttachmentNotFound",
                 "S3 access point attachment 'apx' does not exist.", Names=["apx"])
        ontap = fsx.create_file_system(FileSystemType="ONTAP", SubnetIds=subnets_for("MULTI_AZ_2"), OntapConfiguration={
            "DeploymentType": "MULTI_AZ_2", "ThroughputCapacityPerHAPair": 384,
            "PreferredSubnetId": SUBNET})["FileSystem"]["FileSystemId"]
        svm = fsx.create_storage_virtual_machine(FileSystemId=ontap, Name="svm1")["StorageVirtualMachine"]
        assert svm["Lifecycle"] == "CREATED"
        ontap_volume = fsx.create_volume(VolumeType="ONTAP", Name="v", OntapConfiguration={
            "StorageVirtualMachineId": svm["StorageVirtualMachineId"], "JunctionPath": "/v"})["Volume"]
        assert ontap_volume["Lifecycle"] == "CREATED"


@pytest.mark.parametrize("name", ["my-ap", "abc", "abcdefghijklmno-pqrstuvwxyz", "abcdefghijklmnop", "a" * 49,
                                  "0123456789abcdefghij", "a--------------b-c", "abcdefghijklm---x"])
def test_alias_format(fsx, zfs, name):
    a = attach(fsx, name, zfs[2])["S3AccessPoint"]
    assert a["ResourceARN"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"
    match = ALIAS.fullmatch(a["Alias"])
    assert match, a["Alias"]
    assert match["prefix"] == name[:16].rstrip("-")
    assert len(a["Alias"]) <= 63


def test_alias_and_arns_in_another_account_and_region():
    with apsim.Simulator(seed=3, region="eu-west-1", account_id="210987654321") as sim:
        fsx = sim.client("fsx")
        fs, root = make_openzfs(fsx)
        [described] = fsx.describe_file_systems(FileSystemIds=[fs])["FileSystems"]
        assert described["ResourceARN"] == f"arn:aws:fsx:eu-west-1:210987654321:file-system/{fs}"
        assert described["OwnerId"] == "210987654321"
        a = attach(fsx, "data", root)["S3AccessPoint"]
        assert a["ResourceARN"] == "arn:aws:s3:eu-west-1:210987654321:accesspoint/data"
        assert ALIAS.fullmatch(a["Alias"]) and a["Alias"].startswith("data-")


def test_aliases_are_unique_and_seeded():
    def aliases(seed):
        with apsim.Simulator(seed=seed, start_time=START) as sim:
            fsx = sim.client("fsx")
            _, root = make_openzfs(fsx, throughput=640)
            return [attach(fsx, f"ap{i}", root)["S3AccessPoint"]["Alias"] for i in range(17)]

    first = aliases(7)
    assert len(set(first)) == 17
    assert aliases(7) == first
    assert aliases(8) != first


def test_vpc_configuration_is_echoed_and_the_policy_never_returned(fsx, zfs):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    s3 = {"VpcConfiguration": {"VpcId": "vpc-0123456789abcdef0"}, "Policy": policy}
    a = fsx.create_and_attach_s3_access_point(**zfs_request("apx", zfs[2], S3AccessPoint=s3))["S3AccessPointAttachment"]
    assert list(a["S3AccessPoint"]) == ["ResourceARN", "Alias", "VpcConfiguration"]
    assert a["S3AccessPoint"]["VpcConfiguration"] == {"VpcId": "vpc-0123456789abcdef0"}
    assert "Policy" not in json.dumps(a, default=str)
    [described] = fsx.describe_s3_access_point_attachments(Names=["apx"])["S3AccessPointAttachments"]
    assert described["S3AccessPoint"] == a["S3AccessPoint"]
    only_policy = attach(fsx, "apy", zfs[2], S3AccessPoint={"Policy": policy})
    assert list(only_policy["S3AccessPoint"]) == ["ResourceARN", "Alias"]


def test_secondary_gids_are_echoed(fsx, zfs):
    request = zfs_request("apx", zfs[2])
    user = {"Uid": 0, "Gid": 4294967295, "SecondaryGids": list(range(15))}
    request["OpenZFSConfiguration"]["FileSystemIdentity"]["PosixUser"] = user
    a = fsx.create_and_attach_s3_access_point(**request)["S3AccessPointAttachment"]
    assert a["OpenZFSConfiguration"] == request["OpenZFSConfiguration"]


@pytest.mark.parametrize("deployment, throughput", [("SINGLE_AZ_HA_1", 64), ("SINGLE_AZ_HA_2", 160), ("MULTI_AZ_1", 160)])
def test_ha_openzfs_accepts_attachments(fsx, deployment, throughput):
    _, root = make_openzfs(fsx, deployment, throughput)
    assert attach(fsx, "apx", root)["Lifecycle"] == "CREATING"


@pytest.mark.parametrize("deployment, throughput", [("SINGLE_AZ_1", 64), ("SINGLE_AZ_2", 160)])
def test_non_ha_openzfs_is_unsupported(fsx, deployment, throughput):
    fs, root = make_openzfs(fsx, deployment, throughput)
    child = make_child(fsx, root)
    for volume in (root, child):
        e = rejected(fsx.create_and_attach_s3_access_point, "UnsupportedOperation",
                     HA_ONLY.format(fs=fs, deployment=deployment), **zfs_request("apx", volume))
        assert isinstance(e, fsx.exceptions.UnsupportedOperation)


def test_ontap_attachment_needs_a_junction_path(fsx):
    _, _, unmounted = make_ontap(fsx, mounted=False)
    rejected(fsx.create_and_attach_s3_access_point, "BadRequest",
             f"Volume '{unmounted}' is not mounted: "
             "an ONTAP volume needs a JunctionPath before an S3 access point can be attached.",
             **ontap_request("apx", unmounted))
    _, _, mounted = make_ontap(fsx)
    a = fsx.create_and_attach_s3_access_point(**ontap_request("apx", mounted))["S3AccessPointAttachment"]
    assert list(a) == ["Lifecycle", "CreationTime", "Name", "Type", "OntapConfiguration", "S3AccessPoint"]
    unix = {"Type": "UNIX", "UnixUser": {"Name": "root"}}
    assert a["OntapConfiguration"] == {"VolumeId": mounted, "FileSystemIdentity": unix}
    windows = {"Type": "WINDOWS", "WindowsUser": {"Name": "DOMAIN\\user"}}
    b = fsx.create_and_attach_s3_access_point(**ontap_request("apy", mounted, windows))["S3AccessPointAttachment"]
    assert b["OntapConfiguration"]["FileSystemIdentity"] == windows
    listed = fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]
    assert [x["Lifecycle"] for x in listed] == ["AVAILABLE"] * 2


# ---- CreateAndAttachS3AccessPoint: the stateless rules ------------------------------------------


def with_identity(user):
    def change(request):
        request["OpenZFSConfiguration"]["FileSystemIdentity"]["PosixUser"] = user
    return change


def with_s3(s3):
    def change(request):
        request["S3AccessPoint"] = s3
    return change


def with_member(**members):
    def change(request):
        request.update(members)
    return change


def policy_of_bytes(n, fill="x"):
    """A policy document with a Statement that is exactly n bytes of UTF-8 (fill of 1 or 2 bytes)."""
    head, tail = '{"Statement":"', '"}'
    width = len(fill.encode("utf-8"))
    count, rest = divmod(n - len(head) - len(tail), width)
    assert rest == 0
    return head + fill * count + tail


ACCEPTED = {
    "name of 3": with_member(Name="abc"),
    "name of 49": with_member(Name="a" * 49),
    "name with inner hyphens": with_member(Name="a--b9"),
    "name containing s3alias": with_member(Name="my-s3alias-data"),
    "name ending in s3alias without hyphen": with_member(Name="mys3alias"),
    "token a^b": with_member(ClientRequestToken="a^b"),
    "token with [\\]`": with_member(ClientRequestToken="a[b]`c\\"),
    "token of 63": with_member(ClientRequestToken="t" * 63),
    "token of 1": with_member(ClientRequestToken="x"),
    "uid and gid bounds": with_identity({"Uid": 4294967295, "Gid": 0}),
    "15 secondary gids": with_identity({"Uid": 1, "Gid": 1, "SecondaryGids": [4294967295] * 15}),
    "vpc id of 12": with_s3({"VpcConfiguration": {"VpcId": "vpc-0123abcd"}}),
    "vpc id of 21": with_s3({"VpcConfiguration": {"VpcId": "vpc-0123456789abcdef0"}}),
    "empty s3 access point": with_s3({}),
    "policy with Statement": with_s3({"Policy": '{"Version": "2012-10-17", "Statement": []}'}),
    "policy of 20 KiB": with_s3({"Policy": policy_of_bytes(20 * 1024)}),
    "policy of 20 KiB in 2-byte characters": with_s3({"Policy": policy_of_bytes(20 * 1024, "é")}),
}


@pytest.mark.parametrize("change", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(fsx, zfs, change):
    request = zfs_request("apx", zfs[2])
    change(request)
    # The client token boto3 fills in is filled in by validate too, and named.
    filled = {} if "ClientRequestToken" in request else {"FilledIdempotencyTokens": ["ClientRequestToken"]}
    assert apsim.validate("fsx:CreateAndAttachS3AccessPoint", request) == {"Valid": True, **filled}
    a = fsx.create_and_attach_s3_access_point(**request)["S3AccessPointAttachment"]
    assert a["Name"] == request["Name"]
    assert a["OpenZFSConfiguration"] == request["OpenZFSConfiguration"]


def coral(*violations):
    return ("BadRequest", validation_message(*violations))


def without_posix_user(request):
    del request["OpenZFSConfiguration"]["FileSystemIdentity"]["PosixUser"]


def with_volume(volume):
    def change(request):
        request["OpenZFSConfiguration"]["VolumeId"] = volume
    return change


def as_type(kind, zfs_block=True, ontap_block=False):
    def change(request):
        block = request.pop("OpenZFSConfiguration")
        request["Type"] = kind
        if zfs_block:
            request["OpenZFSConfiguration"] = block
        if ontap_block:
            request["OntapConfiguration"] = {"VolumeId": block["VolumeId"],
                                             "FileSystemIdentity": {"Type": "UNIX", "UnixUser": {"Name": "root"}}}
    return change


def without_member(name):
    def change(request):
        del request[name]
    return change


LONG_POLICY = policy_of_bytes(20 * 1024 + 1)
LONG_2_BYTE_POLICY = policy_of_bytes(20 * 1024 + 2, "é")
REJECTED = {
    "name of 2": (with_member(Name="ab"), coral(
        violation("ab", "name", "Member must have length greater than or equal to 3"))),
    "name of 50": (with_member(Name="a" * 50), coral(pattern("a" * 50, "name", NAME_PATTERN))),
    "name of 51": (with_member(Name="a" * 51), coral(
        violation("a" * 51, "name", "Member must have length less than or equal to 50"),
        pattern("a" * 51, "name", NAME_PATTERN))),
    "name uppercase and underscore": (with_member(Name="My_AP"), coral(pattern("My_AP", "name", NAME_PATTERN))),
    "name starting with -": (with_member(Name="-ab"), coral(pattern("-ab", "name", NAME_PATTERN))),
    "name ending with -": (with_member(Name="ab-"), coral(pattern("ab-", "name", NAME_PATTERN))),
    "name missing": (without_member("Name"), coral(violation(None, "name", "Member must not be null"))),
    "type unknown": (as_type("NFS"), coral(
        violation("NFS", "type", "Member must satisfy enum value set: [OPENZFS, ONTAP]"))),
    "type missing": (without_member("Type"), coral(violation(None, "type", "Member must not be null"))),
    "token a/b": (with_member(ClientRequestToken="a/b"), coral(pattern("a/b", "clientRequestToken", TOKEN_PATTERN))),
    "token a b": (with_member(ClientRequestToken="a b"), coral(pattern("a b", "clientRequestToken", TOKEN_PATTERN))),
    "token tok!": (with_member(ClientRequestToken="tok!"), coral(pattern("tok!", "clientRequestToken", TOKEN_PATTERN))),
    "token of 64": (with_member(ClientRequestToken="t" * 64), coral(
        violation("t" * 64, "clientRequestToken", "Member must have length less than or equal to 63"),
        pattern("t" * 64, "clientRequestToken", TOKEN_PATTERN))),
    "token empty": (with_member(ClientRequestToken=""), coral(
        violation("", "clientRequestToken", "Member must have length greater than or equal to 1"))),
    "volume id short": (with_volume("fsvol-123"), coral(
        violation("fsvol-123", "openZFSConfiguration.volumeId", "Member must have length greater than or equal to 23"),
        pattern("fsvol-123", "openZFSConfiguration.volumeId", VOLUME_ID_PATTERN))),
    "volume id uppercase": (with_volume("fsvol-0123456789ABCDEF0"), coral(
        pattern("fsvol-0123456789ABCDEF0", "openZFSConfiguration.volumeId", VOLUME_ID_PATTERN))),
    "volume id of 24": (with_volume("fsvol-0123456789abcdef01"), coral(
        violation("fsvol-0123456789abcdef01", "openZFSConfiguration.volumeId",
                  "Member must have length less than or equal to 23"))),
    "16 secondary gids": (with_identity({"Uid": 1, "Gid": 1, "SecondaryGids": list(range(16))}), coral(violation(
        "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]",
        "openZFSConfiguration.fileSystemIdentity.posixUser.secondaryGids",
        "Member must have length less than or equal to 15"))),
    "uid too big": (with_identity({"Uid": 4294967296, "Gid": 0}), coral(violation(
        "4294967296", "openZFSConfiguration.fileSystemIdentity.posixUser.uid",
        "Member must have value less than or equal to 4294967295"))),
    "gid negative": (with_identity({"Uid": 0, "Gid": -1}), coral(violation(
        "-1", "openZFSConfiguration.fileSystemIdentity.posixUser.gid",
        "Member must have value greater than or equal to 0"))),
    "posix user missing": (without_posix_user, (
        "BadRequest", "OpenZFSConfiguration.FileSystemIdentity.PosixUser is required when the identity Type is POSIX.")),
    "vpc id short": (with_s3({"VpcConfiguration": {"VpcId": "vpc-xyz"}}), coral(
        violation("vpc-xyz", "s3AccessPoint.vpcConfiguration.vpcId", "Member must have length greater than or equal to 12"),
        pattern("vpc-xyz", "s3AccessPoint.vpcConfiguration.vpcId", VPC_ID_PATTERN))),
    "vpc id uppercase": (with_s3({"VpcConfiguration": {"VpcId": "vpc-0123ABCD"}}), coral(
        pattern("vpc-0123ABCD", "s3AccessPoint.vpcConfiguration.vpcId", VPC_ID_PATTERN))),
    "vpc id of 22": (with_s3({"VpcConfiguration": {"VpcId": "vpc-0123456789abcdef01"}}), coral(violation(
        "vpc-0123456789abcdef01", "s3AccessPoint.vpcConfiguration.vpcId",
        "Member must have length less than or equal to 21"))),
    "policy not json": (with_s3({"Policy": "not json"}), (
        "BadRequest", "The access point policy must be a JSON policy document with a Statement.")),
    "policy without Statement": (with_s3({"Policy": '{"Version": "2012-10-17"}'}), (
        "BadRequest", "The access point policy must be a JSON policy document with a Statement.")),
    "policy not an object": (with_s3({"Policy": '[{"Statement": []}]'}), (
        "BadRequest", "The access point policy must be a JSON policy document with a Statement.")),
    "policy empty": (with_s3({"Policy": ""}), coral(
        violation("", "s3AccessPoint.policy", "Member must have length greater than or equal to 1"))),
    "policy over 20 KiB": (with_s3({"Policy": LONG_POLICY}), (
        "BadRequest", "The access point policy is 20481 bytes; the limit is 20480 bytes (20 KiB).")),
    "policy over 20 KiB in bytes, not characters": (with_s3({"Policy": LONG_2_BYTE_POLICY}), (
        "BadRequest", "The access point policy is 20482 bytes; the limit is 20480 bytes (20 KiB).")),
    "OPENZFS with the ONTAP block": (as_type("OPENZFS", zfs_block=False, ontap_block=True), (
        "BadRequest", "OpenZFSConfiguration is required when Type is OPENZFS; OntapConfiguration applies to Type ONTAP.")),
    "OPENZFS without a block": (as_type("OPENZFS", zfs_block=False), (
        "BadRequest", "OpenZFSConfiguration is required when Type is OPENZFS; OntapConfiguration applies to Type ONTAP.")),
    "ONTAP with the OpenZFS block": (as_type("ONTAP"), (
        "BadRequest", "OntapConfiguration is required when Type is ONTAP; OpenZFSConfiguration applies to Type OPENZFS.")),
    "both blocks": (as_type("OPENZFS", ontap_block=True), (
        "BadRequest", "Specify either OpenZFSConfiguration or OntapConfiguration, not both.")),
    "both blocks with ONTAP": (as_type("ONTAP", ontap_block=True), (
        "BadRequest", "Specify either OpenZFSConfiguration or OntapConfiguration, not both.")),
}


@pytest.mark.parametrize("change, expected", REJECTED.values(), ids=REJECTED.keys())
def test_rejected(fsx, zfs, change, expected):
    request = zfs_request("apx", zfs[2])
    change(request)
    e = rejected(fsx.create_and_attach_s3_access_point, *expected, **request)
    assert isinstance(e, fsx.exceptions.BadRequest)
    doc = apsim.validate("fsx:CreateAndAttachS3AccessPoint", request)
    assert doc["Error"] == {"Code": expected[0], "Message": expected[1]}
    assert fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"] == []


@pytest.mark.parametrize("name", ["data-s3alias", "data-ext-s3alias", "x-s3alias"])
def test_reserved_alias_suffix_is_invalid_access_point(fsx, zfs, name):
    message = f"The access point name '{name}' is not valid: names must not end with '-s3alias' or '-ext-s3alias'."
    e = rejected(fsx.create_and_attach_s3_access_point, "InvalidAccessPoint", message, **zfs_request(name, zfs[2]))
    assert isinstance(e, fsx.exceptions.InvalidAccessPoint)
    assert e.response["ErrorCode"] == "InvalidAccessPoint"
    doc = apsim.validate("fsx:CreateAndAttachS3AccessPoint", zfs_request(name, zfs[2]))
    assert doc["Error"] == {"Code": "InvalidAccessPoint", "Message": message} and doc["ErrorCode"] == "InvalidAccessPoint"


ONTAP_REJECTED = {
    "UNIX without UnixUser": ({"Type": "UNIX"}, (
        "BadRequest", "OntapConfiguration.FileSystemIdentity.UnixUser is required when the identity Type is UNIX.")),
    "UNIX with WindowsUser": ({"Type": "UNIX", "WindowsUser": {"Name": "x"}}, (
        "BadRequest", "OntapConfiguration.FileSystemIdentity.UnixUser is required when the identity Type is UNIX.")),
    "WINDOWS with UnixUser": ({"Type": "WINDOWS", "UnixUser": {"Name": "x"}}, (
        "BadRequest", "OntapConfiguration.FileSystemIdentity.WindowsUser is required when the identity Type is WINDOWS.")),
    "both users": ({"Type": "UNIX", "UnixUser": {"Name": "x"}, "WindowsUser": {"Name": "x"}}, (
        "BadRequest", "OntapConfiguration.FileSystemIdentity takes either UnixUser or WindowsUser, not both.")),
    "POSIX type": ({"Type": "POSIX", "UnixUser": {"Name": "x"}}, coral(violation(
        "POSIX", "ontapConfiguration.fileSystemIdentity.type", "Member must satisfy enum value set: [UNIX, WINDOWS]"))),
    "user name with a newline": ({"Type": "UNIX", "UnixUser": {"Name": "a\nb"}}, coral(
        pattern("a\nb", "ontapConfiguration.fileSystemIdentity.unixUser.name", ONTAP_USER_PATTERN))),
    "user name empty": ({"Type": "WINDOWS", "WindowsUser": {"Name": ""}}, coral(
        violation("", "ontapConfiguration.fileSystemIdentity.windowsUser.name",
                  "Member must have length greater than or equal to 1"),
        pattern("", "ontapConfiguration.fileSystemIdentity.windowsUser.name", ONTAP_USER_PATTERN))),
}


@pytest.mark.parametrize("identity, expected", ONTAP_REJECTED.values(), ids=ONTAP_REJECTED.keys())
def test_ontap_identity_rejected(fsx, identity, expected):
    _, _, volume = make_ontap(fsx)
    rejected(fsx.create_and_attach_s3_access_point, *expected, **ontap_request("apx", volume, identity))


@pytest.mark.parametrize("identity", [
    {"Type": "UNIX", "UnixUser": {"Name": "u" * 256}},
    {"Type": "WINDOWS", "WindowsUser": {"Name": "CORP\\Jane Doe é"}},
], ids=["unix name of 256", "windows name"])
def test_ontap_identity_accepted(fsx, identity):
    _, _, volume = make_ontap(fsx)
    a = fsx.create_and_attach_s3_access_point(**ontap_request("apx", volume, identity))["S3AccessPointAttachment"]
    assert a["OntapConfiguration"]["FileSystemIdentity"] == identity


def test_wrong_types_and_unknown_members(fsx, zfs):
    rejected(fsx.create_and_attach_s3_access_point, "SerializationException",
             "Invalid type for member 'name': expected a string, got number.", **zfs_request(1, zfs[2]))
    e = raised(fsx.create_and_attach_s3_access_point, Foo=1, **zfs_request("apx", zfs[2]))
    assert error_of(e) == ("ValidationException", 'Unknown parameter in input: "Foo", must be one of: '
                           "ClientRequestToken, Name, Type, OpenZFSConfiguration, OntapConfiguration, S3AccessPoint")


# ---- CreateAndAttachS3AccessPoint: state, order, quotas -----------------------------------------


def test_volume_not_found(fsx):
    e = rejected(fsx.create_and_attach_s3_access_point, "VolumeNotFound",
                 f"Volume '{NO_VOLUME}' does not exist.", **zfs_request("apx", NO_VOLUME))
    assert isinstance(e, fsx.exceptions.VolumeNotFound)
    rejected(fsx.create_and_attach_s3_access_point, "VolumeNotFound",
             f"Volume '{NO_VOLUME}' does not exist.", **ontap_request("apx", NO_VOLUME))


def test_volume_type_must_match(fsx, zfs):
    _, _, ontap_volume = make_ontap(fsx)
    rejected(fsx.create_and_attach_s3_access_point, "BadRequest",
             f"Volume '{ontap_volume}' is an ONTAP volume; it cannot be attached with Type OPENZFS.",
             **zfs_request("apx", ontap_volume))
    rejected(fsx.create_and_attach_s3_access_point, "BadRequest",
             f"Volume '{zfs[2]}' is an OPENZFS volume; it cannot be attached with Type ONTAP.",
             **ontap_request("apx", zfs[2]))
    attach(fsx, "apx", zfs[2])
    fsx.create_and_attach_s3_access_point(**ontap_request("apy", ontap_volume))


def test_name_is_unique_per_account_and_region(fsx, zfs):
    _, root, volume = zfs
    attach(fsx, "apx", volume)
    e = rejected(fsx.create_and_attach_s3_access_point, "AccessPointAlreadyOwnedByYou", ALREADY_OWNED,
                 **zfs_request("apx", root))
    assert isinstance(e, fsx.exceptions.AccessPointAlreadyOwnedByYou)
    assert e.response["ErrorCode"] == "AccessPointAlreadyOwnedByYou"
    # Across file systems and attachment types too.
    _, other_root = make_openzfs(fsx)
    rejected(fsx.create_and_attach_s3_access_point, "AccessPointAlreadyOwnedByYou", ALREADY_OWNED,
             **zfs_request("apx", other_root))
    _, _, ontap_volume = make_ontap(fsx)
    rejected(fsx.create_and_attach_s3_access_point, "AccessPointAlreadyOwnedByYou", ALREADY_OWNED,
             **ontap_request("apx", ontap_volume))
    assert names(fsx.describe_s3_access_point_attachments()) == ["apx"]
    # Another world (another account or region) is independent.
    with apsim.Simulator(seed=1, region="us-west-2") as other:
        other_fsx = other.client("fsx")
        _, r = make_openzfs(other_fsx)
        assert attach(other_fsx, "apx", r)["Name"] == "apx"


def test_name_is_free_again_after_detach(fsx, zfs):
    _, root, volume = zfs
    first = attach(fsx, "apx", volume)
    assert fsx.detach_and_delete_s3_access_point(Name="apx")["Lifecycle"] == "DELETING"
    # Free at once, while the old one is still DELETING ...
    second = attach(fsx, "apx", root)
    assert second["Lifecycle"] == "CREATING"
    assert second["S3AccessPoint"]["Alias"] != first["S3AccessPoint"]["Alias"]
    [described] = fsx.describe_s3_access_point_attachments(Names=["apx"])["S3AccessPointAttachments"]
    assert described["Lifecycle"] == "AVAILABLE" and described["OpenZFSConfiguration"]["VolumeId"] == root
    # ... and after it is gone.
    fsx.detach_and_delete_s3_access_point(Name="apx")
    assert fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"][0]["Lifecycle"] == "DELETING"
    assert fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"] == []
    assert attach(fsx, "apx", volume)["Lifecycle"] == "CREATING"


QUOTA_CASES = ([("SINGLE_AZ_HA_1", t) for t in FAMILY_1]
               + [(d, t) for d in ("SINGLE_AZ_HA_2", "MULTI_AZ_1") for t in FAMILY_2])


@pytest.mark.parametrize("deployment, throughput", QUOTA_CASES, ids=[f"{d}-{t}" for d, t in QUOTA_CASES])
def test_openzfs_quota_by_throughput(fsx, deployment, throughput):
    limit = QUOTA[throughput]
    fs, root = make_openzfs(fsx, deployment, throughput)
    child = make_child(fsx, root)
    for i in range(limit):  # root and child volume count together: the quota is per file system
        attach(fsx, f"ap{i}", root if i % 2 else child)
    message = (f"File system '{fs}' has reached its maximum of {limit} S3 access point attachments "
               f"for its throughput capacity of {throughput} MBps.")
    e = rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints", message, **zfs_request("over", root))
    assert isinstance(e, fsx.exceptions.TooManyAccessPoints)
    assert e.response["ErrorCode"] == "TooManyAccessPoints"
    # Another file system has its own quota; a DELETING attachment stops counting.
    _, other = make_openzfs(fsx, deployment, throughput)
    attach(fsx, "elsewhere", other)
    fsx.detach_and_delete_s3_access_point(Name="ap0")
    assert attach(fsx, "over", root)["Name"] == "over"
    rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints", message, **zfs_request("over2", child))


def test_quota_table_is_complete():
    assert sorted(QUOTA) == sorted(FAMILY_1 + FAMILY_2)


def test_ontap_has_no_per_file_system_quota(fsx):
    _, _, volume = make_ontap(fsx)
    for i in range(300):
        fsx.create_and_attach_s3_access_point(**ontap_request(f"ap{i}", volume))
    assert len(fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]) == 300


def test_region_quota():
    region_full = "You have reached the maximum number of S3 access points (2) for your account in this Region."
    with apsim.Simulator(seed=1, s3_access_points_per_region=2) as sim:
        fsx = sim.client("fsx")
        _, root1 = make_openzfs(fsx, throughput=640)
        _, root2 = make_openzfs(fsx, throughput=640)
        _, _, ontap_volume = make_ontap(fsx)
        attach(fsx, "ap1", root1)
        fsx.create_and_attach_s3_access_point(**ontap_request("ap2", ontap_volume))
        for request in (zfs_request("ap3", root2), ontap_request("ap3", ontap_volume)):
            e = rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints", region_full, **request)
            assert e.response["ErrorCode"] == "TooManyAccessPoints"
        fsx.detach_and_delete_s3_access_point(Name="ap1")  # DELETING: no longer counted
        attach(fsx, "ap3", root2)
        rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints", region_full, **zfs_request("ap4", root2))


def test_region_quota_is_checked_before_the_file_system_quota():
    with apsim.Simulator(seed=1, s3_access_points_per_region=1) as sim:
        fsx = sim.client("fsx")
        _, root = make_openzfs(fsx, "SINGLE_AZ_HA_1", 64)  # file system quota 1 as well
        attach(fsx, "ap1", root)
        rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints",
                 "You have reached the maximum number of S3 access points (1) for your account in this Region.",
                 **zfs_request("ap2", root))


def test_check_order(fsx):
    """validation → client token → consistency → volume exists → volume type → type rules → name → quotas."""
    fs_na, root_na = make_openzfs(fsx, "SINGLE_AZ_1", 64)
    fs, root = make_openzfs(fsx, "SINGLE_AZ_HA_1", 64)
    attach(fsx, "taken", root, token="tok")  # the file system is now at its quota of 1
    # Validation before the token: a known token with an invalid name.
    rejected(fsx.create_and_attach_s3_access_point, "BadRequest", validation_message(pattern("Taken", "name", NAME_PATTERN)),
             **zfs_request("Taken", root, token="tok"))
    # The stateless rules too: a known token with a reserved name.
    rejected(fsx.create_and_attach_s3_access_point, "InvalidAccessPoint",
             "The access point name 'x-s3alias' is not valid: names must not end with '-s3alias' or '-ext-s3alias'.",
             **zfs_request("x-s3alias", root, token="tok"))
    # The token before consistency and volume checks.
    mixed = zfs_request("other", NO_VOLUME, token="tok")
    mixed["OntapConfiguration"] = {"VolumeId": NO_VOLUME, "FileSystemIdentity": {"Type": "UNIX", "UnixUser": {"Name": "r"}}}
    e = rejected(fsx.create_and_attach_s3_access_point, "IncompatibleParameterError",
                 "The client request token 'tok' was already used with a different value of Name.", **mixed)
    assert e.response["Parameter"] == "Name"
    # Consistency before the volume lookup.
    mixed["ClientRequestToken"] = "new"
    rejected(fsx.create_and_attach_s3_access_point, "BadRequest",
             "Specify either OpenZFSConfiguration or OntapConfiguration, not both.", **mixed)
    # The volume lookup before the name check; the HA rule before the name check and the quota.
    rejected(fsx.create_and_attach_s3_access_point, "VolumeNotFound", f"Volume '{NO_VOLUME}' does not exist.",
             **zfs_request("taken", NO_VOLUME))
    rejected(fsx.create_and_attach_s3_access_point, "UnsupportedOperation",
             HA_ONLY.format(fs=fs_na, deployment="SINGLE_AZ_1"), **zfs_request("taken", root_na))
    # The name before the quota.
    rejected(fsx.create_and_attach_s3_access_point, "AccessPointAlreadyOwnedByYou", ALREADY_OWNED,
             **zfs_request("taken", root))
    rejected(fsx.create_and_attach_s3_access_point, "TooManyAccessPoints",
             f"File system '{fs}' has reached its maximum of 1 S3 access point attachments "
             "for its throughput capacity of 64 MBps.",
             **zfs_request("free", root))


# ---- client request tokens -------------------------------------------------------------------


def test_identical_token_and_request_returns_the_same_attachment(fsx, zfs):
    first = attach(fsx, "apx", zfs[2], token="tok")
    assert first["Lifecycle"] == "CREATING"
    again = attach(fsx, "apx", zfs[2], token="tok")
    assert again == dict(first, Lifecycle="AVAILABLE")  # the stored attachment, in its current state
    assert len(fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]) == 1
    # Member order does not matter; the token "a^b" is a valid token.
    request = zfs_request("apy", zfs[2], token="a^b")
    fsx.create_and_attach_s3_access_point(**request)
    reordered = dict(reversed(list(request.items())))
    reordered["OpenZFSConfiguration"] = dict(reversed(list(request["OpenZFSConfiguration"].items())))
    assert fsx.create_and_attach_s3_access_point(**reordered)["S3AccessPointAttachment"]["Name"] == "apy"
    assert names(fsx.describe_s3_access_point_attachments()) == ["apx", "apy"]


@pytest.mark.parametrize("change, parameter", [
    (lambda r: r.update(Name="apy"), "Name"),
    (lambda r: r["OpenZFSConfiguration"]["FileSystemIdentity"]["PosixUser"].update(Uid=7), "OpenZFSConfiguration"),
    (lambda r: r.update(S3AccessPoint={"VpcConfiguration": {"VpcId": "vpc-0123abcd"}}), "S3AccessPoint"),
], ids=["Name", "OpenZFSConfiguration", "S3AccessPoint"])
def test_same_token_different_request_is_incompatible(fsx, zfs, change, parameter):
    attach(fsx, "apx", zfs[2], token="tok")
    request = zfs_request("apx", zfs[2], token="tok")
    change(request)
    e = rejected(fsx.create_and_attach_s3_access_point, "IncompatibleParameterError",
                 f"The client request token 'tok' was already used with a different value of {parameter}.", **request)
    assert isinstance(e, fsx.exceptions.IncompatibleParameterError)
    assert e.response["Parameter"] == parameter
    assert names(fsx.describe_s3_access_point_attachments()) == ["apx"]


def test_token_after_detach(fsx, zfs):
    attach(fsx, "apx", zfs[2], token="tok")
    fsx.detach_and_delete_s3_access_point(Name="apx")
    # While DELETING, the identical request returns it as it is now.
    assert attach(fsx, "apx", zfs[2], token="tok")["Lifecycle"] == "DELETING"
    rejected(fsx.create_and_attach_s3_access_point, "IncompatibleParameterError",
             "The client request token 'tok' was already used with a different value of Name.",
             **zfs_request("apy", zfs[2], token="tok"))
    fsx.describe_s3_access_point_attachments()  # seen DELETING once: now gone, and its token free
    assert attach(fsx, "apy", zfs[2], token="tok")["Lifecycle"] == "CREATING"


def test_tokens_are_per_operation(fsx, zfs):
    _, root, volume = zfs
    attach(fsx, "apx", volume, token="tok")
    child = fsx.create_volume(ClientRequestToken="tok", VolumeType="OPENZFS", Name="v2",
                              OpenZFSConfiguration={"ParentVolumeId": root})["Volume"]["VolumeId"]
    again = fsx.create_volume(ClientRequestToken="tok", VolumeType="OPENZFS", Name="v2",
                              OpenZFSConfiguration={"ParentVolumeId": root})["Volume"]
    assert again["VolumeId"] == child and again["Lifecycle"] == "AVAILABLE"
    e = rejected(fsx.create_volume, "IncompatibleParameterError",
                 "The client request token 'tok' was already used with a different value of Name.",
                 ClientRequestToken="tok", VolumeType="OPENZFS", Name="v3", OpenZFSConfiguration={"ParentVolumeId": root})
    assert e.response["Parameter"] == "Name"


def test_token_survives_deleting_a_volume_whose_id_is_the_attachment_name(fsx, zfs):
    # Tokens are remembered per operation: an attachment named like a volume ID ("fsvol-<17 hex>" is
    # a valid attachment name) keeps its token when that volume is deleted, and the volume's own
    # token is freed.
    _, root, volume = zfs
    request = zfs_request(volume, root, token="at")
    fsx.create_and_attach_s3_access_point(**request)
    fsx.delete_volume(VolumeId=volume)
    assert fsx.create_and_attach_s3_access_point(**request)["S3AccessPointAttachment"]["Name"] == volume


def test_file_system_client_token(fsx):
    a, _ = make_openzfs(fsx, ClientRequestToken="t")
    b, _ = make_openzfs(fsx, ClientRequestToken="t")
    assert a == b
    assert len(fsx.describe_file_systems()["FileSystems"]) == 1
    e = rejected(fsx.create_file_system, "IncompatibleParameterError",
                 "The client request token 't' was already used with a different value of StorageCapacity.",
                 ClientRequestToken="t", FileSystemType="OPENZFS", SubnetIds=[SUBNET], StorageCapacity=128,
                 OpenZFSConfiguration=openzfs_config())
    assert e.response["Parameter"] == "StorageCapacity"


# ---- DescribeS3AccessPointAttachments --------------------------------------------------------


@pytest.fixture
def five(fsx):
    """aa0..aa2 on the root of fs1, bb0..bb1 on the root of fs2; returns (fs1, root1, fs2, root2)."""
    fs1, root1 = make_openzfs(fsx, throughput=640)
    fs2, root2 = make_openzfs(fsx, throughput=640)
    for i in range(3):
        attach(fsx, f"aa{i}", root1)
    for i in range(2):
        attach(fsx, f"bb{i}", root2)
    return fs1, root1, fs2, root2


ALL_FIVE = ["aa0", "aa1", "aa2", "bb0", "bb1"]


def test_describe_without_arguments_lists_all_in_creation_order(fsx, five):
    page = fsx.describe_s3_access_point_attachments()
    assert names(page) == ALL_FIVE and "NextToken" not in page
    assert {a["Lifecycle"] for a in page["S3AccessPointAttachments"]} == {"AVAILABLE"}


def test_describe_filters(fsx, five):
    fs1, root1, fs2, root2 = five
    _, _, ontap_volume = make_ontap(fsx)
    fsx.create_and_attach_s3_access_point(**ontap_request("cc0", ontap_volume))

    def listed(*filters):
        return names(fsx.describe_s3_access_point_attachments(Filters=list(filters)))

    assert listed({"Name": "file-system-id", "Values": [fs1]}) == ["aa0", "aa1", "aa2"]
    assert listed({"Name": "volume-id", "Values": [root2]}) == ["bb0", "bb1"]
    assert listed({"Name": "type", "Values": ["ONTAP"]}) == ["cc0"]
    # Values are ORed ...
    assert listed({"Name": "file-system-id", "Values": [fs1, fs2]}) == ALL_FIVE
    assert listed({"Name": "type", "Values": ["ONTAP", "OPENZFS"]}) == ALL_FIVE + ["cc0"]
    # ... filters ANDed.
    assert listed({"Name": "volume-id", "Values": [root1, root2]}, {"Name": "type", "Values": ["OPENZFS"]}) == ALL_FIVE
    assert listed({"Name": "file-system-id", "Values": [fs1]}, {"Name": "type", "Values": ["ONTAP"]}) == []
    assert listed({"Name": "file-system-id", "Values": [fs1]}, {"Name": "volume-id", "Values": [root2]}) == []
    assert listed({"Name": "file-system-id", "Values": [NO_FS]}) == []


def test_describe_names_override_filters(fsx, five):
    page = fsx.describe_s3_access_point_attachments(Names=["bb1", "aa0"], Filters=[{"Name": "type", "Values": ["ONTAP"]}])
    assert names(page) == ["bb1", "aa0"] and "NextToken" not in page
    assert names(fsx.describe_s3_access_point_attachments(Names=["aa1", "aa1"])) == ["aa1"]
    e = rejected(fsx.describe_s3_access_point_attachments, "S3AccessPointAttachmentNotFound",
                 "S3 access point attachment 'zzz' does not exist.", Names=["aa0", "zzz"])
    assert isinstance(e, fsx.exceptions.S3AccessPointAttachmentNotFound)


def test_describe_paging(fsx, five):
    assert walk(fsx, 2) == [["aa0", "aa1"], ["aa2", "bb0"], ["bb1"]]
    assert walk(fsx, 1) == [[n] for n in ALL_FIVE]
    assert walk(fsx, 5) == [ALL_FIVE]
    fs1 = five[0]
    assert walk(fsx, 2, Filters=[{"Name": "file-system-id", "Values": [fs1]}]) == [["aa0", "aa1"], ["aa2"]]
    token = fsx.describe_s3_access_point_attachments(MaxResults=2)["NextToken"]
    assert re.fullmatch(NEXT_TOKEN_PATTERN, token)


def test_describe_paging_skips_attachments_gone_meanwhile(fsx, five):
    first = fsx.describe_s3_access_point_attachments(MaxResults=2)
    fsx.detach_and_delete_s3_access_point(Name="aa2")
    fsx.describe_s3_access_point_attachments(Names=["aa2"])  # seen DELETING: gone
    rest = fsx.describe_s3_access_point_attachments(MaxResults=10, NextToken=first["NextToken"])
    assert names(rest) == ["bb0", "bb1"]


def test_describe_bad_next_token(fsx, five):
    rejected(fsx.describe_s3_access_point_attachments, "BadRequest", INVALID_NEXT_TOKEN, NextToken="AAAA")
    token = fsx.describe_s3_access_point_attachments(MaxResults=1)["NextToken"]
    rejected(fsx.describe_s3_access_point_attachments, "BadRequest", INVALID_NEXT_TOKEN,
             NextToken=token, Filters=[{"Name": "type", "Values": ["OPENZFS"]}])  # a token of other filters
    rejected(fsx.describe_s3_access_point_attachments, "BadRequest", validation_message(
        pattern("not a token!", "nextToken", NEXT_TOKEN_PATTERN)), NextToken="not a token!")
    assert names(fsx.describe_s3_access_point_attachments(NextToken=token)) == ALL_FIVE[1:]


def test_describe_returns_at_most_1000(fsx):
    _, _, volume = make_ontap(fsx)
    for i in range(1001):
        fsx.create_and_attach_s3_access_point(**ontap_request(f"ap{i:04d}", volume))
    for params in ({}, {"MaxResults": 5000}):
        first = fsx.describe_s3_access_point_attachments(**params)
        assert len(first["S3AccessPointAttachments"]) == 1000 and "NextToken" in first
        rest = fsx.describe_s3_access_point_attachments(NextToken=first["NextToken"], **params)
        assert names(rest) == ["ap1000"] and "NextToken" not in rest


@pytest.mark.parametrize("params, message", [
    ({"MaxResults": 0}, validation_message(
        violation("0", "maxResults", "Member must have value greater than or equal to 1"))),
    ({"Filters": [{"Name": "size", "Values": ["1"]}]}, validation_message(violation(
        "size", "filters.1.member.name", "Member must satisfy enum value set: [file-system-id, volume-id, type]"))),
    ({"Filters": [{"Name": "type", "Values": ["OPENZFS"]}] * 3}, validation_message(violation(
        "[{Name=type, Values=[OPENZFS]}, {Name=type, Values=[OPENZFS]}, {Name=type, Values=[OPENZFS]}]", "filters",
        "Member must have length less than or equal to 2"))),
    ({"Filters": [{"Name": "type", "Values": ["x"] * 21}]}, validation_message(violation(
        "[" + ", ".join(["x"] * 21) + "]", "filters.1.member.values", "Member must have length less than or equal to 20"))),
    ({"Names": ["abc"] * 51}, validation_message(violation(
        "[" + ", ".join(["abc"] * 51) + "]", "names", "Member must have length less than or equal to 50"))),
], ids=["MaxResults 0", "filter name", "3 filters", "21 values", "51 names"])
def test_describe_validation(fsx, params, message):
    rejected(fsx.describe_s3_access_point_attachments, "BadRequest", message, **params)


def test_describe_limits_accepted(fsx, five):
    fs1 = five[0]
    page = fsx.describe_s3_access_point_attachments(
        Filters=[{"Name": "file-system-id", "Values": [fs1] + ["x" * 128] * 19}, {"Name": "type", "Values": ["OPENZFS"]}])
    assert names(page) == ["aa0", "aa1", "aa2"]
    assert names(fsx.describe_s3_access_point_attachments(Names=["aa0"] * 50)) == ["aa0"]


# ---- DetachAndDeleteS3AccessPoint ------------------------------------------------------------


def test_detach_deleting_is_seen_once_then_gone(fsx, zfs):
    attach(fsx, "apx", zfs[2])
    attach(fsx, "apy", zfs[2])
    response = fsx.detach_and_delete_s3_access_point(Name="apx", ClientRequestToken="d1")
    assert list(response) == ["Lifecycle", "Name", "ResponseMetadata"]
    assert (response["Lifecycle"], response["Name"]) == ("DELETING", "apx")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    # Repeated while DELETING: DELETING again.
    assert fsx.detach_and_delete_s3_access_point(Name="apx")["Lifecycle"] == "DELETING"
    [seen] = fsx.describe_s3_access_point_attachments(Names=["apx"])["S3AccessPointAttachments"]
    assert seen["Lifecycle"] == "DELETING" and seen["Name"] == "apx"
    e = rejected(fsx.describe_s3_access_point_attachments, "S3AccessPointAttachmentNotFound",
                 "S3 access point attachment 'apx' does not exist.", Names=["apx"])
    assert isinstance(e, fsx.exceptions.S3AccessPointAttachmentNotFound)
    rejected(fsx.detach_and_delete_s3_access_point, "S3AccessPointAttachmentNotFound",
             "S3 access point attachment 'apx' does not exist.", Name="apx")
    assert names(fsx.describe_s3_access_point_attachments()) == ["apy"]


def test_detach_deleting_in_a_listing(fsx, zfs):
    attach(fsx, "apx", zfs[2])
    attach(fsx, "apy", zfs[2])
    fsx.detach_and_delete_s3_access_point(Name="apy")
    listing = fsx.describe_s3_access_point_attachments(Filters=[{"Name": "type", "Values": ["OPENZFS"]}])
    assert [(a["Name"], a["Lifecycle"]) for a in listing["S3AccessPointAttachments"]] == [
        ("apx", "AVAILABLE"), ("apy", "DELETING")]
    assert names(fsx.describe_s3_access_point_attachments()) == ["apx"]


def test_detach_rules(fsx):
    rejected(fsx.detach_and_delete_s3_access_point, "S3AccessPointAttachmentNotFound",
             "S3 access point attachment 'nope' does not exist.", Name="nope")
    rejected(fsx.detach_and_delete_s3_access_point, "BadRequest",
             validation_message(violation(None, "name", "Member must not be null")))
    rejected(fsx.detach_and_delete_s3_access_point, "BadRequest",
             validation_message(pattern("a/b", "clientRequestToken", TOKEN_PATTERN)), Name="abc", ClientRequestToken="a/b")


# ---- Setup: file systems ---------------------------------------------------------------------


def test_openzfs_file_system_and_root_volume(fsx):
    fs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET], StorageCapacity=64,
                                OpenZFSConfiguration=openzfs_config("SINGLE_AZ_HA_1", 128))["FileSystem"]
    fs_id = fs["FileSystemId"]
    assert FS_ID.fullmatch(fs_id)
    assert fs["Lifecycle"] == "CREATING"
    assert fs["CreationTime"].timestamp() == START
    assert fs["ResourceARN"] == f"arn:aws:fsx:{REGION}:{ACCOUNT}:file-system/{fs_id}"
    assert fs["DNSName"] == f"{fs_id}.fsx.{REGION}.amazonaws.com"
    assert (fs["FileSystemType"], fs["OwnerId"], fs["SubnetIds"]) == ("OPENZFS", ACCOUNT, [SUBNET])
    config = fs["OpenZFSConfiguration"]
    root = config.pop("RootVolumeId")
    assert VOLUME_ID.fullmatch(root)
    # What AWS reports besides the request: backups, maintenance (times derived from the ID), IOPS, tag copying.
    assert re.fullmatch(r"\d\d:\d\d", config.pop("DailyAutomaticBackupStartTime"))
    assert re.fullmatch(r"[1-7]:\d\d:\d\d", config.pop("WeeklyMaintenanceStartTime"))
    assert config == {"DeploymentType": "SINGLE_AZ_HA_1", "ThroughputCapacity": 128, "AutomaticBackupRetentionDays": 30,
                      "DiskIopsConfiguration": {"Mode": "AUTOMATIC", "Iops": 192}, "CopyTagsToBackups": False,
                      "CopyTagsToVolumes": False}
    assert re.fullmatch(rf"arn:aws:kms:{REGION}:{ACCOUNT}:key/[0-9a-f-]{{36}}", fs["KmsKeyId"])
    [described] = fsx.describe_file_systems(FileSystemIds=[fs_id])["FileSystems"]
    assert described["Lifecycle"] == "AVAILABLE"
    [volume] = fsx.describe_volumes(VolumeIds=[root])["Volumes"]
    assert volume["Lifecycle"] == "AVAILABLE"
    assert volume["OpenZFSConfiguration"]["VolumePath"] == "/fsx"
    assert volume["ResourceARN"] == f"arn:aws:fsx:{REGION}:{ACCOUNT}:volume/{fs_id}/{root}"
    assert (volume["VolumeType"], volume["FileSystemId"]) == ("OPENZFS", fs_id)


def test_openzfs_child_volumes(fsx):
    fs, root = make_openzfs(fsx)
    child = fsx.create_volume(VolumeType="OPENZFS", Name="data", OpenZFSConfiguration={"ParentVolumeId": root})["Volume"]
    assert VOLUME_ID.fullmatch(child["VolumeId"])
    assert child["Lifecycle"] == "CREATING"
    assert child["ResourceARN"] == f"arn:aws:fsx:{REGION}:{ACCOUNT}:volume/{fs}/{child['VolumeId']}"
    assert child["OpenZFSConfiguration"] == {"ParentVolumeId": root, "VolumePath": "/fsx/data"}
    inner = make_child(fsx, child["VolumeId"], "inner")
    [described] = fsx.describe_volumes(VolumeIds=[inner])["Volumes"]
    assert described["OpenZFSConfiguration"]["VolumePath"] == "/fsx/data/inner"
    rejected(fsx.create_volume, "VolumeNotFound", f"Volume '{NO_VOLUME}' does not exist.",
             VolumeType="OPENZFS", Name="x", OpenZFSConfiguration={"ParentVolumeId": NO_VOLUME})
    rejected(fsx.create_volume, "MissingVolumeConfiguration", "OpenZFSConfiguration is required when VolumeType is OPENZFS.",
             VolumeType="OPENZFS", Name="x")


VALID_THROUGHPUT = ([("SINGLE_AZ_1", t) for t in FAMILY_1] + [("SINGLE_AZ_HA_1", t) for t in FAMILY_1]
                    + [(d, t) for d in ("SINGLE_AZ_2", "SINGLE_AZ_HA_2", "MULTI_AZ_1") for t in FAMILY_2])


@pytest.mark.parametrize("deployment, throughput", VALID_THROUGHPUT, ids=[f"{d}-{t}" for d, t in VALID_THROUGHPUT])
def test_throughput_accepted(fsx, deployment, throughput):
    request = {"FileSystemType": "OPENZFS", "SubnetIds": subnets_for(deployment),
               "OpenZFSConfiguration": openzfs_config(deployment, throughput)}
    assert apsim.validate("fsx:CreateFileSystem", request) == {"Valid": True, "FilledIdempotencyTokens": ["ClientRequestToken"]}
    fs = fsx.create_file_system(**request)["FileSystem"]
    assert fs["OpenZFSConfiguration"]["ThroughputCapacity"] == throughput


FAMILY_1_MESSAGE = "valid values are 64, 128, 256, 512, 1024, 2048, 3072, 4096."
FAMILY_2_MESSAGE = "valid values are 160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240."
INVALID_THROUGHPUT = [
    ("SINGLE_AZ_1", 160, FAMILY_1_MESSAGE), ("SINGLE_AZ_HA_1", 10240, FAMILY_1_MESSAGE),
    ("SINGLE_AZ_1", 100, FAMILY_1_MESSAGE),
    ("SINGLE_AZ_2", 64, FAMILY_2_MESSAGE), ("SINGLE_AZ_HA_2", 4096, FAMILY_2_MESSAGE), ("MULTI_AZ_1", 128, FAMILY_2_MESSAGE),
]


@pytest.mark.parametrize("deployment, throughput, valid", INVALID_THROUGHPUT,
                         ids=[f"{d}-{t}" for d, t, _ in INVALID_THROUGHPUT])
def test_throughput_rejected(fsx, deployment, throughput, valid):
    message = f"ThroughputCapacity {throughput} is not valid for DeploymentType {deployment}; {valid}"
    rejected(fsx.create_file_system, "BadRequest", message, FileSystemType="OPENZFS", SubnetIds=[SUBNET],
             OpenZFSConfiguration=openzfs_config(deployment, throughput))
    assert fsx.describe_file_systems()["FileSystems"] == []


def test_multi_az_1_needs_a_preferred_subnet(fsx):
    rejected(fsx.create_file_system, "BadRequest", "PreferredSubnetId is required when DeploymentType is MULTI_AZ_1.",
             FileSystemType="OPENZFS", SubnetIds=[SUBNET],
             OpenZFSConfiguration={"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 160})
    fs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=subnets_for("MULTI_AZ_1"),
                                OpenZFSConfiguration=openzfs_config("MULTI_AZ_1", 160))
    assert fs["FileSystem"]["OpenZFSConfiguration"]["PreferredSubnetId"] == SUBNET


def test_missing_file_system_configuration(fsx):
    for kind, block in (("OPENZFS", "OpenZFSConfiguration"), ("ONTAP", "OntapConfiguration")):
        e = rejected(fsx.create_file_system, "MissingFileSystemConfiguration",
                     f"{block} is required when FileSystemType is {kind}.", FileSystemType=kind, SubnetIds=[SUBNET])
        assert isinstance(e, fsx.exceptions.MissingFileSystemConfiguration)
    rejected(fsx.create_file_system, "BadRequest", "OntapConfiguration cannot be used with FileSystemType OPENZFS.",
             FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration=openzfs_config(),
             OntapConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128})
    rejected(fsx.create_file_system, "BadRequest",
             "Specify ThroughputCapacity or ThroughputCapacityPerHAPair in OntapConfiguration.",
             FileSystemType="ONTAP", SubnetIds=[SUBNET], OntapConfiguration={"DeploymentType": "MULTI_AZ_2"})
    rejected(fsx.create_file_system, "BadRequest",
             validation_message(violation(None, "subnetIds", "Member must not be null")),
             FileSystemType="OPENZFS", OpenZFSConfiguration=openzfs_config())


# ---- Setup: ONTAP ------------------------------------------------------------------------------


def test_ontap_setup(fsx):
    fs, svm, volume = make_ontap(fsx)
    assert FS_ID.fullmatch(fs) and SVM_ID.fullmatch(svm) and VOLUME_ID.fullmatch(volume)
    # The SVM's root volume (made with it, at "/"), then the volume.
    root, described = fsx.describe_volumes(Filters=[{"Name": "storage-virtual-machine-id", "Values": [svm]}])["Volumes"]
    assert (root["Name"], root["OntapConfiguration"]["JunctionPath"], root["OntapConfiguration"]["StorageVirtualMachineRoot"]) == (
        "svm1_root", "/", True)
    assert described["VolumeId"] == volume and described["Lifecycle"] == "CREATED"
    assert described["OntapConfiguration"]["JunctionPath"] == "/vol1"
    assert described["ResourceARN"] == f"arn:aws:fsx:{REGION}:{ACCOUNT}:volume/{fs}/{volume}"
    other = fsx.create_storage_virtual_machine(FileSystemId=fs, Name="svm2")["StorageVirtualMachine"]
    svm2 = other["StorageVirtualMachineId"]
    assert SVM_ID.fullmatch(svm2) and svm2 != svm
    assert other["ResourceARN"] == f"arn:aws:fsx:{REGION}:{ACCOUNT}:storage-virtual-machine/{fs}/{svm2}"
    assert other["Lifecycle"] == "CREATING" and other["FileSystemId"] == fs
    rejected(fsx.delete_file_system, "BadRequest",
             f"File system '{fs}' has storage virtual machines or volumes; delete them before deleting the file system.",
             FileSystemId=fs)


def test_svm_on_openzfs_is_unsupported(fsx):
    fs, _ = make_openzfs(fsx)
    e = rejected(fsx.create_storage_virtual_machine, "UnsupportedOperation",
                 f"Storage virtual machines exist on ONTAP file systems only; '{fs}' is OPENZFS.", FileSystemId=fs, Name="x")
    assert isinstance(e, fsx.exceptions.UnsupportedOperation)
    rejected(fsx.create_storage_virtual_machine, "FileSystemNotFound", f"File system '{NO_FS}' does not exist.",
             FileSystemId=NO_FS, Name="x")


def test_storage_virtual_machine_not_found(fsx):
    e = rejected(fsx.create_volume, "StorageVirtualMachineNotFound", f"Storage virtual machine '{NO_SVM}' does not exist.",
                 VolumeType="ONTAP", Name="v", OntapConfiguration={"StorageVirtualMachineId": NO_SVM})
    assert isinstance(e, fsx.exceptions.StorageVirtualMachineNotFound)
    rejected(fsx.create_volume, "MissingVolumeConfiguration", "OntapConfiguration is required when VolumeType is ONTAP.",
             VolumeType="ONTAP", Name="v")


# ---- Setup: deletions ------------------------------------------------------------------------


def test_root_volume_cannot_be_deleted(fsx):
    fs, root = make_openzfs(fsx)
    rejected(fsx.delete_volume, "BadRequest",
             f"Volume '{root}' is the root volume of file system '{fs}'; it is deleted with the file system.", VolumeId=root)
    child = make_child(fsx, root)
    response = fsx.delete_volume(VolumeId=child)
    assert (response["VolumeId"], response["Lifecycle"]) == (child, "DELETING")
    rejected(fsx.delete_volume, "VolumeNotFound", f"Volume '{child}' does not exist.", VolumeId=child)


def test_deletion_rules(fsx):
    fs, root = make_openzfs(fsx)
    volume = make_child(fsx, root)
    grandchild = make_child(fsx, volume, "inner")
    attach(fsx, "apx", grandchild)
    rejected(fsx.delete_volume, "BadRequest",
             f"Volume '{grandchild}' has S3 access point attachments; detach and delete them before deleting the volume.",
             VolumeId=grandchild)
    rejected(fsx.delete_file_system, "BadRequest",
             f"File system '{fs}' has S3 access point attachments; detach and delete them before deleting the file system.",
             FileSystemId=fs)
    rejected(fsx.delete_volume, "BadRequest", f"Volume '{volume}' {CHILD_VOLUMES}", VolumeId=volume)
    # With the option, a child that has an attachment still blocks.
    rejected(fsx.delete_volume, "BadRequest",
             f"Volume '{grandchild}' has S3 access point attachments; detach and delete them before deleting the volume.",
             VolumeId=volume, OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]})
    fsx.detach_and_delete_s3_access_point(Name="apx")  # a DELETING attachment no longer blocks
    response = fsx.delete_volume(VolumeId=volume, OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]})
    assert response["Lifecycle"] == "DELETING"
    rejected(fsx.describe_volumes, "VolumeNotFound", f"Volume '{grandchild}' does not exist.", VolumeIds=[grandchild])
    response = fsx.delete_file_system(FileSystemId=fs)
    assert list(response) == ["FileSystemId", "Lifecycle", "ResponseMetadata"]
    assert (response["FileSystemId"], response["Lifecycle"]) == (fs, "DELETING")
    rejected(fsx.describe_file_systems, "FileSystemNotFound", f"File system '{fs}' does not exist.", FileSystemIds=[fs])
    rejected(fsx.describe_volumes, "VolumeNotFound", f"Volume '{root}' does not exist.", VolumeIds=[root])


def test_file_system_with_child_volumes(fsx):
    fs, root = make_openzfs(fsx)
    child = make_child(fsx, root)
    rejected(fsx.delete_file_system, "BadRequest", f"File system '{fs}' {CHILD_VOLUMES}", FileSystemId=fs)
    fsx.delete_file_system(FileSystemId=fs, OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]})
    assert fsx.describe_file_systems()["FileSystems"] == []
    assert fsx.describe_volumes()["Volumes"] == []
    rejected(fsx.delete_volume, "VolumeNotFound", f"Volume '{child}' does not exist.", VolumeId=child)
    rejected(fsx.delete_file_system, "FileSystemNotFound", f"File system '{fs}' does not exist.", FileSystemId=fs)


def test_ontap_volume_with_attachment_cannot_be_deleted(fsx):
    _, _, volume = make_ontap(fsx)
    fsx.create_and_attach_s3_access_point(**ontap_request("apx", volume))
    rejected(fsx.delete_volume, "BadRequest",
             f"Volume '{volume}' has S3 access point attachments; detach and delete them before deleting the volume.",
             VolumeId=volume)
    fsx.detach_and_delete_s3_access_point(Name="apx")
    assert fsx.delete_volume(VolumeId=volume)["Lifecycle"] == "DELETING"


# ---- Setup: describe -------------------------------------------------------------------------


def test_describe_volumes_and_file_systems(fsx):
    fs1, root1 = make_openzfs(fsx)
    fs2, root2 = make_openzfs(fsx)
    children = [make_child(fsx, root1, f"v{i}") for i in range(50)]
    by_fs = fsx.describe_volumes(Filters=[{"Name": "file-system-id", "Values": [fs1]}])
    assert [v["VolumeId"] for v in by_fs["Volumes"]] == [root1] + children[:49]  # 50 per page
    rest = fsx.describe_volumes(Filters=[{"Name": "file-system-id", "Values": [fs1]}], NextToken=by_fs["NextToken"])
    assert [v["VolumeId"] for v in rest["Volumes"]] == children[49:] and "NextToken" not in rest
    only_fs2 = fsx.describe_volumes(Filters=[{"Name": "file-system-id", "Values": [fs2]}])["Volumes"]
    assert [v["VolumeId"] for v in only_fs2] == [root2]
    assert [f["FileSystemId"] for f in fsx.describe_file_systems()["FileSystems"]] == [fs1, fs2]
    rejected(fsx.describe_volumes, "BadRequest", INVALID_NEXT_TOKEN, NextToken="AAAA")


# ---- IDs -------------------------------------------------------------------------------------


def test_efs_and_fsx_ids_never_collide(sim, fsx):
    efs = sim.client("efs")
    efs_ids = [efs.create_file_system(CreationToken=f"e{i}")["FileSystemId"] for i in range(50)]
    fsx_ids = [make_openzfs(fsx, ClientRequestToken=f"f{i}")[0] for i in range(50)]
    assert all(FS_ID.fullmatch(i) for i in efs_ids + fsx_ids)
    assert len(set(efs_ids + fsx_ids)) == 100
    volumes = [v["VolumeId"] for v in fsx.describe_volumes(MaxResults=50)["Volumes"]]
    assert len(set(volumes)) == 50 and all(VOLUME_ID.fullmatch(v) for v in volumes)


# ---- binding surface -------------------------------------------------------------------------


def test_fsx_methods_match_botocore(fsx):
    assert {
        "create_and_attach_s3_access_point", "describe_s3_access_point_attachments", "detach_and_delete_s3_access_point",
        "create_file_system", "describe_file_systems", "update_file_system", "delete_file_system",
        "create_storage_virtual_machine", "describe_storage_virtual_machines", "update_storage_virtual_machine",
        "delete_storage_virtual_machine", "create_volume", "describe_volumes", "update_volume", "delete_volume",
        "create_snapshot", "describe_snapshots", "update_snapshot", "delete_snapshot",
        "tag_resource", "untag_resource", "list_tags_for_resource",
    } == {name for name in dir(fsx) if not name.startswith("_")} - {"exceptions", "can_paginate", "get_paginator"}
    botocore_session = pytest.importorskip("botocore.session")
    from botocore import xform_name

    model = botocore_session.get_session().get_service_model("fsx")
    for py_name, operation in fsx._operation_names.items():
        assert operation in model.operation_names and xform_name(operation) == py_name


def test_fsx_errors_without_botocore(no_botocore, fsx):
    e = raised(fsx.detach_and_delete_s3_access_point, Name="nope")
    assert isinstance(e, apsim.ClientError)
    assert type(e) is fsx.exceptions.from_code("S3AccessPointAttachmentNotFound")
    assert error_of(e) == ("S3AccessPointAttachmentNotFound", "S3 access point attachment 'nope' does not exist.")
    fs, root = make_openzfs(fsx)
    created = attach(fsx, "apx", root)["CreationTime"]
    assert created == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    e = raised(fsx.create_and_attach_s3_access_point, **zfs_request("apx", root))
    assert e.response["ErrorCode"] == "AccessPointAlreadyOwnedByYou"
