"""What the binding borrows from botocore when it is importable (it is optional).

botocore is looked up on every use rather than once at import, so a missing botocore, or one
hidden by a test, simply selects the fallback path.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Dict, Optional

_lock = threading.Lock()
_models: Dict[str, Any] = {}  # service name -> botocore ServiceModel, or None when unknown
_paginators: Dict[str, Dict[str, Any]] = {}  # service name -> its paginators-1.json "pagination"
_exceptions_factory: Any = None


def botocore() -> Optional[Any]:
    """The botocore package, or None when it cannot be imported."""
    try:
        import botocore.errorfactory  # noqa: F401
        import botocore.exceptions  # noqa: F401
        import botocore.session  # noqa: F401
        import botocore.utils  # noqa: F401
    except ImportError:
        return None
    import botocore as package

    return package


def service_model(service: str) -> Optional[Any]:
    """botocore's model of ``service`` (loaded once), or None without botocore or for an unknown name."""
    bc = botocore()
    if bc is None:
        return None
    with _lock:
        if service not in _models:
            try:
                _models[service] = bc.session.get_session().get_service_model(service)
            except bc.exceptions.UnknownServiceError:
                _models[service] = None
        return _models[service]


def paginator_config(service: str) -> Optional[Dict[str, Any]]:
    """The ``pagination`` of botocore's paginators-1.json of ``service`` (operation name -> its
    input_token, output_token, limit_key, result_key...), loaded once as botocore's clients load it;
    {} for a service without paginators, None without botocore."""
    model = service_model(service)
    bc = botocore()
    if bc is None:
        return None
    with _lock:
        if service not in _paginators:
            config: Dict[str, Any] = {}
            if model is not None:
                try:
                    config = bc.session.get_session().get_component("data_loader").load_service_model(
                        service, "paginators-1", model.api_version)["pagination"]
                except bc.exceptions.DataNotFoundError:
                    pass
            _paginators[service] = config
        return _paginators[service]


def client_exceptions(service: str) -> Optional[Any]:
    """The ``client.exceptions`` object botocore builds for ``service`` (None without a model)."""
    global _exceptions_factory
    model = service_model(service)
    if model is None:
        return None
    bc = botocore()
    if bc is None:
        return None
    with _lock:
        if _exceptions_factory is None:
            _exceptions_factory = bc.errorfactory.ClientExceptionsFactory()
        return _exceptions_factory.create_client_exceptions(model)


_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_ALL_CAP = re.compile(r"([a-z0-9])([A-Z])")


def xform_name(name: str) -> str:
    """``DescribeFileSystems`` -> ``describe_file_systems``: botocore.xform_name when available."""
    bc = botocore()
    if bc is not None:
        return bc.xform_name(name)
    # The fallback handles the plain CamelCase names apsim serves (botocore also special-cases
    # a few acronym-heavy names of other services).
    return _ALL_CAP.sub(r"\1_\2", _FIRST_CAP.sub(r"\1_\2", name)).lower()
