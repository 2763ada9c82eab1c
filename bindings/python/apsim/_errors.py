"""The binding's exceptions, and the one place that turns an error envelope into a raised error."""

from __future__ import annotations

from typing import Any, Dict, NoReturn, Optional, Tuple, Type
from urllib.parse import urlsplit

from . import _botocore


class ConfigError(ValueError):
    """apsim_open refused the configuration (code InvalidConfiguration); ``.response`` is the envelope."""

    def __init__(self, response: Dict[str, Any]):
        super().__init__(response.get("Error", {}).get("Message", "invalid configuration"))
        self.response = response


class StateFileInUseError(ConfigError):
    """The ``state_file`` is held by another world (another process, or another Simulator of this
    one): code StateFileInUse, HTTP 409; the message names the holder's process ID."""


class ServiceNotMockedError(Exception):
    """A client of a service apsim does not serve was called inside ``apsim.mock_aws`` and nothing
    else took the request (no ``moto.mock_aws()`` active, or one that has nothing for it) nor was the
    service let through: the request never left the process.

    ``.service`` is boto3's name of the service (``"s3"``), ``.operation`` the operation name,
    ``.url`` the request's URL when moto was active (None otherwise).
    """

    def __init__(self, service: str, operation: str, url: Optional[str] = None) -> None:
        if url is None:
            message = (
                f"apsim.mock_aws serves efs and fsx only, so this {service} request ({operation}) was "
                f"stopped before it left the process. To have moto answer {service}, start "
                f"moto.mock_aws() as well (either nesting order: apsim for EFS and FSx, moto for the "
                f"rest); to send real {service} requests deliberately, pass "
                f'passthrough=["{service}"] (or passthrough=True) to apsim.mock_aws.')
        else:
            host = urlsplit(url).netloc
            message = (
                f"apsim.mock_aws serves efs and fsx only, and the active moto.mock_aws() has nothing for "
                f"{service} at {host} either, so this {service} request ({operation}) was stopped before "
                f"it left the process (moto would have sent it to AWS). To send real {service} requests "
                f'deliberately, pass passthrough=["{service}"] (or passthrough=True) to apsim.mock_aws.')
        super().__init__(message)
        self.service = service
        self.operation = operation
        self.url = url


class ClientError(Exception):
    """An AWS-style error, raised when botocore is not importable (else botocore's ClientError is).

    Mirrors botocore.exceptions.ClientError: ``.response`` is the error envelope and
    ``.operation_name`` the AWS operation name.
    """

    MSG_TEMPLATE = "An error occurred ({error_code}) when calling the {operation_name} operation: {error_message}"

    def __init__(self, error_response: Dict[str, Any], operation_name: str):
        error = error_response.get("Error", {})
        super().__init__(
            self.MSG_TEMPLATE.format(
                error_code=error.get("Code", "Unknown"),
                error_message=error.get("Message", "Unknown"),
                operation_name=operation_name,
            )
        )
        self.response = error_response
        self.operation_name = operation_name


class FallbackExceptions:
    """``client.exceptions`` for a service botocore has no model of (or without botocore):
    ``.ClientError``, ``.from_code(code)`` and one subclass of ``base`` per error code, made on
    first use (``.FileSystemNotFound``)."""

    def __init__(self, base: Type[Exception]) -> None:
        self.ClientError = base
        self._classes: Dict[str, Type[Exception]] = {}

    def from_code(self, code: str) -> Type[Exception]:
        found = self._classes.get(code)
        if found is None:
            made = type(code, (self.ClientError,), {"__module__": __name__})
            found = self._classes.setdefault(code, made)  # first one wins if two threads race
        return found

    def __getattr__(self, name: str) -> Type[Exception]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.from_code(name)


_fallback: Dict[Tuple[str, type], FallbackExceptions] = {}


def exceptions_for(service: str) -> Any:
    """The ``client.exceptions`` object of ``service``: botocore's when it has a model of it, else
    a :class:`FallbackExceptions` over botocore's ClientError (or :class:`ClientError` without botocore)."""
    found = _botocore.client_exceptions(service)
    if found is None:
        bc = _botocore.botocore()
        base = bc.exceptions.ClientError if bc is not None else ClientError
        found = _fallback.setdefault((service, base), FallbackExceptions(base))
    return found


def enrich_metadata(document: Dict[str, Any]) -> Dict[str, Any]:
    """Adds what boto3 has in ResponseMetadata and the library does not (HTTPHeaders, RetryAttempts)."""
    meta = document.setdefault("ResponseMetadata", {})
    meta.setdefault("HTTPHeaders", {})
    meta.setdefault("RetryAttempts", 0)
    return document


def raise_error(operation: str, envelope: Dict[str, Any]) -> NoReturn:
    """Raises the error of ``envelope`` for ``operation`` ("efs:CreateAccessPoint") as a client would.

    With botocore: the modeled class of the service (a botocore ClientError subclass), or
    botocore.exceptions.ClientError itself for a code the model does not declare. Without
    botocore: a subclass of :class:`ClientError` named after the code.
    """
    service, _, name = operation.partition(":")
    envelope = enrich_metadata(envelope)
    code = envelope.get("Error", {}).get("Code", "Unknown")
    raise exceptions_for(service).from_code(code)(envelope, name or operation)
