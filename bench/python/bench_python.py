#!/usr/bin/env python3
"""The Python side of apsim's benchmark suite (bench/run.sh runs it).

Per-call medians, measured side by side in one process (timeit-style: batches of calls with the
garbage collector off, several repeats, the contestants interleaved repeat by repeat so drift hits
them alike; one extra repeat first warms every path and is dropped; the median of the repeats'
per-call times is reported). The contestants:

  apsim_client_json        the apsim client (sim.client("efs"), ctypes) with apsim._codec's
  apsim_client_orjson      "json" (standard library) and "orjson" codecs, switched between batches
  apsim_mock_aws           boto3 through apsim.mock_aws (its default fast path)
  apsim_mock_aws_wire      boto3 through apsim.mock_aws(wire=True) (botocore's parser on the bytes)
  moto_boto3               boto3 through moto (moto.mock_aws)
  moto_backend             moto's backend objects called directly (efs_backends[account][region])
  stubber                  boto3 with botocore's Stubber (canned response, queued before the batch)
  before_send              boto3 with a before-send handler returning a canned HTTP response (a
                           reference: boto3's own cost)

Sections (--only):

  create       create_access_point: every contestant
  describe     describe_access_points(FileSystemId=...) of a file system with 10 access points:
               every contestant but the Stubber and before-send
  describe100  the same with 100 access points
  mount        create_mount_target + describe_mount_targets(MountTargetId=...), one pair per file
               system (the file systems are made before each batch, untimed): boto3 through
               apsim.mock_aws (both paths; apsim's open network takes any well-formed subnet ID)
               and through moto (a VPC and subnet made with moto's EC2 in the same block)
  fsx          create_and_attach_s3_access_point: apsim client | boto3 through apsim.mock_aws |
               moto (which does not implement it: what it raises is recorded)
  breakdown    where the time of one call goes, each step timed alone on the same inputs

Every request is the same typical one (unique client token, PosixUser, RootDirectory with
CreationInfo, a Name tag). Prints the medians and the ratios against the targets, then one JSON
line (the last line of stdout).

    PYTHONPATH=bindings/python python3 bench/python/bench_python.py [--repeats 7] [--scale 1.0]
"""
import argparse
import collections
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "bindings" / "python"))

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
import botocore  # noqa: E402
import moto  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

import apsim  # noqa: E402
from apsim import _codec  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
START = 1700000000
POSIX = {"Uid": 1000, "Gid": 1000}
CREATION = {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755"}
FSX_IDENTITY = {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000}}
ANY_FILE_SYSTEM = "fs-0123456789abcdef0"  # for the contestants that answer without a backend
APSIM_SUBNET = "subnet-0123456789abcdef0"  # apsim's open network: any well-formed subnet ID exists
DEFAULT_CODEC = _codec.NAME
# boto3 through apsim.mock_aws: (contestant, wire)
MOCK_PATHS = (("apsim_mock_aws", False), ("apsim_mock_aws_wire", True))

# The ratios this benchmark prints, as bench/run.sh checks them per run: (what, section, numerator,
# denominator, comparison, limit); the ratio is numerator / denominator of the per-call medians.
TARGETS = (
    ("19.1 mock_aws create / Stubber", "create_access_point", "apsim_mock_aws", "stubber", "<=", 1.25),
    ("19.1 moto / mock_aws create", "create_access_point", "moto_boto3", "apsim_mock_aws", ">=", 5),
    ("19.1 moto / mock_aws describe 100", "describe_access_points_100", "moto_boto3", "apsim_mock_aws", ">=", 5),
    ("19.1 moto / mock_aws mount-target pair", "mount_target_pair", "moto_boto3", "apsim_mock_aws", ">=", 5),
    ("19.2 moto / client create (json)", "create_access_point", "moto_boto3", "apsim_client_json", ">=", 50),
    ("19.2 moto / client create (orjson)", "create_access_point", "moto_boto3", "apsim_client_orjson", ">=", 50),
    ("19.2 moto / client describe 10 (json)", "describe_access_points", "moto_boto3", "apsim_client_json", ">=", 50),
    ("19.2 moto / client describe 10 (orjson)", "describe_access_points", "moto_boto3", "apsim_client_orjson", ">=", 50),
)


def ap_args(fs_id, token):
    return dict(ClientToken=token, FileSystemId=fs_id, PosixUser=POSIX,
                RootDirectory={"Path": "/export/" + token, "CreationInfo": CREATION},
                Tags=[{"Key": "Name", "Value": token}])


