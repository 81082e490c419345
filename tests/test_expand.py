"""Plain-language expansions: acronyms, brand names and drug classes, always disclosed."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialfinder.expand import expand_value, load_table, synonyms
from trialfinder.query import SearchQuery


@pytest.mark.parametrize(
    ("value", "field", "sent"),
    [
        ("ALL", "condition", 'ALL OR "acute lymphoblastic leukemia"'),
        ("AML", "condition", 'AML OR "acute myeloid leukemia"'),
        ("NSCLC", "condition", 'NSCLC OR "non-small cell lung cancer"'),
        ("nsclc", "condition", 'nsclc OR "non-small cell lung cancer"'),
        ("relapsed ALL", "condition", 'relapsed (ALL OR "acute lymphoblastic leukemia")'),
        ("Keytruda", "intervention", "Keytruda OR pembrolizumab"),
        ("keytruda", "intervention", "keytruda OR pembrolizumab"),
        ("Besponsa", "intervention", 'Besponsa OR "inotuzumab ozogamicin"'),
        (
            "PD-1 inhibitor",
            "intervention",
            '"PD-1 inhibitor" OR pembrolizumab OR nivolumab OR cemiplimab OR dostarlimab',
        ),
        ("CTLA-4", "intervention", '"CTLA-4" OR ipilimumab OR tremelimumab'),
        ("Keytruda", "term", "Keytruda OR pembrolizumab"),
        ("ALL", "term", 'ALL OR "acute lymphoblastic leukemia"'),
    ],
)
def test_expansions_sent_as_or_group(value: str, field: str, sent: str) -> None:
    """It sends what was typed OR its registry terms, phrases quoted."""
    assert expand_value(value, field)[0] == sent


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("all", "condition"),  # lower case: the word, not the leukemia
        ("All", "condition"),
        ("all comers", "condition"),
        ("Keytruda", "condition"),  # a drug name is not expanded as a condition
        ("ALL", "intervention"),  # nor a disease as a treatment
        ("Keytruda OR nivolumab", "intervention"),  # the user's own syntax stays untouched
        ('"ALL"', "condition"),
        ("pembrolizumab", "intervention"),
        ("ALLERGY", "condition"),  # whole words only
        ("ALL-1 fusion", "condition"),
    ],
)
def test_not_expanded(value: str, field: str) -> None:
    """It leaves alone lower-case words, wrong fields, partial words and Essie syntax."""
    assert expand_value(value, field) == (value, [])


def test_ambiguous_acronym_not_expanded_but_disclosed() -> None:
    """It sends an ambiguous acronym as typed and says which meanings it could have."""
    sent, made = expand_value("MS", "condition")
    assert sent == "MS"
    assert made[0].terms == ()
    assert made[0].describe() == (
        "MS is ambiguous (multiple sclerosis / mitral stenosis): searched as typed; "
        "write the full name to be sure"
    )


def test_longest_phrase_wins() -> None:
    """It expands 'PD-1 inhibitor' as one phrase, not 'PD-1' plus a stray word."""
    _, made = expand_value("PD-1 inhibitor", "intervention")
    assert [m.original for m in made] == ["PD-1 inhibitor"]


def test_disclosure_line() -> None:
    """It describes each rewrite with its source."""
    _, made = expand_value("ALL", "condition")
    assert made[0].describe() == "ALL → acute lymphoblastic leukemia (NCI Thesaurus)"


def test_query_expands_and_discloses() -> None:
    """It expands every field of a query and lists the rewrites once each."""
    query = SearchQuery.build(condition="ALL", intervention=["Blincyto", "Besponsa"], status="all")
    assert query.to_params()["query.intr"] == (
        '(Blincyto OR blinatumomab) AND (Besponsa OR "inotuzumab ozogamicin")'
    )
    assert [e.original for e in query.expansions()] == ["ALL", "Blincyto", "Besponsa"]


def test_no_expand_sends_as_typed() -> None:
    """It sends exactly what was typed when expansion is off, and discloses nothing."""
    query = SearchQuery.build(condition="ALL", intervention="Keytruda", expand=False)
    assert query.to_params()["query.cond"] == "ALL"
    assert query.to_params()["query.intr"] == "Keytruda"
    assert query.expansions() == []


def test_synonyms_for_matching_records() -> None:
    """It gives the typed name and its generic names for matching interventions."""
    assert synonyms("Keytruda") == ("Keytruda", "pembrolizumab")
    assert synonyms("radiation") == ("radiation",)


@pytest.mark.parametrize(
    "brand",
    [
        "Keytruda",
        "Opdivo",
        "Alecensa",
        "Blincyto",
        "Besponsa",
        "Kymriah",
        "Tecentriq",
        "Imfinzi",
        "Yervoy",
        "Darzalex",
    ],
)
def test_issue_brands_present(brand: str) -> None:
    """It ships every brand name the issue lists."""
    assert expand_value(brand, "intervention")[1], brand


def test_table_is_well_formed_and_packaged() -> None:
    """It ships a table whose every entry has a kind, a source and expansions or meanings."""
    raw = json.loads(
        resources.files("trialfinder").joinpath("data/expansions.json").read_text("utf-8")
    )
    terms = [(e["term"], e["kind"]) for e in raw["entries"]]
    assert len(terms) == len(set(terms))
    for entry in load_table():
        assert entry.kind in ("condition", "intervention")
        assert entry.source
        assert bool(entry.expansions) != bool(entry.ambiguous), entry.term
    for acronym in ("ALL", "AML", "CLL", "CML", "MM", "NSCLC", "SCLC", "DLBCL", "MDS", "HCC"):
        assert any(e.term == acronym for e in load_table())
