"""DescribeAccessPoints, DeleteAccessPoint, and the file system operations."""

import re

import pytest

import apsim
from conftest import ACCOUNT, REGION, START, error_of, expect_error, raised, validation_message, violation

INVALID_NEXT_TOKEN = "Invalid NextToken: use a value returned by a previous call of this operation with the same filters."


def make_aps(efs, fs_id, n, prefix="t"):
    return [efs.create_access_point(ClientToken=f"{prefix}{i}", FileSystemId=fs_id)["AccessPointId"] for i in range(n)]


def walk(efs, **filters):
    """Every page of DescribeAccessPoints with MaxResults=2, as lists of IDs."""
    pages, token = [], None
    while True:
        extra = {"NextToken": token} if token else {}
        page = efs.describe_access_points(MaxResults=2, **filters, **extra)
        pages.append([ap["AccessPointId"] for ap in page["AccessPoints"]])
        token = page.get("NextToken")
        if not token:
            return pages


def test_describe_by_id_and_arn(efs, fs_id):
    [ap] = make_aps(efs, fs_id, 1)
    by_id = efs.describe_access_points(AccessPointId=ap)
    assert [a["AccessPointId"] for a in by_id["AccessPoints"]] == [ap]
    assert "NextToken" not in by_id
    arn = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:access-point/{ap}"
    assert efs.describe_access_points(AccessPointId=arn)["AccessPoints"] == by_id["AccessPoints"]


def test_paging_walks_every_access_point_once(efs, fs_id):
    ids = make_aps(efs, fs_id, 5)
    assert walk(efs) == [ids[0:2], ids[2:4], ids[4:5]]
    other = efs.create_file_system(CreationToken="other")["FileSystemId"]
    make_aps(efs, other, 2, prefix="o")
    assert sum(walk(efs, FileSystemId=fs_id), []) == ids
    assert len(sum(walk(efs), [])) == 7


def test_default_page_size_is_100(efs, fs_id):
    make_aps(efs, fs_id, 101)
    first = efs.describe_access_points()
    assert len(first["AccessPoints"]) == 100 and "NextToken" in first
    rest = efs.describe_access_points(NextToken=first["NextToken"])
    assert len(rest["AccessPoints"]) == 1 and "NextToken" not in rest


def test_both_ids_is_bad_request(efs, fs_id):
    e = raised(efs.describe_access_points, AccessPointId="fsap-0123456789abcdef0", FileSystemId=fs_id)
    assert error_of(e) == (
        "BadRequest", "You can provide either an AccessPointId or a FileSystemId in the request, but not both.")
    assert isinstance(e, efs.exceptions.BadRequest)


@pytest.mark.parametrize("value, constraint", [
    (10001, "Member must have value less than or equal to 10000"),
    (0, "Member must have value greater than or equal to 1"),
])
def test_max_results_range(efs, value, constraint):
    e = raised(efs.describe_access_points, MaxResults=value)
    assert error_of(e) == ("ValidationException", validation_message(violation(value, "maxResults", constraint)))
    assert efs.describe_access_points(MaxResults=10000)["AccessPoints"] == []


def test_bad_or_foreign_next_token(efs, fs_id):
    make_aps(efs, fs_id, 3)
    for token in ("garbage", efs.describe_access_points(FileSystemId=fs_id, MaxResults=1)["NextToken"]):
        e = raised(efs.describe_access_points, NextToken=token)  # a token of another filter is foreign
        assert error_of(e) == ("BadRequest", INVALID_NEXT_TOKEN)


def test_unknown_ids(efs):
    e = raised(efs.describe_access_points, AccessPointId="fsap-0123456789abcdef0")
    assert isinstance(e, efs.exceptions.AccessPointNotFound)
    assert error_of(e) == ("AccessPointNotFound", "Access point 'fsap-0123456789abcdef0' does not exist.")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    e = raised(efs.describe_access_points, FileSystemId="fs-0123456789abcdef0")
    assert error_of(e) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.")


