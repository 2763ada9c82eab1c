"""mock_aws's fast path (apsim._fastparse) against botocore's parser (``mock_aws(wire=True)``).

The fast path hands botocore a parsed response made from apsim's reply without botocore's parser;
it must be exactly what botocore's parser makes of the same reply. Checked three ways:

- every reply of a run (every EFS and FSx operation of the installed botocore, with requests made
  from its models, and a scripted run through every operation the library serves: successes,
  paginated or not, and the errors each can answer, faults included) is parsed both ways and the
  two compared strictly: same keys in the same order, same types (``1 != True``, a float is not an
  int), datetimes with equal time zones, ResponseMetadata included; the fast path must not step
  aside on any of them;
- the same run in two identically seeded worlds, one on each path: the same responses and errors
  (classes included) and the same HTTP responses for after-call handlers;
- altered replies, read with each installed JSON codec: thousands of random changes (unknown keys,
  nulls, reordered or missing keys, values of other JSON types, other error forms, headers and
  statuses, bodies that are not JSON) and, member by member, every JSON type in the richest answers
  and in listings (whose items the fast path checks all at once): the fast path gives botocore's
  result, an exception included, or steps aside so that botocore's parser gives it.

Also: plans made by several threads at once; wire=True runs botocore's parser and the default does
not; faults take botocore's full path (retries included) on both; how ``wire`` is chosen (argument,
APSIM_MOCK_WIRE, decorators, the fixture's marker, nested blocks); and the moto drop-in suite on the
wire path (test_dropin.py runs it on the default one).
"""
import concurrent.futures
import contextlib
import copy
import datetime
import itertools
import json
import random
import re
import socket
import types
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

import boto3
import botocore.endpoint
import botocore.exceptions
import botocore.parsers
import botocore.session
import pytest

import apsim
from apsim import _fastparse
from apsim import mock as apsim_mock
from conftest import OpenNetwork

try:
    from apsim import _codec
except ImportError:  # a binding without the codec module: the fast path reads with json
    _codec = None  # type: ignore[assignment]

START = 1_700_000_000
SERVICES = ("efs", "fsx")
REGION = "us-east-1"
ACCOUNT = "123456789012"
# The world every run opens: small quotas and throttling, so that they are reached.
WORLD: Dict[str, Any] = dict(seed=1, start_time=START, access_points_per_file_system=4, s3_access_points_per_region=5,
             throttling={"near_quota_fraction": 0.5, "interval_ms": 1000})

_session = botocore.session.get_session()
MODELS = {service: _session.get_service_model(service) for service in SERVICES}


# ---- strict comparison -------------------------------------------------------------------------


