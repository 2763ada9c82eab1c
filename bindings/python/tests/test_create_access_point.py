"""CreateAccessPoint: response shape, every rule (one accepted, one rejected case) and the state checks."""

import re

import pytest

import apsim
from conftest import (
    ACCOUNT, FS_ID_PATTERN, PATH_PATTERN, REGION, TAG_KEY_PATTERN, TAG_VALUE_PATTERN,
    error_of, expect_error, pattern, raised, validation_message, violation,
)

AP_ID = re.compile(r"fsap-[0-9a-f]{17}")


def test_happy_path(efs, fs_id):
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id, Tags=[{"Key": "Name", "Value": "web"}])
    ap_id = ap.pop("AccessPointId")
    assert AP_ID.fullmatch(ap_id)
    meta = ap.pop("ResponseMetadata")
    assert meta["HTTPStatusCode"] == 200 and meta["HTTPHeaders"] == {} and meta["RetryAttempts"] == 0
    assert ap == {
        "ClientToken": "tok",
        "Name": "web",
        "Tags": [{"Key": "Name", "Value": "web"}],
        "AccessPointArn": f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:access-point/{ap_id}",
        "FileSystemId": fs_id,
        "RootDirectory": {"Path": "/"},
        "OwnerId": ACCOUNT,
        "LifeCycleState": "creating",
    }
    assert list(ap)[:2] == ["ClientToken", "Name"]
    described = efs.describe_access_points(AccessPointId=ap_id)["AccessPoints"]
    assert described == [dict(ap, AccessPointId=ap_id, LifeCycleState="available")]


def test_no_name_tag_no_name(efs, fs_id):
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id, Tags=[{"Key": "team", "Value": "a"}])
    assert "Name" not in ap and "PosixUser" not in ap
    assert ap["Tags"] == [{"Key": "team", "Value": "a"}]


def test_arn_form_file_system_id(efs, fs_id):
    arn = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs_id}"
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=arn)
    assert ap["FileSystemId"] == fs_id
    foreign = f"arn:aws:elasticfilesystem:eu-west-1:{ACCOUNT}:file-system/{fs_id}"
    e = raised(efs.create_access_point, ClientToken="tok2", FileSystemId=foreign)
    assert error_of(e) == ("FileSystemNotFound", f"File system '{foreign}' does not exist.")


def test_posix_user_and_root_directory_are_echoed(efs, fs_id):
    posix = {"Uid": 4294967295, "Gid": 0, "SecondaryGids": [1, 2]}
    root = {"Path": "/data/app", "CreationInfo": {"OwnerUid": 10, "OwnerGid": 20, "Permissions": "0750"}}
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id, PosixUser=posix, RootDirectory=root)
    assert ap["PosixUser"] == posix and ap["RootDirectory"] == root


def test_creation_info_without_path_gets_root(efs, fs_id):
    info = {"OwnerUid": 0, "OwnerGid": 0, "Permissions": "755"}
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id, RootDirectory={"CreationInfo": info})
    assert ap["RootDirectory"] == {"Path": "/", "CreationInfo": info}


def tags(n):
    return [{"Key": f"k{i}", "Value": "v"} for i in range(n)]


