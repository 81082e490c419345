"""Per-study notes: combinations in arms (the other notes: test_notes.py)."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import load_json
from trialfinder.combos import combination
from trialfinder.models import Study, parse_study


def studies() -> dict[str, Study]:
    """The real-shaped multi-arm studies of the myeloma fixtures, by NCT ID."""
    out: dict[str, Study] = {}
    for name in (
        "search_myeloma_radiation_pembrolizumab_page1_of_3.json",
        "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json",
        "search_myeloma_radiation_pembrolizumab_page3_of_3.json",
    ):
        for raw in load_json(name)["studies"]:
            study = parse_study(raw)
            out[study.nct_id] = study
    return out


def test_together_in_one_arm() -> None:
    """It names the arm that gives both treatments."""
    combo = combination(studies()["NCT02013167"], ("radiation", "pembrolizumab"))
    assert combo.together_arms == ["Pembrolizumab + RT"]
    assert combo.missing == []
    assert combo.summary == "radiation + pembrolizumab together in arm 'Pembrolizumab + RT'"


def test_only_in_separate_arms() -> None:
    """It says when the treatments are given only in different arms, and which."""
    combo = combination(studies()["NCT03104439"], ("radiation", "pembrolizumab"))
    assert combo.together_arms == []
    assert combo.arms == {"radiation": ["Radiation"], "pembrolizumab": ["Pembrolizumab"]}
    assert combo.summary == (
        "radiation + pembrolizumab only in different arms "
        "(radiation in 'Radiation'; pembrolizumab in 'Pembrolizumab')"
    )


def test_brand_name_matches_through_expansion() -> None:
    """It finds Keytruda in a study that lists only pembrolizumab, unless expansion is off."""
    study = studies()["NCT04425434"]  # lists "Pembrolizumab" with no other names
    assert combination(study, ("Keytruda",)).found == {"Keytruda": ["Pembrolizumab"]}
    assert combination(study, ("Keytruda",), expand=False).missing == ["Keytruda"]


def test_radiation_matches_by_type() -> None:
    """It counts any RADIATION intervention as radiation, whatever its name."""
    combo = combination(studies()["NCT05099003"], ("radiation",))
    assert combo.found == {"radiation": ["Hypofractionated radiotherapy"]}
    assert combo.summary == "radiation in arm 'Combination'"


def test_missing_intervention_reported() -> None:
    """It says which requested treatments a study does not list."""
    combo = combination(studies()["NCT02013167"], ("pembrolizumab", "daratumumab"))
    assert combo.missing == ["daratumumab"]
    assert combo.together_arms == []
    assert combo.summary == "has pembrolizumab; not listed: daratumumab"


def test_whole_words_only() -> None:
    """It does not take a name hidden inside another word for a match."""
    assert combination(studies()["NCT02013167"], ("RT",)).found == {
        "RT": ["Radiation therapy"]  # an other name of the intervention, as a whole word
    }
    assert combination(studies()["NCT02013167"], ("pembro",)).missing == ["pembro"]


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
    from trialfinder.notes import study_notes
    from trialfinder.query import SearchQuery

    raws = _shared_studies()
    if not raws:
        pytest.skip("the shared recorded responses are not here")
    query = SearchQuery.build(
        condition="x", intervention=["placebo", "Keytruda"], age=67, sex="female", near=(39, -77)
    )
    for raw in raws:
        notes = study_notes(parse_study(raw), query, date(2026, 1, 1))
        assert notes.combination is not None and notes.combination.summary
        assert notes.age_check is not None and notes.sex_check is not None
