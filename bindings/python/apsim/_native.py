"""Finding, loading and calling libapsim.so through ctypes.

Every prototype of include/apsim.h is declared here. Strings the library hands out arrive in out
parameters (a returned ``c_char_p`` would lose the pointer), are copied to bytes and released with
``apsim_string_free`` in a ``finally`` block. The hot path (:func:`hot`, :func:`send`) calls
unchecked copies of the functions it needs, with a ``c_char_p`` out parameter whose ``.value`` is
the copy.
"""

from __future__ import annotations

import ctypes
import os
import threading
from ctypes import POINTER, byref, c_char_p, c_int, c_void_p
from pathlib import Path
from typing import Any, List, NamedTuple, Optional, Tuple

from . import _codec
from ._version import VERSION_NUMBER

__all__ = ["EXPECTED_VERSION_NUMBER", "HotFunctions", "LibraryNotFoundError", "call", "candidates", "check_misuse",
           "hot", "library", "send", "take_document"]

#: APSIM_VERSION_NUMBER of the apsim.h this binding was written against.
EXPECTED_VERSION_NUMBER = VERSION_NUMBER

#: The environment variable that names the shared library to load (a file path).
ENV_VAR = "APSIM_LIBRARY"

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUILD_LIBRARY = _PACKAGE_DIR.parent.parent.parent / ".build" / "release" / "libapsim.so"


class LibraryNotFoundError(OSError):
    """libapsim.so is not where the binding looks for it, or it is not a usable version."""


def candidates() -> List[Path]:
    """The paths tried, in order: $APSIM_LIBRARY, the package directory, the repo build folder."""
    found: List[Path] = []
    env = os.environ.get(ENV_VAR)
    if env:
        found.append(Path(env))
    found.append(_PACKAGE_DIR / "libapsim.so")
    found.extend(sorted(_PACKAGE_DIR.glob("libapsim.so.*")))
    found.append(_BUILD_LIBRARY)
    return found


def _find() -> Path:
    env = os.environ.get(ENV_VAR)
    if env and not Path(env).is_file():
        # An explicit override that points nowhere is a mistake; falling back would hide it.
        raise LibraryNotFoundError(f"{ENV_VAR}={env!r} does not name a file")
    tried = candidates()
    for path in tried:
        if path.is_file():
            return path
    raise LibraryNotFoundError(
        "libapsim.so not found; tried: " + ", ".join(str(p) for p in tried)
        + f". Set {ENV_VAR} to its path or build it with `make lib`."
    )


def _declare(lib: ctypes.CDLL) -> None:
    """Sets argtypes and restype of every function in apsim.h."""
    out = POINTER(c_void_p)  # char ** (an out parameter) and apsim ** alike
    prototypes = {
        "apsim_version": ([], c_void_p),  # static const char *: read, never freed
        "apsim_version_number": ([], c_int),
        "apsim_open": ([out, c_char_p, out], c_int),
        "apsim_close": ([c_void_p], None),
        "apsim_call": ([out, c_void_p, c_char_p, c_char_p], c_int),
        "apsim_call_in": ([out, c_void_p, c_char_p, c_char_p, c_char_p, c_char_p], c_int),
        "apsim_http": ([out, c_void_p, c_char_p], c_int),
        "apsim_validate": ([out, c_char_p, c_char_p], c_int),
        "apsim_efs_create_access_point": ([out, c_void_p, c_char_p], c_int),
        "apsim_fsx_create_and_attach_s3_access_point": ([out, c_void_p, c_char_p], c_int),
        "apsim_string_free": ([c_void_p], None),
        "apsim_nfs_write": ([out, c_void_p, c_char_p, c_char_p, ctypes.c_size_t], c_int),
        "apsim_nfs_read": ([out, POINTER(c_void_p), POINTER(ctypes.c_size_t), c_void_p, c_char_p], c_int),
        "apsim_bytes_free": ([c_void_p], None),
    }
    for name, (argtypes, restype) in prototypes.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype


_lib: Optional[ctypes.CDLL] = None
_load_lock = threading.Lock()


def library() -> ctypes.CDLL:
    """The loaded library (found, loaded, declared and version-checked on first use)."""
    global _lib
    if _lib is None:
        with _load_lock:
            if _lib is None:
                path = _find()
                lib = ctypes.CDLL(str(path))
                _declare(lib)
                number = lib.apsim_version_number()
                # Same MAJOR.MINOR: the ABI of a 0.x library may change with every minor version.
                if number // 1000 != EXPECTED_VERSION_NUMBER // 1000:
                    raise LibraryNotFoundError(
                        f"{path} has version number {number}; this binding needs "
                        f"{EXPECTED_VERSION_NUMBER // 1000}.x ({EXPECTED_VERSION_NUMBER})"
                    )
                _lib = lib
    return _lib


def take_document(lib: ctypes.CDLL, pointer: c_void_p) -> Optional[Any]:
    """Parses the JSON document the library wrote to ``pointer`` and frees it (None for NULL)."""
    try:
        if not pointer.value:
            return None
        return _codec.loads(ctypes.string_at(pointer.value))
    finally:
        lib.apsim_string_free(pointer)


class HotFunctions(NamedTuple):
    """The functions of the hot path, without ctypes' per-argument conversion (argtypes unset).

    They take exactly typed arguments: the out parameter as ``byref(c_char_p())``, the handle as a
    ``c_void_p``, strings as bytes or None (an int or str would be passed as a C int or a wide
    string: the binding never passes one)."""

    call_in: Any  # apsim_call_in
    http: Any  # apsim_http
    free: Any  # apsim_string_free


_hot: Optional[HotFunctions] = None


def _unchecked(lib: ctypes.CDLL, name: str, restype: Any) -> Any:
    """A second function object for ``name`` with only its return type set (``lib[name]`` makes a
    new one; ``getattr(lib, name)`` keeps the declared, checked one)."""
    fn = lib[name]
    fn.restype = restype
    return fn


def hot() -> HotFunctions:
    """The :class:`HotFunctions` of the loaded library, looked up once."""
    global _hot
    if _hot is None:
        lib = library()
        _hot = HotFunctions(_unchecked(lib, "apsim_call_in", c_int), _unchecked(lib, "apsim_http", c_int),
                            _unchecked(lib, "apsim_string_free", None))
    return _hot


def send(fn: Any, free: Any, *args: Any) -> Tuple[int, Optional[bytes]]:
    """Calls ``fn`` (one of :func:`hot`) with a fresh out parameter before ``args``; returns the
    status code and the response text (None for NULL), freed before returning.

    A negative status raises (see :func:`check_misuse`)."""
    out = c_char_p()
    rc = fn(byref(out), *args)
    try:
        text = out.value
    finally:
        free(out)
    if rc < 0:
        check_misuse(rc, fn.__name__)
    return rc, text


def check_misuse(rc: int, function: str) -> None:
    """Negative return codes mean the binding misused the C API (or the library ran out of memory)."""
    if rc == -2:
        raise MemoryError(f"{function}: the library could not allocate the response")
    if rc < 0:
        raise RuntimeError(f"{function} returned {rc} (APSIM_E_MISUSE): a bug in the apsim binding")


def call(fn_name: str, *args: Any) -> Tuple[int, Any]:
    """Calls an apsim function whose first parameter is a ``char **`` out document.

    Returns the status code and the parsed document (freed before returning).
    """
    lib = library()
    out = c_void_p()
    rc = getattr(lib, fn_name)(ctypes.byref(out), *args)
    document = take_document(lib, out)
    check_misuse(rc, fn_name)
    return rc, document
