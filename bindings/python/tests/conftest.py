"""Shared fixtures. The binding is imported from this checkout (bindings/python), not an install."""

import asyncio
import datetime
import inspect
import itertools
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import apsim  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Coroutine tests run with asyncio.run, so the suite needs no plugin for them (the drop-in
    suite checks that ``@apsim.mock_aws`` keeps ``async def`` tests coroutine functions)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


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


def expect_error(exc, cls, code, message, status):
    """Asserts everything a caller sees of an error: its class, code, message and HTTP status."""
    assert isinstance(exc, cls)
    assert error_of(exc) == (code, message)
    assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == status


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
def no_network(monkeypatch):
    """Any socket connection fails the test: mock_aws must answer everything in process."""
    def refuse(*args, **kwargs):
        raise AssertionError("apsim.mock_aws opened a socket")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def network_attempts(monkeypatch):
    """Every attempt to reach the network (a name lookup or a connection) is refused and recorded: the
    list of the hosts tried, in order. For tests where a request may leave on purpose (passthrough)."""
    tried = []

    def lookup(host, *args, **kwargs):
        tried.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "refused by the test: no request may leave the process")

    def connect(address, *args, **kwargs):
        tried.append(address[0] if isinstance(address, tuple) else address)
        raise ConnectionRefusedError("refused by the test: no request may leave the process")
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket, "create_connection", connect)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connect(address))
    return tried


@pytest.fixture
def clean_env(monkeypatch):
    """No AWS credentials, region or profile from the machine: mock_aws must bring its own."""
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


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


def efs_scenario(efs):
    """Every EFS operation, with explicit tokens so that the outcome is deterministic."""
    fs = efs.create_file_system(CreationToken="fs1", PerformanceMode="generalPurpose", Tags=[{"Key": "Name", "Value": "data"}])
    fs_id = fs["FileSystemId"]
    ids = [efs.create_access_point(ClientToken=f"t{i}", FileSystemId=fs_id, RootDirectory={"Path": f"/d{i}"})["AccessPointId"]
           for i in range(5)]
    efs.tag_resource(ResourceId=ids[0], Tags=[{"Key": "team", "Value": "x"}])
    efs.untag_resource(ResourceId=ids[0], TagKeys=["team"])
    efs.list_tags_for_resource(ResourceId=fs_id)
    efs.describe_access_points(FileSystemId=fs_id, MaxResults=2)
    efs.describe_file_systems(FileSystemId=fs_id)
    efs.delete_access_point(AccessPointId=ids[4])
    efs.create_file_system(CreationToken="fs2")
    return fs_id, ids[:4]


def fsx_scenario(fsx):
    fs = fsx.create_file_system(ClientRequestToken="f1", FileSystemType="OPENZFS", SubnetIds=[SUBNET], OpenZFSConfiguration=ZFS)
    root = fs["FileSystem"]["OpenZFSConfiguration"]["RootVolumeId"]
    vol = fsx.create_volume(ClientRequestToken="v1", VolumeType="OPENZFS", Name="data",
                            OpenZFSConfiguration={"ParentVolumeId": root})["Volume"]["VolumeId"]
    ontap = fsx.create_file_system(ClientRequestToken="f2", FileSystemType="ONTAP", SubnetIds=[SUBNET],
                                   OntapConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128})
    svm = fsx.create_storage_virtual_machine(ClientRequestToken="s1", FileSystemId=ontap["FileSystem"]["FileSystemId"], Name="svm1")
    fsx.create_volume(ClientRequestToken="v2", VolumeType="ONTAP", Name="vol1", OntapConfiguration={
        "StorageVirtualMachineId": svm["StorageVirtualMachine"]["StorageVirtualMachineId"], "JunctionPath": "/vol1", "SizeInMegabytes": 1024})
    for name in ("ap-one", "ap-two"):
        fsx.create_and_attach_s3_access_point(ClientRequestToken=name, Name=name, Type="OPENZFS", OpenZFSConfiguration={
            "VolumeId": vol, "FileSystemIdentity": {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000}}})
    fsx.describe_s3_access_point_attachments(Filters=[{"Name": "volume-id", "Values": [vol]}])
    fsx.detach_and_delete_s3_access_point(ClientRequestToken="d1", Name="ap-two")
    fsx.describe_volumes(VolumeIds=[vol])
    fsx.describe_file_systems()
    extra = fsx.create_volume(ClientRequestToken="v3", VolumeType="OPENZFS", Name="tmp", OpenZFSConfiguration={"ParentVolumeId": root})
    fsx.delete_volume(VolumeId=extra["Volume"]["VolumeId"])
    return vol


