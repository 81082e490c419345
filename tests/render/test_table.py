"""Tests for trialfinder.render.table: the listing, its footer and reminder, study types."""

from __future__ import annotations

import json

import pytest

from conftest import fixture_study, flat, load_json
from conftest import myeloma_result as result
from conftest import myeloma_studies as studies
from trialfinder.models.reading import parse_study
from trialfinder.models.results import SearchResult
from trialfinder.render.safe import clean
from trialfinder.render.study import render_study
from trialfinder.render.table import render_table, study_block
from trialfinder.render.term import Style
from trialfinder.render.words import (
    DISCLAIMER,
    assigns_treatment,
    location_summary,
    study_type_text,
)


@pytest.mark.parametrize(
    ("nct_id", "where"),
    [
        ("NCT09200001", "1 site (1 recruiting): United States"),
        ("NCT09200004", "1 site (1 says recruiting; study completed): United States"),
        ("NCT09200005", "1 site (1 says recruiting; study suspended): United States"),
        ("NCT09200006", "2 sites (2 say recruiting; study unknown status): United States"),
        ("NCT09200007", "1 site (1 says recruiting; study not yet recruiting): United States"),
        (
            "NCT09200008",
            "1 site (1 says recruiting; study enrolling by invitation): United States",
        ),
        ("NCT09200010", "1 site (1 says recruiting; study status not given): United States"),
        ("NCT09200012", "3 sites (2 recruiting): United States"),
    ],
)
def test_where_line_says_when_the_study_bounds_its_sites(nct_id: str, where: str) -> None:
    """It counts sites saying Recruiting as recruiting only when the study is, else says both."""
    study = fixture_study("search_hand_made_site_placement_and_status_13studies.json", nct_id)
    assert location_summary(study) == where
    assert f"Where: {where}" in " ".join(study_block(study).split())


def test_table_has_every_study_footer_and_reminder() -> None:
    """It lists each study with its link, then the count, the website link and the reminder."""
    text = render_table(result(limit=2, total=4), width=80)
    for study in studies()[:2]:
        assert study.nct_id in text and study.url in text
    assert "Recruiting · Interventional · Phase 1/2" in text
    assert "Showing 2 of 4 studies. The list was cut at --limit 2; raise it to see more." in text
    assert "https://clinicaltrials.gov/search?cond=multiple+myeloma" in text
    assert " ".join(text.split()).endswith(DISCLAIMER)
    assert all(
        len(line) <= 80 for line in text.splitlines() if "http" not in line and line != DISCLAIMER
    )


def test_table_of_no_results_says_so() -> None:
    """It says plainly when nothing matched, still with the reminder."""
    empty = SearchResult(studies=[], total_count=0, limit=20, search_url="u")
    text = render_table(empty)
    assert "No studies matched" in text and "Showing 0 of 0 studies." in text
    assert DISCLAIMER in " ".join(text.split())


def test_table_cleans_hostile_titles() -> None:
    """It never prints an escape sequence that came from the API."""
    raw = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    raw["protocolSection"]["identificationModule"]["briefTitle"] = (
        "Evil\x1b]0;owned\x07\x1b[2J title"
    )
    hostile = SearchResult(studies=[parse_study(raw)], total_count=1, limit=20, search_url="u")
    text = render_table(hostile)
    assert "\x1b" not in text and "\x07" not in text and "Evil title" in text
    assert "\x1b" not in render_study(parse_study(raw))


def test_table_styles_only_when_asked() -> None:
    """It colours statuses and links IDs for a capable terminal, and never otherwise."""
    plain = render_table(result())
    assert "\x1b" not in plain
    styled = render_table(result(), style=Style(colour=True, links=True))
    assert "\x1b]8;;https://clinicaltrials.gov/study/NCT02013167\x1b\\" in styled
    assert "\x1b[32mRecruiting\x1b[0m" in styled
    # The words stay: colour is only a hint.
    assert clean(styled).count("Recruiting") == plain.count("Recruiting")


STUDY_TYPE_CASES = [
    # (NCT ID in the hand-made note cases, head of the block, lines that must be there)
    (
        "NCT09100001",
        "NCT09100001  Recruiting · Interventional · Phase 2",
        ["Interventions: Nivolumab"],
    ),
    (
        "NCT09100006",
        "NCT09100006  Recruiting · Observational",
        [
            "Study type: Observational: it observes people and does not assign treatment",
            "Interventions observed, not assigned: Usual care",
        ],
    ),
    (
        "NCT09100007",
        "NCT09100007  Unknown status · Expanded access",
        [
            "Study type: Expanded access: a way to receive a treatment outside a clinical "
            "trial; not a study that assigns treatment",
            "Treatment available through expanded access: Nivolumab",
        ],
    ),
]


@pytest.mark.parametrize(("nct_id", "head", "lines"), STUDY_TYPE_CASES)
def test_every_listing_says_the_study_type(nct_id: str, head: str, lines: list[str]) -> None:
    """It shows the study type, and says when a study does not assign treatment."""
    from trialfinder.render.page import PageInfo, render_html_page, render_markdown_page

    page = load_json("search_hand_made_note_cases_7studies.json")
    study = next(parse_study(r) for r in page["studies"] if nct_id in json.dumps(r))
    block = study_block(study, width=200)
    assert block.splitlines()[0] == head
    assert "Phase not given" not in block
    for line in lines:
        assert line in block
    one = SearchResult(studies=[study], total_count=1, limit=20, search_url="u")
    shown = flat(render_markdown_page(one, PageInfo()))
    assert f"**Study type:** {study_type_text(study.study_type)}" in flat(shown)
    assert study_type_text(study.study_type) in flat(render_html_page(one, PageInfo()))
    assert f"Study type: {study_type_text(study.study_type)}" in flat(render_study(study))
    if not assigns_treatment(study):
        assert "Treatments" not in shown and "Phase" not in shown


def test_real_observational_and_expanded_access_records_say_so() -> None:
    """It says on real records that observational and expanded access studies assign nothing."""
    from conftest import SHARED_CTGOV

    names = {
        "aact_study_NCT03475563_bioss_stent_registry.json": "OBSERVATIONAL",
        "aact_study_NCT00763412_cf_diabetes_v20231128.json": "EXPANDED_ACCESS",
    }
    for name, kind in names.items():
        path = SHARED_CTGOV / "studies" / name
        if not path.exists():
            pytest.skip("the shared recorded responses are not here")
        study = parse_study(json.loads(path.read_text(encoding="utf-8")))
        assert study.study_type == kind
        text = flat(study_block(study))
        assert "does not assign treatment" in text or "not a study that assigns" in text
        assert "Phase not given" not in text
