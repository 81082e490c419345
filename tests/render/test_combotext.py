"""Tests for trialfinder.render.combotext: the combination note in words, nothing beyond data."""

from __future__ import annotations

import re

import pytest

from notes.test_combos import (
    BLINDED,
    CHEMO_ONLY,
    HYPHENS,
    MENTIONS,
    MYELOMA,
    NIVO_CHEMO,
    OPDIVO_SBRT,
    PER_ARM,
    PLACEBO_NIVO,
    PLACEBO_OTHER,
    RADIATION_KINDS,
    SPELLED,
    UNTIED,
    fixture_study,
    page_study,
)
from trialfinder.models.notes import AgentCheck, Combination
from trialfinder.notes.combos import combination
from trialfinder.render.combotext import agent_text, combination_text, quoted

CASES = [
    (
        OPDIVO_SBRT,
        ("radiation", "nivolumab"),
        # Only the names in that arm: 'Nivolumab' is in the other arm.
        "radiation + nivolumab together in arm 'SBRT + Opdivo' "
        "(radiation as 'SBRT'; nivolumab as 'Opdivo')",
    ),
    (
        OPDIVO_SBRT,
        ("nivolumab",),
        "nivolumab in arms 'SBRT + Opdivo' (as 'Opdivo'), 'Nivolumab alone'",
    ),
    (
        PLACEBO_NIVO,
        ("radiation", "nivolumab"),
        "radiation + nivolumab together in arm 'Nivo + RT' "
        "(placebo for nivolumab ('Placebo matching nivolumab') in arm 'Placebo + RT')",
    ),
    (
        PLACEBO_NIVO,
        ("Opdivo",),
        "Opdivo (as 'Nivolumab') in arm 'Nivo + RT'; "
        "placebo for Opdivo ('Placebo matching nivolumab') in arm 'Placebo + RT'",
    ),
    (
        RADIATION_KINDS,
        ("surgery",),
        "surgery (as 'Surgical resection') in arm 'Brachytherapy then resection'",
    ),
    (
        CHEMO_ONLY,
        ("nivolumab chemotherapy",),
        "nivolumab: not named in the arms or interventions; "
        "chemotherapy in arms 'Chemo alone', 'Dose-dense chemo'",
    ),
    (
        NIVO_CHEMO,
        ("nivolumab maintenance",),
        "nivolumab maintenance: could not check it as one treatment; the record names only "
        "part of it, 'nivolumab' ('Nivolumab'). Ask for each treatment on its own",
    ),
    (
        SPELLED,
        ("radiation",),
        "radiation (as 'SBRT') in arm 'SBRT + nivolumab'; "
        "the record does not say which arm gets 'Stereotactic body radiation'",
    ),
    (
        UNTIED,
        ("radiation", "nivolumab"),
        "radiation + nivolumab: the record does not say which arm gets which "
        "(radiation: no arm stated; nivolumab: no arm stated)",
    ),
    (UNTIED, ("nivolumab",), "nivolumab: named, but the record does not say which arm gets it"),
    (
        BLINDED,
        ("nivolumab",),
        # Tied to both arms, but either arm may get the drug or its placebo.
        "nivolumab or its placebo ('Nivolumab/Placebo') in arms 'Nivolumab + RT', "
        "'Placebo + RT' (the record does not say who gets which)",
    ),
    (
        MYELOMA,
        ("radiation", "Keytruda"),
        "radiation + Keytruda together in arm 'Pembrolizumab + RT' (Keytruda as 'Pembrolizumab')",
    ),
    (
        MYELOMA,
        ("pembrolizumab", "daratumumab"),
        "pembrolizumab in arm 'Pembrolizumab + RT'; "
        "daratumumab: not named in the arms or interventions",
    ),
]


@pytest.mark.parametrize(("record", "requested", "text"), CASES)
def test_combination_in_words(record: str, requested: tuple[str, ...], text: str) -> None:
    """It words each verdict from the data, with the arms and the record's names."""
    assert combination_text(combination(fixture_study(record), requested)) == text