def test_delete_access_point(efs, fs_id):
    [ap] = make_aps(efs, fs_id, 1)
    response = efs.delete_access_point(AccessPointId=ap)
    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert efs.describe_access_points()["AccessPoints"] == []
    e = raised(efs.delete_access_point, AccessPointId=ap)
    assert isinstance(e, efs.exceptions.AccessPointNotFound)
    assert error_of(e) == ("AccessPointNotFound", f"Access point '{ap}' does not exist.")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_create_file_system(efs):
    fs = efs.create_file_system(CreationToken="data", Tags=[{"Key": "Name", "Value": "data"}])
    fs_id = fs["FileSystemId"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", fs_id)
    assert fs["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert fs["LifeCycleState"] == "creating"
    assert fs["CreationTime"].timestamp() == START
    del fs["ResponseMetadata"], fs["CreationTime"]
    assert fs == {
        "OwnerId": ACCOUNT,
        "CreationToken": "data",
        "FileSystemId": fs_id,
        "FileSystemArn": f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs_id}",
        "LifeCycleState": "creating",
        "Name": "data",
        "NumberOfMountTargets": 0,
        # Still creating: zeros without a Timestamp, as AWS's answer.
        "SizeInBytes": {"Value": 0, "ValueInIA": 0, "ValueInStandard": 0, "ValueInArchive": 0},
        "PerformanceMode": "generalPurpose",
        "Encrypted": False,
        "ThroughputMode": "bursting",
        "Tags": [{"Key": "Name", "Value": "data"}],
        "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"},
    }
    [described] = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]
    assert described["LifeCycleState"] == "available"
    # Described later: the 6 KiB of metadata, at the clock's time (spec: description completed).
    assert described["SizeInBytes"].pop("Timestamp").timestamp() == START
    assert described["SizeInBytes"] == {"Value": 6144, "ValueInIA": 0, "ValueInStandard": 6144, "ValueInArchive": 0}
    e = raised(efs.create_file_system, CreationToken="data")
    assert isinstance(e, efs.exceptions.FileSystemAlreadyExists)
    assert error_of(e) == ("FileSystemAlreadyExists", f"File system '{fs_id}' already exists with creation token 'data'")
    assert e.response["FileSystemId"] == fs_id
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_describe_file_systems_filters_and_paging(efs):
    ids = [efs.create_file_system(CreationToken=f"c{i}")["FileSystemId"] for i in range(3)]
    assert [f["FileSystemId"] for f in efs.describe_file_systems(FileSystemId=ids[1])["FileSystems"]] == [ids[1]]
    assert [f["FileSystemId"] for f in efs.describe_file_systems(CreationToken="c2")["FileSystems"]] == [ids[2]]
    assert efs.describe_file_systems(CreationToken="none")["FileSystems"] == []
    first = efs.describe_file_systems(MaxItems=2)
    assert [f["FileSystemId"] for f in first["FileSystems"]] == ids[:2]
    assert "Marker" not in first
    second = efs.describe_file_systems(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FileSystemId"] for f in second["FileSystems"]] == ids[2:]
    assert second["Marker"] == first["NextMarker"] and "NextMarker" not in second
    e = raised(efs.describe_file_systems, Marker="bad")
    assert error_of(e) == (
        "BadRequest", "Invalid Marker: use a value returned by a previous call of this operation with the same filters.")
    e = raised(efs.describe_file_systems, FileSystemId="fs-0123456789abcdef0")
    assert error_of(e) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.")


def test_delete_file_system_cascades(efs, fs_id):
    aps = make_aps(efs, fs_id, 2)
    assert efs.delete_file_system(FileSystemId=fs_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert efs.describe_access_points()["AccessPoints"] == []
    e = raised(efs.describe_access_points, AccessPointId=aps[0])
    assert e.response["Error"]["Code"] == "AccessPointNotFound"
    e = raised(efs.delete_file_system, FileSystemId=fs_id)
    assert error_of(e) == ("FileSystemNotFound", f"File system '{fs_id}' does not exist.")
    # The tokens of the deleted access points are free again.
    other = efs.create_file_system(CreationToken="other")["FileSystemId"]
    make_aps(efs, other, 2)


def test_strict_file_system_delete():
    with apsim.Simulator(seed=1, strict_file_system_delete=True) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="x")["FileSystemId"]
        [ap] = make_aps(efs, fs, 1)
        e = raised(efs.delete_file_system, FileSystemId=fs)
        expect_error(e, efs.exceptions.FileSystemInUse, "FileSystemInUse",
                     f"The file system '{fs}' cannot be deleted because it has access points. "
                     "You must delete the access points, and then try again.", 409)
        efs.delete_access_point(AccessPointId=ap)
        efs.delete_file_system(FileSystemId=fs)
