"""Registry markup: CommonMark backslash escapes removed from text, and only those."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import SHARED_CTGOV, invoke_cli, load_json, recorded_studies
from replay_server import ReplayServer, Reply
from trialfinder.models.markup import unescape_markup
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.models.results import SearchResult
from trialfinder.render.formats import study_dict
from trialfinder.render.page import PageInfo, render_html_page, render_markdown_page
from trialfinder.render.safe import clean
from trialfinder.render.study import render_study

HAND_MADE = "study_NCT09000012_markup_escapes_and_literal_backslashes.json"
#: A real search answer whose eligibility criteria say ``Patients' age must be \>= 18 years``.
REAL_SEARCH = SHARED_CTGOV / "search" / "aact_search_single_NCT06388018_endometrial_cancer.json"
#: A real study whose criteria hold ``\[ie, ≥ 12 months …\]`` and ``\[MRI\]``.
REAL_STUDY = SHARED_CTGOV / "studies" / "biomcp_study_NCT02576665_fields.json"
#: What an escape looks like: a backslash before ASCII punctuation.
ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
#: Any text: every character UTF-8 can encode (all but surrogates), as ``st.text()`` draws by
#: default. Said by category, not ``codec="utf-8"``: for a codec Hypothesis first tries every
#: one of the 1.1 million code points (~1.3 s where .hypothesis/ has no table yet: a new clone).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))


def needs_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"recorded API responses not present: {path}")
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Age \\>= 18 years", "Age >= 18 years"),
        ("\\[MRI\\] and \\(CT\\)", "[MRI] and (CT)"),
        ("eGFR \\< 30 \\& ANC \\> 1.5", "eGFR < 30 & ANC > 1.5"),
        ("1. \\- Almost clear", "1. - Almost clear"),
        ("one backslash: \\\\", "one backslash: \\"),
        ("escaped backslash then escape: \\\\\\>", "escaped backslash then escape: \\>"),
        ("C:\\temp", "C:\\temp"),  # before a letter: literal
        ("a \\ b", "a \\ b"),  # before a space: literal
        ("\\é and \\≥", "\\é and \\≥"),  # before non-ASCII: literal
        ("ends with \\", "ends with \\"),
        ("line\\\nbreak", "line\\\nbreak"),  # a hard line break is not an escape
        ("* a list item\n  * nested\n1. numbered", "* a list item\n  * nested\n1. numbered"),
        ("no backslash at all", "no backslash at all"),
    ],
)
def test_unescape_table(raw: str, expected: str) -> None:
    """It removes CommonMark's backslash escapes and keeps every other backslash."""
    assert unescape_markup(raw) == expected


def test_every_ascii_punctuation_character_unescapes() -> None:
    """It unescapes exactly the 32 ASCII punctuation characters CommonMark allows."""
    for char in string.printable:
        unescaped = unescape_markup("\\" + char)
        assert unescaped == (char if char in string.punctuation else "\\" + char), repr(char)


@given(ANY_TEXT)
def test_escaping_then_unescaping_gives_the_text_back(text: str) -> None:
    """It inverts CommonMark escaping of any text (as the API escapes what was typed)."""
    escaped = "".join("\\" + c if c in string.punctuation else c for c in text)
    assert unescape_markup(escaped) == text


def hand_made() -> Study:
    return parse_study(load_json(HAND_MADE))


def test_record_markup_fields_are_unescaped() -> None:
    """It gives programs the text as typed in every markup field of the model."""
    s = hand_made()
    assert s.why_stopped == "Sponsor decision (funding); enrolment < 10%"
    assert s.brief_summary == "Compares drug A & drug B *twice* daily. Path C:\\temp and \\ stay."
    assert s.arms[0].description == "Drug A [high dose] - 20 mg/m^2"
    assert s.interventions[0].description == (
        "Tablet #1, taken ~hourly; a backslash before a letter \\n stays"
    )
    assert s.eligibility.criteria == (
        "Inclusion Criteria:\n\n* Age >= 18 years\n* ECOG 0-1\n\n  * nested: eGFR > 30 ml/min\n\n"
        "Exclusion Criteria:\n\n1. Platelets < 100 x 10^9/L\n2. - listed with a dash\n"
        "3. ends with a backslash \\"
    )


def test_plain_text_fields_keep_their_backslashes() -> None:
    """It leaves titles and conditions alone: the API does not escape plain text fields."""
    s = hand_made()
    assert s.title == "Dose \\ comparison: A >= B (title is text, not markup)"
    assert s.conditions == ["Eczema \\(AD\\)"]


