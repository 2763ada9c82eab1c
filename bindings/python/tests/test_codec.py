"""apsim._codec: orjson and the standard library give the same results for everything the binding
sends and reads, through the client, Simulator.call, http and validate; APSIM_JSON chooses."""

import datetime
import enum
import json
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import apsim
from apsim import _codec
from conftest import START, SUBNET, ZFS, efs_scenario, fsx_scenario

BINDING = Path(__file__).resolve().parent.parent

try:
    import orjson
except ImportError:
    orjson = None

# Why the orjson codec cannot be tested here (None when it can): not installed, or older than MIN_ORJSON.
ORJSON_PROBLEM = _codec._orjson_problem()
CODECS = [pytest.param("json"),
          pytest.param("orjson", marks=pytest.mark.skipif(ORJSON_PROBLEM is not None, reason=str(ORJSON_PROBLEM)))]


@pytest.fixture(params=CODECS)
def codec(request):
    """Runs the test with each codec (the orjson one only when orjson is installed)."""
    previous = _codec.use(request.param)
    yield request.param
    _codec.use(previous)


def with_codec(name, fn, *args):
    """``fn(*args)`` with the codec ``name`` in use."""
    previous = _codec.use(name)
    try:
        return fn(*args)
    finally:
        _codec.use(previous)


def each_codec(fn, *args):
    """``{codec: fn(*args)}`` for every installed codec."""
    return {name: with_codec(name, fn, *args) for name in _codec.CODECS if name == "json" or ORJSON_PROBLEM is None}