def difference(a: Any, b: Any, path: str = "$") -> Optional[str]:
    """Where ``a`` and ``b`` differ (None: nowhere): types, dict keys and their order, list items,
    values; datetimes by value, UTC offset and time zone."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            found = difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, datetime.datetime):
        same = a == b and a.utcoffset() == b.utcoffset() and type(a.tzinfo) is type(b.tzinfo) and a.tzinfo == b.tzinfo
        return None if same and repr(a) == repr(b) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, float):
        return None if repr(a) == repr(b) else f"{path}: {a!r} != {b!r}"
    return None if a == b else f"{path}: {a!r} != {b!r}"


def assert_same(a: Any, b: Any, what: str = "") -> None:
    found = difference(a, b)
    assert found is None, f"{what}: {found}"


def test_the_comparison_is_strict():
    utc = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    assert difference({"a": 1}, {"a": True}) and difference({"a": 1}, {"a": 1.0}) and difference(0.0, -0.0)
    assert difference({"a": 1, "b": 2}, {"b": 2, "a": 1}) and difference([1], (1,))
    assert difference(utc, utc.astimezone(datetime.timezone(datetime.timedelta(hours=1))))
    assert difference(utc, utc.replace(tzinfo=None)) and difference(utc, utc.replace(microsecond=1))
    assert difference({"a": [{"b": utc}]}, {"a": [{"b": utc}]}) is None


# ---- replies ------------------------------------------------------------------------------------


class Reply(NamedTuple):
    """One reply apsim gave in a run: to an operation (its botocore model), as apsim_http wrote it."""

    model: Any
    status: int
    headers: Dict[str, str]
    body: bytes
    stage: str  # before-call (the fast path's) or before-send (a fault armed: botocore's full path)


def operation_model(event_name: str) -> Any:
    """The botocore operation model of an event ("before-call.efs.CreateAccessPoint")."""
    _, service, operation = event_name.split(".")
    return MODELS[service].operation_model(operation)


@contextlib.contextmanager
def spying() -> Iterator[List[Reply]]:
    """Every reply apsim gives inside the block (the mock's _reply, spied on)."""
    seen: List[Reply] = []
    reply = apsim_mock._reply

    def spy(sim: apsim.Simulator, event_name: str, request: Dict[str, Any]) -> Tuple[int, Dict[str, str], bytes]:
        status, headers, body = reply(sim, event_name, request)
        seen.append(Reply(operation_model(event_name), status, copy.deepcopy(headers), body, event_name.split(".")[0]))
        return status, headers, body
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(apsim_mock, "_reply", spy)
        yield seen


def parsed_both_ways(reply: Reply) -> Tuple[Any, Any]:
    """(fast, wire): the reply parsed by apsim._fastparse and by botocore's parser (each on its own
    copy of the headers, so neither sees what the other did)."""
    parser = apsim_mock._parser(reply.model.metadata["protocol"])
    fast = _fastparse.parse(reply.model, parser, reply.status, dict(reply.headers), reply.body)
    _, wire = apsim_mock._parse_wire(reply.model, parser, "https://x/", reply.status, dict(reply.headers), reply.body)
    return fast, wire


# ---- requests made from the models --------------------------------------------------------------


def value_of(shape: Any, text: str, depth: int = 0) -> Any:
    """A value of ``shape`` botocore's validator takes: required members only, strings ``text``
    (an enum's first value when ``text`` is "x"), numbers at their minimum."""
    kind = shape.type_name
    if kind == "structure":
        return {name: value_of(member, text, depth + 1) for name, member in shape.members.items()
                if name in shape.required_members and depth < 8}
    if kind == "list":
        return [value_of(shape.member, text, depth + 1) for _ in range(max(1, shape.metadata.get("min", 1)))]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum and text == "x":
            return shape.enum[0]
        return text * max(1, shape.metadata.get("min", 1))
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return float(shape.metadata.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return b"x"
    raise AssertionError(f"no value for a {kind}")


def made_requests(model: Any) -> List[Dict[str, Any]]:
    """Two requests of an operation: its required members with plausible values ("x", an enum's
    first value) and with values its patterns and enums refuse ("!"); idempotency tokens given, so
    that two runs send the same requests."""
    shape = model.input_shape
    if shape is None:
        return [{}]
    tokens = {name: "token-1" for name, member in shape.members.items() if member.metadata.get("idempotencyToken")}
    return [dict(value_of(shape, text), **tokens) for text in ("x", "!")]


# ---- a run through every operation -----------------------------------------------------------


class Outcome(NamedTuple):
    """What a call gave the caller: the response, or the error (its class name and response)."""

    operation: str
    kind: str  # "ok" or the ClientError subclass's name
    response: Dict[str, Any]


class Caller:
    """Calls the operations through boto3 clients, recording each outcome (an error does not stop
    the run) and, through an after-call handler, the HTTP response botocore was handed."""

    def __init__(self) -> None:
        self.clients = {service: boto3.client(service, region_name=REGION) for service in SERVICES}
        self.outcomes: List[Outcome] = []
        self.http: List[Tuple[int, List[Tuple[str, str]], bytes, str]] = []
        for client in self.clients.values():
            client.meta.events.register("after-call", self._after_call)

    def _after_call(self, http_response: Any, **kwargs: Any) -> None:
        self.http.append((http_response.status_code, list(http_response.headers.items()), http_response.content,
                          http_response.text))

    def __call__(self, service: str, operation: str, **params: Any) -> Dict[str, Any]:
        """The response (or the error's response) of one call."""
        try:
            response = getattr(self.clients[service], operation)(**params)
        except botocore.exceptions.ClientError as e:
            self.outcomes.append(Outcome(operation, type(e).__name__, e.response))
            return e.response
        self.outcomes.append(Outcome(operation, "ok", response))
        return response


def every_operation(call: Caller) -> None:
    """Each operation of the installed botocore, with requests made from its model (the library's
    operations it does not emulate answer NotImplemented), in a world with one file system."""
    call("efs", "create_file_system", CreationToken="made")
    for service, model in MODELS.items():
        for name in model.operation_names:
            operation = model.operation_model(name)
            for params in made_requests(operation):
                call(service, botocore.xform_name(name), **params)


def efs_run(call: Caller, sim: apsim.Simulator) -> None:
    """Every EFS operation, answered and refused: what the existing suites exercise."""
    tags = [{"Key": "Name", "Value": "one"}]
    fs = call("efs", "create_file_system", CreationToken="one", Tags=tags)["FileSystemId"]
    call("efs", "create_file_system", CreationToken="one")  # FileSystemAlreadyExists (+ FileSystemId)
    call("efs", "create_file_system", CreationToken="two", PerformanceMode="maxIO", Encrypted=True,
         ThroughputMode="provisioned", ProvisionedThroughputInMibps=64.5)
    call("efs", "create_file_system", CreationToken="three", ThroughputMode="provisioned")  # BadRequest
    call("efs", "create_file_system", CreationToken="x" * 65)  # ValidationException
    call("efs", "describe_file_systems")
    first = call("efs", "describe_file_systems", MaxItems=1)
    call("efs", "describe_file_systems", MaxItems=1, Marker=first["NextMarker"])
    call("efs", "describe_file_systems", Marker="bad")  # BadRequest
    call("efs", "describe_file_systems", FileSystemId="fs-0123456789abcdef0")  # FileSystemNotFound
    call("efs", "describe_file_systems", CreationToken="two")

    # Access points: the file system's state, client tokens, the quota (4) and throttling (at 2).
    sim.set_lifecycle_state("creating", resource_id=fs)
    ap_request = dict(FileSystemId=fs, PosixUser={"Uid": 1000, "Gid": 1000, "SecondaryGids": [1, 2]},
                      RootDirectory={"Path": "/export",
                                     "CreationInfo": {"OwnerUid": 0, "OwnerGid": 0, "Permissions": "755"}},
                      Tags=tags)
    call("efs", "create_access_point", ClientToken="ap-0", **ap_request)  # IncorrectFileSystemLifeCycleState
    sim.set_lifecycle_state("available", resource_id=fs)
    aps = []
    for i in range(8):
        sim.advance_clock(2000 if i % 2 else 0)
        created = call("efs", "create_access_point", ClientToken=f"ap-{i}", **ap_request)
        aps += [created["AccessPointId"]] if "AccessPointId" in created else []
    other = call("efs", "describe_file_systems", CreationToken="two")["FileSystems"][0]["FileSystemId"]
    call("efs", "create_access_point", ClientToken="ap-1", FileSystemId=other)  # AccessPointAlreadyExists
    call("efs", "create_access_point", ClientToken="ap-x", FileSystemId=fs, PosixUser={"Uid": 1, "Gid": 1},
         RootDirectory={"Path": "relative"})  # ValidationException
    page = call("efs", "describe_access_points", FileSystemId=fs, MaxResults=1)
    call("efs", "describe_access_points", FileSystemId=fs, MaxResults=1, NextToken=page["NextToken"])
    call("efs", "describe_access_points")
    call("efs", "describe_access_points", AccessPointId=aps[0])
    call("efs", "describe_access_points", AccessPointId="fsap-0123456789abcdef0")  # AccessPointNotFound
    call("efs", "describe_access_points", FileSystemId=fs, NextToken="bad")  # BadRequest
    call("efs", "describe_access_points", FileSystemId=fs, AccessPointId=aps[0])  # BadRequest: both

    # Tags, both APIs.
    call("efs", "tag_resource", ResourceId=aps[0], Tags=[{"Key": "k", "Value": "v"}, {"Key": "k2", "Value": ""}])
    call("efs", "tag_resource", ResourceId=fs, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    call("efs", "tag_resource", ResourceId=fs, Tags=[{"Key": "aws:x", "Value": "v"}])
    tagged = call("efs", "list_tags_for_resource", ResourceId=aps[0], MaxResults=1)
    call("efs", "list_tags_for_resource", ResourceId=aps[0], MaxResults=1, NextToken=tagged["NextToken"])
    call("efs", "list_tags_for_resource", ResourceId="fs-0123456789abcdef0")
    call("efs", "untag_resource", ResourceId=aps[0], TagKeys=["k"])
    call("efs", "create_tags", FileSystemId=fs, Tags=[{"Key": "a", "Value": "b"}])
    described = call("efs", "describe_tags", FileSystemId=fs, MaxItems=1)
    call("efs", "describe_tags", FileSystemId=fs, MaxItems=1, Marker=described.get("NextMarker", "bad"))
    call("efs", "delete_tags", FileSystemId=fs, TagKeys=["a"])
    call("efs", "delete_tags", FileSystemId="fs-0123456789abcdef0", TagKeys=["a"])

    # Mount targets on the open network, then a declared one.
    net = OpenNetwork()
    mt = call("efs", "create_mount_target", FileSystemId=fs, SubnetId=net.candidates[0])["MountTargetId"]
    call("efs", "create_mount_target", FileSystemId=fs, SubnetId=net.candidates[0])  # MountTargetConflict
    call("efs", "create_mount_target", FileSystemId=fs, SubnetId=net.candidates[1], IpAddress="172.31.16.9",
         SecurityGroups=[net.other_group])
    call("efs", "create_mount_target", FileSystemId=fs, SubnetId=net.candidates[2],
         SecurityGroups=[f"sg-{i:017x}" for i in range(6)])  # SecurityGroupLimitExceeded
    call("efs", "create_mount_target", FileSystemId="fs-0123456789abcdef0", SubnetId=net.candidates[2])
    targets = call("efs", "describe_mount_targets", FileSystemId=fs, MaxItems=1)
    call("efs", "describe_mount_targets", FileSystemId=fs, Marker=targets.get("NextMarker", "bad"))
    call("efs", "describe_mount_targets", MountTargetId=mt)
    call("efs", "describe_mount_targets", AccessPointId=aps[0])
    call("efs", "describe_mount_targets", MountTargetId="fsmt-0123456789abcdef0")  # MountTargetNotFound
    call("efs", "describe_mount_target_security_groups", MountTargetId=mt)
    call("efs", "modify_mount_target_security_groups", MountTargetId=mt, SecurityGroups=[net.other_group])
    sim.set_lifecycle_state("creating", resource_id=mt)
    call("efs", "modify_mount_target_security_groups", MountTargetId=mt, SecurityGroups=[net.default_group])
    sim.set_lifecycle_state("available", resource_id=mt)
    sim.set_network(vpcs=[{"VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"}],
                    subnets=[{"SubnetId": "subnet-11111111", "VpcId": "vpc-11111111", "AvailabilityZone": "us-east-1a",
                              "CidrBlock": "10.0.0.0/24"}],
                    security_groups=[{"GroupId": "sg-11111111", "VpcId": "vpc-11111111", "GroupName": "default"}])
    call("efs", "create_mount_target", FileSystemId=other, SubnetId="subnet-22222222")  # SubnetNotFound
    call("efs", "create_mount_target", FileSystemId=other, SubnetId="subnet-11111111",
         SecurityGroups=["sg-22222222"])  # SecurityGroupNotFound
    call("efs", "create_mount_target", FileSystemId=other, SubnetId="subnet-11111111", IpAddress="10.0.0.9")
    call("efs", "create_mount_target", FileSystemId=fs, SubnetId="subnet-11111111")  # another VPC
    sim.set_network(mode="open")

    # Configuration.
    call("efs", "put_lifecycle_configuration", FileSystemId=fs,
         LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}])
    call("efs", "describe_lifecycle_configuration", FileSystemId=fs)
    call("efs", "put_lifecycle_configuration", FileSystemId=fs, LifecyclePolicies=[{"TransitionToIA": "AFTER_30_DAYS"}] * 2)
    call("efs", "put_backup_policy", FileSystemId=fs, BackupPolicy={"Status": "ENABLED"})
    call("efs", "describe_backup_policy", FileSystemId=fs)
    call("efs", "describe_backup_policy", FileSystemId=other)
    call("efs", "describe_file_system_policy", FileSystemId=fs)  # PolicyNotFound
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                                 "Action": "elasticfilesystem:ClientMount"}]})
    call("efs", "put_file_system_policy", FileSystemId=fs, Policy=policy)
    call("efs", "put_file_system_policy", FileSystemId=fs, Policy="{not json")  # InvalidPolicyException
    call("efs", "describe_file_system_policy", FileSystemId=fs)
    call("efs", "delete_file_system_policy", FileSystemId=fs)
    call("efs", "update_file_system", FileSystemId=fs, ThroughputMode="elastic")
    call("efs", "update_file_system", FileSystemId=other, ProvisionedThroughputInMibps=128.25)
    call("efs", "update_file_system", FileSystemId=fs)  # nothing to change
    call("efs", "update_file_system_protection", FileSystemId=fs, ReplicationOverwriteProtection="DISABLED")
    call("efs", "put_account_preferences", ResourceIdType="LONG_ID")
    call("efs", "describe_account_preferences")
    call("efs", "describe_account_preferences", MaxResults=1)
    call("efs", "describe_account_preferences", NextToken="x" * 129)  # ValidationException

    # Replication.
    call("efs", "create_replication_configuration", SourceFileSystemId=fs, Destinations=[{"Region": "eu-west-1"}])
    call("efs", "create_replication_configuration", SourceFileSystemId=fs, Destinations=[{"Region": "eu-west-1"}])
    call("efs", "describe_replication_configurations", FileSystemId=fs)
    call("efs", "describe_replication_configurations")
    call("efs", "delete_file_system", FileSystemId=fs)  # FileSystemInUse
    call("efs", "delete_replication_configuration", SourceFileSystemId=fs)
    call("efs", "describe_replication_configurations", FileSystemId=fs)  # ReplicationNotFound
    call("efs", "delete_replication_configuration", SourceFileSystemId=fs)

    # Teardown, with its refusals.
    call("efs", "delete_file_system", FileSystemId=fs)  # FileSystemInUse: mount targets
    for described in call("efs", "describe_mount_targets", FileSystemId=fs).get("MountTargets", []):
        call("efs", "delete_mount_target", MountTargetId=described["MountTargetId"])
    call("efs", "delete_mount_target", MountTargetId=mt)
    for ap in aps:
        call("efs", "delete_access_point", AccessPointId=ap)
    call("efs", "delete_access_point", AccessPointId=aps[0])
    call("efs", "describe_file_systems", FileSystemId=fs)
    call("efs", "delete_file_system", FileSystemId=fs)
    call("efs", "delete_file_system", FileSystemId=fs)


