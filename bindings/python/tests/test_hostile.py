"""Hostile input through the Python binding, and 8 threads on one Simulator.

Every hostile input is answered with a clear error (botocore's ClientError, apsim's ConfigError or
a ValueError for a malformed HTTP request document), the process stays alive and the world is
unchanged: ``export_state()`` is equal before and after, except ``Random.Requests`` (refused AWS
calls still draw a RequestId, as from AWS). What Python cannot express through the public API
(invalid UTF-8, NULL pointers, duplicate keys, 100,000 nested arrays, 64 MiB documents) goes
through ``apsim._native`` and ctypes directly.
"""

import contextlib
import ctypes
import json
import random
import threading
import time

import pytest

import apsim
from apsim import _native
from conftest import START, error_of, raised

botocore_exceptions = pytest.importorskip("botocore.exceptions")

MISUSE = -1
LIMIT = 4 * 1024 * 1024
HUGE = 64 * 1024 * 1024
NO_FS = "fs-0123456789abcdef0"
TOO_LARGE = "Request too large: more than 4194304 bytes; the limit is 4194304 bytes."
TOO_DEEP = "JSON nesting is deeper than 64 levels."
NOT_UTF8 = "The request is not valid UTF-8."
EFS_MEMBERS = "ClientToken, Tags, FileSystemId, PosixUser, RootDirectory"
FSX_MEMBERS = "ClientRequestToken, Name, Type, OpenZFSConfiguration, OntapConfiguration, S3AccessPoint"
EFS_MISSING = (
    "2 validation errors detected: Value null at 'clientToken' failed to satisfy constraint: Member must not be null; "
    "Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null"
)
# What apsim_validate answers for the same request: the client token is filled in as SDKs fill it.
EFS_MISSING_FILLED = "1 validation error detected: Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null"
FSX_MISSING = (
    "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
    "Value null at 'type' failed to satisfy constraint: Member must not be null"
)
ZFS_UID = "openZFSConfiguration.fileSystemIdentity.posixUser.uid"
FSX_TARGET = "AWSSimbaAPIService_v20180301."
HTTP_BAD_METHOD = 'Invalid HTTP request document: "method" must be a string such as "POST".'


def unknown_operation(name, hint=None):
    did_you_mean = f" Did you mean '{hint}'?" if hint else ""
    return (
        f"Unknown operation '{name}'.{did_you_mean} Operations are named '<service>:<Operation>', e.g. 'efs:CreateAccessPoint'; "
        "'apsim:ListOperations' lists them."
    )


# ---- The world and its state ---------------------------------------------------------------------


class World:
    """A Simulator with one of everything: an EFS file system and access point (token t-1), an FSx
    for OpenZFS HA file system and an attachment "ap-one" on its root volume, all settled."""

    def __init__(self):
        self.sim = apsim.Simulator(seed=7, start_time=START)
        sim = self.sim
        self.fs = sim.call("efs:CreateFileSystem", {"CreationToken": "hostile"})["FileSystemId"]
        self.ap = sim.call(
            "efs:CreateAccessPoint",
            {"ClientToken": "t-1", "FileSystemId": self.fs, "Tags": [{"Key": "Name", "Value": "one"}],
             "PosixUser": {"Uid": 1000, "Gid": 1000}, "RootDirectory": {"Path": "/data"}},
        )["AccessPointId"]
        zfs = sim.call(
            "fsx:CreateFileSystem",
            {"FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "StorageCapacity": 64,
             "OpenZFSConfiguration": {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}},
        )["FileSystem"]
        self.zfs = zfs["FileSystemId"]
        self.volume = zfs["OpenZFSConfiguration"]["RootVolumeId"]
        sim.call("fsx:DescribeVolumes")
        sim.call("fsx:CreateAndAttachS3AccessPoint", self.attachment("ap-one"))
        sim.call("fsx:DescribeS3AccessPointAttachments")
        sim.call("efs:DescribeAccessPoints")

    def attachment(self, name, uid=1, gid=1):
        return {"Name": name, "Type": "OPENZFS",
                "OpenZFSConfiguration": {"VolumeId": self.volume,
                                         "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": uid, "Gid": gid}}}}

    @property
    def handle(self):
        return ctypes.c_void_p(self.sim._handle)

    def check_alive(self):
        ap = self.sim.call("efs:DescribeAccessPoints", {"AccessPointId": self.ap})["AccessPoints"][0]
        assert (ap["ClientToken"], ap["LifeCycleState"]) == ("t-1", "available")
        att = self.sim.call("fsx:DescribeS3AccessPointAttachments", {"Names": ["ap-one"]})["S3AccessPointAttachments"][0]
        assert att["Lifecycle"] == "AVAILABLE"


@pytest.fixture
def world():
    w = World()
    yield w
    w.check_alive()
    w.sim.close()


def state(sim, exact=False):
    """export_state(), without Random.Requests unless exact."""
    document = sim.export_state()
    if not exact:
        del document["Random"]["Requests"]
    return document


@contextlib.contextmanager
def unchanged(sim, exact=False):
    before = state(sim, exact)
    yield
    assert state(sim, exact) == before, "the world changed"


# ---- Raw calls through ctypes ----------------------------------------------------------------------


def raw(fn_name, *args, sentinel=False):
    """Calls an apsim function with raw ctypes arguments: (rc, parsed document or None).

    With sentinel, the out pointer starts non-NULL (and is never freed unless the library set it),
    so a test sees whether the library reset it."""
    lib = _native.library()
    start = 0x1234 if sentinel else None
    out = ctypes.c_void_p(start)
    rc = getattr(lib, fn_name)(ctypes.byref(out), *args)
    if sentinel and out.value == start:
        return rc, "untouched"
    return rc, _native.take_document(lib, out)


def assert_envelope(rc, doc, status, code, message):
    assert rc == status
    assert doc["Error"] == {"Code": code, "Message": message}
    assert doc["ResponseMetadata"]["HTTPStatusCode"] == status


