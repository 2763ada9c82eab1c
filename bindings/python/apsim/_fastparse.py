"""mock_aws's fast path: from one of apsim's replies, the parsed response botocore's own parser makes
of it, without running botocore's parser (``apsim.mock_aws(wire=True)`` runs it instead).

What botocore does with a reply, and so what :func:`parse` does, for the two protocols apsim
speaks (EFS rest-json, FSx JSON 1.1), following ``botocore.parsers`` and the modeled error fields
``botocore.endpoint.Endpoint._add_modeled_error_fields`` adds (apsim.mock adds them the same way):

- the body is JSON: each structure keeps the members of its shape that are present and not null,
  in the shape's member order (unknown keys are dropped); lists keep their items (nulls too);
  scalars go through the parser's own handler for their type (timestamps through its timestamp
  parser, so ``datetime`` with botocore's ``tzutc``/``tzlocal``; rest-json ``int()``/``float()``/
  ``ensure_boolean``), and through nothing where the handler returns the value as it is;
- ``ResponseMetadata``: RequestId (``x-amzn-requestid``, else ``x-amz-request-id`` and HostId),
  HTTPStatusCode, HTTPHeaders (the headers with lower-cased names), RetryAttempts 0;
- an error: ``{"Error": {"Message", "Code"}}`` from ``__type``/``message``/``Message`` (rest-json:
  ``x-amzn-errortype`` or ``code``/``Code`` first), the code cut at ``:`` and ``#``; then the members
  of the error shape the code names, parsed from the body as any structure.

Plans: what each shape needs is worked out once per botocore service model (a :class:`_Structure`
per shape name: which members to keep and which to convert) and kept while the model lives. The
common case is one JSON decode, then per structure one check that its keys are members in member
order with no null (then the decoded dict is the parsed one, its converted members replaced in
place), else botocore's loop over the members.

Whatever this module does not reproduce exactly raises :class:`Unsupported` and the caller uses
botocore's parser: shapes with members bound to headers or the status code, payloads, event
streams, unions or maps (none of them in an EFS or FSx output or error); a status outside 2xx and
4xx/5xx, a 5xx body that is not a JSON object, a body that does not decode to a JSON object; a
value of the wrong JSON type for its shape, or one the parser's handler refuses. So the fast path
answers either exactly what botocore's parser would or nothing; tests/test_fastpath_differential.py
compares the two on every operation of both services.

JSON: ``apsim._codec.loads`` (orjson when installed), which reads every text as ``json.loads``,
botocore's decoder, reads it (it hands the text to ``json.loads`` wherever orjson could differ: see
its documentation); ``json.loads`` itself when the binding has no codec module.
"""

from __future__ import annotations

import json
import threading
import weakref
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.parsers import JSONParser, RestJSONParser
from botocore.utils import is_json_value_header

try:
    from . import _codec
except ImportError:  # a binding without the codec module: botocore's own decoder
    _codec = None  # type: ignore[assignment]

__all__ = ["Unsupported", "parse", "Answered"]

class Unsupported(Exception):
    """This reply, or the shapes of its operation, is beyond what this module reproduces exactly:
    parse it with botocore's parser."""


class _Always:
    """A type no JSON value has: the ``identity`` type of a converter that always runs."""


# The JSON type for which a rest-json scalar handler returns the value as it is (int(), float(),
# ensure_boolean()); JSON 1.1 has no handlers for these (its _default_handle returns the value).
_IDENTITY_TYPE = {"integer": int, "long": int, "boolean": bool, "float": float, "double": float}

# How many distinct key orders a structure remembers as checked (a bound on memory only).
_MAX_ORDERS = 256

# From how many items on a list of structures are checked all at once (_Structure.convert_column).
_COLUMN = 2


def _decode(body: bytes) -> Dict[str, Any]:
    """The body as botocore's ``_parse_body_as_json`` reads it, when that is a JSON object (an empty
    body reads as ``{}``); anything else raises Unsupported."""
    if not body:
        return {}
    try:
        document = json.loads(body.decode("utf-8")) if _codec is None else _codec.loads(body)
    except ValueError as e:  # botocore would answer {"message": body}: its parser does that
        raise Unsupported("the body is not JSON") from e
    if type(document) is not dict:
        raise Unsupported("the body is not a JSON object")
    return document


