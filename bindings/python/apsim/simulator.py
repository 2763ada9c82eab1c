"""Simulator (one apsim world), validate() and the version functions."""

from __future__ import annotations

import ctypes
import datetime
import json
import weakref
from typing import Any, Dict, Optional, Tuple

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


def encode(document: Any) -> bytes:
    """A request or config document as the library takes it: JSON text, UTF-8."""
    return json.dumps({} if document is None else document, default=_json_default).encode("utf-8")


def validate(operation: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Checks a request with the stateless rules only, without any world (apsim_validate).

    Returns ``{"Valid": True}`` or the error envelope AWS would answer with; never raises for
    an invalid request.
    """
    _, document = _native.call("apsim_validate", operation.encode("utf-8"), encode(params))
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

    def _raw(self, operation: str, params: Optional[Dict[str, Any]]) -> Tuple[int, Any]:
        handle = self._handle
        if handle is None:
            raise ValueError("the Simulator is closed")
        return _native.call("apsim_call", ctypes.c_void_p(handle), operation.encode("utf-8"), encode(params))

    def call(self, operation: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Calls ``operation`` ("efs:CreateAccessPoint") and returns the library's document as is
        (epoch-second timestamps, ResponseMetadata as the library writes it).

        An error raises what a client raises (see :meth:`client`).
        """
        rc, document = self._raw(operation, params)
        if rc != 0:
            raise_error(operation, document)
        return document

    def client(self, service: str) -> Any:
        """A boto3-like client of ``service`` ("efs") on this world; see :mod:`apsim.client`."""
        from .client import make_client

        return make_client(self, service)
