#!/usr/bin/env python3
"""The Python side of apsim's benchmark suite (bench/run.sh runs it).

Per-call medians, measured side by side in one process (timeit-style: batches of calls with the
garbage collector off, several repeats, the contestants interleaved repeat by repeat so drift hits
them alike; the median of the repeats' per-call times is reported):

  create_access_point      apsim client (sim.client("efs"), ctypes)  |  moto via boto3
                           (moto.mock_aws)  |  moto's backend objects called directly
                           (efs_backends[account][region].create_access_point)  |  boto3 through
                           apsim.mock_aws  |  boto3 with botocore's Stubber (canned response,
                           queued before the timed batch)  |  boto3 with a before-send handler
                           returning a canned HTTP response (a reference: boto3's own cost)
  describe_access_points   a file system with 10 access points: apsim client | moto via boto3 |
                           moto backend | boto3 through apsim.mock_aws
  create_and_attach_s3_access_point   apsim client | boto3 through apsim.mock_aws | moto (which
                           does not implement it: what it raises is recorded)

Every request is the same typical one (unique client token, PosixUser, RootDirectory with
CreationInfo, a Name tag). Prints a table with the ratios against the targets, then one JSON line
(the last line of stdout).

    PYTHONPATH=bindings/python python3 bench/python/bench_python.py [--repeats 7] [--scale 1.0]
"""
import argparse
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

ACCOUNT = "123456789012"
REGION = "us-east-1"
POSIX = {"Uid": 1000, "Gid": 1000}
CREATION = {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755"}
FSX_IDENTITY = {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000}}


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


def moto_backend_with_file_system(token):
    """moto's EFS backend of the account and region, emptied, with one file system."""
    from moto.efs.models import efs_backends
    efs_backends[ACCOUNT][REGION].reset()
    backend = efs_backends[ACCOUNT][REGION]
    fs = backend.create_file_system(creation_token=token, performance_mode="generalPurpose", encrypted=False,
                                    kms_key_id=None, throughput_mode="bursting", provisioned_throughput_in_mibps=None,
                                    availability_zone_name=None, backup=False, tags=[])
    return backend, fs.file_system_id


def median_us(samples):
    return statistics.median(samples) * 1e6