ACCEPTED = {
    "token of 1": {"ClientToken": "x"},
    "token of 64": {"ClientToken": "x" * 64},
    "tag key awsx:": {"Tags": [{"Key": "awsx:y", "Value": "v"}]},
    "tag key unicode": {"Tags": [{"Key": "clé 日本 _.:/=+-@", "Value": "v"}]},
    "tag value empty": {"Tags": [{"Key": "k", "Value": ""}]},
    "tag value unicode": {"Tags": [{"Key": "k", "Value": "café 日本 2 _.:/=+-@"}]},
    "50 tags": {"Tags": tags(50)},
    "uid gid bounds": {"PosixUser": {"Uid": 0, "Gid": 4294967295}},
    "16 secondary gids": {"PosixUser": {"Uid": 1, "Gid": 1, "SecondaryGids": [4294967295] * 16}},
    "path /": {"RootDirectory": {"Path": "/"}},
    "path of 4": {"RootDirectory": {"Path": "/a/b/c/d"}},
    "path with space and colon": {"RootDirectory": {"Path": "/my dir:x"}},
    "path of 100": {"RootDirectory": {"Path": "/" + "a" * 99}},
    "creation info": {"RootDirectory": {"CreationInfo": {"OwnerUid": 4294967295, "OwnerGid": 0, "Permissions": "777"}}},
    "permissions of 4": {"RootDirectory": {"CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "0755"}}},
}


@pytest.mark.parametrize("params", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(efs, fs_id, params):
    request = dict({"ClientToken": "tok", "FileSystemId": fs_id}, **params)
    assert apsim.validate("efs:CreateAccessPoint", request) == {"Valid": True}
    ap = efs.create_access_point(**request)
    for member in ("ClientToken", "Tags", "PosixUser"):
        if member in params:
            assert ap[member] == params[member]
    if "RootDirectory" in params:
        assert ap["RootDirectory"] == dict({"Path": "/"}, **params["RootDirectory"])


def path_error(value):
    return ("ValidationException", validation_message(pattern(value, "rootDirectory.path", PATH_PATTERN)))


def max_value(value, path):
    return ("ValidationException", validation_message(violation(value, path, "Member must have value less than or equal to 4294967295")))


REJECTED = {
    "token empty": (
        {"ClientToken": ""},
        ("ValidationException", validation_message(
            violation("", "clientToken", "Member must have length greater than or equal to 1"),
            pattern("", "clientToken", ".+"))),
    ),
    "token of 65": (
        {"ClientToken": "x" * 65},
        ("ValidationException", validation_message(
            violation("x" * 65, "clientToken", "Member must have length less than or equal to 64"))),
    ),
    "token missing": (
        {"ClientToken": None},
        ("ValidationException", validation_message(violation(None, "clientToken", "Member must not be null"))),
    ),
    "fs id short": (
        {"FileSystemId": "fs-1234567"},
        ("ValidationException", validation_message(pattern("fs-1234567", "fileSystemId", FS_ID_PATTERN))),
    ),
    "fs id uppercase": (
        {"FileSystemId": "fs-ABCDEF12"},
        ("ValidationException", validation_message(pattern("fs-ABCDEF12", "fileSystemId", FS_ID_PATTERN))),
    ),
    "tag key aws:": (
        {"Tags": [{"Key": "aws:x", "Value": "v"}]},
        ("ValidationException", validation_message(pattern("aws:x", "tags.1.member.key", TAG_KEY_PATTERN))),
    ),
    "tag key AwS:": (
        {"Tags": [{"Key": "ok", "Value": "v"}, {"Key": "AwS:x", "Value": "v"}]},
        ("ValidationException", validation_message(pattern("AwS:x", "tags.2.member.key", TAG_KEY_PATTERN))),
    ),
    "tag value symbol": (
        {"Tags": [{"Key": "k", "Value": "v!"}]},
        ("ValidationException", validation_message(pattern("v!", "tags.1.member.value", TAG_VALUE_PATTERN))),
    ),
    "51 tags": (
        {"Tags": tags(51)},
        ("BadRequest", "A resource can have at most 50 tags; the request has 51."),
    ),
    "duplicate tag keys": (
        {"Tags": [{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]},
        ("BadRequest", "Tag keys must be unique; the key 'k' appears more than once in the request."),
    ),
    "uid too big": ({"PosixUser": {"Uid": 4294967296, "Gid": 0}}, max_value(4294967296, "posixUser.uid")),
    "gid too big": ({"PosixUser": {"Uid": 0, "Gid": 4294967296}}, max_value(4294967296, "posixUser.gid")),
    "uid negative": (
        {"PosixUser": {"Uid": -1, "Gid": 0}},
        ("ValidationException", validation_message(
            violation(-1, "posixUser.uid", "Member must have value greater than or equal to 0"))),
    ),
    "gid missing": (
        {"PosixUser": {"Uid": 0}},
        ("ValidationException", validation_message(violation(None, "posixUser.gid", "Member must not be null"))),
    ),
    "17 secondary gids": (
        {"PosixUser": {"Uid": 0, "Gid": 0, "SecondaryGids": list(range(17))}},
        ("ValidationException", validation_message(violation(
            "[" + ", ".join(map(str, range(17))) + "]", "posixUser.secondaryGids",
            "Member must have length less than or equal to 16"))),
    ),
    "secondary gid too big": (
        {"PosixUser": {"Uid": 0, "Gid": 0, "SecondaryGids": [4294967296]}},
        ("ValidationException", validation_message(violation(
            "[4294967296]", "posixUser.secondaryGids",
            "Member must satisfy constraint: [Member must have value less than or equal to 4294967295, "
            "Member must have value greater than or equal to 0]"))),
    ),
    "path of 5": ({"RootDirectory": {"Path": "/a/b/c/d/e"}}, path_error("/a/b/c/d/e")),
    "path trailing slash": ({"RootDirectory": {"Path": "/a/"}}, path_error("/a/")),
    "path double slash": ({"RootDirectory": {"Path": "//a"}}, path_error("//a")),
    "path dot": ({"RootDirectory": {"Path": "/.x"}}, path_error("/.x")),
    "path relative": ({"RootDirectory": {"Path": "a"}}, path_error("a")),
    "path newline": ({"RootDirectory": {"Path": "/a\n"}}, path_error("/a\n")),
    "path of 101": (
        {"RootDirectory": {"Path": "/" + "a" * 100}},
        ("ValidationException", validation_message(
            violation("/" + "a" * 100, "rootDirectory.path", "Member must have length less than or equal to 100"))),
    ),
    "creation info incomplete": (
        {"RootDirectory": {"CreationInfo": {"OwnerUid": 1}}},
        ("ValidationException", validation_message(
            violation(None, "rootDirectory.creationInfo.ownerGid", "Member must not be null"),
            violation(None, "rootDirectory.creationInfo.permissions", "Member must not be null"))),
    ),
    "permissions digit 8": (
        {"RootDirectory": {"CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "0758"}}},
        ("ValidationException", validation_message(
            pattern("0758", "rootDirectory.creationInfo.permissions", "^[0-7]{3,4}$"))),
    ),
    "permissions of 2": (
        {"RootDirectory": {"CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "75"}}},
        ("ValidationException", validation_message(
            violation("75", "rootDirectory.creationInfo.permissions", "Member must have length greater than or equal to 3"),
            pattern("75", "rootDirectory.creationInfo.permissions", "^[0-7]{3,4}$"))),
    ),
}


@pytest.mark.parametrize("params, expected", REJECTED.values(), ids=REJECTED.keys())
def test_rejected(efs, fs_id, params, expected):
    request = dict({"ClientToken": "tok", "FileSystemId": fs_id}, **params)
    e = raised(efs.create_access_point, **request)
    assert error_of(e) == expected
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.operation_name == "CreateAccessPoint"
    if request["ClientToken"] is None:  # validate fills the token in, as SDKs do, and says so
        assert apsim.validate("efs:CreateAccessPoint", request) == {"Valid": True, "FilledIdempotencyTokens": ["ClientToken"]}
    else:
        assert apsim.validate("efs:CreateAccessPoint", request)["Error"] == dict(zip(("Code", "Message"), expected))
    assert efs.describe_access_points()["AccessPoints"] == []


def test_several_violations_are_reported_together(efs):
    e = raised(efs.create_access_point, ClientToken="x" * 65, FileSystemId="nope")
    assert error_of(e) == ("ValidationException", validation_message(
        violation("x" * 65, "clientToken", "Member must have length less than or equal to 64"),
        pattern("nope", "fileSystemId", FS_ID_PATTERN)))


def test_token_reuse_is_already_exists(efs, fs_id):
    first = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id)
    for params in ({}, {"Tags": [{"Key": "Name", "Value": "other"}]}):  # same parameters or not
        e = raised(efs.create_access_point, ClientToken="tok", FileSystemId=fs_id, **params)
        assert isinstance(e, efs.exceptions.AccessPointAlreadyExists)
        assert error_of(e) == (
            "AccessPointAlreadyExists",
            f"Access point '{first['AccessPointId']}' already exists with client token 'tok'",
        )
        assert e.response["AccessPointId"] == first["AccessPointId"]
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_token_is_per_account_region_not_per_file_system(efs, fs_id):
    other = efs.create_file_system(CreationToken="other")["FileSystemId"]
    first = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id)
    e = raised(efs.create_access_point, ClientToken="tok", FileSystemId=other)
    assert e.response["AccessPointId"] == first["AccessPointId"]


def test_token_is_free_after_delete(efs, fs_id):
    first = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id)
    assert efs.delete_access_point(AccessPointId=first["AccessPointId"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    second = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id)
    assert second["AccessPointId"] != first["AccessPointId"]


def test_idempotent_client_tokens_returns_the_existing_one():
    with apsim.Simulator(seed=1, idempotent_client_tokens=True) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="x")["FileSystemId"]
        tags = [{"Key": "Name", "Value": "a"}]
        first = efs.create_access_point(ClientToken="tok", FileSystemId=fs, Tags=tags)
        again = efs.create_access_point(ClientToken="tok", FileSystemId=fs, Tags=tags)
        assert again["AccessPointId"] == first["AccessPointId"]
        assert again["LifeCycleState"] == "available"
        e = raised(efs.create_access_point, ClientToken="tok", FileSystemId=fs)  # different tags
        assert e.response["Error"]["Code"] == "AccessPointAlreadyExists"


def test_unknown_file_system(efs):
    e = raised(efs.create_access_point, ClientToken="tok", FileSystemId="fs-0123456789abcdef0")
    assert isinstance(e, efs.exceptions.FileSystemNotFound)
    assert error_of(e) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_just_created_file_system_is_usable(efs):
    # With lifecycle on_read, the create call that references the file system settles it, so
    # IncorrectFileSystemLifeCycleState cannot be provoked here.
    fs = efs.create_file_system(CreationToken="new")
    assert fs["LifeCycleState"] == "creating"
    ap = efs.create_access_point(ClientToken="tok", FileSystemId=fs["FileSystemId"])
    assert ap["FileSystemId"] == fs["FileSystemId"]


def test_quota():
    with apsim.Simulator(seed=1, access_points_per_file_system=2) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="x")["FileSystemId"]
        other = efs.create_file_system(CreationToken="y")["FileSystemId"]
        first = efs.create_access_point(ClientToken="1", FileSystemId=fs)
        efs.create_access_point(ClientToken="2", FileSystemId=fs)
        e = raised(efs.create_access_point, ClientToken="3", FileSystemId=fs)
        expect_error(e, efs.exceptions.AccessPointLimitExceeded, "AccessPointLimitExceeded",
                     f"You have reached the maximum number of access points (2) for your file system {fs}. "
                     "Delete an access point and add a new one.", 403)
        efs.create_access_point(ClientToken="3", FileSystemId=other)  # the quota is per file system
        efs.delete_access_point(AccessPointId=first["AccessPointId"])
        efs.create_access_point(ClientToken="4", FileSystemId=fs)


def test_check_order_token_before_file_system(efs, fs_id):
    first = efs.create_access_point(ClientToken="tok", FileSystemId=fs_id)
    e = raised(efs.create_access_point, ClientToken="tok", FileSystemId="fs-0123456789abcdef0")
    assert e.response["Error"]["Code"] == "AccessPointAlreadyExists"
    assert e.response["AccessPointId"] == first["AccessPointId"]
