"""Unmodified boto3/botocore clients served by apsim, in process: no server, no socket.

    with apsim.mock_aws(seed=1) as sim:
        efs = boto3.client("efs", region_name="us-east-1")
        efs.create_file_system(CreationToken="t")        # answered by libapsim.so

A drop-in for ``moto.mock_aws``: the same decorator (bare or called, on functions, coroutine
functions, generators and classes), context manager and ``start()``/``stop()`` forms, and moto's
``config`` keyword. Every ``efs`` and ``fsx`` client created after ``import apsim`` (inside the
block, or before it: a module's ``EFS = boto3.client("efs")``) is routed to the world of the block
active when it calls; :func:`patch_client` routes one created before. Requests of every other
service are answered by moto when ``moto.mock_aws()`` is active too and has them, let through when
the block's ``passthrough`` names them, and otherwise stopped before they leave the process
(:class:`apsim.ServiceNotMockedError`), moto active or not. botocore
itself validates and serializes each request, and callers get exactly what botocore's parser makes
of AWS's answer: ``ClientError`` subclasses with the right code and status, ``datetime`` fields,
paginators and waiters.

How: a ``before-call`` handler (the event botocore emits once the request is validated and
serialized, before it is signed or sent) hands the serialized request to ``apsim_http`` and hands
botocore the HTTP response and the parsed response, as botocore's Stubber does. By default the
parsed response is made by :mod:`apsim._fastparse` (the fast path): exactly the dict botocore's
parser for the operation would make of the same reply, with the modeled error fields botocore's
endpoint adds, without running that parser; where it cannot be sure of that, botocore's parser
runs. ``mock_aws(wire=True)`` (any form: ``@mock_aws(wire=True)``, ``with mock_aws(wire=True,
seed=1)``, ``@pytest.mark.apsim(wire=True)``) parses every reply of its block with botocore's
parser instead (the path before the fast one), and the environment variable ``APSIM_MOCK_WIRE=1``
makes that the default of every block that does not say. tests/test_fastpath_differential.py
checks that both give the same on every operation. While a fault injected with
:meth:`Simulator.inject_fault` is armed, the handler steps aside, on either path, and a
``before-send`` handler answers instead, so botocore's retry logic and parser run exactly as
against AWS (429 and 5xx are retried); the backoff before a retry moves the world's clock instead
of sleeping (:class:`_EndpointTime`). The same ``before-send`` handler, registered ahead of moto's,
stops the requests of other services that nothing answers.

Inside ``moto.mock_aws()`` too, EFS and FSx see moto's EC2: CreateMountTarget,
ModifyMountTargetSecurityGroups, DeleteMountTarget and FSx CreateFileSystem and DeleteFileSystem go
through :mod:`apsim._moto_network`, which declares moto's VPCs, subnets and security groups to the
world and keeps network interfaces in moto's EC2 for each mount target and FSx file system.

Threads: a thread that entered a block is served by its innermost block's world, and a thread it
starts (``threading.Thread.start``, so thread pools too) by that same world while the block lasts,
even when another thread's block began later: two tests running at once in two threads, each in
its own block, each see their own world, and so do the threads each starts. Any other thread (a pool
worker started before the block, say) is served by the world of the block entered last that is
still active. (The thread hook is installed by the first ``mock_aws()``; without an active block it
does nothing.)

Works with no AWS credentials configured: inside the block the AWS_* credential variables hold
dummy values, AWS_PROFILE and AWS_DEFAULT_PROFILE are set aside (a profile the machine does not have
would make boto3 raise ProfileNotFound; moto's blocks need none), and AWS_DEFAULT_REGION defaults to
the world's region (moto's ``config={"core": {"mock_credentials": False}}`` leaves credentials and
profile as they are). The environment is shared by every thread: the first of the active blocks
saves the variables, and the last to end restores them, also when blocks of two threads overlap
without nesting.
"""
import contextlib
import functools
import inspect
import json
import math
import os
import re
import sys
import threading
import unittest
import weakref
from threading import current_thread, get_ident
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Literal, Mapping, NamedTuple, Optional, Tuple, Union
from urllib.parse import parse_qsl, urlsplit

from . import _moto_network
from ._errors import ConfigError, ServiceNotMockedError
from .simulator import Simulator

SERVICES = ("efs", "fsx")

_lock = threading.Lock()  # guards the changes of _active, _entered, _options and the environment
# The worlds of the active blocks, in the order they were entered; and, per thread (its ident), the
# worlds of the active blocks it entered, innermost last. Tuples, replaced and never changed in place,
# so that _current reads them without the lock.
_active: Tuple[Simulator, ...] = ()
_entered: Dict[int, Tuple[Simulator, ...]] = {}
_handlers_installed = False  # the botocore handlers (at import, see _install_handlers)
_installed = False  # the rest, by the first mock_aws() (see _install)
_parsers: Dict[str, Any] = {}

_DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# The profile variables a block that mocks credentials sets aside: moto's blocks need no profile, and
# a profile that does not exist (AWS_PROFILE=nonexistent) would make boto3 raise ProfileNotFound.
_PROFILE_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
# The variables a block sets, as they were before the first of the active blocks began.
_saved_env: Dict[str, Optional[str]] = {}

# The attribute of a threading.Thread that holds the world of the thread that started it.
_STARTED_IN = "_apsim_world"


def _current() -> Optional[Simulator]:
    """The world the botocore calls of this thread go to: the thread's own (see _own_world), else
    the world of the block entered last that is still active, as for a pool worker started before
    any block. Runs on every botocore call, so it only reads, without the lock."""
    active = _active
    if not active:
        return None
    own = _own_world(active)
    return active[-1] if own is None else own


def _own_world(active: Tuple[Simulator, ...]) -> Optional[Simulator]:
    """The world of this thread's innermost active block, else the world the thread that started
    this one had then, while that world is still active: so two tests running at once in two
    threads, and the threads each starts, each see their own world."""
    entered = _entered.get(get_ident())
    if entered:
        return entered[-1]
    inherited = getattr(current_thread(), _STARTED_IN, None)
    return inherited if inherited is not None and inherited in active else None


def _start_in_world(start: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
    """``threading.Thread.start`` that also hands the new thread the starting thread's own world
    (read back by _own_world). It does nothing more while no world is active."""
    @functools.wraps(start)
    def start_in_world(thread: threading.Thread) -> None:
        if _active:
            setattr(thread, _STARTED_IN, _own_world(_active))
        start(thread)
    return start_in_world


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
    if set(map(type, headers.values())) <= {str}:  # what botocore serializes: no copy per value
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


def _reply(sim: Simulator, event_name: str, request: Dict[str, Any]) -> Tuple[int, Dict[str, str], bytes]:
    """apsim's reply to a request. While moto is active, the few operations that place resources in
    a VPC go through the bridge to moto's EC2 (apsim._moto_network); no other call pays for it."""
    if event_name in _moto_network.EVENTS and _moto_active():
        return _moto_network.answer(sim, event_name, request, _answer)
    return _answer(sim, request)


_awsrequest: Any = None
_fast: Any = None


def _botocore_awsrequest() -> Any:
    """botocore.awsrequest, imported on first use (apsim imports without botocore)."""
    global _awsrequest
    if _awsrequest is None:
        import botocore.awsrequest

        _awsrequest = botocore.awsrequest
    return _awsrequest


def _fastparse() -> Any:
    """apsim._fastparse (which imports botocore), imported on first use."""
    global _fast
    if _fast is None:
        from . import _fastparse as fast

        _fast = fast
    return _fast


def _host(url: str) -> str:
    """The host of an absolute URL (``https://host[:port]/path``), as urlsplit's netloc."""
    rest = url.partition("//")[2]
    return rest.split("/", 1)[0].split("?", 1)[0]


def _request(params: Dict[str, Any]) -> Dict[str, Any]:
    """The apsim_http request of a request dict botocore serialized (before-call's ``params``), with
    the Host of its URL (which names the region while the request is unsigned)."""
    headers = _headers(params.get("headers"))
    host = _host(params.get("url", ""))
    if host:
        headers.setdefault("Host", host)
    query = params.get("query_string") or {}
    return {
        "method": params.get("method", "POST"),
        "path": params.get("url_path", "/"),
        "query": query if isinstance(query, dict) else _text(query),
        "headers": headers,
        "body": _text(params.get("body")),
    }


def _before_call(model: Any = None, params: Optional[Dict[str, Any]] = None, context: Any = None,
                 event_name: str = "", request_signer: Any = None, **kwargs: Any) -> Any:
    sim = _current()
    if sim is None or params is None:
        return None
    service = _service(event_name)
    if service not in SERVICES:
        if service not in _service_names and model is not None:
            _service_names[service] = model.service_model.service_name
        return None
    if sim.faults_armed():
        # The full path: before-send answers and botocore retries as usual. botocore signs first: a
        # client made without credentials (outside any block) sends this request unsigned instead,
        # as apsim needs no signature (the world's default account answers, as for dummy credentials).
        if isinstance(context, dict) and getattr(request_signer, "_credentials", True) is None:
            context[_UNSIGNED] = True
        return None
    status, headers, body = _reply(sim, event_name, _request(params))
    return _answered(model, params.get("url", ""), status, headers, body, _options_of(sim).wire)


def _answered(model: Any, url: str, status: int, headers: Dict[str, str], body: bytes,
              wire: bool) -> Tuple[Any, Dict[str, Any]]:
    """What before-call hands botocore for apsim's reply to an operation of ``model``: the HTTP
    response and the parsed response. The fast path (apsim._fastparse) makes the parsed response
    botocore's parser would make; where it cannot be sure of that, and with ``wire``, botocore's
    parser makes it."""
    parser = _parser(model.metadata["protocol"])
    if not wire:
        fast = _fastparse()
        try:
            parsed = fast.parse(model, parser, status, headers, body)
        except fast.Unsupported:
            pass  # botocore's parser decides, below
        else:
            return fast.Answered(url, status, headers, _Raw(body)), parsed
    return _parse_wire(model, parser, url, status, headers, body)


def _parse_wire(model: Any, parser: Any, url: str, status: int, headers: Dict[str, str],
                body: bytes) -> Tuple[Any, Dict[str, Any]]:
    """The reply parsed by botocore's ``parser`` for the operation, with the modeled error fields
    added as botocore's Endpoint._add_modeled_error_fields adds them."""
    # One HeadersDict, shared by the AWSResponse and the parser (as botocore's endpoint does).
    http_response = _botocore_awsrequest().AWSResponse(url, status, headers, _Raw(body))
    response = {"status_code": status, "headers": http_response.headers, "body": body}
    parsed = parser.parse(response, model.output_shape)
    if status >= 300:
        shape = _fastparse().error_shape(model, parsed)
        if shape is not None:
            parsed.update(parser.parse(response, shape))
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return http_response, parsed


# The request context key by which _before_call asks _choose_signer for an unsigned request.
_UNSIGNED = "apsim_unsigned"


def _choose_signer(context: Any = None, **kwargs: Any) -> Any:
    """botocore's ``choose-signer`` handler: no signature for a request _before_call marked (an EFS or
    FSx request of a client without credentials, going the full path inside a block)."""
    if isinstance(context, dict) and context.get(_UNSIGNED) and _current() is not None:
        import botocore

        return botocore.UNSIGNED
    return None


def _moto_active() -> bool:
    """Whether a ``moto.mock_aws()`` is active (moto's botocore stubber is enabled). moto is never
    imported here: when it is not imported, it is not active."""
    models = sys.modules.get("moto.core.models")
    return bool(getattr(getattr(models, "botocore_stubber", None), "enabled", False))


# The boto3 name of each service ID seen by before-call ("elastic-load-balancing-v2" -> "elbv2"), so
# that before-send (whose event names carry only the ID) can name the service as the user knows it.
_service_names: Dict[str, str] = {}


def _before_send(request: Any = None, event_name: str = "", **kwargs: Any) -> Any:
    sim = _current()
    if sim is None or request is None:
        return None
    service = _service(event_name)
    if service not in SERVICES:
        _guard(sim, service, event_name, request.url)
        return None
    from botocore.awsrequest import AWSResponse, HeadersDict

    url = urlsplit(request.url)
    headers = _headers(request.headers)
    headers.setdefault("Host", url.netloc)
    status, reply_headers, body = _reply(sim, event_name, {
        "method": request.method,
        "path": url.path or "/",
        "query": {k: v for k, v in _multi(parse_qsl(url.query, keep_blank_values=True)).items()},
        "headers": headers,
        "body": _text(request.body),
    })
    answered = AWSResponse(request.url, status, HeadersDict(reply_headers), _Raw(body))
    # The world that answered: a retry's backoff advances its clock rather than sleeping (_EndpointTime).
    answered.apsim_world = sim
    # botocore calls every before-send handler, so moto's stubber (after this one) would see the
    # request too and act on its own EFS/FSx backend. It ignores URLs it does not know; botocore
    # builds a new request for each attempt, so this one is not used again.
    request.url = "apsim://answered" + (url.path or "/")
    return answered


def _guard(sim: Simulator, service_id: str, event_name: str, url: str) -> None:
    """Stops a request of a service apsim does not serve before it leaves the process, unless moto
    is active and takes it (answers it, in a handler after this one, or lets it out as moto's own
    configuration asks) or the block lets it pass (``passthrough``, or moto's ``config``)."""
    service = _service_names.get(service_id, service_id)
    moto = _moto_active()
    if moto and _moto_takes(url, service):
        return
    options = _options_of(sim)
    allowed = options.passthrough
    if allowed is True or service in allowed or service_id in allowed:
        return
    if options.passthrough_urls and any(pattern.match(_clean_url(url)) for pattern in options.passthrough_urls):
        return
    parts = event_name.split(".")
    raise ServiceNotMockedError(service, parts[2] if len(parts) > 2 else "", url=url if moto else None)


def _clean_url(url: str) -> str:
    """``scheme://host/path`` of a URL, without its query: what moto matches its passthrough URLs with."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


# moto's last resort in BotocoreStubber.process_request: any other AWS URL is answered 404 "Not yet
# implemented" rather than sent.
_AWS_URL = re.compile(r"https?://.+\.amazonaws.com/.*")


def _moto_takes(url: str, service: str) -> bool:
    """Whether moto's stubber (called after apsim's before-send while moto is active) answers a
    request to ``url``, or lets it out because moto's own configuration says so (its passthrough
    URLs, and services, ``service`` being boto3's name of the request's): moto's decision in
    BotocoreStubber.process_request, made without running the request. A request moto does neither
    for would be sent to the real endpoint (a service moto has no backend for, whose endpoint is not
    ``*.amazonaws.com``: ``s3files.<region>.api.aws``)."""
    try:
        from moto import backend_index, backends
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.core.base_backend import BackendDict
        from moto.core.config import passthrough_service, passthrough_url
        from moto.core.utils import get_equivalent_url_in_aws_domain
    except ImportError:
        return True  # a moto whose stubber this does not know: it decides, as before
    parsed, _ = get_equivalent_url_in_aws_domain(url)
    clean = f"{parsed.scheme}://{parsed.netloc}{parsed.path}"
    if passthrough_url(clean) or passthrough_service(service):
        return True
    for backend_name, pattern in backend_index.backend_url_patterns:
        if not pattern.match(clean):
            continue
        if passthrough_service(backend_name):
            return True
        try:
            backend_dict = backends.get_backend(backend_name)
            if isinstance(backend_dict, BackendDict):
                regions = backend_dict[DEFAULT_ACCOUNT_ID]
                backend = regions["us-east-1"] if "us-east-1" in regions else regions["aws"]
            else:
                backend = backend_dict["global"]
            if any(re.compile(route).match(clean) for route in backend.urls):
                return True
        except Exception:  # noqa: BLE001 - moto fails on its own when it gets there; nothing is sent
            return True
    return _AWS_URL.match(clean) is not None


class _Options(NamedTuple):
    """What a block was given besides its world: the services it lets pass (True for all), the URLs
    it lets pass (regular expressions matched at the start of ``scheme://host/path``, moto's
    ``core.passthrough.urls``) and whether botocore's parser parses the replies (``wire``)."""

    passthrough: Union[Literal[True], FrozenSet[str]] = frozenset()
    wire: bool = False
    passthrough_urls: Tuple["re.Pattern[str]", ...] = ()