class _Scalar:
    """A scalar shape whose parser handler converts values: ``identity`` is the JSON type it
    returns as it is (rest-json numbers and booleans), _Always when it converts every value."""

    __slots__ = ("identity", "handler", "shape")

    def __init__(self, identity: type, handler: Callable[[Any, Any], Any], shape: Any) -> None:
        self.identity, self.handler, self.shape = identity, handler, shape

    def convert(self, value: Any) -> Any:
        """The parser's handler on ``value``; a value it refuses makes the reply Unsupported (so
        botocore's parser gives the caller what it gives, an exception included)."""
        try:
            return self.handler(self.shape, value)
        except Exception as e:  # re-raised as Unsupported: botocore's parser reproduces the failure
            raise Unsupported(f"{self.shape.name}: {value!r}") from e


# A node converts the values of one shape: a _Scalar, _List or _Structure.
Node = Any
# The values a member or list item needs: those not of ``identity`` go through ``node`` (no node:
# every value is left as it is).
Need = Tuple[type, Optional[Node]]
# Members of a structure that need converting that later get converted, all at once: the dicts
# holding the member, its JSON key, its node.
Later = List[Tuple[List[Dict[str, Any]], str, Node]]


def _all_of(values: List[Any], kind: type) -> bool:
    """Whether every one of ``values`` (one at least) is exactly of type ``kind``."""
    return set(map(type, values)) == {kind}


class _List:
    """A list shape (``_handle_list``): each item converted as ``need`` says, nulls kept."""

    __slots__ = ("identity", "item")

    def __init__(self, need: Need) -> None:
        self.identity, self.item = need

    def convert(self, value: Any) -> Any:
        """The parsed list: several items of a structure checked all at once (see
        _Structure.convert_column), else each converted."""
        if type(value) is not list:
            raise Unsupported("a list that is not a JSON array")
        item = self.item
        if item is None:
            return value
        if type(item) is _Structure and len(value) >= _COLUMN and item.convert_column(value):
            return value
        identity, convert = self.identity, item.convert
        return [member if member is None or type(member) is identity else convert(member) for member in value]

    def column(self, lists: List[Any], later: Later) -> bool:
        """Checks several lists of this shape at once, for _Structure.convert_column."""
        if not _all_of(lists, list):
            return False
        items = list(chain.from_iterable(lists))
        if self.item is None or not items:
            return True
        if type(self.item) is _Structure:
            return self.item.column(items, later)
        return self.identity is not _Always and _all_of(items, self.identity)


