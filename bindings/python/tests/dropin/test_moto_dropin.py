"""A moto user's test file after `from moto import mock_aws` became `from apsim import mock_aws`:
every form moto allows. ../test_dropin.py runs this file on its own and asserts how many tests it
collects and passes, so a form that makes pytest skip a test silently fails the suite."""
import inspect
import socket
import unittest

import boto3
import botocore.exceptions
import moto
import pytest
from botocore.config import Config

import apsim
from apsim import mock_aws
from apsim import mock as apsim_mock

ACCOUNT = "123456789012"
SUBNET = "subnet-0123456789abcdef0"
ZFS = {"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160}


def tokens():
    """The creation tokens of the file systems the current world holds."""
    return [f["CreationToken"] for f in boto3.client("efs").describe_file_systems()["FileSystems"]]


def create_fs(token):
    fs = boto3.client("efs").create_file_system(CreationToken=token)
    assert len(fs["FileSystemId"]) == len("fs-") + 17  # apsim's IDs (moto's have 8 hex digits)
    return fs["FileSystemId"]


# -- decorators on functions -------------------------------------------------------------------

@mock_aws
def test_bare_decorator():
    fs = boto3.client("efs").create_file_system(CreationToken="bare")
    assert fs["LifeCycleState"] == "creating"  # apsim's on_read lifecycle (moto answers available)
    assert tokens() == ["bare"]


@mock_aws()
def test_called_decorator():
    assert tokens() == []  # a fresh world: nothing from the test before
    create_fs("called")
    assert tokens() == ["called"]


@mock_aws(seed=1, lifecycle="instant")
def test_decorator_with_config_keeps_fixtures(tmp_path, request):
    assert tmp_path.exists() and request.node.name == "test_decorator_with_config_keeps_fixtures"
    fs = boto3.client("efs").create_file_system(CreationToken="seeded")
    assert fs["LifeCycleState"] == "available"
    assert fs["FileSystemId"] == "fs-0f18d6ce93d6cf1ee"  # seed 1's first ID


def test_wrappers_keep_name_signature_and_kind():
    def plain(a, b=1):
        """doc"""
    async def coroutine(x):
        return x
    def generator():
        yield 1
    for fn in (plain, coroutine, generator):
        for wrapped in (mock_aws(fn), mock_aws()(fn), mock_aws(seed=1)(fn)):
            assert wrapped.__name__ == fn.__name__ and wrapped.__wrapped__ is fn
            assert inspect.signature(wrapped) == inspect.signature(fn)
            assert inspect.iscoroutinefunction(wrapped) == inspect.iscoroutinefunction(fn)
            assert inspect.isgeneratorfunction(wrapped) == inspect.isgeneratorfunction(fn)
    assert plain.__doc__ == mock_aws(plain).__doc__ == "doc"


def test_each_decorated_call_gets_a_fresh_world():
    @mock_aws
    def make(token):
        create_fs(token)
        return tokens()
    assert make("one") == ["one"]
    assert make("two") == ["two"]
    assert apsim_mock._current() is None


def test_decorated_generators_run_in_one_world_until_exhausted():
    @mock_aws
    def walk():
        create_fs("gen")
        sent = yield tokens()
        yield sent, apsim_mock._current() is not None
    gen = walk()
    assert next(gen) == ["gen"]
    assert gen.send("x") == ("x", True)
    assert list(gen) == [] and apsim_mock._current() is None

    @mock_aws
    async def agen():
        create_fs("agen")
        yield tokens()

    async def consume():
        return [item async for item in agen()]
    import asyncio
    assert asyncio.run(consume()) == [["agen"]]


@mock_aws
async def test_bare_decorator_on_a_coroutine_function():
    create_fs("async")
    assert tokens() == ["async"]


@mock_aws(seed=2)
async def test_called_decorator_on_a_coroutine_function(tmp_path):
    assert tmp_path.exists() and tokens() == []


# -- decorated classes -------------------------------------------------------------------------

@mock_aws
class TestPlainClass:
    def test_first(self):
        create_fs("first")
        assert tokens() == ["first"]

    def test_second(self):
        assert tokens() == []

    def helper(self):  # not a test: left alone
        return apsim_mock._current()

    def test_helpers_run_in_the_tests_world(self):
        assert self.helper() is not None


@mock_aws(lifecycle="instant")
class TestPlainClassWithSetupMethod:
    def setup_method(self, method):
        self.fs = create_fs("setup")
        self.method = method.__name__

    def teardown_method(self):
        assert tokens() == ["setup"]  # still the test's world

    def test_sees_what_setup_made(self):
        assert self.method == "test_sees_what_setup_made" and tokens() == ["setup"]

    async def test_coroutine_sees_it_too(self):
        assert tokens() == ["setup"]


@mock_aws
class TestUnittestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.outside = apsim_mock._current()  # as with moto: class-level set-up runs unmocked

    def setUp(self):
        self.sim = apsim_mock._current()
        create_fs("setUp")

    def tearDown(self):
        self.assertIs(apsim_mock._current(), self.sim)
        self.assertEqual(tokens()[0], "setUp")

    def test_sees_what_setup_made(self):
        self.assertIsNone(self.outside)
        self.assertEqual(tokens(), ["setUp"])
        create_fs("more")

    def test_in_a_fresh_world(self):
        self.assertEqual(tokens(), ["setUp"])


@mock_aws(seed=3)
class TestAsyncUnittestCase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        create_fs("async-setup")

    async def test_async(self):
        self.assertEqual(tokens(), ["async-setup"])


# -- context manager, start/stop, fixture ------------------------------------------------------

def test_context_manager():
    with mock_aws(seed=1) as sim:
        create_fs("ctx")
        assert sim.call("efs:DescribeFileSystems")["FileSystems"][0]["CreationToken"] == "ctx"
    assert apsim_mock._current() is None


def test_start_and_stop():
    mock = mock_aws()
    sim = mock.start()
    try:
        create_fs("started")
        assert apsim_mock._current() is sim
        with pytest.raises(RuntimeError):
            mock.start()
    finally:
        mock.stop()
    assert apsim_mock._current() is None
    with pytest.raises(RuntimeError, match="stop\\(\\) before start"):
        mock.stop()


@pytest.mark.apsim(seed=1, lifecycle="instant")
def test_fixture(apsim_aws):
    assert boto3.client("efs").create_file_system(CreationToken="f")["FileSystemId"] == "fs-0f18d6ce93d6cf1ee"


# -- other services ----------------------------------------------------------------------------

def both_services_and_moto(sim):
    """S3 and EC2 answered by moto, EFS and FSx by apsim, in one block."""
    s3, ec2, efs, fsx = (boto3.client(s, region_name="us-east-1") for s in ("s3", "ec2", "efs", "fsx"))
    s3.create_bucket(Bucket="data")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["data"]
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/20")["Subnet"]["SubnetId"]
    fs_id = create_fs("with-moto")
    efs.create_access_point(ClientToken="t", FileSystemId=fs_id)
    fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[subnet], OpenZFSConfiguration=ZFS)
    # apsim's world has them; moto's EFS and FSx backends do not.
    assert [f["FileSystemId"] for f in sim.call("efs:DescribeFileSystems")["FileSystems"]] == [fs_id]
    assert len(sim.call("fsx:DescribeFileSystems")["FileSystems"]) == 1
    from moto.backends import get_backend
    assert get_backend("efs")[ACCOUNT]["us-east-1"].file_systems_by_id == {}
    # A fault takes the before-send path, where moto's stubber is called after apsim's handler.
    sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=1)
    retried = efs.describe_file_systems()
    assert retried["ResponseMetadata"]["RetryAttempts"] == 1 and len(retried["FileSystems"]) == 1
    assert get_backend("efs")[ACCOUNT]["us-east-1"].file_systems_by_id == {}
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"] == vpc


