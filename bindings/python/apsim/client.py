"""boto3-like clients over a Simulator: ``sim.client("efs").create_access_point(...)``.

Method names are the snake_case operation names of the service, taken from the library's own
list ("apsim:ListOperations"). Methods take keyword arguments only and return what boto3
returns: the response members, timestamps as datetime, and a ResponseMetadata with
HTTPHeaders and RetryAttempts. Errors raise the classes of ``client.exceptions``. As botocore
does, a member the model marks ``idempotencyToken`` (ClientToken, CreationToken,
ClientRequestToken) that a call leaves out is filled with a new uuid4 string
(:data:`IDEMPOTENCY_TOKENS`). ``get_paginator`` and ``can_paginate`` are botocore's, on botocore's
paginators-1.json of the service (they need botocore).
"""

from __future__ import annotations

import ctypes
import datetime
import threading
import uuid
from typing import Any, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from . import _botocore, _codec, _native
from ._errors import enrich_metadata, exceptions_for, raise_error
from .simulator import Simulator, c_string

__all__ = ["BaseClient", "IDEMPOTENCY_TOKENS", "make_client", "operation_names"]

#: The members of each operation the service models mark ``idempotencyToken`` (the models the
#: library is generated from, botocore's: models/VERSION); a call that leaves one out gets a new
#: uuid4 string, as botocore's generate_idempotent_uuid gives it (tests/test_client_boto3_parity.py
#: keeps this equal to models/ and to the installed botocore).
IDEMPOTENCY_TOKENS: Dict[str, Tuple[str, ...]] = {
    "efs:CreateAccessPoint": ("ClientToken",),
    "efs:CreateFileSystem": ("CreationToken",),
    "fsx:CreateAndAttachS3AccessPoint": ("ClientRequestToken",),
    "fsx:CreateFileSystem": ("ClientRequestToken",),
    "fsx:CreateSnapshot": ("ClientRequestToken",),
    "fsx:CreateStorageVirtualMachine": ("ClientRequestToken",),
    "fsx:CreateVolume": ("ClientRequestToken",),
    "fsx:DeleteFileSystem": ("ClientRequestToken",),
    "fsx:DeleteSnapshot": ("ClientRequestToken",),
    "fsx:DeleteStorageVirtualMachine": ("ClientRequestToken",),
    "fsx:DeleteVolume": ("ClientRequestToken",),
    "fsx:DetachAndDeleteS3AccessPoint": ("ClientRequestToken",),
    "fsx:UpdateFileSystem": ("ClientRequestToken",),
    "fsx:UpdateSnapshot": ("ClientRequestToken",),
    "fsx:UpdateStorageVirtualMachine": ("ClientRequestToken",),
    "fsx:UpdateVolume": ("ClientRequestToken",),
}

_operations: Optional[List[str]] = None
_classes: Dict[str, type] = {}
_lock = threading.Lock()


def operation_names() -> List[str]:
    """Every operation the library serves ("efs:CreateAccessPoint", ...), asked once of a private
    world so that making a client never consumes a RequestId of the caller's seeded world."""
    global _operations
    if _operations is None:
        lib = _native.library()
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        rc = lib.apsim_open(ctypes.byref(handle), b'{"seed": 0}', ctypes.byref(error))
        _native.take_document(lib, error)
        _native.check_misuse(rc, "apsim_open")
        try:
            _, document = _native.call("apsim_call", handle, b"apsim:ListOperations", b"{}")
        finally:
            lib.apsim_close(handle)
        _operations = list(document["Operations"])
    return _operations


# botocore type names: the timestamps a response converts, and the members whose number the library
# may echo as the request wrote it, an integer beyond 64 bits included (integer and long members
# refuse those). A response without them has only integers that fit 64 bits (orjson's range).
_TIMESTAMPS = frozenset({"timestamp"})
_ECHOED_NUMBERS = frozenset({"double", "float", "timestamp", "document"})

# (id(shape), kinds) -> (shape, whether a member of one of those kinds is reachable from it); the
# shape is kept so that its id cannot be reused by another object.
_reachable: Dict[Tuple[int, FrozenSet[str]], Tuple[Any, bool]] = {}