class _Structure:
    """How one structure shape is parsed: the members (name, JSON key, identity type, node) in
    member order. ``orders`` remembers the key tuples met that are member keys in member order,
    each with the members among them that need converting. ``nulls``: whether the document may
    hold a null (a body without the bytes ``null`` holds none: no structure is scanned for one)."""

    __slots__ = ("members", "keys", "orders", "renamed", "nulls")

    def __init__(self, nulls: bool) -> None:
        self.nulls = nulls
        self.members: List[Tuple[str, str, type, Optional[Node]]] = []
        self.keys: Dict[str, Tuple[int, type, Optional[Node]]] = {}
        self.orders: Dict[Tuple[str, ...], Tuple[Tuple[str, type, Node], ...]] = {}
        self.renamed = False

    def add(self, name: str, key: str, need: Need) -> None:
        """Appends a member (in the shape's member order)."""
        identity, node = need
        self.members.append((name, key, identity, node))
        self.keys.setdefault(key, (len(self.keys), identity, node))
        self.renamed = self.renamed or key != name

    def convert(self, value: Any) -> Any:
        """``_handle_structure`` of botocore's JSON parsers on ``value``."""
        if type(value) is not dict:
            if value is None:
                return None
            raise Unsupported("a structure that is not a JSON object")
        keys = tuple(value)
        converted = self.orders.get(keys)
        if converted is None:
            converted = self._in_order(keys)
        if converted is not None and not (self.nulls and None in value.values()):
            # botocore's loop would copy exactly these keys in this order: convert in place.
            for key, identity, node in converted:
                item = value[key]
                if type(item) is not identity:
                    value[key] = node.convert(item)
            return value
        out = {}
        for name, key, identity, member in self.members:
            item = value.get(key)
            if item is not None:
                out[name] = item if member is None or type(item) is identity else member.convert(item)
        return out

    def convert_column(self, values: List[Any]) -> bool:
        """Converts several values of this shape in place at once, when convert would convert each
        in place and leave every member of a JSON type its handler returns as it is untouched
        (checked member by member across the values before anything changes); else changes
        nothing and answers False (the caller converts them one by one)."""
        later: Later = []
        if not self.column(values, later):
            return False
        for dicts, key, node in later:
            for value in dicts:
                value[key] = node.convert(value[key])
        return True

    def column(self, values: List[Any], later: Later) -> bool:
        """Checks several values of this shape for convert_column (changing nothing), adding to
        ``later`` the members whose every value is converted (timestamps)."""
        if self.nulls or not _all_of(values, dict):
            return False
        orders = set(map(tuple, values))
        converted = self._members_of(orders)
        if converted is None:
            return False
        for key, identity, node in converted:
            holders = values if len(orders) == 1 else [value for value in values if key in value]
            if identity is not _Always:
                ok = set(map(type, map(itemgetter(key), holders))) == {identity}
            elif type(node) is _Scalar:
                later.append((holders, key, node))
                ok = True
            else:
                ok = node.column(list(map(itemgetter(key), holders)), later)
            if not ok:
                return False
        return True

    def _members_of(self, orders: Set[Tuple[str, ...]]) -> Optional[Iterable[Tuple[str, type, Node]]]:
        """The members that need converting in values with these key orders, or None when one of
        the orders is not member keys in member order."""
        converted: Dict[str, Tuple[str, type, Node]] = {}
        for keys in orders:
            found = self.orders.get(keys)
            if found is None:
                found = self._in_order(keys)
                if found is None:
                    return None
            if len(orders) == 1:
                return found
            converted.update((entry[0], entry) for entry in found)
        return converted.values()

    def _in_order(self, keys: Tuple[str, ...]) -> Optional[Tuple[Tuple[str, type, Node], ...]]:
        """The members of ``keys`` that need converting when ``keys`` are member keys in member
        order, each its member's name (remembered); else None."""
        if self.renamed:
            return None
        index = -1
        converted = []
        for key in keys:
            position, identity, node = self.keys.get(key, (-1, _Always, None))
            if position <= index:
                return None
            index = position
            if node is not None:
                converted.append((key, identity, node))
        if len(self.orders) < _MAX_ORDERS:
            self.orders[keys] = tuple(converted)
        return tuple(converted)