# id(Simulator) -> the options of that world's active blocks, in the order they were entered: the
# last one entered applies (tuples replaced, never changed in place: read without the lock).
_options: Dict[int, Tuple[_Options, ...]] = {}


def _options_of(sim: Simulator) -> _Options:
    """The options of the block of ``sim`` entered last that is still active."""
    entered = _options.get(id(sim))
    return entered[-1] if entered else _Options()


def _wire_default() -> bool:
    """``wire`` for a block that does not say: APSIM_MOCK_WIRE=1 puts every such block on the wire
    path (to run a whole suite through botocore's parser)."""
    return os.environ.get("APSIM_MOCK_WIRE", "") not in ("", "0")


def _multi(pairs: List[Tuple[str, str]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            out[k] = out[k] + [v] if isinstance(out[k], list) else [out[k], v]
        else:
            out[k] = v
    return out


def _install_handlers() -> None:
    """Adds the handlers to every botocore session created from now on, as moto does when it is
    imported: run when apsim is imported (when botocore is installed), so that a client created
    before any block, such as a module's ``EFS = boto3.client("efs")``, is routed inside blocks
    too (outside them the handlers step aside). apsim's before-send goes first, ahead of moto's
    whichever is imported first: while a fault is armed, EFS and FSx requests reach before-send and
    must be answered by apsim."""
    global _handlers_installed
    if _handlers_installed:
        return
    try:
        from botocore.handlers import BUILTIN_HANDLERS
    except ImportError:
        return  # no botocore: no client to route (mock_aws needs botocore, and installs them then)
    BUILTIN_HANDLERS.append(("before-call", _before_call))
    BUILTIN_HANDLERS.insert(0, ("before-send", _before_send))
    BUILTIN_HANDLERS.insert(0, ("choose-signer", _choose_signer))  # ahead of botocore's, which answer first
    _handlers_installed = True


def _install() -> None:
    """What the first ``mock_aws()`` sets up: the handlers (if apsim's import could not), threads
    started from now on learn the world of the thread that starts them, and botocore's retries
    sleep through :class:`_EndpointTime` (only once apsim mocks: code that never does keeps
    threading and botocore as they are)."""
    global _installed
    if _installed:
        return
    _install_handlers()
    import botocore.endpoint

    threading.Thread.start = _start_in_world(threading.Thread.start)  # type: ignore[method-assign, assignment]
    botocore.endpoint.time = _EndpointTime(botocore.endpoint.time)  # type: ignore[assignment]
    _installed = True


class _EndpointTime:
    """botocore.endpoint's ``time``: the time module, but for ``sleep`` when botocore's endpoint
    waits out the backoff before retrying a reply apsim answered in process (an injected fault, on
    the fast path or the wire path alike): then the world that answered moves its clock forward by
    the backoff (rounded up to the millisecond: at least that much time has passed) and the call
    returns at once. Anything else sleeps for real: other requests' retries, and every other thread
    (time.sleep itself is left alone). ``apsim serve`` is another process, on real time.

    ``Endpoint._needs_retry`` (the one caller of ``time.sleep`` in botocore.endpoint) emits
    ``needs-retry``, whose handlers compute the backoff, then calls ``time.sleep(backoff)``; the reply
    being retried is its ``response`` argument, ``(http_response, parsed)``, whose http_response
    apsim's before-send marks with the world (``apsim_world``)."""

    def __init__(self, module: Any) -> None:
        self._time = module
        from botocore.endpoint import Endpoint

        self._needs_retry = Endpoint._needs_retry.__code__

    def __getattr__(self, name: str) -> Any:
        return getattr(self._time, name)

    def sleep(self, seconds: float) -> None:
        caller = sys._getframe(1)
        if caller.f_code is self._needs_retry:
            response = caller.f_locals.get("response")
            world = getattr(response[0], "apsim_world", None) if isinstance(response, tuple) and response else None
            if isinstance(world, Simulator) and not world.closed:
                milliseconds = math.ceil(seconds * 1000)
                if milliseconds > 0:
                    world.advance_clock(milliseconds)
                return
        self._time.sleep(seconds)


def patch_client(client: Any) -> Any:
    """Routes a client created before apsim was imported (its session lacks the handlers)."""
    client.meta.events.register("before-call", _before_call)
    client.meta.events.register_first("before-send", _before_send)
    client.meta.events.register_first("choose-signer", _choose_signer)
    return client


def _activate(sim: Simulator, thread: int, options: _Options, region: str, moto: "_MotoConfig") -> None:
    """Makes ``sim`` the world of ``thread``'s innermost block and the world entered last, with dummy
    credentials in the environment and no profile (unless moto's config says ``mock_credentials``
    False), ``region`` unless one is set, and the blocks' boto3 default session (unless it says
    ``reset_boto3_session`` False). Called under _lock."""
    global _active
    if not _active:
        _saved_env.clear()
        _saved_env.update((k, os.environ.get(k)) for k in (*_DUMMY_ENV, *_PROFILE_ENV, "AWS_DEFAULT_REGION"))
    if moto.mock_credentials:
        os.environ.update(_DUMMY_ENV)
        for name in _PROFILE_ENV:
            os.environ.pop(name, None)
    if not os.environ.get("AWS_DEFAULT_REGION"):
        os.environ["AWS_DEFAULT_REGION"] = region
    if moto.reset_boto3_session:
        _enter_default_session()
    _options[id(sim)] = _options.get(id(sim), ()) + (options,)
    _entered[thread] = _entered.get(thread, ()) + (sim,)
    _active += (sim,)


def _deactivate(sim: Simulator, thread: int, options: _Options) -> None:
    """Ends a block of ``sim`` that ``thread`` entered (whichever thread ends it). The environment is
    put back by the last active block to end, as the first found it: blocks that overlap without
    nesting, in two threads, neither leave the dummy credentials behind nor remove them while the
    other still runs. Called under _lock."""
    global _active
    _active = _without(_active, sim)
    entered = _without(_entered[thread], sim)
    if entered:
        _entered[thread] = entered
    else:
        del _entered[thread]
    remaining = _without(_options[id(sim)], options)
    if remaining:
        _options[id(sim)] = remaining
    else:
        del _options[id(sim)]
    if not _active:
        for k, v in _saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        _leave_default_session()


# boto3's default session inside blocks: one kept for the process, with the botocore handlers it
# was made with. A new session parses botocore's endpoint and model files again (about 0.1 s), which
# was most of a short test's time when every block reset boto3's default session.
_block_session: Dict[str, Any] = {}
# boto3.DEFAULT_SESSION as the first of the active blocks found it (put back by the last to end).
_saved_session: List[Any] = []


def _enter_default_session() -> None:
    """Makes boto3's default session the blocks' own (see _block_session), its credentials read
    again from this block's environment. A session made before the handlers changed (apsim's
    installed, or moto's, which moto adds at import) is replaced. Called under _lock."""
    boto3 = sys.modules.get("boto3")
    if boto3 is None:
        return  # boto3 makes its default session on first use, with the handlers already in place
    from botocore.handlers import BUILTIN_HANDLERS

    if not _saved_session:  # the first active block that finds boto3 imported
        _saved_session[:] = [boto3.DEFAULT_SESSION]
    handlers = tuple(map(id, BUILTIN_HANDLERS))
    session = _block_session.get("session")
    if session is None or _block_session.get("handlers") != handlers:
        session = boto3.session.Session()
        _block_session.update(session=session, handlers=handlers)
    elif getattr(session._session, "_credentials", None) is not None:
        session._session._credentials = None  # botocore caches them; this block's environment decides
    boto3.DEFAULT_SESSION = session


def _leave_default_session() -> None:
    """Puts back the default session the first active block found (the blocks' own stays cached
    for the next block). Called under _lock."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None and _saved_session and boto3.DEFAULT_SESSION is _block_session.get("session"):
        boto3.DEFAULT_SESSION = _saved_session[0]
    _saved_session.clear()


def _without(entries: Tuple[Any, ...], entry: Any) -> Tuple[Any, ...]:
    """``entries`` less its last ``entry`` (a world two blocks entered stays active until both end)."""
    last = len(entries) - 1 - entries[::-1].index(entry)
    return entries[:last] + entries[last + 1:]


class _MotoConfig(NamedTuple):
    """What apsim takes from moto's ``config`` dict (``mock_aws(config=...)``, moto's keyword): the
    services and URLs let through (``core.passthrough``), whether the block sets dummy credentials
    (``core.mock_credentials``) and whether it makes boto3's default session its own
    (``core.reset_boto3_session``). The rest of moto's configuration is for moto's own services."""

    services: FrozenSet[str] = frozenset()
    urls: Tuple["re.Pattern[str]", ...] = ()
    mock_credentials: bool = True
    reset_boto3_session: bool = True


# moto's configuration (moto/core/config.py, DefaultConfig): its sections, and the keys of "core".
# apsim applies core's passthrough, mock_credentials and reset_boto3_session; core's service_whitelist
# (which of moto's services moto mocks) and the other sections (docker for batch and lambda, IAM's
# managed policies, Step Functions' execution, IoT certificates) configure moto's own services and
# are left to moto: pass them to moto.mock_aws(config=...) when moto is active too.
_MOTO_SECTIONS = ("batch", "core", "iam", "iot", "lambda", "stepfunctions")
_MOTO_CORE = ("mock_credentials", "passthrough", "reset_boto3_session", "service_whitelist")


def _moto_config(config: Any) -> _MotoConfig:
    """moto's ``config`` dict checked and reduced to what apsim applies; a config moto's types do
    not allow raises :class:`ConfigError` naming the member."""
    if config is None:
        return _MotoConfig()

    def refuse(message: str) -> ConfigError:
        return ConfigError({"Error": {"Code": "InvalidConfiguration", "Message": f"mock_aws(config=...): {message}"}})

    def described(value: Any) -> str:
        return f"{type(value).__name__} {value!r}"[:120]

    def strings(value: Any, where: str, what: str) -> Tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise refuse(f"{where} must be a list of {what}, not {described(value)}")
        return tuple(value)

    if not isinstance(config, Mapping):
        raise refuse(f"config takes moto's configuration dict, e.g. {{'core': {{'passthrough': {{'services': "
                     f"['s3']}}}}}}, not {described(config)}")
    for section, value in config.items():
        if section not in _MOTO_SECTIONS:
            raise refuse(f"unknown section {section!r}: moto's configuration has {', '.join(_MOTO_SECTIONS)}")
        if not isinstance(value, Mapping):
            raise refuse(f"config[{section!r}] must be a dict, not {described(value)}")
    core = config.get("core", {})
    for key in core:
        if key not in _MOTO_CORE:
            raise refuse(f"unknown key {key!r} in config['core']: moto's has {', '.join(_MOTO_CORE)}")
    flags = {}
    for key in ("mock_credentials", "reset_boto3_session"):
        value = core.get(key, True)
        if not isinstance(value, bool):
            raise refuse(f"config['core'][{key!r}] must be True or False, not {described(value)}")
        flags[key] = value
    whitelist = core.get("service_whitelist")
    if whitelist is not None:
        strings(whitelist, "config['core']['service_whitelist']", "service names")
    passthrough = core.get("passthrough", {})
    if not isinstance(passthrough, Mapping):
        raise refuse(f"config['core']['passthrough'] must be a dict with 'services' and 'urls', not {described(passthrough)}")
    for key in passthrough:
        if key not in ("services", "urls"):
            raise refuse(f"unknown key {key!r} in config['core']['passthrough']: moto's has services, urls")
    services = strings(passthrough.get("services", []), "config['core']['passthrough']['services']", "service names")
    urls = []
    for url in strings(passthrough.get("urls", []), "config['core']['passthrough']['urls']", "regular expressions"):
        try:
            urls.append(re.compile(url))
        except re.error as e:
            raise refuse(f"config['core']['passthrough']['urls'] holds {url!r}, which is not a regular expression: {e}") from None
    return _MotoConfig(frozenset(services), tuple(urls), **flags)


def _is_target(value: Any) -> bool:
    """What a bare ``@mock_aws`` decorates: a function or a class (not a Simulator)."""
    return inspect.isclass(value) or inspect.isfunction(value) or inspect.ismethod(value)


class mock_aws:
    """Routes boto3's efs and fsx clients to a fresh apsim world, as ``moto.mock_aws`` does for its
    services. Every form moto has works:

    - context manager: ``with mock_aws(seed=1) as sim:`` (``sim`` is the :class:`Simulator`);
    - decorator, bare or called: ``@mock_aws``, ``@mock_aws()``, ``@mock_aws(seed=1)`` on functions,
      methods, coroutine functions and (async) generators: each call gets a fresh world, and the
      wrapper keeps the name, docstring and signature (pytest still injects fixtures);
    - class decorator: every ``test*`` method runs in a fresh world; ``setUp``/``tearDown`` of a
      ``unittest.TestCase`` (and ``setup_method``/``teardown_method`` of a pytest class) run in the
      world of their test; ``setUpClass`` runs outside any world, as with moto;
    - ``m = mock_aws(); sim = m.start(); ...; m.stop()``;
    - the ``apsim_aws`` pytest fixture.

    ``mock_aws(**config)`` opens each world with those config keys (see :class:`Simulator`); when
    the block begins without ``account_id``, the environment's MOTO_ACCOUNT_ID (moto's default
    account) is the world's default account. ``mock_aws(simulator=sim)`` uses an existing world (and
    leaves it open). ``mock_aws(config={...})`` takes moto's configuration dict (see _moto_config):
    its ``core.passthrough`` services and URLs are let through, ``core.mock_credentials`` False
    leaves the credentials and profile of the environment as they are, and
    ``core.reset_boto3_session`` False leaves boto3's default session as it is; the rest of it is
    for moto's own services and ignored (a section or key moto does not have, or a value of another
    type, raises :class:`ConfigError`). ``wire=True`` parses the
    block's replies with botocore's parser rather than the fast path (see :mod:`apsim.mock`; the
    default is False, or True when the environment has APSIM_MOCK_WIRE=1 as the block begins); a
    nested block's ``wire`` applies while it lasts, then the outer block's again.

    Other services: inside the block no request of a service apsim does not serve leaves the
    process. When ``moto.mock_aws()`` is active too (either nesting order), moto answers them (apsim
    for EFS and FSx, moto for the rest); otherwise the call raises :class:`ServiceNotMockedError` at
    once. ``passthrough=["s3", ...]`` or ``passthrough=True`` lets real requests of those services
    (or all) go out deliberately.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and _is_target(args[0]):
            return cls()(args[0])  # bare @mock_aws
        return super().__new__(cls)

    def __init__(self, simulator: Optional[Simulator] = None, *,
                 passthrough: Union[bool, Iterable[str], None] = None, wire: Optional[bool] = None,
                 config: Optional[Mapping[str, Any]] = None, **world: Any) -> None:
        if simulator is not None and world:
            raise TypeError("give either simulator= or the config keys of a new world, not both")
        if isinstance(passthrough, str):
            raise TypeError('passthrough takes True or a list of service names, e.g. passthrough=["s3"]')
        self._moto = _moto_config(config)
        self._moto_given = config
        self._given = simulator
        self._config = world
        given: Union[Literal[True], FrozenSet[str]] = True if passthrough is True else frozenset(passthrough or ())
        self._given_passthrough: Union[bool, List[str]] = True if given is True else sorted(given)  # for _fresh
        self._passthrough: Union[Literal[True], FrozenSet[str]] = True if given is True else given | self._moto.services
        self._wire = wire
        self._options = _Options()  # the block's, made as it begins
        self._owned: Optional[Simulator] = None
        self._current: Optional[Simulator] = None
        self._thread = 0  # the ident of the thread that entered the block
        with _lock:
            _install()

    def __enter__(self) -> Simulator:
        if self._current is not None:
            raise RuntimeError("this mock_aws is already started; make another for a nested world")
        sim = self._given or _open_world(self._config)
        if self._given is None:
            self._owned = sim
        self._thread = get_ident()
        self._options = _Options(self._passthrough, _wire_default() if self._wire is None else bool(self._wire),
                                 self._moto.urls)
        with _lock:
            _activate(sim, self._thread, self._options, self._config.get("region") or "us-east-1", self._moto)
        self._current = sim
        return sim

    def __exit__(self, *exc: Any) -> None:
        sim = self._current
        if sim is None:
            raise RuntimeError("Called stop() before start().")
        with _lock:
            _deactivate(sim, self._thread, self._options)
        self._current = None
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def start(self) -> Simulator:
        """moto's imperative form: starts routing to a fresh world and returns its Simulator."""
        return self.__enter__()

    def stop(self) -> None:
        """Ends what :meth:`start` began (the world is closed unless it was given)."""
        self.__exit__(None, None, None)

    def _fresh(self) -> "mock_aws":
        """A new mock with the same arguments: each decorated call gets its own world."""
        passthrough = self._given_passthrough
        if self._given is not None:
            return mock_aws(simulator=self._given, passthrough=passthrough, wire=self._wire, config=self._moto_given)
        return mock_aws(passthrough=passthrough, wire=self._wire, config=self._moto_given, **self._config)

    def __call__(self, target: Any) -> Any:
        if inspect.isclass(target):
            return _decorate_class(self, target)
        return _decorate_function(self._fresh, target)


