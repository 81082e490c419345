"""Fast start: help and version load neither the HTTP stack nor the models nor the cache."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import trialfinder_command

HEAVY = (
    "requests",
    "pydantic",
    "tenacity",
    "requests_cache",
    "urllib3",
    "mcp",
    "anyio",
    "pyarrow",
    "duckdb",
)


def _imported_by(args: list[str]) -> set[str]:
    """Top-level modules the installed command imports for ``args`` (from -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *trialfinder_command(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    modules = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name.split(".")[0])
    assert "click" in modules, "importtime output was not read"
    return modules


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["search", "--help"],
        ["cache", "--help"],
        ["mcp", "--help"],
        ["export", "--help"],
    ],
)
def test_help_and_version_import_no_heavy_library(args: list[str]) -> None:
    """It answers --help and --version without importing requests, pydantic, tenacity or the
    MCP SDK."""
    assert sorted(_imported_by(args) & set(HEAVY)) == []


def test_a_search_does_import_the_http_stack() -> None:
    """It proves the check above can see a heavy import (a search loads requests)."""
    code = (
        "import sys\n"
        "from trialfinder.cli.main import cli\n"
        "try:\n"
        "    cli.main(['search', '-c', 'x', '--api-url', 'http://127.0.0.1:9', '--retries', '1',"
        " '--timeout', '0.5', '--no-cache'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY:' + ' '.join(m for m in " + repr(HEAVY) + " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "requests" in done.stdout.rsplit("HEAVY:", 1)[1].split()


def test_importing_the_cli_in_process_loads_no_heavy_library() -> None:
    """It keeps sys.modules free of the heavy libraries after importing the CLI and --help."""
    code = (
        "import sys\n"
        "from trialfinder.cli.main import cli\n"
        "try:\n"
        "    cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY:' + ' '.join(m for m in " + repr(HEAVY) + " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: trialfinder" in done.stdout
    assert done.stdout.rsplit("HEAVY:", 1)[1].strip() == ""
