"""What moto users bring to apsim.mock_aws (issue 23): moto's ``config`` keyword, the MOTO_ACCOUNT_ID
variable, a profile the machine does not have, and the network interfaces FSx file systems get in
moto's EC2."""
import re

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

import apsim
from apsim import mock as apsim_mock
from conftest import MotoNetwork

SEED_1 = "fs-0f18d6ce93d6cf1ee"  # the first file system ID of a world of seed 1
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


# ---- mock_aws(config=...) ---------------------------------------------------------------------

def test_moto_passthrough_services_and_urls_are_let_through(network_attempts, clean_env):
    with apsim.mock_aws(config={"core": {"passthrough": {"services": ["s3files"]}}}):
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            boto3.client("s3files", region_name="us-east-1", config=NO_RETRY).list_file_systems()
    with apsim.mock_aws(config={"core": {"passthrough": {"urls": [r"https://s3files\.eu-west-1\.api\.aws/.*"]}}}):
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            boto3.client("s3files", region_name="eu-west-1", config=NO_RETRY).list_file_systems()
        with pytest.raises(apsim.ServiceNotMockedError):  # another region's URL: not let through
            boto3.client("s3files", region_name="us-east-1", config=NO_RETRY).list_file_systems()
    assert network_attempts == ["s3files.us-east-1.api.aws", "s3files.eu-west-1.api.aws"]


@apsim.mock_aws(seed=1, config={"core": {"passthrough": {"services": ["s3files"]}}})
def decorated():
    return boto3.client("efs", region_name="us-east-1").create_file_system(CreationToken="t")["FileSystemId"], \
        apsim_mock._options_of(apsim_mock._current()).passthrough


def test_the_decorator_takes_moto_config_too(network_attempts, clean_env):
    assert decorated() == decorated() == (SEED_1, frozenset({"s3files"}))  # a fresh world each call
    assert network_attempts == []


def test_the_rest_of_motos_config_is_for_moto_and_ignored(clean_env):
    config = {"batch": {"use_docker": False}, "lambda": {"use_docker": False}, "iam": {"load_aws_managed_policies": True},
              "stepfunctions": {"execute_state_machine": True}, "iot": {"use_valid_cert": True},
              "core": {"service_whitelist": ["s3"], "mock_credentials": True, "reset_boto3_session": True,
                       "passthrough": {"services": [], "urls": []}}}
    with apsim.mock_aws(seed=1, config=config) as sim:
        assert sim.config == {"seed": 1}
        assert boto3.client("efs").create_file_system(CreationToken="t")["FileSystemId"] == SEED_1
        assert apsim_mock._options_of(sim).passthrough == frozenset()


