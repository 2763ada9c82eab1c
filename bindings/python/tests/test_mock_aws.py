"""Unmodified boto3 clients against apsim.mock_aws: every operation of both services, paginators,
error codes, retries, pass-through, and the same scenario through apsim_call and apsim_http."""
import json
import os
import subprocess
import sys

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.stub import Stubber

import apsim
from apsim import mock as apsim_mock
from conftest import check_boto3_every_operation, check_boto3_modeled_errors, efs_scenario, fsx_scenario



def test_every_operation_through_real_boto3_clients(no_network, clean_env):
    with apsim.mock_aws(seed=5):
        efs, fsx = boto3.client("efs"), boto3.client("fsx")
        assert efs.meta.region_name == "us-east-1"  # defaulted inside the block
        check_boto3_every_operation(efs, fsx)


def test_errors_are_botocores_modeled_exceptions(no_network, clean_env):
    with apsim.mock_aws(seed=1):
        check_boto3_modeled_errors(boto3.client("efs"), boto3.client("fsx"))


def test_injected_faults_go_through_botocores_retries(no_network, clean_env):
    with apsim.mock_aws(seed=1) as sim:
        efs = boto3.client("efs", config=Config(retries={"mode": "standard", "max_attempts": 3}))
        sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=2)
        response = efs.describe_file_systems()
        assert response["ResponseMetadata"]["RetryAttempts"] == 2
        # "max_attempts" counts retries: the first attempt and three retries all fail.
        sim.inject_fault("efs:DescribeFileSystems", "InternalServerError", count=4)
        with pytest.raises(efs.exceptions.InternalServerError) as e:
            efs.describe_file_systems()
        assert e.value.response["ResponseMetadata"]["RetryAttempts"] == 3
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert sim.faults_armed() is False
        assert efs.describe_file_systems()["ResponseMetadata"]["RetryAttempts"] == 0


def test_other_services_pass_through(clean_env):
    with apsim.mock_aws():
        s3 = boto3.client("s3")
        with Stubber(s3) as stub:  # answered by the stubber, not by apsim
            stub.add_response("list_buckets", {"Buckets": [{"Name": "b"}]})
            assert s3.list_buckets()["Buckets"][0]["Name"] == "b"
    assert apsim_mock._before_call(event_name="before-call.s3.ListBuckets", params={}) is None


def test_outside_the_block_nothing_is_routed(clean_env):
    with apsim.mock_aws():
        pass
    assert apsim_mock._current() is None
    assert os.environ.get("AWS_ACCESS_KEY_ID") is None
    assert apsim_mock._before_call(event_name="before-call.efs.DescribeFileSystems", params={}) is None


def test_decorator_and_existing_simulator(no_network, clean_env):
    @apsim.mock_aws(seed=3)
    def create():
        return boto3.client("efs").create_file_system(CreationToken="t")["FileSystemId"]

    assert create() == create()  # each call gets a fresh world with the same seed
    with apsim.Simulator(seed=3) as sim:
        with apsim.mock_aws(simulator=sim):
            boto3.client("efs").create_file_system(CreationToken="t")
        assert not sim.closed
        assert len(sim.client("efs").describe_file_systems()["FileSystems"]) == 1
    with pytest.raises(TypeError):
        apsim.mock_aws(simulator=sim, seed=1)


def test_regions_of_clients_are_worlds_regions(no_network, clean_env):
    with apsim.mock_aws(seed=1) as sim:
        eu = boto3.client("efs", region_name="eu-west-1")
        fs = eu.create_file_system(CreationToken="t")
        assert fs["FileSystemArn"].startswith("arn:aws:elasticfilesystem:eu-west-1:123456789012:")
        assert sim.client("efs").describe_file_systems()["FileSystems"] == []
        assert len(sim.client("efs", region_name="eu-west-1").describe_file_systems()["FileSystems"]) == 1