def _reaches(shape: Any, kinds: FrozenSet[str], seen: Optional[set] = None) -> bool:
    """Whether any member reachable from ``shape`` is of one of ``kinds`` (botocore type names, a
    document type counting as "document"); most outputs have no timestamp, and then the response is
    not walked at all."""
    cached = _reachable.get((id(shape), kinds))
    if cached is not None:
        return cached[1]
    seen = set() if seen is None else seen
    if id(shape) in seen:
        return False
    seen.add(id(shape))
    kind = "document" if getattr(shape, "is_document_type", False) else getattr(shape, "type_name", None)
    if kind in kinds:
        found = True
    elif kind == "structure":
        found = any(_reaches(m, kinds, seen) for m in shape.members.values())
    elif kind == "list":
        found = _reaches(shape.member, kinds, seen)
    elif kind == "map":
        found = _reaches(shape.value, kinds, seen)
    else:
        found = False
    _reachable[(id(shape), kinds)] = (shape, found)
    return found


def _convert_timestamps(value: Any, shape: Any, parse: Callable[[Any], datetime.datetime]) -> Any:
    """Replaces, in place, the members of ``value`` that botocore's ``shape`` types as timestamps."""
    if not _reaches(shape, _TIMESTAMPS):
        return value
    kind = getattr(shape, "type_name", None)
    if kind == "timestamp" and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return parse(value)
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                value[name] = _convert_timestamps(value[name], member, parse)
    elif kind == "list" and isinstance(value, list):
        value[:] = [_convert_timestamps(item, shape.member, parse) for item in value]
    elif kind == "map" and isinstance(value, dict):
        for key in value:
            value[key] = _convert_timestamps(value[key], shape.value, parse)
    return value


def _convert_creation_times(value: Any) -> Any:
    """The fallback without botocore: every number under a key CreationTime becomes a UTC datetime."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "CreationTime" and isinstance(item, (int, float)) and not isinstance(item, bool):
                value[key] = datetime.datetime.fromtimestamp(item, datetime.timezone.utc)
            else:
                _convert_creation_times(item)
    elif isinstance(value, list):
        for item in value:
            _convert_creation_times(item)
    return value


class BaseClient:
    """The methods every client shares; one subclass per service adds the operations."""

    _service: str = ""
    _operation_names: Dict[str, str] = {}  # python name -> AWS operation name

    def __init__(self, simulator: Simulator, region_name: Optional[str] = None, account_id: Optional[str] = None) -> None:
        self._simulator = simulator
        self._region = region_name
        self._account = account_id
        self._region_bytes = c_string(region_name, "the region")
        self._account_bytes = c_string(account_id, "the account ID")
        self.exceptions = exceptions_for(self._service)
        self._model = _botocore.service_model(self._service)
        # operation -> its _Plan, made on first use.
        self._plans: Dict[str, _Plan] = {}

    def __repr__(self) -> str:
        return f"<apsim {self._service} client of {self._simulator!r}>"

    def can_paginate(self, operation_name: str) -> bool:
        """Whether :meth:`get_paginator` has a paginator for ``operation_name`` (a method name, such as
        ``describe_access_points``), as botocore's ``client.can_paginate``: KeyError for a name that
        is not one of the client's methods. Needs botocore (ImportError without it)."""
        pagination = self._pagination()
        return self._operation_names[operation_name] in pagination

    def get_paginator(self, operation_name: str) -> Any:
        """botocore's paginator (``botocore.paginate.Paginator``) of ``operation_name`` over this
        client's method, made from botocore's paginators-1.json of the service as boto3's clients make
        it: ``paginate(**params)`` with ``PaginationConfig`` (MaxItems, PageSize, StartingToken),
        ``build_full_result()``, ``search(expression)``, resume tokens. Raises botocore's
        OperationNotPageableError for an operation without a paginator, ImportError without botocore."""
        pagination = self._pagination()
        if not self.can_paginate(operation_name):
            raise _botocore.botocore().exceptions.OperationNotPageableError(operation_name=operation_name)
        from botocore.paginate import Paginator

        operation = self._operation_names[operation_name]
        return Paginator(getattr(self, operation_name), pagination[operation], self._model.operation_model(operation))

    def _pagination(self) -> Dict[str, Any]:
        """botocore's paginators of the service (see _botocore.paginator_config), or ImportError."""
        pagination = _botocore.paginator_config(self._service)
        if pagination is None:
            raise ImportError(f"{self._service} client: get_paginator and can_paginate need botocore, whose "
                              f"paginators-1.json describes the paging of each operation; pip install "
                              f"'apsim[botocore]' (or botocore), or page by hand with NextToken/Marker")
        return pagination

    def _finish(self, operation: str, document: Dict[str, Any]) -> Dict[str, Any]:
        """The conversion a call of ``operation`` applies to its response (timed alone by the
        benchmarks)."""
        finish = (self._plans.get(operation) or self._plan(operation)).finish
        return document if finish is None else finish(document)

    def _plan(self, operation: str) -> "_Plan":
        """Makes and keeps the :class:`_Plan` of ``operation``: everything about it that does not
        change from call to call, so that a call only sends, reads and finishes."""
        full_name = f"{self._service}:{operation}"
        name = c_string(full_name, "the operation name")
        finish, int64 = self._response_handling(operation)
        send, account, region = self._simulator._send, self._account_bytes, self._region_bytes
        tokens = IDEMPOTENCY_TOKENS.get(full_name, ())

        def call(params: Dict[str, Any]) -> Dict[str, Any]:
            for token in tokens:
                if token not in params:
                    params[token] = str(uuid.uuid4())
            rc, text = send(name, params, account, region)
            if rc != 0:
                raise_error(full_name, _codec.loads(text))
            document = enrich_metadata(_codec.loads_int64(text) if int64 else _codec.loads(text))
            return document if finish is None else finish(document)

        plan = self._plans[operation] = _Plan(call, finish)
        return plan

    def _response_handling(self, operation: str) -> Tuple[Optional[Callable[[Any], Any]], bool]:
        """How a response of ``operation`` is finished: its timestamps converted as botocore's
        parsers do (nothing to do when its output has none), or, without botocore, every
        CreationTime; and whether its integers all fit 64 bits (known from botocore's model)."""
        model = self._model
        bc = _botocore.botocore() if model is not None else None
        if model is None or bc is None:
            return _convert_creation_times, False
        try:
            output = model.operation_model(operation).output_shape
        except bc.exceptions.OperationNotFoundError:
            return _convert_creation_times, False
        if output is None:
            return None, True
        int64 = not _reaches(output, _ECHOED_NUMBERS)
        if not _reaches(output, _TIMESTAMPS):
            return None, int64
        # What botocore's response parsers call for every timestamp (tzlocal, like boto3).
        parse = bc.utils.parse_timestamp
        return (lambda document: _convert_timestamps(document, output, parse)), int64