class _Compiler:
    """The plans of one botocore service model, made on first use: a :class:`_Structure` per shape
    name (shared by every operation, so recursive shapes end), the plan of each operation's output
    and of each error shape. Plans are made under a lock and published complete."""

    def __init__(self, parser: Any, nulls: bool) -> None:
        if type(parser) not in (RestJSONParser, JSONParser):
            raise Unsupported(f"a {type(parser).__name__}")
        self.rest = type(parser) is RestJSONParser
        self.parser = parser
        self.nulls = nulls
        self.structures: Dict[str, _Structure] = {}
        self.outputs: Dict[str, Optional[_Structure]] = {}  # operation name -> plan (None: no output)
        self.errors: Dict[str, _Structure] = {}  # error shape name -> plan
        self.refused: Dict[str, str] = {}  # "operation <name>" or a shape name -> why it is Unsupported
        self.lock = threading.Lock()

    def output(self, model: Any) -> Optional[_Structure]:
        """The plan of an operation's output (None: the operation has none)."""
        try:
            return self.outputs[model.name]
        except KeyError:
            pass
        with self.lock:
            if model.name not in self.outputs:
                shape = model.output_shape
                self.outputs[model.name] = None if shape is None else self._top(f"operation {model.name}", shape)
            return self.outputs[model.name]

    def error(self, shape: Any) -> _Structure:
        """The plan of an error shape (its members are added to the parsed error)."""
        plan = self.errors.get(shape.name)
        if plan is None:
            with self.lock:
                plan = self.errors[shape.name] = self.errors.get(shape.name) or self._top(shape.name, shape)
        return plan

    def _top(self, name: str, shape: Any) -> _Structure:
        """A structure parsed as a whole response body: no member bound to a header or the status
        code, no payload or event stream, no member named like a key botocore adds. On a refusal
        the plans made meanwhile are dropped (they may refer to an unfinished one)."""
        why = self.refused.get(name)
        if why is None:
            why = _refusal(shape)
        if why is None:
            made = set(self.structures)
            try:
                return self._structure(shape)
            except Unsupported as e:
                for unfinished in set(self.structures) - made:
                    del self.structures[unfinished]
                why = str(e)
        self.refused[name] = why
        raise Unsupported(f"{name}: {why}")

    def _structure(self, shape: Any) -> _Structure:
        """The plan of a structure shape (a document type needs none: see _need)."""
        plan = self.structures.get(shape.name)
        if plan is not None:
            return plan
        if shape.is_tagged_union:
            raise Unsupported(f"{shape.name} is a union")
        plan = self.structures[shape.name] = _Structure(self.nulls)  # before the members: recursion ends here
        for name, member in shape.members.items():
            plan.add(name, member.serialization.get("name", name), self._need(member))
        return plan

    def _need(self, shape: Any) -> Need:
        """What a value of ``shape`` needs: (the JSON type of the values left as they are, the node
        that converts the others), or (_Always, None) when every value is left as it is."""
        type_name = shape.type_name
        if type_name == "structure":
            if shape.is_document_type:
                return _Always, None
            return _Always, self._structure(shape)
        if type_name == "list":
            return _Always, _List(self._need(shape.member))
        if type_name == "map":
            raise Unsupported(f"{shape.name} is a map")
        handler = getattr(self.parser, f"_handle_{type_name}", None)
        if handler is None:  # _default_handle: the value as it is
            return _Always, None
        if type_name == "string" and self.rest and not is_json_value_header(shape):
            return _Always, None  # BaseRestParser._handle_string without a JSON-value header
        identity = _IDENTITY_TYPE.get(type_name, _Always) if self.rest else _Always
        return identity, _Scalar(identity, handler, shape)


def _refusal(shape: Any) -> Optional[str]:
    """Why a whole response body of ``shape`` is not parsed here, or None."""
    if shape.type_name != "structure":
        return "not a structure"
    if shape.serialization.get("payload") or shape.serialization.get("eventstream") or shape.event_stream_name:
        return "a payload or event stream"
    if any(member.serialization.get("location") for member in shape.members.values()):
        return "members bound to headers or the status code"
    if {"ResponseMetadata", "Error"} & set(shape.members):
        return "a member named ResponseMetadata or Error"
    return None


# id(a botocore service model) -> its compilers for documents without and with nulls; an entry
# goes with its model (weakref.finalize). A dict keyed by id is read faster than a WeakKeyDictionary.
_compilers: Dict[int, Tuple[_Compiler, _Compiler]] = {}
_compilers_lock = threading.Lock()


def _compiler(service_model: Any, parser: Any, nulls: bool) -> _Compiler:
    """The plans of ``service_model`` for documents that may hold nulls or not (made on first use)."""
    compilers = _compilers.get(id(service_model))
    if compilers is None:
        with _compilers_lock:
            compilers = _compilers.get(id(service_model))
            if compilers is None:
                compilers = _compilers[id(service_model)] = (_Compiler(parser, False), _Compiler(parser, True))
                weakref.finalize(service_model, _compilers.pop, id(service_model), None)
    return compilers[nulls]


def _response_metadata(rest: bool, headers: Dict[str, str]) -> Dict[str, Any]:
    """ResponseMetadata before HTTPStatusCode (``_populate_response_metadata`` of the rest parsers,
    ``_inject_response_metadata`` of the JSON ones)."""
    metadata: Dict[str, Any] = {}
    if "x-amzn-requestid" in headers:
        metadata["RequestId"] = headers["x-amzn-requestid"]
    elif rest and "x-amz-request-id" in headers:
        metadata["RequestId"] = headers["x-amz-request-id"]
        metadata["HostId"] = headers.get("x-amz-id-2", "")
    return metadata


