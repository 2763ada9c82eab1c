"""The binding's JSON codec: orjson when it is installed (``pip install apsim[fast]``) and at least
:data:`MIN_ORJSON` (the oldest the differential tests ran against), else the standard library's json
module.

``dumps(document) -> bytes`` writes what the binding sends, ``loads(bytes or str)`` reads what the
library answers, ``NAME`` says which codec is in use. It is chosen at import: orjson when importable
and not older than :data:`MIN_ORJSON`, unless the environment variable APSIM_JSON says ``json`` (the
standard library) or ``orjson`` (an ImportError when orjson is missing or older); :func:`use` switches
later (tests, benchmarks). Callers look ``dumps`` and ``loads`` up in this module at each call, so
that a switch applies at once.

Both codecs give the same result for every input. The standard library is the reference, and the
orjson path hands one call over to it whenever orjson could differ:

- sending: orjson refuses the document (a key that is not a str, an integer beyond 64 bits, a lone
  surrogate, nesting deeper than 254), or the document holds anything but dicts, lists and tuples of
  str, int, bool, None and floats (a datetime, which the standard library sends as epoch seconds; a
  uuid, enum or dataclass, which orjson writes and the standard library refuses; a subclass), a NaN
  or infinity (orjson writes null), a float from 1e-9 to 1e-4 (orjson writes 1e-05 as 0.00001; the
  library echoes number text in its messages) or from 1e16 on (orjson before 3.11.7 writes 1e16
  where the standard library writes 1e+16), or so much text that the standard library's wider form
  (spaces after ``,`` and ``:``, ``\\u`` escapes) could pass the library's request limit.
  Otherwise the two texts differ only in that width, which the library does not see.
- reading: orjson refuses the text (NaN, Infinity, a lone surrogate, invalid UTF-8), the text has
  19 digits in a row (it may hold an integer beyond 64 bits, which orjson reads as a float), or the
  document nests deeper than :data:`MAX_ORJSON_DEPTH` levels. The standard library refuses a deep
  document (RecursionError) where its recursion limit runs out, which depends on the Python version,
  the recursion limit and how deep the caller's stack already is; orjson refuses from 1024 levels on
  since 3.9.15, and before reads any depth (crashing the process far enough down). So a document
  orjson read is written back with orjson, which refuses more than 254 levels (255 in 3.8.3), to
  tell; and an orjson that reads more than 1024 levels is not given a text with more than 1024
  ``[`` and ``{`` at all. Up to 254 levels the standard library reads a document as long as the
  caller's stack leaves it that much room (the library never answers more than a dozen levels).
"""

from __future__ import annotations

import datetime
import json
import os
import re
from typing import Any, Callable, Optional, Tuple, Union

try:
    import orjson
except ImportError:  # the [fast] extra is not installed: the standard library serves
    orjson = None  # type: ignore[assignment]

__all__ = ["MIN_ORJSON", "NAME", "dumps", "json_dumps", "json_loads", "loads", "loads_int64", "use"]

#: The oldest orjson the codec uses: the oldest the differential tests (tests/test_codec.py) ran
#: against. The [fast] extra of pyproject.toml asks for the same.
MIN_ORJSON = (3, 8, 3)

#: Documents nested deeper than this are read by the standard library: orjson refuses to write them
#: (255 levels and more; 256 and more in 3.8.3), which is how :func:`_orjson_loads_int64` tells.
MAX_ORJSON_DEPTH = 254

# orjson refuses to read more levels than this since 3.9.15; an earlier one, which reads any depth,
# is not given a text with more "[" and "{" than this, which might nest deeper.
_ORJSON_DEPTH_LIMIT = 1024

#: The environment variable that chooses the codec at import: "json" or "orjson".
ENV_VAR = "APSIM_JSON"

#: The codecs :func:`use` knows.
CODECS = ("json", "orjson")

#: APSIM_MAX_REQUEST_BYTES of apsim.h: the library refuses longer requests.
MAX_REQUEST_BYTES = 4 * 1024 * 1024