def fsx_run(call: Caller, sim: apsim.Simulator) -> None:
    """Every FSx operation the library serves, answered and refused."""
    net = OpenNetwork()
    subnets = net.candidates[:2]
    zfs = call("fsx", "create_file_system", ClientRequestToken="zfs", FileSystemType="OPENZFS", StorageCapacity=64,
               SubnetIds=subnets[:1], SecurityGroupIds=[net.other_group], Tags=[{"Key": "Name", "Value": "zfs"}],
               OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160})["FileSystem"]
    call("fsx", "create_file_system", ClientRequestToken="zfs", FileSystemType="OPENZFS", StorageCapacity=128,
         SubnetIds=subnets[:1], OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_HA_2", "ThroughputCapacity": 160})
    call("fsx", "create_file_system", FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=subnets[:1],
         OpenZFSConfiguration={"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 160})  # two subnets needed
    call("fsx", "create_file_system", FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=subnets[:1],
         OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 100})  # BadRequest
    ontap = call("fsx", "create_file_system", ClientRequestToken="ontap", FileSystemType="ONTAP", StorageCapacity=1024,
                 SubnetIds=subnets, OntapConfiguration={"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 128,
                                                        "PreferredSubnetId": subnets[0]})["FileSystem"]
    zfs_id, ontap_id, root = zfs["FileSystemId"], ontap["FileSystemId"], zfs["OpenZFSConfiguration"]["RootVolumeId"]
    page = call("fsx", "describe_file_systems", MaxResults=1)
    call("fsx", "describe_file_systems", MaxResults=1, NextToken=page["NextToken"])
    call("fsx", "describe_file_systems", FileSystemIds=[zfs_id, ontap_id])
    call("fsx", "describe_file_systems", FileSystemIds=["fs-0123456789abcdef0"])  # FileSystemNotFound
    call("fsx", "describe_file_systems", NextToken="bad")
    sim.set_network(vpcs=[{"VpcId": "vpc-11111111", "CidrBlock": "10.0.0.0/16"}], subnets=[], security_groups=[])
    call("fsx", "create_file_system", FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=["subnet-22222222"],
         OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64})  # InvalidNetworkSettings
    sim.set_network(mode="open")

    # Volumes, storage virtual machines, snapshots.
    volume = call("fsx", "create_volume", ClientRequestToken="data", VolumeType="OPENZFS", Name="data",
                  Tags=[{"Key": "Name", "Value": "data"}],
                  OpenZFSConfiguration={"ParentVolumeId": root, "ReadOnly": False,
                                        "RecordSizeKiB": 128})["Volume"]["VolumeId"]
    call("fsx", "create_volume", VolumeType="OPENZFS", Name="orphan",
         OpenZFSConfiguration={"ParentVolumeId": "fsvol-0123456789abcdef0"})  # VolumeNotFound
    svm = call("fsx", "create_storage_virtual_machine", FileSystemId=ontap_id, Name="svm1",
               ClientRequestToken="svm1")["StorageVirtualMachine"]["StorageVirtualMachineId"]
    call("fsx", "create_storage_virtual_machine", FileSystemId="fs-0123456789abcdef0", Name="svm2")
    call("fsx", "create_storage_virtual_machine", FileSystemId=zfs_id, Name="svm3")  # not ONTAP
    call("fsx", "describe_storage_virtual_machines", MaxResults=1)
    call("fsx", "describe_storage_virtual_machines", StorageVirtualMachineIds=["svm-0123456789abcdef0"])
    call("fsx", "update_storage_virtual_machine", StorageVirtualMachineId=svm, SvmAdminPassword="secret123")
    ontap_volume = call("fsx", "create_volume", VolumeType="ONTAP", Name="vol1", ClientRequestToken="vol1",
                        OntapConfiguration={"StorageVirtualMachineId": svm, "JunctionPath": "/vol1",
                                            "SizeInMegabytes": 1024})["Volume"]["VolumeId"]
    call("fsx", "create_volume", VolumeType="ONTAP", Name="vol2",
         OntapConfiguration={"StorageVirtualMachineId": "svm-0123456789abcdef0"})  # StorageVirtualMachineNotFound
    call("fsx", "describe_volumes")
    call("fsx", "describe_volumes", VolumeIds=[volume, ontap_volume])
    call("fsx", "describe_volumes", Filters=[{"Name": "file-system-id", "Values": [zfs_id]}], MaxResults=1)
    call("fsx", "describe_volumes", VolumeIds=["fsvol-0123456789abcdef0"])
    snapshot = call("fsx", "create_snapshot", Name="snap", VolumeId=volume, ClientRequestToken="snap",
                    Tags=[{"Key": "k", "Value": "v"}])["Snapshot"]["SnapshotId"]
    call("fsx", "create_snapshot", Name="snap", VolumeId="fsvol-0123456789abcdef0")
    call("fsx", "describe_snapshots")
    call("fsx", "describe_snapshots", Filters=[{"Name": "volume-id", "Values": [volume]}])
    call("fsx", "describe_snapshots", SnapshotIds=["fsvolsnap-0123456789abcdef0"])  # SnapshotNotFound
    call("fsx", "update_snapshot", SnapshotId=snapshot, Name="renamed", ClientRequestToken="rename")
    call("fsx", "update_snapshot", SnapshotId="fsvolsnap-0123456789abcdef0", Name="renamed")

    # Attachments.
    identity = {"Type": "POSIX", "PosixUser": {"Uid": 1000, "Gid": 1000, "SecondaryGids": [5]}}
    attach = dict(Type="OPENZFS", OpenZFSConfiguration={"VolumeId": volume, "FileSystemIdentity": identity},
                  S3AccessPoint={"VpcConfiguration": {"VpcId": "vpc-0123abcd"}, "Policy": json.dumps({"Statement": []})})
    call("fsx", "create_and_attach_s3_access_point", Name="zfs-data", ClientRequestToken="zfs-data", **attach)
    call("fsx", "create_and_attach_s3_access_point", Name="zfs-data", ClientRequestToken="zfs-data2", **attach)
    call("fsx", "create_and_attach_s3_access_point", Name="zfs-other", ClientRequestToken="zfs-data",
         **attach)  # IncompatibleParameterError (+ Parameter)
    call("fsx", "create_and_attach_s3_access_point", Name="bad-s3alias", **attach)  # InvalidAccessPoint
    for i in range(4):
        call("fsx", "create_and_attach_s3_access_point", Name=f"many-{i}", **attach)  # TooManyAccessPoints at 4
    for name in ("ontap-vol", "ontap-vol2"):  # the second: ServiceLimitExceeded (+ Limit), 5 in the region
        call("fsx", "create_and_attach_s3_access_point", Name=name, Type="ONTAP", OntapConfiguration={
            "VolumeId": ontap_volume, "FileSystemIdentity": {"Type": "UNIX", "UnixUser": {"Name": "root"}}})
    call("fsx", "describe_s3_access_point_attachments")
    listed = call("fsx", "describe_s3_access_point_attachments", MaxResults=1,
                  Filters=[{"Name": "type", "Values": ["OPENZFS"]}])
    call("fsx", "describe_s3_access_point_attachments", MaxResults=1, NextToken=listed["NextToken"],
         Filters=[{"Name": "type", "Values": ["OPENZFS"]}])
    call("fsx", "describe_s3_access_point_attachments", Names=["zfs-data"])
    call("fsx", "describe_s3_access_point_attachments", Names=["nothing"])  # S3AccessPointAttachmentNotFound

    # Tags.
    zfs_arn = zfs["ResourceARN"]
    call("fsx", "tag_resource", ResourceARN=zfs_arn, Tags=[{"Key": "k", "Value": "v"}])
    tags = call("fsx", "list_tags_for_resource", ResourceARN=zfs_arn, MaxResults=1)
    call("fsx", "list_tags_for_resource", ResourceARN=zfs_arn, MaxResults=1, NextToken=tags["NextToken"])
    call("fsx", "untag_resource", ResourceARN=zfs_arn, TagKeys=["k"])
    call("fsx", "list_tags_for_resource", ResourceARN=f"arn:aws:fsx:{REGION}:{ACCOUNT}:file-system/fs-0123456789abcdef0")
    call("fsx", "list_tags_for_resource", ResourceARN=f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/zfs-data")
    call("fsx", "tag_resource", ResourceARN=f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-1",
         Tags=[{"Key": "k", "Value": "v"}])

    # Updates (administrative actions with timestamps), failure detail, deletes.
    call("fsx", "update_file_system", FileSystemId=zfs_id, ClientRequestToken="grow", StorageCapacity=128,
         OpenZFSConfiguration={"ThroughputCapacity": 320})
    call("fsx", "describe_file_systems", FileSystemIds=[zfs_id])
    call("fsx", "update_file_system", FileSystemId=zfs_id, StorageCapacity=64)  # only grows
    call("fsx", "update_volume", VolumeId=volume, Name="data2", ClientRequestToken="ro",
         OpenZFSConfiguration={"ReadOnly": True, "RecordSizeKiB": 64})
    call("fsx", "update_volume", VolumeId=ontap_volume, OntapConfiguration={"SizeInMegabytes": 2048})
    call("fsx", "describe_volumes", VolumeIds=[volume])
    sim.set_lifecycle_state("FAILED", resource_id=volume)
    call("fsx", "describe_volumes", VolumeIds=[volume])
    sim.set_lifecycle_state("AVAILABLE", resource_id=volume)
    call("fsx", "delete_volume", VolumeId=volume)  # BadRequest: an attachment, snapshots
    for name in ["zfs-data", "ontap-vol"] + [f"many-{i}" for i in range(4)]:
        call("fsx", "detach_and_delete_s3_access_point", Name=name)
    call("fsx", "detach_and_delete_s3_access_point", Name="zfs-data")
    call("fsx", "describe_s3_access_point_attachments")
    call("fsx", "detach_and_delete_s3_access_point", Name="nothing")
    call("fsx", "delete_snapshot", SnapshotId=snapshot)
    call("fsx", "delete_snapshot", SnapshotId=snapshot)
    call("fsx", "delete_volume", VolumeId=volume, OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]})
    call("fsx", "delete_volume", VolumeId=root)  # the root volume
    call("fsx", "delete_storage_virtual_machine", StorageVirtualMachineId=svm)  # a volume remains
    call("fsx", "delete_volume", VolumeId=ontap_volume, OntapConfiguration={"SkipFinalBackup": True})
    call("fsx", "delete_storage_virtual_machine", StorageVirtualMachineId=svm)
    call("fsx", "delete_file_system", FileSystemId=zfs_id,
         OpenZFSConfiguration={"Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"], "SkipFinalBackup": True})
    call("fsx", "delete_file_system", FileSystemId=ontap_id)
    call("fsx", "delete_file_system", FileSystemId="fs-0123456789abcdef0")