def test_fixture(apsim_aws, no_network):
    efs = boto3.client("efs")
    efs.create_file_system(CreationToken="t")
    assert len(apsim_aws.client("efs").describe_file_systems()["FileSystems"]) == 1


@pytest.mark.apsim(seed=9, lifecycle="instant")
def test_fixture_with_config(apsim_aws):
    assert apsim_aws.config == {"seed": 9, "lifecycle": "instant"}
    assert boto3.client("efs").create_file_system(CreationToken="t")["LifeCycleState"] == "available"


def normalized_state(sim):
    return sim.export_state()


class WireClient:
    """Sends each call as botocore would put it on the wire, through Simulator.http (apsim_http)."""

    def __init__(self, sim, service):
        self.sim = sim
        self.model = botocore.session.get_session().get_service_model(service)
        self.names = {botocore.xform_name(o): o for o in self.model.operation_names}

    def __getattr__(self, name):
        from botocore.serialize import create_serializer

        operation = self.model.operation_model(self.names[name])

        def send(**params):
            request = create_serializer(self.model.metadata["protocol"]).serialize_to_request(params, operation)
            body = request["body"]
            reply = self.sim.http({"method": request["method"], "path": request["url_path"],
                                   "query": request["query_string"] or {}, "headers": dict(request["headers"]),
                                   "body": body.decode() if isinstance(body, bytes) else (body or "")})
            assert reply["status"] < 300, reply
            return json.loads(reply["body"] or "{}")
        return send


def test_same_scenario_through_boto3_apsim_call_and_apsim_http(no_network, clean_env):
    config = dict(seed=21, start_time=1_700_000_000)
    states = []
    with apsim.mock_aws(**config) as sim:
        efs_scenario(boto3.client("efs"))
        fsx_scenario(boto3.client("fsx"))
        states.append(normalized_state(sim))
    with apsim.Simulator(**config) as sim:
        efs_scenario(sim.client("efs"))
        fsx_scenario(sim.client("fsx"))
        states.append(normalized_state(sim))
    with apsim.Simulator(**config) as sim:
        efs_scenario(WireClient(sim, "efs"))
        fsx_scenario(WireClient(sim, "fsx"))
        states.append(normalized_state(sim))
    assert states[0]["Regions"][0]["EFSAccessPoints"]  # not three empty worlds
    assert states[0] == states[1] == states[2]


def test_entry_point_registers_the_pytest_plugin(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    os.path.join(os.path.dirname(__file__), "..")], check=True, capture_output=True)
    code = ("from importlib.metadata import entry_points; "
            "print([e.value for e in entry_points(group='pytest11') if e.name == 'apsim'])")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(target)},
                         check=True, capture_output=True, text=True).stdout
    assert out.strip() == "['apsim.pytest_plugin']"


def test_blocks_share_one_boto3_session_and_put_the_default_back():
    import boto3

    before = boto3.session.Session()
    boto3.DEFAULT_SESSION = before
    try:
        with apsim.mock_aws():
            inside = boto3.DEFAULT_SESSION
            assert inside is not before
            boto3.client("efs").create_file_system(CreationToken="a")
        assert boto3.DEFAULT_SESSION is before
        with apsim.mock_aws():
            # The same session again (botocore's files are not parsed per block), its credentials
            # read from this block's environment rather than cached from the last one.
            assert boto3.DEFAULT_SESSION is inside
            os.environ["AWS_ACCESS_KEY_ID"] = "AKIDSECONDBLOCK"
            assert boto3.DEFAULT_SESSION.get_credentials().access_key == "AKIDSECONDBLOCK"
            assert boto3.client("efs").describe_file_systems()["FileSystems"] == []  # a fresh world
        assert boto3.DEFAULT_SESSION is before and os.environ.get("AWS_ACCESS_KEY_ID") != "AKIDSECONDBLOCK"
    finally:
        boto3.DEFAULT_SESSION = None
