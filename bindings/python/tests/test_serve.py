"""End-to-end tests of the `apsim` executable.

`apsim serve` behind the real AWS CLI, boto3 clients with `endpoint_url`, urllib (the control
endpoints) and raw sockets (malformed requests, body limits, many connections, load, kill -9
durability, graceful stop); `apsim validate` and `apsim call` as subprocesses.

The executable is APSIM_CLI, else <repo>/build/bin/apsim (`make cli`). Every server listens on
127.0.0.1 with --port 0; every wait is bounded and a server that does not stop in time is killed.
APSIM_LOAD_REQUESTS sets the requests per connection of the load test (default 200; 2000 is the
benchmark's size).
"""
import datetime
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import botocore.exceptions
import pytest

import apsim
from conftest import (ACCOUNT, CLI, READY, READY_TIMEOUT, SUBNET, ZFS, aws_run, check_boto3_every_operation,
                      check_boto3_modeled_errors, efs_scenario, fsx_scenario, read_line, requires_cli, run)

sys.path.insert(0, str(Path(__file__).resolve().parent))

START = 1700000000
UNKNOWN_FS = "fs-0123456789abcdef0"
POSIX = {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000}}

pytestmark = requires_cli

# ---------------------------------------------------------------------------------------------
# The server process (Server and the serve and server fixtures are in conftest.py)


@pytest.fixture
def workdir():
    """A scratch directory removed afterwards (pytest's tmp_path keeps old runs around)."""
    with tempfile.TemporaryDirectory(prefix="apsim-serve-") as d:
        yield Path(d)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    """Dummy credentials only: no AWS_* variable and no ~/.aws file reaches a client."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Wire:
    """One keep-alive http.client connection speaking both wire protocols (unsigned: the world's
    default account and region)."""

    def __init__(self, port, timeout=60):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def send(self, method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        self.conn.request(method, path, body=data, headers=headers or {})
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else {})

    def efs(self, method, path, body=None):
        return self.send(method, "/2015-02-01/" + path, body, {"Content-Type": "application/json"})

    def fsx(self, operation, body=None):
        return self.send("POST", "/", body or {}, {"X-Amz-Target": "AWSSimbaAPIService_v20180301." + operation,
                                                    "Content-Type": "application/x-amz-json-1.1"})

    def create_fs(self, token):
        status, doc = self.efs("POST", "file-systems", {"CreationToken": token})
        assert status == 201, doc
        return doc["FileSystemId"]

    def access_points(self, fs_id, page=100):
        """Every access point of a file system, paging with NextToken."""
        items, token = [], None
        while True:
            path = f"access-points?FileSystemId={fs_id}&MaxResults={page}"
            status, doc = self.efs("GET", path + (f"&NextToken={urllib.request.quote(token)}" if token else ""))
            assert status == 200, doc
            items += doc["AccessPoints"]
            token = doc.get("NextToken")
            if not token:
                return items

    def close(self):
        self.conn.close()


def raw_exchange(port, data, timeout=10):
    """Sends bytes on a fresh connection and reads until the response is complete or the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return read_response(s)


_unread = weakref.WeakKeyDictionary()  # socket -> bytes received past the response last read


def read_response(s):
    """(status, headers, body) of one HTTP response on a socket (Content-Length framing). Bytes of
    later (pipelined) responses that arrive with it are kept for the next call."""
    buf = _unread.pop(s, b"")
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a response head: {buf!r}")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a response body")
        body += chunk
    if len(body) > length:
        _unread[s] = body[length:]
    return status, headers, body[:length]


def http_request(method, path, body=b"", headers=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---------------------------------------------------------------------------------------------
# The real AWS CLI (the aws_cli fixture and aws_run are in conftest.py)


def test_aws_cli_efs(aws_cli, serve):
    server = serve("--log-level", "info")
    fs = aws_run(aws_cli, server, "efs", "create-file-system", "--creation-token", "cli-fs",
                 "--tags", "Key=Name,Value=cli")
    fs_id = fs["FileSystemId"]
    assert re.fullmatch(r"fs-[0-9a-f]{17}", fs_id) and fs["LifeCycleState"] == "creating"
    ap = aws_run(aws_cli, server, "efs", "create-access-point", "--client-token", "cli-ap", "--file-system-id", fs_id,
                 "--root-directory", json.dumps({"Path": "/data", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000,
                                                                                    "Permissions": "0755"}}),
                 "--posix-user", json.dumps({"Uid": 1000, "Gid": 1000, "SecondaryGids": [2000]}),
                 "--tags", "Key=team,Value=storage", "Key=Name,Value=cli-ap")
    assert ap["ClientToken"] == "cli-ap" and ap["FileSystemId"] == fs_id and ap["Name"] == "cli-ap"
    assert ap["RootDirectory"] == {"Path": "/data", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "0755"}}
    assert ap["PosixUser"] == {"Uid": 1000, "Gid": 1000, "SecondaryGids": [2000]}
    assert {"Key": "team", "Value": "storage"} in ap["Tags"]
    assert ap["AccessPointArn"] == f"arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/{ap['AccessPointId']}"
    efs = server.client("efs")
    more = [efs.create_access_point(ClientToken=f"b{i}", FileSystemId=fs_id)["AccessPointId"] for i in range(2)]

    described = aws_run(aws_cli, server, "efs", "describe-file-systems")["FileSystems"]
    assert [(f["FileSystemId"], f["Name"], f["LifeCycleState"]) for f in described] == [(fs_id, "cli", "available")]
    # --max-items pages on the client side, --page-size 1 makes every request a server page.
    first = aws_run(aws_cli, server, "efs", "describe-access-points", "--file-system-id", fs_id,
                    "--max-items", "2", "--page-size", "1")
    assert len(first["AccessPoints"]) == 2 and first.get("NextToken")
    rest = aws_run(aws_cli, server, "efs", "describe-access-points", "--file-system-id", fs_id,
                   "--max-items", "2", "--page-size", "1", "--starting-token", first["NextToken"])
    assert "NextToken" not in rest
    assert [a["AccessPointId"] for a in first["AccessPoints"] + rest["AccessPoints"]] == [ap["AccessPointId"]] + more
    assert len(re.findall(r"GET /2015-02-01/access-points\?\S*MaxResults=1\S* efs:DescribeAccessPoints 200", server.stderr())) >= 3

    deleted = aws_run(aws_cli, server, "efs", "delete-access-point", "--access-point-id", ap["AccessPointId"])
    assert deleted.stdout == ""  # 204, no output
    left = efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]
    assert [a["AccessPointId"] for a in left] == more


