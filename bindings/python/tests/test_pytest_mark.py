"""@pytest.mark.apsim puts the test it marks in a world of its own, whether or not the test asks
for the apsim_aws fixture (issue 23: a marked test without the fixture ran against real AWS).

Each test runs a small suite with pytester, in this process. The plugin is loaded by the installed
entry point, or else by the suite's conftest.py (as this suite's own conftest.py does).
"""
import pytest

pytest_plugins = ["pytester"]

# The first file system ID of a world of seed 1, and of seed 2.
SEED_1, SEED_2 = "fs-0f18d6ce93d6cf1ee", "fs-015afa6cc98416e0c"

HEADER = """
import socket
import boto3
import pytest
import apsim
from apsim import mock as apsim_mock


@pytest.fixture(autouse=True)
def refuse_sockets(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request left the process")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def created():
    return boto3.client("efs", region_name="us-east-1").create_file_system(CreationToken="t")["FileSystemId"]
"""


CONFTEST = """
def pytest_configure(config):
    if not config.pluginmanager.has_plugin("apsim"):  # the entry point (an installed apsim) did not load it
        config.pluginmanager.import_plugin("apsim.pytest_plugin")
"""


@pytest.fixture
def run(pytester, clean_env, monkeypatch):
    """``run(body, *args)``: the outcome of a suite of one module, HEADER + ``body``, with no
    credentials nor profile from this machine (only a world's dummy ones can work)."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("COLUMNS", "400")  # whole lines in the short test summary
    pytester.makeconftest(CONFTEST)

    def run_suite(body, *args):
        pytester.makepyfile(test_marked=HEADER + body)
        return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:benchmark", "-q", *args)
    return run_suite


def test_a_marked_test_without_the_fixture_runs_in_a_world_of_its_own(run):
    result = run(f"""
@pytest.mark.apsim(seed=1)
def test_marked():
    assert created() == "{SEED_1}"


@pytest.mark.apsim(seed=2, lifecycle="instant")
def test_marked_with_config():
    efs = boto3.client("efs", region_name="us-east-1")
    fs = efs.create_file_system(CreationToken="t")
    assert (fs["FileSystemId"], fs["LifeCycleState"]) == ("{SEED_2}", "available")
    assert apsim_mock._current().config == {{"seed": 2, "lifecycle": "instant"}}


def test_unmarked_gets_no_world():
    assert apsim_mock._current() is None
""")
    result.assert_outcomes(passed=3)


def test_the_mark_on_a_class_or_a_module_and_with_the_fixture(run):
    result = run(f"""
pytestmark = pytest.mark.apsim(seed=1)


@pytest.fixture
def made_by_a_fixture():
    return created()  # set up after the world is entered


def test_module_mark(made_by_a_fixture):
    assert made_by_a_fixture == "{SEED_1}"
    assert len(boto3.client("efs", region_name="us-east-1").describe_file_systems()["FileSystems"]) == 1


def test_with_the_fixture_too(apsim_aws):
    assert created() == "{SEED_1}"
    assert apsim_mock._current() is apsim_aws  # one world, the fixture's
    assert [f["FileSystemId"] for f in apsim_aws.client("efs").describe_file_systems()["FileSystems"]] == ["{SEED_1}"]


@pytest.mark.apsim(seed=2)
class TestClass:
    def test_closest_mark_wins(self):
        assert created() == "{SEED_2}"

    def test_each_test_has_its_own_world(self):
        assert created() == "{SEED_2}"
""")
    result.assert_outcomes(passed=4)


def test_a_mark_the_world_refuses_is_an_error_not_a_test_against_aws(run):
    result = run("""
@pytest.mark.apsim(sed=1)
def test_misspelt():
    created()


@pytest.mark.apsim("seed")
def test_positional():
    created()
""", "-rE")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines([
        "ERROR test_marked.py::test_misspelt - apsim._errors.ConfigError: Unknown configuration key 'sed'. Known keys: *",
        "ERROR test_marked.py::test_positional - TypeError: @pytest.mark.apsim takes config keys only "
        "(@pytest.mark.apsim(seed=1)), not 'seed'",
    ])