def faults(call: Caller, sim: apsim.Simulator) -> None:
    """Replies to calls a fault fails (botocore's full path, retries included): every status a fault
    takes, modeled codes and not."""
    fs = call("efs", "create_file_system", CreationToken="faults")["FileSystemId"]
    for service, operation, method, params in (
            ("efs", "DescribeFileSystems", "describe_file_systems", {"FileSystemId": fs}),
            ("fsx", "DescribeFileSystems", "describe_file_systems", {})):
        for code, extra in (("ThrottlingException", {"count": 1}), ("InternalServerError", {"count": 1}),
                            ("BadRequest", {"count": 1, "message": "custom"}),
                            ("ServiceUnavailable", {"count": 1, "status_code": 503}),
                            ("DependencyTimeout", {"count": 5}), ("TooManyRequests", {"count": 5})):
            sim.inject_fault(f"{service}:{operation}", code, **extra)
            call(service, method, **params)
            sim.clear_faults()


def many(call: Caller, sim: apsim.Simulator) -> None:
    """Long listings of resources of several forms (optional members present or not, timestamps):
    the lists whose items the fast path checks all at once."""
    for n in range(5):
        fs = call("efs", "create_file_system", CreationToken=f"many-{n}", Tags=[{"Key": "n", "Value": str(n)}] * (n % 2),
                  **({"ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 8.0 * n} if n % 2 else {}))
        for i in range(3):
            sim.advance_clock(2000)
            call("efs", "create_access_point", ClientToken=f"many-{n}-{i}", FileSystemId=fs["FileSystemId"],
                 Tags=[{"Key": f"k{j}", "Value": str(i)} for j in range(i)],
                 **({"PosixUser": {"Uid": i, "Gid": n}} if i else {}))
        call("efs", "create_mount_target", FileSystemId=fs["FileSystemId"], SubnetId=OpenNetwork.candidates[n % 2])
    call("efs", "describe_file_systems")
    call("efs", "describe_access_points")
    call("efs", "describe_access_points", MaxResults=7)
    zfs = call("fsx", "create_file_system", FileSystemType="OPENZFS", StorageCapacity=64,
               SubnetIds=OpenNetwork.candidates[:1],
               OpenZFSConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 64})["FileSystem"]
    parent = zfs["OpenZFSConfiguration"]["RootVolumeId"]
    for i in range(6):
        tags = {"Tags": [{"Key": "i", "Value": str(i)}]} if i % 2 else {}
        volume = call("fsx", "create_volume", VolumeType="OPENZFS", Name=f"v{i}", **tags,
                      OpenZFSConfiguration={"ParentVolumeId": parent, "ReadOnly": bool(i % 2)})["Volume"]["VolumeId"]
        if i % 2:
            call("fsx", "create_snapshot", Name=f"s{i}", VolumeId=volume)
            sim.advance_clock(1500)
    call("fsx", "update_volume", VolumeId=volume, OpenZFSConfiguration={"RecordSizeKiB": 64})
    call("fsx", "describe_volumes")
    call("fsx", "describe_snapshots")
    call("fsx", "describe_file_systems")


def run(call: Caller, sim: apsim.Simulator) -> None:
    """The whole run: every operation from the models, the EFS and FSx runs, long listings, the
    faults."""
    every_operation(call)
    efs_run(call, sim)
    fsx_run(call, sim)
    many(call, sim)
    faults(call, sim)


class Run(NamedTuple):
    """The run on one path: what the callers saw, and the replies apsim gave."""

    caller: Caller
    replies: List[Reply]


@pytest.fixture(scope="module")
def runs() -> Dict[bool, Run]:
    """The run on each path (by ``wire``), each in a fresh world opened the same way, with no AWS
    configuration from the machine and no socket."""
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                     "AWS_DEFAULT_REGION", "AWS_PROFILE", "APSIM_MOCK_WIRE"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", "/nonexistent")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        patch.setattr(socket.socket, "connect", refuse_socket)
        patch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda seconds: None))  # retries at once
        for wire in (False, True):
            with spying() as seen, apsim.mock_aws(wire=wire, **WORLD) as sim:
                caller = Caller()
                run(caller, sim)
            results[wire] = Run(caller, seen)
    return results


