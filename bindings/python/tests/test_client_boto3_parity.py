"""sim.client(...) does what boto3's clients do around a call (issue 23, item 15): idempotency tokens
left out are filled with a uuid4, and get_paginator/can_paginate are botocore's, on the service's
paginators-1.json, giving the same pages as boto3's paginators."""
import json
import re
from pathlib import Path

import boto3
import botocore.exceptions
import botocore.model
import botocore.session
import pytest

import apsim
from apsim.client import IDEMPOTENCY_TOKENS, operation_names
from conftest import START, SUBNET, ZFS

MODELS = Path(__file__).resolve().parents[3] / "models"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def sent_requests(sim):
    """The requests the world's clients send from now on: (operation, params) pairs."""
    sent = []
    send = sim._send

    def recording(operation, params, *args):
        sent.append((operation.decode(), dict(params or {})))
        return send(operation, params, *args)
    sim._send = recording
    return sent


# ---- idempotency tokens -------------------------------------------------------------------------

def test_tokens_left_out_are_filled_with_a_uuid4(sim):
    sent = sent_requests(sim)
    efs, fsx = sim.client("efs"), sim.client("fsx")
    first, second = efs.create_file_system(), efs.create_file_system()
    assert UUID4.fullmatch(first["CreationToken"]) and UUID4.fullmatch(second["CreationToken"])
    assert first["CreationToken"] != second["CreationToken"] and first["FileSystemId"] != second["FileSystemId"]
    ap = efs.create_access_point(FileSystemId=first["FileSystemId"])
    assert UUID4.fullmatch(ap["ClientToken"])
    assert efs.create_access_point(FileSystemId=first["FileSystemId"], ClientToken="mine")["ClientToken"] == "mine"
    zfs = fsx.create_file_system(FileSystemType="OPENZFS", SubnetIds=[SUBNET], StorageCapacity=64, OpenZFSConfiguration=ZFS)
    fsx.delete_file_system(FileSystemId=zfs["FileSystem"]["FileSystemId"])
    efs.describe_file_systems()
    tokens = [(operation, {k: v for k, v in params.items() if k in ("CreationToken", "ClientToken", "ClientRequestToken")})
              for operation, params in sent]
    assert [operation for operation, _ in tokens] == [
        "efs:CreateFileSystem", "efs:CreateFileSystem", "efs:CreateAccessPoint", "efs:CreateAccessPoint",
        "fsx:CreateFileSystem", "fsx:DeleteFileSystem", "efs:DescribeFileSystems"]
    assert [list(given) for _, given in tokens] == [["CreationToken"], ["CreationToken"], ["ClientToken"], ["ClientToken"],
                                                   ["ClientRequestToken"], ["ClientRequestToken"], []]
    filled = [value for _, given in tokens for value in given.values() if value != "mine"]
    assert len(filled) == len(set(filled)) == 5 and all(UUID4.fullmatch(value) for value in filled)