def test_aws_cli_fsx(aws_cli, server):
    fs = aws_run(aws_cli, server, "fsx", "create-file-system", "--file-system-type", "OPENZFS",
                 "--subnet-ids", SUBNET, "--open-zfs-configuration", json.dumps(ZFS))["FileSystem"]
    assert fs["FileSystemType"] == "OPENZFS" and fs["OpenZFSConfiguration"]["DeploymentType"] == "SINGLE_AZ_HA_2"
    root = fs["OpenZFSConfiguration"]["RootVolumeId"]
    volume = aws_run(aws_cli, server, "fsx", "create-volume", "--volume-type", "OPENZFS", "--name", "data",
                     "--open-zfs-configuration", json.dumps({"ParentVolumeId": root}))["Volume"]
    assert volume["FileSystemId"] == fs["FileSystemId"] and volume["Name"] == "data"
    attached = aws_run(aws_cli, server, "fsx", "create-and-attach-s3-access-point", "--name", "cli-ap", "--type", "OPENZFS",
                       "--open-zfs-configuration", json.dumps({"VolumeId": volume["VolumeId"], "FileSystemIdentity": POSIX}))
    attachment = attached["S3AccessPointAttachment"]
    assert attachment["Name"] == "cli-ap" and attachment["Lifecycle"] == "CREATING"
    assert attachment["S3AccessPoint"]["ResourceARN"] == "arn:aws:s3:us-east-1:123456789012:accesspoint/cli-ap"
    assert attachment["S3AccessPoint"]["Alias"].endswith("-ext-s3alias")

    # An attachment on another file system, which the filter leaves out.
    fsx = server.client("fsx")
    other = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration=ZFS)["FileSystem"]
    fsx.create_and_attach_s3_access_point(Name="other-ap", Type="OPENZFS", OpenZFSConfiguration={
        "VolumeId": other["OpenZFSConfiguration"]["RootVolumeId"], "FileSystemIdentity": POSIX})
    listed = aws_run(aws_cli, server, "fsx", "describe-s3-access-point-attachments",
                     "--filters", f"Name=file-system-id,Values={fs['FileSystemId']}")
    assert [(a["Name"], a["Lifecycle"]) for a in listed["S3AccessPointAttachments"]] == [("cli-ap", "AVAILABLE")]

    detached = aws_run(aws_cli, server, "fsx", "detach-and-delete-s3-access-point", "--name", "cli-ap")
    assert detached == {"Lifecycle": "DELETING", "Name": "cli-ap"}
    names = [a["Name"] for a in fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]]
    assert names == ["cli-ap", "other-ap"]  # DELETING is shown once (on_read) ...
    assert [a["Name"] for a in fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]] == ["other-ap"]


def test_aws_cli_errors(aws_cli, server):
    _, error_exit = aws_cli
    efs, fsx = server.client("efs"), server.client("fsx")
    fs_id = efs.create_file_system(CreationToken="e")["FileSystemId"]
    r = aws_run(aws_cli, server, "efs", "create-access-point", "--file-system-id", fs_id,
                "--root-directory", "Path=/a/b/c/d/e", expect=error_exit)
    assert ("An error occurred (ValidationException) when calling the CreateAccessPoint operation: 1 validation error "
            "detected: Value '/a/b/c/d/e' at 'rootDirectory.path' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: ") in r.stderr

    r = aws_run(aws_cli, server, "efs", "describe-file-systems", "--file-system-id", UNKNOWN_FS, expect=error_exit)
    assert ("An error occurred (FileSystemNotFound) when calling the DescribeFileSystems operation: "
            f"File system '{UNKNOWN_FS}' does not exist.") in r.stderr

    single = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration={
        "DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64})["FileSystem"]
    r = aws_run(aws_cli, server, "fsx", "create-and-attach-s3-access-point", "--name", "nope", "--type", "OPENZFS",
                "--open-zfs-configuration", json.dumps({"VolumeId": single["OpenZFSConfiguration"]["RootVolumeId"],
                                                        "FileSystemIdentity": POSIX}), expect=error_exit)
    assert ("An error occurred (UnsupportedOperation) when calling the CreateAndAttachS3AccessPoint operation: "
            "S3 access points can be attached only to volumes of high-availability OpenZFS file systems "
            f"(SINGLE_AZ_HA_1, SINGLE_AZ_HA_2, MULTI_AZ_1); file system '{single['FileSystemId']}' is SINGLE_AZ_1.") in r.stderr
    assert fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"] == []


# ---------------------------------------------------------------------------------------------
# boto3


def test_boto3_every_operation_and_paginators(serve):
    server = serve(seed=5)
    check_boto3_every_operation(server.client("efs"), server.client("fsx"))


def test_boto3_errors_are_modeled_exceptions(server):
    check_boto3_modeled_errors(server.client("efs"), server.client("fsx"))


def test_same_scenario_over_http_as_in_process(serve):
    """The server answers exactly as the library in process: same seed and calls, same world."""
    try:
        apsim._native.library()
    except OSError as e:
        pytest.skip(f"libapsim.so is not available for the in-process half: {e}")
    server = serve("--clock", "virtual", "--start-time", START, seed=21)
    efs_scenario(server.client("efs"))
    fsx_scenario(server.client("fsx"))
    status, served = server.control("ExportState")
    assert status == 200 and served["Regions"][0]["EFSAccessPoints"]
    with apsim.Simulator(seed=21, start_time=START) as sim:
        efs_scenario(sim.client("efs"))
        fsx_scenario(sim.client("fsx"))
        local = sim.export_state()
    local.pop("ResponseMetadata", None)
    assert served == local, (f"apsim serve ({CLI}) and libapsim.so disagree; were they built from the same "
                             "sources? (make lib cli)")


def test_account_from_access_key_and_region_from_client(server):
    eu = server.client("efs", region="eu-west-1", key="111122223333")
    fs = eu.create_file_system(CreationToken="t")
    assert fs["OwnerId"] == "111122223333"
    assert fs["FileSystemArn"] == f"arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/{fs['FileSystemId']}"
    ap = eu.create_access_point(ClientToken="t", FileSystemId=fs["FileSystemId"])
    assert ap["OwnerId"] == "111122223333" and ":eu-west-1:111122223333:access-point/" in ap["AccessPointArn"]
    fsx = server.client("fsx", region="ap-southeast-2", key="111122223333")
    zfs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration=ZFS)["FileSystem"]
    assert zfs["OwnerId"] == "111122223333" and zfs["ResourceARN"].startswith("arn:aws:fsx:ap-southeast-2:111122223333:")
    # Worlds are isolated per account and region; a key that is not 12 digits is the default account.
    assert server.client("efs", region="eu-west-1").describe_file_systems()["FileSystems"] == []
    assert server.client("efs", key="111122223333").describe_file_systems()["FileSystems"] == []
    assert [f["FileSystemId"] for f in eu.describe_file_systems()["FileSystems"]] == [fs["FileSystemId"]]
    default = server.client("efs").create_file_system(CreationToken="d")
    assert default["OwnerId"] == "123456789012" and ":us-east-1:123456789012:" in default["FileSystemArn"]


