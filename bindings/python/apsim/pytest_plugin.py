"""The pytest plugin of apsim (registered through the ``pytest11`` entry point).

    def test_provisioning(apsim_aws):
        efs = boto3.client("efs")                  # answered by apsim, in process
        ...
        apsim_aws.inject_fault("efs:CreateAccessPoint", "ThrottlingException")

    @pytest.mark.apsim(seed=1, lifecycle="instant")
    def test_marked():                             # in a world of its own, without asking for it
        boto3.client("efs").create_file_system(CreationToken="t")

``apsim_aws`` is the Simulator of a fresh world that every boto3/botocore efs and fsx client is
routed to during the test (see :class:`apsim.mock_aws`). ``@pytest.mark.apsim(**config)`` (on a
test, a class or a module's ``pytestmark``) opens that world with those config keys (the mock_aws
keywords ``wire``, ``passthrough`` and ``config`` too), and puts every test it marks in a world of
its own whether or not the test asks for ``apsim_aws``: a marked test never runs against real AWS.
The world is entered before the function-scoped fixtures the test asks for are set up, so they run
in it too.
"""
import pytest

from .mock import mock_aws

MARK = "apsim"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARK}(**config): run the test in an apsim world of its own, opened with these config keys "
                   "(the apsim_aws fixture is that world's Simulator)")


def _marked_config(request):
    """The config keys of the closest apsim mark, or None when the test is not marked."""
    marker = request.node.get_closest_marker(MARK)
    if marker is None:
        return None
    if marker.args:
        raise TypeError(f"@pytest.mark.{MARK} takes config keys only (@pytest.mark.{MARK}(seed=1)), "
                        f"not {', '.join(map(repr, marker.args))}")
    return dict(marker.kwargs)


@pytest.fixture
def apsim_aws(request):
    with mock_aws(**(_marked_config(request) or {})) as sim:
        yield sim


@pytest.fixture(autouse=True)
def _apsim_marked_test(request):
    """Puts a test marked ``@pytest.mark.apsim`` in its world (the apsim_aws fixture's) even when it
    does not ask for ``apsim_aws``. Autouse: set up before the function-scoped fixtures it asks for."""
    if request.node.get_closest_marker(MARK) is not None:
        request.getfixturevalue("apsim_aws")
