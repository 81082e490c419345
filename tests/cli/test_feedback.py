"""Tests for trialfinder.cli.feedback: the waiting line on a terminal, --quiet, --verbose."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import time

import pytest

from conftest import invoke_cli, trialfinder_command
from replay_server import ReplayServer, Reply
from trialfinder.cli.feedback import WaitLine, wait_text
from trialfinder.http.failures import RetryWait

BUSY = Reply(status=503, body=b"busy", content_type="text/plain", headers={"Retry-After": "1"})
STUDY = "study_NCT02013167_pembrolizumab_radiation_myeloma.json"


def test_wait_text_says_why_how_long_and_which_attempt() -> None:
    """It reads like a sentence a person can act on."""
    assert wait_text(RetryWait("HTTP 503", 2.4, 2, 4)) == (
        "API busy (HTTP 503); retrying in 2 s, attempt 2 of 4"
    )
    assert wait_text(RetryWait("no answer in time", 0.2, 3, 4)) == (
        "API not answering (no answer in time); retrying now, attempt 3 of 4"
    )


def test_wait_line_rewrites_one_line_and_clears_it() -> None:
    """It writes each wait over the last and leaves no trace once the request is done."""
    err = io.StringIO()
    line = WaitLine(err)
    line(RetryWait("HTTP 503", 1, 2, 4))
    line(RetryWait("HTTP 503", 2, 3, 4))
    line(None)
    line(None)
    assert err.getvalue() == (
        "\r\x1b[KAPI busy (HTTP 503); retrying in 1 s, attempt 2 of 4"
        "\r\x1b[KAPI busy (HTTP 503); retrying in 2 s, attempt 3 of 4"
        "\r\x1b[K"
    )
    assert "\n" not in err.getvalue()


def _run_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal; return code, stdout, stderr."""
    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "TRIALFINDER_API_URL"}
    env.update({"COLUMNS": "100", "NO_COLOR": "1"})
    proc = subprocess.Popen(
        [*trialfinder_command(), *args],
        stdout=subprocess.PIPE,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                data = os.read(main, 4096)
            except OSError:  # the other end closed
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    out = proc.communicate(timeout=60)[0]
    os.close(main)
    return proc.returncode, out.decode(), b"".join(chunks).decode()


@pytest.mark.usefixtures("real_waits")
def test_a_busy_api_shows_the_wait_on_a_terminal(server: ReplayServer) -> None:
    """It shows one updating line on a terminal's stderr, and clears it before the result.

    With the built-in waits: the command honours the server's one-second Retry-After.
    """
    server.add("/studies/NCT02013167", BUSY, Reply.fixture(STUDY))
    code, out, err = _run_on_a_terminal("show", "NCT02013167", "--api-url", server.url)
    assert code == 0, err
    assert "\r\x1b[KAPI busy (HTTP 503); retrying in 1 s, attempt 2 of 4\r\x1b[K" in err
    assert out.startswith("NCT02013167: ")


def test_quiet_or_not_a_terminal_shows_no_wait(server: ReplayServer) -> None:
    """It prints nothing about waiting with --quiet, or when stderr is a file or a pipe."""
    server.add("/studies/NCT02013167", BUSY, Reply.fixture(STUDY), BUSY, Reply.fixture(STUDY))
    code, _, err = _run_on_a_terminal("show", "NCT02013167", "-q", "--api-url", server.url)
    assert code == 0 and "retrying" not in err
    piped = invoke_cli("show", "NCT02013167", "--no-cache", "--api-url", server.url)
    assert piped.returncode == 0 and piped.stderr == ""
    assert len(server.requests) == 4


def test_verbose_logs_the_full_url(server: ReplayServer) -> None:
    """It shows each request's full URL with --verbose, while the error line stays short."""
    server.add("/studies", Reply(status=404, body=b"Not Found", content_type="text/plain"))
    proc = invoke_cli("search", "-c", "asthma", "-v", "--api-url", server.url + "/wrong")
    assert proc.returncode == 1
    debug, error = proc.stderr.splitlines()[:-1], proc.stderr.splitlines()[-1]
    assert any("query.cond=asthma" in line and "fields=NCTId" in line for line in debug)
    assert error.startswith("trialfinder: error: The API answered 404") and "?" not in error