def _open_world(config: Dict[str, Any]) -> Simulator:
    """A new world with ``config``; without an ``account_id``, the environment's MOTO_ACCOUNT_ID (the
    account moto answers in) is its default account, so that moto's ARNs and apsim's agree and the
    moto bridge finds moto's network in that account."""
    moto_account = os.environ.get("MOTO_ACCOUNT_ID") if "account_id" not in config else None
    if not moto_account:
        return Simulator(**config)
    try:
        return Simulator(**config, account_id=moto_account)
    except ConfigError as e:
        message = e.response.get("Error", {}).get("Message", str(e))
        if "account_id" not in message:
            raise
        raise ConfigError({"Error": {"Code": "InvalidConfiguration",
                                     "Message": f"MOTO_ACCOUNT_ID={moto_account!r} in the environment (the world's default "
                                                f"account): {message}"}}) from None


def _decorate_function(fresh: Callable[[], "mock_aws"], fn: Any) -> Any:
    """``fn`` run inside ``with fresh():``, whatever kind of function it is."""
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def coroutine_wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return await fn(*args, **kwargs)
        return coroutine_wrapper

    if inspect.isasyncgenfunction(fn):
        @functools.wraps(fn)
        async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                agen = fn(*args, **kwargs)
                try:
                    value = await agen.__anext__()
                    while True:
                        try:
                            sent = yield value
                        except GeneratorExit:
                            await agen.aclose()
                            raise
                        except BaseException as e:  # thrown into the wrapper: into fn
                            value = await agen.athrow(e)
                        else:
                            value = await agen.asend(sent)
                except StopAsyncIteration:
                    return
        return async_generator_wrapper

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return (yield from fn(*args, **kwargs))
        return generator_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with fresh():
            return fn(*args, **kwargs)
    return wrapper


