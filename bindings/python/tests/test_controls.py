"""Steering the world from Python: accounts and regions, clock and lifecycle, faults, snapshots."""
import os
import tempfile

import pytest

import apsim

START = 1_700_000_000


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def test_clients_per_account_and_region_are_isolated():
    with apsim.Simulator(seed=1) as sim:
        home = sim.client("efs")
        eu = sim.client("efs", region_name="eu-west-1")
        other = sim.client("efs", account_id="111122223333")
        fs = home.create_file_system(CreationToken="same")
        # Tokens are per account and region: the same token works elsewhere.
        eu_fs = eu.create_file_system(CreationToken="same")
        assert eu_fs["FileSystemArn"].startswith("arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/")
        assert other.create_file_system(CreationToken="same")["OwnerId"] == "111122223333"
        with pytest.raises(eu.exceptions.FileSystemNotFound):
            eu.describe_file_systems(FileSystemId=fs["FileSystemId"])
        assert [f["FileSystemId"] for f in home.describe_file_systems()["FileSystems"]] == [fs["FileSystemId"]]
        with pytest.raises(Exception) as e:
            sim.client("efs", account_id="12").describe_file_systems()
        assert code_of(e) == ("ValidationException", "The account ID '12' is not valid: it must be 12 digits.")


def test_manual_lifecycle_and_clock():
    with apsim.Simulator(seed=1, start_time=START, lifecycle="manual", creation_delay_ms=2000) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
        with pytest.raises(efs.exceptions.IncorrectFileSystemLifeCycleState) as e:
            efs.create_access_point(ClientToken="a", FileSystemId=fs)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        assert e.value.response["Error"]["Message"] == (
            f"File system '{fs}' is in the 'creating' state; access points can only be created on an 'available' file system.")
        assert sim.advance_clock(2000)["Now"] == START + 2
        assert efs.create_access_point(ClientToken="a", FileSystemId=fs)["LifeCycleState"] == "creating"


def test_set_lifecycle_state():
    with apsim.Simulator(seed=1) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
        sim.set_lifecycle_state("deleting", resource_id=fs)
        with pytest.raises(efs.exceptions.IncorrectFileSystemLifeCycleState):
            efs.create_access_point(ClientToken="a", FileSystemId=fs)
        with pytest.raises(Exception) as e:
            sim.set_lifecycle_state("gone", resource_id=fs)
        assert code_of(e)[0] == "ValidationException"


def test_injected_faults_then_success():
    with apsim.Simulator(seed=1) as sim:
        efs = sim.client("efs")
        fault = sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=2)
        assert fault == "fault-1"
        for _ in range(2):
            with pytest.raises(efs.exceptions.ThrottlingException) as e:
                efs.describe_file_systems()
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert efs.describe_file_systems()["FileSystems"] == []
        sim.inject_fault("*", "InternalServerError", probability=1.0)
        with pytest.raises(efs.exceptions.InternalServerError):
            efs.describe_access_points()
        assert sim.clear_faults() == 1
        efs.describe_access_points()


def test_export_import_and_state_file_roundtrip():
    with apsim.Simulator(seed=4, start_time=START) as a:
        efs = a.client("efs")
        fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
        ap = efs.create_access_point(ClientToken="c", FileSystemId=fs)["AccessPointId"]
        state = a.export_state()
        with apsim.Simulator(state=state) as b:
            # The restored world continues exactly: same IDs and RequestIds for the same calls.
            assert b.call("efs:CreateFileSystem", {"CreationToken": "n"}) == a.call("efs:CreateFileSystem", {"CreationToken": "n"})
            assert b.client("efs").describe_access_points()["AccessPoints"][0]["AccessPointId"] == ap
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "world.json")
        with apsim.Simulator(seed=4, state_file=path) as a:
            fs = a.client("efs").create_file_system(CreationToken="t")["FileSystemId"]
        with apsim.Simulator(seed=4, state_file=path) as b:
            assert b.client("efs").describe_file_systems()["FileSystems"][0]["FileSystemId"] == fs
        with open(path, "w") as f:
            f.write("{not json")
        with pytest.raises(apsim.ConfigError) as e:
            apsim.Simulator(state_file=path)
        assert str(e.value) == (f"state_file '{path}' is not a valid apsim state "
                                "(Malformed JSON at byte 1: expected a member name); it was left untouched.")
        with open(path) as f:
            assert f.read() == "{not json"


def test_reset_and_determinism():
    def run():
        with apsim.Simulator(seed=11, start_time=START) as sim:
            efs = sim.client("efs")
            fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
            sim.advance_clock(10)  # control operations do not shift RequestIds
            return [sim.call("efs:CreateAccessPoint", {"ClientToken": "a", "FileSystemId": fs}),
                    sim.call("efs:DescribeAccessPoints")]
    assert run() == run()
    with apsim.Simulator(seed=11) as sim:
        efs = sim.client("efs")
        first = efs.create_file_system(CreationToken="t")["FileSystemId"]
        sim.reset()
        assert efs.describe_file_systems()["FileSystems"] == []
        assert efs.create_file_system(CreationToken="t")["FileSystemId"] == first