class Tokens:
    """Unique tokens, made before the timed batch (so every contestant pays the same)."""

    def __init__(self, prefix):
        self.prefix, self.i = prefix, 0

    def take(self, n):
        out = [f"{self.prefix}-{self.i + k:08d}" for k in range(n)]
        self.i += n
        return out


def boto3_client(service):
    return boto3.session.Session().client(service, region_name=REGION, aws_access_key_id="testing",
                                          aws_secret_access_key="testing")


def timed_calls(make_args, call, n):
    """Per-call seconds of `call` over n argument sets made before the clock starts."""
    args = make_args(n)
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        for a in args:
            call(a)
        elapsed = time.perf_counter_ns() - t0
    finally:
        gc.enable()
    return elapsed / n / 1e9


def median_us(samples):
    return statistics.median(samples) * 1e6


def interleaved(repeats, one_repeat):
    """Runs ``one_repeat(results)`` (which times every contestant once, appending to
    results[contestant]) once to warm every path, dropped, then ``repeats`` times; the medians."""
    one_repeat(collections.defaultdict(list))
    results = collections.defaultdict(list)
    for _ in range(repeats):
        one_repeat(results)
    return {k: {"median_us": median_us(v), "runs_us": [x * 1e6 for x in v]} for k, v in results.items()}


def batch_sizes(scale):
    """Calls per batch: (apsim client and moto's objects, boto3 through apsim or the Stubber, moto via boto3)."""
    return max(20, int(1000 * scale)), max(20, int(300 * scale)), max(10, int(100 * scale))


@contextlib.contextmanager
def codec(name):
    """apsim._codec switched to ``name`` for the block."""
    previous = _codec.use(name)
    try:
        yield
    finally:
        _codec.use(previous)


def available_codecs():
    """The codecs apsim._codec can use here (orjson only when it is installed)."""
    names = []
    for name in ("json", "orjson"):
        try:
            with codec(name):
                names.append(name)
        except ImportError:
            pass
    return tuple(names)


CODECS = available_codecs()


def time_clients(results, make_args, call, n):
    """One batch of the apsim client per codec: results["apsim_client_<codec>"]."""
    for name in CODECS:
        with codec(name):
            results["apsim_client_" + name].append(timed_calls(make_args, call, n))


def time_mocks(results, sim, make_args, call, n, check=None):
    """One batch of boto3 through apsim.mock_aws on ``sim`` per path (fast, wire); ``check(path)``
    runs inside each block first, untimed."""
    for key, wire in MOCK_PATHS:
        with apsim.mock_aws(simulator=sim, wire=wire):
            if check:
                check(key)
            results[key].append(timed_calls(make_args, call, n))


def file_system_with_access_points(client, token, access_points):
    """A file system with ``access_points`` access points, made through ``client`` (the apsim
    client or boto3's, under either mock); its ID."""
    fs = client.create_file_system(CreationToken=token)["FileSystemId"]
    for i in range(access_points):
        client.create_access_point(**ap_args(fs, f"{token}-{i}"))
    return fs


def mock_client(sim, service, setup=None):
    """A boto3 client made inside an apsim.mock_aws block on ``sim`` (it is served by whichever
    block is active when it calls), and what ``setup(client)`` made there."""
    with apsim.mock_aws(simulator=sim):
        client = boto3_client(service)
        return client, (setup(client) if setup else None)


class MotoBackend:
    """moto's EFS backend objects, called directly (no moto mock needed for the objects). A
    moto.mock_aws block resets every backend, so each batch starts from :meth:`fresh`."""

    def fresh(self, token, access_points=0):
        from moto.efs.models import efs_backends

        efs_backends[ACCOUNT][REGION].reset()
        self.backend = efs_backends[ACCOUNT][REGION]
        self.fs = self.backend.create_file_system(
            creation_token=token, performance_mode="generalPurpose", encrypted=False, kms_key_id=None,
            throughput_mode="bursting", provisioned_throughput_in_mibps=None, availability_zone_name=None,
            backup=False, tags=[]).file_system_id
        for i in range(access_points):
            self.create(ap_args(self.fs, f"{token}-{i}"))
        return self

    def create(self, a):
        self.backend.create_access_point(client_token=a["ClientToken"], tags=a["Tags"], file_system_id=a["FileSystemId"],
                                         posix_user=a["PosixUser"], root_directory=a["RootDirectory"])

    def describe(self, _=None):
        return self.backend.describe_access_points(None, self.fs)

    def reset(self):
        self.backend.reset()


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **kwargs):
        yield self._body

    def read(self, *args):
        return self._body


