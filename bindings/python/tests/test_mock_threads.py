"""mock_aws and threads: a thread is served by the world of its own block, else by the world of the
thread that started it while that world lasts, else by the block entered last; and the environment,
which every thread shares, is restored by the last block to end, however blocks of two threads
overlap."""
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

import apsim
from apsim import mock as apsim_mock

TIMEOUT = 30


class Worker(threading.Thread):
    """A thread running ``target()``; :meth:`result` joins it and returns what it returned or raises
    what it raised, so that an assertion failing in the thread fails the test. (It overrides
    ``run``, as many Thread subclasses do: the world is handed over by ``start``.)"""

    def __init__(self, target):
        super().__init__(daemon=True)
        self._target_fn = target
        self._outcome = (False, AssertionError("the thread did not finish"))

    def run(self):
        try:
            self._outcome = (True, self._target_fn())
        except BaseException as e:
            self._outcome = (False, e)

    def result(self):
        self.join(TIMEOUT)
        ok, value = self._outcome
        if not ok:
            raise value
        return value


def started(target):
    worker = Worker(target)
    worker.start()
    return worker


class BlockThread:
    """A thread that enters a ``mock_aws()`` block and stays in it until :meth:`end`."""

    def __init__(self):
        self.world = None
        self._entered, self._end = threading.Event(), threading.Event()
        self._worker = started(self._run)
        assert self._entered.wait(TIMEOUT)

    def _run(self):
        with apsim.mock_aws() as world:
            self.world = world
            self._entered.set()
            assert self._end.wait(TIMEOUT)

    def end(self):
        self._end.set()
        self._worker.result()


def tokens(sim):
    return [f["CreationToken"] for f in sim.client("efs").describe_file_systems()["FileSystems"]]


def test_two_threads_in_blocks_at_once_each_see_their_own_world(clean_env, no_network):
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    clients = threading.Lock()

    def test_in_a_thread(token):
        with apsim.mock_aws() as sim:
            barrier.wait()  # both blocks are active from here on
            with clients:  # creating clients from boto3's default session is not thread-safe
                efs = boto3.client("efs")
            efs.create_file_system(CreationToken=token)
            barrier.wait()
            seen = [f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]]
            assert apsim_mock._current() is sim and tokens(sim) == [token]
            barrier.wait()  # neither block ends before both have looked
        return seen

    a, b = started(lambda: test_in_a_thread("a")), started(lambda: test_in_a_thread("b"))
    assert (a.result(), b.result()) == (["a"], ["b"])
    assert apsim_mock._current() is None
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_threads_started_in_a_block_see_its_world(clean_env, no_network):
    with apsim.mock_aws() as sim:
        efs = boto3.client("efs")
        child = started(lambda: (apsim_mock._current(), efs.create_file_system(CreationToken="child")))
        assert child.result()[0] is sim
        grandchild = started(lambda: started(apsim_mock._current).result())
        assert grandchild.result() is sim
        with ThreadPoolExecutor(1) as pool:  # its worker is a thread started in the block too
            assert pool.submit(apsim_mock._current).result() is sim
        assert tokens(sim) == ["child"]


def test_a_thread_keeps_its_world_while_another_threads_block_begins(clean_env, no_network):
    pool = ThreadPoolExecutor(1)
    pool.submit(int).result()  # its worker starts now, outside any block

    def seen_by_pool():
        return pool.submit(apsim_mock._current).result()

    go, created, blocks_ended = threading.Event(), threading.Event(), threading.Event()
    with apsim.mock_aws() as a:
        efs = boto3.client("efs")

        def in_a():
            assert go.wait(TIMEOUT)
            during = apsim_mock._current()
            efs.create_file_system(CreationToken="from-a")
            created.set()
            assert blocks_ended.wait(TIMEOUT)
            return during, apsim_mock._current()

        child = started(in_a)
        b = BlockThread()  # started in A too, but in a block of its own
        go.set()
        assert created.wait(TIMEOUT)
        assert (tokens(a), tokens(b.world)) == (["from-a"], [])
        assert apsim_mock._current() is a  # this thread's own block
        assert seen_by_pool() is b.world  # a thread tied to no block: the block entered last
        b.end()
    blocks_ended.set()
    assert child.result() == (a, None)
    assert seen_by_pool() is None and apsim_mock._current() is None
    pool.shutdown()


@pytest.mark.parametrize("first_to_end", [0, 1], ids=["first-entered-ends-first", "last-entered-ends-first"])
def test_overlapping_blocks_in_two_threads_restore_the_environment_once(clean_env, monkeypatch, first_to_end):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "mine")
    blocks = [BlockThread(), BlockThread()]
    blocks[first_to_end].end()
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_DEFAULT_REGION"]) == ("testing", "us-east-1")
    blocks[1 - first_to_end].end()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "mine"
    assert not {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"} & set(os.environ)
    assert apsim_mock._current() is None


def test_threads_started_outside_any_block_are_left_alone():
    thread = started(apsim_mock._current)
    assert thread.result() is None and not hasattr(thread, apsim_mock._STARTED_IN)


def test_threading_is_patched_only_once_apsim_mocks():
    code = ("import threading; start = threading.Thread.start; import apsim; "
            "assert threading.Thread.start is start; apsim.mock_aws(); "
            "assert threading.Thread.start is not start and threading.Thread.start.__wrapped__ is start")
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, check=True)
