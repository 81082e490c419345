"""Tests for trialfinder.ids: the study link and NCT ID check, below the records."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.ids import normalize_nct_id, study_url


def test_study_url_is_the_registry_page() -> None:
    assert study_url("NCT02013167") == "https://clinicaltrials.gov/study/NCT02013167"


def test_normalize_forgives_case_and_spacing_but_not_other_digits() -> None:
    assert normalize_nct_id(" nct-02013167 ") == "NCT02013167"
    with pytest.raises(InvalidQuery, match="NCT followed by 8 digits"):
        normalize_nct_id("NCT0201316\uff17")


def test_records_import_neither_the_query_nor_the_places() -> None:
    # models → query → geo → models was a cycle; the records now sit below both.
    code = (
        "import sys, trialfinder.models.reading, trialfinder.models.results\n"
        "print(sorted(m for m in ('trialfinder.query.build', 'trialfinder.notes.nearest')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NCT02013167", "NCT02013167"),
        ("nct02013167", "NCT02013167"),
        (" NCT02013167 ", "NCT02013167"),
        ("nct-02013167", "NCT02013167"),
        ("\u00a0NCT02013167\u00a0", "NCT02013167"),  # pasted from a web page
    ],
)
def test_nct_id_normalized(raw: str, expected: str) -> None:
    """It accepts an NCT ID in any case and returns it canonical."""
    assert normalize_nct_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "NCT123",
        "02013167",
        "NCT020131670",
        "NCTABCDEFGH",
        "",
        "NCT0201316\x1b",
        # Digits of other scripts match \d, but are not an ID: the API would not find them.
        "NCT0201316\uff17",
        "NCT\u0660\u0662\u0660\u0661\u0663\u0661\u0666\u0667",
    ],
)
def test_bad_nct_id_rejected(raw: str) -> None:
    """It rejects anything that is not NCT and 8 digits, naming the right form."""
    with pytest.raises(InvalidQuery, match="NCT followed by 8 digits"):
        normalize_nct_id(raw)


def test_study_url() -> None:
    """It links a study's page."""
    assert study_url("NCT02013167") == "https://clinicaltrials.gov/study/NCT02013167"
