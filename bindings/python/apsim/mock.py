"""Unmodified boto3/botocore clients served by apsim, in process: no server, no socket.

    with apsim.mock_aws(seed=1) as sim:
        efs = boto3.client("efs", region_name="us-east-1")
        efs.create_file_system(CreationToken="t")        # answered by libapsim.so

Every ``efs`` and ``fsx`` client created inside the block (or before it, from a session created
after ``apsim`` first mocked) is routed to the block's world; other services pass through
untouched. botocore itself validates and serializes each request and parses each response, so
callers get exactly what AWS would give them: ``ClientError`` subclasses with the right code and
status, ``datetime`` fields, paginators and waiters.

How: a ``before-call`` handler (the event botocore emits once the request is validated and
serialized, before it is signed or sent) hands the serialized request to ``apsim_http`` and parses
the reply with botocore's own parser for the operation, then adds the modeled error fields the
way botocore's endpoint does. While a fault injected with :meth:`Simulator.inject_fault` is
armed, the handler steps aside and a ``before-send`` handler answers instead, so botocore's retry
logic runs exactly as against AWS (429 and 5xx are retried).

Works with no AWS credentials configured: inside the block the AWS_* credential variables hold
dummy values (restored afterwards), and AWS_DEFAULT_REGION defaults to the world's region.
"""
import functools
import inspect
import json
import os
import threading
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

from .simulator import Simulator

SERVICES = ("efs", "fsx")

_lock = threading.Lock()
_active: List[Simulator] = []
_installed = False
_parsers: Dict[str, Any] = {}

_DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def _current() -> Optional[Simulator]:
    return _active[-1] if _active else None