def refuse_socket(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("a socket was opened")


# ---- every reply, both ways ----------------------------------------------------------------


def test_every_reply_parses_the_same_both_ways(runs):
    """Each reply of the run, parsed by the fast path and by botocore's parser: the same, strictly;
    and the fast path took every one of them (none refused)."""
    replies = runs[False].replies
    assert len(replies) > 300
    for reply in replies:
        fast, wire = parsed_both_ways(reply)
        assert_same(fast, wire, f"{reply.model.name} {reply.status} {reply.body[:200]!r}")


def test_both_paths_give_callers_the_same(runs):
    """The run on the fast path and on the wire path, in identically seeded worlds: the same replies,
    the same responses and errors (their classes too), the same HTTP responses after-call handlers
    saw."""
    fast, wire = runs[False], runs[True]
    assert [r[1:] for r in fast.replies] == [r[1:] for r in wire.replies]
    assert len(fast.caller.outcomes) == len(wire.caller.outcomes) > 250
    for a, b in zip(fast.caller.outcomes, wire.caller.outcomes):
        assert_same(a, b, a.operation)
    assert_same(fast.caller.http, wire.caller.http, "HTTP responses")


# What the run must reach: each error kind the suites produce, modeled error members, pages.
ERROR_CODES = {
    "efs": {"ValidationException", "BadRequest", "FileSystemNotFound", "AccessPointNotFound", "MountTargetNotFound",
            "PolicyNotFound", "ReplicationNotFound", "FileSystemAlreadyExists", "AccessPointAlreadyExists",
            "ConflictException", "MountTargetConflict", "IncorrectFileSystemLifeCycleState",
            "IncorrectMountTargetState", "FileSystemInUse", "AccessPointLimitExceeded", "ThrottlingException",
            "SecurityGroupLimitExceeded", "SubnetNotFound", "SecurityGroupNotFound", "InvalidPolicyException",
            "InternalServerError", "DependencyTimeout", "TooManyRequests", "ServiceUnavailable"},
    "fsx": {"BadRequest", "FileSystemNotFound", "VolumeNotFound", "SnapshotNotFound", "StorageVirtualMachineNotFound",
            "S3AccessPointAttachmentNotFound", "IncompatibleParameterError", "InvalidNetworkSettings",
            "UnsupportedOperation", "AccessPointAlreadyOwnedByYou", "InvalidAccessPoint", "TooManyAccessPoints",
            "ResourceNotFound", "ResourceDoesNotSupportTagging", "NotServiceResourceError", "MissingVolumeConfiguration",
            "NotImplemented", "ThrottlingException", "InternalServerError", "DependencyTimeout",
            "TooManyRequests", "ServiceUnavailable"},
}
MODELED_MEMBERS = {"efs": {"ErrorCode", "Message", "FileSystemId", "AccessPointId"},
                   "fsx": {"Message", "Parameter", "ResourceARN", "InvalidSubnetId", "ErrorCode"}}


def library_operations() -> Dict[str, List[str]]:
    """The EFS and FSx operations the library serves that the installed botocore has."""
    with apsim.Simulator() as sim:
        listed = sim.call("apsim:ListOperations")["Operations"]
    served = {service: [name.split(":")[1] for name in listed if name.startswith(service + ":")] for service in SERVICES}
    return {service: [name for name in names if name in MODELS[service].operation_names]
            for service, names in served.items()}


def test_the_run_covers_every_operation_and_error_kind(runs):
    """Every operation of both services is called (those the library serves both answered and
    refused); every error kind above is answered, with its modeled members; pages and timestamps
    are among the answers."""
    replies = runs[False].replies
    served = library_operations()
    assert "CreateMountSession" not in MODELS["efs"].operation_names  # the one the installed botocore lacks
    assert len(served["efs"]) == 31 and len(served["fsx"]) >= 22
    for service, model in MODELS.items():
        mine = [r for r in replies if r.model.service_model.service_name == service]
        assert {r.model.name for r in mine} == set(model.operation_names), service
        for name in served[service]:
            statuses = [r.status for r in mine if r.model.name == name]
            assert min(statuses) < 300 <= max(statuses), (name, statuses)  # answered and refused
        parsed = [parsed_both_ways(r)[0] for r in mine]
        codes = {p["Error"]["Code"] for p in parsed if "Error" in p}
        assert ERROR_CODES[service] <= codes, ERROR_CODES[service] - codes
        members = {k for p in parsed if "Error" in p for k in p if k not in ("Error", "ResponseMetadata")}
        assert MODELED_MEMBERS[service] <= members, MODELED_MEMBERS[service] - members
        assert any("NextToken" in p or "NextMarker" in p for p in parsed), service
        assert any(isinstance(v, datetime.datetime) for p in parsed for v in leaves(p)), service
    assert any(r.stage == "before-send" for r in replies)  # the faults' replies


def leaves(value: Any) -> Iterator[Any]:
    """The scalars inside a parsed response."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


# ---- mutated replies -------------------------------------------------------------------------


def nodes(document: Any) -> List[Any]:
    """The dicts and lists inside a decoded body, the body first."""
    found, pending = [], [document]
    while pending:
        node = pending.pop()
        if isinstance(node, (dict, list)):
            found.append(node)
            pending.extend(node.values() if isinstance(node, dict) else node)
    return found


def other_value(value: Any, rng: random.Random) -> Any:
    """A value of another JSON type, or the same type in another form, for ``value``."""
    if isinstance(value, bool):
        return rng.choice([int(value), str(value).lower(), "yes", None, 1.0])
    if isinstance(value, int):
        return rng.choice([float(value), value + 0.5, bool(value % 2), str(value), 2 ** 70, -value, None,
                           "2023-11-14T22:13:20Z", "Tue, 14 Nov 2023 22:13:20 GMT", "nonsense"])
    if isinstance(value, float):
        return rng.choice([int(value), str(value), 1e300])
    if isinstance(value, str):
        return rng.choice([1, True, 1.5, [value], {"a": value}, "", "1700000000", "2023-11-14T22:13:20+01:00", None])
    if isinstance(value, list):
        return rng.choice([{"a": value}, "text", [None] + value, []])
    if isinstance(value, dict):
        return rng.choice([[value], "text", None, {}])
    return rng.choice([0, "x"])


def mutate_document(document: Any, rng: random.Random) -> Any:
    """The decoded body with one change: a key unknown to the model, a null, keys reordered or
    dropped, a value of another type; an error's type, code or message in another form."""
    document = copy.deepcopy(document)
    dicts = [n for n in nodes(document) if isinstance(n, dict)]
    node = rng.choice(dicts) if dicts else {}
    change = rng.randrange(9)
    if change == 0:
        node["Unknown"] = rng.choice([1, "x", None, {}, []])
    elif change == 1 and node:
        node[rng.choice(list(node))] = None
    elif change == 2:
        items = list(node.items())
        node.clear()
        node.update(reversed(items))
    elif change == 3 and node:
        del node[rng.choice(list(node))]
    elif change in (4, 5):
        containers = nodes(document)
        container = rng.choice(containers)
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        if keys:
            key = rng.choice(keys)
            container[key] = other_value(container[key], rng)
    elif change == 6 and isinstance(document, dict):
        code = document.get("__type") or document.get("ErrorCode") or "Code"
        document["__type"] = rng.choice([f"aws.protocols#{code}", f"{code}:http://internal.amazon.com/", 5, None,
                                         f"a#b#{code}:x:y"])
    elif change == 7 and isinstance(document, dict):
        document[rng.choice(["code", "Code", "message"])] = rng.choice(["Other", "Other:suffix", 7, None, "text"])
    elif change == 8 and isinstance(document, dict):
        document.pop(rng.choice(["Message", "__type", "ErrorCode"]), None)
    return document


def mutate_headers(headers: Dict[str, str], rng: random.Random) -> Dict[str, str]:
    """The headers with one change: request ID gone or in the x-amz-request-id form, a name in
    another case twice, an error type in another form or gone, a query-compatible error."""
    headers = dict(headers)
    error_type = headers.get("x-amzn-ErrorType", "Code")
    change = rng.randrange(6)
    if change == 0:
        headers.pop("x-amzn-RequestId", None)
    elif change == 1:
        headers["x-amz-request-id"] = headers.pop("x-amzn-RequestId", "r")
        if rng.random() < 0.5:
            headers["x-amz-id-2"] = "host-id"
    elif change == 2:
        headers["X-AMZN-REQUESTID"] = "other"
    elif change == 3:
        headers["x-amzn-ErrorType"] = rng.choice([f"{error_type}:http://internal.amazon.com/coral/", f"ns#{error_type}",
                                                  "Other"])
    elif change == 4:
        headers.pop("x-amzn-ErrorType", None)
    else:
        headers["x-amzn-query-error"] = rng.choice(["Query.Code;Sender", "bad"])
    return headers


def mutated(reply: Reply, rng: random.Random) -> Reply:
    """``reply`` with a change to its body, its headers, its status or all of them."""
    status, headers, body = reply.status, reply.headers, reply.body
    what = rng.randrange(8)
    if what < 4 and body:
        body = json.dumps(mutate_document(json.loads(body), rng), separators=(",", ":")).encode()
    elif what < 6:
        headers = mutate_headers(headers, rng)
    elif what == 6:
        body = rng.choice([b"", b"not json", b"null", b"[]", b" {}", b"\xef\xbb\xbf{}", b'{"x": NaN}',
                           b'{"Message": "\\ud800"}', b"<html>busy</html>", b'{"n": 123456789012345678901}'])
    else:
        status = rng.choice([204, 299, 302, 400, 404, 500, 503])
    return reply._replace(status=status, headers=headers, body=body)


def answered(reply: Reply, wire: bool) -> Tuple[Any, ...]:
    """What before-call hands botocore for ``reply`` (the HTTP response's status, headers and body,
    and the parsed response), or the exception it raises."""
    try:
        http, parsed = apsim_mock._answered(reply.model, "https://x/", reply.status, dict(reply.headers), reply.body, wire)
    except Exception as e:  # compared: both paths must raise the same
        return ("raised", type(e).__name__, str(e))
    return ("answered", http.status_code, list(http.headers.items()), http.content, parsed)


def codecs() -> List[str]:
    """The JSON codecs of the binding that are installed (apsim._codec): the fast path reads with
    the one in use (json alone without the codec module)."""
    if _codec is None:
        return ["json"]
    return [name for name in _codec.CODECS if name != "orjson" or _codec.orjson is not None]


@pytest.fixture(params=codecs())
def codec(request) -> Iterator[str]:
    """Each installed JSON codec in turn (the one in use put back after)."""
    if _codec is None:
        yield request.param
        return
    previous = _codec.use(request.param)
    yield request.param
    _codec.use(previous)


def test_mutated_replies_parse_the_same_or_go_to_botocore(runs, codec):
    """Replies changed in the ways botocore treats specially, read with each JSON codec: the fast
    path gives what botocore's parser gives (an exception included), or steps aside so that
    botocore's parser does."""
    rng = random.Random(19)
    parser_of = apsim_mock._parser
    taken = 0
    replies = [reply for reply in runs[False].replies for _ in range(4)]
    for reply in replies:
        changed = mutated(reply, rng)
        fast, wire = answered(changed, wire=False), answered(changed, wire=True)
        assert_same(fast, wire, f"{changed.model.name} {changed.status} {changed.headers} {changed.body[:300]!r}")
        try:
            _fastparse.parse(changed.model, parser_of(changed.model.metadata["protocol"]), changed.status,
                             dict(changed.headers), changed.body)
        except _fastparse.Unsupported:
            continue
        except Exception:  # a value botocore's handler refuses: the fast path must have stepped aside
            raise AssertionError(f"the fast path raised on {changed}")
        taken += 1
    assert taken > len(replies) // 2  # most changes stay on the fast path


# Every JSON type, and forms botocore's handlers convert (numbers as text, timestamps as text).
SUBSTITUTES: Tuple[Any, ...] = (0, 7, True, False, 1.0, 1.5, -0.0, "1", "true", "False", "2023-11-14T22:13:20Z",
                                "1700000000.5", "", None, [], [1], {}, {"a": 1})


def leaf_paths(document: Any, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    """The paths (keys and indexes) of the scalars and empty containers inside a decoded body."""
    items = document.items() if isinstance(document, dict) else enumerate(document) if isinstance(document, list) else ()
    empty = True
    for key, value in items:
        empty = False
        yield from leaf_paths(value, path + (key,))
    if empty:
        yield path


def substituted(reply: Reply, paths: Iterator[Tuple[Any, ...]]) -> Iterator[Reply]:
    """``reply`` with the value at each of ``paths`` replaced by each of SUBSTITUTES in turn."""
    document = json.loads(reply.body)
    for path in paths:
        for substitute in SUBSTITUTES:
            changed = copy.deepcopy(document)
            target = changed
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = substitute
            yield reply._replace(body=json.dumps(changed, separators=(",", ":")).encode())


def richest(replies: List[Reply]) -> Iterator[Reply]:
    """The longest answer of the operations with the most members (file systems, an FSx update with
    its administrative action, an access point)."""
    wanted = {("efs", "CreateFileSystem"), ("fsx", "CreateFileSystem"), ("fsx", "UpdateFileSystem"),
              ("efs", "CreateAccessPoint")}
    chosen: Dict[Tuple[str, str], Reply] = {}
    for reply in replies:
        key = (reply.model.service_model.service_name, reply.model.name)
        if key in wanted and reply.status < 300 and len(reply.body) > len(chosen.get(key, reply._replace(body=b"")).body):
            chosen[key] = reply
    assert set(chosen) == wanted
    for reply in chosen.values():
        yield from substituted(reply, leaf_paths(json.loads(reply.body)))


def listings(replies: List[Reply]) -> Iterator[Reply]:
    """Every answer listing several structures, its second item's members in turn changed (so that
    the items are no longer all alike: they are checked all at once first)."""
    for reply in replies:
        if reply.status >= 300 or not reply.body:
            continue
        for key, value in json.loads(reply.body).items():
            if isinstance(value, list) and len(value) >= 2 and isinstance(value[1], dict):
                yield from substituted(reply, (path for path in leaf_paths(json.loads(reply.body)) if path[:2] == (key, 1)))


def test_every_member_with_every_json_type(runs):
    """Each member of the richest answers, and of the second item of every listing, in turn
    replaced by each JSON type and form: the same both ways."""
    compared = 0
    for variant in itertools.chain(richest(runs[False].replies), listings(runs[False].replies)):
        assert_same(answered(variant, wire=False), answered(variant, wire=True),
                    f"{variant.model.name} {variant.body[:300]!r}")
        compared += 1
    assert compared > 5000


def test_plans_made_by_threads_at_once(runs):
    """Fresh service models (no plans yet), their plans made by eight threads at once, each parsing
    every reply: the same as botocore's parser."""
    session = botocore.session.get_session()
    fresh = {service: session.get_service_model(service) for service in SERVICES}
    replies = [reply._replace(model=fresh[reply.model.service_model.service_name].operation_model(reply.model.name))
               for reply in runs[False].replies]
    expected = [parsed_both_ways(reply)[1] for reply in replies]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda reply: parsed_both_ways(reply)[0], replies * 4))
    for i, parsed in enumerate(results):
        assert_same(parsed, expected[i % len(replies)], replies[i % len(replies)].model.name)