def test_mock_credentials_false_leaves_the_environment_s_credentials(clean_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_PROFILE", "work")
    with apsim.mock_aws(config={"core": {"mock_credentials": False}}):
        assert (apsim_mock.os.environ["AWS_ACCESS_KEY_ID"], apsim_mock.os.environ["AWS_PROFILE"]) == ("AKIDREAL", "work")
    with apsim.mock_aws():  # the default: dummy credentials, no profile
        assert apsim_mock.os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert "AWS_PROFILE" not in apsim_mock.os.environ
    assert (apsim_mock.os.environ["AWS_ACCESS_KEY_ID"], apsim_mock.os.environ["AWS_PROFILE"]) == ("AKIDREAL", "work")


def test_reset_boto3_session_false_keeps_boto3_s_default_session(clean_env, monkeypatch):
    mine = boto3.session.Session(region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", mine)
    with apsim.mock_aws(seed=1, config={"core": {"reset_boto3_session": False}}) as sim:
        assert boto3.DEFAULT_SESSION is mine
        fs = boto3.client("efs").create_file_system(CreationToken="t")  # mine's region, routed to the world
        assert fs["FileSystemArn"] == f"arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/{SEED_1}"
        assert len(sim.client("efs", region_name="eu-west-1").describe_file_systems()["FileSystems"]) == 1
    with apsim.mock_aws():
        assert boto3.DEFAULT_SESSION is not mine  # the default: the blocks' own
    assert boto3.DEFAULT_SESSION is mine


PREFIX = "mock_aws(config=...): "


REFUSED = [
    ("core", "config takes moto's configuration dict, e.g. {'core': {'passthrough': {'services': ['s3']}}}, not str 'core'"),
    ({"sqs": {}}, "unknown section 'sqs': moto's configuration has batch, core, iam, iot, lambda, stepfunctions"),
    ({"batch": True}, "config['batch'] must be a dict, not bool True"),
    ({"core": {"passthru": {}}}, "unknown key 'passthru' in config['core']: moto's has mock_credentials, passthrough, "
                                 "reset_boto3_session, service_whitelist"),
    ({"core": {"mock_credentials": "no"}}, "config['core']['mock_credentials'] must be True or False, not str 'no'"),
    ({"core": {"reset_boto3_session": 0}}, "config['core']['reset_boto3_session'] must be True or False, not int 0"),
    ({"core": {"service_whitelist": "s3"}}, "config['core']['service_whitelist'] must be a list of service names, not str 's3'"),
    ({"core": {"passthrough": ["s3"]}}, "config['core']['passthrough'] must be a dict with 'services' and 'urls', "
                                        "not list ['s3']"),
    ({"core": {"passthrough": {"service": ["s3"]}}}, "unknown key 'service' in config['core']['passthrough']: moto's "
                                                     "has services, urls"),
    ({"core": {"passthrough": {"services": "s3"}}}, "config['core']['passthrough']['services'] must be a list of "
                                                    "service names, not str 's3'"),
    ({"core": {"passthrough": {"urls": [1]}}}, "config['core']['passthrough']['urls'] must be a list of regular "
                                               "expressions, not list [1]"),
    ({"core": {"passthrough": {"urls": ["https://(s3"]}}}, "config['core']['passthrough']['urls'] holds 'https://(s3', "
                                                          "which is not a regular expression: missing ), unterminated "
                                                          "subpattern at position 8"),
]


@pytest.mark.parametrize("config, message", REFUSED, ids=[repr(config)[:50] for config, _ in REFUSED])
def test_a_config_moto_would_not_take_is_refused_when_the_mock_is_made(config, message):
    with pytest.raises(apsim.ConfigError) as e:
        apsim.mock_aws(config=config)
    assert str(e.value) == PREFIX + message
    assert e.value.response == {"Error": {"Code": "InvalidConfiguration", "Message": PREFIX + message}}


# ---- MOTO_ACCOUNT_ID ----------------------------------------------------------------------------

def test_moto_account_id_is_the_world_s_default_account(clean_env, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with apsim.mock_aws(seed=1) as sim:
        fs = boto3.client("efs").create_file_system(CreationToken="t")
        assert (fs["OwnerId"], fs["FileSystemArn"]) == (
            "111122223333", f"arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/{SEED_1}")
        assert sim.config == {"seed": 1, "account_id": "111122223333"}
    with apsim.mock_aws(account_id="444455556666") as sim:  # an explicit account wins
        assert boto3.client("efs").create_file_system(CreationToken="t")["OwnerId"] == "444455556666"
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "1111")
    with pytest.raises(apsim.ConfigError) as e:
        with apsim.mock_aws():
            pass
    assert str(e.value) == ("MOTO_ACCOUNT_ID='1111' in the environment (the world's default account): account_id must be "
                            'a string of 12 digits, e.g. "123456789012".')
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with pytest.raises(apsim.ConfigError) as e:  # another refusal is the library's own
        with apsim.mock_aws(lifecycle="sometimes"):
            pass
    assert "lifecycle" in str(e.value) and "MOTO_ACCOUNT_ID" not in str(e.value)
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    with apsim.mock_aws() as sim:
        assert boto3.client("efs").create_file_system(CreationToken="t")["OwnerId"] == "123456789012"


def test_inside_moto_with_moto_account_id_the_network_is_moto_s_in_that_account(clean_env, monkeypatch):
    """moto keeps the VPC in MOTO_ACCOUNT_ID's account: the mount target finds it there."""
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with moto.mock_aws(), apsim.mock_aws(seed=1):
        net = MotoNetwork(boto3.client("ec2", region_name="us-east-1"))
        efs = boto3.client("efs", region_name="us-east-1")
        fs = efs.create_file_system(CreationToken="t")
        assert fs["OwnerId"] == "111122223333"
        mt = efs.create_mount_target(FileSystemId=fs["FileSystemId"], SubnetId=net.candidates[0])
        assert (mt["OwnerId"], mt["VpcId"], mt["IpAddress"]) == ("111122223333", net.vpc, "10.40.1.4")
        [eni] = net.ec2.describe_network_interfaces(NetworkInterfaceIds=[mt["NetworkInterfaceId"]])["NetworkInterfaces"]
        assert (eni["OwnerId"], eni["SubnetId"]) == ("111122223333", net.candidates[0])


# ---- profiles -----------------------------------------------------------------------------------

def test_a_profile_the_machine_does_not_have_is_set_aside_inside_blocks(clean_env, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "nonexistent")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "nonexistent-either")
    with apsim.mock_aws(seed=1):
        assert boto3.client("efs").create_file_system(CreationToken="t")["FileSystemId"] == SEED_1
        assert boto3.session.Session().client("fsx").describe_file_systems()["FileSystems"] == []
    assert (apsim_mock.os.environ["AWS_PROFILE"], apsim_mock.os.environ["AWS_DEFAULT_PROFILE"]) == (
        "nonexistent", "nonexistent-either")
    with pytest.raises(botocore.exceptions.ProfileNotFound):  # outside, the profile is the machine's again
        boto3.session.Session().client("efs")


# ---- FSx network interfaces in moto's EC2 ------------------------------------------------------

ONTAP = {"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 128}


def test_fsx_file_systems_get_network_interfaces_in_moto_s_ec2(clean_env):
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), apsim.mock_aws(seed=1) as sim:
        net = MotoNetwork(boto3.client("ec2", region_name="us-east-1"))
        fsx = boto3.client("fsx", region_name="us-east-1")
        subnets = list(net.placement)
        request = dict(ClientRequestToken="ontap", FileSystemType="ONTAP", StorageCapacity=1024, SubnetIds=subnets,
                       OntapConfiguration=dict(ONTAP, PreferredSubnetId=subnets[0]))
        fs = fsx.create_file_system(**request)["FileSystem"]
        assert all(re.fullmatch(r"eni-[0-9a-f]{17}", eni) for eni in fs["NetworkInterfaceIds"])
        net.check_file_system_interfaces(fs, [net.default_group])  # no SecurityGroupIds: the VPC's default
        assert fsx.create_file_system(**request)["FileSystem"]["NetworkInterfaceIds"] == fs["NetworkInterfaceIds"]
        net.check_file_system_interfaces(fs, [net.default_group])  # the repeat made no more
        zfs = fsx.create_file_system(FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=subnets[1:],
                                     SecurityGroupIds=[net.other_group], OpenZFSConfiguration={
                                         "DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64})["FileSystem"]
        net.check_file_system_interfaces(zfs, [net.other_group])
        # Inside moto without apsim's world these would be the only interfaces moto has.
        assert len(net.ec2.describe_network_interfaces()["NetworkInterfaces"]) == 3

        sim.inject_fault("fsx:DescribeFileSystems", "ThrottlingException", count=1)  # the full path, on purpose
        assert fsx.delete_file_system(FileSystemId=fs["FileSystemId"])["Lifecycle"] == "DELETING"
        net.check_file_system_interfaces_gone(fs)
        net.check_file_system_interfaces(zfs, [net.other_group])
        with pytest.raises(fsx.exceptions.FileSystemNotFound):
            fsx.delete_file_system(FileSystemId=fs["FileSystemId"])
        net.check_file_system_interfaces(zfs, [net.other_group])
