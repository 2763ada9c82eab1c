"""Simulator: config, lifetime, the low-level call, threads and determinism."""

import datetime
import gc
import re
import threading
import time

import pytest

import apsim
from conftest import ACCOUNT, REGION, START, error_of, raised

KNOWN_KEYS = (
    "account_id, region, seed, start_time, clock, lifecycle, creation_delay_ms, state, state_file, "
    "access_points_per_file_system, idempotent_client_tokens, strict_file_system_delete, throttling, metering, s3_access_points_per_region, network, data_limit_bytes"
)


def test_defaults_give_the_default_account_and_region():
    with apsim.Simulator() as sim:
        assert sim.config == {}
        fs = sim.client("efs").create_file_system(CreationToken="x")
        assert fs["OwnerId"] == ACCOUNT
        assert fs["FileSystemArn"] == f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs['FileSystemId']}"
        assert fs["LifeCycleState"] == "creating"  # lifecycle on_read


def test_config_keys_are_sent():
    with apsim.Simulator(region="eu-west-3", account_id="000011112222", lifecycle="instant", seed=5) as sim:
        assert sim.config == {"region": "eu-west-3", "account_id": "000011112222", "lifecycle": "instant", "seed": 5}
        fs = sim.client("efs").create_file_system(CreationToken="x")
        assert fs["FileSystemArn"].startswith("arn:aws:elasticfilesystem:eu-west-3:000011112222:file-system/fs-")
        assert fs["OwnerId"] == "000011112222"
        assert fs["LifeCycleState"] == "available"


@pytest.mark.parametrize(
    "config, message",
    [
        ({"bogus": 1}, f"Unknown configuration key 'bogus'. Known keys: {KNOWN_KEYS}."),
        ({"region": "Moon-1"}, 'region must be an AWS region name such as "us-east-1".'),
        ({"region": "useast1"}, 'region must be an AWS region name such as "us-east-1".'),
        ({"account_id": "12345"}, 'account_id must be a string of 12 digits, e.g. "123456789012".'),
        ({"seed": -1}, "seed must be an integer from 0 to 9223372036854775807."),
        ({"lifecycle": "later"}, 'lifecycle must be "on_read", "instant" or "manual".'),
        ({"clock": "sometimes"}, 'clock must be "virtual" or "real".'),
        ({"access_points_per_file_system": 0}, "access_points_per_file_system must be an integer from 1 to 1000000000."),
        ({"strict_file_system_delete": "yes"}, "strict_file_system_delete must be true or false."),
        ({"start_time": -5}, "start_time must be epoch seconds (a number from 0 to 99999999999)."),
    ],
)
def test_refused_config_raises_config_error(config, message):
    with pytest.raises(apsim.ConfigError) as info:
        apsim.Simulator(**config)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)
    assert info.value.response["Error"] == {"Code": "InvalidConfiguration", "Message": message}
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_real_clock_moves_and_a_virtual_one_waits():
    with apsim.Simulator(start_time=START, clock="real") as real, apsim.Simulator(start_time=START) as virtual:
        time.sleep(0.05)
        assert real.export_state()["Clock"] >= START * 1000 + 50
        assert virtual.export_state()["Clock"] == START * 1000
        assert real.advance_clock(60_000)["Now"] >= START + 60.05  # AdvanceClock still jumps ahead


def test_start_time_may_be_a_datetime():
    start = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    with apsim.Simulator(start_time=start) as sim:
        assert sim.call("efs:CreateFileSystem", {"CreationToken": "x"})["CreationTime"] == START
    with apsim.Simulator(start_time=start.replace(tzinfo=None)) as sim:  # naive means UTC, as in botocore
        assert sim.call("efs:CreateFileSystem", {"CreationToken": "x"})["CreationTime"] == START


def test_none_values_are_not_sent():
    with apsim.Simulator(region=None, seed=None, future_key=None) as sim:
        assert sim.config == {}


def test_positional_config_is_refused():
    with pytest.raises(TypeError):
        apsim.Simulator("us-east-1")