class _Raw:
    """What botocore's AWSResponse reads a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any):
        yield self._body

    def read(self, *args: Any) -> bytes:
        return self._body


def _service(event_name: str) -> str:
    parts = event_name.split(".")
    return parts[1] if len(parts) > 1 else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, str):
        return value
    if hasattr(value, "read"):
        return _text(value.read())
    return json.dumps(value)


def _headers(headers: Any) -> Dict[str, str]:
    headers = dict(headers or {})
    if all(type(v) is str for v in headers.values()):  # what botocore serializes: no copy per value
        return headers
    return {str(k): _text(v) for k, v in headers.items()}


def _parser(protocol: str) -> Any:
    parser = _parsers.get(protocol)
    if parser is None:
        from botocore.parsers import create_parser

        parser = _parsers[protocol] = create_parser(protocol)
    return parser


def _answer(sim: Simulator, request: Dict[str, Any]) -> Tuple[int, Dict[str, str], bytes]:
    reply = sim.http(request)
    return reply["status"], reply["headers"], reply["body"].encode("utf-8")


_awsrequest: Any = None


def _botocore_awsrequest() -> Any:
    global _awsrequest
    if _awsrequest is None:
        import botocore.awsrequest

        _awsrequest = botocore.awsrequest
    return _awsrequest


def _host(url: str) -> str:
    """The host of an absolute URL (``https://host[:port]/path``), as urlsplit's netloc."""
    rest = url.partition("//")[2]
    return rest.split("/", 1)[0].split("?", 1)[0]


def _before_call(model: Any = None, params: Optional[Dict[str, Any]] = None, context: Any = None,
                 event_name: str = "", **kwargs: Any) -> Any:
    sim = _current()
    if sim is None or _service(event_name) not in SERVICES or params is None:
        return None
    if sim.faults_armed():
        return None  # the full path: before-send answers and botocore retries as usual
    awsrequest = _botocore_awsrequest()

    url = params.get("url", "")
    headers = _headers(params.get("headers"))
    host = _host(url)
    if host:
        headers.setdefault("Host", host)
    query = params.get("query_string") or {}
    status, reply_headers, body = _answer(sim, {
        "method": params.get("method", "POST"),
        "path": params.get("url_path", "/"),
        "query": query if isinstance(query, dict) else _text(query),
        "headers": headers,
        "body": _text(params.get("body")),
    })
    # One HeadersDict, shared by the AWSResponse and the parser (as botocore's endpoint does).
    http_response = awsrequest.AWSResponse(url, status, reply_headers, _Raw(body))
    response = {"status_code": status, "headers": http_response.headers, "body": body}
    parser = _parser(model.metadata["protocol"])
    parsed = parser.parse(response, model.output_shape)
    if status >= 300:
        # As botocore's Endpoint._add_modeled_error_fields does.
        code = parsed.get("Error", {}).get("Code")
        shape = model.service_model.shape_for_error_code(code) if code else None
        if shape is not None:
            parsed.update(parser.parse(response, shape))
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return http_response, parsed


def _before_send(request: Any = None, event_name: str = "", **kwargs: Any) -> Any:
    sim = _current()
    if sim is None or _service(event_name) not in SERVICES or request is None:
        return None
    from botocore.awsrequest import AWSResponse, HeadersDict

    url = urlsplit(request.url)
    headers = _headers(request.headers)
    headers.setdefault("Host", url.netloc)
    status, reply_headers, body = _answer(sim, {
        "method": request.method,
        "path": url.path or "/",
        "query": {k: v for k, v in _multi(parse_qsl(url.query, keep_blank_values=True)).items()},
        "headers": headers,
        "body": _text(request.body),
    })
    return AWSResponse(request.url, status, HeadersDict(reply_headers), _Raw(body))


def _multi(pairs: List[Tuple[str, str]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            out[k] = out[k] + [v] if isinstance(out[k], list) else [out[k], v]
        else:
            out[k] = v
    return out


def _install() -> None:
    """Adds the handlers to every botocore session created from now on (as moto does)."""
    global _installed
    if _installed:
        return
    from botocore.handlers import BUILTIN_HANDLERS

    BUILTIN_HANDLERS.append(("before-call", _before_call))
    BUILTIN_HANDLERS.append(("before-send", _before_send))
    _installed = True


def patch_client(client: Any) -> Any:
    """Routes a client created before apsim first mocked (its session lacks the handlers)."""
    client.meta.events.register("before-call", _before_call)
    client.meta.events.register("before-send", _before_send)
    return client


class mock_aws:
    """A context manager, decorator (sync and async functions) and the core of the ``apsim_aws``
    pytest fixture: routes boto3's efs and fsx clients to a world.

    ``mock_aws(**config)`` opens a world with those config keys (see :class:`Simulator`);
    ``mock_aws(simulator=sim)`` uses an existing one (and leaves it open afterwards).
    ``__enter__`` returns the Simulator, to steer the world (faults, clock, snapshots).
    """

    def __init__(self, simulator: Optional[Simulator] = None, **config: Any) -> None:
        if simulator is not None and config:
            raise TypeError("give either simulator= or config keys, not both")
        self._given = simulator
        self._config = config
        self._owned: Optional[Simulator] = None
        self._saved_env: Dict[str, Optional[str]] = {}

    def __enter__(self) -> Simulator:
        sim = self._given or Simulator(**self._config)
        if self._given is None:
            self._owned = sim
        with _lock:
            _install()
            _active.append(sim)
        env = dict(_DUMMY_ENV)
        if not os.environ.get("AWS_DEFAULT_REGION"):
            env["AWS_DEFAULT_REGION"] = self._config.get("region") or "us-east-1"
        self._saved_env = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:  # boto3's default session predates the handlers; the next one gets them
            import boto3

            boto3.DEFAULT_SESSION = None
        except ImportError:
            pass
        return sim

    def __exit__(self, *exc: Any) -> None:
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        with _lock:
            sim = self._owned or self._given
            if sim in _active:
                _active.remove(sim)
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def _fresh(self) -> "mock_aws":
        """A new mock with the same arguments: each decorated call gets its own world."""
        return mock_aws(simulator=self._given) if self._given is not None else mock_aws(**self._config)

    def __call__(self, fn: Any) -> Any:
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._fresh():
                    return await fn(*args, **kwargs)
            return async_wrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return fn(*args, **kwargs)
        return wrapper