def expect_all(w, op, request, status, code, message, validated=None):
    """`request` (bytes or None) through apsim_call, apsim_call_in, the shorthand and apsim_validate:
    the same envelope everywhere (apsim_validate's message is ``validated`` when it differs: it fills
    absent idempotency tokens in, as SDKs do), the world unchanged."""
    op_bytes = op if isinstance(op, bytes) else op.encode()
    calls = [("apsim_call", (w.handle, op_bytes, request)),
             ("apsim_call_in", (w.handle, None, None, op_bytes, request))]
    if op_bytes == b"efs:CreateAccessPoint":
        calls.append(("apsim_efs_create_access_point", (w.handle, request)))
    if op_bytes == b"fsx:CreateAndAttachS3AccessPoint":
        calls.append(("apsim_fsx_create_and_attach_s3_access_point", (w.handle, request)))
    for fn_name, args in calls:
        with unchanged(w.sim):
            rc, doc = raw(fn_name, *args)
        assert_envelope(rc, doc, status, code, message)
    rc, doc = raw("apsim_validate", op_bytes, request)
    assert_envelope(rc, doc, status, code, validated or message)
    assert "RequestId" not in doc["ResponseMetadata"]


def expect_raised(w, fn, code, message, **kwargs):
    """A public-API call raises botocore's ClientError with code and message; the world is unchanged."""
    with unchanged(w.sim):
        exc = raised(fn, **kwargs)
    assert isinstance(exc, botocore_exceptions.ClientError)
    assert error_of(exc) == (code, message)
    return exc


def expect_http_refused(w, request, message):
    """apsim_http with a malformed request document (bytes): 400, an envelope, not even a RequestId drawn."""
    with unchanged(w.sim, exact=True):
        rc, doc = raw("apsim_http", w.handle, request)
    assert_envelope(rc, doc, 400, "SerializationException", message)


def expect_http_error(w, request, status, code, message, json11):
    """sim.http(request): an AWS error response in the protocol's shape; the world unchanged."""
    with unchanged(w.sim):
        response = w.sim.http(request)
    assert response["status"] == status
    assert response["headers"]["x-amzn-ErrorType"] == code
    body = json.loads(response["body"])
    assert body[("__type" if json11 else "ErrorCode")] == code
    assert body["Message"] == message


def efs_create(body):
    return {"method": "POST", "path": "/2015-02-01/access-points", "body": body}


def fsx_create(body, op="CreateAndAttachS3AccessPoint"):
    return {"method": "POST", "path": "/", "headers": {"X-Amz-Target": FSX_TARGET + op}, "body": body}


def expect_open_refused(config, message, code="InvalidConfiguration"):
    """apsim_open refuses a raw config (bytes) with and without an error out parameter."""
    lib = _native.library()
    handle, error = ctypes.c_void_p(), ctypes.c_void_p()
    rc = lib.apsim_open(ctypes.byref(handle), config, ctypes.byref(error))
    doc = _native.take_document(lib, error)
    assert handle.value is None
    assert_envelope(rc, doc, 400, code, message)
    assert lib.apsim_open(ctypes.byref(handle), config, None) == 400
    assert handle.value is None


# ---- 1. NULL pointers ------------------------------------------------------------------------------


def test_null_pointers(world):
    lib = _native.library()
    w = world
    op, req = b"efs:DescribeFileSystems", b"{}"
    with unchanged(w.sim, exact=True):  # misuse never reaches the world: no RequestId is drawn
        assert lib.apsim_call(None, w.handle, op, req) == MISUSE
        assert raw("apsim_call", None, op, req, sentinel=True) == (MISUSE, None)
        assert raw("apsim_call", w.handle, None, req, sentinel=True) == (MISUSE, None)
        assert raw("apsim_call", None, None, None, sentinel=True) == (MISUSE, None)
        assert lib.apsim_call_in(None, w.handle, None, None, op, req) == MISUSE
        assert raw("apsim_call_in", None, None, None, op, req, sentinel=True) == (MISUSE, None)
        assert raw("apsim_call_in", w.handle, None, None, None, req, sentinel=True) == (MISUSE, None)
        assert lib.apsim_http(None, w.handle, b"{}") == MISUSE
        assert raw("apsim_http", None, b"{}", sentinel=True) == (MISUSE, None)
        assert lib.apsim_validate(None, op, req) == MISUSE
        assert raw("apsim_validate", None, req, sentinel=True) == (MISUSE, None)
        assert lib.apsim_efs_create_access_point(None, w.handle, req) == MISUSE
        assert raw("apsim_efs_create_access_point", None, req, sentinel=True) == (MISUSE, None)
        assert lib.apsim_fsx_create_and_attach_s3_access_point(None, w.handle, req) == MISUSE
        assert raw("apsim_fsx_create_and_attach_s3_access_point", None, req, sentinel=True) == (MISUSE, None)
        error = ctypes.c_void_p(0x1234)
        assert lib.apsim_open(None, b"{}", ctypes.byref(error)) == MISUSE
        assert error.value is None
        assert lib.apsim_open(None, None, None) == MISUSE
        lib.apsim_close(None)
        lib.apsim_string_free(None)
        # The binding turns a misuse into a RuntimeError (a bug in the binding, not the caller's).
        with pytest.raises(RuntimeError, match="APSIM_E_MISUSE"):
            _native.call("apsim_call", None, op, req)
    # NULL where the API allows it: the request ({}), account and region (the defaults), the config.
    expect_all(w, "efs:CreateAccessPoint", None, 400, "ValidationException", EFS_MISSING, EFS_MISSING_FILLED)
    expect_all(w, "fsx:CreateAndAttachS3AccessPoint", None, 400, "BadRequest", FSX_MISSING)
    rc, doc = raw("apsim_call_in", w.handle, None, None, op, None)
    assert rc == 0 and doc["FileSystems"][0]["FileSystemId"] == w.fs
    expect_http_refused(w, None, HTTP_BAD_METHOD)
    handle = ctypes.c_void_p()
    assert lib.apsim_open(ctypes.byref(handle), None, None) == 0 and handle.value
    lib.apsim_close(handle)
    # A closed Simulator refuses calls in Python, before any pointer reaches the library.
    closed = apsim.Simulator()
    closed.close()
    with pytest.raises(ValueError, match="closed"):
        closed.call("efs:DescribeFileSystems")
    with pytest.raises(ValueError, match="closed"):
        closed.http({"method": "GET", "path": "/_apsim/health"})


# ---- 2. The empty string ---------------------------------------------------------------------------


