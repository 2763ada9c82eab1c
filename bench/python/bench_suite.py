#!/usr/bin/env python3
"""A figure people can relate to: the wall time of a test suite, under moto and under apsim.

Writes one pytest module of TESTS tests, written as users write them (a decorator gives each test a
fresh world; the test makes its own boto3 client, creates a file system and three access points,
describes them a page of two at a time, and deletes everything), and runs it with pytest twice per
repeat: once decorated with ``moto.mock_aws``, once with ``apsim.mock_aws``, alternating which goes
first. Each run is a fresh ``python -m pytest`` process, so the wall time includes what a user's
run includes (interpreter start, imports, collection). Prints a table and, as its last line, one
JSON document (bench/run.sh reads it).

    PYTHONPATH=bindings/python python3 bench/python/bench_suite.py [--tests 1000] [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent

TEST_MODULE = '''
import os
import boto3
import pytest

if os.environ["BENCH_MOCK"] == "moto":
    from moto import mock_aws
else:
    from apsim import mock_aws


@mock_aws
@pytest.mark.parametrize("n", range({tests}))
def test_access_points(n):
    efs = boto3.client("efs", region_name="us-east-1")
    fs = efs.create_file_system(CreationToken=f"suite-{{n}}")["FileSystemId"]
    made = [efs.create_access_point(ClientToken=f"ap-{{n}}-{{i}}", FileSystemId=fs,
                                    PosixUser={{"Uid": 1000, "Gid": 1000}},
                                    RootDirectory={{"Path": f"/export/{{i}}"}},
                                    Tags=[{{"Key": "Name", "Value": f"ap-{{i}}"}}])["AccessPointId"]
            for i in range(3)]
    seen, token = [], None
    while True:
        page = efs.describe_access_points(FileSystemId=fs, MaxResults=2, **({{"NextToken": token}} if token else {{}}))
        seen += [ap["AccessPointId"] for ap in page["AccessPoints"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(made)
    for ap in made:
        efs.delete_access_point(AccessPointId=ap)
    efs.delete_file_system(FileSystemId=fs)
    assert efs.describe_file_systems()["FileSystems"] == []
'''


def run_suite(module, mock, env):
    """Seconds of wall time of one pytest run of `module` under `mock` ("moto" or "apsim")."""
    env = dict(env, BENCH_MOCK=mock)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           "-p", "no:xdist", "-p", "no:benchmark", str(module)],
                          env=env, capture_output=True, text=True, timeout=3600, cwd=module.parent)
    elapsed = time.perf_counter() - t0
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        raise SystemExit(f"the {mock} suite failed ({done.returncode}): {summary}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return elapsed, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "bindings" / "python") + os.pathsep + env.get("PYTHONPATH", "")
    for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                       ("AWS_DEFAULT_REGION", "us-east-1")):
        env.setdefault(key, value)
    times = {"moto": [], "apsim": []}
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="apsim-bench-suite-") as tmp:
        module = Path(tmp) / "test_suite_bench.py"
        module.write_text(TEST_MODULE.format(tests=opts.tests))
        for r in range(opts.repeats):
            order = ("moto", "apsim") if r % 2 == 0 else ("apsim", "moto")
            for mock in order:
                print(f"  .. repeat {r + 1}/{opts.repeats}: {mock}", file=sys.stderr, flush=True)
                elapsed, summaries[mock] = run_suite(module, mock, env)
                times[mock].append(elapsed)
    med = {k: statistics.median(v) for k, v in times.items()}
    ratios = [m / a for m, a in zip(times["moto"], times["apsim"])]
    print(f"A suite of {opts.tests} tests (per test: a fresh world, a boto3 client, a file system, 3 access "
          f"points, describe 2 per page, delete all); wall seconds of `python -m pytest`, median of {opts.repeats}")
    print(f"  moto.mock_aws   {med['moto']:8.2f} s   ({summaries['moto']})")
    print(f"  apsim.mock_aws  {med['apsim']:8.2f} s   ({summaries['apsim']})")
    print(f"  apsim is {med['moto'] / med['apsim']:.2f}x faster (per repeat: {', '.join(f'{x:.2f}' for x in ratios)})")
    sys.stdout.flush()
    print(json.dumps({"bench": "suite", "tests": opts.tests, "repeats": opts.repeats,
                      "moto_s": times["moto"], "apsim_s": times["apsim"], "ratios": ratios,
                      "moto_median_s": med["moto"], "apsim_median_s": med["apsim"]}, separators=(",", ":")))


if __name__ == "__main__":
    main()
