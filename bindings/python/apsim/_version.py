"""The binding's version, which is apsim's: written once, in include/apsim.h.

A package built by setup.py carries it in ``apsim/VERSION``; a checkout (PYTHONPATH=bindings/python)
reads the header itself.
"""

from __future__ import annotations

import re
from pathlib import Path

_HERE = Path(__file__).resolve().parent
HEADER = _HERE.parent.parent.parent / "include" / "apsim.h"


def from_header(text: str) -> str:
    """``"MAJOR.MINOR.PATCH"`` from the text of apsim.h."""
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        found = re.search(rf"^#define APSIM_VERSION_{part} ([0-9]+)$", text, re.MULTILINE)
        if found is None:
            raise ImportError(f"apsim.h defines no APSIM_VERSION_{part}")
        parts.append(found.group(1))
    return ".".join(parts)


def _read() -> str:
    packaged = _HERE / "VERSION"
    if packaged.is_file():
        return packaged.read_text().strip()
    if HEADER.is_file():
        return from_header(HEADER.read_text())
    raise ImportError(f"apsim's version is unknown: neither {packaged} nor {HEADER} exists")


__version__ = _read()
_major, _minor, _patch = (int(p) for p in __version__.split("."))
#: APSIM_VERSION_NUMBER of the apsim.h this binding belongs to (MAJOR*1000000 + MINOR*1000 + PATCH).
VERSION_NUMBER = _major * 1_000_000 + _minor * 1000 + _patch
