"""Tests for trialfinder.render.safe: text made safe for a terminal and for CSV."""

from __future__ import annotations

import pytest

from trialfinder.render.safe import clean, csv_cell


@pytest.mark.parametrize(
    ("dirty", "expected"),
    [
        ("Title\x1b[31m red\x1b[0m", "Title red"),
        ("\x1b]0;pwned\x07Window", "Window"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("Bell\x07 and\x00 nul", "Bell and nul"),
        ("C1\x9b31m control", "C131m control"),
        ("back\x08space", "backspace"),
        ("line\nbreak\ttab", "line break tab"),
        ("rtl \u202eevil\u202c", "rtl evil"),
        ("Émile – 日本語 ✓", "Émile – 日本語 ✓"),
    ],
)
def test_clean_removes_escapes_and_controls(dirty: str, expected: str) -> None:
    """It strips anything that could move the cursor, recolour or retitle a terminal."""
    assert clean(dirty) == expected


def test_clean_multiline_keeps_line_breaks() -> None:
    """It keeps paragraph breaks in long text, dropping carriage returns and escapes."""
    assert clean("a\r\nb\x1b[2J\nc", multiline=True) == "a\nb\nc"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'x"),
        ("\x00=1+1", "'=1+1"),
        ("Phase 2", "Phase 2"),
        ("", ""),
    ],
)
def test_csv_cells_never_run_as_formulas(cell: str, expected: str) -> None:
    """It neutralizes cells a spreadsheet would run as a formula."""
    assert csv_cell(cell) == expected
