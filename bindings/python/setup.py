"""Packs libapsim.so into the wheel, so that `pip install ./bindings/python` alone gives a working
package (the metadata is in pyproject.toml).

The library comes from $APSIM_LIBRARY, else the repository's .build/release/libapsim.so, which is
built with `make lib` when missing. The wheel is platform specific (it carries a native library).
"""
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def version() -> str:
    """apsim's version, written once in include/apsim.h (read by apsim/_version.py)."""
    spec = importlib.util.spec_from_file_location("apsim_version", HERE / "apsim" / "_version.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.__version__


def built_library() -> Path:
    override = os.environ.get("APSIM_LIBRARY")
    if override:
        return Path(override)
    lib = REPO / ".build" / "release" / "libapsim.so"
    if not lib.exists() and (REPO / "Makefile").exists():
        subprocess.run(["make", "-C", str(REPO), "lib"], check=True)
    return lib


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        lib = built_library()
        if not lib.exists():
            raise SystemExit(f"libapsim.so not found at {lib}: run `make lib` in the repository, or set APSIM_LIBRARY")
        target = Path(self.build_lib) / "apsim" / "libapsim.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib, target)
        (target.parent / "VERSION").write_text(version() + "\n")


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(version=version(), cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