# ---- which path runs -------------------------------------------------------------------------


def current() -> apsim.Simulator:
    """The world of the current block."""
    sim = apsim_mock._current()
    assert sim is not None
    return sim


def wire_now() -> bool:
    """Whether the current block parses on the wire path."""
    return apsim_mock._options_of(current()).wire


@pytest.fixture
def counted(monkeypatch) -> Dict[str, int]:
    """Counts the calls of botocore's two parsers and of the fast path."""
    calls = {"botocore": 0, "fast": 0}

    def counting(original: Callable[..., Any], name: str) -> Callable[..., Any]:
        def count(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)
        return count
    for parser in (botocore.parsers.RestJSONParser, botocore.parsers.JSONParser):
        monkeypatch.setattr(parser, "parse", counting(parser.parse, "botocore"))
    monkeypatch.setattr(_fastparse, "parse", counting(_fastparse.parse, "fast"))
    return calls


def three_calls() -> List[Any]:
    """An EFS answer, an EFS error (parsed twice by botocore: the error, then its modeled members)
    and an FSx answer; the HTTP responses botocore was handed."""
    efs, fsx = boto3.client("efs", region_name=REGION), boto3.client("fsx", region_name=REGION)
    http: List[Any] = []
    for client in (efs, fsx):
        client.meta.events.register("after-call", lambda http_response, **kwargs: http.append(http_response))
    efs.describe_file_systems()
    with pytest.raises(efs.exceptions.FileSystemNotFound):
        efs.describe_file_systems(FileSystemId="fs-0123456789abcdef0")
    fsx.describe_file_systems()
    return http


