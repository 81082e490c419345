"""Tests for trialfinder.models.records: a study's record, frozen, with its link."""

from __future__ import annotations

import pytest

from conftest import full_study
from trialfinder.models.records import Study


def test_models_are_frozen_and_ignore_unknown_keys() -> None:
    """It makes records immutable and ignores keys it does not know."""
    s = full_study()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type
        s.title = "changed"  # type: ignore[misc]
    assert Study.model_validate({"nct_id": "NCT1", "url": "u", "new_key": 1}).nct_id == "NCT1"


def test_study_built_by_name_gets_its_link_unless_given() -> None:
    """It makes the study's link from its NCT ID, and keeps a link that was given."""
    assert Study(nct_id="NCT00000001").url == "https://clinicaltrials.gov/study/NCT00000001"
    assert Study(nct_id="NCT00000001", url="u").url == "u"
