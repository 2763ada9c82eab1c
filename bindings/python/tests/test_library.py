"""Finding and loading libapsim.so, prototypes and versions."""

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

import apsim
from apsim import _native

BINDING = Path(__file__).resolve().parent.parent
BUILD_LIBRARY = (BINDING / ".." / ".." / ".build" / "release" / "libapsim.so").resolve()


def test_version():
    assert apsim.version() == "0.1.0"
    assert apsim.version_number() == 1000 == apsim.EXPECTED_VERSION_NUMBER
    assert apsim.__version__ == "0.1.0"


def test_every_prototype_is_declared():
    lib = _native.library()
    out = ctypes.POINTER(ctypes.c_void_p)
    expected = {
        "apsim_version": ([], ctypes.c_void_p),
        "apsim_version_number": ([], ctypes.c_int),
        "apsim_open": ([out, ctypes.c_char_p, out], ctypes.c_int),
        "apsim_close": ([ctypes.c_void_p], None),
        "apsim_call": ([out, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
        "apsim_validate": ([out, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
        "apsim_efs_create_access_point": ([out, ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int),
        "apsim_string_free": ([ctypes.c_void_p], None),
    }
    for name, (argtypes, restype) in expected.items():
        fn = getattr(lib, name)
        assert fn.argtypes == argtypes, name
        assert fn.restype is restype, name


def test_efs_create_access_point_shorthand(sim):
    fs = sim.call("efs:CreateFileSystem", {"CreationToken": "x"})["FileSystemId"]
    rc, doc = _native.call(
        "apsim_efs_create_access_point",
        ctypes.c_void_p(sim._handle),
        apsim.simulator.encode({"ClientToken": "t", "FileSystemId": fs}),
    )
    assert rc == 0
    assert doc["FileSystemId"] == fs and doc["ResponseMetadata"]["HTTPStatusCode"] == 200
    rc, doc = _native.call(
        "apsim_efs_create_access_point", ctypes.c_void_p(sim._handle), b'{"ClientToken": "t", "FileSystemId": "%s"}' % fs.encode()
    )
    assert rc == 409 and doc["Error"]["Code"] == "AccessPointAlreadyExists"


def test_candidates_order(monkeypatch, tmp_path):
    monkeypatch.setenv("APSIM_LIBRARY", str(tmp_path / "custom.so"))
    found = _native.candidates()
    assert found[0] == tmp_path / "custom.so"
    assert found[1] == Path(apsim.__file__).resolve().parent / "libapsim.so"
    assert found[-1].resolve() == BUILD_LIBRARY


def test_missing_env_library_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("APSIM_LIBRARY", str(tmp_path / "nope.so"))
    with pytest.raises(apsim.LibraryNotFoundError, match="nope.so"):
        _native._find()


def test_nothing_found_lists_the_candidates(monkeypatch, tmp_path):
    monkeypatch.delenv("APSIM_LIBRARY", raising=False)
    monkeypatch.setattr(_native, "_PACKAGE_DIR", tmp_path / "pkg")
    monkeypatch.setattr(_native, "_BUILD_LIBRARY", tmp_path / "build" / "libapsim.so")
    with pytest.raises(apsim.LibraryNotFoundError) as info:
        _native._find()
    message = str(info.value)
    assert str(tmp_path / "pkg" / "libapsim.so") in message
    assert str(tmp_path / "build" / "libapsim.so") in message
    assert "APSIM_LIBRARY" in message
    assert isinstance(info.value, OSError)


def test_version_mismatch_is_refused(monkeypatch):
    monkeypatch.setattr(_native, "_lib", None)
    monkeypatch.setattr(_native, "EXPECTED_VERSION_NUMBER", 2000)
    with pytest.raises(apsim.LibraryNotFoundError, match="version number 1000"):
        _native.library()


@pytest.mark.skipif(
    any(Path(apsim.__file__).resolve().parent.glob("libapsim.so*")) or not BUILD_LIBRARY.is_file(),
    reason="a copy inside the package wins, or there is no build folder",
)
def test_build_folder_is_found_without_env():
    env = {k: v for k, v in os.environ.items() if k != "APSIM_LIBRARY"}
    code = "import apsim, apsim._native as n; apsim.version(); print(n.library()._name)"
    out = subprocess.run([sys.executable, "-c", code], cwd=BINDING, env=env, capture_output=True, text=True, check=True)
    assert Path(out.stdout.strip()).resolve() == BUILD_LIBRARY


def test_env_var_is_used(tmp_path):
    copy = tmp_path / "libcopy.so"
    copy.symlink_to(_native.library()._name)
    env = dict(os.environ, APSIM_LIBRARY=str(copy))
    code = "import apsim, apsim._native as n; apsim.version(); print(n.library()._name)"
    out = subprocess.run([sys.executable, "-c", code], cwd=BINDING, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(copy)



def test_the_package_build_carries_the_library_and_the_type_hints(tmp_path):
    """What `pip install ./bindings/python` builds (setuptools' build step, run here without pip
    so that no build dependency is fetched): libapsim.so, so that the package works alone, py.typed,
    so that type checkers read the binding's hints, and VERSION (apsim.h's, which it then reads)."""
    env = dict(os.environ, APSIM_LIBRARY=str(BUILD_LIBRARY))
    subprocess.run([sys.executable, "setup.py", "-q", "build", "--build-base", str(tmp_path / "build"),
                    "--build-lib", str(tmp_path / "lib")], cwd=BINDING, check=True, env=env, capture_output=True)
    built = {p.relative_to(tmp_path / "lib").as_posix() for p in (tmp_path / "lib").rglob("*") if p.is_file()}
    assert {"apsim/py.typed", "apsim/libapsim.so", "apsim/VERSION", "apsim/mock.py", "apsim/pytest_plugin.py"} <= built
    assert (tmp_path / "lib" / "apsim" / "VERSION").read_text() == apsim.__version__ + "\n"