def check_boto3_every_operation(efs, fsx):
    """Every operation of both services through boto3 clients served by apsim, the same in process
    (apsim.mock_aws) and over HTTP (apsim serve), then what they left as describe calls and
    paginators (pages of 1) see it, then the deletions. Uses a world of seed 5."""
    fs_id, ids = efs_scenario(efs)
    fs = efs.describe_file_systems()["FileSystems"]
    assert [f["Name"] for f in fs if "Name" in f] == ["data"]
    assert isinstance(fs[0]["CreationTime"], datetime.datetime) and fs[0]["LifeCycleState"] == "available"
    assert efs.list_tags_for_resource(ResourceId=ids[0])["Tags"] == []
    pages = list(efs.get_paginator("describe_access_points").paginate(FileSystemId=fs_id, PaginationConfig={"PageSize": 3}))
    assert [len(p["AccessPoints"]) for p in pages] == [3, 1]
    assert [a["AccessPointId"] for p in pages for a in p["AccessPoints"]] == ids
    fs_pages = list(efs.get_paginator("describe_file_systems").paginate(PaginationConfig={"PageSize": 1}))
    assert [f["CreationToken"] for p in fs_pages for f in p["FileSystems"]] == ["fs1", "fs2"]
    with pytest.raises(efs.exceptions.AccessPointNotFound):
        efs.delete_access_point(AccessPointId="fsap-0123456789abcdef0")

    vol = fsx_scenario(fsx)
    atts = fsx.describe_s3_access_point_attachments()["S3AccessPointAttachments"]
    assert [(a["Name"], a["Lifecycle"]) for a in atts] == [("ap-one", "AVAILABLE"), ("ap-two", "DELETING")]
    assert isinstance(atts[0]["CreationTime"], datetime.datetime) and atts[0]["OpenZFSConfiguration"]["VolumeId"] == vol
    paged = [a["Name"] for p in fsx.get_paginator("describe_s3_access_point_attachments").paginate(
        PaginationConfig={"PageSize": 1}) for a in p["S3AccessPointAttachments"]]
    assert paged == ["ap-one"]
    volumes = [v["Name"] for p in fsx.get_paginator("describe_volumes").paginate(PaginationConfig={"PageSize": 1})
               for v in p["Volumes"]]
    assert volumes == ["fsx", "data", "svm1_root", "vol1"]  # the SVM's root volume comes with it
    systems = [f["FileSystemType"] for p in fsx.get_paginator("describe_file_systems").paginate(
        PaginationConfig={"PageSize": 1}) for f in p["FileSystems"]]
    assert systems == ["OPENZFS", "ONTAP"]
    zfs = fsx.describe_file_systems()["FileSystems"][0]["FileSystemId"]
    fsx.detach_and_delete_s3_access_point(Name="ap-one")
    deleted = fsx.delete_file_system(FileSystemId=zfs, OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]})
    assert deleted["Lifecycle"] == "DELETING"
    efs.delete_file_system(FileSystemId=fs_id)
    assert [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]] == ["fs2"]


# ---------------------------------------------------------------------------------------------
# `apsim serve` and the real AWS CLI (test_serve.py, test_efs_workflow.py)

REPO = Path(__file__).resolve().parents[3]
CLI = os.environ.get("APSIM_CLI") or str(REPO / "build" / "bin" / "apsim")
READY = re.compile(r"apsim 0\.1\.0 serving on http://127\.0\.0\.1:(\d+)\n")
READY_TIMEOUT = 20
STOP_TIMEOUT = 30

requires_cli = pytest.mark.skipif(
    not (os.path.isfile(CLI) and os.access(CLI, os.X_OK)),
    reason=f"the apsim executable is missing at {CLI} (build it with `make cli` or set APSIM_CLI)")