def test_empty_string(world):
    w = world
    expect_all(w, "efs:CreateAccessPoint", b"", 400, "ValidationException", EFS_MISSING, EFS_MISSING_FILLED)
    expect_all(w, "fsx:CreateAndAttachS3AccessPoint", b" \t\r\n", 400, "BadRequest", FSX_MISSING)
    expect_all(w, "", b"{}", 400, "UnknownOperationException", unknown_operation(""))
    expect_raised(w, w.sim.call, "UnknownOperationException", unknown_operation(""), operation="")
    # "" as the request document in Python is the JSON string "".
    expect_raised(w, w.sim.call, "SerializationException", "The request body must be a JSON object, not string.",
                  operation="efs:CreateAccessPoint", params="")
    expect_raised(w, w.sim.call, "ValidationException", "The account ID '' is not valid: it must be 12 digits.",
                  operation="efs:DescribeFileSystems", account_id="")
    expect_raised(w, w.sim.call, "ValidationException", "The region '' is not valid: use a region name such as 'us-east-1'.",
                  operation="efs:DescribeFileSystems", region="")
    efs = w.sim.client("efs")
    expect_raised(w, efs.create_access_point, "ValidationException",
                  "2 validation errors detected: Value '' at 'clientToken' failed to satisfy constraint: Member must have "
                  "length greater than or equal to 1; Value '' at 'clientToken' failed to satisfy constraint: Member must "
                  "satisfy regular expression pattern: .+",
                  ClientToken="", FileSystemId=w.fs)
    assert apsim.validate("", {})["Error"] == {"Code": "UnknownOperationException", "Message": unknown_operation("")}
    # HTTP: an empty body is {}; an empty request document is no HTTP request.
    expect_http_error(w, efs_create(""), 400, "ValidationException", EFS_MISSING, json11=False)
    expect_http_error(w, fsx_create(""), 400, "BadRequest", FSX_MISSING, json11=True)
    expect_http_refused(w, b"", HTTP_BAD_METHOD)
    with unchanged(w.sim, exact=True), pytest.raises(ValueError, match="must be a string such as"):
        w.sim.http({"method": "", "path": "/"})
    with pytest.raises(apsim.ConfigError) as info:
        apsim.Simulator(region="")
    assert info.value.response["Error"] == {"Code": "InvalidConfiguration",
                                            "Message": 'region must be an AWS region name such as "us-east-1".'}
    with apsim.Simulator(**{}) as sim:  # no keys: the defaults
        assert sim.call("efs:DescribeFileSystems")["FileSystems"] == []


# ---- 3. Invalid UTF-8 ------------------------------------------------------------------------------

BAD_UTF8 = [b'{"ClientToken": "\x80"}', b'{"ClientToken": "\xc0\xaf"}', b'{"ClientToken": "\xed\xa0\x80"}',
            b'{"ClientToken": "\xe2\x82"}', b"\xff", b'{"Client\xfeToken": 1}']


@pytest.mark.parametrize("request_bytes", BAD_UTF8)
def test_invalid_utf8(world, request_bytes):
    w = world
    expect_all(w, "efs:CreateAccessPoint", request_bytes, 400, "SerializationException", NOT_UTF8)
    expect_all(w, "fsx:CreateAndAttachS3AccessPoint", request_bytes, 400, "SerializationException", NOT_UTF8)
    expect_http_refused(w, b'{"method": "POST", "path": "/2015-02-01/access-points", "body": "' + request_bytes.replace(b'"', b"'") + b'"}',
                        NOT_UTF8)
    expect_open_refused(request_bytes, "The configuration is not valid UTF-8.")


def test_invalid_utf8_names_and_escapes(world):
    w = world
    expect_all(w, b"efs:Create\xffAccessPoint", b"{}", 400, "UnknownOperationException", unknown_operation("<invalid UTF-8>"))
    with unchanged(w.sim):
        rc, doc = raw("apsim_call_in", w.handle, b"12345678901\xff", None, b"efs:DescribeFileSystems", b"{}")
    assert_envelope(rc, doc, 400, "ValidationException", "The account ID '<invalid UTF-8>' is not valid: it must be 12 digits.")
    with unchanged(w.sim):
        rc, doc = raw("apsim_call_in", w.handle, None, b"us-east-\xc3", b"efs:DescribeFileSystems", b"{}")
    assert_envelope(rc, doc, 400, "ValidationException",
                    "The region '<invalid UTF-8>' is not valid: use a region name such as 'us-east-1'.")
    # Python str cannot carry invalid UTF-8 to the library: a lone surrogate fails to encode.
    with unchanged(w.sim, exact=True), pytest.raises(UnicodeEncodeError):
        w.sim.call("efs:\udcff")
    # A lone surrogate escape in JSON text is refused by the parser (json.dumps writes one).
    message = "Malformed JSON at byte 23: unpaired surrogate in \\u escape."
    expect_raised(w, w.sim.call, "SerializationException", message,
                  operation="efs:CreateAccessPoint", params={"ClientToken": "\udcff"})
    expect_http_error(w, efs_create('{"ClientToken": "\\udcff"}'), 400, "SerializationException",
                      "Malformed JSON at byte 23: unpaired surrogate in \\u escape.", json11=False)


# ---- 4. Non-object JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize("value, type_name", [([], "array"), ([{}], "array"), (1, "number"), (-1.5, "number"),
                                              ("{}", "string"), (True, "boolean")])
def test_non_object_json(world, value, type_name):
    w = world
    message = f"The request body must be a JSON object, not {type_name}."
    expect_raised(w, w.sim.call, "SerializationException", message, operation="efs:CreateAccessPoint", params=value)
    expect_raised(w, w.sim.call, "SerializationException", message, operation="fsx:CreateAndAttachS3AccessPoint", params=value)
    expect_raised(w, w.sim.call, "SerializationException", message, operation="apsim:ExportState", params=value)
    assert apsim.validate("efs:CreateAccessPoint", value)["Error"] == {"Code": "SerializationException", "Message": message}
    expect_all(w, "efs:CreateAccessPoint", json.dumps(value).encode(), 400, "SerializationException", message)
    expect_http_error(w, fsx_create(json.dumps(value)), 400, "SerializationException", message, json11=True)
    expect_http_error(w, efs_create(json.dumps(value)), 400, "SerializationException", message, json11=False)
    with unchanged(w.sim, exact=True), pytest.raises(ValueError, match="^Invalid HTTP request document: it must be a JSON object.$"):
        w.sim.http(value)
    expect_open_refused(json.dumps(value).encode(), f"The configuration must be a JSON object, not {type_name}.")