def canned_before_send(client, operation, body):
    """Makes ``client`` answer ``operation`` with ``body`` from a before-send handler: botocore does
    everything (validate, serialize, sign, parse) but the transport."""
    def before_send(request, **kwargs):
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, _Raw(body))

    client.meta.events.register(f"before-send.efs.{operation}", before_send)
    return client


def bench_create(repeats, scale):
    """create_access_point: every contestant, interleaved repeat by repeat."""
    n_fast, n_boto, n_moto = batch_sizes(scale)
    tokens = Tokens("create")

    def args_for(fs_id):
        return lambda n: [ap_args(fs_id, t) for t in tokens.take(n)]

    # apsim client: one world for all repeats (a create is O(1) in the world's size).
    sim = apsim.Simulator(seed=1, start_time=START, access_points_per_file_system=1_000_000)
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="bench")["FileSystemId"]
    # boto3 through apsim.mock_aws: its own world.
    mock_sim = apsim.Simulator(seed=2, start_time=START, access_points_per_file_system=1_000_000)
    mock_efs, mock_fs = mock_client(mock_sim, "efs", lambda c: file_system_with_access_points(c, "bench", 0))
    # The canned response (what apsim answers, minus ResponseMetadata) for the Stubber and before-send.
    canned = sim.call("efs:CreateAccessPoint", ap_args(fs, "canned-0"))
    canned.pop("ResponseMetadata")
    stub_efs = boto3_client("efs")
    stubber = Stubber(stub_efs)
    stubber.activate()
    bs_efs = canned_before_send(boto3_client("efs"), "CreateAccessPoint", json.dumps(canned).encode())
    moto_backend = MotoBackend()

    def one_repeat(results):
        time_clients(results, args_for(fs), lambda a: efs.create_access_point(**a), n_fast)
        moto_backend.fresh("bench")
        results["moto_backend"].append(timed_calls(args_for(moto_backend.fs), moto_backend.create, n_fast))
        with moto.mock_aws():
            moto_efs = boto3_client("efs")
            mfs = file_system_with_access_points(moto_efs, "bench", 0)
            for a in args_for(mfs)(10):  # warm this client
                moto_efs.create_access_point(**a)
            results["moto_boto3"].append(timed_calls(args_for(mfs), lambda a: moto_efs.create_access_point(**a), n_moto))
        time_mocks(results, mock_sim, args_for(mock_fs), lambda a: mock_efs.create_access_point(**a), n_boto)
        for _ in range(n_boto):
            stubber.add_response("create_access_point", canned)
        results["stubber"].append(timed_calls(args_for(ANY_FILE_SYSTEM), lambda a: stub_efs.create_access_point(**a), n_boto))
        results["before_send"].append(timed_calls(args_for(ANY_FILE_SYSTEM), lambda a: bs_efs.create_access_point(**a), n_moto))

    out = interleaved(repeats, one_repeat)
    stubber.deactivate()
    sim.close()
    mock_sim.close()
    moto_backend.reset()
    return out, {"apsim_client": n_fast, "moto_backend": n_fast, "moto_boto3": n_moto, "apsim_mock_aws": n_boto,
                 "stubber": n_boto, "before_send": n_moto}


def expect_items(what, response, want):
    """Stops the benchmark unless a describe answered ``want`` access points (untimed)."""
    got = len(response["AccessPoints"] if isinstance(response, dict) else response)
    if got != want:
        raise SystemExit(f"describe_access_points: {what} answered {got} access points, not {want}")