def test_different_arms_only_when_the_record_ties_every_one() -> None:
    """It says "only in different arms" with the arm of each."""
    study = fixture_study("search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json")
    assert combination_text(combination(study, ("radiation", "pembrolizumab"))) == (
        "radiation + pembrolizumab only in different arms: radiation in arm 'Radiation'; "
        "pembrolizumab in arm 'Pembrolizumab'"
    )


def test_placebo_only_is_said() -> None:
    """It says when only a placebo of the treatment is named."""
    check = AgentCheck(
        agent="nivolumab",
        value="nivolumab",
        state="placebo_only",
        placebo_arms=["Placebo + RT"],
        placebo_names=["Placebo matching nivolumab"],
    )
    assert agent_text(check) == (
        "nivolumab: only a placebo for nivolumab ('Placebo matching nivolumab') "
        "in arm 'Placebo + RT'"
    )


@pytest.mark.parametrize("record", [OPDIVO_SBRT, PLACEBO_NIVO, RADIATION_KINDS, UNTIED, CHEMO_ONLY])
def test_never_claims_absence(record: str) -> None:
    """It never words a treatment it did not find as absent or "not among" the treatments."""
    for requested in (("daratumumab",), ("radiation", "daratumumab"), ("surgery",)):
        text = combination_text(combination(fixture_study(record), requested))
        assert "not among" not in text and "absent" not in text and "not listed" not in text


def test_quoted_shows_how_many_more() -> None:
    """It quotes a few names and counts the rest."""
    assert quoted(["a", "b", "c", "d", "e"]) == "'a', 'b', 'c' and 2 more"
    assert combination_text(Combination()) == ""


def test_every_format_words_the_note_the_same() -> None:
    """It puts the same words in the table, the Markdown and HTML pages and the JSON."""
    import html
    import json

    from trialfinder.models.notes import StudyNotes
    from trialfinder.models.results import SearchResult
    from trialfinder.render.formats import result_dict
    from trialfinder.render.page import PageInfo, render_html_page, render_markdown_page
    from trialfinder.render.table import render_table

    study = fixture_study(PLACEBO_NIVO)
    combo = combination(study, ("radiation", "nivolumab"))
    result = SearchResult(studies=[study], notes={study.nct_id: StudyNotes(combination=combo)})
    text = combination_text(combo)
    assert "placebo for nivolumab" in text
    assert f"Arms: {text}" in " ".join(render_table(result, width=400).split())
    assert f"**Arms:** {text}" in render_markdown_page(result, PageInfo())
    assert f"<dt>Arms</dt><dd>{html.escape(text)}</dd>" in render_html_page(result, PageInfo())
    data = json.loads(json.dumps(result_dict(result)))
    note = data["studies"][0]["notes"]["combination"]
    assert note["text"] == text
    assert note["verdict"] == "together"
    assert note["agents"][1]["placebo_arms"] == ["Placebo + RT"]
    assert note["agents"][1]["placebo_names"] == ["Placebo matching nivolumab"]


@pytest.mark.parametrize(
    ("study_type", "says"),
    [
        ("OBSERVATIONAL", "(an observational study: these are groups it observes, not treatment"),
        ("EXPANDED_ACCESS", "(expanded access: not a study that assigns treatment)"),
        ("INTERVENTIONAL", None),
        (None, None),
    ],
)
def test_groups_a_study_does_not_assign_are_not_called_treatment(
    study_type: str | None, says: str | None
) -> None:
    """An observational or expanded access record's arms are not treatment the study gives."""
    study = fixture_study(OPDIVO_SBRT).model_copy(update={"study_type": study_type})
    combo = combination(study, ("radiation", "nivolumab"))
    assert combo.study_type == study_type
    text = combination_text(combo)
    noun = "arm" if says is None else "group"
    assert text.startswith(f"radiation + nivolumab together in {noun} 'SBRT + Opdivo'")
    if says is None:
        assert "observ" not in text and "expanded access" not in text
    else:
        assert says in text