def test_null_and_malformed_json(world):
    w = world
    # None means {} in the binding; JSON null itself goes raw.
    expect_all(w, "efs:CreateAccessPoint", b"null", 400, "SerializationException", "The request body must be a JSON object, not null.")
    for text, message in [
        (b"{", "Malformed JSON at byte 1: expected a member name."),
        (b"{} {}", "Malformed JSON at byte 3: unexpected data after the JSON document."),
        (b'{"a": 1,}', "Malformed JSON at byte 8: expected a member name."),
        (b"NaN", "Malformed JSON at byte 0: unexpected character."),
    ]:
        expect_all(w, "efs:CreateAccessPoint", text, 400, "SerializationException", message)
        expect_http_refused(w, text, message)
        expect_open_refused(text, "The configuration is not valid JSON: " + message)


# ---- 5. 100,000 nested arrays ----------------------------------------------------------------------


def test_deep_nesting(world):
    w = world
    closed = b"[" * 100000 + b"]" * 100000
    objects = b'{"a":' * 100000 + b"1" + b"}" * 100000
    inside = b'{"ClientToken": "t", "FileSystemId": "' + NO_FS.encode() + b'", "Tags": ' + b"[" * 100000
    for text in (closed, b"[" * 100000, objects, inside):
        expect_all(w, "efs:CreateAccessPoint", text, 400, "SerializationException", TOO_DEEP)
    expect_all(w, "fsx:CreateAndAttachS3AccessPoint", closed, 400, "SerializationException", TOO_DEEP)
    expect_all(w, "efs:CreateAccessPoint", b"[" * 64 + b"]" * 64, 400, "SerializationException",
               "The request body must be a JSON object, not array.")
    expect_all(w, "efs:CreateAccessPoint", b"[" * 65 + b"]" * 65, 400, "SerializationException", TOO_DEEP)
    # json.dumps cannot even build such a document: Python's recursion limit stops it first.
    deep = []
    for _ in range(100000):
        deep = [deep]
    with unchanged(w.sim, exact=True), pytest.raises(RecursionError):
        w.sim.call("efs:CreateAccessPoint", {"Tags": deep})
    # HTTP: deep bodies (strings to the binding), a deep request document, a deep config.
    expect_http_error(w, efs_create(closed.decode()), 400, "SerializationException", TOO_DEEP, json11=False)
    expect_http_error(w, fsx_create(objects.decode()), 400, "SerializationException", TOO_DEEP, json11=True)
    expect_http_refused(w, b'{"method": "POST", "path": "/", "query": ' + closed + b"}", TOO_DEEP)
    expect_open_refused(b'{"state": ' + objects + b"}", "The configuration is not valid JSON: " + TOO_DEEP)


# ---- 6. A 64 MiB request ---------------------------------------------------------------------------


def test_huge_request(world):
    w = world
    # The limit is exact: 4 MiB parses, one byte more is refused.
    at_limit = b'{"ClientToken": "' + b"a" * (LIMIT - 19) + b'"}'
    assert len(at_limit) == LIMIT
    expect_all(w, "efs:CreateAccessPoint", at_limit, 400, "ValidationException",
               "2 validation errors detected: Value '" + "a" * 256 + "...' at 'clientToken' failed to satisfy constraint: "
               "Member must have length less than or equal to 64; Value null at 'fileSystemId' failed to satisfy "
               "constraint: Member must not be null")
    over = b'{"ClientToken": "' + b"a" * (LIMIT - 18) + b'"}'
    expect_all(w, "efs:CreateAccessPoint", over, 400, "SerializationException", TOO_LARGE)
    # 64 MiB through every entry point, as the HTTP request document and as a config.
    huge = b'{"ClientToken": "' + b"a" * (HUGE - 19) + b'"}'
    assert len(huge) == HUGE
    expect_all(w, "efs:CreateAccessPoint", huge, 400, "SerializationException", TOO_LARGE)
    expect_all(w, "fsx:CreateAndAttachS3AccessPoint", huge, 400, "SerializationException", TOO_LARGE)
    expect_http_refused(w, b'{"method": "POST", "path": "/", "body": "' + b"a" * HUGE + b'"}', TOO_LARGE)
    # A config may embed a whole state (bounded at 1 GiB): this one is read and refused for what it says.
    expect_open_refused(b'{"region": "' + b"a" * (HUGE - 14) + b'"}', 'region must be an AWS region name such as "us-east-1".')
    # Through the public API: a 64 MiB member value is encoded and refused the same way.
    expect_raised(w, w.sim.call, "SerializationException", TOO_LARGE,
                  operation="efs:CreateAccessPoint", params={"ClientToken": "a" * HUGE, "FileSystemId": w.fs})
    with unchanged(w.sim), pytest.raises(ValueError, match="^" + TOO_LARGE.replace(".", r"\.") + "$"):
        w.sim.http(efs_create("a" * HUGE))
    assert apsim.validate("efs:CreateAccessPoint", {"ClientToken": "a" * HUGE})["Error"]["Message"] == TOO_LARGE


# ---- 7. Integers beyond 2^64 -------------------------------------------------------------------------