def bench_describe(repeats, scale, per_fs):
    """describe_access_points(FileSystemId=...) of a file system with ``per_fs`` access points."""
    n_fast, n_boto, n_moto = batch_sizes(scale * min(1.0, 30 / per_fs))
    same = lambda n: [None] * n  # noqa: E731

    sim = apsim.Simulator(seed=3, start_time=START)
    efs = sim.client("efs")
    fs = file_system_with_access_points(efs, "d", per_fs)
    mock_sim = apsim.Simulator(seed=4, start_time=START)
    mock_efs, mock_fs = mock_client(mock_sim, "efs", lambda c: file_system_with_access_points(c, "d", per_fs))
    moto_backend = MotoBackend()

    def one_repeat(results):
        expect_items("the apsim client", efs.describe_access_points(FileSystemId=fs), per_fs)
        time_clients(results, same, lambda _: efs.describe_access_points(FileSystemId=fs), n_fast)
        moto_backend.fresh("d", per_fs)  # a moto.mock_aws block below resets it
        expect_items("moto's backend", moto_backend.describe(), per_fs)
        results["moto_backend"].append(timed_calls(same, moto_backend.describe, n_fast))
        with moto.mock_aws():
            moto_efs = boto3_client("efs")
            mfs = file_system_with_access_points(moto_efs, "d", per_fs)
            for _ in range(5):  # warm this client
                expect_items("moto via boto3", moto_efs.describe_access_points(FileSystemId=mfs), per_fs)
            results["moto_boto3"].append(timed_calls(same, lambda _: moto_efs.describe_access_points(FileSystemId=mfs), n_moto))
        time_mocks(results, mock_sim, same, lambda _: mock_efs.describe_access_points(FileSystemId=mock_fs), n_boto,
                   check=lambda path: expect_items(path, mock_efs.describe_access_points(FileSystemId=mock_fs), per_fs))

    out = interleaved(repeats, one_repeat)
    moto_backend.reset()
    sim.close()
    mock_sim.close()
    return out, {"apsim_client": n_fast, "moto_backend": n_fast, "moto_boto3": n_moto, "apsim_mock_aws": n_boto,
                 "items": per_fs}


def mount_target_pair(client, subnet):
    """The timed unit: create_mount_target on a file system, then describe_mount_targets of it."""
    def pair(fs_id):
        mt = client.create_mount_target(FileSystemId=fs_id, SubnetId=subnet)["MountTargetId"]
        return mt, client.describe_mount_targets(MountTargetId=mt)
    return pair


def check_pair(what, pair, fs_id, subnet):
    """Stops the benchmark unless the pair describes the mount target it made (untimed)."""
    mt, described = pair(fs_id)
    got = [(m["MountTargetId"], m["FileSystemId"], m["SubnetId"]) for m in described["MountTargets"]]
    if got != [(mt, fs_id, subnet)]:
        raise SystemExit(f"mount targets: {what} described {got}, not [{(mt, fs_id, subnet)}]")


def moto_subnet():
    """A VPC and subnet in moto's EC2 (inside a moto.mock_aws block); the subnet's ID."""
    ec2 = boto3_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/20", AvailabilityZone=REGION + "a")["Subnet"]["SubnetId"]


def bench_mount_targets(repeats, scale):
    """create_mount_target + describe_mount_targets(MountTargetId=...): one mount target per file
    system (one per Availability Zone per file system is the rule), the file systems made before the
    batch. Each repeat uses a fresh world for apsim, as moto's block is fresh, so that one subnet's
    addresses last."""
    _, n_boto, n_moto = batch_sizes(scale)
    tokens = Tokens("mt")

    def file_systems(client):
        return lambda n: [client.create_file_system(CreationToken=t)["FileSystemId"] for t in tokens.take(n)]

    def checked(client, subnet, what):
        pair = mount_target_pair(client, subnet)
        check_pair(what, pair, file_systems(client)(1)[0], subnet)
        return pair

    with apsim.Simulator(seed=9, start_time=START) as sim:
        mock_efs, _ = mock_client(sim, "efs")

    def one_repeat(results):
        with moto.mock_aws():
            subnet = moto_subnet()
            moto_efs = boto3_client("efs")
            pair = checked(moto_efs, subnet, "moto via boto3")
            for fs_id in file_systems(moto_efs)(5):  # warm this client
                pair(fs_id)
            results["moto_boto3"].append(timed_calls(file_systems(moto_efs), pair, n_moto))
        with apsim.Simulator(seed=9, start_time=START) as world:
            pair = mount_target_pair(mock_efs, APSIM_SUBNET)
            time_mocks(results, world, file_systems(mock_efs), pair, n_boto,
                       check=lambda path: checked(mock_efs, APSIM_SUBNET, path))

    return interleaved(repeats, one_repeat), {"moto_boto3": n_moto, "apsim_mock_aws": n_boto}