# (record, requested): one of each verdict and state the note can word about arms.
ARM_WORDED_NOTES = [
    (OPDIVO_SBRT, ("radiation", "nivolumab")),  # together
    (OPDIVO_SBRT, ("nivolumab",)),  # one treatment in several arms
    (PLACEBO_NIVO, ("Opdivo",)),  # a placebo arm beside a drug arm
    (UNTIED, ("radiation", "nivolumab")),  # the record does not say which arm gets which
    (CHEMO_ONLY, ("nivolumab",)),  # not named
    (NIVO_CHEMO, ("nivolumab", "radiation")),  # not all named
]


@pytest.mark.parametrize(("study_type", "groups"), [
    ("OBSERVATIONAL", True),
    ("EXPANDED_ACCESS", True),
    ("INTERVENTIONAL", False),
    (None, False),
])  # fmt: skip
@pytest.mark.parametrize(("fixture", "requested"), ARM_WORDED_NOTES)
def test_groups_of_a_study_that_assigns_nothing_are_never_called_arms(
    fixture: str, requested: tuple[str, ...], study_type: str | None, groups: bool
) -> None:
    """It calls an observational or expanded-access record's arm groups "groups", in every
    wording of the note and its label; a trial's (or a record of no stated type) "arms"."""
    from trialfinder.render.combotext import combination_label

    study = fixture_study(fixture).model_copy(update={"study_type": study_type})
    combo = combination(study, requested)
    text = combination_text(combo)
    said_arm = re.search(r"\barms?\b", text) is not None
    said_group = re.search(r"\bgroups?\b", text.split(" (an observational study")[0]) is not None
    assert combination_label(combo) == ("Groups" if groups else "Arms")
    if groups:
        assert not said_arm and said_group and " gets " not in text, text
    else:
        assert said_arm and not said_group, text
    plain = study.model_copy(update={"study_type": "INTERVENTIONAL"})
    as_trial = combination_text(combination(plain, requested))
    if groups:
        # The same facts, worded for groups: nothing else changes.
        swapped = re.sub(r"\barm(s?)\b", r"group\1", as_trial).replace(" gets ", " has ")
        assert text.startswith(swapped.split(" (the study's only arm")[0]), (text, as_trial)


def test_listings_label_the_note_groups_for_a_study_that_assigns_nothing() -> None:
    """It labels the note "Groups" in the table, the Markdown and HTML pages, and keeps the
    JSON field names."""
    import html
    import json

    from trialfinder.models.notes import StudyNotes
    from trialfinder.models.results import SearchResult
    from trialfinder.render.formats import result_dict
    from trialfinder.render.page import PageInfo, render_html_page, render_markdown_page
    from trialfinder.render.table import render_table

    study = fixture_study(
        "study_NCT09900041_observational_cohorts_with_nivolumab_and_radiation.json"
    )
    combo = combination(study, ("radiation", "nivolumab"))
    result = SearchResult(studies=[study], notes={study.nct_id: StudyNotes(combination=combo)})
    text = combination_text(combo)
    assert text.startswith(
        "radiation + nivolumab together in group 'Nivolumab with radiation cohort'"
    )
    table = " ".join(render_table(result, width=400).split())
    assert f"Groups: {text}" in table and "Arms:" not in table
    assert f"**Groups:** {text}" in render_markdown_page(result, PageInfo())
    assert f"<dt>Groups</dt><dd>{html.escape(text)}</dd>" in render_html_page(result, PageInfo())
    note = json.loads(json.dumps(result_dict(result)))["studies"][0]["notes"]["combination"]
    assert note["text"] == text
    assert note["together_arms"] == ["Nivolumab with radiation cohort"]