def bench_create(repeats, scale):
    """create_access_point: every contestant, interleaved repeat by repeat."""
    n_fast = max(20, int(1000 * scale))
    n_boto = max(20, int(300 * scale))
    n_moto = max(10, int(100 * scale))
    results = {k: [] for k in ("apsim_client", "moto_backend", "moto_boto3", "apsim_mock_aws", "stubber", "before_send")}

    # apsim client: one world for all repeats (a create is O(1) in the world's size).
    sim = apsim.Simulator(seed=1, start_time=1700000000, access_points_per_file_system=1_000_000)
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="bench")["FileSystemId"]
    t_apc = Tokens("apc")

    # boto3 through apsim.mock_aws: its own world.
    mock_sim = apsim.Simulator(seed=2, start_time=1700000000, access_points_per_file_system=1_000_000)
    with apsim.mock_aws(simulator=mock_sim):
        mock_efs = boto3_client("efs")
        mock_fs = mock_efs.create_file_system(CreationToken="bench")["FileSystemId"]
    t_mock = Tokens("mock")

    # The canned response (what apsim answers, minus ResponseMetadata) and its wire form.
    canned = sim.call("efs:CreateAccessPoint", ap_args(fs, "canned-0"))
    canned.pop("ResponseMetadata")
    canned_body = json.dumps(canned).encode()

    # Stubber: responses queued before each timed batch.
    stub_efs = boto3_client("efs")
    stubber = Stubber(stub_efs)
    stubber.activate()
    t_stub = Tokens("stub")

    # before-send: botocore does everything (validate, serialize, sign, parse), no transport.
    bs_efs = boto3_client("efs")

    def before_send(request, **kwargs):
        return AWSResponse(request.url, 200, {"Content-Type": "application/json"}, _Raw(canned_body))

    bs_efs.meta.events.register("before-send.efs.CreateAccessPoint", before_send)
    t_bs = Tokens("bs")

    # moto's backend objects, called directly (no moto mock needed for the objects themselves). A
    # moto.mock_aws block resets every backend, so the backend is fetched anew for each batch.
    t_mb = Tokens("mb")
    t_moto = Tokens("moto")
    moto_state = {}

    def fresh_moto_backend():
        backend, fs_id = moto_backend_with_file_system("bench")
        moto_state.update(backend=backend, fs=fs_id)

    def moto_backend_call(a):
        moto_state["backend"].create_access_point(client_token=a["ClientToken"], tags=a["Tags"],
                                                  file_system_id=a["FileSystemId"], posix_user=a["PosixUser"],
                                                  root_directory=a["RootDirectory"])

    # warm-up of every path
    for a in [ap_args(fs, t) for t in t_apc.take(200)]:
        efs.create_access_point(**a)
    fresh_moto_backend()
    for a in [ap_args(moto_state["fs"], t) for t in t_mb.take(200)]:
        moto_backend_call(a)
    with apsim.mock_aws(simulator=mock_sim):
        for a in [ap_args(mock_fs, t) for t in t_mock.take(100)]:
            mock_efs.create_access_point(**a)
    for a in [ap_args("fs-0123456789abcdef0", t) for t in t_stub.take(100)]:
        stubber.add_response("create_access_point", canned)
        stub_efs.create_access_point(**a)
    for a in [ap_args("fs-0123456789abcdef0", t) for t in t_bs.take(50)]:
        bs_efs.create_access_point(**a)

    for r in range(repeats):
        results["apsim_client"].append(timed_calls(lambda n: [ap_args(fs, t) for t in t_apc.take(n)],
                                                   lambda a: efs.create_access_point(**a), n_fast))
        fresh_moto_backend()
        results["moto_backend"].append(timed_calls(lambda n: [ap_args(moto_state["fs"], t) for t in t_mb.take(n)],
                                                   moto_backend_call, n_fast))
        with moto.mock_aws():
            moto_efs = boto3_client("efs")
            mfs = moto_efs.create_file_system(CreationToken="bench")["FileSystemId"]
            for a in [ap_args(mfs, t) for t in t_moto.take(10)]:  # warm this client
                moto_efs.create_access_point(**a)
            results["moto_boto3"].append(timed_calls(lambda n: [ap_args(mfs, t) for t in t_moto.take(n)],
                                                     lambda a: moto_efs.create_access_point(**a), n_moto))
        with apsim.mock_aws(simulator=mock_sim):
            results["apsim_mock_aws"].append(timed_calls(lambda n: [ap_args(mock_fs, t) for t in t_mock.take(n)],
                                                         lambda a: mock_efs.create_access_point(**a), n_boto))
        for _ in range(n_boto):
            stubber.add_response("create_access_point", canned)
        results["stubber"].append(timed_calls(lambda n: [ap_args("fs-0123456789abcdef0", t) for t in t_stub.take(n)],
                                              lambda a: stub_efs.create_access_point(**a), n_boto))
        results["before_send"].append(timed_calls(lambda n: [ap_args("fs-0123456789abcdef0", t) for t in t_bs.take(n)],
                                                  lambda a: bs_efs.create_access_point(**a), n_moto))
    stubber.deactivate()
    sim.close()
    mock_sim.close()
    moto_state["backend"].reset()
    return {k: {"median_us": median_us(v), "runs_us": [x * 1e6 for x in v]} for k, v in results.items()}, \
        {"apsim_client": n_fast, "moto_backend": n_fast, "moto_boto3": n_moto, "apsim_mock_aws": n_boto,
         "stubber": n_boto, "before_send": n_moto}


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **kwargs):
        yield self._body

    def read(self, *args):
        return self._body


