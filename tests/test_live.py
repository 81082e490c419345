"""Calls to the real API, skipped by default: ``python -m pytest -m live`` (needs a network)."""

from __future__ import annotations

import pytest

from trialfinder import get_study, search

pytestmark = pytest.mark.live


def test_live_search_seed_query() -> None:
    """It finds trials for a seed query, each linked, with a total count."""
    result = search(condition="multiple myeloma", intervention="pembrolizumab", limit=5)
    assert result.total_count is not None and result.total_count >= len(result.studies)
    assert all(s.url.startswith("https://clinicaltrials.gov/study/NCT") for s in result.studies)


def test_live_two_pages_no_duplicates() -> None:
    """It pages through real results without duplicates."""
    result = search(condition="leukemia", limit=1500)
    ids = [s.nct_id for s in result.studies]
    assert len(ids) == len(set(ids)) == 1500


def test_live_show() -> None:
    """It fetches one real study."""
    assert get_study("NCT02013167").nct_id == "NCT02013167"