def read_line(fd, timeout):
    """One line from a pipe, byte by byte (nothing past the newline is consumed), bounded."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no complete line within {timeout} s (got {line!r})")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            byte = os.read(fd, 1)
            if not byte:
                break  # EOF: the process exited
            line += byte
    return line.decode("utf-8", "replace")


class Server:
    """`apsim serve --port 0` as a subprocess: the ready line gives the endpoint."""

    def __init__(self, *args, seed=1):
        self.log = tempfile.TemporaryFile()  # stderr: a file, so --log-level info can never block on a full pipe
        command = [CLI, "serve", "--host", "127.0.0.1", "--port", "0"]
        command += ["--seed", str(seed)] if seed is not None else []
        self.proc = subprocess.Popen(command + [str(a) for a in args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.log)
        self.done = False
        try:
            line = read_line(self.proc.stdout.fileno(), READY_TIMEOUT)
            match = READY.fullmatch(line)
            assert match, f"unexpected ready line {line!r}; stderr: {self.stderr()}"
        except BaseException:
            self.kill()
            raise
        self.port = int(match.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        # One round trip before handing the server out (see test_bug_sigterm_right_after_ready_line).
        assert self.health()["status"] == "ok"

    def health(self):
        with urllib.request.urlopen(self.endpoint + "/_apsim/health", timeout=10) as r:
            return json.loads(r.read())

    def control(self, operation, body=None):
        """POST /_apsim/<operation>: (status, document)."""
        request = urllib.request.Request(self.endpoint + "/_apsim/" + operation, method="POST",
                                         data=json.dumps(body or {}).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=STOP_TIMEOUT):
        """The exit code; kills the server and fails if it does not exit in time."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"apsim serve did not exit within {timeout} s; stderr: {self.stderr()[-2000:]}")
        self.done = True
        rest = self.proc.stdout.read()
        self.proc.stdout.close()
        assert rest == b"", f"apsim serve printed more than its ready line on stdout: {rest[:200]!r}"
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        self.send_signal(sig)
        return self.wait(timeout)

    def kill(self):
        """SIGKILL (kill -9) and reap."""
        self.done = True
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if not self.proc.stdout.closed:
            self.proc.stdout.close()

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def client(self, service, region="us-east-1", key="testing", **config):
        return boto_client(self, service, region, key, **config)


@pytest.fixture
def serve():
    """A factory of servers; at teardown each one still running gets SIGTERM and must exit 0."""
    servers = []

    def start(*args, **kwargs):
        server = Server(*args, **kwargs)
        servers.append(server)
        return server

    yield start
    problems = []
    for s in servers:
        if not s.done:
            if s.proc.poll() is not None:
                problems.append(f"apsim serve exited on its own with {s.proc.returncode}; stderr: {s.stderr()[-2000:]}")
                s.kill()
            else:
                try:
                    rc = s.stop()
                except AssertionError as e:
                    problems.append(str(e))
                else:
                    if rc != 0:
                        problems.append(f"apsim serve exited with {rc} after SIGTERM; stderr: {s.stderr()[-2000:]}")
        s.log.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def server(serve):
    return serve()


def boto_client(server, service, region="us-east-1", key="testing", **config):
    import boto3
    from botocore.config import Config

    config.setdefault("retries", {"mode": "standard", "max_attempts": 3})
    return boto3.session.Session().client(
        service, endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
        aws_secret_access_key="testing",
        config=Config(connect_timeout=10, read_timeout=60, **config))


def run(args, input=None, timeout=60, env=None):
    return subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def aws_cli():
    """The `aws` command and the exit code it uses for a service error (ClientError)."""
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI (`aws`) is not on PATH")
    version = run([aws, "--version"], timeout=60)
    text = (version.stdout + version.stderr).strip()
    if not text.startswith("aws-cli/"):
        pytest.skip(f"`aws --version` answered {text!r}")
    # awscli 1.x exits 255 for a service error, awscli 2 exits 254.
    return aws, (255 if text.startswith("aws-cli/1.") else 254)