# (page, NCT ID, requested, the note)
MORE_TEXTS = [
    (
        HYPHENS,
        "NCT09900051",
        ("carboplatin",),
        "carboplatin (as 'Carboplatin-Paclitaxel') in arm 'Chemo'",
    ),
    (
        HYPHENS,
        "NCT09900051",
        ("nivolumab", "ipilimumab"),
        "nivolumab + ipilimumab together in arm 'IO' (nivolumab as 'Nivolumab-Ipilimumab'; "
        "ipilimumab as 'Nivolumab-Ipilimumab')",
    ),
    (
        HYPHENS,
        "NCT09900053",
        ("nivolumab",),
        "nivolumab in arm 'Nivolumab'; "
        "placebo for nivolumab ('Nivolumab-matched placebo') in arm 'Placebo'",
    ),
    (
        HYPHENS,
        "NCT09900055",
        ("nivolumab",),
        "nivolumab: could not tell whether an arm gives it; the record only mentions it "
        "('Nivolumab-refractory cohort regimen')",
    ),
    (
        MENTIONS,
        "NCT09900061",
        ("chemotherapy",),
        "chemotherapy: could not tell whether an arm gives it; the record only mentions it "
        "('Chemotherapy education session')",
    ),
    (
        MENTIONS,
        "NCT09900061",
        ("radiation",),
        "radiation: not named in the arms or interventions",
    ),
    (
        MENTIONS,
        "NCT09900065",
        ("radiation",),
        "radiation (as 'Step 1 (description: \"Undergo EBRT over 5 weeks\")') in arm 'Treatment'",
    ),
    (
        PLACEBO_OTHER,
        "NCT09900071",
        ("nivolumab",),
        "nivolumab in arms 'A', 'C'; "
        "placebo for nivolumab ('Study drug placebo', 'nivolumab') in arm 'B'",
    ),
    (
        PLACEBO_OTHER,
        "NCT09900072",
        ("nivolumab",),
        "nivolumab in arms 'A', 'E'; nivolumab or its placebo ('Nivolumab/Placebo') in arm 'C' "
        "(the record does not say who gets which); "
        "placebo for nivolumab ('Placebo', 'Nivolumab placebo') in arm 'B'",
    ),
    (
        PER_ARM,
        "NCT09900081",
        ("radiation", "nivolumab"),
        "radiation + nivolumab together in arms 'A', 'C' "
        "(radiation as 'SBRT'; nivolumab as 'BMS-936558' in arm 'A', 'Opdivo' in arm 'C')",
    ),
    (
        PER_ARM,
        "NCT09900081",
        ("nivolumab",),
        "nivolumab in arms 'A' (as 'BMS-936558'), 'B', 'C' (as 'Opdivo')",
    ),
]


@pytest.mark.parametrize(("page", "nct_id", "requested", "text"), MORE_TEXTS)
def test_hyphens_mentions_placebos_and_evidence_in_words(
    page: str, nct_id: str, requested: tuple[str, ...], text: str
) -> None:
    """It words hyphen-joined names, mentions, placebos and each arm's own names."""
    assert combination_text(combination(page_study(page, nct_id), requested)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (
            "opdivo sbrt",
            "opdivo sbrt: could not check it as one treatment; the record names each of its "
            "words apart ('Opdivo', 'Nivolumab', 'SBRT'). Ask for each treatment on its own",
        ),
        (
            "nivolumab or radiation",
            "nivolumab or radiation: could not check it as one treatment; the record names "
            "each of its words apart ('Opdivo', 'Nivolumab', 'SBRT'). "
            "Ask for each treatment on its own",
        ),
        (
            "nivolumab and",
            "nivolumab in arms 'SBRT + Opdivo' (as 'Opdivo'), 'Nivolumab alone'",
        ),
    ],
)
def test_values_of_several_words_in_words(value: str, text: str) -> None:
    """It never says "only part" of a value whose every word the record names."""
    assert combination_text(combination(fixture_study(OPDIVO_SBRT), (value,))) == text