def test_real_recorded_study_has_no_escapes_left() -> None:
    """It reads the real record whose criteria say 'age must be \\>= 18' as '>= 18'."""
    raw = json.loads(needs_shared(REAL_SEARCH).read_text(encoding="utf-8"))["studies"][0]
    registered = raw["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert "Patients' age must be \\>= 18 years" in registered
    s = parse_study(raw)
    assert s.nct_id == "NCT06388018"
    assert s.eligibility.criteria and "Patients' age must be >= 18 years" in s.eligibility.criteria
    # The nested lists stay lists, line for line.
    assert s.eligibility.criteria.splitlines() == [
        unescape_markup(line) for line in registered.splitlines()
    ]
    assert "\n  * Cohort A1:\n\n    * Stage IA" in s.eligibility.criteria


def _markup_fields(s: Study) -> list[str]:
    texts = [s.why_stopped, s.brief_summary, s.eligibility.criteria]
    texts += [a.description for a in s.arms] + [i.description for i in s.interventions]
    return [t for t in texts if t]


def test_no_recorded_study_keeps_an_escape_in_its_markup_fields() -> None:
    """It leaves no escape in the criteria, summaries and descriptions of any real record."""
    records = recorded_studies()
    if not records:
        pytest.skip("recorded API responses not present")
    before = sum(len(ESCAPE.findall(json.dumps(r))) for r in records)
    assert before > 50  # the records do hold escapes
    for raw in records:
        for text in _markup_fields(parse_study(raw)):
            assert not ESCAPE.search(text), text[:200]


def test_show_prints_and_serializes_the_text_as_typed(server: ReplayServer) -> None:
    """It prints '[MRI]' and '[ie, …]' for a real study, in text and in JSON."""
    body = needs_shared(REAL_STUDY).read_bytes()
    assert b"\\\\[MRI\\\\]" in body
    server.add("/studies/NCT02576665", Reply(body=body))
    text = invoke_cli("show", "NCT02576665", "--api-url", server.url)
    assert text.returncode == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert "magnetic resonance imaging [MRI])" in flat and "\\[" not in text.stdout
    as_json = invoke_cli("show", "NCT02576665", "-f", "json", "--api-url", server.url)
    assert as_json.returncode == 0, as_json.stderr
    criteria = json.loads(as_json.stdout)["eligibility"]["criteria"]
    assert "[MRI]" in criteria and not ESCAPE.search(criteria)


def test_show_text_of_the_hand_made_study() -> None:
    """It shows unescaped criteria, summary, arm text and why stopped to people."""
    page = render_study(hand_made())
    for expected in [
        "Age >= 18 years",
        "Sponsor decision (funding); enrolment < 10%",
        "Drug A [high dose] - 20 mg/m^2",
        "3. ends with a backslash \\",
    ]:
        assert expected in page, expected
    assert study_dict(hand_made())["why_stopped"] == "Sponsor decision (funding); enrolment < 10%"


INFO = PageInfo(searched=["Searched for: eczema"], generated="2026-11-30 09:00")


def test_markdown_page_escapes_again_for_markdown() -> None:
    """It escapes the now plain text for Markdown, so a Markdown reader shows it as typed."""
    s = hand_made()
    page = render_markdown_page(SearchResult(studies=[s], search_url="u"), INFO)
    heading = next(line for line in page.splitlines() if line.startswith("## "))
    assert heading == "## Dose \\\\ comparison: A \\>= B (title is text, not markup)"
    assert unescape_markup(heading[3:]) == s.title
    conditions = next(line for line in page.splitlines() if line.startswith("- **Conditions:**"))
    assert conditions == "- **Conditions:** Eczema \\\\(AD\\\\)"
    assert unescape_markup(conditions) == "- **Conditions:** Eczema \\(AD\\)"


# Printable ASCII, by code point rather than codec="ascii" (for the reason given at ANY_TEXT).
@given(st.text(alphabet=st.characters(max_codepoint=0x7F, exclude_categories=("Cc",))))
@example("AT&amp;T &lt;b&gt; &#62;")
def test_markdown_escaping_reads_back_as_the_text(title: str) -> None:
    """It escapes every character Markdown would read as markup (entities included)."""
    s = Study(nct_id="NCT09000013", url="https://clinicaltrials.gov/study/NCT09000013", title=title)
    page = render_markdown_page(SearchResult(studies=[s], search_url="u"), INFO)
    heading = next(line for line in page.splitlines() if line.startswith("## "))
    shown = heading[3:]
    if clean(title):
        assert unescape_markup(shown) == clean(title)
        assert not re.search(r"(?<!\\)&[#A-Za-z0-9]+;", shown)  # no entity left to decode


def test_html_page_escapes_for_html() -> None:
    """It escapes the plain text for HTML, where backslashes mean nothing."""
    page = render_html_page(SearchResult(studies=[hand_made()], search_url="u"), INFO)
    assert "<h2>Dose \\ comparison: A &gt;= B (title is text, not markup)</h2>" in page
    assert "Eczema \\(AD\\)" in page