class Volumes:
    """Root volumes of SINGLE_AZ_HA_2 10240-MBps OpenZFS file systems (276 attachments each),
    made on demand; hands out a volume with a free attachment slot."""

    def __init__(self, create_file_system):
        self.create = create_file_system
        self.slots = []  # [volume, used]

    def take(self):
        if not self.slots or self.slots[-1][1] >= 276:
            fs = self.create(FileSystemType="OPENZFS", SubnetIds=[APSIM_SUBNET], StorageCapacity=64,
                             OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 10240})
            self.slots.append([fs["FileSystem"]["OpenZFSConfiguration"]["RootVolumeId"], 0])
        self.slots[-1][1] += 1
        return self.slots[-1][0]


def attach_args(volume, i, prefix):
    return dict(ClientRequestToken=f"{prefix}-tok-{i:08d}", Name=f"{prefix}-{i:08d}", Type="OPENZFS",
                OpenZFSConfiguration={"VolumeId": volume, "FileSystemIdentity": FSX_IDENTITY})


def moto_fsx_outcome():
    """What moto does with create_and_attach_s3_access_point."""
    with moto.mock_aws():
        moto_fsx = boto3_client("fsx")
        try:
            moto_fsx.create_and_attach_s3_access_point(**attach_args("fsvol-0123456789abcdef0", 0, "moto"))
            outcome = {"implemented": True, "outcome": "answered"}
        except Exception as e:  # noqa: BLE001 -- recording whatever moto raises
            outcome = {"implemented": False, "exception": type(e).__name__, "message": str(e)[:200]}
    from moto.fsx.models import fsx_backends
    outcome["backend_has_method"] = hasattr(fsx_backends[ACCOUNT][REGION], "create_and_attach_s3_access_point")
    return outcome


def bench_fsx(repeats, scale):
    n_fast = max(20, int(500 * scale))
    n_boto = max(20, int(200 * scale))
    sim = apsim.Simulator(seed=5, start_time=START, s3_access_points_per_region=1_000_000)
    fsx = sim.client("fsx")
    mock_sim = apsim.Simulator(seed=6, start_time=START, s3_access_points_per_region=1_000_000)
    mock_fsx, mock_vols = mock_client(mock_sim, "fsx", lambda c: Volumes(c.create_file_system))
    counter = {"a": 0, "m": 0}

    def make(kind, volumes):
        def f(n):
            out = []
            for _ in range(n):
                out.append(attach_args(volumes.take(), counter[kind], "bench" + kind))
                counter[kind] += 1
            return out
        return f

    make_a, make_m = make("a", Volumes(fsx.create_file_system)), make("m", mock_vols)

    def one_repeat(results):
        time_clients(results, make_a, lambda a: fsx.create_and_attach_s3_access_point(**a), n_fast)
        time_mocks(results, mock_sim, make_m, lambda a: mock_fsx.create_and_attach_s3_access_point(**a), n_boto)

    out = interleaved(repeats, one_repeat)
    sim.close()
    mock_sim.close()
    out["moto"] = moto_fsx_outcome()
    return out, {"apsim_client": n_fast, "apsim_mock_aws": n_boto}


# ---- where the time of one call goes --------------------------------------------------------------


def captured_mock_exchange(mock_sim, fs_id):
    """One request boto3 sends through apsim.mock_aws (as apsim_http takes it) and apsim's reply
    (status, headers, body), captured at apsim.mock._answer, and the client that sent it."""
    import apsim.mock as mock_module

    captured = {}
    real_answer = mock_module._answer

    def capture(sim_, request):
        captured.setdefault("request", request)
        reply = real_answer(sim_, request)
        captured.setdefault("reply", reply)
        return reply

    with apsim.mock_aws(simulator=mock_sim):
        client = boto3_client("efs")
        mock_module._answer = capture
        try:
            client.create_access_point(**ap_args(fs_id, "parts-captured"))
        finally:
            mock_module._answer = real_answer
    return client, captured["request"], captured["reply"]


def handler_inside_calls(client, mock_sim, make_args, n, repeats):
    """apsim.mock_aws's before-call handler timed inside real calls (caches cooled by botocore's own
    path between two calls): (per-call seconds of the calls, of the handler) per repeat."""
    import apsim.mock as mock_module

    handler_time = [0]
    calls, handler = [], []

    def timed_handler(**kwargs):
        t0 = time.perf_counter_ns()
        try:
            return mock_module._before_call(**kwargs)
        finally:
            handler_time[0] += time.perf_counter_ns() - t0

    with apsim.mock_aws(simulator=mock_sim):
        client.meta.events.unregister("before-call", mock_module._before_call)
        client.meta.events.register("before-call", timed_handler)
        try:
            for _ in range(repeats):
                handler_time[0] = 0
                calls.append(timed_calls(make_args, lambda a: client.create_access_point(**a), n))
                handler.append(handler_time[0] / n / 1e9)
        finally:
            client.meta.events.unregister("before-call", timed_handler)
            client.meta.events.register("before-call", mock_module._before_call)
    return calls, handler


