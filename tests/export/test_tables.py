"""Tests for trialfinder.export.tables: the export's columns and rows, from whole or cut records."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import HAND_MADE, corpus, load_json
from pages import METADATA, filter_record, piece_paths
from trialfinder.export.tables import (
    EXPORT_FIELDS,
    TABLES,
    arm_rows,
    intervention_rows,
    partial_date,
    site_rows,
    study_row,
)
from trialfinder.models.reading import parse_study


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", (date(2024, 1, 1), "year")),
        ("2024-05", (date(2024, 5, 1), "month")),
        ("2024-05-17", (date(2024, 5, 17), "day")),
        (" 2024-05 ", (date(2024, 5, 1), "month")),
        ("2024-13", (None, None)),
        ("2024-02-30", (None, None)),
        ("May 2024", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_partial_dates(text: str | None, expected: tuple[date | None, str | None]) -> None:
    """It gives a partial date's first day and precision, and nothing for a non-date."""
    assert partial_date(text) == expected


@pytest.mark.parametrize(
    ("registered", "years"),
    [("18 Years", 18.0), ("6 Months", 0.5), ("28 Days", 28 / 365.25), ("N/A", None)],
)
def test_ages_typed_in_years(registered: str, years: float | None) -> None:
    """It keeps the registered age and gives it in years beside it (null when not an age)."""
    raw = load_json(HAND_MADE[0])
    raw["protocolSection"]["eligibilityModule"]["minimumAge"] = registered
    row = dict(zip([c.name for c in TABLES["studies"]], study_row(parse_study(raw)), strict=True))
    assert row["minimum_age"] == registered
    assert row["minimum_age_years"] == (None if years is None else pytest.approx(years))


def test_export_fields_lose_nothing_the_tables_hold() -> None:
    """It asks for fewer bytes than whole records, and every row is the same as from them."""
    if not METADATA.exists():
        pytest.skip("the recorded /studies/metadata is not present")
    paths = piece_paths(json.loads(METADATA.read_text(encoding="utf-8")))
    assert set(EXPORT_FIELDS) <= set(paths)
    records = [r for r in corpus() if "protocolSection" in r]
    assert len(records) > 20
    smaller = 0
    for raw in records:
        cut = filter_record(raw, EXPORT_FIELDS, paths)
        smaller += len(json.dumps(cut)) < len(json.dumps(raw))
        whole, asked = parse_study(raw), parse_study(cut)
        assert study_row(asked) == study_row(whole)
        for rows in (site_rows, arm_rows, intervention_rows):
            assert list(rows(asked)) == list(rows(whole))
    assert smaller > len(records) / 2