def aws_command(aws_cli, server, *args):
    """`aws --endpoint-url <server> --output json <args>` with dummy credentials, us-east-1 and no
    retries: the completed process."""
    aws, _ = aws_cli
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="",
               AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1")
    return run([aws, "--endpoint-url", server.endpoint, "--output", "json", *args], timeout=120, env=env)


def aws_run(aws_cli, server, *args, expect=0):
    """aws_command that must exit with ``expect``: its JSON output (0), else the completed process."""
    r = aws_command(aws_cli, server, *args)
    assert r.returncode == expect, f"aws {' '.join(args)} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
    return json.loads(r.stdout) if expect == 0 and r.stdout.strip() else r


# ---------------------------------------------------------------------------------------------
# What a provisioning tool does, written once and run three ways (test_efs_workflow.py,
# test_fsx_workflow.py): boto3 in apsim.mock_aws(), boto3 inside moto.mock_aws() too, the AWS CLI.

def plain(response):
    """A response as the sequence compares it: without ResponseMetadata, and its timestamps as epoch
    seconds (boto3 parses them into datetimes; the AWS CLI prints them as the wire has them)."""
    if isinstance(response, dict):
        return {k: plain(v) for k, v in response.items() if k != "ResponseMetadata"}
    if isinstance(response, list):
        return [plain(v) for v in response]
    if isinstance(response, datetime.datetime):
        return response.timestamp()
    return response


def poll(describe, until=None, gone=None, limit=5, streak=1):
    """Calls ``describe()`` (it returns a state) as a tool waiting for a resource does: until it has
    returned ``until`` ``streak`` times in a row, or until it raises the ClientError ``gone`` (its
    (code, message)). Returns the states seen."""
    import botocore.exceptions

    seen = []
    for _ in range(limit):
        try:
            seen.append(describe())
        except botocore.exceptions.ClientError as e:
            assert gone is not None and error_of(e) == gone, (seen, e.response["Error"])
            return seen
        if until is not None and seen[-streak:] == [until] * streak:
            return seen
    raise AssertionError(f"still waiting after {limit} polls: {seen}")


class Network:
    """Where a sequence puts its mount targets (EFS) or file systems (FSx: the two subnets of
    ``placement``, in two AZs, and ``other_group``), and what it expects of them.

    ``candidates``: subnet IDs to try in order (a create that lands in an AZ already used answers
    MountTargetConflict and the next one is tried); ``placement``: subnet ID -> (AZ, AZ ID, CIDR) of the
    ones kept; ``vpc``; ``default_group``: the VPC's default security group; ``other_group``: another
    group of the VPC."""

    candidates = placement = vpc = default_group = other_group = None

    def check_interface(self, mount_target, groups):
        """The mount target's network interface, where there is an EC2 to look in."""

    def check_interface_gone(self, mount_target):
        """The interface is deleted with the mount target."""

    def check_file_system_interfaces(self, file_system, groups):
        """An FSx file system's network interfaces, where there is an EC2 to look in."""

    def check_file_system_interfaces_gone(self, file_system):
        """They are deleted with the file system."""


class OpenNetwork(Network):
    """The open network of account 123456789012 in us-east-1 (network.md): every well-formed ID
    exists; a subnet's AZ and /20, the default VPC and its default group are derived from the IDs and
    the account and region, whatever the seed."""

    candidates = [f"subnet-{'0' * 16}{c}" for c in "abc"]
    placement = {candidates[0]: ("us-east-1b", "use1-az2", "172.31.128.0/20"),
                 candidates[1]: ("us-east-1a", "use1-az1", "172.31.16.0/20")}
    vpc = "vpc-0896756ff1962051f"
    default_group = "sg-0919323cc20b7884a"
    other_group = "sg-0123456789abcdef0"