class _Plan(NamedTuple):
    """How a client calls one operation: ``call(params)`` sends the request and returns the finished
    response (or raises its error); ``finish`` is the response's conversion, None when there is
    nothing to convert."""

    call: Callable[[Dict[str, Any]], Dict[str, Any]]
    finish: Optional[Callable[[Any], Any]]


def _method(service: str, operation: str, py_name: str) -> Callable[..., Dict[str, Any]]:
    def method(self: BaseClient, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        if args:
            raise TypeError(f"{py_name}() only accepts keyword arguments.")
        return (self._plans.get(operation) or self._plan(operation)).call(kwargs)

    method.__name__ = py_name
    method.__qualname__ = f"{service.upper()}.{py_name}"
    method.__doc__ = f"Calls {service}:{operation} with keyword arguments; returns the response like boto3."
    return method


def client_class(service: str) -> type:
    """The client class of ``service``, made once from the library's operation list."""
    with _lock:
        if service not in _classes:
            prefix = service + ":"
            operations = [n[len(prefix):] for n in operation_names() if n.startswith(prefix)]
            if not operations:
                services = sorted({n.split(":", 1)[0] for n in operation_names()})
                raise ValueError(f"Unknown service {service!r}; apsim serves: {', '.join(services)}")
            names = {_botocore.xform_name(op): op for op in operations}
            attrs: Dict[str, Any] = {"_service": service, "_operation_names": names, "__module__": __name__}
            attrs.update({py: _method(service, op, py) for py, op in names.items()})
            _classes[service] = type(service.upper(), (BaseClient,), attrs)
        return _classes[service]


def make_client(simulator: Simulator, service: str, region_name: Optional[str] = None,
                account_id: Optional[str] = None) -> BaseClient:
    return client_class(service)(simulator, region_name=region_name, account_id=account_id)
