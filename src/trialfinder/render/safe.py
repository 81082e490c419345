"""Text from the registry made safe: for a terminal, and for a spreadsheet's cells.

Text from the API is cleaned of control characters and escape sequences before it reaches a
terminal, and CSV cells that a spreadsheet would run as formulas are neutralized.
"""

from __future__ import annotations

import re

# CSI, OSC (ended by BEL or ST), and two-character escape sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")


# C0 and C1 controls (newline and tab handled apart), DEL, and bidirectional overrides.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str | None, *, multiline: bool = False) -> str:
    """Text made safe for a terminal: no escape sequences or control characters.

    Single-line text also has its line breaks and tabs turned into spaces.
    """
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n")))
    text = text.replace("\t", " ")
    if not multiline:
        text = " ".join(text.split())
    return text


def csv_cell(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    cleaned = _CONTROLS.sub("", text)
    risky = text.startswith(_FORMULA_START) or cleaned.startswith(_FORMULA_START)
    return "'" + cleaned if risky else cleaned
