"""Tests for trialfinder.notes.annotate: per-study notes as data, and their words.

The age and sex pre-check, staleness, the nearest site, and every note on real records.
Table-driven over the hand-made records of ``search_hand_made_note_cases_7studies.json`` (each
study's title says which case it holds) and over real records in ``../shared/ctgov``.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

import pytest

from conftest import SHARED_CTGOV, load_json
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.notes.annotate import (
    check_age_limits,
    check_sex,
    period_end,
    staleness,
    study_notes,
)
from trialfinder.query.ages import check_age
from trialfinder.query.build import SearchQuery
from trialfinder.render.notetext import age_check_text, note_lines, sex_check_text, staleness_text

CASES = "search_hand_made_note_cases_7studies.json"
ROCHESTER_MN = (44.02163, -92.4699)


def hand_made() -> dict[str, Study]:
    """The hand-made note cases, by NCT ID."""
    return {s.nct_id: s for s in map(parse_study, load_json(CASES)["studies"])}


def with_ages(minimum: str | None, maximum: str | None) -> Study:
    """A hand-made study with these registered age limits."""
    raw = load_json(CASES)["studies"][0]
    elig = raw["protocolSection"]["eligibilityModule"]
    elig.pop("minimumAge", None)
    elig.pop("maximumAge", None)
    if minimum is not None:
        elig["minimumAge"] = minimum
    if maximum is not None:
        elig["maximumAge"] = maximum
    return parse_study(raw)


# -- ages ---------------------------------------------------------------------------------


NEWBORN = ("28 Days", "6 Months")


@pytest.mark.parametrize(
    ("limits", "asked", "verdict", "reason"),
    [
        # A newborn study: its minimum falls inside the first year.
        (NEWBORN, "0", "cannot_tell", "limit_inside_age"),
        (NEWBORN, "1", "outside", None),
        (NEWBORN, "10d", "outside", None),
        (NEWBORN, "4w", "within", None),
        (NEWBORN, "6m", "within", None),  # a maximum of 6 months admits a 6-month-old
        (NEWBORN, "7m", "outside", None),
        (NEWBORN, "20m", "outside", None),
        (("18 Years", "80 Years"), "67", "within", None),
        (("18 Years", "80 Years"), "18", "within", None),
        (("18 Years", "80 Years"), "17", "outside", None),
        (("18 Years", "80 Years"), "80", "within", None),
        (("18 Years", "80 Years"), "81", "outside", None),
        (("18 Years", "80 Years"), "216m", "within", None),
        (("18 Years", "80 Years"), "215m", "outside", None),
        (("18 Years", None), "90", "within", None),
        ((None, "2 Years"), "0", "within", None),
        ((None, "2 Years"), "30m", "within", None),
        ((None, "2 Years"), "3", "outside", None),
        (("6 Months", "30 Months"), "0", "cannot_tell", "limit_inside_age"),
        (("6 Months", "30 Months"), "1", "within", None),
        (("6 Months", "30 Months"), "2", "cannot_tell", "limit_inside_age"),
        ((None, None), "0", "within", None),
        (("N/A", "N/A"), "5", "within", None),
        (("eighteen", None), "67", "cannot_tell", "limit_unreadable"),
        (("eighteen", "10 Years"), "67", "outside", None),
    ],
)
def test_age_check_table(
    limits: tuple[str | None, str | None], asked: str, verdict: str, reason: str | None
) -> None:
    """It says within, outside or cannot tell, treating the asked age as its whole unit."""
    check = check_age_limits(with_ages(*limits), check_age(asked))  # type: ignore[arg-type]
    assert (check.verdict, check.reason) == (verdict, reason)
    assert (check.minimum_age, check.maximum_age) == limits


@pytest.mark.parametrize(
    ("limits", "asked", "words"),
    [
        (
            NEWBORN,
            "0",
            "age 0 years: cannot tell from a whole-year age (28 days–6 months, as registered)",
        ),
        (NEWBORN, "20m", "age 20 months: outside 28 days–6 months (as registered)"),
        (("6 Months", "30 Months"), "1", "age 1 year: within 6 months–30 months (as registered)"),
        (("18 Years", None), "67", "age 67 years: within 18 years–no maximum (as registered)"),
        ((None, "2 Years"), "3", "age 3 years: outside no minimum–2 years (as registered)"),
        (
            ("eighteen", None),
            "67",
            "age 67 years: cannot tell; the registered limits (eighteen–no maximum) "
            "could not be read",
        ),
    ],
)
def test_age_check_words_show_both_ends_with_units(
    limits: tuple[str | None, str | None], asked: str, words: str
) -> None:
    """It words the verdict with both ends of the range and their units, never 'eligible'."""
    text = age_check_text(check_age_limits(with_ages(*limits), check_age(asked)))  # type: ignore[arg-type]
    assert text == words
    assert "eligib" not in text


@pytest.mark.parametrize(
    ("nct_id", "asked", "verdict", "words"),
    [
        ("NCT09100001", "FEMALE", "within", "sex: all"),
        ("NCT09100007", "FEMALE", "within", "sex: female"),
        ("NCT09100007", "MALE", "outside", "sex: female only (you asked for male)"),
    ],
)
def test_sex_check_table(nct_id: str, asked: str, verdict: str, words: str) -> None:
    """It compares the asked sex with the registered one."""
    check = check_sex(hand_made()[nct_id], asked)
    assert check.verdict == verdict
    assert sex_check_text(check) == words


def test_sex_not_stated_cannot_tell() -> None:
    """It cannot tell when the record does not state the sex."""
    raw = load_json(CASES)["studies"][0]
    del raw["protocolSection"]["eligibilityModule"]["sex"]
    check = check_sex(parse_study(raw), "FEMALE")
    assert (check.verdict, check.registered) == ("cannot_tell", None)
    assert sex_check_text(check) == "sex: not stated, cannot tell"


# -- staleness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2025-11", date(2025, 11, 30)),
        ("2024-02", date(2024, 2, 29)),
        ("2023", date(2023, 12, 31)),
        ("2025-11-05", date(2025, 11, 5)),
        ("2025-13", None),
        ("soon", None),
        (None, None),
    ],
)
def test_partial_dates_end_at_the_end_of_their_period(text: str | None, end: date | None) -> None:
    """It reads a month or a year as its last day."""
    assert period_end(text) == end


@pytest.mark.parametrize(
    ("verified", "status", "today", "reason"),
    [
        ("2025-11", "RECRUITING", date(2026, 11, 30), None),  # a year after 30 November
        ("2025-11", "RECRUITING", date(2026, 12, 1), "not_verified_in_a_year"),
        ("2025", "RECRUITING", date(2026, 12, 31), None),
        ("2025", "RECRUITING", date(2027, 1, 1), "not_verified_in_a_year"),
        ("2025-11-05", "RECRUITING", date(2026, 11, 6), "not_verified_in_a_year"),
        ("2026-01", "UNKNOWN", date(2026, 2, 1), "status_unknown"),
        (None, "UNKNOWN", date(2026, 2, 1), "status_unknown"),
        # No verified date, or one that is not a date: how current the status is cannot be told.
        (None, "RECRUITING", date(2030, 1, 1), "verified_date_not_given"),
        ("later", "RECRUITING", date(2030, 1, 1), "verified_date_unreadable"),
    ],
)
def test_staleness_table(
    verified: str | None, status: str, today: date, reason: str | None
) -> None:
    """It flags status UNKNOWN and a status verified over a year before the end of its period."""
    raw = load_json(CASES)["studies"][0]
    module = raw["protocolSection"]["statusModule"]
    module["overallStatus"] = status
    module.pop("statusVerifiedDate")
    if verified is not None:
        module["statusVerifiedDate"] = verified
    stale = staleness(parse_study(raw), today)
    assert (stale.reason if stale else None) == reason
    if stale is not None:
        assert stale.status_verified == verified


def test_staleness_words() -> None:
    """It words staleness with the date as registered."""
    cases = hand_made()
    unknown = staleness(cases["NCT09100007"], date(2026, 1, 1))
    assert unknown is not None and unknown.verified_through == date(2023, 12, 31)
    assert staleness_text(unknown) == (
        "status UNKNOWN: the sponsor has not confirmed it (status last verified 2023); "
        "ask the study team"
    )
    old = staleness(cases["NCT09100001"], date(2027, 1, 1))
    assert old is not None and old.days_since == 397
    assert staleness_text(old) == "status last verified 2025-11, over a year ago"


VERIFIED_DATES = "search_status_verified_dates_unreadable_blank_missing_and_partial.json"
UNREADABLE = "could not be read, so how current its status is cannot be told; ask the study team"
NOT_GIVEN = "the record does not say when its status was last verified; ask the study team"
# (NCT ID, the staleness reason on 30 November 2026, the note as worded)
DATE = "the record's status-verified date"
VERIFIED_DATE_CASES = [
    ("NCT09900051", "verified_date_unreadable", f"{DATE} 'garbage' {UNREADABLE}"),
    ("NCT09900052", "verified_date_unreadable", f"{DATE} '2025-13' {UNREADABLE}"),
    ("NCT09900053", "verified_date_unreadable", f"{DATE} '2025-02-30' {UNREADABLE}"),
    ("NCT09900054", "verified_date_unreadable", f"{DATE} 'November 2025' {UNREADABLE}"),
    ("NCT09900055", "verified_date_not_given", NOT_GIVEN),  # blank: given as nothing
    ("NCT09900056", "verified_date_not_given", NOT_GIVEN),
    ("NCT09900057", None, None),  # verified through 30 November 2025: not a year ago
    (
        "NCT09900058",
        "status_unknown",
        "status UNKNOWN: the sponsor has not confirmed it (its status-verified date 'garbage' "
        "could not be read); ask the study team",
    ),
    ("NCT09900059", "status_unknown", "status UNKNOWN: the sponsor has not confirmed it; ask the "
     "study team"),
    (
        "NCT09900060",
        "status_unknown",
        "status UNKNOWN: the sponsor has not confirmed it (status last verified 2023); "
        "ask the study team",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("nct_id", "reason", "text"), VERIFIED_DATE_CASES)
def test_an_unreadable_verified_date_is_never_called_missing(
    nct_id: str, reason: str | None, text: str | None
) -> None:
    """It says a status-verified date that is not a date could not be read, quoting it; only
    a record that gives none "does not say"; and never words an unreadable one as a date."""
    from trialfinder.render.study import render_study

    raw = next(r for r in load_json(VERIFIED_DATES)["studies"] if nct_id in json.dumps(r))
    study = parse_study(raw)
    stale = staleness(study, date(2026, 11, 30))
    assert (stale.reason if stale else None) == reason
    if stale is None:
        return
    assert staleness_text(stale) == text
    assert stale.status_verified == study.status_verified
    assert (stale.verified_through is None) == (nct_id != "NCT09900060")
    given = raw["protocolSection"]["statusModule"].get("statusVerifiedDate", "").strip()
    if given and stale.verified_through is None:
        assert "does not say" not in staleness_text(stale)
        assert f"last verified {given}" not in staleness_text(stale)
    query = SearchQuery.build(condition="x")
    notes = study_notes(study, query, date(2026, 11, 30))
    assert dict(note_lines(notes))["May be out of date: "] == text
    shown = " ".join(render_study(study, stale=stale).split())
    assert f"May be out of date: {text}" in shown


# -- every note on one study ----------------------------------------------------------------


def test_study_notes_are_typed_and_age_zero_is_checked() -> None:
    """It gives typed notes; age 0 is a real age, checked against a newborn study."""
    query = SearchQuery.build(condition="x", age=0, sex="female", near=ROCHESTER_MN)
    notes = study_notes(hand_made()["NCT09100005"], query, date(2026, 1, 1))
    assert notes.age_check is not None and notes.age_check.verdict == "cannot_tell"
    assert notes.sex_check is not None and notes.sex_check.verdict == "within"
    assert notes.nearest_site is not None and notes.nearest_site.nearest is not None
    assert notes.stale is None
    assert dict(note_lines(notes))["Registered limits: "] == (
        "age 0 years: cannot tell from a whole-year age (28 days–6 months, as registered); sex: all"
    )
    dumped = notes.model_dump(mode="json")
    assert dumped["age_check"] == {
        "asked": "0 years",
        "verdict": "cannot_tell",
        "minimum_age": "28 Days",
        "maximum_age": "6 Months",
        "reason": "limit_inside_age",
    }


# -- real records -------------------------------------------------------------------------


@functools.cache  # read once for the eight tests that use them (~16 ms a reading)
def _real_records() -> tuple[dict[str, Any], ...]:
    if not SHARED_CTGOV.is_dir():
        return ()
    raws: list[dict[str, Any]] = []
    for folder in ("search", "studies", "collections"):
        for path in sorted((SHARED_CTGOV / folder).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, list):
                raws += doc
            elif "studies" in doc:
                raws += doc["studies"]
            else:
                raws.append(doc)
    return tuple(raws)


@pytest.mark.parametrize(
    ("nct_id", "asked", "verdict"),
    [
        ("NCT05286047", "0", "cannot_tell"),  # 3 Months to 3 Years
        ("NCT05286047", "1", "within"),
        ("NCT05286047", "3", "within"),
        ("NCT05286047", "4", "outside"),
        ("NCT05286047", "2m", "outside"),
        ("NCT02677610", "0", "cannot_tell"),  # 3 Months, no maximum
        ("NCT01138761", "7", "within"),  # no minimum, 7 Years
        ("NCT01138761", "8", "outside"),
        ("NCT05105685", "0", "outside"),  # 1 Year to 5 Years
    ],
)
def test_age_check_on_real_records(nct_id: str, asked: str, verdict: str) -> None:
    """It checks ages against real records' limits in months and years."""
    records = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in _real_records()}
    if nct_id not in records:
        pytest.skip("the shared recorded responses are not here")
    check = check_age_limits(parse_study(records[nct_id]), check_age(asked))  # type: ignore[arg-type]
    assert check.verdict == verdict


