"""Tests for trialfinder.cli.mcp: ``trialfinder mcp`` end to end, the installed command over stdio.

The SDK's own ``stdio_client`` and ``ClientSession`` start the server, as an assistant's
client does, and the server searches a replay server on 127.0.0.1. The SDK is imported in the
test that uses it: every xdist worker imports every test module, and the SDK takes ~0.5 s.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from conftest import QUICK_WAITS, invoke_cli, run_cli, trialfinder_command
from replay_server import ReplayServer, Reply
from trialfinder.cli.mcp import INSTALL_HINT
from trialfinder.render.words import DISCLAIMER

if TYPE_CHECKING:
    from mcp_types import CallToolResult

SINGLE = "search_all_blinatumomab_single_page.json"
SINGLE_IDS = ["NCT03914625", "NCT04994717"]


def _text(result: CallToolResult) -> str:
    return " ".join(str(getattr(block, "text", "")) for block in result.content)


def test_a_real_client_over_stdio(server: ReplayServer, tmp_path: Path) -> None:
    """It initializes, lists four tools, finds every recorded study once with links and the
    reminder, answers a bad argument with a tool error naming it, and keeps serving."""
    from mcp import ClientSession, StdioServerParameters, stdio_client

    server.add("/studies", Reply.fixture(SINGLE))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TRIALFINDER_API_URL": server.url,
        "TRIALFINDER_CONFIG": os.environ["TRIALFINDER_CONFIG"],
        "TRIALFINDER_CACHE_DIR": os.environ["TRIALFINDER_CACHE_DIR"],
        **QUICK_WAITS,  # as for every command the tests start: the 1 s pacing is not the point
    }
    params = StdioServerParameters(command=trialfinder_command()[0], args=["mcp"], env=env)
    seen: dict[str, Any] = {}

    async def main() -> None:
        with (tmp_path / "server-stderr.txt").open("w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                with anyio.fail_after(60):
                    info = await session.initialize()
                    seen["server"] = info.server_info.name
                    seen["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
                    arguments = {"condition": "ALL", "intervention": "blinatumomab"}
                    seen["found"] = await session.call_tool("search_trials", arguments)
                    bad = {"condition": "ALL", "status": "recruting"}
                    seen["bad"] = await session.call_tool("search_trials", bad)
                    seen["unknown"] = await session.call_tool("count_trials", {"cond": "ALL"})
                    seen["next"] = await session.call_tool("count_trials", {"condition": "ALL"})

    anyio.run(main)
    assert seen["server"] == "trialfinder"
    assert seen["tools"] == ["count_trials", "explain_search", "get_trial", "search_trials"]
    found = seen["found"]
    assert not found.is_error
    studies = found.structured_content["studies"]
    assert sorted(s["nct_id"] for s in studies) == SINGLE_IDS  # each recorded study, once
    assert [s["url"] for s in studies] == [
        f"https://clinicaltrials.gov/study/{s['nct_id']}" for s in studies
    ]
    assert found.structured_content["reminder"] == DISCLAIMER
    assert found.structured_content["total_count"] == 2
    assert seen["bad"].is_error and "Unknown status 'recruting'" in _text(seen["bad"])
    assert seen["unknown"].is_error and "Unknown argument 'cond'" in _text(seen["unknown"])
    assert not seen["next"].is_error and seen["next"].structured_content["total_count"] == 2
    # The server used the API the environment named, and nothing else.
    assert {path for path, _, _ in server.requests} == {"/api/v2/studies"}
    assert "Traceback" not in (tmp_path / "server-stderr.txt").read_text()


def test_without_the_extra_it_says_what_to_install() -> None:
    """It exits 2 with one line naming the extra when the MCP SDK cannot be imported."""
    code = (
        "import sys\n"
        "sys.modules['mcp'] = None  # as if the SDK were not installed\n"
        "from trialfinder.cli.main import main\n"
        "sys.argv = ['trialfinder', 'mcp']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"trialfinder: error: {INSTALL_HINT}"]
    assert INSTALL_HINT.endswith('pip install "trialfinder[mcp]"')


def test_a_bad_api_url_is_refused_before_serving() -> None:
    """It checks --api-url first, like every command, and exits 2 with one line."""
    done = run_cli("mcp", "--api-url", "ftp://example.org")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "is not usable" in done.stderr


def test_it_serves_with_the_garbage_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """It turns the cyclic collector back on before serving (it is off only while the SDK is
    imported) and leaves nothing frozen, so that reading a page keeps its own collector trick."""
    import trialfinder.mcp.server

    seen: dict[str, object] = {}

    def serve(client: object) -> None:
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(trialfinder.mcp.server, "serve", serve)
    try:
        done = invoke_cli("mcp")
        seen["after"] = gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
    assert done.returncode == 0, done.stderr
    assert seen == {"enabled": True, "frozen": 0, "after": True}