@pytest.mark.parametrize("big", [2**64, 2**64 + 1, 2**63, -(2**63) - 1, 2**128])
def test_integers_beyond_2_64(world, big):
    w = world
    efs = w.sim.client("efs")
    message = f"Invalid value for member 'posixUser.uid': {big} does not fit a 64-bit integer."
    expect_raised(w, efs.create_access_point, "SerializationException", message,
                  ClientToken="t", FileSystemId=w.fs, PosixUser={"Uid": big, "Gid": 1})
    expect_raised(w, w.sim.call, "SerializationException",
                  f"Invalid value for member '{ZFS_UID}': {big} does not fit a 64-bit integer.",
                  operation="fsx:CreateAndAttachS3AccessPoint", params=w.attachment("ap-two", uid=big))
    expect_raised(w, w.sim.call, "SerializationException",
                  f"Invalid value for member 'maxResults': {big} does not fit a 32-bit integer.",
                  operation="efs:DescribeAccessPoints", params={"MaxResults": big})
    expect_raised(w, w.sim.advance_clock, "SerializationException",
                  f"Invalid value for member 'milliseconds': {big} does not fit a 64-bit integer.", milliseconds=big)
    assert apsim.validate("efs:CreateAccessPoint", {"ClientToken": "t", "FileSystemId": NO_FS,
                                                    "PosixUser": {"Uid": big, "Gid": 1}})["Error"]["Message"] == message
    expect_http_error(w, efs_create(json.dumps({"ClientToken": "t", "FileSystemId": w.fs, "PosixUser": {"Uid": big, "Gid": 1}})),
                      400, "SerializationException", message, json11=False)
    expect_http_error(w, {"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": big}}, 400,
                      "SerializationException", f"Invalid value for member 'maxResults': '{big}' is not an integer.", json11=False)
    with pytest.raises(apsim.ConfigError, match="^seed must be an integer from 0 to 9223372036854775807.$"):
        apsim.Simulator(seed=big)


# ---- 8. Negative and fractional numbers where integers belong ----------------------------------------


def test_negative_numbers(world):
    w = world
    efs = w.sim.client("efs")
    expect_raised(w, efs.create_access_point, "ValidationException",
                  "1 validation error detected: Value '-1' at 'posixUser.uid' failed to satisfy constraint: Member must "
                  "have value greater than or equal to 0",
                  ClientToken="t", FileSystemId=w.fs, PosixUser={"Uid": -1, "Gid": 1})
    expect_raised(w, w.sim.call, "BadRequest",
                  f"1 validation error detected: Value '-1' at '{ZFS_UID}' failed to satisfy constraint: Member must have "
                  "value greater than or equal to 0",
                  operation="fsx:CreateAndAttachS3AccessPoint", params=w.attachment("ap-two", uid=-1))
    expect_raised(w, efs.describe_access_points, "ValidationException",
                  "1 validation error detected: Value '-5' at 'maxResults' failed to satisfy constraint: Member must have "
                  "value greater than or equal to 1", MaxResults=-5)
    expect_raised(w, w.sim.advance_clock, "ValidationException",
                  "1 validation error detected: Value '-1' at 'milliseconds' failed to satisfy constraint: Member must "
                  "have value greater than or equal to 0", milliseconds=-1)
    expect_raised(w, w.sim.inject_fault, "ValidationException",
                  "1 validation error detected: Value '-1' at 'count' failed to satisfy constraint: Member must have "
                  "value greater than or equal to 1", operation="*", error_code="X", count=-1)
    expect_http_error(w, {"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": -1}}, 400,
                      "ValidationException",
                      "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must "
                      "have value greater than or equal to 1", json11=False)
    with pytest.raises(apsim.ConfigError, match="^access_points_per_file_system must be an integer from 1 to 1000000000.$"):
        apsim.Simulator(access_points_per_file_system=-1)


@pytest.mark.parametrize("fraction, text", [(1.5, "1.5"), (1.0, "1.0"), (0.0, "0.0"), (-0.5, "-0.5"), (1e2, "100.0"),
                                            (2.5e-3, "0.0025")])
def test_fractional_numbers(world, fraction, text):
    w = world
    efs = w.sim.client("efs")
    expect_raised(w, efs.create_access_point, "SerializationException",
                  f"Invalid value for member 'posixUser.gid': {text} is not an integer.",
                  ClientToken="t", FileSystemId=w.fs, PosixUser={"Uid": 1, "Gid": fraction})
    expect_raised(w, w.sim.call, "SerializationException", f"Invalid value for member '{ZFS_UID}': {text} is not an integer.",
                  operation="fsx:CreateAndAttachS3AccessPoint", params=w.attachment("ap-two", uid=fraction))
    expect_raised(w, efs.describe_access_points, "SerializationException",
                  f"Invalid value for member 'maxResults': {text} is not an integer.", MaxResults=fraction)
    expect_raised(w, w.sim.advance_clock, "SerializationException",
                  f"Invalid value for member 'milliseconds': {text} is not an integer.", milliseconds=fraction)
    expect_http_error(w, {"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": fraction}}, 400,
                      "SerializationException", f"Invalid value for member 'maxResults': '{text}' is not an integer.",
                      json11=False)
    with pytest.raises(apsim.ConfigError):
        apsim.Simulator(access_points_per_file_system=fraction)


# ---- 9. 1e400 --------------------------------------------------------------------------------------


def test_1e400(world):
    w = world
    for text in ("1e400", "-1e400", "1E400", "1e99999999999999999999"):
        body = b'{"ClientToken": "t", "FileSystemId": "%s", "PosixUser": {"Uid": %s, "Gid": 1}}' % (w.fs.encode(), text.encode())
        expect_all(w, "efs:CreateAccessPoint", body, 400, "SerializationException",
                   f"Invalid value for member 'posixUser.uid': {text} is not an integer.")
        expect_all(w, "apsim:InjectFault", b'{"Operation": "*", "ErrorCode": "X", "Probability": %s}' % text.encode(), 400,
                   "SerializationException", f"Invalid value for member 'probability': {text} is not a finite number.")
        expect_all(w, "efs:CreateAccessPoint", b'{"ClientToken": %s}' % text.encode(), 400, "SerializationException",
                   "Invalid type for member 'clientToken': expected a string, got number.")
        expect_http_error(w, efs_create(body.decode()), 400, "SerializationException",
                          f"Invalid value for member 'posixUser.uid': {text} is not an integer.", json11=False)
        expect_http_refused(w, b'{"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": "%s"}, "bad": 1}'
                            % text.encode(),
                            'Invalid HTTP request document: unknown member "bad"; the members are method, path, query, headers, body.')
        expect_http_error(w, {"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": text}}, 400,
                          "SerializationException", f"Invalid value for member 'maxResults': '{text}' is not an integer.",
                          json11=False)
        expect_open_refused(b'{"start_time": %s}' % text.encode(),
                            "start_time must be epoch seconds (a number from 0 to 99999999999).")
    # Python's 1e400 is inf, which json.dumps writes as Infinity: not JSON at all.
    expect_raised(w, w.sim.client("efs").create_access_point, "SerializationException",
                  "Malformed JSON at byte 82: unexpected character.",
                  ClientToken="t", FileSystemId=NO_FS, PosixUser={"Uid": 1e400, "Gid": 1})
    expect_raised(w, w.sim.inject_fault, "SerializationException", "Malformed JSON at byte 52: unexpected character.",
                  operation="*", error_code="X", probability=float("inf"))
    with pytest.raises(apsim.ConfigError, match="^The configuration is not valid JSON: Malformed JSON at byte 15: unexpected character.$"):
        apsim.Simulator(start_time=1e400)


