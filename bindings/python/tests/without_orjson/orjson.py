"""Stands in for orjson when this folder leads PYTHONPATH: `import orjson` fails as on a machine
without it, in the test process and in every process the tests start, whatever is installed.

    PYTHONPATH=tests/without_orjson python -m pytest tests     # the suite without orjson
"""
raise ImportError("orjson is hidden by tests/without_orjson (PYTHONPATH), as if it were not installed")