def test_every_note_on_every_real_record_says_only_what_the_record_does() -> None:
    """It makes notes for every real record; none says eligible, every note matches its data."""
    raws = _real_records()
    if not raws:
        pytest.skip("the shared recorded responses are not here")
    query = SearchQuery.build(condition="x", age=0, sex="male", near=(39.0, -77.0))
    for raw in raws:
        study = parse_study(raw)
        notes = study_notes(study, query, date(2026, 6, 1))
        assert notes.age_check is not None and notes.sex_check is not None
        if study.eligibility.sex in (None, ""):
            assert notes.sex_check.verdict == "cannot_tell"
        if study.status == "UNKNOWN":
            assert notes.stale is not None and notes.stale.reason == "status_unknown"
        site = notes.nearest_site
        assert (site is None) == (not study.locations)
        if site is not None and site.nearest is not None:
            status = site.nearest.status or study.status
            assert status in ("RECRUITING", "ENROLLING_BY_INVITATION")
        words = " ".join(text for _, text in note_lines(notes))
        assert "eligib" not in words.lower()


def test_staleness_depends_on_the_day_asked() -> None:
    """The same record read on two days gets each day's note (notes are shared per day)."""
    study = Study(nct_id="NCT00000001", status="RECRUITING", status_verified="2025-11")
    assert staleness(study, date(2026, 11, 30)) is None
    later = staleness(study, date(2026, 12, 2))
    assert later is not None and later.days_since == 367
    assert staleness(study, date(2026, 12, 2)) == later


def _shared_studies() -> list[object]:
    from conftest import SHARED_CTGOV

    if not SHARED_CTGOV.is_dir():
        return []
    import json

    raws: list[object] = []
    for path in sorted((SHARED_CTGOV / "search").glob("*.json")):
        raws += json.loads(path.read_text(encoding="utf-8")).get("studies") or []
    return raws


def test_notes_on_real_recorded_studies() -> None:
    """It works out notes for every real recorded study without failing."""
    from trialfinder.notes.annotate import study_notes
    from trialfinder.query.build import SearchQuery

    raws = _shared_studies()
    if not raws:
        pytest.skip("the shared recorded responses are not here")
    query = SearchQuery.build(
        condition="x", intervention=["placebo", "Keytruda"], age=67, sex="female", near=(39, -77)
    )
    for raw in raws:
        notes = study_notes(parse_study(raw), query, date(2026, 1, 1))
        assert notes.combination is not None
        assert [c.agent for c in notes.combination.agents] == ["placebo", "Keytruda"]
        assert notes.age_check is not None and notes.sex_check is not None