class MotoNetwork(Network):
    """A VPC with two subnets in two AZs and a security group, created in moto's EC2."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=self.vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]
                   for i, zone in ((1, "a"), (2, "b"))]
        self.candidates = [s["SubnetId"] for s in subnets]
        self.placement = {s["SubnetId"]: (s["AvailabilityZone"], s["AvailabilityZoneId"], s["CidrBlock"]) for s in subnets}
        assert [s["AvailabilityZoneId"] for s in subnets] == ["use1-az6", "use1-az1"]  # moto's us-east-1a and b
        [default] = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [self.vpc]},
                                                          {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
        self.default_group = default["GroupId"]
        self.other_group = ec2.create_security_group(GroupName="efs-clients", Description="NFS clients",
                                                     VpcId=self.vpc)["GroupId"]

    def check_interface(self, mount_target, groups):
        [eni] = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[mount_target["NetworkInterfaceId"]])["NetworkInterfaces"]
        names = {self.default_group: "default", self.other_group: "efs-clients"}
        assert {k: eni[k] for k in ("SubnetId", "VpcId", "AvailabilityZone", "PrivateIpAddress", "Groups", "Description",
                                    "RequesterManaged")} == {
            "SubnetId": mount_target["SubnetId"], "VpcId": self.vpc, "AvailabilityZone": mount_target["AvailabilityZoneName"],
            "PrivateIpAddress": mount_target["IpAddress"], "Groups": [{"GroupId": g, "GroupName": names[g]} for g in groups],
            "Description": f"EFS mount target for {mount_target['FileSystemId']} ({mount_target['MountTargetId']})",
            "RequesterManaged": True}

    def check_interface_gone(self, mount_target):
        e = raised(self.ec2.describe_network_interfaces, NetworkInterfaceIds=[mount_target["NetworkInterfaceId"]])
        assert e.response["Error"]["Code"] == "InvalidNetworkInterfaceID.NotFound"

    def check_file_system_interfaces(self, file_system, groups):
        """One requester-managed interface in each subnet, with the IDs the file system reports, in its
        security groups, described as AWS describes them."""
        names = {self.default_group: "default", self.other_group: "efs-clients"}
        fs_id = file_system["FileSystemId"]
        found = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "description", "Values": [f"ENI for Amazon FSx file system {fs_id}"]}])["NetworkInterfaces"]
        keys = ("NetworkInterfaceId", "SubnetId", "VpcId", "AvailabilityZone", "Groups", "Description", "RequesterManaged")
        assert sorted(({k: eni[k] for k in keys} for eni in found), key=lambda eni: eni["NetworkInterfaceId"]) == sorted((
            {"NetworkInterfaceId": eni, "SubnetId": subnet, "VpcId": self.vpc, "AvailabilityZone": self.placement[subnet][0],
             "Groups": [{"GroupId": g, "GroupName": names[g]} for g in groups],
             "Description": f"ENI for Amazon FSx file system {fs_id}", "RequesterManaged": True}
            for eni, subnet in zip(file_system["NetworkInterfaceIds"], file_system["SubnetIds"])),
            key=lambda eni: eni["NetworkInterfaceId"])
        for eni in found:
            assert self.placement[eni["SubnetId"]][2].rsplit(".", 1)[0] == eni["PrivateIpAddress"].rsplit(".", 1)[0]

    def check_file_system_interfaces_gone(self, file_system):
        for interface in file_system["NetworkInterfaceIds"]:
            e = raised(self.ec2.describe_network_interfaces, NetworkInterfaceIds=[interface])
            assert e.response["Error"]["Code"] == "InvalidNetworkInterfaceID.NotFound"


class CliClient:
    """The AWS CLI against apsim serve, called like a boto3 client: ``cli.create_file_system(**params)``
    runs ``aws efs create-file-system --cli-input-json <params>`` and returns its JSON output; a
    service error is raised as botocore's ClientError with the code and message the CLI printed."""

    def __init__(self, aws_cli, server, service="efs"):
        self.aws_cli, self.server, self.service = aws_cli, server, service

    def __getattr__(self, name):
        import botocore.exceptions

        def call(**params):
            r = aws_command(self.aws_cli, self.server, self.service, name.replace("_", "-"), "--cli-input-json",
                            json.dumps(params))
            if r.returncode == 0:
                return json.loads(r.stdout) if r.stdout.strip() else {}
            error = re.search(r"An error occurred \((\w+)\) when calling the (\w+) operation: (.*)", r.stderr)
            assert r.returncode == self.aws_cli[1] and error, f"aws {self.service} {name} -> {r.returncode}\n{r.stderr}"
            raise botocore.exceptions.ClientError({"Error": {"Code": error[1], "Message": error[3]}}, error[2])
        return call
