"""The methods of Simulator that steer the world come from one table (apsim.simulator._CONTROLS): each
entry's method has the signature it had when written by hand, the one type checkers read in the
class's TYPE_CHECKING block, sends its operation with its members and picks its result; and every
apsim: operation the library serves has an entry or is left out here, with the reason."""
import __future__
import ast
import inspect
import typing

import pytest

import apsim
from apsim import simulator
from apsim.simulator import _CONTROLS, Simulator

START = 1_700_000_000

# The apsim: operations without an entry, and why.
LEFT_OUT = {
    "apsim:ListFaults": "faults_armed() reads it, written by hand: it caches whether a fault may be armed and "
                        "then answers without a call, which an entry (one call per method call) cannot say",
    "apsim:ListOperations": "it names the library's operations, not a world's state; apsim.client.operation_names() "
                            "asks it once, of a private world",
}

# The public signatures, as the hand-written methods had them.
SIGNATURES = {
    "advance_clock": "(self, milliseconds: 'int') -> 'Dict[str, Any]'",
    "set_lifecycle_state": "(self, state: 'str', *, resource_id: 'Optional[str]' = None, name: 'Optional[str]' = None, "
                           "account_id: 'Optional[str]' = None, region: 'Optional[str]' = None) -> 'Dict[str, Any]'",
    "inject_fault": "(self, operation: 'str', error_code: 'str', *, count: 'Optional[int]' = None, "
                    "probability: 'Optional[float]' = None, message: 'Optional[str]' = None, "
                    "status_code: 'Optional[int]' = None) -> 'str'",
    "clear_faults": "(self) -> 'int'",
    "reset": "(self) -> 'None'",
    "export_state": "(self) -> 'Dict[str, Any]'",
    "import_state": "(self, state: 'Dict[str, Any]') -> 'None'",
    "describe_state_file": "(self) -> 'Dict[str, Any]'",
    "describe_configuration": "(self) -> 'List[Dict[str, Any]]'",
    "put_principal": "(self, arn: 'str', *, policies: 'Optional[List[Any]]' = None, "
                     "access_key_ids: 'Optional[List[str]]' = None) -> 'Dict[str, Any]'",
    "delete_principal": "(self, arn: 'str') -> 'None'",
    "list_principals": "(self) -> 'List[Dict[str, Any]]'",
    "set_network": "(self, *, vpcs: 'Optional[List[Dict[str, Any]]]' = None, subnets: 'Optional[List[Dict[str, Any]]]' = None, "
                   "security_groups: 'Optional[List[Dict[str, Any]]]' = None, mode: 'Optional[str]' = None, "
                   "account_id: 'Optional[str]' = None, region: 'Optional[str]' = None) -> 'Dict[str, Any]'",
    "get_network": "(self, *, account_id: 'Optional[str]' = None, region: 'Optional[str]' = None) -> 'Dict[str, Any]'",
    "set_network_interface": "(self, resource_id: 'str', network_interface_id: 'str', *, account_id: 'Optional[str]' = None, "
                             "region: 'Optional[str]' = None) -> 'Dict[str, Any]'",
}

# Each method called with every argument, and the call it must make: (args, kwargs) -> (operation,
# request, the account and region keywords).
CALLS = {
    "advance_clock": (((5,), {}), ("apsim:AdvanceClock", {"Milliseconds": 5}, {})),
    "set_lifecycle_state": ((("creating",), {"resource_id": "fs-1", "name": "ap", "account_id": "111122223333",
                                             "region": "eu-west-1"}),
                            ("apsim:SetLifecycleState", {"State": "creating", "ResourceId": "fs-1", "Name": "ap"},
                             {"account_id": "111122223333", "region": "eu-west-1"})),
    "inject_fault": ((("efs:TagResource", "Boom"),
                      {"count": 2, "probability": 0.5, "message": "m", "status_code": 503}),
                     ("apsim:InjectFault", {"Operation": "efs:TagResource", "ErrorCode": "Boom", "Count": 2,
                                            "Probability": 0.5, "Message": "m", "StatusCode": 503}, {})),
    "clear_faults": (((), {}), ("apsim:ClearFaults", {}, {})),
    "reset": (((), {}), ("apsim:Reset", {}, {})),
    "export_state": (((), {}), ("apsim:ExportState", {}, {})),
    "import_state": ((({"Regions": []},), {}), ("apsim:ImportState", {"State": {"Regions": []}}, {})),
    "describe_state_file": (((), {}), ("apsim:DescribeStateFile", {}, {})),
    "describe_configuration": (((), {}), ("apsim:DescribeConfiguration", {}, {})),
    "put_principal": ((("arn:aws:iam::1:role/r",), {"policies": [{}], "access_key_ids": ["K"]}),
                      ("apsim:PutPrincipal", {"Arn": "arn:aws:iam::1:role/r", "Policies": [{}], "AccessKeyIds": ["K"]}, {})),
    "delete_principal": ((("arn:aws:iam::1:role/r",), {}), ("apsim:DeletePrincipal", {"Arn": "arn:aws:iam::1:role/r"}, {})),
    "list_principals": (((), {}), ("apsim:ListPrincipals", {}, {})),
    "set_network": (((), {"vpcs": [{"VpcId": "vpc-1"}], "subnets": [], "security_groups": [], "mode": "declared",
                          "region": "eu-west-1"}),
                    ("apsim:SetNetwork", {"Vpcs": [{"VpcId": "vpc-1"}], "Subnets": [], "SecurityGroups": [], "Mode": "declared"},
                     {"account_id": None, "region": "eu-west-1"})),
    "get_network": (((), {}), ("apsim:GetNetwork", {}, {"account_id": None, "region": None})),
    "set_network_interface": ((("fsmt-1", "eni-1"), {"account_id": "111122223333", "region": "eu-west-1"}),
                              ("apsim:SetNetworkInterface", {"ResourceId": "fsmt-1", "NetworkInterfaceId": "eni-1"},
                               {"account_id": "111122223333", "region": "eu-west-1"})),
}

