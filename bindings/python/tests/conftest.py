"""Shared fixtures. The binding is imported from this checkout (bindings/python), not an install."""

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import apsim  # noqa: E402


def pytest_configure(config):
    # The apsim_aws fixture: the installed package registers it through its pytest11 entry point;
    # this checkout is not installed, so register it here (unless the entry point already did).
    if not config.pluginmanager.has_plugin("apsim"):
        config.pluginmanager.import_plugin("apsim.pytest_plugin")

START = 1700000000  # 2023-11-14T22:13:20Z
ACCOUNT = "123456789012"
REGION = "us-east-1"

FS_ID_PATTERN = r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$"
AP_ID_PATTERN = r"^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$"
TAG_KEY_PATTERN = r"^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$"
TAG_VALUE_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
PATH_PATTERN = r"^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$"


def violation(value, path, constraint):
    """One violation in the Coral form the library writes (value None prints as null)."""
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def validation_message(*violations):
    n = len(violations)
    return f"{n} validation error{'' if n == 1 else 's'} detected: " + "; ".join(violations)


def pattern(value, path, regex):
    return violation(value, path, f"Member must satisfy regular expression pattern: {regex}")


def raised(fn, **kwargs):
    """The ClientError a call raises (botocore's or apsim's); fails the test if it returns."""
    errors = (apsim.ClientError,)
    try:
        import botocore.exceptions

        errors += (botocore.exceptions.ClientError,)
    except ImportError:
        pass
    with pytest.raises(errors) as info:
        fn(**kwargs)
    return info.value


def error_of(exc):
    return exc.response["Error"]["Code"], exc.response["Error"]["Message"]


@pytest.fixture
def sim():
    with apsim.Simulator(seed=1, start_time=START) as s:
        yield s


@pytest.fixture
def efs(sim):
    return sim.client("efs")


@pytest.fixture
def fs_id(efs):
    return efs.create_file_system(CreationToken="fs-fixture")["FileSystemId"]


@pytest.fixture
def tokens():
    """Fresh client tokens: t1, t2, ..."""
    counter = itertools.count(1)
    return lambda: f"t{next(counter)}"


@pytest.fixture
def no_botocore(monkeypatch):
    """Makes `import botocore` fail for the duration of a test (the binding checks on every use)."""
    monkeypatch.setitem(sys.modules, "botocore", None)
    with pytest.raises(ImportError):
        import botocore.session  # noqa: F401