def bench_describe(repeats, scale):
    """describe_access_points(FileSystemId=...) of a file system with 10 access points."""
    per_fs = 10
    n_fast = max(20, int(1000 * scale))
    n_boto = max(20, int(300 * scale))
    n_moto = max(10, int(100 * scale))
    results = {k: [] for k in ("apsim_client", "moto_backend", "moto_boto3", "apsim_mock_aws")}

    sim = apsim.Simulator(seed=3, start_time=1700000000)
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="d")["FileSystemId"]
    for i in range(per_fs):
        efs.create_access_point(**ap_args(fs, f"d-{i}"))

    mock_sim = apsim.Simulator(seed=4, start_time=1700000000)
    with apsim.mock_aws(simulator=mock_sim):
        mock_efs = boto3_client("efs")
        mock_fs = mock_efs.create_file_system(CreationToken="d")["FileSystemId"]
        for i in range(per_fs):
            mock_efs.create_access_point(**ap_args(mock_fs, f"d-{i}"))

    def fresh_moto_backend():
        backend, moto_fs = moto_backend_with_file_system("d")
        for i in range(per_fs):
            a = ap_args(moto_fs, f"d-{i}")
            backend.create_access_point(client_token=a["ClientToken"], tags=a["Tags"], file_system_id=moto_fs,
                                        posix_user=a["PosixUser"], root_directory=a["RootDirectory"])
        return backend, moto_fs

    same = lambda n: [None] * n  # noqa: E731
    counts = {}
    backend, moto_fs = fresh_moto_backend()
    for _ in range(100):  # warm-up
        efs.describe_access_points(FileSystemId=fs)
        backend.describe_access_points(None, moto_fs)
    for r in range(repeats):
        results["apsim_client"].append(timed_calls(same, lambda _: efs.describe_access_points(FileSystemId=fs), n_fast))
        backend, moto_fs = fresh_moto_backend()  # a moto.mock_aws block below resets it
        counts["moto_backend"] = len(backend.describe_access_points(None, moto_fs))
        results["moto_backend"].append(timed_calls(same, lambda _: backend.describe_access_points(None, moto_fs), n_fast))
        with moto.mock_aws():
            moto_efs = boto3_client("efs")
            mfs = moto_efs.create_file_system(CreationToken="d")["FileSystemId"]
            for i in range(per_fs):
                moto_efs.create_access_point(**ap_args(mfs, f"d-{i}"))
            for _ in range(5):
                moto_efs.describe_access_points(FileSystemId=mfs)
            counts["moto_boto3"] = len(moto_efs.describe_access_points(FileSystemId=mfs)["AccessPoints"])
            results["moto_boto3"].append(timed_calls(same, lambda _: moto_efs.describe_access_points(FileSystemId=mfs), n_moto))
        with apsim.mock_aws(simulator=mock_sim):
            counts["apsim_mock_aws"] = len(mock_efs.describe_access_points(FileSystemId=mock_fs)["AccessPoints"])
            results["apsim_mock_aws"].append(timed_calls(same, lambda _: mock_efs.describe_access_points(FileSystemId=mock_fs), n_boto))
    counts["apsim_client"] = len(efs.describe_access_points(FileSystemId=fs)["AccessPoints"])
    if set(counts.values()) != {per_fs}:
        raise SystemExit(f"describe: unexpected item counts {counts}")
    backend.reset()
    sim.close()
    mock_sim.close()
    return {k: {"median_us": median_us(v), "runs_us": [x * 1e6 for x in v]} for k, v in results.items()}, \
        {"apsim_client": n_fast, "moto_backend": n_fast, "moto_boto3": n_moto, "apsim_mock_aws": n_boto}


class Volumes:
    """Root volumes of SINGLE_AZ_HA_2 10240-MBps OpenZFS file systems (276 attachments each),
    made on demand; hands out a volume with a free attachment slot."""

    def __init__(self, create_file_system):
        self.create = create_file_system
        self.slots = []  # [volume, used]

    def take(self):
        if not self.slots or self.slots[-1][1] >= 276:
            fs = self.create(FileSystemType="OPENZFS", SubnetIds=["subnet-0123456789abcdef0"], StorageCapacity=64,
                             OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 10240})
            self.slots.append([fs["FileSystem"]["OpenZFSConfiguration"]["RootVolumeId"], 0])
        self.slots[-1][1] += 1
        return self.slots[-1][0]


def attach_args(volume, i, prefix):
    return dict(ClientRequestToken=f"{prefix}-tok-{i:08d}", Name=f"{prefix}-{i:08d}", Type="OPENZFS",
                OpenZFSConfiguration={"VolumeId": volume, "FileSystemIdentity": FSX_IDENTITY})