def test_control_endpoints(serve):
    server = serve("--clock", "virtual", "--start-time", START)
    assert server.health() == {"status": "ok", "version": "0.1.0"}
    efs = server.client("efs")
    status, clock = server.control("AdvanceClock", {"Milliseconds": 5000})
    assert status == 200 and clock["Now"] == START + 5
    fs = efs.create_file_system(CreationToken="t")
    assert fs["CreationTime"] == datetime.datetime.fromtimestamp(START + 5, datetime.timezone.utc).astimezone()

    # An injected fault reaches botocore, which retries it: RetryAttempts counts the retries.
    status, fault = server.control("InjectFault", {"Operation": "efs:DescribeFileSystems",
                                                   "ErrorCode": "ThrottlingException", "Count": 2})
    assert status == 200 and fault["FaultId"]
    response = efs.describe_file_systems()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2 and len(response["FileSystems"]) == 1
    server.control("InjectFault", {"Operation": "fsx:DescribeVolumes", "ErrorCode": "InternalServerError", "Count": 1})
    assert server.client("fsx").describe_volumes()["ResponseMetadata"]["RetryAttempts"] == 1
    server.control("InjectFault", {"Operation": "*", "ErrorCode": "ThrottlingException", "Count": 5})
    impatient = server.client("efs", retries={"mode": "standard", "max_attempts": 1})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        impatient.describe_file_systems()  # botocore's "max_attempts": 1 is one retry; both throttled
    assert e.value.response["Error"]["Code"] == "ThrottlingException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert e.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert server.control("ClearFaults")[0] == 200
    assert efs.describe_file_systems()["ResponseMetadata"]["RetryAttempts"] == 0

    status, state = server.control("ExportState")
    assert status == 200 and state["Clock"] and [r["EFSFileSystems"][0]["Id"] for r in state["Regions"]] == [fs["FileSystemId"]]
    assert server.control("Reset")[0] == 200
    assert efs.describe_file_systems()["FileSystems"] == []
    assert server.control("ImportState", {"State": state})[0] == 200
    assert [f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]] == [fs["FileSystemId"]]
    status, error = server.control("Nope")
    assert status == 400 and error["__type"] == "UnknownOperationException"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(server.endpoint + "/_apsim/Reset", timeout=10)  # GET
    assert e.value.code == 405
    assert server.health()["status"] == "ok"


# ---------------------------------------------------------------------------------------------
# Robustness over raw sockets


def test_malformed_requests_get_4xx_and_the_server_keeps_serving(server):
    for garbage in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", b"\x00\xff\r\n\r\n",
                    b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n"):
        status, _, _ = raw_exchange(server.port, garbage)
        assert 400 <= status < 500, garbage
    cases = [
        (http_request("POST", "/2015-02-01/file-systems", b"\xff\xfe{"), 400, "SerializationException"),
        (http_request("POST", "/2015-02-01/file-systems", b"[1]"), 400, "SerializationException"),
        (http_request("POST", "/2015-02-01/file-systems", b'{"CreationToken": "x"'), 400, "SerializationException"),
        (http_request("GET", "/nope"), 404, "UnknownOperationException"),
        (http_request("POST", "/", b"{}", ["X-Amz-Target: Foo.Bar"]), 400, "UnknownOperationException"),
    ]
    for request, want, code in cases:
        status, headers, body = raw_exchange(server.port, request)
        doc = json.loads(body)
        assert (status, doc.get("ErrorCode") or doc.get("__type")) == (want, code), (request, body)
    # A client that vanishes halfway through a request, and one that never sends anything.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /2015-02-01/file-systems HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"Crea")
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        assert raw_exchange(server.port, http_request("GET", "/_apsim/health"))[0] == 200
        assert server.client("efs").describe_file_systems()["FileSystems"] == []
    finally:
        idle.close()


