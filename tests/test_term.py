"""Deciding colour and links per output stream."""

from __future__ import annotations

import io

import pytest

from trialfinder.term import PLAIN, Style, detect, supports_links


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