# ---- 10. Duplicate JSON keys -----------------------------------------------------------------------


def test_duplicate_keys(world):
    w = world
    fs = w.fs.encode()
    cases = [
        (b'{"ClientToken": "a", "FileSystemId": "%s", "ClientToken": "b"}' % fs, "ClientToken"),
        (b'{"a": 1, "\\u0061": 2}', "a"),
        (b'{"ClientToken": "t", "FileSystemId": "%s", "RootDirectory": {"Path": "/a", "Path": "/b"}}' % fs, "Path"),
        (b'{"": 1, "": 2}', ""),
        (b"{" + b", ".join(b'"k%d": %d' % (i, i) for i in range(30)) + b', "k20": 0}', "k20"),
    ]
    for text, key in cases:
        message = f'Duplicate member "{key}" in a JSON object.'
        expect_all(w, "efs:CreateAccessPoint", text, 400, "SerializationException", message)
        expect_http_error(w, efs_create(text.decode()), 400, "SerializationException", message, json11=False)
        expect_http_error(w, fsx_create(text.decode()), 400, "SerializationException", message, json11=True)
    expect_http_refused(w, b'{"method": "POST", "path": "/", "method": "GET"}', 'Duplicate member "method" in a JSON object.')
    expect_open_refused(b'{"seed": 1, "seed": 2}', 'The configuration is not valid JSON: Duplicate member "seed" in a JSON object.')
    # A Python dict cannot hold a duplicate: the binding can only send unique keys.
    assert apsim.simulator.encode({"a": 1, "a": 2}) == b'{"a": 2}'  # noqa: F601


# ---- 11. Unknown operations ------------------------------------------------------------------------


# A name only case or up to two edits away from an operation gets it as a hint.
HINTS = {"efs:createAccessPoint": "efs:CreateAccessPoint", "EFS:CreateAccessPoint": "efs:CreateAccessPoint",
         "efs:CreateAccessPoint ": "efs:CreateAccessPoint", "fsx:CreateAccessPoint": "efs:CreateAccessPoint"}


@pytest.mark.parametrize("name", ["efs:Nope", "efs:createAccessPoint", "EFS:CreateAccessPoint", "efs:", ":", "efs",
                                  "s3:CreateBucket", "apsim:Nope", "efs:CreateAccessPoint ", "fsx:CreateAccessPoint"])
def test_unknown_operations(world, name):
    w = world
    message = unknown_operation(name, HINTS.get(name))
    exc = expect_raised(w, w.sim.call, "UnknownOperationException", message, operation=name)
    assert exc.operation_name == (name.partition(":")[2] or name)
    # Reported before the request is looked at.
    expect_all(w, name, b"[", 400, "UnknownOperationException", message)
    assert apsim.validate(name, {})["Error"] == {"Code": "UnknownOperationException", "Message": message}
    with unchanged(w.sim):
        exc = raised(w.sim.call, operation=name, account_id="111122223333", region="eu-west-1")
    assert error_of(exc) == ("UnknownOperationException", message)


def test_unknown_operations_over_http_and_clients(world):
    w = world
    expect_http_error(w, fsx_create("{}", op="Nope"), 400, "UnknownOperationException", unknown_operation("fsx:Nope"), json11=True)
    expect_http_error(w, {"method": "POST", "path": "/", "headers": {"X-Amz-Target": "DynamoDB_20120810.GetItem"}, "body": "{}"},
                      400, "UnknownOperationException",
                      f"Unknown X-Amz-Target 'DynamoDB_20120810.GetItem'; apsim serves {FSX_TARGET}<Operation> (FSx).", json11=True)
    expect_http_error(w, {"method": "PUT", "path": "/2015-02-01/access-points", "body": "{}"}, 404, "UnknownOperationException",
                      "No EFS operation is PUT /2015-02-01/access-points; FSx requests need an X-Amz-Target header.", json11=False)
    expect_http_error(w, {"method": "POST", "path": "/_apsim/Nope", "body": "{}"}, 400, "UnknownOperationException",
                      unknown_operation("apsim:Nope"), json11=True)
    expect_http_error(w, {"method": "GET", "path": "/_apsim/ExportState"}, 405, "MethodNotAllowed",
                      "Control operations are POST /_apsim/<Operation> with a JSON body.", json11=True)
    with pytest.raises(ValueError, match=r"^Unknown service 's3'; apsim serves: apsim, efs, fsx, nfs$"):
        w.sim.client("s3")
    with pytest.raises(AttributeError):
        w.sim.client("efs").create_bucket()


# ---- 12. Unknown members ---------------------------------------------------------------------------


