"""The pytest plugin of apsim (registered through the ``pytest11`` entry point).

    def test_provisioning(apsim_aws):
        efs = boto3.client("efs")                  # answered by apsim, in process
        ...
        apsim_aws.inject_fault("efs:CreateAccessPoint", "ThrottlingException")

``apsim_aws`` is the Simulator of a fresh world that every boto3/botocore efs and fsx client
created during the test is routed to (see :class:`apsim.mock_aws`). Mark a test with
``@pytest.mark.apsim(seed=1, lifecycle="instant")`` to open its world with those config keys.
"""
import pytest

from .mock import mock_aws


def pytest_configure(config):
    config.addinivalue_line("markers", "apsim(**config): config keys of the apsim_aws fixture's world")


@pytest.fixture
def apsim_aws(request):
    marker = request.node.get_closest_marker("apsim")
    config = dict(marker.kwargs) if marker else {}
    with mock_aws(**config) as sim:
        yield sim