def test_close_is_idempotent_and_final():
    sim = apsim.Simulator()
    assert not sim.closed
    sim.close()
    sim.close()
    assert sim.closed
    with pytest.raises(ValueError, match="closed"):
        sim.call("apsim:ListOperations")
    efs = apsim.Simulator().client("efs")
    efs._simulator.close()
    with pytest.raises(ValueError, match="closed"):
        efs.describe_file_systems()


def test_context_manager_closes():
    with apsim.Simulator() as sim:
        assert not sim.closed
    assert sim.closed


def test_finalizer_is_a_backstop():
    sim = apsim.Simulator()
    finalizer = sim._finalizer
    assert finalizer.alive
    del sim
    gc.collect()
    assert not finalizer.alive


def test_call_is_low_level(sim):
    ops = sim.call("apsim:ListOperations")
    assert ops["Operations"] == sorted(ops["Operations"])
    assert {"apsim:ListOperations", "apsim:AdvanceClock", "apsim:InjectFault", "efs:CreateAccessPoint"} <= set(ops["Operations"])
    assert set(ops["Operations"]) >= {
        "efs:CreateFileSystem", "efs:DescribeFileSystems", "efs:DeleteFileSystem", "efs:DescribeAccessPoints",
        "efs:DeleteAccessPoint", "efs:TagResource", "efs:UntagResource", "efs:ListTagsForResource",
    }
    fs = sim.call("efs:CreateFileSystem", {"CreationToken": "x"})
    assert fs["CreationTime"] == START  # epoch seconds, not converted
    assert set(fs["ResponseMetadata"]) == {"RequestId", "HTTPStatusCode"}
    assert fs["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fs["ResponseMetadata"]["RequestId"])


def test_call_raises_like_a_client(sim):
    e = raised(sim.call, operation="efs:DeleteFileSystem", params={"FileSystemId": "fs-0123456789abcdef0"})
    assert error_of(e) == ("FileSystemNotFound", "File system 'fs-0123456789abcdef0' does not exist.")
    assert e.operation_name == "DeleteFileSystem"
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert e.response["ResponseMetadata"]["HTTPHeaders"] == {}
    assert isinstance(e, sim.client("efs").exceptions.FileSystemNotFound)


def test_unknown_operation(sim):
    e = raised(sim.call, operation="efs:Nope")
    assert error_of(e) == (
        "UnknownOperationException",
        "Unknown operation 'efs:Nope'. Operations are named '<service>:<Operation>', e.g. "
        "'efs:CreateAccessPoint'; 'apsim:ListOperations' lists them.",
    )
    assert e.operation_name == "Nope"


def test_unknown_service(sim):
    with pytest.raises(ValueError, match=r"Unknown service 'nosuch'; apsim serves: .*efs"):
        sim.client("nosuch")


def test_threads_share_one_simulator(sim, efs, fs_id):
    ids, errors = [], []

    def work(n):
        try:
            for i in range(25):
                ap = efs.create_access_point(ClientToken=f"w{n}-{i}", FileSystemId=fs_id)
                ids.append(ap["AccessPointId"])
                sim.call("efs:DescribeAccessPoints", {"AccessPointId": ap["AccessPointId"]})
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ids) == 200 == len(set(ids))
    listed = efs.describe_access_points(FileSystemId=fs_id, MaxResults=1000)["AccessPoints"]
    assert sorted(ap["AccessPointId"] for ap in listed) == sorted(ids)


def _script(sim):
    fs = sim.call("efs:CreateFileSystem", {"CreationToken": "a", "Tags": [{"Key": "Name", "Value": "data"}]})
    out = [fs]
    for i in range(3):
        out.append(sim.call("efs:CreateAccessPoint", {"ClientToken": f"t{i}", "FileSystemId": fs["FileSystemId"]}))
    out.append(sim.call("efs:DescribeAccessPoints", {"MaxResults": 2}))
    out.append(sim.call("efs:DescribeFileSystems"))
    return out


def test_same_seed_same_responses():
    with apsim.Simulator(seed=7, start_time=START) as a, apsim.Simulator(seed=7, start_time=START) as b:
        a.client("efs")  # making a client does not touch the world
        assert _script(a) == _script(b)
    with apsim.Simulator(seed=8, start_time=START) as c, apsim.Simulator(seed=7, start_time=START) as d:
        assert _script(c)[0]["FileSystemId"] != _script(d)[0]["FileSystemId"]
