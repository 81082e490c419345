"""Tests for trialfinder.notes.vocabulary: the treatment-type vocabulary and its words."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialfinder.notes.vocabulary import names_placebo, treatment_type, vocabulary


def test_vocabulary_file_is_well_formed_and_packaged() -> None:
    """It ships one vocabulary file whose every type has a source, ways to ask and words."""
    raw = json.loads(
        resources.files("trialfinder.notes")
        .joinpath("data/treatment_types.json")
        .read_text("utf-8")
    )
    assert [t["type"] for t in raw["types"]] == [t.type for t in vocabulary().types]
    for kind in vocabulary().types:
        assert kind.source and kind.asked_as and kind.words, kind.type
        assert len(set(kind.words)) == len(kind.words), kind.type
        assert all(w == w.strip() and w for w in kind.words), kind.type
    asked = [a.lower() for t in vocabulary().types for a in t.asked_as]
    assert len(asked) == len(set(asked))  # one meaning for each way of asking
    assert {"radiation", "surgery", "chemotherapy"} <= {t.type for t in vocabulary().types}
    assert "placebo" in vocabulary().placebo_words


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("radiation", "radiation"),
        ("Radiation therapy", "radiation"),
        ("radiotherapy", "radiation"),
        ("RT", "radiation"),
        ("surgery", "surgery"),
        ("chemo", "chemotherapy"),
        ("Chemotherapy", "chemotherapy"),
        ("rt", None),  # an acronym matches only as written
        ("nivolumab", None),
        ("radiation oncology", None),
        ("procedure", None),  # a registry type, not a kind of treatment
    ],
)
def test_treatment_type_asked_for(value: str, kind: str | None) -> None:
    """It knows when a value asks for a kind of treatment."""
    found = treatment_type(value)
    assert (found.type if found else None) == kind


@pytest.mark.parametrize(
    ("text", "placebo"),
    [
        ("Placebo matching nivolumab", True),
        ("Vehicle", True),
        ("Sham procedure", True),
        ("Matching placebo", True),
        ("Nivolumab", False),
        ("Saline", False),  # may be a placebo, but the record does not call it one
        ("Saline matched to nivolumab", True),  # made to look like the drug: its placebo
        ("Normal saline to match the pembrolizumab infusion", True),
        ("HLA-matched donor transplant", False),
        ("Matched unrelated donor", False),
    ],
)
def test_placebo_names(text: str, placebo: bool) -> None:
    """It knows a placebo, sham or vehicle by its name."""
    assert names_placebo(text) is placebo


@pytest.mark.parametrize(
    ("text", "placebo"),
    [
        ("Nivolumab-matched placebo", True),
        ("Nivolumab-placebo", True),
        ("Placebo-matched saline", True),
        ("Non-placebo nivolumab", False),
    ],
)
def test_placebo_joined_by_a_hyphen(text: str, placebo: bool) -> None:
    """It knows a placebo joined by a hyphen to the drug, not one a prefix denies."""
    assert names_placebo(text) is placebo


def test_vocabulary_mention_and_hyphen_lists_are_well_formed() -> None:
    """It ships the mention and hyphen word lists, each word once."""
    v = vocabulary()
    for words in (
        v.mention_words,
        v.mention_before,
        v.mention_just_before,
        v.mention_after,
        v.not_treatment,
        v.hyphen_joins,
        v.drug_stems,
    ):
        assert words and len(set(words)) == len(words)
        assert all(w == w.strip() and w for w in words)