def test_unknown_members(world):
    w = world
    efs = w.sim.client("efs")
    expect_raised(w, efs.create_access_point, "ValidationException",
                  f'Unknown parameter in input: "Bogus", must be one of: {EFS_MEMBERS}', ClientToken="t", FileSystemId=w.fs, Bogus=1)
    expect_raised(w, efs.create_access_point, "ValidationException",
                  f'Unknown parameter in input: "clientToken", must be one of: {EFS_MEMBERS}', clientToken="t", FileSystemId=w.fs)
    expect_raised(w, efs.create_access_point, "ValidationException",
                  'Unknown parameter in RootDirectory: "Mode", must be one of: Path, CreationInfo',
                  ClientToken="t", FileSystemId=w.fs, RootDirectory={"Path": "/a", "Mode": 1})
    expect_raised(w, efs.create_access_point, "ValidationException",
                  'Unknown parameter in Tags[1]: "Colour", must be one of: Key, Value', ClientToken="t", FileSystemId=w.fs,
                  Tags=[{"Key": "k", "Value": "v"}, {"Key": "k2", "Value": "v", "Colour": "red"}])
    expect_raised(w, w.sim.call, "ValidationException", f'Unknown parameter in input: "Bogus", must be one of: {FSX_MEMBERS}',
                  operation="fsx:CreateAndAttachS3AccessPoint", params={**w.attachment("ap-two"), "Bogus": {}})
    expect_raised(w, w.sim.call, "ValidationException", 'Unknown parameter in input: "Seconds", must be one of: Milliseconds',
                  operation="apsim:AdvanceClock", params={"Milliseconds": 1, "Seconds": 1})
    expect_http_error(w, fsx_create(json.dumps({**w.attachment("ap-two"), "Bogus": 1})), 400, "ValidationException",
                      f'Unknown parameter in input: "Bogus", must be one of: {FSX_MEMBERS}', json11=True)
    with unchanged(w.sim, exact=True), pytest.raises(ValueError, match='unknown member "Method"'):
        w.sim.http({"method": "GET", "path": "/_apsim/health", "Method": "GET"})
    with pytest.raises(apsim.ConfigError, match="^Unknown configuration key 'Seed'"):
        apsim.Simulator(Seed=1)


# ---- 13. Strings with NUL escapes ------------------------------------------------------------------


def test_nul_escapes(world):
    w = world
    efs = w.sim.client("efs")
    # A NUL is a character like any other in a client token (its pattern is ".+").
    before = state(w.sim)
    ap = efs.create_access_point(ClientToken="a\x00b", FileSystemId=w.fs)
    assert ap["ClientToken"] == "a\x00b"
    assert state(w.sim) != before  # accepted: the world did change
    exc = raised(efs.create_access_point, ClientToken="a\x00b", FileSystemId=w.fs)
    assert isinstance(exc, efs.exceptions.AccessPointAlreadyExists)
    assert error_of(exc) == ("AccessPointAlreadyExists",
                             f"Access point '{ap['AccessPointId']}' already exists with client token 'a\x00b'")
    assert efs.create_access_point(ClientToken="a\x00c", FileSystemId=w.fs)["ClientToken"] == "a\x00c"
    assert efs.describe_access_points(AccessPointId=ap["AccessPointId"])["AccessPoints"][0]["ClientToken"] == "a\x00b"
    assert apsim.validate("efs:CreateAccessPoint", {"ClientToken": "\x00", "FileSystemId": NO_FS}) == {"Valid": True}
    # Elsewhere a NUL breaks a pattern or names an unknown member.
    expect_raised(w, efs.create_access_point, "ValidationException",
                  f"1 validation error detected: Value '{w.fs}\x00' at 'fileSystemId' failed to satisfy constraint: Member "
                  "must satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/"
                  "fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$",
                  ClientToken="z", FileSystemId=w.fs + "\x00")
    expect_raised(w, w.sim.call, "ValidationException",
                  f'Unknown parameter in input: "Client\x00Token", must be one of: {EFS_MEMBERS}',
                  operation="efs:CreateAccessPoint", params={"Client\x00Token": "z"})
    expect_raised(w, w.sim.call, "BadRequest",
                  "1 validation error detected: Value 'ab\x00c' at 'name' failed to satisfy constraint: Member must satisfy "
                  "regular expression pattern: ^(?=[a-z0-9])[a-z0-9-]{1,48}[a-z0-9]$",
                  operation="fsx:CreateAndAttachS3AccessPoint", params=w.attachment("ab\x00c"))
    expect_http_error(w, {"method": "DELETE", "path": "/2015-02-01/access-points/fsap-%00"}, 400, "ValidationException",
                      "1 validation error detected: Value 'fsap-\x00' at 'accessPointId' failed to satisfy constraint: Member "
                      "must satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/"
                      "fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$", json11=False)
    with pytest.raises(apsim.ConfigError, match="^region must be an AWS region name"):
        apsim.Simulator(region="us-east-1\x00")
    with pytest.raises(apsim.ConfigError, match="^state_file must be a file path.$"):
        apsim.Simulator(state_file="/tmp/apsim\x00x")


@pytest.mark.parametrize("kwargs", [{"operation": "efs:DescribeFileSystems\x00garbage"},
                                    {"operation": "efs:DescribeFileSystems", "account_id": "123456789012\x00x"},
                                    {"operation": "efs:DescribeFileSystems", "region": "us-east-1\x00x"}])
def test_nul_in_names_is_refused(world, kwargs):
    # ctypes would cut the name at the NUL and run another operation: the binding refuses it.
    with unchanged(world.sim, exact=True), pytest.raises(ValueError, match="contains a NUL character"):
        world.sim.call(**kwargs)


# ---- 14. Python threads: 8 x 500 calls on one Simulator ---------------------------------------------

QUOTA = 6
THREADS = 8
CALLS = 500
TOKENS = 24
NAMES = 12