def _success(compiler: _Compiler, model: Any, headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """A 2xx reply: ResponseMetadata first for rest-json, last for JSON 1.1, as botocore orders them."""
    plan = compiler.output(model)
    metadata = _response_metadata(compiler.rest, headers)
    if compiler.rest:
        parsed: Dict[str, Any] = {"ResponseMetadata": metadata}
        if plan is not None:
            parsed.update(plan.convert(_decode(body)))
        return parsed
    parsed = {} if plan is None else plan.convert(_decode(body))
    if metadata:
        parsed["ResponseMetadata"] = metadata
    return parsed


def _error_code(compiler: _Compiler, status: int, headers: Dict[str, str], document: Dict[str, Any]) -> Any:
    """Error.Code: ``BaseJSONParser._do_error_parse``, then ``RestJSONParser._inject_error_code``."""
    code = document.get("__type", str(status))
    if code is not None:
        if type(code) is not str or "x-amzn-query-error" in headers:
            raise Unsupported("an error type botocore reads otherwise")
        if ":" in code:
            code = code.split(":", 1)[0]
        if "#" in code:
            code = code.rsplit("#", 1)[1]
    else:
        code = ""
    if compiler.rest:
        injected = None
        if "x-amzn-errortype" in headers:
            injected = headers["x-amzn-errortype"]
        elif "code" in document or "Code" in document:
            injected = document.get("code", document.get("Code", ""))
        if isinstance(injected, str):
            code = injected.split(":", 1)[0].rsplit("#", 1)[-1]
        elif injected is not None:
            code = injected
    if code and type(code) is not str:
        raise Unsupported("an error code that is not a string")
    return code


def _error(compiler: _Compiler, model: Any, status: int, headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """A 4xx/5xx reply: the Error, ResponseMetadata, then the members of the modeled error."""
    if status >= 500 and not body.startswith(b"{"):
        raise Unsupported("a 5xx body botocore may read as a generic error")
    document = _decode(body)
    message = document.get("message", document.get("Message", ""))
    code = _error_code(compiler, status, headers, document)
    parsed: Dict[str, Any] = {"Error": {"Message": message, "Code": code},
                              "ResponseMetadata": _response_metadata(False, headers)}
    shape = error_shape(model, parsed)
    if shape is not None:
        parsed.update(compiler.error(shape).convert(document))
    return parsed


def error_shape(model: Any, parsed: Dict[str, Any]) -> Any:
    """The error shape whose members are added to a parsed error (as botocore's
    ``Endpoint._add_modeled_error_fields`` finds it), or None."""
    code = parsed.get("Error", {}).get("Code")
    return model.service_model.shape_for_error_code(code) if code else None


def parse(model: Any, parser: Any, status: int, headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """What botocore's ``parser`` (the one for the operation's protocol), with the modeled error
    fields and RetryAttempts 0, makes of the reply ``status``/``headers``/``body`` to an operation
    of ``model``; raises Unsupported where that is not certain."""
    if not 200 <= status < 300 and status < 400:
        raise Unsupported(f"status {status}")
    compiler = _compiler(model.service_model, parser, b"null" in body)
    lowered = {name.lower(): value for name, value in headers.items()}
    if status < 300:
        parsed = _success(compiler, model, lowered, body)
    else:
        parsed = _error(compiler, model, status, lowered, body)
    metadata = parsed.get("ResponseMetadata", {})
    metadata["HTTPStatusCode"] = status
    metadata["HTTPHeaders"] = lowered
    metadata["RetryAttempts"] = 0
    parsed["ResponseMetadata"] = metadata
    return parsed


class Answered(AWSResponse):
    """The ``AWSResponse`` of a reply, as botocore's before-call receives it: its HeadersDict is made
    when first read (botocore's client reads only ``status_code``; after-call handlers may read the
    rest)."""

    def __init__(self, url: str, status_code: int, headers: Dict[str, str], raw: Any) -> None:
        self.url = url
        self.status_code = status_code
        self._headers: Any = headers
        self._headers_made = False
        self.raw = raw
        self._content = None

    @property  # type: ignore[override]
    def headers(self) -> Any:
        """The reply's headers, a HeadersDict as AWSResponse's."""
        if not self._headers_made:
            self._headers = HeadersDict(self._headers)
            self._headers_made = True
        return self._headers

    @headers.setter
    def headers(self, value: Any) -> None:
        self._headers = value
        self._headers_made = True
