"""Simulator (one apsim world), validate() and the version functions."""

from __future__ import annotations

import ctypes
import inspect
import operator
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, TypeVar, overload

from . import _codec, _native
from ._errors import ConfigError, StateFileInUseError, raise_error

if TYPE_CHECKING:
    from .mount import Mount

__all__ = ["Simulator", "validate", "version", "version_number"]


def version() -> str:
    """The loaded library's version string, e.g. ``"0.1.0"``."""
    lib = _native.library()
    return ctypes.string_at(lib.apsim_version()).decode("ascii")  # static: never freed


def version_number() -> int:
    """APSIM_VERSION_NUMBER of the loaded library (MAJOR*1000000 + MINOR*1000 + PATCH)."""
    return _native.library().apsim_version_number()


def encode(document: Any) -> bytes:
    """A request or config document (None is ``{}``) as JSON text in UTF-8, written by the standard
    library: byte for byte the text the binding sent before :mod:`apsim._codec`. Calls send
    :func:`_request`, which the orjson codec writes without the spaces (the same document)."""
    return _codec.json_dumps({} if document is None else document)


def _request(document: Any) -> bytes:
    """A request or config document (None is ``{}``) as the binding sends it, in the codec in use."""
    return _codec.dumps({} if document is None else document)


def _parse(text: Optional[bytes]) -> Any:
    """The document of a response text, in the codec in use (None for no text)."""
    return None if text is None else _codec.loads(text)


@overload
def c_string(value: str, what: str) -> bytes: ...
@overload
def c_string(value: None, what: str) -> None: ...
@overload
def c_string(value: Optional[str], what: str) -> Optional[bytes]: ...
def c_string(value: Optional[str], what: str) -> Optional[bytes]:
    """``value`` as a C string; a NUL inside would silently cut it (ctypes stops there)."""
    if value is None:
        return None
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character: {value!r}")
    return value.encode("utf-8")


