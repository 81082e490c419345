"""Tests for trialfinder.render.term: colour, links and width per stream; 80 columns kept."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import struct
import termios
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from conftest import SHARED_CTGOV
from trialfinder.cli.main import cli
from trialfinder.render.term import (
    PLAIN,
    FittedWriter,
    Style,
    detect,
    fit,
    output_width,
    supports_links,
)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "env", "expected"),
    [
        (io.StringIO(), {}, PLAIN),  # piped or redirected
        (FakeTerminal(), {}, Style(colour=True, links=False)),
        (FakeTerminal(), {"NO_COLOR": "1"}, Style(colour=False, links=False)),
        (FakeTerminal(), {"NO_COLOR": ""}, Style(colour=True, links=False)),
        (FakeTerminal(), {"TERM": "dumb"}, PLAIN),
        (FakeTerminal(), {"TERM_PROGRAM": "iTerm.app"}, Style(colour=True, links=True)),
        (FakeTerminal(), {"NO_COLOR": "x", "VTE_VERSION": "6003"}, Style(colour=False, links=True)),
        (io.StringIO(), {"FORCE_HYPERLINK": "1"}, PLAIN),
    ],
)
def test_detect(stream: io.StringIO, env: dict[str, str], expected: Style) -> None:
    """It decorates only terminals, honours NO_COLOR and TERM=dumb, links where supported."""
    assert detect(stream, env) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"VTE_VERSION": "4800"}, False),
        ({"VTE_VERSION": "5200"}, True),
        ({"TERM": "xterm-kitty"}, True),
        ({"WT_SESSION": "abc"}, True),
        ({"FORCE_HYPERLINK": "0", "TERM_PROGRAM": "iTerm.app"}, False),
        ({"FORCE_HYPERLINK": "1"}, True),
    ],
)
def test_supports_links(env: dict[str, str], expected: bool) -> None:
    """It enables OSC 8 links only for terminals known to render them."""
    assert supports_links(env) is expected


def test_closed_stream_is_not_a_terminal() -> None:
    """It treats a closed stream as plain output."""
    stream = io.StringIO()
    stream.close()
    assert detect(stream, {}) == PLAIN


# -- width and wrapping ------------------------------------------------------------------------


def test_output_width_terminal_then_columns_then_100() -> None:
    """It wraps at the terminal's width; off a terminal at $COLUMNS, else at 100."""
    main, secondary = pty.openpty()
    try:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 72, 0, 0))
        with os.fdopen(os.dup(secondary), "w") as tty:
            assert output_width(tty, env={"COLUMNS": "120"}) == 72
    finally:
        os.close(main)
        os.close(secondary)
    assert output_width(io.StringIO(), env={"COLUMNS": "80"}) == 80
    assert output_width(io.StringIO(), env={"COLUMNS": "wide"}) == 100
    assert output_width(io.StringIO(), env={}) == 100
    assert output_width(io.StringIO(), env={"COLUMNS": "10"}) == 40


def test_fit_hangs_continuations_under_the_text() -> None:
    """It indents a wrapped line under its bullet, its label's value or its first column."""
    words = "word " * 30
    assert fit(f"* {words}", 40).split("\n")[1].startswith("  word")
    assert fit(f"Why stopped:        {words}", 60).split("\n")[1].startswith(" " * 20 + "word")
    assert fit(f"  NCT05100001  {words}", 50).split("\n")[1].startswith(" " * 15 + "word")
    assert fit(f"    {words}", 50).split("\n")[1].startswith(" " * 6 + "word")
    assert fit(words, 50).split("\n")[1].startswith("word")


def test_fit_never_breaks_a_word_or_a_url_and_leaves_styled_lines() -> None:
    """It breaks only at spaces: a long URL keeps a line to itself, whole."""
    url = "https://clinicaltrials.gov/search?cond=" + "x" * 80
    text = f"Same search on the website: {url}\nshort\n\x1b[1m{'bold ' * 30}\x1b[0m"
    lines = fit(text, 60).split("\n")
    assert lines[:3] == ["Same search on the website:", url, "short"]
    assert lines[3].startswith("\x1b[1m") and len(lines) == 4
    assert fit("Pembrolizumab-containing regimens " * 4, 40).split("\n")[0] == (
        "Pembrolizumab-containing regimens"
    )