def test_nested_inside_moto():
    with moto.mock_aws(), mock_aws() as sim:
        both_services_and_moto(sim)


def test_moto_nested_inside():
    with mock_aws() as sim, moto.mock_aws():
        both_services_and_moto(sim)


@pytest.fixture
def socket_guard(monkeypatch):
    """Any name lookup or connection fails the test, and is counted."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("a request tried to leave the process")
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_other_services_stop_at_once(socket_guard):
    sends = []
    with mock_aws():
        s3 = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 5}))
        s3.meta.events.register("before-send", lambda **kw: sends.append(kw["event_name"]))
        with pytest.raises(apsim.ServiceNotMockedError) as e:
            s3.list_buckets()
        elb = boto3.client("elbv2")
        with pytest.raises(apsim.ServiceNotMockedError) as e2:
            elb.describe_load_balancers()
    assert socket_guard == [] and sends == []  # one attempt, stopped before any other handler
    assert (e.value.service, e.value.operation) == ("s3", "ListBuckets")
    assert str(e.value) == (
        "apsim.mock_aws serves efs and fsx only, so this s3 request (ListBuckets) was stopped before "
        "it left the process. To have moto answer s3, start moto.mock_aws() as well (either nesting "
        "order: apsim for EFS and FSx, moto for the rest); to send real s3 requests deliberately, "
        'pass passthrough=["s3"] (or passthrough=True) to apsim.mock_aws.')
    assert e2.value.service == "elbv2"  # boto3's name, not the service ID


@pytest.mark.parametrize("passthrough", [["s3"], True])
def test_passthrough_lets_real_requests_go(socket_guard, passthrough):
    with mock_aws(passthrough=passthrough):
        s3 = boto3.client("s3", config=Config(retries={"max_attempts": 0}))
        with pytest.raises(botocore.exceptions.HTTPClientError, match="tried to leave the process"):
            s3.list_buckets()
        if passthrough is not True:
            with pytest.raises(apsim.ServiceNotMockedError):
                boto3.client("sts").get_caller_identity()
        assert boto3.client("efs").describe_file_systems()["FileSystems"] == []
    assert socket_guard  # the lookup was attempted: the request was let through