def test_threads_share_one_simulator():
    sim = apsim.Simulator(seed=5, start_time=START, access_points_per_file_system=QUOTA, s3_access_points_per_region=6)
    shared = [sim.call("efs:CreateFileSystem", {"CreationToken": f"fs-{i}"})["FileSystemId"] for i in range(3)]
    zfs = sim.call("fsx:CreateFileSystem", {
        "FileSystemType": "OPENZFS", "SubnetIds": ["subnet-0123456789abcdef0"], "StorageCapacity": 64,
        "OpenZFSConfiguration": {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}})["FileSystem"]
    volume = zfs["OpenZFSConfiguration"]["RootVolumeId"]
    sim.call("efs:DescribeFileSystems")
    sim.call("fsx:DescribeVolumes")
    ring, ring_lock = [None] * 32, threading.Lock()
    ClientError = botocore_exceptions.ClientError
    results = []

    def worker(index):
        rng = random.Random(index)
        seen = {"creates": [], "deletes": 0, "fsx_new": 0, "fsx_detaches": 0, "problems": [], "calls": 0, "limit": 0}

        def call(op, params=None):
            seen["calls"] += 1
            try:
                return sim.call(op, params), None
            except ClientError as exc:
                return None, exc.response["Error"]["Code"]

        while seen["calls"] < CALLS:
            r = rng.randrange(100)
            if r < 30:
                fs = shared[rng.choice((0, 0, 0, 1, 1, 2))]
                token = f"tok-{rng.randrange(TOKENS)}"
                doc, code = call("efs:CreateAccessPoint", {"ClientToken": token, "FileSystemId": fs})
                if doc is not None:
                    seen["creates"].append(doc["AccessPointId"])
                    if (doc["ClientToken"], doc["FileSystemId"]) != (token, fs):
                        seen["problems"].append(f"create answered {doc['ClientToken']} on {doc['FileSystemId']}")
                    with ring_lock:
                        ring[rng.randrange(len(ring))] = doc["AccessPointId"]
                elif code == "AccessPointLimitExceeded":
                    seen["limit"] += 1
                elif code != "AccessPointAlreadyExists":
                    seen["problems"].append(f"create: {code}")
            elif r < 45:
                fs = rng.choice(shared + [None])
                params, ids, pages = {"MaxResults": rng.randint(1, 4)}, [], 0
                if fs:
                    params["FileSystemId"] = fs
                while True:
                    doc, code = call("efs:DescribeAccessPoints", params)
                    pages += 1
                    if doc is None:
                        seen["problems"].append(f"walk: {code}")
                        break
                    for ap in doc["AccessPoints"]:
                        if fs and ap["FileSystemId"] != fs:
                            seen["problems"].append(f"walk of {fs} returned one of {ap['FileSystemId']}")
                        ids.append(ap["AccessPointId"])
                    if "NextToken" not in doc or pages > 10000:
                        break
                    params["NextToken"] = doc["NextToken"]
                if len(ids) != len(set(ids)):
                    seen["problems"].append(f"walk returned an ID twice: {ids}")
            elif r < 50:
                fs = rng.choice(shared)
                doc, code = call("efs:DescribeAccessPoints", {"FileSystemId": fs, "MaxResults": 1000})
                if doc is None or len(doc["AccessPoints"]) > QUOTA:
                    seen["problems"].append(f"snapshot of {fs}: {code or len(doc['AccessPoints'])}")
            elif r < 62:
                with ring_lock:
                    victim = ring[rng.randrange(len(ring))]
                if victim:
                    doc, code = call("efs:DeleteAccessPoint", {"AccessPointId": victim})
                    if doc is not None:
                        seen["deletes"] += 1
                    elif code != "AccessPointNotFound":
                        seen["problems"].append(f"delete: {code}")
            elif r < 72:
                with ring_lock:
                    target = ring[rng.randrange(len(ring))]
                if target:
                    key = f"k{rng.randrange(4)}"
                    if rng.random() < 0.6:
                        doc, code = call("efs:TagResource", {"ResourceId": target, "Tags": [{"Key": key, "Value": str(index)}]})
                    else:
                        doc, code = call("efs:UntagResource", {"ResourceId": target, "TagKeys": [key]})
                    if doc is None and code != "AccessPointNotFound":
                        seen["problems"].append(f"tag: {code}")
            elif r < 86:
                name = f"ap-{rng.randrange(NAMES):02d}"
                params = {"Name": name, "Type": "OPENZFS", "OpenZFSConfiguration": {
                    "VolumeId": volume, "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1, "Gid": 1}}}}
                if rng.random() < 0.5:
                    params["ClientRequestToken"] = "ct-" + name
                doc, code = call("fsx:CreateAndAttachS3AccessPoint", params)
                if doc is not None and doc["S3AccessPointAttachment"]["Lifecycle"] == "CREATING":
                    seen["fsx_new"] += 1
                elif doc is None and code not in ("AccessPointAlreadyOwnedByYou", "TooManyAccessPoints"):
                    seen["problems"].append(f"attach: {code}")
            elif r < 93:
                doc, code = call("fsx:DetachAndDeleteS3AccessPoint", {"Name": f"ap-{rng.randrange(NAMES):02d}"})
                if doc is not None:
                    seen["fsx_detaches"] += 1
                elif code != "S3AccessPointAttachmentNotFound":
                    seen["problems"].append(f"detach: {code}")
            else:
                doc, code = call("fsx:DescribeS3AccessPointAttachments")
                live = [a for a in (doc or {}).get("S3AccessPointAttachments", []) if a["Lifecycle"] != "DELETING"]
                names = [a["Name"] for a in (doc or {}).get("S3AccessPointAttachments", [])]
                if doc is None or len(live) > 4 or len(names) != len(set(names)):
                    seen["problems"].append(f"fsx snapshot: {code or names}")
        results.append(seen)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert len(results) == THREADS
    problems = [p for r in results for p in r["problems"]]
    assert problems == []
    calls = sum(r["calls"] for r in results)
    assert calls >= THREADS * CALLS
    print(f"python threads: {calls} calls in {elapsed:.2f} s ({calls / elapsed:.0f} calls/s)")

    created = [i for r in results for i in r["creates"]]
    assert len(created) == len(set(created)), "an AccessPointId was created twice"
    assert sum(r["limit"] for r in results) > 0  # the quota was reached
    final = sim.call("efs:DescribeAccessPoints", {"MaxResults": 10000})
    assert "NextToken" not in final
    aps = final["AccessPoints"]
    ids = [ap["AccessPointId"] for ap in aps]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(created)
    tokens = [ap["ClientToken"] for ap in aps]
    assert len(tokens) == len(set(tokens)), "two live access points share a client token"
    for fs in shared:
        assert sum(ap["FileSystemId"] == fs for ap in aps) <= QUOTA
    assert len(aps) == len(created) - sum(r["deletes"] for r in results)
    for ap in aps:
        keys = [t["Key"] for t in ap["Tags"]]
        assert len(keys) == len(set(keys))

    attachments = sim.call("fsx:DescribeS3AccessPointAttachments")["S3AccessPointAttachments"]
    names = [a["Name"] for a in attachments]
    assert len(names) == len(set(names))
    live = [a for a in attachments if a["Lifecycle"] != "DELETING"]
    assert len(live) <= 4
    fsx_new = sum(r["fsx_new"] for r in results)
    assert len(live) <= fsx_new and fsx_new - len(live) <= sum(r["fsx_detaches"] for r in results)
    sim.close()
