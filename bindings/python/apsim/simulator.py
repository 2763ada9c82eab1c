"""Simulator (one apsim world), validate() and the version functions."""

from __future__ import annotations

import ctypes
import datetime
import json
import weakref
from typing import Any, Dict, Optional, Tuple, overload

from . import _native
from ._errors import ConfigError, raise_error

__all__ = ["Simulator", "validate", "version", "version_number"]


def version() -> str:
    """The loaded library's version string, e.g. ``"0.1.0"``."""
    lib = _native.library()
    return ctypes.string_at(lib.apsim_version()).decode("ascii")  # static: never freed


def version_number() -> int:
    """APSIM_VERSION_NUMBER of the loaded library (MAJOR*1000000 + MINOR*1000 + PATCH)."""
    return _native.library().apsim_version_number()


def _json_default(value: Any) -> Any:
    """Lets requests carry datetimes, as boto3 accepts them for timestamps (sent as epoch seconds;
    a naive datetime is UTC, as botocore reads it)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(default=_json_default)


def encode(document: Any) -> bytes:
    """A request or config document as the library takes it: JSON text, UTF-8. (One encoder made
    once: ``json.dumps`` with ``default=`` would build a new encoder on every call.)"""
    return _encoder.encode({} if document is None else document).encode("utf-8")


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
    an invalid request.
    """
    _, document = _native.call("apsim_validate", c_string(operation, "the operation name"), encode(params))
    return document


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
        rc = lib.apsim_open(ctypes.byref(handle), encode(self.config), ctypes.byref(error))
        envelope = _native.take_document(lib, error)
        _native.check_misuse(rc, "apsim_open")
        if rc != 0 or not handle.value:
            raise ConfigError(envelope or {"Error": {"Code": "InvalidConfiguration", "Message": f"apsim_open returned {rc}"}})
        self._handle: Optional[int] = handle.value
        # The hot path of every call, looked up once.
        self._h = ctypes.c_void_p(handle.value)
        self._apsim_call = lib.apsim_call
        self._apsim_call_in = lib.apsim_call_in
        self._apsim_http = lib.apsim_http
        self._free = lib.apsim_string_free
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

    def _raw(self, operation: str, params: Optional[Dict[str, Any]], account_id: Optional[str] = None,
             region: Optional[str] = None) -> Tuple[int, Any]:
        return self._raw_bytes(c_string(operation, "the operation name"), params,
                               c_string(account_id, "the account ID"), c_string(region, "the region"))

    def _raw_bytes(self, operation: bytes, params: Optional[Dict[str, Any]], account_id: Optional[bytes] = None,
                   region: Optional[bytes] = None) -> Tuple[int, Any]:
        """One call with the names already encoded (clients encode theirs once)."""
        if self._handle is None:
            raise ValueError("the Simulator is closed")
        if account_id is None and region is None:
            return _native.invoke(self._apsim_call, self._free, self._h, operation, encode(params))
        return _native.invoke(self._apsim_call_in, self._free, self._h, account_id, region, operation, encode(params))

    def call(self, operation: str, params: Optional[Dict[str, Any]] = None, *, account_id: Optional[str] = None,
             region: Optional[str] = None) -> Dict[str, Any]:
        """Calls ``operation`` ("efs:CreateAccessPoint") and returns the library's document as is
        (epoch-second timestamps, ResponseMetadata as the library writes it), in the world's
        account and region or the ones given.

        An error raises what a client raises (see :meth:`client`).
        """
        if operation in ("apsim:InjectFault", "apsim:ImportState"):
            self._faults_maybe = True
        rc, document = self._raw(operation, params, account_id, region)
        if rc != 0:
            raise_error(operation, document)
        return document

    def http(self, request: Dict[str, Any]) -> Dict[str, Any]:
        """One request in the AWS wire protocol (``apsim_http``): ``{"method", "path", "query",
        "headers", "body"}`` in, ``{"status", "headers", "body"}`` out. AWS errors are responses;
        only a malformed request document raises (ValueError)."""
        handle = self._handle
        if handle is None:
            raise ValueError("the Simulator is closed")
        rc, document = _native.invoke(self._apsim_http, self._free, self._h, encode(request))
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

    def advance_clock(self, milliseconds: int) -> Dict[str, Any]:
        """Moves the virtual clock forward; returns {"Now": epoch seconds}."""
        return self.call("apsim:AdvanceClock", {"Milliseconds": milliseconds})

    def set_lifecycle_state(self, state: str, *, resource_id: Optional[str] = None, name: Optional[str] = None,
                            account_id: Optional[str] = None, region: Optional[str] = None) -> Dict[str, Any]:
        """Forces the lifecycle state of a resource (an fs-/fsap-/fsvol-/svm- ID, or the name of
        an S3 access point attachment)."""
        params: Dict[str, Any] = {"State": state}
        if resource_id is not None:
            params["ResourceId"] = resource_id
        if name is not None:
            params["Name"] = name
        return self.call("apsim:SetLifecycleState", params, account_id=account_id, region=region)

    def inject_fault(self, operation: str, error_code: str, *, count: Optional[int] = None,
                     probability: Optional[float] = None, message: Optional[str] = None,
                     status_code: Optional[int] = None) -> str:
        """Makes the next ``count`` calls of ``operation`` (or a seeded fraction ``probability``
        of them; "*" for every operation) fail with ``error_code``. Returns the fault's ID."""
        params: Dict[str, Any] = {"Operation": operation, "ErrorCode": error_code}
        for key, value in (("Count", count), ("Probability", probability), ("Message", message), ("StatusCode", status_code)):
            if value is not None:
                params[key] = value
        return self.call("apsim:InjectFault", params)["FaultId"]

    def clear_faults(self) -> int:
        """Disarms every injected fault; returns how many were armed."""
        return self.call("apsim:ClearFaults")["Cleared"]

    def reset(self) -> None:
        """Empties the world: back to how it was opened."""
        self.call("apsim:Reset")

    def export_state(self) -> Dict[str, Any]:
        """The whole world as one JSON-compatible document (see :meth:`import_state`)."""
        document = self.call("apsim:ExportState")
        document.pop("ResponseMetadata", None)
        return document

    def import_state(self, state: Dict[str, Any]) -> None:
        """Restores a world exported by :meth:`export_state` exactly (IDs, tokens, clock, seeds)."""
        self.call("apsim:ImportState", {"State": state})
