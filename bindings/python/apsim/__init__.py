"""apsim: an in-process emulator of the AWS EFS access point and FSx S3 access point attachment
APIs, through libapsim.so.

    import apsim

    with apsim.Simulator(seed=1) as sim:
        efs = sim.client("efs")
        fs = efs.create_file_system(CreationToken="data")
        ap = efs.create_access_point(ClientToken="t1", FileSystemId=fs["FileSystemId"])
        try:
            efs.describe_access_points(AccessPointId="fsap-00000000000000000")
        except efs.exceptions.AccessPointNotFound as e:
            print(e.response["Error"]["Message"])

The library is found through $APSIM_LIBRARY, then a libapsim.so inside this package, then the
repository's .build/release folder (see :func:`apsim._native.candidates`), and loaded on first use.
botocore is optional: with it, clients raise botocore's modeled exceptions and parse timestamps
with botocore's parser, exactly as boto3 does.

Existing boto3 code runs unchanged against apsim inside ``with apsim.mock_aws():`` (see
:mod:`apsim.mock`), and pytest tests get the ``apsim_aws`` fixture from the installed plugin.
"""

from ._errors import ClientError, ConfigError, ServiceNotMockedError, StateFileInUseError
from ._native import EXPECTED_VERSION_NUMBER, LibraryNotFoundError
from .client import BaseClient
from .mock import mock_aws, patch_client
from .mount import Mount, MountError
from .simulator import Simulator, validate, version, version_number
from ._version import __version__


__all__ = [
    "BaseClient",
    "ClientError",
    "ConfigError",
    "StateFileInUseError",
    "EXPECTED_VERSION_NUMBER",
    "LibraryNotFoundError",
    "Mount",
    "MountError",
    "ServiceNotMockedError",
    "Simulator",
    "mock_aws",
    "patch_client",
    "validate",
    "version",
    "version_number",
]
