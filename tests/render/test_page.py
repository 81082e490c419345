"""Tests for trialfinder.render.page: the doctor page, Markdown and HTML, in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import fixture_study, load_json
from trialfinder.models.reading import parse_study
from trialfinder.models.results import SearchResult
from trialfinder.render.page import (
    QUESTIONS,
    PageInfo,
    render_html_page,
    render_markdown_page,
    sites_to_show,
)
from trialfinder.render.words import DISCLAIMER

PAGES = [
    "search_myeloma_radiation_pembrolizumab_page1_of_3.json",
    "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json",
]


def result() -> SearchResult:
    found = [parse_study(s) for p in PAGES for s in load_json(p)["studies"]]
    studies = list({s.nct_id: s for s in found}.values())
    return SearchResult(
        studies=studies,
        total_count=5,
        limit=4,
        params={"query.cond": "multiple myeloma", "query.intr": "radiation AND pembrolizumab"},
        search_url="https://clinicaltrials.gov/search?cond=multiple+myeloma",
    )


INFO = PageInfo(
    searched=["Searched for: multiple myeloma", "Searched for: radiation AND pembrolizumab"],
    generated="2026-11-23 10:00",
    data_timestamp="2026-11-20T09:00:05",
)


def test_open_sites_first() -> None:
    """It lists sites that are recruiting before closed ones."""
    first = result().studies[0]
    assert [s.status for s in sites_to_show(first)] == ["RECRUITING", "NOT_YET_RECRUITING"]


@pytest.mark.parametrize(
    ("nct_id", "site"),
    [
        (
            "NCT09200005",
            "Suspended Study Site, Rochester, Minnesota, United States "
            "(site says Recruiting; study suspended)",
        ),
        (
            "NCT09200004",
            "Solo, Rochester, Minnesota, United States (site says Recruiting; study completed)",
        ),
        ("NCT09200013", "Rochester Site By ZIP, Rochester, Minnesota, United States (Recruiting)"),
    ],
)
def test_page_says_when_the_study_bounds_a_site_status(nct_id: str, site: str) -> None:
    """It never shows a site of a closed study as simply Recruiting on the doctor's page."""
    import html

    study = fixture_study("search_hand_made_site_placement_and_status_13studies.json", nct_id)
    found = SearchResult(studies=[study], total_count=1, limit=20, search_url="u")
    markdown = " ".join(render_markdown_page(found, INFO).split()).replace("\\", "")
    page = " ".join(html.unescape(render_html_page(found, INFO)).split())
    assert site in markdown
    assert site in page


def test_markdown_page_has_everything() -> None:
    """It frames the page with the reminder and gives each study's facts, sites and link."""
    text = render_markdown_page(result(), INFO)
    lines = [line for line in text.splitlines() if line]
    assert DISCLAIMER in lines[1] and DISCLAIMER in lines[-1]
    for expected in [
        "- Searched for: multiple myeloma\n- Searched for: radiation AND pembrolizumab",
        "Made on 2026-11-23 10:00",
        "ClinicalTrials.gov data as of: 2026-11-20T09:00:05",
        "Showing 4 of 5 studies. The list was cut at --limit 4",
        "[NCT02013167](https://clinicaltrials.gov/study/NCT02013167)",
        "- **Status:** Recruiting",
        "- **Phase:** Phase 1/2",
        "- **Treatments:** Pembrolizumab; Radiation therapy",
        "- **Sites:** Mayo Clinic, Rochester, Minnesota, United States (Recruiting)",
        "- **Contact:** Clinical Trials Office · 855-776-0015 · trials@example.org",
        "## Questions to ask the care team",
        f"1. {QUESTIONS[0]}",
    ]:
        assert expected in text, expected


def test_markdown_escapes_registry_text() -> None:
    """It keeps registry text from turning into Markdown links or headings."""
    raw = load_json(PAGES[0])["studies"][0]
    raw["protocolSection"]["identificationModule"]["briefTitle"] = "[click](http://evil) # *x*"
    page = render_markdown_page(SearchResult(studies=[parse_study(raw)], search_url="u"), INFO)
    assert "\\[click\\](http://evil) \\# \\*x\\*" in page


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            loads = name == "src" or (tag == "link" and name == "href")
            if loads and value:
                self.external.append(value)