def typed(value):
    """``value`` with every scalar paired with its type, so that 1 and 1.0 and True differ, and
    dicts as lists of members, so that their order counts."""
    if isinstance(value, dict):
        return "dict", [(key, typed(item)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [typed(item) for item in value]
    return type(value).__name__, repr(value)


def outcome(fn, *args, **kwargs):
    """What a call gives: its result (typed), or the class, text and response of what it raised."""
    try:
        return "returned", typed(fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the outcome of every call is compared, exceptions included
        return "raised", type(e).__name__, str(e), typed(getattr(e, "response", None))


def assert_same(results):
    """Every codec gave the same result."""
    values = list(results.values())
    for name, value in results.items():
        assert value == values[0], f"{name} differs from {list(results)[0]}"


class Color(enum.Enum):
    RED = 1


class Size(enum.IntEnum):
    LARGE = 4294967295


class Label(str, enum.Enum):
    NAME = "Name"


def nested(depth):
    """A list ``depth`` lists deep (orjson stops at 254, the library at 64)."""
    value = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


# Values the standard library writes (or refuses) and orjson would not write alike on its own.
AWKWARD_VALUES = [
    datetime.datetime(2024, 1, 2, 3, 4, 5, 678000),  # naive: UTC epoch seconds
    datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    datetime.date(2024, 1, 2), uuid.UUID(int=7), Color.RED, Size.LARGE, Label.NAME, (1, 2),
    float("nan"), float("inf"), -float("inf"), 1e-05, 1.5e-07, 9.999e-05, 0.0001, 1e16, -0.0, 1e400,
    2**63 - 1, 2**64 - 1, 2**64, -(2**63) - 1, 10**30, True, None, "\ud800", "ü中\u2028\x00\x1f\"\\",
    {1: "x"}, {None: 1, True: 2, 1.5: 3}, b"bytes", {"a", "b"}, object(), nested(300), nested(30),
]


def world_outcomes():
    """One world's answers to a scenario of both services through clients, Simulator.call, http and
    validate: successes, errors, timestamps, unicode, nested tags, large integers, and the awkward
    values sent where the library echoes or refuses them."""
    results = []
    with apsim.Simulator(seed=3, start_time=datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)) as sim:
        efs, fsx = sim.client("efs"), sim.client("fsx", region_name="eu-west-1")
        fs = efs.create_file_system(CreationToken="fs", Tags=[{"Key": "Name", "Value": "ü中 data"}])
        results.append(typed(fs))
        fs_id = fs["FileSystemId"]
        results.append(outcome(efs.create_access_point, ClientToken="é", FileSystemId=fs_id,
                               PosixUser={"Uid": 4294967295, "Gid": 0, "SecondaryGids": [1, 2**31 - 1]},
                               RootDirectory={"Path": "/ü/中", "CreationInfo": {"OwnerUid": 4294967295, "OwnerGid": 1,
                                                                               "Permissions": "0755"}},
                               Tags=[{"Key": f"k{i}", "Value": "v" * i} for i in range(20)]))
        results.append(outcome(efs.create_access_point, ClientToken="é", FileSystemId=fs_id))  # already exists
        results.append(outcome(efs.describe_access_points, FileSystemId=fs_id))
        results.append(outcome(efs.describe_file_systems))
        results.append(outcome(efs.describe_access_points, AccessPointId="fsap-00000000000000000"))
        for big in (2**63 - 1, 2**64 - 1, 2**64, 10**30, 1.5, 1e16, 1e-05, 1e400):
            results.append(outcome(efs.create_file_system, CreationToken=f"p{big!r}", ThroughputMode="provisioned",
                                   ProvisionedThroughputInMibps=big))
        results.append(outcome(sim.call, "efs:DescribeFileSystems"))
        for value in AWKWARD_VALUES:
            results.append(outcome(efs.create_access_point, ClientToken="t", FileSystemId=fs_id,
                                   PosixUser={"Uid": value, "Gid": 1}))
            results.append(outcome(efs.create_access_point, ClientToken=value, FileSystemId=fs_id))
            results.append(outcome(sim.call, "efs:TagResource", {"ResourceId": fs_id, "Tags": [{"Key": "k", "Value": value}]}))
            results.append(outcome(apsim.validate, "efs:CreateAccessPoint", {"ClientToken": value}))
        fsx_fs = fsx.create_file_system(ClientRequestToken="f1", FileSystemType="OPENZFS", SubnetIds=[SUBNET],
                                        OpenZFSConfiguration=ZFS)
        results.append(typed(fsx_fs))
        root = fsx_fs["FileSystem"]["OpenZFSConfiguration"]["RootVolumeId"]
        results.append(outcome(fsx.create_and_attach_s3_access_point, ClientRequestToken="a1", Name="ap-one", Type="OPENZFS",
                               OpenZFSConfiguration={"VolumeId": root, "FileSystemIdentity": {
                                   "Type": "POSIX", "PosixUser": {"Uid": 4294967295, "Gid": 0, "SecondaryGids": [
                                       {"Gid": 7}]}}}))
        results.append(outcome(fsx.describe_s3_access_point_attachments))
        results.append(outcome(fsx.describe_volumes, VolumeIds=["fsvol-00000000000000000"]))
        results.append(outcome(sim.advance_clock, 2**62))
        results.append(outcome(sim.inject_fault, "efs:DescribeFileSystems", "ThrottlingException", probability=1e-05))
        results.append(outcome(sim.call, "apsim:ListFaults"))
        results.append(outcome(efs.describe_file_systems))
        results.append(outcome(sim.export_state))
        results.append(outcome(sim.http, {"method": "POST", "path": "/2015-02-01/file-systems", "headers": {},
                                          "body": json.dumps({"CreationToken": "ü中", "ProvisionedThroughputInMibps": 10**30,
                                                              "ThroughputMode": "provisioned"})}))
        results.append(outcome(sim.http, {"method": "GET", "path": "/2015-02-01/access-points", "query": {"MaxResults": 2**64}}))
        results.append(outcome(sim.http, {"method": 1}))
        # orjson's text under the request limit, the standard library's over it ("\u00e9" for "é").
        results.append(outcome(sim.call, "efs:CreateAccessPoint", {"ClientToken": "é" * 1_000_000}))
    results.append(outcome(apsim.Simulator, start_time=float("nan")))
    results.append(outcome(apsim.Simulator, start_time=1e-05))
    return results


def test_both_codecs_give_the_same_results():
    assert_same(each_codec(world_outcomes))


def test_the_scenarios_give_the_same_results():
    def run():
        with apsim.Simulator(seed=5, start_time=START) as sim:
            efs, fsx = sim.client("efs"), sim.client("fsx")
            efs_scenario(efs)
            fsx_scenario(fsx)
            return typed(sim.export_state())

    assert_same(each_codec(run))


SENT_VALUES = AWKWARD_VALUES + [{"nested": [{"Key": "ü", "Value": [1, 2.5, None, True]}]}]


@pytest.mark.parametrize("value", SENT_VALUES, ids=[f"{i}-{type(v).__name__}" for i, v in enumerate(SENT_VALUES)])
def test_dumps_agrees_with_the_standard_library(codec, value):
    """The same text, or the same refusal; orjson's text differs only in its width (no spaces, no
    escapes), which the library does not see."""
    expected = outcome(_codec.json_dumps, value)
    got = outcome(_codec.dumps, value)
    if expected[0] == "raised":
        assert got == expected
        return
    text = _codec.dumps(value)
    assert isinstance(text, bytes)
    reference = _codec.json_dumps(value)
    if text != reference:  # orjson's compact form of the same document
        assert typed(json.loads(text)) == typed(json.loads(reference))
        assert text == json.dumps(json.loads(reference), ensure_ascii=False, separators=(",", ":")).encode()


def floats():
    """Floats of every decimal exponent, both signs, short and long mantissas."""
    for exponent in range(-325, 309):
        for mantissa in (1, 1.5, 2.2250738585072014, 9.999999999999998, 4.9406564584124654):
            try:
                value = float(f"{mantissa}e{exponent}")
            except OverflowError:
                continue
            if math.isfinite(value):
                yield value
                yield -value


def test_floats_are_written_as_the_standard_library_writes_them(codec):
    """The library echoes number text in its messages ("1e-05 is not an integer"): the text itself
    must agree, float by float."""
    for value in floats():
        assert _codec.dumps(value) == _codec.json_dumps(value), value
        assert _codec.dumps({"v": [value]}).replace(b" ", b"") == _codec.json_dumps({"v": [value]}).replace(b" ", b"")


READ_TEXTS = [
    b'{"a": 1, "b": [1.5, -0.0, 1e5, 1E-7, 0.1, 2.2250738585072014e-308, 5e-324, 1.7976931348623157e308]}',
    b"9223372036854775807", b"-9223372036854775808", b"18446744073709551615", b"18446744073709551616",
    b"-9223372036854775809", b'{"n": 123456789012345678901234567890}', b"[1234567890123456789.5]",
    b'"\\u00fc\\u4e2d\\ud83d\\ude00"', '"ü中😀"'.encode(), '"ü中😀"', b'"\\ud800"', b"NaN", b"[Infinity, -Infinity]",
    b"1e400", b'{"a": 1, "a": 2}', b"-0", b"[" * 2000 + b"]" * 2000, b"\xef\xbb\xbf{}", b'"\xff"', b"", b"{",
    b'"a\x01"', b"[1,]", b" \t\n{} \r\n", b"nul", b"true", b"null",
    # Deeper than the standard library reads (its recursion limit is 1000), which orjson reads (up to
    # 1024 levels; before 3.9.15 any depth), as lists, objects and both; 300 levels both read.
    b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b'[{"a":' * 500 + b"[]" + b"}]" * 500,
    b"[" * 300 + b"]" * 300,
]


@pytest.mark.parametrize("text", READ_TEXTS, ids=lambda t: repr(t)[:40])
def test_loads_agrees_with_the_standard_library(codec, text):
    expected = outcome(_codec.json_loads, text)
    assert outcome(_codec.loads, text) == expected
    if expected[0] == "returned" and isinstance(text, bytes) and b"0" * 19 not in text.translate(
            bytes(0x30 if 0x30 <= b <= 0x39 else 0x78 for b in range(256))):
        assert outcome(_codec.loads_int64, text) == expected


def test_use_switches_at_once_and_returns_the_previous_codec(sim, efs, fs_id):
    """Clients made before a switch use the new codec from their next call (benchmarks switch)."""
    names = ["json", "orjson"] if ORJSON_PROBLEM is None else ["json"]
    previous = _codec.use("json")
    try:
        for i, name in enumerate(names + names[::-1]):
            before = _codec.NAME
            assert _codec.use(name) == before and _codec.NAME == name
            sent = []
            dumps = _codec.dumps
            _codec.dumps = lambda document: sent.append(document) or dumps(document)
            try:
                efs.create_access_point(ClientToken=f"t{i}", FileSystemId=fs_id)
            finally:
                _codec.use(name)  # puts dumps back
            assert len(sent) == 1
    finally:
        _codec.use(previous)


def test_use_refuses_unknown_and_missing_codecs(monkeypatch):
    with pytest.raises(ValueError, match="unknown JSON codec 'yaml'"):
        _codec.use("yaml")
    monkeypatch.setattr(_codec, "orjson", None)
    before = _codec.NAME
    with pytest.raises(ImportError, match=r"orjson is not installed: pip install 'apsim\[fast\]'"):
        _codec.use("orjson")
    assert _codec.NAME == before


def codec_in_subprocess(environment, prelude="", path=()):
    """(exit status, output) of a fresh interpreter that imports apsim._codec and prints NAME (with
    ``path`` ahead of this checkout and of the PYTHONPATH of the tests, as for an orjson put there)."""
    env = {k: v for k, v in os.environ.items() if k != "APSIM_JSON"}
    env.update(environment)
    env["PYTHONPATH"] = os.pathsep.join([*map(str, path), str(BINDING)] + (
        [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
    code = prelude + "import apsim._codec as c; print(c.NAME)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip() + done.stderr.strip()


HIDE_ORJSON = "import sys; sys.modules['orjson'] = None\n"


def test_apsim_json_chooses_the_codec_at_import():
    installed = codec_in_subprocess({}, "import apsim._codec; assert apsim._codec._orjson_problem() is None\n")[0] == 0
    fastest = "orjson" if installed else "json"
    assert codec_in_subprocess({"APSIM_JSON": "json"}) == (0, "json")
    assert codec_in_subprocess({}) == (0, fastest)
    assert codec_in_subprocess({"APSIM_JSON": ""}) == (0, fastest)
    if installed:
        assert codec_in_subprocess({"APSIM_JSON": "orjson"}) == (0, "orjson")
    assert codec_in_subprocess({}, HIDE_ORJSON) == (0, "json")
    status, output = codec_in_subprocess({"APSIM_JSON": "orjson"}, HIDE_ORJSON)
    assert status == 1 and "ImportError: the orjson JSON codec was asked for (APSIM_JSON=orjson" in output
    status, output = codec_in_subprocess({"APSIM_JSON": "simplejson"})
    assert status == 1 and "ValueError: APSIM_JSON='simplejson': the JSON codec must be one of json, orjson" in output


def test_the_whole_client_path_under_each_codec(codec, sim, efs, fs_id):
    """The client's common calls, with the codec in use (see the fixture)."""
    assert _codec.NAME == codec
    ap = efs.create_access_point(ClientToken="t", FileSystemId=fs_id, Tags=[{"Key": "Name", "Value": "ü"}],
                                 PosixUser={"Uid": 1, "Gid": 2, "SecondaryGids": [3]})
    assert ap["Tags"] == [{"Key": "Name", "Value": "ü"}] and ap["PosixUser"]["SecondaryGids"] == [3]
    assert ap["ResponseMetadata"]["HTTPHeaders"] == {} and ap["ResponseMetadata"]["RetryAttempts"] == 0
    page = efs.describe_access_points(FileSystemId=fs_id)
    assert [a["AccessPointId"] for a in page["AccessPoints"]] == [ap["AccessPointId"]]
    assert isinstance(efs.describe_file_systems()["FileSystems"][0]["CreationTime"], datetime.datetime)
    with pytest.raises(efs.exceptions.AccessPointAlreadyExists):
        efs.create_access_point(ClientToken="t", FileSystemId=fs_id)
    with pytest.raises(TypeError, match="Object of type UUID is not JSON serializable"):
        efs.create_access_point(ClientToken=uuid.UUID(int=1), FileSystemId=fs_id)
    assert sim.call("efs:DescribeAccessPoints", {"AccessPointId": ap["AccessPointId"]})["AccessPoints"][0]["Tags"][0]["Value"] == "ü"
    assert apsim.simulator.encode({"a": "ü"}) == b'{"a": "\\u00fc"}'  # the standard library's text, whatever the codec


# ---- what differs between orjson versions (issue 23): every orjson the codec uses must give the
# standard library's results. The differential tests above run with whatever orjson is installed;
# these emulate the behaviours of other versions around the real one, so that each is tested
# whichever is installed.

requires_orjson = pytest.mark.skipif(ORJSON_PROBLEM is not None, reason=str(ORJSON_PROBLEM))


class EmulatedOrjson:
    """The installed orjson, but with the version and behaviours of another release: ``unsigned``
    floats written with an unsigned exponent (1e16, as before 3.11.7); ``unbounded`` reads of any
    depth (as before 3.9.15, which also crashes the process on deep enough documents: here a deep
    read is recorded in ``deep_reads`` and answered with a marker instead)."""

    def __init__(self, version, unsigned=False, unbounded=False):
        self.__version__ = version
        self.JSONDecodeError, self.JSONEncodeError = orjson.JSONDecodeError, orjson.JSONEncodeError
        self.unsigned, self.unbounded = unsigned, unbounded
        self.deep_reads = []

    def dumps(self, document):
        text = orjson.dumps(document)
        return text.replace(b"e+", b"e") if self.unsigned else text

    def loads(self, data):
        raw = data.encode() if isinstance(data, str) else data
        if self.unbounded and raw.count(b"[") + raw.count(b"{") > 1024:
            self.deep_reads.append(raw[:20])
            return ["read by an orjson that crashes on deeper ones"]
        return orjson.loads(data)


@pytest.fixture
def emulate(monkeypatch):
    """``emulate(version, **behaviours)``: that orjson in use for the test (the codec is put back)."""
    previous = _codec.NAME

    def use(version, **behaviours):
        emulated = EmulatedOrjson(version, **behaviours)
        monkeypatch.setattr(_codec, "orjson", emulated)
        _codec.use("orjson")
        emulated.deep_reads.clear()  # use() asked it to read 1025 levels, to find out whether it can
        return emulated

    yield use
    monkeypatch.undo()
    _codec.use(previous)


@requires_orjson
def test_floats_from_1e16_are_written_as_the_standard_library_writes_them_whatever_the_orjson(emulate):
    """orjson before 3.11.7 (the image's 3.8.3) writes 1e16 where the standard library writes 1e+16;
    the library echoes number text in its messages ("1e16 is not an integer")."""
    emulate("3.8.3", unsigned=True)
    assert _codec.dumps(1e16) == b"1e+16"
    assert _codec.dumps({"Uid": 1.5e300, "Gid": -2.5e16}) == b'{"Uid": 1.5e+300, "Gid": -2.5e+16}'
    assert _codec.dumps([9999999999999998.0, 1e15, 0.5]) == b"[9999999999999998.0,1000000000000000.0,0.5]"  # orjson's
    for value in floats():
        assert _codec.dumps(value) == _codec.json_dumps(value), value


@requires_orjson
def test_an_orjson_reading_any_depth_is_not_given_a_text_that_may_be_deeper_than_1024(emulate):
    """orjson before 3.9.15 reads any depth, and crashes the process far enough down (3.8.3 at
    200,000 levels): a text with more than 1024 "[" and "{" goes to the standard library unread."""
    emulated = emulate("3.8.3", unbounded=True)
    assert _codec._orjson_unbounded is True  # the probe in use("orjson") found it out
    for text in (b"[" * 200_000 + b"]" * 200_000, '{"a":' * 2000 + "1" + "}" * 2000):
        with pytest.raises(RecursionError, match="^maximum recursion depth exceeded while decoding a JSON"):
            _codec.loads(text)
        with pytest.raises(RecursionError, match="^maximum recursion depth exceeded while decoding a JSON"):
            _codec.loads_int64(text)
    many = b"[" + b",".join([b"[1]"] * 2000) + b"]"  # 2001 "[" but 2 levels: the standard library reads it
    assert _codec.loads(many) == [[1]] * 2000
    assert emulated.deep_reads == []
    # 1000 "[": given to orjson, which reads it; deeper than 254, so the standard library decides.
    with pytest.raises(RecursionError, match="^maximum recursion depth exceeded while decoding a JSON array"):
        _codec.loads(b"[" * 1000 + b"]" * 1000)


@requires_orjson
def test_orjson_older_than_the_oldest_tested_is_not_used(emulate, monkeypatch):
    emulate("3.8.3")
    assert _codec.NAME == "orjson"
    for version in ("3.8.2", "2.6.8", "", "unknown"):
        monkeypatch.setattr(_codec, "orjson", EmulatedOrjson(version))
        shown = version or "(of an unknown version)"
        with pytest.raises(ImportError) as e:
            _codec.use("orjson")
        assert str(e.value) == (
            "the orjson JSON codec was asked for (APSIM_JSON=orjson or apsim._codec.use('orjson')), but the installed "
            f"orjson {shown} is older than 3.8.3, the oldest apsim's JSON codec is tested with: pip install "
            "'apsim[fast]' (or 'orjson>=3.8.3'), or use the standard library's json")
        assert _codec.NAME == "orjson"  # unchanged
    for version, parsed in (("3.8.3", (3, 8, 3)), ("3.10.0rc1", (3, 10, 0)), ("3.11", (3, 11)), ("x", ())):
        assert _codec._version(version) == parsed


def test_an_old_orjson_leaves_the_standard_library_in_use(tmp_path):
    """At import: an orjson older than MIN_ORJSON is passed over (APSIM_JSON=orjson refuses it)."""
    (tmp_path / "orjson.py").write_text("__version__ = '3.6.0'\n")  # never called: not even dumps and loads
    assert codec_in_subprocess({}, path=[tmp_path]) == (0, "json")
    status, output = codec_in_subprocess({"APSIM_JSON": "orjson"}, path=[tmp_path])
    assert status == 1 and ("ImportError: the orjson JSON codec was asked for (APSIM_JSON=orjson or "
                            "apsim._codec.use('orjson')), but the installed orjson 3.6.0 is older than 3.8.3") in output


def test_the_fast_extra_asks_for_the_orjson_the_codec_uses():
    pyproject = (BINDING / "pyproject.toml").read_text()
    minimum = ".".join(map(str, _codec.MIN_ORJSON))
    assert f'fast = ["orjson>={minimum}"]' in pyproject
    assert f'"orjson>={minimum}"]' in pyproject.split("test = [", 1)[1].split("\n", 1)[0]
