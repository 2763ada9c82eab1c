"""Which requests apsim.mock_aws routes (issue 23): clients made before the first block (a module's
``EFS = boto3.client("efs")``) are served inside blocks, as moto serves them; and inside
``moto.mock_aws()`` too, a request of a service neither serves is stopped rather than sent."""
import os
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.handlers
import botocore.session
import pytest
from botocore.config import Config

import apsim
from apsim import mock as apsim_mock

BINDING = Path(__file__).resolve().parent.parent
SEED_1 = "fs-0f18d6ce93d6cf1ee"  # the first file system ID of a world of seed 1
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


# A module as tests are often written: its client is made at import, before any block; then each test
# function is decorated (or uses a block). Run in a fresh interpreter, so that the client really is made
# before apsim ever mocked, with the network refused (a request that left would be recorded).
MODULE_CLIENT = """
import socket, sys
tried = []
def refuse(host, *args, **kwargs):
    tried.append(host)
    raise socket.gaierror(socket.EAI_NONAME, "refused")
socket.getaddrinfo = refuse
socket.socket.connect = lambda self, address: refuse(address[0])

import boto3, apsim
from botocore.config import Config
EFS = boto3.client("efs", region_name="us-east-1", config=Config(retries={"mode": "standard", "max_attempts": 3}))

@apsim.mock_aws(seed=1)
def create():
    return EFS.create_file_system(CreationToken="t")["FileSystemId"]

def faulted():
    with apsim.mock_aws(seed=1) as sim:
        sim.inject_fault("efs:DescribeFileSystems", "ThrottlingException", count=2)
        return EFS.describe_file_systems()["ResponseMetadata"]["RetryAttempts"]

print(create(), faulted(), tried)
"""


@pytest.mark.parametrize("credentials", [{"AWS_ACCESS_KEY_ID": "AKIDMODULE", "AWS_SECRET_ACCESS_KEY": "secret"}, {}],
                         ids=["credentials", "no-credentials"])
def test_a_client_made_before_any_block_is_served_inside_blocks(credentials):
    """With the credentials a moto suite sets in its conftest, or none (then the client has none: it
    signs nothing, not even on the full path a fault takes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(credentials, PYTHONPATH=str(BINDING), AWS_CONFIG_FILE="/nonexistent",
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run([sys.executable, "-c", MODULE_CLIENT], env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{SEED_1} 2 []\n", "")


def test_patch_client_routes_a_client_made_before_apsim_was_imported(network_attempts, clean_env, monkeypatch):
    """Its session was made without apsim's handlers: outside them until patch_client."""
    without = [h for h in botocore.handlers.BUILTIN_HANDLERS if h[1] not in (apsim_mock._before_call, apsim_mock._before_send)]
    with monkeypatch.context() as before_apsim:
        before_apsim.setattr(botocore.handlers, "BUILTIN_HANDLERS", without)
        client = botocore.session.Session().create_client("efs", region_name="us-east-1", aws_access_key_id="a",
                                                          aws_secret_access_key="b", config=NO_RETRY)
    with apsim.mock_aws(seed=1):
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            client.describe_file_systems()
        assert network_attempts == ["elasticfilesystem.us-east-1.amazonaws.com"]
        apsim.patch_client(client)
        assert client.create_file_system(CreationToken="t")["FileSystemId"] == SEED_1
    assert network_attempts == ["elasticfilesystem.us-east-1.amazonaws.com"]


STOPPED_INSIDE_MOTO = (
    "apsim.mock_aws serves efs and fsx only, and the active moto.mock_aws() has nothing for s3files at "
    "s3files.us-east-1.api.aws either, so this s3files request (ListFileSystems) was stopped before it left the "
    "process (moto would have sent it to AWS). To send real s3files requests deliberately, pass "
    'passthrough=["s3files"] (or passthrough=True) to apsim.mock_aws.')


@pytest.mark.parametrize("moto_first", [True, False], ids=["moto-outside", "moto-inside"])
def test_inside_moto_a_service_neither_serves_is_stopped(network_attempts, clean_env, moto_first):
    """s3files: botocore has its model, moto no backend, and its endpoint (s3files.<region>.api.aws) is
    not one moto answers "not yet implemented" for: moto lets it out."""
    moto = pytest.importorskip("moto")
    outer, inner = (moto.mock_aws(), apsim.mock_aws(seed=1)) if moto_first else (apsim.mock_aws(seed=1), moto.mock_aws())
    with outer, inner:
        s3files = boto3.client("s3files", region_name="us-east-1", config=NO_RETRY)
        with pytest.raises(apsim.ServiceNotMockedError) as e:
            s3files.list_file_systems()
        assert str(e.value) == STOPPED_INSIDE_MOTO
        assert (e.value.service, e.value.operation, e.value.url) == (
            "s3files", "ListFileSystems", "https://s3files.us-east-1.api.aws/file-systems")
        # What moto serves it still serves, and apsim EFS and FSx.
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="data")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["data"]
        assert boto3.client("efs", region_name="us-east-1").create_file_system(CreationToken="t")["FileSystemId"] == SEED_1
        # A service moto serves but apsim does not, at an endpoint given explicitly: moto answers it.
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url="https://sqs.us-east-1.amazonaws.com")
        assert sqs.list_queues(QueueNamePrefix="x")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert network_attempts == []


def test_inside_moto_passthrough_lets_a_service_neither_serves_out(network_attempts, clean_env):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(passthrough=["s3files"]):
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            boto3.client("s3files", region_name="us-east-1", config=NO_RETRY).list_file_systems()
    assert network_attempts == ["s3files.us-east-1.api.aws"]
    with moto.mock_aws(config={"core": {"passthrough": {"services": ["s3files"]}}}), apsim.mock_aws():
        with pytest.raises(botocore.exceptions.EndpointConnectionError):  # moto's own passthrough, deliberate too
            boto3.client("s3files", region_name="us-east-2", config=NO_RETRY).list_file_systems()
    assert network_attempts == ["s3files.us-east-1.api.aws", "s3files.us-east-2.api.aws"]


def test_without_moto_a_service_apsim_does_not_serve_is_stopped_as_before(network_attempts, clean_env):
    with apsim.mock_aws():
        with pytest.raises(apsim.ServiceNotMockedError) as e:
            boto3.client("s3files", region_name="us-east-1").list_file_systems()
    assert str(e.value).startswith("apsim.mock_aws serves efs and fsx only, so this s3files request (ListFileSystems) "
                                   "was stopped before it left the process. To have moto answer s3files, start")
    assert e.value.url is None and network_attempts == []