def test_a_token_given_as_none_is_sent_as_none_as_botocore_does(efs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        efs.create_file_system(CreationToken=None)
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_tokens_are_filled_without_botocore_too(no_botocore):
    with apsim.Simulator(seed=1) as sim:
        fs = sim.client("efs").create_file_system()
        assert UUID4.fullmatch(fs["CreationToken"])


def test_the_token_table_is_the_models(monkeypatch):
    """IDEMPOTENCY_TOKENS holds exactly what the library's models (models/, botocore's) mark, for the
    operations the library serves, and agrees with the installed botocore where it knows them."""
    # apsim's own operations (controls, and the nfs: data plane's model) are no botocore service's.
    served = {name for name in operation_names() if not name.startswith(("apsim:", "nfs:"))}
    marked = {}
    for service in ("efs", "fsx"):
        model = json.loads((MODELS / service / "service-2.json").read_text())
        for operation, spec in model["operations"].items():
            shape = model["shapes"].get(spec.get("input", {}).get("shape", ""), {})
            members = tuple(name for name, member in shape.get("members", {}).items() if member.get("idempotencyToken"))
            if members and f"{service}:{operation}" in served:
                marked[f"{service}:{operation}"] = members
    assert IDEMPOTENCY_TOKENS == marked
    session = botocore.session.get_session()
    for name in served:
        service, operation = name.split(":")
        try:
            members = session.get_service_model(service).operation_model(operation).idempotent_members
        except botocore.model.OperationNotFoundError:
            continue  # newer than the installed botocore (efs:CreateMountSession with botocore 1.43)
        assert tuple(members) == IDEMPOTENCY_TOKENS.get(name, ()), name


# ---- paginators ---------------------------------------------------------------------------------

def populate(efs, fsx):
    """The same resources in any world (explicit tokens: the worlds stay identical)."""
    fs = efs.create_file_system(CreationToken="fs1")["FileSystemId"]
    for i in range(5):
        efs.create_access_point(ClientToken=f"t{i}", FileSystemId=fs, RootDirectory={"Path": f"/d{i}"})
    for i in range(2, 5):
        efs.create_file_system(CreationToken=f"fs{i}")
    root = fsx.create_file_system(ClientRequestToken="z", FileSystemType="OPENZFS", SubnetIds=[SUBNET], StorageCapacity=64,
                                  OpenZFSConfiguration=ZFS)["FileSystem"]["OpenZFSConfiguration"]["RootVolumeId"]
    for i in range(4):
        fsx.create_volume(ClientRequestToken=f"v{i}", VolumeType="OPENZFS", Name=f"v{i}",
                          OpenZFSConfiguration={"ParentVolumeId": root})
    return fs


def without_metadata(value):
    if isinstance(value, dict):
        return {k: without_metadata(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [without_metadata(v) for v in value]
    return value


CONFIGS = ({}, {"PageSize": 2}, {"PageSize": 2, "MaxItems": 3}, {"MaxItems": 1}, {"PageSize": 3, "MaxItems": 4})


def paging(clients, fs):
    """What paginators give, by (operation, PaginationConfig, what): the pages, the full result, and
    the full result of a run resumed from the NextToken where MaxItems stopped; of a token paginator
    (DescribeAccessPoints), a marker one (EFS DescribeFileSystems) and FSx's (DescribeVolumes)."""
    out = {}
    for service, operation, params in (("efs", "describe_access_points", {"FileSystemId": fs}),
                                       ("efs", "describe_file_systems", {}), ("fsx", "describe_volumes", {})):
        paginator = clients[service].get_paginator(operation)
        for config in CONFIGS:
            key = (operation, json.dumps(config))
            out[key + ("pages",)] = without_metadata(list(paginator.paginate(**params, PaginationConfig=config)))
            full = out[key + ("full",)] = without_metadata(paginator.paginate(**params, PaginationConfig=config).build_full_result())
            if "NextToken" in full:
                rest = paginator.paginate(**params, PaginationConfig=dict(config, StartingToken=full["NextToken"]))
                out[key + ("resumed",)] = without_metadata(rest.build_full_result())
        out[(operation, "search")] = list(paginator.paginate(**params).search("length(@)"))
    return out


def test_paginators_give_what_boto3_s_give(no_network, clean_env):
    with apsim.Simulator(seed=4, start_time=START) as sim:
        clients = {"efs": sim.client("efs"), "fsx": sim.client("fsx")}
        mine = paging(clients, populate(clients["efs"], clients["fsx"]))
    with apsim.mock_aws(seed=4, start_time=START):
        clients = {"efs": boto3.client("efs"), "fsx": boto3.client("fsx")}
        theirs = paging(clients, populate(clients["efs"], clients["fsx"]))
    assert mine == theirs
    # Not vacuous: pages of the sizes asked, MaxItems stopping early and resuming where it stopped.
    pages = mine[("describe_access_points", '{"PageSize": 2}', "pages")]
    assert [len(page["AccessPoints"]) for page in pages] == [2, 2, 1]
    assert [ap["ClientToken"] for page in pages for ap in page["AccessPoints"]] == ["t0", "t1", "t2", "t3", "t4"]
    stopped = mine[("describe_access_points", '{"PageSize": 2, "MaxItems": 3}', "full")]
    resumed = mine[("describe_access_points", '{"PageSize": 2, "MaxItems": 3}', "resumed")]
    assert [ap["ClientToken"] for ap in stopped["AccessPoints"]] == ["t0", "t1", "t2"] and "NextToken" in stopped
    assert [ap["ClientToken"] for ap in resumed["AccessPoints"]] == ["t3", "t4"]
    assert [len(page["FileSystems"]) for page in mine[("describe_file_systems", '{"PageSize": 3, "MaxItems": 4}', "pages")]] == [3, 1]
    assert [v["Name"] for v in mine[("describe_volumes", '{"MaxItems": 1}', "full")]["Volumes"]] == ["fsx"]
    assert [v["Name"] for v in mine[("describe_volumes", '{"MaxItems": 1}', "resumed")]["Volumes"]] == ["v0"]


def test_can_paginate_and_errors_are_botocore_s(efs, no_network, clean_env):
    with apsim.mock_aws():
        boto = boto3.client("efs")
    for name in ("describe_access_points", "describe_file_systems", "describe_mount_targets", "describe_tags",
                 "create_access_point", "describe_lifecycle_configuration"):
        assert efs.can_paginate(name) is boto.can_paginate(name), name
    assert efs.can_paginate("describe_access_points") and not efs.can_paginate("create_access_point")
    for client in (efs, boto):
        with pytest.raises(botocore.exceptions.OperationNotPageableError) as e:
            client.get_paginator("create_access_point")
        assert str(e.value) == "Operation cannot be paginated: create_access_point"
        with pytest.raises(KeyError):
            client.get_paginator("no_such_operation")
        with pytest.raises(ValueError, match=r"^invalid literal for int\(\) with base 10: 'x'$"):  # botocore's checks
            client.get_paginator("describe_mount_targets").paginate(PaginationConfig={"PageSize": "x"})


def test_without_botocore_get_paginator_says_so(no_botocore):
    with apsim.Simulator() as sim:
        efs = sim.client("efs")
        for call in (lambda: efs.get_paginator("describe_access_points"), lambda: efs.can_paginate("describe_access_points")):
            with pytest.raises(ImportError) as e:
                call()
            assert str(e.value) == (
                "efs client: get_paginator and can_paginate need botocore, whose paginators-1.json describes the "
                "paging of each operation; pip install 'apsim[botocore]' (or botocore), or page by hand with "
                "NextToken/Marker")