def test_body_over_the_limit_gets_413_and_the_server_keeps_serving(serve):
    server = serve("--max-body-bytes", 1024)
    create = b'{"CreationToken": "limit"}'
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(http_request("POST", "/2015-02-01/file-systems", create + b" " * (1025 - len(create))))
        status, _, body = read_response(s)
        assert status == 413
        assert json.loads(body) == {"__type": "RequestEntityTooLarge",
                                    "Message": "The request body is larger than 1024 bytes."}
        # The same keep-alive connection goes on, and a body of exactly the limit is fine.
        s.sendall(http_request("POST", "/2015-02-01/file-systems", create + b" " * (1024 - len(create))))
        assert read_response(s)[0] == 201
        chunked = (b"POST /2015-02-01/file-systems HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   + b"400\r\n" + b" " * 1024 + b"\r\n1\r\n \r\n0\r\n\r\n")
        s.sendall(chunked)
        assert read_response(s)[0] == 413
        s.sendall(http_request("GET", "/_apsim/health"))
        assert read_response(s)[0] == 200
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client("efs").create_access_point(ClientToken="t", FileSystemId=UNKNOWN_FS,
                                                 Tags=[{"Key": f"k{i}", "Value": "v" * 200} for i in range(10)])
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert [f["CreationToken"] for f in server.client("efs").describe_file_systems()["FileSystems"]] == ["limit"]


def test_a_content_length_over_the_limit_is_answered_from_the_head(serve):
    server = serve("--max-body-bytes", 1024)
    too_large = {"__type": "RequestEntityTooLarge", "Message": "The request body is larger than 1024 bytes."}
    head = b"POST /2015-02-01/file-systems HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head + b"\r\n")  # no body yet: the answer must not wait for it
        status, _, body = read_response(s)
        assert (status, json.loads(body)) == (413, too_large)
        s.sendall(b"x" * 4096)  # a body that still comes is read and dropped; the connection goes on
        s.sendall(http_request("GET", "/_apsim/health"))
        assert read_response(s)[0] == 200
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        # A client that waits for 100-continue never sends the body: that connection closes.
        s.sendall(head + b"Expect: 100-continue\r\n\r\n")
        status, headers, body = read_response(s)
        assert (status, headers["connection"], json.loads(body)) == (413, "close", too_large)
        assert s.recv(1) == b""
    assert server.client("efs").describe_file_systems()["FileSystems"] == []


def throttling_server(serve, tmp_path, *args):
    """A server whose CreateAccessPoint throttles from the second access point of a file system on,
    while the previous one is less than 300 ms old."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"access_points_per_file_system": 4,
                                  "throttling": {"near_quota_fraction": 0.25, "interval_ms": 300}}))
    return serve("--config", config, *args)


def test_sdk_retries_get_through_a_throttled_burst_on_the_real_clock(serve, tmp_path):
    efs = throttling_server(serve, tmp_path).client("efs", retries={"mode": "standard", "max_attempts": 20})
    fs = efs.create_file_system(CreationToken="burst")["FileSystemId"]
    created = [efs.create_access_point(ClientToken=f"t{i}", FileSystemId=fs) for i in range(4)]
    assert len({ap["AccessPointId"] for ap in created}) == 4
    # The SDK was throttled and backed off until the interval had passed in real time.
    assert sum(ap["ResponseMetadata"]["RetryAttempts"] for ap in created) >= 3


def test_on_the_virtual_clock_a_throttled_burst_stays_throttled(serve, tmp_path):
    efs = throttling_server(serve, tmp_path, "--clock", "virtual").client(
        "efs", retries={"mode": "standard", "max_attempts": 2})
    fs = efs.create_file_system(CreationToken="burst")["FileSystemId"]
    efs.create_access_point(ClientToken="t0", FileSystemId=fs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        efs.create_access_point(ClientToken="t1", FileSystemId=fs)
    assert e.value.response["Error"]["Code"] == "ThrottlingException"
    assert e.value.response["ResponseMetadata"]["RetryAttempts"] == 2  # botocore's max_attempts counts retries


def test_a_manual_lifecycle_settles_in_real_time_for_a_polling_client(serve):
    efs = serve("--lifecycle", "manual", "--creation-delay-ms", 200).client("efs")
    fs = efs.create_file_system(CreationToken="poll")["FileSystemId"]
    states = []
    for _ in range(100):  # a waiter: poll until available (at most 10 s)
        states.append(efs.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["LifeCycleState"])
        if states[-1] == "available":
            break
        time.sleep(0.1)
    assert states[0] == "creating" and states[-1] == "available"


def test_many_concurrent_connections(server):
    count = 200
    sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=30) for _ in range(count)]
    try:
        for i, s in enumerate(sockets):  # all connected and idle; now a request on each
            s.sendall(http_request("POST", "/2015-02-01/file-systems", json.dumps({"CreationToken": f"c{i}"}).encode()))
        ids = set()
        for s in sockets:
            status, _, body = read_response(s)
            assert status == 201, body
            ids.add(json.loads(body)["FileSystemId"])
        assert len(ids) == count
        for s in sockets:  # every connection is still alive (keep-alive)
            s.sendall(http_request("GET", "/_apsim/health"))
        assert all(read_response(s)[0] == 200 for s in sockets)
    finally:
        for s in sockets:
            s.close()
    pages = server.client("efs").get_paginator("describe_file_systems").paginate()
    assert sorted(f["FileSystemId"] for p in pages for f in p["FileSystems"]) == sorted(ids)


def test_pipelined_requests_are_answered_in_order(serve):
    server = serve("--threads", 4)  # several workers, so an unordered server would show it
    requests, expected = [], []
    for i in range(100):
        kind = i % 4
        if kind == 0:
            requests.append(http_request("POST", "/2015-02-01/file-systems", json.dumps({"CreationToken": f"p{i}"}).encode()))
            expected.append((201, f"p{i}"))
        elif kind == 1:
            requests.append(http_request("GET", "/2015-02-01/file-systems?FileSystemId=" + UNKNOWN_FS))
            expected.append((404, "FileSystemNotFound"))
        elif kind == 2:
            requests.append(http_request("POST", "/", b"{}", ["X-Amz-Target: AWSSimbaAPIService_v20180301.DescribeVolumes"]))
            expected.append((200, "Volumes"))
        else:
            requests.append(http_request("GET", "/_apsim/health"))
            expected.append((200, "ok"))
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(b"".join(requests))
        answers = []
        for _ in requests:
            status, _, body = read_response(s)
            doc = json.loads(body)
            answers.append((status, doc.get("CreationToken") or doc.get("ErrorCode") or doc.get("status")
                            or ("Volumes" if "Volumes" in doc else doc)))
    assert answers == expected


def test_log_levels(serve):
    quiet, chatty = serve(), serve("--log-level", "info")
    for server in (quiet, chatty):
        wire = Wire(server.port)
        fs_id = wire.create_fs("log")
        assert wire.efs("GET", f"access-points?FileSystemId={fs_id}")[0] == 200
        assert wire.fsx("DescribeVolumes")[0] == 200
        assert wire.efs("GET", "file-systems?FileSystemId=" + UNKNOWN_FS)[0] == 404
        wire.close()
        assert server.stop() == 0
    # method, path, operation, status, error code, account, region, microseconds ("-": none)
    request_line = re.compile(r".* info apsim: .*(GET|POST) (/\S*) (\S+) (\d{3}) (\S+) (\S+) (\S+) \d+µs$")
    assert not [line for line in quiet.stderr().splitlines() if request_line.match(line)]
    lines = [request_line.match(line) for line in chatty.stderr().splitlines()]
    assert [m.groups()[1:] for m in lines if m] == [
        ("/_apsim/health", "-", "200", "-", ACCOUNT, "us-east-1"),
        ("/2015-02-01/file-systems", "efs:CreateFileSystem", "201", "-", ACCOUNT, "us-east-1"),
        (f"/2015-02-01/access-points?FileSystemId={fs_id}", "efs:DescribeAccessPoints", "200", "-", ACCOUNT, "us-east-1"),
        ("/", "fsx:DescribeVolumes", "200", "-", ACCOUNT, "us-east-1"),
        ("/2015-02-01/file-systems?FileSystemId=" + UNKNOWN_FS, "efs:DescribeFileSystems", "404", "FileSystemNotFound",
         ACCOUNT, "us-east-1")]
    assert "listening" in quiet.stderr() and "stopped" in quiet.stderr()
    r = run([CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--log-level", "loud"], timeout=20)
    assert (r.returncode, r.stdout) == (2, "") and "--log-level must be one of" in r.stderr


def test_serve_start_errors(workdir):
    bad = workdir / "bad.json"
    bad.write_text("not a state")
    r = run([CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--state-file", str(bad)], timeout=20)
    assert (r.returncode, r.stdout) == (2, "") and "is not a valid apsim state" in r.stderr
    assert bad.read_text() == "not a state"  # left untouched
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run([CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], timeout=20)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", f"Error: cannot listen on 127.0.0.1:{port}: the address is already in "
                                                  "use (another apsim serve?); choose another --port, or --port 0 for any free port.\n")
    for port in ("99999", "-1", "65536"):
        r = run([CLI, "serve", "--port", port], timeout=20)
        assert r.returncode == 2 and f"--port must be 0 to 65535 (0: any free port), not {port}" in r.stderr, port


# ---------------------------------------------------------------------------------------------
# Load


def test_load_mixed_reads_and_racing_creates(serve):
    """32 keep-alive connections x N requests: reads of both services, creates with unique tokens,
    and creates whose tokens all 32 connections race for. Only the 409s of lost races are errors."""
    threads, per_thread = 32, int(os.environ.get("APSIM_LOAD_REQUESTS", "200"))
    server = serve("--access-points-per-file-system", 1_000_000)
    setup = Wire(server.port)
    fs_id = setup.create_fs("load")
    status, _ = setup.fsx("CreateFileSystem", {"FileSystemType": "OPENZFS", "SubnetIds": [SUBNET], "OpenZFSConfiguration": ZFS})
    assert status == 200

    lock = threading.Lock()
    winners = {}  # race token -> access point id of its one 200
    losers = {}  # race token -> access point ids named by its 409s
    unique = {}  # unique token -> access point id
    unexpected = []
    reads = [0]
    start = threading.Barrier(threads, timeout=60)

    def worker(n):
        wire = Wire(server.port)
        try:
            start.wait()
            sock = None
            for i in range(per_thread):
                kind = i % 5
                if kind == 0:
                    token = f"race-{i // 5}"
                    status, doc = wire.efs("POST", "access-points", {"ClientToken": token, "FileSystemId": fs_id})
                    with lock:
                        if status == 200:
                            if token in winners:
                                unexpected.append(("two winners", token, winners[token], doc["AccessPointId"]))
                            winners[token] = doc["AccessPointId"]
                        elif status == 409 and doc.get("ErrorCode") == "AccessPointAlreadyExists":
                            losers.setdefault(token, []).append(doc["AccessPointId"])
                        else:
                            unexpected.append((status, doc))
                    continue
                if kind == 4:
                    token = f"u-{n}-{i}"
                    status, doc = wire.efs("POST", "access-points", {"ClientToken": token, "FileSystemId": fs_id,
                                                                      "RootDirectory": {"Path": f"/t{n}/{i}"}})
                    ok = status == 200
                    if ok:
                        with lock:
                            unique[token] = doc["AccessPointId"]
                elif kind == 1:
                    status, doc = wire.efs("GET", f"access-points?FileSystemId={fs_id}&MaxResults=50")
                    ok = status == 200 and len(doc["AccessPoints"]) <= 50
                elif kind == 2:
                    status, doc = wire.efs("GET", "file-systems")
                    ok = status == 200 and len(doc["FileSystems"]) == 1
                else:
                    status, doc = wire.fsx("DescribeVolumes", {"MaxResults": 10})
                    ok = status == 200 and len(doc["Volumes"]) == 1
                if not ok:
                    with lock:
                        unexpected.append((status, doc))
                elif kind != 4:
                    with lock:
                        reads[0] += 1
                if sock is None:
                    sock = wire.conn.sock
                elif wire.conn.sock is not sock:
                    with lock:
                        unexpected.append(("reconnected: the server closed a keep-alive connection", n, i))
                    sock = wire.conn.sock
        except Exception as e:  # noqa: BLE001 - any transport error is a failure of the test
            with lock:
                unexpected.append(("exception", n, repr(e)))
        finally:
            wire.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=max(120, per_thread * 0.5))
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in pool), "load workers did not finish in time"
    assert not unexpected, unexpected[:10]

    race_tokens = {f"race-{i // 5}" for i in range(0, per_thread, 5)}
    assert set(winners) == race_tokens  # every raced token was won exactly once
    for token, ids in losers.items():
        assert set(ids) == {winners[token]}, token  # and every loser was told the winner's ID
    assert sum(len(v) for v in losers.values()) == len(race_tokens) * (threads - 1)
    assert len(unique) == threads * len(range(4, per_thread, 5))
    assert reads[0] == threads * sum(1 for i in range(per_thread) if i % 5 in (1, 2, 3))

    # The state afterwards: no duplicate IDs, one access point per token, nothing lost.
    listed = setup.access_points(fs_id)
    ids = [a["AccessPointId"] for a in listed]
    assert len(ids) == len(set(ids))
    by_token = {}
    for a in listed:
        assert a["ClientToken"] not in by_token, a["ClientToken"]
        by_token[a["ClientToken"]] = a["AccessPointId"]
    assert by_token == {**winners, **unique}
    setup.close()
    total = threads * per_thread
    print(f"load: {total} requests over {threads} connections in {elapsed:.2f} s ({total / elapsed:.0f} req/s)")


# ---------------------------------------------------------------------------------------------
# Durability: kill -9 under load


def test_kill_9_under_load_loses_no_acknowledged_change(serve, workdir):
    """Writers create (and one deletes) access points on a server with --state-file; kill -9 at a
    random moment, twice. Every acknowledged change survives and the file always restarts."""
    state_file = workdir / "world.json"
    rng_seed = random.randrange(1 << 30)
    rng = random.Random(rng_seed)
    acked_creates, acked_deletes, sent_deletes = {}, set(), set()
    fs_id = None
    for round_ in range(2):
        server = serve("--state-file", state_file)  # round 2 starts from what round 1 left
        wire = Wire(server.port)
        if fs_id is None:
            fs_id = wire.create_fs("durable")
        wire.close()
        lock = threading.Lock()
        stop = threading.Event()
        cut_off, unexpected = [], []

        def writer(n):
            conn = Wire(server.port, timeout=10)
            mine = []
            try:
                for i in range(100_000):
                    if stop.is_set():
                        return
                    if n == 0 and mine and i % 3 == 0:
                        victim = mine.pop(0)
                        with lock:
                            sent_deletes.add(victim)
                        status, doc = conn.efs("DELETE", f"access-points/{victim}")
                        if status != 204:
                            raise AssertionError((status, doc))
                        with lock:
                            acked_deletes.add(victim)
                        continue
                    token = f"r{round_}-w{n}-{i}"
                    status, doc = conn.efs("POST", "access-points", {"ClientToken": token, "FileSystemId": fs_id})
                    if status != 200:
                        raise AssertionError((status, doc))
                    with lock:
                        acked_creates[doc["AccessPointId"]] = token
                    mine.append(doc["AccessPointId"])
            except (OSError, http.client.HTTPException) as e:  # the kill
                cut_off.append(repr(e))
            except Exception as e:  # noqa: BLE001
                unexpected.append(repr(e))
            finally:
                conn.close()

        pool = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(4)]
        for t in pool:
            t.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        assert server.proc.returncode == -signal.SIGKILL
        # Every writer's next request fails now; `stop` is only a safety net for a writer that did
        # not notice (setting it before the joins let a writer between two requests leave quietly,
        # uncounted: a rare false failure below).
        for t in pool:
            t.join(timeout=30)
        stop.set()
        assert not any(t.is_alive() for t in pool)
        assert not unexpected, unexpected
        assert len(cut_off) == 4, "every writer should have been cut off by the kill"
    assert acked_creates and acked_deletes, f"too little was acknowledged before the kills (random seed {rng_seed})"

    # The file is a valid state: a new server starts from it and has every acknowledged change.
    server = serve("--state-file", state_file)
    wire = Wire(server.port)
    for ap_id, token in acked_creates.items():
        status, doc = wire.efs("GET", f"access-points?AccessPointId={ap_id}")
        if ap_id in acked_deletes:
            assert (status, doc.get("ErrorCode")) == (404, "AccessPointNotFound"), f"deleted {ap_id} is back (seed {rng_seed})"
        elif ap_id not in sent_deletes:  # a delete cut off by the kill may or may not have happened
            assert status == 200, f"acknowledged {ap_id} lost after kill -9 (random seed {rng_seed}): {doc}"
            assert doc["AccessPoints"][0]["ClientToken"] == token
    # Beyond the acknowledged ones, at most the creates in flight at each kill were applied.
    present = {a["AccessPointId"]: a["ClientToken"] for a in wire.access_points(fs_id)}
    extra = set(present) - set(acked_creates)
    assert len(extra) <= 2 * 4 and all(re.fullmatch(r"r[01]-w[0-3]-\d+", present[i]) for i in extra)
    assert len(set(present.values())) == len(present)
    wire.close()


# ---------------------------------------------------------------------------------------------
# Graceful stop


def _stop_with_requests_in_flight(server, sig, fs_id, prefix, count):
    """Sends `count` creates on as many connections at once, signals the server while they are being
    answered, and collects every answer: (exit code, [(status, doc, arrival)], signal time)."""
    sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=60) for _ in range(count)]
    results = [None] * count
    try:
        for s in sockets:  # every connection accepted and served once before the test proper
            s.sendall(http_request("GET", "/_apsim/health"))
            assert read_response(s)[0] == 200
        for i, s in enumerate(sockets):
            s.sendall(http_request("POST", "/2015-02-01/access-points",
                                   json.dumps({"ClientToken": f"{prefix}{i}", "FileSystemId": fs_id}).encode()))

        def receive(i):
            try:
                status, _, body = read_response(sockets[i])
                results[i] = (status, json.loads(body), time.monotonic())
            except Exception as e:  # noqa: BLE001
                results[i] = ("error", repr(e), time.monotonic())

        readers = [threading.Thread(target=receive, args=(i,), daemon=True) for i in range(count)]
        for t in readers:
            t.start()
        time.sleep(0.05)  # the server has read them all
        signalled = time.monotonic()
        server.send_signal(sig)
        refused = False
        while not refused and time.monotonic() < signalled + 10:  # no new connections once signalled
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
                time.sleep(0.01)
            except (ConnectionRefusedError, ConnectionResetError):
                # Refused, or reset when the listening socket closed during the handshake: either
                # way the server no longer accepts connections.
                refused = True
        assert refused
        for t in readers:
            t.join(timeout=60)
        rc = server.wait()
    finally:
        for s in sockets:
            s.close()
    return rc, results, signalled


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_finishes_in_flight_requests_and_exits_0(serve, workdir, sig):
    # A world of 3000 access points in a state file and one worker thread: every create is written
    # (and fsynced) to the file before it is answered, so creates sent at once on many connections
    # are still queued when the signal arrives. A machine that answers them all before the signal
    # gets another round with more connections.
    builder = serve("--access-points-per-file-system", 100_000)
    wire = Wire(builder.port)
    fs_id = wire.create_fs("graceful")
    for i in range(3000):
        assert wire.efs("POST", "access-points", {"ClientToken": f"pre{i}", "FileSystemId": fs_id})[0] == 200
    status, state = wire.send("POST", "/_apsim/ExportState", b"{}")
    assert status == 200
    wire.close()
    assert builder.stop() == 0
    state_file = workdir / "world.json"
    imported = run([CLI, "call", "--state-file", str(state_file), "apsim:ImportState", "-"], input=json.dumps({"State": state}))
    assert imported.returncode == 0, imported.stdout + imported.stderr

    answered, in_flight = 0, False
    for round_, count in enumerate((32, 128, 256)):
        server = serve("--state-file", state_file, "--threads", 1, "--log-level", "info")
        rc, results, signalled = _stop_with_requests_in_flight(server, sig, fs_id, f"r{round_}-", count)
        assert rc == 0, server.stderr()[-2000:]
        errors = [r for r in results if r is None or r[0] != 200]
        assert not errors, errors[:5]
        assert "shutting down" in server.stderr() and "stopped" in server.stderr()
        answered += count
        if any(r[2] > signalled for r in results):
            in_flight = True
            break
    # Every answered create is in the state file the stopped server left.
    described = run([CLI, "call", "--state-file", str(state_file), "efs:DescribeAccessPoints", "-"],
                    input=json.dumps({"FileSystemId": fs_id, "MaxResults": 10000}))
    assert described.returncode == 0, described.stderr
    tokens = [a["ClientToken"] for a in json.loads(described.stdout)["AccessPoints"]]
    assert len(tokens) == len(set(tokens)) == 3000 + answered
    if not in_flight:
        pytest.skip("this machine answered every request before the signal arrived; nothing was in flight")


def test_idle_keep_alive_connections_do_not_hold_up_a_stop(serve):
    server = serve()
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(8)]
    try:
        for s in idle:
            s.sendall(http_request("GET", "/_apsim/health"))
            assert read_response(s)[0] == 200
        started = time.monotonic()
        assert server.stop(timeout=15) == 0
        assert time.monotonic() - started < 5
    finally:
        for s in idle:
            s.close()


def test_sigterm_right_after_the_ready_line_stops_cleanly():
    # The signals are blocked before any thread starts and taken with sigwait, so one sent the
    # moment the ready line is out is never lost (a Dispatch signal source once dropped it).
    codes = []
    for _ in range(20):  # the first failure ends the test
        proc = subprocess.Popen([CLI, "serve", "--host", "127.0.0.1", "--port", "0"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            assert READY.fullmatch(read_line(proc.stdout.fileno(), READY_TIMEOUT))
            proc.send_signal(signal.SIGTERM)
            try:
                codes.append(proc.wait(3))
            except subprocess.TimeoutExpired:
                codes.append("no exit within 3 s")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            proc.stdout.close()
        if codes[-1] != 0:
            break
    assert codes == [0] * 20


# ---------------------------------------------------------------------------------------------
# apsim validate

VALID_AP = {"ClientToken": "t", "FileSystemId": UNKNOWN_FS, "RootDirectory": {"Path": "/data"}}
INVALID_AP = {"ClientToken": "t", "FileSystemId": UNKNOWN_FS, "RootDirectory": {"Path": "/a/b/c/d/e"}}
PATH_VIOLATION = ("Value '/a/b/c/d/e' at 'rootDirectory.path' failed to satisfy constraint: Member must satisfy regular "
                  "expression pattern: ^(\\/|(\\/(?!\\.)+[^$#<>;`|&?{}^*/\\n]+){1,4})$")


def validate(*args, input=None):
    return run([CLI, "validate", *[str(a) for a in args]], input=input)


def test_validate_valid_and_invalid_files(workdir):
    good, bad = workdir / "good.json", workdir / "bad.json"
    good.write_text(json.dumps(VALID_AP))
    bad.write_text(json.dumps(INVALID_AP))
    r = validate("efs:CreateAccessPoint", good)
    assert (r.returncode, r.stdout) == (0, "valid\n")
    r = validate("efs:CreateAccessPoint", bad)
    assert r.returncode == 1
    assert r.stdout == f"invalid: ValidationException (HTTP 400)\n  rootDirectory.path: {PATH_VIOLATION}\n"
    several = dict(INVALID_AP, ClientToken="", Tags=[{"Key": "aws:x", "Value": "v"}])
    r = validate("efs:CreateAccessPoint", "-", input=json.dumps(several))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "invalid: ValidationException (HTTP 400)"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "clientToken", "clientToken", "tags.1.member.key", "rootDirectory.path"]  # model order
    assert lines[4] == f"  rootDirectory.path: {PATH_VIOLATION}"
    r = validate("fsx:CreateAndAttachS3AccessPoint", "-", input=json.dumps({"Name": "ab", "Type": "OPENZFS"}))
    assert r.returncode == 1 and r.stdout.startswith("invalid: BadRequest (HTTP 400)\n")
    r = validate("efs:CreateAccessPoint", "-", input="{not json")
    assert r.returncode == 1 and r.stdout.startswith("invalid: SerializationException (HTTP 400)\n  -: ")


def test_validate_jsonl_numbers_lines(workdir):
    lines = [json.dumps(VALID_AP), json.dumps(INVALID_AP), "{bad", json.dumps(VALID_AP)]
    (workdir / "requests.jsonl").write_text("\n".join(lines) + "\n")
    r = validate("efs:CreateAccessPoint", workdir / "requests.jsonl", "--jsonl")
    assert r.returncode == 1
    out = r.stdout.splitlines()
    assert out[0] == "line 1: valid"
    assert out[1] == "line 2: invalid: ValidationException (HTTP 400)"
    assert out[2] == f"  rootDirectory.path: {PATH_VIOLATION}"
    assert out[3] == "line 3: invalid: SerializationException (HTTP 400)"
    assert out[4].startswith("  -: ")
    assert out[5] == "line 4: valid" and len(out) == 6
    r = validate("efs:CreateAccessPoint", "-", "--jsonl", input=f"{json.dumps(VALID_AP)}\n{json.dumps(VALID_AP)}\n")
    assert (r.returncode, r.stdout) == (0, "line 1: valid\nline 2: valid\n")


def test_bug_validate_jsonl_line_numbers_after_a_blank_line():
    r = validate("efs:CreateAccessPoint", "-", "--jsonl", input=f"{json.dumps(VALID_AP)}\n\n{json.dumps(INVALID_AP)}\n")
    assert r.returncode == 1
    assert r.stdout.splitlines()[1] == "line 3: invalid: ValidationException (HTTP 400)"


def test_validate_json_prints_envelopes():
    text = "\n".join([json.dumps(VALID_AP), json.dumps(INVALID_AP)])
    r = validate("efs:CreateAccessPoint", "-", "--jsonl", "--json", input=text)
    assert r.returncode == 1
    verdicts = [json.loads(line) for line in r.stdout.splitlines()]
    assert verdicts[0] == {"Valid": True}
    assert verdicts[1] == {"Error": {"Code": "ValidationException", "Message": f"1 validation error detected: {PATH_VIOLATION}"},
                           "ResponseMetadata": {"HTTPStatusCode": 400}}
    r = validate("efs:CreateAccessPoint", "-", "--json", input=json.dumps(VALID_AP))
    assert (r.returncode, r.stdout) == (0, '{"Valid":true}\n')


def test_validate_usage_errors(workdir):
    (workdir / "good.json").write_text(json.dumps(VALID_AP))
    r = validate("efs:Nope", workdir / "good.json")
    assert r.returncode == 2 and "Unknown operation 'efs:Nope'" in r.stderr and r.stdout == ""
    r = validate("efs:CreateAccessPoint", workdir / "missing.json")
    assert r.returncode == 2 and "cannot open" in r.stderr and r.stdout == ""
    r = validate()
    assert r.returncode == 2 and "Missing expected argument" in r.stderr
    r = validate("efs:CreateAccessPoint", workdir / "good.json", "--bogus")
    assert r.returncode == 2 and "Unknown option '--bogus'" in r.stderr


def test_bug_exit_1_prints_failure_on_stderr():
    r = validate("efs:CreateAccessPoint", "-", input=json.dumps(INVALID_AP))
    assert r.returncode == 1
    assert r.stderr == ""


# ---------------------------------------------------------------------------------------------
# apsim call


def call(*args, input=None):
    return run([CLI, "call", *[str(a) for a in args]], input=input)


def test_call_success_error_and_state_file(workdir):
    request = workdir / "fs.json"
    request.write_text(json.dumps({"CreationToken": "cli", "Tags": [{"Key": "Name", "Value": "x"}]}))
    r = call("--seed", 1, "--start-time", START, "efs:CreateFileSystem", request)
    assert r.returncode == 0, r.stderr
    fs = json.loads(r.stdout)
    assert fs["CreationToken"] == "cli" and fs["CreationTime"] == START and fs["Name"] == "x"
    assert fs["ResponseMetadata"]["HTTPStatusCode"] == 201
    again = call("--seed", 1, "--start-time", START, "efs:CreateFileSystem", request)
    assert again.stdout == r.stdout  # a seeded transient world is reproducible

    r = call("efs:DescribeFileSystems", "-", input=json.dumps({"FileSystemId": UNKNOWN_FS}))
    assert r.returncode == 1
    envelope = json.loads(r.stdout)
    assert envelope["Error"] == {"Code": "FileSystemNotFound", "Message": f"File system '{UNKNOWN_FS}' does not exist."}
    assert envelope["ResponseMetadata"]["HTTPStatusCode"] == 404

    state = workdir / "state.json"
    first = call("--state-file", state, "efs:CreateFileSystem", request)
    assert first.returncode == 0 and state.exists()
    fs_id = json.loads(first.stdout)["FileSystemId"]
    second = call("--state-file", state, "efs:DescribeFileSystems")
    assert second.returncode == 0
    assert [f["FileSystemId"] for f in json.loads(second.stdout)["FileSystems"]] == [fs_id]
    third = call("--state-file", state, "efs:CreateAccessPoint", "-",
                 input=json.dumps({"ClientToken": "t", "FileSystemId": fs_id}))
    assert third.returncode == 0 and json.loads(third.stdout)["FileSystemId"] == fs_id
    duplicate = call("--state-file", state, "efs:CreateAccessPoint", "-",
                     input=json.dumps({"ClientToken": "t", "FileSystemId": fs_id}))
    assert duplicate.returncode == 1 and json.loads(duplicate.stdout)["Error"]["Code"] == "AccessPointAlreadyExists"
    exported = call("--state-file", state, "apsim:ExportState")
    assert exported.returncode == 0 and len(json.loads(exported.stdout)["Regions"][0]["EFSAccessPoints"]) == 1


def test_call_usage_errors(workdir):
    r = call()
    assert r.returncode == 2 and "Missing expected argument" in r.stderr and r.stdout == ""
    r = call("efs:DescribeFileSystems", workdir / "missing.json")
    assert r.returncode == 2 and "cannot open" in r.stderr
    r = call("--lifecycle", "bogus", "efs:DescribeFileSystems")
    assert r.returncode == 2 and "lifecycle must be" in r.stderr
    (workdir / "garbage.json").write_text("not a state")
    r = call("--state-file", workdir / "garbage.json", "efs:DescribeFileSystems")
    assert r.returncode == 2 and r.stdout == ""
    assert (workdir / "garbage.json").read_text() == "not a state"  # left untouched


# ---------------------------------------------------------------------------------------------
# Help and usage errors


@pytest.mark.parametrize("args, usage", [
    (["--help"], "USAGE: apsim <subcommand>"), (["-h"], "USAGE: apsim <subcommand>"),
    (["help"], "USAGE: apsim <subcommand>"), (["help", "serve"], "USAGE: apsim serve"),
    (["serve", "--help"], "USAGE: apsim serve"), (["validate", "--help"], "USAGE: apsim validate"),
    (["call", "-h"], "USAGE: apsim call"),
])
def test_help_goes_to_stdout_with_exit_0(args, usage):
    r = run([CLI, *args])
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.startswith("OVERVIEW: ") and usage in r.stdout


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "Error: Unknown option '--bogus'"),
    (["serve", "--port"], "Error: Missing value for '--port <port>'"),
])
def test_usage_errors_go_to_stderr_with_exit_2(args, message):
    r = run([CLI, *args])
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr.startswith(message)