# The standard library's text is at most 3 times orjson's (a "\u00e9" escape for a 2-byte "é"), so
# orjson's text up to this length cannot be over the limit in the standard library's form.
_MAX_ORJSON_LENGTH = MAX_REQUEST_BYTES // 3

# The types orjson writes as the standard library does; floats too, but for the ones _alike refuses.
_SCALARS = frozenset({str, int, bool, type(None)})

# bytes.translate table: every digit becomes "0", every other byte "x"; 19 "0" in a row then mean 19
# digits in a row, the shortest integer that may not fit 64 bits (-9223372036854775809).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x78 for byte in range(256))
_LONG_INTEGER = b"0" * 19


def _json_default(value: Any) -> Any:
    """Lets requests carry datetimes, as boto3 accepts them for timestamps (sent as epoch seconds;
    a naive datetime is UTC, as botocore reads it)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder and one decoder made once (json.dumps with default= would build an encoder per call).
_encoder = json.JSONEncoder(default=_json_default)
_decode = json.JSONDecoder().decode


def json_dumps(document: Any) -> bytes:
    """``document`` as the standard library writes it (the reference of both codecs), in UTF-8."""
    return _encoder.encode(document).encode("utf-8")


def json_loads(data: Union[bytes, str]) -> Any:
    """The document in ``data`` (UTF-8 bytes, or str) as the standard library reads it."""
    return _decode(data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data)


def _float_alike(value: float) -> bool:
    """Whether orjson writes the float ``value`` as the standard library does: finite (orjson writes
    NaN and infinities as null), not from 1e-9 to 1e-4 (0.00001 and 1e-7 for 1e-05 and 1e-07), and
    below 1e16, where the standard library writes a signed exponent (1e+16, 1.5e+300) and orjson
    before 3.11.7 an unsigned one (1e16, 1.5e300)."""
    size = abs(value)
    return 1e-4 <= size < 1e16 or size < 1e-9


def _alike(value: Any) -> bool:
    """Whether orjson writes ``value`` as the standard library does (but for the width): dicts, lists
    and tuples of str, int, bool, None and :func:`_float_alike` floats, exactly those types (keys
    and integers orjson refuses itself). Called on documents orjson wrote: finite and acyclic."""
    kind = type(value)
    if kind is dict:
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        return kind in _SCALARS or (kind is float and _float_alike(value))
    for item in items:  # the scalars here, without a call each: most of a request
        kind = type(item)
        if kind in _SCALARS:
            continue
        if not (_float_alike(item) if kind is float else _alike(item)):
            return False
    return True


def _orjson_dumps(document: Any) -> bytes:
    """``document`` written by orjson, or by the standard library where orjson could differ from it
    (see the module's documentation)."""
    try:
        text = orjson.dumps(document)
    except orjson.JSONEncodeError:
        return json_dumps(document)
    if len(text) > _MAX_ORJSON_LENGTH or not _alike(document):
        return json_dumps(document)
    return text


def _orjson_loads_int64(data: Union[bytes, str]) -> Any:
    """orjson's reading of ``data``, or the standard library's where orjson refuses the text or the
    document nests deeper than MAX_ORJSON_DEPTH (see the module's documentation)."""
    if _orjson_unbounded and _may_be_deep(data):
        return json_loads(data)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return json_loads(data)
    # orjson refuses to write more than 254 levels: a document it writes back is not deeper. Only a
    # list or dict of 255 "[" and "{" at least (510 characters of text) can be deeper. (Writing is
    # faster than counting the "[" and "{" of the text first.)
    if len(data) > 2 * MAX_ORJSON_DEPTH and type(document) in _CONTAINERS:
        try:
            orjson.dumps(document)
        except orjson.JSONEncodeError:
            return json_loads(data)
    return document


_CONTAINERS = (dict, list)


def _may_be_deep(data: Union[bytes, str]) -> bool:
    """Whether the text ``data`` has more "[" and "{" than _ORJSON_DEPTH_LIMIT (so that it may nest
    deeper than an orjson without a depth limit reads safely)."""
    if len(data) <= _ORJSON_DEPTH_LIMIT:
        return False
    opening = (b"[", b"{") if isinstance(data, (bytes, bytearray)) else ("[", "{")
    return data.count(opening[0]) + data.count(opening[1]) > _ORJSON_DEPTH_LIMIT  # type: ignore[arg-type]


def _orjson_loads(data: Union[bytes, str]) -> Any:
    """:func:`_orjson_loads_int64`, after a check for integers beyond 64 bits."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _LONG_INTEGER in raw.translate(_DIGITS_AS_ZERO):
        return json_loads(data)
    return _orjson_loads_int64(data)


def _version(text: str) -> Tuple[int, ...]:
    """``"3.10.1"`` -> (3, 10, 1); the numbers before anything else (``"3.11.0rc1"`` -> (3, 11, 0))."""
    numbers = []
    for part in text.split("."):
        digits = re.match(r"[0-9]+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.end() != len(part):
            break
    return tuple(numbers)


def _orjson_problem() -> Optional[str]:
    """Why the installed orjson cannot serve (not installed, or older than MIN_ORJSON); None when
    it can."""
    if orjson is None:
        return "orjson is not installed"
    version = getattr(orjson, "__version__", "")
    if _version(version) < MIN_ORJSON:
        return (f"the installed orjson {version or '(of an unknown version)'} is older than "
                f"{'.'.join(map(str, MIN_ORJSON))}, the oldest apsim's JSON codec is tested with")
    return None


def _reads_unbounded_depth() -> bool:
    """Whether orjson reads a document nested deeper than _ORJSON_DEPTH_LIMIT (before 3.9.15 it does,
    and crashes the process on deep enough ones; since, it refuses from 1024 levels on)."""
    depth = _ORJSON_DEPTH_LIMIT + 1
    try:
        orjson.loads(b"[" * depth + b"]" * depth)
    except orjson.JSONDecodeError:
        return False
    return True


# Whether the orjson in use reads any depth (set by use("orjson")).
_orjson_unbounded = False


#: The codec in use: "orjson" or "json".
NAME: str = "json"
#: ``dumps(document) -> bytes``: the JSON text the binding sends, UTF-8.
dumps: Callable[[Any], bytes] = json_dumps
#: ``loads(bytes or str)``: the document the library answered.
loads: Callable[[Union[bytes, str]], Any] = json_loads
#: :func:`loads` for a document whose integers the caller knows to fit 64 bits, without the scan for
#: longer ones (a response whose model has no double, float, timestamp or document member: the
#: library echoes numbers as the request wrote them only there).
loads_int64: Callable[[Union[bytes, str]], Any] = json_loads


def use(name: str) -> str:
    """Switches the codec to ``name`` ("json" or "orjson"); returns the previous one's name.

    Raises ImportError for "orjson" when it is not installed or older than :data:`MIN_ORJSON`,
    ValueError for another name."""
    global NAME, dumps, loads, loads_int64, _orjson_unbounded
    if name not in CODECS:
        raise ValueError(f"unknown JSON codec {name!r}; apsim knows {' and '.join(CODECS)}")
    problem = _orjson_problem() if name == "orjson" else None
    if problem is not None:
        raise ImportError(f"the orjson JSON codec was asked for ({ENV_VAR}=orjson or apsim._codec.use('orjson')), "
                          f"but {problem}: pip install 'apsim[fast]' (or 'orjson>="
                          f"{'.'.join(map(str, MIN_ORJSON))}'), or use the standard library's json")
    previous = NAME
    if name == "orjson":
        _orjson_unbounded = _reads_unbounded_depth()
        dumps, loads, loads_int64 = _orjson_dumps, _orjson_loads, _orjson_loads_int64
    else:
        dumps, loads, loads_int64 = json_dumps, json_loads, json_loads
    NAME = name
    return previous


def _from_environment() -> Optional[str]:
    """The codec APSIM_JSON asks for (None when unset or empty: the fastest usable one)."""
    asked = os.environ.get(ENV_VAR, "")
    if asked and asked not in CODECS:
        raise ValueError(f"{ENV_VAR}={asked!r}: the JSON codec must be one of {', '.join(CODECS)}")
    return asked or None


use(_from_environment() or ("orjson" if _orjson_problem() is None else "json"))
