"""Tests for trialfinder.render.summary: the count and skipped lines."""

from __future__ import annotations

from conftest import myeloma_result as result
from conftest import myeloma_studies as studies
from trialfinder.models.results import SearchResult
from trialfinder.render.summary import count_line, skipped_line


def test_count_line_without_truncation() -> None:
    """It does not claim a cut when every match is shown."""
    assert count_line(result(limit=20, total=4)) == "Showing 4 of 4 studies."


def test_skipped_line() -> None:
    """It names studies that could not be read."""
    assert skipped_line([]) is None
    assert skipped_line(["NCT01234567"]) == "1 study could not be read: NCT01234567"
    assert skipped_line(["a", "b"]) == "2 studies could not be read: a, b"


def test_count_line_when_api_ends_early() -> None:
    """It says when the API sent fewer studies than it counted, without blaming the limit."""
    short = SearchResult(studies=studies()[:2], total_count=21, limit=50, search_url="u")
    line = count_line(short)
    assert line.startswith("Showing 2 of 21 studies.")
    assert "fewer studies than it counted" in line and "--limit" not in line
