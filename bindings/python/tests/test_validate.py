"""apsim.validate: the stateless linter (no world, never raises)."""

import apsim
from conftest import FS_ID_PATTERN, pattern, validation_message, violation


def test_valid():
    assert apsim.validate("efs:CreateAccessPoint", {"ClientToken": "t", "FileSystemId": "fs-12345678"}) == {"Valid": True}
    # No world: a file system that exists nowhere is still a valid request.
    assert apsim.validate("efs:DeleteFileSystem", {"FileSystemId": "fs-0123456789abcdef0"}) == {"Valid": True}


def test_missing_members():
    # The idempotency token is filled in as SDKs fill it; the other required member is missing.
    assert apsim.validate("efs:CreateAccessPoint") == {
        "Error": {
            "Code": "ValidationException",
            "Message": validation_message(
                violation(None, "fileSystemId", "Member must not be null"),
            ),
        },
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    assert apsim.validate("efs:CreateFileSystem") == {"Valid": True, "FilledIdempotencyTokens": ["CreationToken"]}
    assert apsim.validate("efs:CreateFileSystem", {"CreationToken": "t"}) == {"Valid": True}


def test_invalid_is_the_aws_envelope():
    doc = apsim.validate("efs:CreateAccessPoint", {"ClientToken": "t", "FileSystemId": "fs-x"})
    assert doc["Error"] == {
        "Code": "ValidationException",
        "Message": validation_message(pattern("fs-x", "fileSystemId", FS_ID_PATTERN)),
    }


def test_stateless_rules_run():
    doc = apsim.validate("efs:DescribeAccessPoints", {"AccessPointId": "fsap-12345678", "FileSystemId": "fs-12345678"})
    assert doc["Error"]["Code"] == "BadRequest"


def test_not_an_object():
    doc = apsim.validate("efs:CreateAccessPoint", [1])
    assert doc["Error"] == {"Code": "SerializationException", "Message": "The request body must be a JSON object, not array."}


def test_unknown_operation():
    doc = apsim.validate("efs:Nope", {})
    assert doc["Error"]["Code"] == "UnknownOperationException"
    assert doc["ResponseMetadata"]["HTTPStatusCode"] == 400
