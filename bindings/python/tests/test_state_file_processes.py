"""The state file between processes (never threads): one holder at a time, parallel `apsim call`s
that take turns and keep every change, a journal that is not replayed on another snapshot, an
empty file as a new world, and a consistent copy of a file that apsim serve holds."""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import apsim
from conftest import CLI, READY, READY_TIMEOUT, read_line, requires_cli, run

pytestmark = requires_cli


@pytest.fixture
def folder():
    with tempfile.TemporaryDirectory(prefix="apsim-state-") as d:
        yield Path(d)


def call(path, operation, request=None, *extra, timeout=60):
    return run([CLI, "call", operation, "-", "--state-file", str(path), *extra], input=json.dumps(request or {}),
               timeout=timeout)


def file_systems(path):
    r = call(path, "efs:DescribeFileSystems")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["FileSystems"]


class Serving:
    """apsim serve on a state file, as a process."""

    def __init__(self, path, *args):
        self.proc = subprocess.Popen([CLI, "serve", "--host", "127.0.0.1", "--port", "0", "--state-file", str(path), *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = read_line(self.proc.stdout.fileno(), READY_TIMEOUT)
        match = READY.fullmatch(line)
        assert match, line
        self.endpoint = f"http://127.0.0.1:{match.group(1)}"

    def client(self):
        import boto3
        return boto3.session.Session().client("efs", endpoint_url=self.endpoint, region_name="us-east-1",
                                              aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self, kill=False):
        (self.proc.kill if kill else self.proc.terminate)()
        self.proc.communicate(timeout=30)
        return self.proc.returncode


def test_parallel_calls_take_turns_and_keep_every_change(folder):
    path = folder / "w.json"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:  # each call is its own process
        results = list(pool.map(lambda i: call(path, "efs:CreateFileSystem", {"CreationToken": f"t{i}"}), range(8)))
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    ids = [json.loads(r.stdout)["FileSystemId"] for r in results]
    assert len(set(ids)) == 8
    assert sorted(f["FileSystemId"] for f in file_systems(path)) == sorted(ids)


def test_a_second_opener_is_refused_naming_the_holder(folder):
    path = folder / "w.json"
    server = Serving(path)
    try:
        created = server.client().create_file_system(CreationToken="served")["FileSystemId"]
        r = call(path, "efs:CreateFileSystem", {"CreationToken": "other"}, "--lock-timeout", "0")
        assert (r.returncode, r.stdout) == (1, "")
        assert r.stderr == (f"Error: state_file '{path}' is in use by process {server.proc.pid} (it holds '{path}.lock'); "
                            "a state file serves one world at a time: stop that process, or give this world another file.\n")
        # Another process through the library: StateFileInUse (409) from apsim_open.
        script = textwrap.dedent(f"""
            import apsim, json
            try:
                apsim.Simulator(state_file={str(path)!r})
            except apsim.StateFileInUseError as e:
                print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], str(e)]))
            """)
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
        code, status, message = json.loads(out.stdout)
        assert (code, status) == ("StateFileInUse", 409)
        assert f"is in use by process {server.proc.pid}" in message
        # A consistent copy while it is held.
        copy = run([CLI, "state", "export", "--state-file", str(path), "--output", str(folder / "copy.json")])
        assert copy.returncode == 0, copy.stderr
        exported = json.loads((folder / "copy.json").read_text())
        assert [f["Id"] for f in exported["Regions"][0]["EFSFileSystems"]] == [created]
    finally:
        assert server.stop() == 0
    # Released with its process: the copy and the file agree.
    assert [f["FileSystemId"] for f in file_systems(path)] == [created]
    assert [f["FileSystemId"] for f in file_systems(folder / "copy.json")] == [created]


def test_a_killed_holder_releases_the_file_and_loses_nothing(folder):
    path = folder / "w.json"
    server = Serving(path)
    created = server.client().create_file_system(CreationToken="kept")["FileSystemId"]
    server.stop(kill=True)  # kill -9: no compaction
    assert [f["FileSystemId"] for f in file_systems(path)] == [created]


def test_deleting_the_snapshot_gives_a_fresh_world(folder):
    path = folder / "w.json"
    server = Serving(path)
    server.client().create_file_system(CreationToken="gone")
    server.stop(kill=True)
    path.unlink()
    r = call(path, "efs:DescribeFileSystems")
    assert (r.returncode, json.loads(r.stdout)["FileSystems"]) == (0, [])
    assert r.stderr == (f"apsim: The journal '{path}.journal' (1 change) was not replayed: its snapshot '{path}' does not "
                        f"exist (deleted?); it was moved to '{path}.journal.unreplayed'.\n")
    assert (folder / "w.json.journal.unreplayed").exists()
    assert file_systems(path) == []


def test_an_empty_file_is_a_new_world(folder):
    path = folder / "w.json"
    path.write_bytes(b"")
    server = Serving(path)
    try:
        assert server.client().describe_file_systems()["FileSystems"] == []
        server.client().create_file_system(CreationToken="first")
    finally:
        assert server.stop() == 0
    assert [f["CreationToken"] for f in file_systems(path)] == ["first"]


def test_the_python_api_reports_notices(folder):
    path = folder / "w.json"
    with apsim.Simulator(state_file=str(path)) as sim:
        assert sim.describe_state_file() == {"StateFile": str(path), "Journal": f"{path}.journal",
                                             "Lock": f"{path}.lock", "Notices": []}