def test_wire_runs_botocores_parser_and_the_default_does_not(counted, no_network, clean_env, monkeypatch):
    monkeypatch.delenv("APSIM_MOCK_WIRE", raising=False)
    with apsim.mock_aws(wire=True):
        http = three_calls()
    assert counted == {"botocore": 4, "fast": 0}
    assert [type(h) for h in http] == [botocore.awsrequest.AWSResponse] * 3
    with apsim.mock_aws():
        http = three_calls()
    assert counted == {"botocore": 4, "fast": 3}
    assert [type(h) for h in http] == [_fastparse.Answered] * 3
    answered = http[0]
    assert isinstance(answered, botocore.awsrequest.AWSResponse) and answered.status_code == 200
    assert answered.headers["X-AMZN-REQUESTID"] == answered.headers["x-amzn-requestid"]  # a HeadersDict
    assert json.loads(answered.text) == json.loads(answered.content) == {"FileSystems": []}
    answered.headers = {"a": "b"}
    assert answered.headers == {"a": "b"}


def test_faults_retry_the_same_on_both_paths(counted, no_network, clean_env, monkeypatch):
    """While a fault is armed every call takes botocore's full path (before-send), on both paths:
    retried alike, answered alike; once disarmed, the fast path again."""
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    results = {}
    for wire in (False, True):
        with spying() as seen, apsim.mock_aws(wire=wire, seed=1, start_time=START) as sim:
            call = Caller()
            sim.inject_fault("efs:CreateFileSystem", "ThrottlingException", count=2)
            call("efs", "create_file_system", CreationToken="a")
            sim.inject_fault("fsx:DescribeFileSystems", "InternalServerError", count=10)
            call("fsx", "describe_file_systems")
            sim.clear_faults()
            call("efs", "describe_file_systems")
        results[wire] = (call.outcomes, call.http, [(r.stage, r.status) for r in seen])
    outcomes, _, stages = results[False]
    assert [(o.kind, o.response["ResponseMetadata"]["RetryAttempts"]) for o in outcomes] == [
        ("ok", 2), ("InternalServerError", 4), ("ok", 0)]
    assert stages == ([("before-send", 429)] * 2 + [("before-send", 201)] + [("before-send", 500)] * 5
                      + [("before-call", 200)])
    assert_same(results[False], results[True], "fast vs wire")
    assert counted["fast"] == 1  # the last call only


