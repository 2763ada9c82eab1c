"""The boto3-like surface: method names, keyword-only calls, datetimes, exceptions, and the
fallbacks without botocore."""

import datetime
import json
import pathlib

import pytest

import apsim
from conftest import START, error_of, raised

EFS_METHODS = {
    "create_access_point", "create_file_system", "delete_access_point", "delete_file_system",
    "describe_access_points", "describe_file_systems", "list_tags_for_resource", "tag_resource", "untag_resource",
}


def test_method_names(efs):
    assert EFS_METHODS <= {name for name in dir(efs) if not name.startswith("_")}
    assert efs.create_access_point.__name__ == "create_access_point"


def committed_model(service):
    """The botocore service model apsim is generated from (models/, hermetic: not the installed botocore's)."""
    model = pathlib.Path(__file__).resolve().parents[3] / "models" / service / "service-2.json"
    if not model.exists():
        pytest.skip("not run from a source tree")
    from botocore.model import ServiceModel

    return ServiceModel(json.loads(model.read_text()), service_name=service)


def test_method_names_match_botocore(efs):
    pytest.importorskip("botocore")
    from botocore import xform_name

    model = committed_model("efs")
    assert set(efs._operation_names.values()) == set(model.operation_names)
    for py_name, operation in efs._operation_names.items():
        assert xform_name(operation) == py_name


def test_keyword_arguments_only(efs):
    with pytest.raises(TypeError, match=r"^create_file_system\(\) only accepts keyword arguments\.$"):
        efs.create_file_system("x")


def test_response_metadata(efs):
    meta = efs.describe_file_systems()["ResponseMetadata"]
    assert set(meta) == {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}
    assert (meta["HTTPStatusCode"], meta["HTTPHeaders"], meta["RetryAttempts"]) == (200, {}, 0)


def test_creation_time_as_boto3_parses_it():
    utils = pytest.importorskip("botocore.utils")
    tz = pytest.importorskip("dateutil.tz")
    with apsim.Simulator(seed=1, start_time=START + 0.5) as sim:
        efs = sim.client("efs")
        created = efs.create_file_system(CreationToken="x")["CreationTime"]
        assert created == utils.parse_timestamp(START + 0.5)
        assert isinstance(created.tzinfo, tz.tzlocal)  # what boto3 gives
        assert created.timestamp() == START + 0.5
        [described] = efs.describe_file_systems()["FileSystems"]
        assert described["CreationTime"] == created


def test_errors_are_botocore_client_errors(efs):
    exceptions = pytest.importorskip("botocore.exceptions")
    e = raised(efs.delete_file_system, FileSystemId="fs-0123456789abcdef0")
    assert type(e) is efs.exceptions.FileSystemNotFound
    assert isinstance(e, exceptions.ClientError)
    assert e.operation_name == "DeleteFileSystem"
    assert str(e) == (
        "An error occurred (FileSystemNotFound) when calling the DeleteFileSystem operation: "
        "File system 'fs-0123456789abcdef0' does not exist."
    )
    assert e.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert efs.exceptions.from_code("FileSystemNotFound") is efs.exceptions.FileSystemNotFound
    assert efs.exceptions.ClientError is exceptions.ClientError


def test_unmodeled_code_is_plain_client_error(efs):
    exceptions = pytest.importorskip("botocore.exceptions")
    e = raised(efs.create_access_point, ClientToken="t", FileSystemId=123)
    assert type(e) is exceptions.ClientError
    assert error_of(e) == ("SerializationException", "Invalid type for member 'fileSystemId': expected a string, got number.")


def test_unknown_parameter(efs):
    e = raised(efs.create_access_point, ClientToken="t", FileSystemId="fs-12345678", Foo=1)
    assert isinstance(e, efs.exceptions.ValidationException)
    assert error_of(e) == (
        "ValidationException",
        'Unknown parameter in input: "Foo", must be one of: ClientToken, Tags, FileSystemId, PosixUser, RootDirectory',
    )
    e = raised(efs.create_access_point, ClientToken="t", FileSystemId="fs-12345678", PosixUser={"Uid": 1, "Gid": 1, "Gids": []})
    assert error_of(e)[1] == 'Unknown parameter in PosixUser: "Gids", must be one of: Uid, Gid, SecondaryGids'


@pytest.mark.parametrize("params, message", [
    ({"ClientToken": "t", "FileSystemId": ["fs-12345678"]}, "Invalid type for member 'fileSystemId': expected a string, got array."),
    ({"ClientToken": "t", "FileSystemId": "fs-12345678", "PosixUser": {"Uid": "0", "Gid": 0}},
     "Invalid type for member 'posixUser.uid': expected an integer, got string."),
    ({"ClientToken": "t", "FileSystemId": "fs-12345678", "PosixUser": {"Uid": 1.5, "Gid": 0}},
     "Invalid value for member 'posixUser.uid': 1.5 is not an integer."),
    ({"ClientToken": "t", "FileSystemId": "fs-12345678", "Tags": {"Key": "k"}},
     "Invalid type for member 'tags': expected an array, got object."),
])
def test_wrong_type_is_serialization_exception(efs, params, message):
    e = raised(efs.create_access_point, **params)
    assert error_of(e) == ("SerializationException", message)
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_tags_round_trip(efs, fs_id):
    ap = efs.create_access_point(ClientToken="t", FileSystemId=fs_id)["AccessPointId"]
    efs.tag_resource(ResourceId=ap, Tags=[{"Key": "Name", "Value": "x"}, {"Key": "b", "Value": "1"}])
    assert efs.list_tags_for_resource(ResourceId=ap)["Tags"] == [{"Key": "Name", "Value": "x"}, {"Key": "b", "Value": "1"}]
    assert efs.describe_access_points(AccessPointId=ap)["AccessPoints"][0]["Name"] == "x"
    efs.untag_resource(ResourceId=ap, TagKeys=["Name", "absent"])
    assert efs.list_tags_for_resource(ResourceId=ap)["Tags"] == [{"Key": "b", "Value": "1"}]


# ---- without botocore ------------------------------------------------------------------------


def test_fallback_errors(no_botocore, efs):
    e = raised(efs.delete_file_system, FileSystemId="fs-0123456789abcdef0")
    assert isinstance(e, apsim.ClientError)
    assert isinstance(e, efs.exceptions.FileSystemNotFound)
    assert type(e) is efs.exceptions.from_code("FileSystemNotFound")
    assert efs.exceptions.ClientError is apsim.ClientError
    assert e.operation_name == "DeleteFileSystem"
    assert str(e) == (
        "An error occurred (FileSystemNotFound) when calling the DeleteFileSystem operation: "
        "File system 'fs-0123456789abcdef0' does not exist."
    )
    assert e.response["ResponseMetadata"]["HTTPHeaders"] == {}


def test_fallback_creation_time_is_utc(no_botocore, efs):
    created = efs.create_file_system(CreationToken="x")["CreationTime"]
    assert created == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    assert created.tzinfo is datetime.timezone.utc
    [described] = efs.describe_file_systems()["FileSystems"]
    assert described["CreationTime"] == created


def test_fallback_name_converter(no_botocore):
    from apsim._botocore import xform_name

    assert [xform_name(n) for n in ("CreateAccessPoint", "DescribeFileSystems", "ListTagsForResource")] == [
        "create_access_point", "describe_file_systems", "list_tags_for_resource"]