def bench_breakdown(repeats, scale):
    """Where the time of one call goes (explains the Python targets): the apsim client's call (per
    codec) and apsim.mock_aws's taken apart into their steps, each timed alone on the same inputs."""
    import ctypes

    from botocore.awsrequest import HeadersDict
    from botocore.parsers import create_parser

    from apsim import _fastparse, _native
    from apsim.simulator import encode

    n = max(20, int(1000 * scale))
    hot = _native.hot()
    tokens = Tokens("parts")
    sim = apsim.Simulator(seed=7, start_time=START, access_points_per_file_system=1_000_000)
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="parts")["FileSystemId"]
    fs_read = file_system_with_access_points(efs, "parts-read", 10)  # read only
    handle = ctypes.c_void_p(sim._handle)

    def c_call(fn, *args):  # the C call through ctypes, request already encoded
        return _native.send(fn, hot.free, handle, *args)

    create_text = c_call(hot.call_in, None, None, b"efs:CreateAccessPoint", encode(ap_args(fs, "parts-sample")))[1]
    describe_text = c_call(hot.call_in, None, None, b"efs:DescribeAccessPoints", encode({"FileSystemId": fs_read}))[1]

    mock_sim = apsim.Simulator(seed=8, start_time=START, access_points_per_file_system=1_000_000)
    client, mfs = mock_client(mock_sim, "efs", lambda c: file_system_with_access_points(c, "parts", 0))
    client, request, (status, reply_headers, body) = captured_mock_exchange(mock_sim, mfs)
    operation = client.meta.service_model.operation_model("CreateAccessPoint")
    parser = create_parser(operation.metadata["protocol"])
    mock_handle = ctypes.c_void_p(mock_sim._handle)

    def http_requests(k):
        return [dict(request, body=request["body"].replace("parts-captured", t)) for t in tokens.take(k)]

    creates = lambda k: [ap_args(fs, t) for t in tokens.take(k)]  # noqa: E731
    same = lambda k: [None] * k  # noqa: E731
    texts = lambda text: lambda k: [text] * k  # noqa: E731
    decoded = lambda text: lambda k: [json.loads(text) for _ in range(k)]  # noqa: E731
    per_codec = {  # step: (make_args, call), timed once per codec
        "client_create_total": (creates, lambda a: efs.create_access_point(**a)),
        "create_encode": (creates, lambda a: _codec.dumps(a)),
        "create_decode": (texts(create_text), lambda t: _codec.loads(t)),
        "client_describe_total": (same, lambda _: efs.describe_access_points(FileSystemId=fs_read)),
        "describe_decode": (texts(describe_text), lambda t: _codec.loads(t)),
        "mock_http": (http_requests, mock_sim.http),
    }
    steps = {  # step: (make_args, call), the same for every codec
        "create_c_call": (lambda k: [(b"efs:CreateAccessPoint", encode(a)) for a in creates(k)],
                          lambda p: c_call(hot.call_in, None, None, *p)),
        "create_timestamps": (decoded(create_text), lambda d: efs._finish("CreateAccessPoint", d)),
        "describe_c_call": (texts((b"efs:DescribeAccessPoints", encode({"FileSystemId": fs_read}))),
                            lambda p: c_call(hot.call_in, None, None, *p)),
        "describe_timestamps": (decoded(describe_text), lambda d: efs._finish("DescribeAccessPoints", d)),
        "mock_http_c_call": (lambda k: [encode(q) for q in http_requests(k)],
                             lambda q: _native.send(hot.http, hot.free, mock_handle, q)),
        "mock_parse": (same, lambda _: parser.parse({"status_code": status, "headers": HeadersDict(reply_headers),
                                                     "body": body}, operation.output_shape)),
        "mock_fastparse": (same, lambda _: _fastparse.parse(operation, parser, status, reply_headers, body)),
    }
    parts = collections.defaultdict(list)
    for _ in range(repeats):
        for name in CODECS:
            with codec(name):
                for step, (make_args, call) in per_codec.items():
                    parts[f"{step}_{name}"].append(timed_calls(make_args, call, n))
        for step, (make_args, call) in steps.items():
            parts[step].append(timed_calls(make_args, call, n))
    parts["mock_call_timed"], parts["mock_handler_in_call"] = handler_inside_calls(
        client, mock_sim, lambda k: [ap_args(mfs, t) for t in tokens.take(k)], n, repeats)
    sim.close()
    mock_sim.close()
    out = {k: median_us(v) for k, v in parts.items()}
    out["describe_bytes"] = len(describe_text)
    out["codec_default"] = DEFAULT_CODEC
    return out


