"""The README's Python example of files through an access point runs as written."""
import contextlib
import io
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_files_example_runs(no_network, clean_env):
    text = README.read_text()
    start = text.index("import apsim, boto3\n\nwith apsim.mock_aws() as world:")
    code = text[start:text.index("```", start)]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    assert printed.getvalue() == "[Errno 13] Permission denied: '/top.log'\n"