def _decorate_class(mock: mock_aws, klass: type) -> type:
    """Each test of ``klass`` in a fresh world, with its set-up and tear-down in the same world.

    A ``unittest.TestCase`` gets its ``run`` wrapped: unittest (and pytest, which runs TestCases
    through ``run``) calls setUp, the test, tearDown and the cleanups inside it. A plain (pytest)
    class gets its ``test*`` methods wrapped, and, when it has ``setup_method`` or
    ``teardown_method``, both: the world opens before ``setup_method`` and closes after
    ``teardown_method``. Class-level set-up (``setUpClass``, ``setup_class``) is left as it is.
    """
    if issubclass(klass, unittest.TestCase):
        run = klass.run

        @functools.wraps(run)
        def run_in_world(self: Any, *args: Any, **kwargs: Any) -> Any:
            with mock._fresh():
                return run(self, *args, **kwargs)
        klass.run = run_in_world  # type: ignore[method-assign]
        return klass

    worlds: "weakref.WeakKeyDictionary[Any, mock_aws]" = weakref.WeakKeyDictionary()

    def in_world(fn: Any) -> Any:
        """A test method: in the world its setup_method opened, else in one of its own."""
        def fresh_unless_open(self: Any) -> Any:
            return contextlib.nullcontext() if self in worlds else mock._fresh()
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def coroutine_method(self: Any, *args: Any, **kwargs: Any) -> Any:
                with fresh_unless_open(self):
                    return await fn(self, *args, **kwargs)
            return coroutine_method

        @functools.wraps(fn)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            with fresh_unless_open(self):
                return fn(self, *args, **kwargs)
        return method

    for name, value in list(vars(klass).items()):
        if name.startswith("test") and inspect.isfunction(value):
            setattr(klass, name, in_world(value))

    setup, teardown = getattr(klass, "setup_method", None), getattr(klass, "teardown_method", None)
    if setup is None and teardown is None:
        return klass

    def setup_method(self: Any, method: Any = None) -> None:
        opened = mock._fresh()
        opened.__enter__()
        worlds[self] = opened
        try:
            if setup is not None:
                _call_with_optional_argument(setup, self, method)
        except BaseException:
            worlds.pop(self).__exit__(None, None, None)
            raise

    def teardown_method(self: Any, method: Any = None) -> None:
        try:
            if teardown is not None:
                _call_with_optional_argument(teardown, self, method)
        finally:
            opened = worlds.pop(self, None)
            if opened is not None:
                opened.__exit__(None, None, None)

    for name, wrapper, original in (("setup_method", setup_method, setup),
                                    ("teardown_method", teardown_method, teardown)):
        if original is not None:
            functools.update_wrapper(wrapper, original)
        setattr(klass, name, wrapper)
    return klass


def _call_with_optional_argument(fn: Any, self: Any, method: Any) -> None:
    """Calls ``fn(self, method)`` or ``fn(self)``, as pytest calls setup_method/teardown_method."""
    code = getattr(fn, "__code__", None)
    if code is not None and code.co_argcount >= 2:
        fn(self, method)
    else:
        fn(self)


with _lock:
    _install_handlers()  # as moto does when imported: clients created from now on are routed in blocks