def bench_fsx(repeats, scale):
    n_fast = max(20, int(500 * scale))
    n_boto = max(20, int(200 * scale))
    results = {k: [] for k in ("apsim_client", "apsim_mock_aws")}

    sim = apsim.Simulator(seed=5, start_time=1700000000, s3_access_points_per_region=1_000_000)
    fsx = sim.client("fsx")
    vols = Volumes(fsx.create_file_system)
    mock_sim = apsim.Simulator(seed=6, start_time=1700000000, s3_access_points_per_region=1_000_000)
    with apsim.mock_aws(simulator=mock_sim):
        mock_fsx = boto3_client("fsx")
        mock_vols = Volumes(mock_fsx.create_file_system)
    counter = {"a": 0, "m": 0}

    def make(kind, volumes):
        def f(n):
            out = []
            for _ in range(n):
                out.append(attach_args(volumes.take(), counter[kind], "bench" + kind))
                counter[kind] += 1
            return out
        return f

    make_a, make_m = make("a", vols), make("m", mock_vols)
    for a in make_a(100):
        fsx.create_and_attach_s3_access_point(**a)
    with apsim.mock_aws(simulator=mock_sim):
        for a in make_m(50):
            mock_fsx.create_and_attach_s3_access_point(**a)
    for r in range(repeats):
        results["apsim_client"].append(timed_calls(make_a, lambda a: fsx.create_and_attach_s3_access_point(**a), n_fast))
        with apsim.mock_aws(simulator=mock_sim):
            results["apsim_mock_aws"].append(timed_calls(make_m, lambda a: mock_fsx.create_and_attach_s3_access_point(**a), n_boto))
    sim.close()
    mock_sim.close()

    # moto: what it does with the same call.
    moto_outcome = {}
    with moto.mock_aws():
        moto_fsx = boto3_client("fsx")
        try:
            moto_fsx.create_and_attach_s3_access_point(**attach_args("fsvol-0123456789abcdef0", 0, "moto"))
            moto_outcome = {"implemented": True, "outcome": "answered"}
        except Exception as e:  # noqa: BLE001 -- recording whatever moto raises
            moto_outcome = {"implemented": False, "exception": type(e).__name__, "message": str(e)[:200]}
    from moto.fsx.models import fsx_backends
    moto_outcome["backend_has_method"] = hasattr(fsx_backends[ACCOUNT][REGION], "create_and_attach_s3_access_point")
    out = {k: {"median_us": median_us(v), "runs_us": [x * 1e6 for x in v]} for k, v in results.items()}
    out["moto"] = moto_outcome
    return out, {"apsim_client": n_fast, "apsim_mock_aws": n_boto}


