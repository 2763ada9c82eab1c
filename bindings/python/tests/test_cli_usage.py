"""What the apsim executable says to a person: usage errors in words, hints, and help that is true."""
import json
import tempfile
from pathlib import Path

import pytest

from conftest import CLI, requires_cli, run

pytestmark = requires_cli


def test_a_negative_seed_is_a_value_refused_as_such():
    r = run([CLI, "call", "--seed", "-1", "efs:DescribeFileSystems"])
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: seed must be an integer from 0 to 9223372036854775807.\n")


def test_a_creation_delay_needs_the_manual_lifecycle():
    r = run([CLI, "call", "--creation-delay-ms", "5", "efs:DescribeFileSystems"])
    assert r.returncode == 2
    assert r.stderr.startswith("Error: --creation-delay-ms (creation_delay_ms) applies only with --lifecycle manual; "
                               "add it, or leave the delay out\n")
    r = run([CLI, "call", "--lifecycle", "manual", "--creation-delay-ms", "5", "efs:DescribeFileSystems"])
    assert r.returncode == 0, r.stderr


def test_a_config_file_syntax_error_has_its_position():
    with tempfile.TemporaryDirectory() as d:
        config = Path(d) / "config.json"
        config.write_text('{"seed": 1,\n "region": }')
        r = run([CLI, "call", "--config", str(config), "efs:DescribeFileSystems"])
    assert r.returncode == 2
    assert r.stderr.startswith(f"Error: {config} is not valid JSON: line 2, column 12: Malformed JSON at byte 23: "
                               "unexpected character.\n")


def test_a_mistyped_operation_gets_a_hint():
    r = run([CLI, "call", "efs:CreateFilesystem"])
    assert r.returncode == 2
    assert r.stderr.startswith("Error: Unknown operation 'efs:CreateFilesystem'. Did you mean 'efs:CreateFileSystem'? ")
    r = run([CLI, "call", "fsx:DescribeBackups"])
    assert r.returncode == 2
    assert "apsim does not emulate the FSx operation DescribeBackups" in r.stderr


def test_validate_fills_tokens_as_sdks_do_unless_strict():
    r = run([CLI, "validate", "efs:CreateFileSystem", "-"], input="{}")
    assert (r.returncode, r.stdout) == (0, "valid (CreationToken filled in, as SDKs do; --strict to require it)\n")
    r = run([CLI, "validate", "--json", "efs:CreateFileSystem", "-"], input="{}")
    assert json.loads(r.stdout) == {"Valid": True, "FilledIdempotencyTokens": ["CreationToken"]}
    r = run([CLI, "validate", "--strict", "efs:CreateFileSystem", "-"], input="{}")
    assert r.returncode == 1
    assert "Value null at 'creationToken' failed to satisfy constraint: Member must not be null" in r.stdout


def test_serve_help_is_true():
    text = run([CLI, "serve", "--help"]).stdout
    assert "The clock is real here by default" in text
    assert "--clock virtual" in text
    threads = text[text.index("--threads"):text.index("--threads") + 200]
    assert threads.count("default") == 1, threads
    assert "0 to 65535" in text


def test_service_options_come_from_the_declared_config_keys():
    """--access-points-per-file-system and the other service options are not spelled in the CLI:
    it makes them from the keys each service declares (apsim:DescribeConfiguration lists them)."""
    r = run([CLI, "call", "apsim:DescribeConfiguration"])
    keys = {k["Key"]: k for k in json.loads(r.stdout)["Configuration"]}
    help_text = run([CLI, "serve", "--help"]).stdout
    for key in keys.values():
        if key["Owner"] in ("efs", "fsx"):
            option = "--" + key["Key"].replace("_", "-")
            assert option in help_text, option
            assert key["Summary"].split()[0] in help_text
    r = run([CLI, "call", "--access-points-per-file-system", "7", "--throttling", "apsim:DescribeConfiguration"])
    given = {k["Key"]: k.get("Value") for k in json.loads(r.stdout)["Configuration"]}
    assert (given["access_points_per_file_system"], given["throttling"]) == (7, True)
    r = run([CLI, "call", "--access-points-per-file-system=0", "apsim:DescribeConfiguration"])
    assert (r.returncode, r.stderr.splitlines()[0]) == (
        2, "Error: access_points_per_file_system must be an integer from 1 to 1000000000.")
    r = run([CLI, "call", "apsim:DescribeConfiguration", "--s3-access-points-per-region"])
    assert (r.returncode, r.stderr.splitlines()[0]) == (2, "Error: Missing value for '--s3-access-points-per-region <value>'")
    # validate opens no world: the options are unknown there.
    r = run([CLI, "validate", "--throttling", "efs:DescribeFileSystems", "-"], input="{}")
    assert r.returncode == 2 and "--throttling" in r.stderr