def test_how_wire_is_chosen(no_network, clean_env, monkeypatch):
    """``wire`` per block (the last entered of a world applies, and the outer one's again after it),
    through every form of mock_aws; APSIM_MOCK_WIRE=1 for the blocks that do not say, read as each
    block begins."""
    monkeypatch.delenv("APSIM_MOCK_WIRE", raising=False)
    with apsim.mock_aws(seed=1) as sim:
        assert not wire_now()
        with apsim.mock_aws(simulator=sim, wire=True):
            assert wire_now() and current() is sim
        assert not wire_now()
        with apsim.mock_aws(wire=True):
            assert wire_now()
        assert not wire_now()
    m = apsim.mock_aws(wire=True)
    m.start()
    assert wire_now()
    m.stop()

    @apsim.mock_aws(wire=True, seed=1)
    def decorated() -> Tuple[bool, Dict[str, Any]]:
        return wire_now(), current().config

    assert decorated() == (True, {"seed": 1})

    @apsim.mock_aws(wire=True)
    class Decorated:
        def test_it(self) -> bool:
            return wire_now()

    assert Decorated().test_it() is True
    made_before = apsim.mock_aws()
    monkeypatch.setenv("APSIM_MOCK_WIRE", "1")  # read as each block begins
    with made_before:
        assert wire_now()
    with apsim.mock_aws():
        assert wire_now()
    with apsim.mock_aws(wire=False):
        assert not wire_now()
    monkeypatch.setenv("APSIM_MOCK_WIRE", "0")
    with apsim.mock_aws():
        assert not wire_now()


@pytest.mark.apsim(wire=True, seed=1)
def test_the_fixture_takes_wire(apsim_aws):
    assert wire_now() and apsim_aws.config == {"seed": 1}


def test_the_dropin_suite_on_the_wire_path(monkeypatch):
    """The moto drop-in suite with every block on the wire path (APSIM_MOCK_WIRE=1); test_dropin.py
    runs it on the default, fast, path."""
    from test_dropin import EXPECTED, outcome, run_pytest

    monkeypatch.setenv("APSIM_MOCK_WIRE", "1")
    out, summary = outcome(run_pytest("-rA"))
    assert re.fullmatch(rf"{EXPECTED} passed in [0-9.]+s( \(.*\))?", summary), out
