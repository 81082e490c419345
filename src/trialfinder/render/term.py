"""Terminal capabilities: colour and clickable links, only where they help and are wanted.

Colour is a hint, never the only signal: statuses are always written in words. It is used
only when the output is a terminal, ``NO_COLOR`` is unset and ``TERM`` is not ``dumb``.
Links use the OSC 8 escape, understood by many terminals; the plain URL is always printed too.
Light to import: no third-party modules.
"""

from __future__ import annotations

import io
import os
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

_RESET = "\x1b[0m"
_STATUS_COLOURS = {
    "RECRUITING": "\x1b[32m",  # green
    "NOT_YET_RECRUITING": "\x1b[33m",  # yellow
    "ENROLLING_BY_INVITATION": "\x1b[33m",
    "AVAILABLE": "\x1b[32m",
    "SUSPENDED": "\x1b[31m",  # red
    "TERMINATED": "\x1b[31m",
    "WITHDRAWN": "\x1b[31m",
    "NO_LONGER_AVAILABLE": "\x1b[31m",
}
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"

# Terminals known to render OSC 8 links; others would show nothing or garbage.
_LINK_TERM_PROGRAMS = {"iTerm.app", "WezTerm", "vscode", "Hyper", "ghostty", "Tabby"}
_LINK_TERMS = ("kitty", "alacritty", "foot", "wezterm", "ghostty")


@dataclass(frozen=True)
class Style:
    """How to decorate text for one output stream."""

    colour: bool = False
    links: bool = False

    def status(self, text: str, status: str | None) -> str:
        """Colour a status label by its meaning, when colour is on."""
        code = _STATUS_COLOURS.get(status or "", _DIM)
        return f"{code}{text}{_RESET}" if self.colour else text

    def bold(self, text: str) -> str:
        """Bold text, when colour is on."""
        return f"{_BOLD}{text}{_RESET}" if self.colour else text

    def link(self, text: str, url: str) -> str:
        """Make ``text`` a clickable link to ``url``, when the terminal supports it."""
        return f"\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\" if self.links else text


PLAIN = Style()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def supports_links(env: Mapping[str, str]) -> bool:
    """Whether the terminal described by ``env`` renders OSC 8 hyperlinks."""
    if env.get("FORCE_HYPERLINK") not in (None, ""):
        return env["FORCE_HYPERLINK"] != "0"
    if env.get("TERM_PROGRAM") in _LINK_TERM_PROGRAMS or env.get("WT_SESSION"):
        return True
    if env.get("KITTY_WINDOW_ID") or any(t in env.get("TERM", "") for t in _LINK_TERMS):
        return True
    vte = env.get("VTE_VERSION", "")
    # [0-9], not isdigit(): "²" is a digit to isdigit() and not a number to int().
    return re.fullmatch("[0-9]+", vte) is not None and int(vte) >= 5000


def detect(stream: TextIO, env: Mapping[str, str] | None = None) -> Style:
    """The style for ``stream``: plain unless it is a terminal that wants decoration."""
    env = os.environ if env is None else env
    if not _is_terminal(stream) or env.get("TERM") == "dumb":
        return PLAIN
    colour = "NO_COLOR" not in env or env["NO_COLOR"] == ""
    return Style(colour=colour, links=supports_links(env))


# -- width ----------------------------------------------------------------------------------

#: Width used when neither the stream nor ``$COLUMNS`` says.
DEFAULT_WIDTH = 100
#: Narrower than this, wrapped text is harder to read than a long line.
MIN_WIDTH = 40
# A line's hanging indent: leading spaces, then a list marker ("* ", "- ", "1. "), a
# padded label ("Why stopped:        ") or a first column ("NCT05100001  "), so that
# continuation lines start under the text.
_HANG = re.compile(r"^( *)(?:[-*•] +|[0-9]+[.)] +|[^\s:][^:]{0,30}: {2,}|\S+ {2,})?")


def output_width(stream: TextIO, env: Mapping[str, str] | None = None) -> int:
    """Columns to wrap text at: the terminal's width; else ``$COLUMNS``; else 100."""
    env = os.environ if env is None else env
    if _is_terminal(stream):
        try:
            return max(MIN_WIDTH, os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            pass
    columns = env.get("COLUMNS", "").strip()
    if re.fullmatch("[0-9]+", columns) and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    return DEFAULT_WIDTH


def fit(text: str, width: int) -> str:
    """``text`` with each line longer than ``width`` wrapped at spaces, never inside a word.

    Continuation lines hang under the text of their line: past its indent, its list marker
    or its padded label. A word longer than the width (a URL) keeps a line to itself,
    whole, so terminals can still open it. Lines holding escape sequences (colour, links)
    are left as they are: their visible width is not their length.
    """
    width = max(MIN_WIDTH, width)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width or "\x1b" in line:
            out.append(line)
            continue
        hang = _HANG.match(line)
        indent = len(hang.group(0)) if hang and hang.group(0) else 0
        if indent and hang and hang.group(0) == hang.group(1):  # indent only: 2 more
            indent += 2
        indent = min(indent, width // 2)
        out.extend(
            textwrap.wrap(
                line,
                width=width,
                subsequent_indent=" " * indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [line]
        )
    return "\n".join(out)


class FittedWriter(io.TextIOBase):
    """A text stream that passes each whole line written to it through :func:`fit`.

    For writers that stream their text: lines are wrapped as they complete, and what is
    left without a newline is written on :meth:`flush` or when the writer is closed. The
    stream beneath is flushed but never closed.
    """

    def __init__(self, out: TextIO, width: int) -> None:
        super().__init__()
        self._out = out
        self._width = width
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._out.write(fit(line, self._width) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._out.write(fit(self._pending, self._width))
            self._pending = ""
        self._out.flush()

    def close(self) -> None:
        if not self.closed:
            self.flush()
        super().close()
