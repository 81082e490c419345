"""Tests for trialfinder.notes.annotate: every note made on real recorded studies."""

from __future__ import annotations

from datetime import date

import pytest

from trialfinder.models.reading import parse_study


def _shared_studies() -> list[object]:
    from conftest import SHARED_CTGOV

    if not SHARED_CTGOV.is_dir():
        return []
    import json

    raws: list[object] = []
    for path in sorted((SHARED_CTGOV / "search").glob("*.json")):
        raws += json.loads(path.read_text(encoding="utf-8")).get("studies") or []
    return raws


def test_notes_on_real_recorded_studies() -> None:
    """It works out notes for every real recorded study without failing."""
    from trialfinder.notes.annotate import study_notes
    from trialfinder.query.build import SearchQuery

    raws = _shared_studies()
    if not raws:
        pytest.skip("the shared recorded responses are not here")
    query = SearchQuery.build(
        condition="x", intervention=["placebo", "Keytruda"], age=67, sex="female", near=(39, -77)
    )
    for raw in raws:
        notes = study_notes(parse_study(raw), query, date(2026, 1, 1))
        assert notes.combination is not None
        assert [c.agent for c in notes.combination.agents] == ["placebo", "Keytruda"]
        assert notes.age_check is not None and notes.sex_check is not None