by_method = pytest.mark.parametrize("control", _CONTROLS, ids=[c.method for c in _CONTROLS])


def test_every_control_operation_has_an_entry_or_a_reason(sim):
    served = {o for o in sim.call("apsim:ListOperations")["Operations"] if o.startswith("apsim:")}
    entries = [c.operation for c in _CONTROLS]
    assert len(set(entries)) == len(entries)
    assert not set(entries) & set(LEFT_OUT)
    assert set(entries) | set(LEFT_OUT) == served


def test_the_table_keeps_the_public_methods():
    assert {c.method for c in _CONTROLS} == set(SIGNATURES) == set(CALLS)


@by_method
def test_each_entry_makes_its_method(control):
    method = getattr(Simulator, control.method)
    signature = inspect.signature(method)
    assert str(signature) == SIGNATURES[control.method]
    P = inspect.Parameter
    parameters = list(signature.parameters.values())[1:]
    expected = ([(p.name, P.POSITIONAL_OR_KEYWORD, P.empty, p.annotation) for p in control.positional]
                + [(p.name, P.KEYWORD_ONLY, None, p.annotation) for p in control.keyword])
    assert [(p.name, p.kind, p.default, p.annotation) for p in parameters] == expected
    assert all(p.member is not None for p in control.positional)  # account_id and region are keyword-only
    assert (method.__name__, method.__qualname__, method.__module__) == (
        control.method, f"Simulator.{control.method}", "apsim.simulator")
    assert inspect.getdoc(method) == control.doc and len(control.doc) > 20
    hints = typing.get_type_hints(method)  # the annotations resolve, as for a hand-written method
    assert list(hints) == [p.name for p in parameters] + ["return"]


def test_type_checkers_see_the_generated_signatures():
    """The TYPE_CHECKING block of Simulator, compiled as a module, declares the generated methods."""
    source = inspect.getsource(simulator)
    (cls,) = [n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Simulator"]
    (block,) = [n for n in cls.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    code = compile(ast.Module(body=block.body, type_ignores=[]), simulator.__file__, "exec",
                   flags=__future__.annotations.compiler_flag, dont_inherit=True)
    declared = dict(vars(simulator))
    exec(code, declared)
    for control in _CONTROLS:
        assert str(inspect.signature(declared[control.method])) == SIGNATURES[control.method]
    assert {n.name for n in block.body} == set(SIGNATURES)


def recording(sim):
    """Replaces ``sim.call`` by one that records each call and answers what every result picker reads."""
    sent = []

    def call(operation, params=None, **where):
        sent.append((operation, params, where))
        return {"FaultId": "fault-9", "Cleared": 3, "Configuration": [], "Principals": [], "ResponseMetadata": {}}
    sim.call = call
    return sent


@by_method
def test_each_method_sends_its_operation_and_members(control):
    (args, kwargs), expected = CALLS[control.method]
    with apsim.Simulator() as sim:
        sent = recording(sim)
        getattr(sim, control.method)(*args, **kwargs)
        operation, params, where = sent.pop()
        assert (operation, params, where) == expected
        assert list(params) == list(expected[1])  # in the table's order, as the hand-written methods sent them
        getattr(sim, control.method)(*args)  # keyword arguments left out are not sent
        assert sent.pop() == (operation, {p.member: a for p, a in zip(control.positional, args)},
                              {name: None for name in where})


def test_calls_are_checked_against_the_signature(sim):
    with pytest.raises(TypeError, match=r"^advance_clock\(\) missing a required argument: 'milliseconds'$"):
        sim.advance_clock()
    with pytest.raises(TypeError, match=r"^inject_fault\(\) too many positional arguments$"):
        sim.inject_fault("*", "X", 1)
    with pytest.raises(TypeError, match=r"^reset\(\) got an unexpected keyword argument 'hard'$"):
        sim.reset(hard=True)


def test_each_method_picks_its_result():
    with apsim.Simulator(seed=1, start_time=START) as sim:
        eu = sim.client("efs", region_name="eu-west-1")
        fs = eu.create_file_system(CreationToken="t")["FileSystemId"]
        now = sim.advance_clock(1500)
        assert now["Now"] == START + 1.5 and "ResponseMetadata" in now
        assert "ResponseMetadata" in sim.set_lifecycle_state("deleting", resource_id=fs, region="eu-west-1")
        assert eu.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["LifeCycleState"] == "deleting"
        assert sim.inject_fault("efs:TagResource", "ThrottlingException", count=1) == "fault-1"
        state = sim.export_state()
        assert "ResponseMetadata" not in state and state["Regions"]
        assert sim.clear_faults() == 1
        assert sim.reset() is None
        assert eu.describe_file_systems()["FileSystems"] == []
        assert sim.import_state(state) is None
        assert [f["FileSystemId"] for f in eu.describe_file_systems()["FileSystems"]] == [fs]
        assert sim.faults_armed() is True  # the fault came back with the state


def test_the_simulators_config_keywords_are_keys_the_library_declares(sim):
    """Simulator's named config keywords are config keys some owner declares (the library's own
    declaration, apsim:DescribeConfiguration), so the binding never spells a key the library lacks."""
    declared = {k["Key"]: k for k in sim.describe_configuration()}
    named = [p for p in inspect.signature(Simulator.__init__).parameters if p not in ("self", "other_config")]
    assert named and set(named) <= set(declared)
    assert declared["access_points_per_file_system"]["Owner"] == "efs"
    assert declared["network"]["Owner"] == "network"