# ---- the report -----------------------------------------------------------------------------------

SECTIONS = (  # (--only name, result key, title, run)
    ("create", "create_access_point", "create_access_point", bench_create),
    ("describe", "describe_access_points", "describe_access_points (10 items)",
     lambda r, s: bench_describe(r, s, 10)),
    ("describe100", "describe_access_points_100", "describe_access_points (100 items)",
     lambda r, s: bench_describe(r, s, 100)),
    ("mount", "mount_target_pair", "create_mount_target + describe_mount_targets", bench_mount_targets),
    ("fsx", "create_and_attach_s3_access_point", "create_and_attach_s3_access_point", bench_fsx),
)


def print_section(title, result):
    print(f"\n{title:44s} median us")
    for key, value in result.items():
        if "median_us" in value:
            print(f"  {key:42s} {value['median_us']:9.2f}")
        elif not value.get("implemented", True):
            print(f"  {key:42s} not implemented: {value.get('exception', '')}: {value.get('message', '')}")


def print_breakdown(b):
    print(f"\nwhere a call goes (median us per step, each timed alone; default codec {b['codec_default']})")
    for k, v in b.items():
        if k == "describe_bytes":
            print(f"  {'describe response size (bytes)':42s} {v:9d}")
        elif isinstance(v, float):
            print(f"  {k:42s} {v:9.2f}")


def check_targets(res):
    """The ratios of TARGETS that this run measured, printed with PASS/MISS."""
    checks = {">=": lambda r, limit: r >= limit, "<=": lambda r, limit: r <= limit}
    targets = {}
    for what, section, num, den, cmp, limit in TARGETS:
        medians = res.get(section) or {}
        if num not in medians or den not in medians:
            continue
        ratio = medians[num]["median_us"] / medians[den]["median_us"]
        ok = checks[cmp](ratio, limit)
        targets[what] = {"ratio": ratio, "target": f"{cmp} {limit}", "verdict": "PASS" if ok else "MISS"}
    if targets:
        print("\nratios of the per-call medians (numerator / denominator as named)")
    for what, t in targets.items():
        print(f"  {what:42s} {t['ratio']:9.2f}x  target {t['target']:6s} {t['verdict']}")
    return targets


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the calls per batch")
    parser.add_argument("--only", default=",".join([s[0] for s in SECTIONS] + ["breakdown"]))
    opts = parser.parse_args()
    only = set(opts.only.split(","))

    res = {"bench": "python", "python": platform.python_version(), "boto3": boto3.__version__,
           "botocore": botocore.__version__, "moto": moto.__version__, "apsim": apsim.version(),
           "repeats": opts.repeats, "codecs": list(CODECS), "codec_default": DEFAULT_CODEC}
    print(f"Python {res['python']}, boto3 {res['boto3']}, botocore {res['botocore']}, moto {res['moto']}, "
          f"apsim {res['apsim']} (codecs {', '.join(CODECS)}; default {DEFAULT_CODEC}); median of {opts.repeats} "
          f"repeats, per call")
    for name, key, title, run in SECTIONS:
        if name in only:
            print(f"  .. {title}", file=sys.stderr, flush=True)
            res[key], res.setdefault("calls_per_batch", {})[key] = run(opts.repeats, opts.scale)
            print_section(title, res[key])
    if "breakdown" in only:
        print("  .. breakdown", file=sys.stderr, flush=True)
        res["breakdown"] = bench_breakdown(opts.repeats, opts.scale)
        print_breakdown(res["breakdown"])
    res["targets"] = check_targets(res)
    sys.stdout.flush()
    print(json.dumps(res, separators=(",", ":")))


if __name__ == "__main__":
    main()