def bench_breakdown(repeats, scale):
    """Where the time of one call goes (explains the Python targets): the apsim client's and
    apsim.mock_aws's calls taken apart into their steps, each timed alone on the same inputs."""
    import ctypes

    from botocore.awsrequest import HeadersDict
    from botocore.parsers import create_parser

    from apsim import _native
    from apsim.simulator import encode

    n = max(20, int(1000 * scale))
    lib = _native.library()
    sim = apsim.Simulator(seed=7, start_time=1700000000, access_points_per_file_system=1_000_000)
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="parts")["FileSystemId"]
    handle = ctypes.c_void_p(sim._handle)
    fs_read = efs.create_file_system(CreationToken="parts-read")["FileSystemId"]  # 10 access points, read only
    for i in range(10):
        efs.create_access_point(**ap_args(fs_read, f"parts-d-{i}"))
    tokens = Tokens("parts")
    sample_args = ap_args(fs, "parts-sample")
    sample_text = json.dumps(sim.call("efs:CreateAccessPoint", sample_args))
    describe_text = json.dumps(sim.call("efs:DescribeAccessPoints", {"FileSystemId": fs_read}))
    out = ctypes.c_void_p()

    def c_call(fn_name):
        fn, free = getattr(lib, fn_name), lib.apsim_string_free
        def run(p):
            fn(ctypes.byref(out), handle, *p)
            ctypes.string_at(out.value)
            free(out)
        return run

    create_c = c_call("apsim_efs_create_access_point")
    describe_c = c_call("apsim_call")
    describe_req = (b"efs:DescribeAccessPoints", encode({"FileSystemId": fs_read}))

    # One serialized request of boto3 through apsim.mock_aws, captured at apsim_http.
    import apsim.mock as mock_module
    captured = {}
    real_answer = mock_module._answer

    def capture(sim_, request):
        captured.setdefault("request", request)
        reply = real_answer(sim_, request)
        captured.setdefault("reply", reply)
        return reply

    mock_sim = apsim.Simulator(seed=8, start_time=1700000000, access_points_per_file_system=1_000_000)
    with apsim.mock_aws(simulator=mock_sim):
        client = boto3_client("efs")
        mfs = client.create_file_system(CreationToken="parts")["FileSystemId"]
        mock_module._answer = capture
        try:
            client.create_access_point(**ap_args(mfs, "parts-captured"))
        finally:
            mock_module._answer = real_answer
    operation = client.meta.service_model.operation_model("CreateAccessPoint")
    parser = create_parser(operation.metadata["protocol"])
    status, reply_headers, body = captured["reply"]
    request = captured["request"]

    def http_requests(k):
        out_ = []
        for t in tokens.take(k):
            r = dict(request)
            r["body"] = request["body"].replace("parts-captured", t)
            out_.append(r)
        return out_

    parts = {k: [] for k in ("client_create_total", "create_c_call", "create_encode", "create_decode",
                             "create_timestamps", "client_describe_total", "describe_c_call", "describe_decode",
                             "describe_timestamps", "mock_http", "mock_http_c_call", "mock_parse")}
    for r in range(repeats):
        parts["client_create_total"].append(timed_calls(lambda k: [ap_args(fs, t) for t in tokens.take(k)],
                                                        lambda a: efs.create_access_point(**a), n))
        parts["create_c_call"].append(timed_calls(lambda k: [(encode(ap_args(fs, t)),) for t in tokens.take(k)],
                                                  create_c, n))
        parts["create_encode"].append(timed_calls(lambda k: [ap_args(fs, t) for t in tokens.take(k)], encode, n))
        parts["create_decode"].append(timed_calls(lambda k: [sample_text] * k, json.loads, n))
        parts["create_timestamps"].append(timed_calls(
            lambda k: [json.loads(sample_text) for _ in range(k)],
            lambda d: efs._finish("CreateAccessPoint", d), n))
        parts["client_describe_total"].append(timed_calls(lambda k: [None] * k,
                                                          lambda _: efs.describe_access_points(FileSystemId=fs_read), n))
        parts["describe_c_call"].append(timed_calls(lambda k: [describe_req] * k, describe_c, n))
        parts["describe_decode"].append(timed_calls(lambda k: [describe_text] * k, json.loads, n))
        parts["describe_timestamps"].append(timed_calls(
            lambda k: [json.loads(describe_text) for _ in range(k)],
            lambda d: efs._finish("DescribeAccessPoints", d), n))
        parts["mock_http"].append(timed_calls(http_requests, mock_sim.http, n))
        parts["mock_http_c_call"].append(timed_calls(
            lambda k: [(encode(q),) for q in http_requests(k)],
            lambda p: (lib.apsim_http(ctypes.byref(out), ctypes.c_void_p(mock_sim._handle), *p),
                       ctypes.string_at(out.value), lib.apsim_string_free(out)), n))
        parts["mock_parse"].append(timed_calls(
            lambda k: [None] * k,
            lambda _: parser.parse({"status_code": status, "headers": HeadersDict(reply_headers), "body": body},
                                   operation.output_shape), n))
    # The handler inside real calls (caches cooled by botocore's own path), against timing it alone:
    # the same client, its before-call handler wrapped in a timer.
    handler_time = [0.0]

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
            for r in range(repeats):
                handler_time[0] = 0.0
                parts.setdefault("mock_call_timed", []).append(timed_calls(
                    lambda k: [ap_args(mfs, t) for t in tokens.take(k)], lambda a: client.create_access_point(**a), n))
                parts.setdefault("mock_handler_in_call", []).append(handler_time[0] / n / 1e9)
        finally:
            client.meta.events.unregister("before-call", timed_handler)
    sim.close()
    mock_sim.close()
    out = {k: median_us(v) for k, v in parts.items()}
    out["describe_bytes"] = len(describe_text.encode("utf-8"))
    return out


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the calls per batch")
    parser.add_argument("--only", default="create,describe,fsx,breakdown")
    opts = parser.parse_args()
    only = set(opts.only.split(","))

    res = {"bench": "python", "python": platform.python_version(), "boto3": boto3.__version__,
           "botocore": botocore.__version__, "moto": moto.__version__, "apsim": apsim.version(),
           "repeats": opts.repeats}
    print(f"Python {res['python']}, boto3 {res['boto3']}, botocore {res['botocore']}, moto {res['moto']}, "
          f"apsim {res['apsim']}; median of {opts.repeats} repeats, per call")
    if "create" in only:
        print("  .. create_access_point", file=sys.stderr, flush=True)
        res["create_access_point"], res["create_calls_per_batch"] = bench_create(opts.repeats, opts.scale)
    if "describe" in only:
        print("  .. describe_access_points", file=sys.stderr, flush=True)
        res["describe_access_points"], res["describe_calls_per_batch"] = bench_describe(opts.repeats, opts.scale)
    if "fsx" in only:
        print("  .. create_and_attach_s3_access_point", file=sys.stderr, flush=True)
        res["create_and_attach_s3_access_point"], res["fsx_calls_per_batch"] = bench_fsx(opts.repeats, opts.scale)
    if "breakdown" in only:
        print("  .. breakdown", file=sys.stderr, flush=True)
        res["breakdown"] = bench_breakdown(opts.repeats, opts.scale)

    targets = {}
    c = res.get("create_access_point")
    d = res.get("describe_access_points")
    if c:
        m = {k: v["median_us"] for k, v in c.items()}
        print("\ncreate_access_point                  median us")
        for k in ("apsim_client", "moto_backend", "moto_boto3", "apsim_mock_aws", "stubber", "before_send"):
            print(f"  {k:34s} {m[k]:9.2f}")
        targets["py_create_vs_moto_boto3"] = {"ratio": m["moto_boto3"] / m["apsim_client"], "target": ">= 50"}
        targets["py_create_vs_moto_backend"] = {"ratio": m["moto_backend"] / m["apsim_client"], "target": "> 1"}
        targets["mock_aws_vs_moto_boto3"] = {"ratio": m["moto_boto3"] / m["apsim_mock_aws"], "target": ">= 3"}
        targets["mock_aws_vs_stubber"] = {"ratio": m["apsim_mock_aws"] / m["stubber"], "target": "<= 1.5"}
    if d:
        m = {k: v["median_us"] for k, v in d.items()}
        print("\ndescribe_access_points (10 items)    median us")
        for k in ("apsim_client", "moto_backend", "moto_boto3", "apsim_mock_aws"):
            print(f"  {k:34s} {m[k]:9.2f}")
        targets["py_describe_vs_moto_boto3"] = {"ratio": m["moto_boto3"] / m["apsim_client"], "target": ">= 50"}
        targets["py_describe_vs_moto_backend"] = {"ratio": m["moto_backend"] / m["apsim_client"], "target": "> 1"}
    f = res.get("create_and_attach_s3_access_point")
    if f:
        print("\ncreate_and_attach_s3_access_point    median us")
        print(f"  {'apsim_client':34s} {f['apsim_client']['median_us']:9.2f}")
        print(f"  {'apsim_mock_aws':34s} {f['apsim_mock_aws']['median_us']:9.2f}")
        mo = f["moto"]
        print(f"  {'moto':34s} {'not implemented: ' + mo.get('exception', '') + ': ' + mo.get('message', '') if not mo.get('implemented') else 'implemented'}")
    b = res.get("breakdown")
    if b:
        print("\nwhere a call goes (median us per step, each timed alone)")
        for k, v in b.items():
            if k == "describe_bytes":
                print(f"  {'describe response size (bytes)':34s} {v:9d}")
            else:
                print(f"  {k:34s} {v:9.2f}")
    checks = {"py_create_vs_moto_boto3": lambda r: r >= 50, "py_create_vs_moto_backend": lambda r: r > 1,
              "mock_aws_vs_moto_boto3": lambda r: r >= 3, "mock_aws_vs_stubber": lambda r: r <= 1.5,
              "py_describe_vs_moto_boto3": lambda r: r >= 50, "py_describe_vs_moto_backend": lambda r: r > 1}
    if targets:
        print("\nratios (higher = apsim faster, except mock_aws_vs_stubber = apsim / Stubber)")
    for k, t in targets.items():
        t["verdict"] = verdict(checks[k](t["ratio"]))
        print(f"  {k:34s} {t['ratio']:9.2f}x  target {t['target']:6s} {t['verdict']}")
    res["targets"] = targets
    sys.stdout.flush()
    print(json.dumps(res, separators=(",", ":")))


if __name__ == "__main__":
    main()
