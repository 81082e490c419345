"""Tests for trialfinder.models.results: what a search's result says of itself."""

from __future__ import annotations

from conftest import full_study
from trialfinder.models.results import SearchResult


def test_truncated_flag() -> None:
    """It says a result was cut when more studies match than were returned."""
    study = full_study()
    assert SearchResult(studies=[study], total_count=5, limit=1).truncated
    assert not SearchResult(studies=[study], total_count=1, limit=1).truncated
    assert SearchResult(studies=[study], total_count=None, limit=1).truncated
    assert not SearchResult(studies=[], total_count=0, limit=20).truncated
    # The API ending early is not a cut by the limit.
    assert not SearchResult(studies=[study], total_count=21, limit=20).truncated
    assert not SearchResult(studies=[study], total_count=21, limit=None).truncated
