"""botocore's retries of an injected fault, in process (issue 23): the backoff botocore decides moves
the world's clock (rounded up to the millisecond) instead of sleeping, on the fast path and on the wire path (both answer in this
process); any other retry (a request that left, deliberately) still sleeps for real, and time.sleep
itself is never replaced. No test here measures wall time: each records what time.sleep was asked."""
import logging
import math
import subprocess
import sys
import time
from pathlib import Path

import boto3
import botocore.endpoint
import botocore.exceptions
import pytest
from botocore.config import Config

import apsim

REAL_SLEEP = time.sleep
START = 1_700_000_000


@pytest.fixture
def sleeps(monkeypatch):
    """What time.sleep is asked, recorded instead of slept."""
    asked = []
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


@pytest.fixture
def backoffs(caplog):
    """The backoffs botocore's endpoint decided, as it logs them before sleeping (seconds)."""
    caplog.set_level(logging.DEBUG, logger="botocore.endpoint")

    def decided():
        return [record.args[0] for record in caplog.records
                if record.name == "botocore.endpoint" and record.msg.startswith("Response received to retry, sleeping")]
    return decided


def now(sim):
    """The world's clock, in milliseconds."""
    return round(sim.advance_clock(0)["Now"] * 1000)


@pytest.mark.parametrize("wire", [False, True], ids=["fast", "wire"])
# ("adaptive" adds a client-side rate limiter that measures the request rate on the real clock and
# waits in real time, on a threading.Condition, before sending: its backoff moves the clock as well,
# but the limiter's waits are real, seconds after throttling errors.)
@pytest.mark.parametrize("mode", ["standard", "legacy"])
def test_a_retried_fault_moves_the_world_s_clock_by_the_backoff(no_network, clean_env, sleeps, backoffs, wire, mode):
    with apsim.mock_aws(seed=1, start_time=START, wire=wire) as sim:
        efs = boto3.client("efs", config=Config(retries={"mode": mode, "max_attempts": 3}))
        sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=2)
        assert efs.describe_file_systems()["ResponseMetadata"]["RetryAttempts"] == 2
        decided = backoffs()
        assert len(decided) == 2 and all(0 < seconds <= 20 for seconds in decided)
        assert now(sim) == START * 1000 + sum(math.ceil(seconds * 1000) for seconds in decided)
        assert sleeps == []


def test_a_fault_that_outlasts_the_retries_moves_the_clock_by_every_backoff(no_network, clean_env, sleeps, backoffs):
    with apsim.mock_aws(seed=1, start_time=START) as sim:
        efs = boto3.client("efs", config=Config(retries={"mode": "standard", "max_attempts": 3}))
        sim.inject_fault("efs:CreateFileSystem", "InternalServerError", count=4)
        with pytest.raises(efs.exceptions.InternalServerError) as e:
            efs.create_file_system(CreationToken="t")
        assert e.value.response["ResponseMetadata"]["RetryAttempts"] == 3
        decided = backoffs()
        assert len(decided) == 3
        assert now(sim) == START * 1000 + sum(math.ceil(seconds * 1000) for seconds in decided)
        assert sleeps == []


def test_the_throttling_interval_sees_the_backoff_pass(no_network, clean_env, sleeps):
    """What the clock is for: a ThrottlingException the world answers near its quota, retried by
    botocore after the backoff, finds the interval passed (the world's clock moved by the backoff)."""
    with apsim.mock_aws(seed=1, start_time=START, access_points_per_file_system=2,
                        throttling={"near_quota_fraction": 0.5, "interval_ms": 1}) as sim:
        efs = boto3.client("efs", config=Config(retries={"mode": "standard", "max_attempts": 3}))
        fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
        efs.create_access_point(ClientToken="a", FileSystemId=fs)
        sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=1)  # the full path: botocore retries
        second = efs.create_access_point(ClientToken="b", FileSystemId=fs)
        assert second["ResponseMetadata"]["RetryAttempts"] == 1
        assert sleeps == []


def test_other_retries_sleep_for_real_and_time_sleep_is_left_alone(clean_env, network_attempts, sleeps, backoffs,
                                                                    monkeypatch):
    """A request let out (passthrough) whose connection fails is retried after a real sleep; the
    world's clock does not move. time.sleep itself is never replaced: botocore.endpoint's ``time`` is."""
    with apsim.mock_aws(seed=1, start_time=START, passthrough=["s3files"]) as sim:
        s3files = boto3.client("s3files", region_name="us-east-1", config=Config(retries={"mode": "standard", "max_attempts": 1}))
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            s3files.list_file_systems()
        assert sleeps == backoffs() and len(sleeps) == 1  # slept (here: recorded) for the backoff
        assert now(sim) == START * 1000
    assert network_attempts == ["s3files.us-east-1.api.aws"] * 2
    monkeypatch.undo()
    assert time.sleep is REAL_SLEEP
    assert botocore.endpoint.time.sleep is not REAL_SLEEP and botocore.endpoint.time.monotonic is time.monotonic


def test_botocore_s_endpoint_time_is_replaced_only_once_apsim_mocks():
    code = ("import time, botocore.endpoint as e; import apsim; assert e.time is time; apsim.mock_aws(); "
            "assert type(e.time).__name__ == '_EndpointTime' and e.time.time is time.time; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")
