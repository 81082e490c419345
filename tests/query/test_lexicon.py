"""Tests for trialfinder.query.lexicon: the expansion table, whole and sourced, and class tables."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from trialfinder.query.lexicon import load_data, load_table


@pytest.mark.parametrize(
    ("term", "members"),
    [
        (
            "checkpoint inhibitor",
            "avelumab dostarlimab tremelimumab toripalimab tislelizumab retifanlimab cosibelimab",
        ),
        ("CAR-T", "obecabtagene autoleucel"),
        ("EGFR inhibitor", "cetuximab panitumumab lazertinib amivantamab"),
        ("ALK inhibitor", "ensartinib"),
    ],
)
def test_class_tables_are_complete(term: str, members: str) -> None:
    """The class tables hold the agents the issue names."""
    entry = next(e for e in load_table() if e.term == term)
    for name in members.split() if term != "CAR-T" else [members]:
        assert name in entry.expansions, (term, name)


SOURCE = re.compile(r"^(NCI Thesaurus C\d+|FDA label: [A-Z]\w+.*)$")


CODE_SOURCE = re.compile(r"^(NCI Drug Dictionary|NCI Dictionary of Cancer Terms): [a-z][\w ]+$")


def test_every_entry_cites_its_source() -> None:
    """An acronym cites an NCI Thesaurus code, a brand its FDA label, each class member too,
    a code name the NCI dictionary entry that lists it (for a drug whose label is cited)."""
    data = load_data()
    for entry in data.entries:
        if entry.kind == "class":
            assert not entry.source, entry.term  # the members carry the sources
            lists = [entry.expansions, *(c.expansions for c in entry.by_condition)]
            assert any(lists), entry.term
            for name in (n for names in lists for n in names):
                assert SOURCE.match(data.source_of(name)), (entry.term, name)
        elif entry.kind == "code":
            # A code cites the NCI dictionary entry of its one drug, which lists the code.
            (generic,) = entry.expansions
            assert CODE_SOURCE.match(entry.source), (entry.term, entry.source)
            assert entry.source.split(": ")[1] == generic, entry.term
            assert SOURCE.match(data.source_of(generic)), (entry.term, generic)
        else:
            assert SOURCE.match(entry.source), (entry.term, entry.source)
            if entry.kind == "acronym":
                assert entry.source.startswith("NCI Thesaurus C"), entry.term
            else:
                assert entry.source == f"FDA label: {entry.term}", entry.term
    for name, source in data.members.items():
        assert SOURCE.match(source), (name, source)


def test_table_is_well_formed_and_packaged() -> None:
    """Every entry has a known kind and either terms or meanings; acronyms are reviewed."""
    raw = json.loads(
        resources.files("trialfinder.query").joinpath("data/expansions.json").read_text("utf-8")
    )
    terms = [e["term"] for e in raw["entries"]]
    assert len(terms) == len(set(terms))
    data = load_data()
    assert data.field_kinds == {
        "condition": ("acronym",),
        "intervention": ("brand", "code", "class"),
        "term": (),
    }
    for entry in data.entries:
        assert entry.kind in ("acronym", "brand", "code", "class")
        has_terms = bool(entry.expansions or entry.by_condition)
        assert has_terms != bool(entry.ambiguous), entry.term
        if entry.kind == "acronym":
            assert entry.term.isupper()
            # An acronym left out when sent, or ambiguous, says what else it means.
            assert (entry.send_term and not entry.ambiguous) or entry.why, entry.term
    for acronym in ("ALL", "AML", "CLL", "CML", "MM", "NSCLC", "SCLC", "DLBCL", "MDS", "HCC"):
        assert any(e.term == acronym for e in load_table())
