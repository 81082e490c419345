"""Terminal capabilities: colour and clickable links, only where they help and are wanted.

Colour is a hint, never the only signal: statuses are always written in words. It is used
only when the output is a terminal, ``NO_COLOR`` is unset and ``TERM`` is not ``dumb``.
Links use the OSC 8 escape, understood by many terminals; the plain URL is always printed too.
Light to import: no third-party modules.
"""

from __future__ import annotations

import os
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
    return vte.isdigit() and int(vte) >= 5000


def detect(stream: TextIO, env: Mapping[str, str] | None = None) -> Style:
    """The style for ``stream``: plain unless it is a terminal that wants decoration."""
    env = os.environ if env is None else env
    if not _is_terminal(stream) or env.get("TERM") == "dumb":
        return PLAIN
    colour = "NO_COLOR" not in env or env["NO_COLOR"] == ""
    return Style(colour=colour, links=supports_links(env))