def validate(operation: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Checks a request with the stateless rules only, without any world (apsim_validate).

    Returns ``{"Valid": True}`` or the error envelope AWS would answer with; never raises for
    an invalid request. An absent idempotency token (ClientToken, CreationToken, ...) is filled in
    first, as boto3 fills it, and named: ``{"Valid": True, "FilledIdempotencyTokens": ["ClientToken"]}``.
    """
    _, document = _native.call("apsim_validate", c_string(operation, "the operation name"), _request(params))
    return document


class _Param(NamedTuple):
    """A parameter of a control method: its name, its type as the method's annotations write it, and
    the request member it fills, or None for ``account_id`` and ``region``, which are not members but
    choose the account and region the call runs in (as in :meth:`Simulator.call`)."""

    name: str
    annotation: str
    member: Optional[str]


class _Control(NamedTuple):
    """One ``apsim:`` control operation as a Simulator method. ``positional`` parameters are required
    and always sent; ``keyword`` ones are keyword-only, default to None and are sent only when given,
    so that the library's defaults apply. ``result`` picks what the method returns from the response."""

    method: str
    operation: str
    returns: str
    result: Callable[[Dict[str, Any]], Any]
    doc: str
    positional: Tuple[_Param, ...] = ()
    keyword: Tuple[_Param, ...] = ()


def _document(document: Dict[str, Any]) -> Dict[str, Any]:
    """The response as is, for the operations whose answer is the point (AdvanceClock's Now)."""
    return document


def _nothing(document: Dict[str, Any]) -> None:
    """For the operations that answer nothing but ResponseMetadata: their methods return None."""
    return None


def _state(document: Dict[str, Any]) -> Dict[str, Any]:
    """An export without the call's ResponseMetadata: the document import_state takes back."""
    document.pop("ResponseMetadata", None)
    return document


_WHERE = (_Param("account_id", "Optional[str]", None), _Param("region", "Optional[str]", None))

# Every apsim: operation with a method of its own; tests/test_control_table.py names the ones left out
# and why (apsim:ListFaults is read by faults_armed, which caches).
_CONTROLS: Tuple[_Control, ...] = (
    _Control("advance_clock", "apsim:AdvanceClock", "Dict[str, Any]", _document,
             'Moves the virtual clock forward; returns {"Now": epoch seconds}.',
             positional=(_Param("milliseconds", "int", "Milliseconds"),)),
    _Control("set_lifecycle_state", "apsim:SetLifecycleState", "Dict[str, Any]", _document,
             "Forces the lifecycle state of a resource (an fs-/fsap-/fsvol-/svm- ID, or the name of\n"
             "an S3 access point attachment).",
             positional=(_Param("state", "str", "State"),),
             keyword=(_Param("resource_id", "Optional[str]", "ResourceId"), _Param("name", "Optional[str]", "Name"),
                      *_WHERE)),
    _Control("inject_fault", "apsim:InjectFault", "str", operator.itemgetter("FaultId"),
             "Makes the next ``count`` calls of ``operation`` (or a seeded fraction ``probability``\n"
             'of them; "*" for every operation) fail with ``error_code``. Returns the fault\'s ID.',
             positional=(_Param("operation", "str", "Operation"), _Param("error_code", "str", "ErrorCode")),
             keyword=(_Param("count", "Optional[int]", "Count"),
                      _Param("probability", "Optional[float]", "Probability"),
                      _Param("message", "Optional[str]", "Message"),
                      _Param("status_code", "Optional[int]", "StatusCode"))),
    _Control("clear_faults", "apsim:ClearFaults", "int", operator.itemgetter("Cleared"),
             "Disarms every injected fault; returns how many were armed."),
    _Control("reset", "apsim:Reset", "None", _nothing,
             "Empties the world: back to what its configuration opens (the network key, the clock at\n"
             "start_time, the seeded streams from their start); ``state`` and ``state_file`` are not loaded again."),
    _Control("export_state", "apsim:ExportState", "Dict[str, Any]", _state,
             "The whole world as one JSON-compatible document (see :meth:`import_state`)."),
    _Control("set_network", "apsim:SetNetwork", "Dict[str, Any]", _state,
             "Declares the VPCs, subnets and security groups of an account and region (replacing what\n"
             'was declared); ``mode="open"`` goes back to the open network. Returns what is in force.',
             keyword=(_Param("vpcs", "Optional[List[Dict[str, Any]]]", "Vpcs"),
                      _Param("subnets", "Optional[List[Dict[str, Any]]]", "Subnets"),
                      _Param("security_groups", "Optional[List[Dict[str, Any]]]", "SecurityGroups"),
                      _Param("mode", "Optional[str]", "Mode"), *_WHERE)),
    _Control("get_network", "apsim:GetNetwork", "Dict[str, Any]", _state,
             'The network in force: {"Mode": "open"}, or "declared" with the declaration.', keyword=_WHERE),
    _Control("set_network_interface", "apsim:SetNetworkInterface", "Dict[str, Any]", _state,
             "Makes a resource (a mount target) report ``network_interface_id`` as its network interface\n"
             '(as the moto bridge does with the interface it creates in EC2). Returns {"ResourceId",\n'
             '"NetworkInterfaceId"}.',
             positional=(_Param("resource_id", "str", "ResourceId"),
                         _Param("network_interface_id", "str", "NetworkInterfaceId")),
             keyword=_WHERE),
    _Control("describe_state_file", "apsim:DescribeStateFile", "Dict[str, Any]", _state,
             'The world\'s state file: {"StateFile", "Journal", "Lock", "Notices"} (Notices: what opening it\n'
             "had to tell, e.g. a journal that was not replayed); {\"Notices\": []} without one."),
    _Control("describe_configuration", "apsim:DescribeConfiguration", "List[Dict[str, Any]]",
             operator.itemgetter("Configuration"),
             'Every config key the world, its services and components declare: [{"Key", "Owner", "Type",\n'
             '"Default", "Summary", "Value"?}] (Value: what this world was given, when it was).'),
    _Control("put_principal", "apsim:PutPrincipal", "Dict[str, Any]", _state,
             "Declares (or replaces) an IAM user or role: its identity policies (documents as dicts or\n"
             'JSON text) and the access keys that sign as it. Returns {"Arn", "AccessKeyIds", "Policies"}.',
             positional=(_Param("arn", "str", "Arn"),),
             keyword=(_Param("policies", "Optional[List[Any]]", "Policies"),
                      _Param("access_key_ids", "Optional[List[str]]", "AccessKeyIds"))),
    _Control("delete_principal", "apsim:DeletePrincipal", "None", _nothing,
             "Forgets a declared principal.", positional=(_Param("arn", "str", "Arn"),)),
    _Control("list_principals", "apsim:ListPrincipals", "List[Dict[str, Any]]", operator.itemgetter("Principals"),
             'The declared principals, by ARN: [{"Arn", "AccessKeyIds", "Policies"}].'),
    _Control("import_state", "apsim:ImportState", "None", _nothing,
             "Restores a world exported by :meth:`export_state` exactly (IDs, tokens, clock, seeds).",
             positional=(_Param("state", "Dict[str, Any]", "State"),)),
)


def _signature(control: _Control) -> inspect.Signature:
    """The signature a hand-written method of ``control`` would have (what help() and inspect show,
    and what calls are checked against)."""
    Parameter = inspect.Parameter
    return inspect.Signature(
        [Parameter("self", Parameter.POSITIONAL_OR_KEYWORD)]
        + [Parameter(p.name, Parameter.POSITIONAL_OR_KEYWORD, annotation=p.annotation) for p in control.positional]
        + [Parameter(p.name, Parameter.KEYWORD_ONLY, default=None, annotation=p.annotation) for p in control.keyword],
        return_annotation=control.returns)


def _control_method(control: _Control, owner: str) -> Callable[..., Any]:
    """The method of ``control`` on the class named ``owner``: the arguments bound as its signature
    says, the members sent, the result picked."""
    signature = _signature(control)
    always = [(p.name, p.member) for p in control.positional if p.member is not None]
    if_given = [(p.name, p.member) for p in control.keyword if p.member is not None]
    where = [p.name for p in control.keyword if p.member is None]

    def method(self: "Simulator", *args: Any, **kwargs: Any) -> Any:
        try:
            arguments = signature.bind(self, *args, **kwargs).arguments
        except TypeError as e:
            raise TypeError(f"{control.method}() {e}") from None
        params = {member: arguments[name] for name, member in always}
        params.update((member, arguments[name]) for name, member in if_given if arguments.get(name) is not None)
        return control.result(self.call(control.operation, params, **{name: arguments.get(name) for name in where}))

    method.__name__ = control.method
    method.__qualname__ = f"{owner}.{control.method}"
    method.__doc__ = control.doc
    method.__signature__ = signature  # type: ignore[attr-defined]
    method.__annotations__ = {p.name: p.annotation for p in control.positional + control.keyword}
    method.__annotations__["return"] = control.returns
    return method


_Class = TypeVar("_Class", bound=type)


def _with_controls(cls: _Class) -> _Class:
    """Gives ``cls`` the methods of _CONTROLS, as it is defined."""
    for control in _CONTROLS:
        setattr(cls, control.method, _control_method(control, cls.__qualname__))
    return cls


@_with_controls
class Simulator:
    """One simulated AWS world (apsim_open ... apsim_close).

    Config keys are keyword arguments named as in apsim.h; those left at None are not sent, so
    the library's defaults apply. Keys this binding does not name pass through ``**other_config``
    (the library refuses unknown ones). A refused config raises :class:`ConfigError`.

    The library synchronizes calls itself: one Simulator may be used from many threads at once,
    but :meth:`close` must not race with calls on it.
    """

    def __init__(
        self,
        *,
        region: Optional[str] = None,
        account_id: Optional[str] = None,
        seed: Optional[int] = None,
        start_time: Optional[Any] = None,
        lifecycle: Optional[str] = None,
        access_points_per_file_system: Optional[int] = None,
        idempotent_client_tokens: Optional[bool] = None,
        strict_file_system_delete: Optional[bool] = None,
        **other_config: Any,
    ) -> None:
        config = dict(
            region=region,
            account_id=account_id,
            seed=seed,
            start_time=start_time,
            lifecycle=lifecycle,
            access_points_per_file_system=access_points_per_file_system,
            idempotent_client_tokens=idempotent_client_tokens,
            strict_file_system_delete=strict_file_system_delete,
            **other_config,
        )
        self.config: Dict[str, Any] = {k: v for k, v in config.items() if v is not None}
        lib = _native.library()
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        rc = lib.apsim_open(ctypes.byref(handle), _request(self.config), ctypes.byref(error))
        envelope = _native.take_document(lib, error)
        _native.check_misuse(rc, "apsim_open")
        if rc != 0 or not handle.value:
            envelope = envelope or {"Error": {"Code": "InvalidConfiguration", "Message": f"apsim_open returned {rc}"}}
            if envelope.get("Error", {}).get("Code") == "StateFileInUse":
                raise StateFileInUseError(envelope)
            raise ConfigError(envelope)
        self._handle: Optional[int] = handle.value
        # The hot path of every call, looked up once.
        self._h = ctypes.c_void_p(handle.value)
        self._hot = _native.hot()
        # Whether a fault may be armed (then mock_aws takes botocore's full path, retries included).
        self._faults_maybe = "state" in self.config or "state_file" in self.config
        self._finalizer = weakref.finalize(self, lib.apsim_close, ctypes.c_void_p(handle.value))

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Destroys the world. Idempotent; later calls raise ValueError."""
        self._handle = None
        self._finalizer()  # runs apsim_close at most once

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<apsim.Simulator {state} {self.config!r}>"

    def _send(self, operation: bytes, params: Optional[Dict[str, Any]], account_id: Optional[bytes] = None,
              region: Optional[bytes] = None) -> Tuple[int, Optional[bytes]]:
        """One call with the names already encoded (clients encode theirs once): the status code
        and the response text."""
        if self._handle is None:
            raise ValueError("the Simulator is closed")
        hot = self._hot
        return _native.send(hot.call_in, hot.free, self._h, account_id, region, operation, _request(params))

    def call(self, operation: str, params: Optional[Dict[str, Any]] = None, *, account_id: Optional[str] = None,
             region: Optional[str] = None) -> Dict[str, Any]:
        """Calls ``operation`` ("efs:CreateAccessPoint") and returns the library's document as is
        (epoch-second timestamps, ResponseMetadata as the library writes it), in the world's
        account and region or the ones given.

        An error raises what a client raises (see :meth:`client`).
        """
        if operation in ("apsim:InjectFault", "apsim:ImportState"):
            self._faults_maybe = True
        rc, text = self._send(c_string(operation, "the operation name"), params,
                              c_string(account_id, "the account ID"), c_string(region, "the region"))
        document = _parse(text)
        if rc != 0:
            raise_error(operation, document)
        return document

    def mount(self, file_system_or_volume_id: str, *, access_point: Optional[str] = None, path: str = "/",
              subnet: Optional[str] = None, mount_target_ip: Optional[str] = None, tls: Optional[bool] = None,
              iam: bool = False, principal: Optional[str] = None, read_only: bool = False, uid: int = 0, gid: int = 0,
              groups: Sequence[int] = (), umask: int = 0o022) -> "Mount":
        """Mounts an EFS file system (or an access point, by its ARN) as a client's mount helper
        does (``nfs:Mount``): a :class:`apsim.Mount` whose methods work like ``os``'s. A refusal
        raises :class:`apsim.MountError`."""
        from .mount import mount
        return mount(self, file_system_or_volume_id, access_point=access_point, path=path, subnet=subnet,
                     mount_target_ip=mount_target_ip, tls=tls, iam=iam, principal=principal, read_only=read_only,
                     uid=uid, gid=gid, groups=groups, umask=umask)

    def http(self, request: Dict[str, Any]) -> Dict[str, Any]:
        """One request in the AWS wire protocol (``apsim_http``): ``{"method", "path", "query",
        "headers", "body"}`` in, ``{"status", "headers", "body"}`` out. AWS errors are responses;
        only a malformed request document raises (ValueError)."""
        if self._handle is None:
            raise ValueError("the Simulator is closed")
        hot = self._hot
        rc, text = _native.send(hot.http, hot.free, self._h, _request(request))
        # The envelope's one number is the status, so no integer beyond 64 bits needs the check
        # (the body is a string: its own reader decides).
        document = None if text is None else _codec.loads_int64(text)
        if rc != 0:
            raise ValueError((document or {}).get("Error", {}).get("Message", f"apsim_http returned {rc}"))
        return document

    def faults_armed(self) -> bool:
        """Whether any injected fault is still armed (cheap when none was ever injected)."""
        if not self._faults_maybe:
            return False
        if self.call("apsim:ListFaults")["Faults"]:
            return True
        self._faults_maybe = False
        return False

    def client(self, service: str, region_name: Optional[str] = None, account_id: Optional[str] = None) -> Any:
        """A boto3-like client of ``service`` ("efs", "fsx") on this world, in the world's account
        and region or in ``account_id`` / ``region_name`` (each fully isolated, as in AWS); see
        :mod:`apsim.client`."""
        from .client import make_client

        return make_client(self, service, region_name=region_name, account_id=account_id)

    # ---- Steering the world (the apsim: control operations; see the README) ----------------
    # faults_armed above keeps a cache; the other methods are generated from _CONTROLS.

    if TYPE_CHECKING:  # The generated methods as type checkers see them (test_control_table.py keeps both equal).
        def advance_clock(self, milliseconds: int) -> Dict[str, Any]: ...
        def set_lifecycle_state(self, state: str, *, resource_id: Optional[str] = None, name: Optional[str] = None,
                                account_id: Optional[str] = None, region: Optional[str] = None) -> Dict[str, Any]: ...
        def inject_fault(self, operation: str, error_code: str, *, count: Optional[int] = None,
                         probability: Optional[float] = None, message: Optional[str] = None,
                         status_code: Optional[int] = None) -> str: ...
        def clear_faults(self) -> int: ...
        def reset(self) -> None: ...
        def export_state(self) -> Dict[str, Any]: ...
        def set_network(self, *, vpcs: Optional[List[Dict[str, Any]]] = None,
                        subnets: Optional[List[Dict[str, Any]]] = None,
                        security_groups: Optional[List[Dict[str, Any]]] = None, mode: Optional[str] = None,
                        account_id: Optional[str] = None, region: Optional[str] = None) -> Dict[str, Any]: ...
        def get_network(self, *, account_id: Optional[str] = None, region: Optional[str] = None) -> Dict[str, Any]: ...
        def set_network_interface(self, resource_id: str, network_interface_id: str, *, account_id: Optional[str] = None,
                                  region: Optional[str] = None) -> Dict[str, Any]: ...
        def describe_state_file(self) -> Dict[str, Any]: ...
        def describe_configuration(self) -> List[Dict[str, Any]]: ...
        def put_principal(self, arn: str, *, policies: Optional[List[Any]] = None,
                          access_key_ids: Optional[List[str]] = None) -> Dict[str, Any]: ...
        def delete_principal(self, arn: str) -> None: ...
        def list_principals(self) -> List[Dict[str, Any]]: ...
        def import_state(self, state: Dict[str, Any]) -> None: ...