def test_html_page_is_self_contained_and_escaped() -> None:
    """It loads nothing from outside and escapes registry text."""
    raw = load_json(PAGES[0])["studies"][0]
    raw["protocolSection"]["identificationModule"]["briefTitle"] = "<script>alert(1)</script>"
    hostile = SearchResult(studies=[parse_study(raw)], search_url="https://x/?a=1&b=2")
    page = render_html_page(hostile, INFO)
    parser = _Collect()
    parser.feed(page)
    assert parser.external == []
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert page.count(DISCLAIMER) == 2


def chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


@pytest.mark.skipif(
    chromium() is None, reason="no Chromium here (.ci/run installs Debian's chromium)"
)
def test_html_page_renders_in_a_real_browser(tmp_path: Path) -> None:
    """It renders in headless Chromium, offline, with every study and both reminders."""
    page = tmp_path / "page.html"
    page.write_text(render_html_page(result(), INFO), encoding="utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    browser = chromium()
    assert browser is not None
    shot = tmp_path / "page.png"
    screenshot = [f"--screenshot={shot}", "--window-size=900,1600"]
    # One launch does both: today's headless Chromium takes both commands at once. One that
    # takes only the first (the old headless mode) writes no picture, and is asked again.
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", *screenshot, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for study in result().studies:
        assert study.nct_id in dom
    assert len(re.findall(r'class="reminder"', dom)) == 2
    if not shot.exists():
        subprocess.run(
            [browser, *flags, *screenshot, page.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page is a few KB; this one has text


def test_page_words_every_note_as_the_table_does() -> None:
    """It gives the doctor's page the same notes: no site near, cannot tell, out of date."""
    import html
    from datetime import date

    from trialfinder.notes.annotate import study_notes
    from trialfinder.query.build import SearchQuery
    from trialfinder.render.notetext import note_lines

    cases = [
        parse_study(s) for s in load_json("search_hand_made_note_cases_7studies.json")["studies"]
    ]
    query = SearchQuery.build(condition="x", age=0, near=(44.02163, -92.4699))
    notes = {s.nct_id: study_notes(s, query, date(2027, 1, 1)) for s in cases}
    found = SearchResult(studies=cases, total_count=7, limit=20, search_url="u", notes=notes)
    markdown = " ".join(render_markdown_page(found, INFO).split())
    page = " ".join(html.unescape(render_html_page(found, INFO)).split())
    expected = [
        "No placed site recruiting now within 50 miles; nearest listed: Nearby Site That Closed",
        "site status not given; study recruiting",
        "age 0 years: cannot tell from a whole-year age (28 days–6 months, as registered)",
        "status UNKNOWN: the sponsor has not confirmed it",
        "status last verified 2025-11, over a year ago",
    ]
    for study in cases:
        for label, text in note_lines(notes[study.nct_id]):
            assert " ".join(text.split()) in page, (study.nct_id, label)
    for words in expected:
        assert words in page
        assert words in markdown.replace("\\", "")


OBSERVED_COHORTS = "study_NCT09900041_observational_cohorts_with_nivolumab_and_radiation.json"
EXPANDED_ACCESS = "study_NCT09900042_expanded_access_group_given_nivolumab.json"


@pytest.mark.parametrize(
    ("fixtures", "arms_asked", "groups_asked"),
    [
        ([PAGES[0]], True, False),
        ([OBSERVED_COHORTS], False, True),
        ([EXPANDED_ACCESS], False, True),
        ([OBSERVED_COHORTS, PAGES[0]], True, True),
        ([], True, False),
    ],
)
def test_questions_ask_about_arms_only_of_studies_that_assign_treatment(
    fixtures: list[str], arms_asked: bool, groups_asked: bool
) -> None:
    """It asks what each arm gives only when a listed study assigns treatment, and asks what
    taking part involves when one does not, on both pages."""
    from trialfinder.render.page import ARMS_QUESTION, GROUPS_QUESTION

    studies = []
    for name in fixtures:
        raw = load_json(name)
        studies.append(parse_study(raw["studies"][0] if "studies" in raw else raw))
    one = SearchResult(studies=studies, total_count=len(studies), search_url="u")
    markdown = render_markdown_page(one, INFO)
    asked = markdown.split("## Questions to ask the care team")[1]
    assert (ARMS_QUESTION in asked) == arms_asked
    assert (GROUPS_QUESTION in asked) == groups_asked
    numbered = re.findall(r"^(\d+)\. ", asked, flags=re.M)
    assert numbered == [str(n) for n in range(1, len(QUESTIONS) + groups_asked * arms_asked + 1)]
    page = render_html_page(one, INFO)
    assert (ARMS_QUESTION in page) == arms_asked
    assert (GROUPS_QUESTION in page) == groups_asked