# -- the 80-column promise, over real recorded studies ----------------------------------------

API = "https://clinicaltrials.gov/api/v2"
RECORDED_STUDIES = sorted((SHARED_CTGOV / "studies").glob("*.json"))
needs_shared = pytest.mark.skipif(not RECORDED_STUDIES, reason="no recorded API responses here")


def too_wide(text: str, width: int = 80) -> list[str]:
    """Lines past ``width`` that are not a URL alone (a URL is never broken)."""
    return [
        line
        for line in text.splitlines()
        if len(line) > width and not line.strip().startswith(("http://", "https://"))
    ]


def at_80(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "80"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout + result.stderr


@needs_shared
@pytest.mark.parametrize("path", RECORDED_STUDIES, ids=lambda p: p.stem)
@responses.activate
def test_show_of_a_real_study_fits_80_columns(path: Path, no_pacing: None) -> None:
    """It keeps every line of 'show' within 80 columns, except a URL on a line of its own."""
    record = json.loads(path.read_text(encoding="utf-8"))
    nct_id = record["protocolSection"]["identificationModule"]["nctId"]
    responses.get(f"{API}/studies/{nct_id}", json=record)
    text = at_80("show", nct_id, "--no-cache")
    assert text.startswith(nct_id) and too_wide(text) == []


@needs_shared
@responses.activate
def test_watch_run_and_show_of_real_studies_fit_80_columns(tmp_path: Path, no_pacing: None) -> None:
    """It wraps the report of real studies (new and gone), and the reminder, to 80 columns."""
    pages = [
        json.loads((SHARED_CTGOV / "search" / name).read_text(encoding="utf-8"))
        for name in (
            "biomcp_search_cond_phelan_pageSize5_page1.json",
            "biomcp_search_cond_phelan_pageSize5_page2.json",
        )
    ]
    db = str(tmp_path / "watch.db")
    name = "phelan-mcdermid-syndrome-watch"
    at_80("watch", "add", name, "-c", "Phelan-McDermid syndrome", "-n", "5", "--db", db)
    responses.get(f"{API}/studies", json=pages[0])
    at_80("watch", "run", "--db", db)
    responses.replace(responses.GET, f"{API}/studies", json=pages[1])
    report = at_80("watch", "run", "--db", db)
    assert "New in the results (5)" in report and "No longer in the results (5)" in report
    assert too_wide(report) == []
    shown = at_80("watch", "show", name, "--db", db)
    listed = at_80("watch", "list", "--db", db)
    assert too_wide(shown) == [] and too_wide(listed) == []


@needs_shared
@responses.activate
def test_search_of_real_studies_fits_80_columns(no_pacing: None) -> None:
    """It keeps the listing and its footer within 80 columns too."""
    page = SHARED_CTGOV / "search" / "tsa_search_cond_atopic_dermatitis_pageSize5_page.json"
    responses.get(f"{API}/studies", json=json.loads(page.read_text(encoding="utf-8")))
    text = at_80("search", "-c", "atopic dermatitis", "-n", "5", "--no-cache")
    assert "Showing 5 studies" in " ".join(text.split()) and too_wide(text) == []


def test_fitted_writer_wraps_lines_as_they_complete() -> None:
    """It wraps a streamed text line by line, and writes a last partial line when closed."""
    out = io.StringIO()
    with FittedWriter(out, 40) as fitted:
        fitted.write("* " + "word " * 10)
        assert out.getvalue() == ""  # the line is not whole yet
        fitted.write("end\nshort\ntail " * 1)
        assert out.getvalue().splitlines()[1].startswith("  word")
    assert out.getvalue().endswith("short\ntail ")
    assert all(len(line) <= 40 for line in out.getvalue().splitlines())
