"""The moto drop-in suite (dropin/test_moto_dropin.py) run on its own: every test it holds is
collected and passes, counted, so that a decorator form pytest would skip silently fails here; and
once under pytest-xdist (two worker processes) or, without it, as two processes at once: worlds
are per process and per test, nothing is shared."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DROPIN = HERE / "dropin" / "test_moto_dropin.py"
EXPECTED = 24  # the tests in test_moto_dropin.py (parametrized cases counted)


def run_pytest(*args):
    return subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:benchmark",
                             *args, str(DROPIN)], cwd=HERE.parent, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def outcome(process):
    out, _ = process.communicate(timeout=300)
    summary = out.strip().splitlines()[-1]
    return out, summary


def test_every_form_is_collected_and_passes():
    out, _ = outcome(run_pytest("--collect-only"))
    assert f"{EXPECTED} tests collected" in out, out
    out, summary = outcome(run_pytest("-rA"))
    assert re.fullmatch(rf"{EXPECTED} passed in [0-9.]+s( \(.*\))?", summary), out  # no skip, xfail or warning


def test_parallel_processes():
    if importlib.util.find_spec("xdist") is not None:
        out, summary = outcome(run_pytest("-n", "2"))
        assert re.fullmatch(rf"{EXPECTED} passed in [0-9.]+s( \(.*\))?", summary), out
        assert "bringing up nodes" in out, out  # xdist ran it
    else:
        runs = [run_pytest(), run_pytest()]
        for process in runs:
            out, summary = outcome(process)
            assert re.fullmatch(rf"{EXPECTED} passed in [0-9.]+s( \(.*\))?", summary), out
