"""Tests for trialfinder.query.pieces: which record pieces a search asks for (fields)."""

from __future__ import annotations

import json

import pytest

from pages import METADATA, SHARED_CTGOV, filter_record, piece_paths
from trialfinder.errors import InvalidQuery
from trialfinder.models.reading import parse_study
from trialfinder.query.pieces import LIST_FIELDS, fields_param
from trialfinder.render.formats import COLUMNS
from trialfinder.render.table import study_block

LIST_FIELDS_PARAM = ",".join(LIST_FIELDS)


def test_fields_param_rejects_names_that_are_not_pieces() -> None:
    """It refuses paths and empty lists instead of sending them for a 400 or 500."""
    assert fields_param(["NCTId", "BriefTitle", "NCTId"]) == "NCTId,BriefTitle"
    assert fields_param(None) is None
    with pytest.raises(InvalidQuery):
        fields_param(["protocolSection.identificationModule.nctId"])
    with pytest.raises(InvalidQuery):
        fields_param([])


@pytest.mark.parametrize("fields", [5, b"NCTId", {"NCTId": 1}, 2.5])
def test_fields_of_the_wrong_type_are_refused_in_one_line(fields: object) -> None:
    """Bytes are not read as numbers, a mapping not as its keys, a number not as a
    TypeError: each is an InvalidQuery saying what fields takes."""
    with pytest.raises(InvalidQuery, match=r"^fields takes piece names: text, or a list"):
        fields_param(fields)  # type: ignore[arg-type]


def test_an_iterator_of_fields_is_read_once() -> None:
    """Names from a generator are all sent."""
    assert fields_param(name for name in ["NCTId", "BriefTitle"]) == "NCTId,BriefTitle"


@pytest.mark.skipif(not METADATA.exists(), reason="shared/ctgov metadata not available")
def test_every_list_field_is_a_piece_of_the_metadata() -> None:
    """It asks only for piece names that /studies/metadata defines."""
    pieces = piece_paths(json.loads(METADATA.read_text(encoding="utf-8")))
    assert [name for name in LIST_FIELDS if name not in pieces] == []
    assert len(set(LIST_FIELDS)) == len(LIST_FIELDS)


def _shared_studies() -> list[dict[str, object]]:
    folder = SHARED_CTGOV / "studies"
    if not folder.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@pytest.mark.skipif(not METADATA.exists(), reason="shared/ctgov metadata not available")
def test_list_views_read_the_same_from_list_fields_as_from_whole_records() -> None:
    """It shows the same table, CSV columns and Markdown for a record cut to LIST_FIELDS."""
    paths = piece_paths(json.loads(METADATA.read_text(encoding="utf-8")))
    records = _shared_studies()
    assert records, "no shared study records"
    for record in records:
        full = parse_study(record)
        lean = parse_study(filter_record(record, LIST_FIELDS, paths))
        assert [get(lean) for _, get in COLUMNS] == [get(full) for _, get in COLUMNS]
        assert study_block(lean) == study_block(full)
        assert lean.locations == [loc.model_copy(update={"contacts": []}) for loc in full.locations]
        assert lean.eligibility.minimum_age == full.eligibility.minimum_age
        assert lean.eligibility.sex == full.eligibility.sex
        assert [a.intervention_names for a in lean.arms] == [
            a.intervention_names for a in full.arms
        ]
        assert [i.other_names for i in lean.interventions] == [
            i.other_names for i in full.interventions
        ]
