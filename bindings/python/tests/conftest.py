"""Shared fixtures. The binding is imported from this checkout (bindings/python), not an install."""

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import apsim  # noqa: E402


def pytest_configure(config):
    # The apsim_aws fixture: the installed package registers it through its pytest11 entry point;
    # this checkout is not installed, so register it here (unless the entry point already did).
    if not config.pluginmanager.has_plugin("apsim"):
        config.pluginmanager.import_plugin("apsim.pytest_plugin")

START = 1700000000  # 2023-11-14T22:13:20Z
ACCOUNT = "123456789012"
REGION = "us-east-1"

FS_ID_PATTERN = r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$"
AP_ID_PATTERN = r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$"
TAG_KEY_PATTERN = r"^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"
TAG_VALUE_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
SUBNET = "subnet-0123456789abcdef0"
ZFS = {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}  # HA, 160 MBps: 4 attachments
PATH_PATTERN = r"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$"


def violation(value, path, constraint):
    """One violation in the Coral form the library writes (value None prints as null)."""
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def validation_message(*violations):
    n = len(violations)
    return f"{n} validation error{'' if n == 1 else 's'} detected: " + "; ".join(violations)


def pattern(value, path, regex):
    return violation(value, path, f"Member must satisfy regular expression pattern: {regex}")


def raised(fn, **kwargs):
    """The ClientError a call raises (botocore's or apsim's); fails the test if it returns."""
    errors = (apsim.ClientError,)
    try:
        import botocore.exceptions

        errors += (botocore.exceptions.ClientError,)
    except ImportError:
        pass
    with pytest.raises(errors) as info:
        fn(**kwargs)
    return info.value


def error_of(exc):
    return exc.response["Error"]["Code"], exc.response["Error"]["Message"]


@pytest.fixture
def sim():
    with apsim.Simulator(seed=1, start_time=START) as s:
        yield s


@pytest.fixture
def efs(sim):
    return sim.client("efs")


@pytest.fixture
def fs_id(efs):
    return efs.create_file_system(CreationToken="fs-fixture")["FileSystemId"]


@pytest.fixture
def tokens():
    """Fresh client tokens: t1, t2, ..."""
    counter = itertools.count(1)
    return lambda: f"t{next(counter)}"


@pytest.fixture
def no_botocore(monkeypatch):
    """Makes `import botocore` fail for the duration of a test (the binding checks on every use)."""
    monkeypatch.setitem(sys.modules, "botocore", None)
    with pytest.raises(ImportError):
        import botocore.session  # noqa: F401


def check_boto3_modeled_errors(efs, fsx):
    """What boto3 clients served by apsim raise, the same in process (apsim.mock_aws) and over
    HTTP (apsim serve): the modeled exception classes with AWS's codes, messages, extra members and
    statuses. Uses an empty world; creates one file system and one access point."""
    import botocore.exceptions

    fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
    ap = efs.create_access_point(ClientToken="c", FileSystemId=fs)["AccessPointId"]
    with pytest.raises(efs.exceptions.AccessPointAlreadyExists) as e:
        efs.create_access_point(ClientToken="c", FileSystemId=fs)
    assert e.value.response["Error"] == {"Code": "AccessPointAlreadyExists",
                                         "Message": f"Access point '{ap}' already exists with client token 'c'"}
    assert e.value.response["AccessPointId"] == ap
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert e.value.operation_name == "CreateAccessPoint"
    with pytest.raises(efs.exceptions.FileSystemNotFound) as e:
        efs.describe_file_systems(FileSystemId="fs-0123456789abcdef0")
    assert e.value.response["Error"]["Message"] == "File system 'fs-0123456789abcdef0' does not exist."
    with pytest.raises(botocore.exceptions.ClientError) as e:  # botocore does not check max or pattern
        efs.create_access_point(ClientToken="x", FileSystemId=fs, RootDirectory={"Path": "/a/b/c/d/e"})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["Error"]["Message"].startswith(
        "1 validation error detected: Value '/a/b/c/d/e' at 'rootDirectory.path'")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(botocore.exceptions.ParamValidationError):  # botocore's own checks still run
        efs.create_access_point(ClientToken="", FileSystemId=fs)
    with pytest.raises(fsx.exceptions.VolumeNotFound) as e:
        fsx.create_and_attach_s3_access_point(Name="abc", Type="OPENZFS", OpenZFSConfiguration={
            "VolumeId": "fsvol-0123456789abcdef0", "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1, "Gid": 1}}})
    assert e.value.response["Error"]["Message"] == "Volume 'fsvol-0123456789abcdef0' does not exist."
    with pytest.raises(fsx.exceptions.IncompatibleParameterError) as e:
        fsx.create_file_system(ClientRequestToken="t", FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration=ZFS)
        fsx.create_file_system(ClientRequestToken="t", FileSystemType="OPENZFS", SubnetIds=[SUBNET], StorageCapacity=128,
                               OpenZFSConfiguration=ZFS)
    assert e.value.response["Parameter"] == "StorageCapacity"
