"""Per-study notes for a search: combinations, nearest open site, age/sex pre-check, staleness.

Every note is data (:class:`~trialfinder.models.notes.StudyNotes`);
:mod:`trialfinder.render.notetext` words it. The pre-check compares the registered age range and sex
with what was asked. It is not an eligibility decision (only the study team makes that), so it never
says "eligible".
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from fractions import Fraction
from functools import lru_cache

from trialfinder.models.notes import AgeCheck, SexCheck, Staleness, StudyNotes
from trialfinder.models.records import Study
from trialfinder.query.ages import DAYS_PER_UNIT, Age
from trialfinder.query.build import SearchQuery

STALE_AFTER_DAYS = 365
_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?$")
_AGE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
#: Written where the registry has no limit; not an age.
_NO_LIMIT = ("", "N/A", "NA", "NONE")


def age_in_days(text: str | None) -> Fraction | None:
    """A registered age in days: ``28 Days`` → 28, ``6 Months`` → 182.625; None if unreadable."""
    match = _AGE_RE.match(text or "")
    if not match:
        return None
    return Fraction(match.group(1)) * DAYS_PER_UNIT[match.group(2).lower() + "s"]


def _unit_of(text: str) -> Fraction:
    match = _AGE_RE.match(text)
    assert match is not None
    return DAYS_PER_UNIT[match.group(2).lower() + "s"]


def check_age_limits(study: Study, age: Age) -> AgeCheck:
    """The asked age, as its whole unit, against the study's registered age limits.

    A registered maximum of "65 Years" admits people aged 65 (up to their 66th birthday), so
    the maximum reaches to the end of its own unit. The verdict is ``within`` when the whole
    asked age is inside, ``outside`` when none of it is, and otherwise ``cannot_tell``: a
    limit falls inside the asked year (a newborn study from "28 Days" for age 0).
    """
    e = study.eligibility
    low_text, high_text = e.minimum_age, e.maximum_age
    start, end = age.start_days, age.end_days
    unreadable = False
    low: Fraction = Fraction(0)
    high: Fraction | None = None
    if (low_text or "").strip().upper() not in _NO_LIMIT:
        days = age_in_days(low_text)
        unreadable |= days is None
        low = days if days is not None else low
    if (high_text or "").strip().upper() not in _NO_LIMIT:
        days = age_in_days(high_text)
        unreadable |= days is None
        if days is not None:
            high = days + _unit_of(high_text or "")
    verdict: str
    reason = None
    if end <= low or (high is not None and high <= start):
        verdict = "outside"
    elif unreadable:
        verdict, reason = "cannot_tell", "limit_unreadable"
    elif low <= start and (high is None or end <= high):
        verdict = "within"
    else:
        verdict, reason = "cannot_tell", "limit_inside_age"
    return AgeCheck.model_validate(
        {
            "asked": str(age),
            "verdict": verdict,
            "minimum_age": low_text,
            "maximum_age": high_text,
            "reason": reason,
        }
    )


def check_sex(study: Study, sex: str) -> SexCheck:
    """The asked sex (``FEMALE``/``MALE``) against the registered one."""
    registered = study.eligibility.sex
    value = (registered or "").upper()
    if value in ("ALL", sex.upper()):
        verdict = "within"
    elif value in ("FEMALE", "MALE"):
        verdict = "outside"
    else:
        verdict = "cannot_tell"
    return SexCheck.model_validate({"asked": sex, "verdict": verdict, "registered": registered})


def period_end(text: str | None) -> date | None:
    """The last day a partial date can mean: ``2025`` → 31 December, ``2025-11`` → 30 November.

    None when the text is not a date.
    """
    match = _DATE_RE.match((text or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or 12)
    try:
        day = int(match.group(3) or calendar.monthrange(year, month)[1])
        return date(year, month, day)
    except ValueError:
        return None


def staleness(study: Study, today: date | None = None) -> Staleness | None:
    """Why the record may be out of date: status UNKNOWN, not verified for over a year, or no
    verified date, or one that is not a date (either way, how current the status is cannot
    be told).

    A partial verified date is read as the end of its period, so a record verified in
    "2025-11" is not stale before 1 December 2026.
    """
    return _staleness(study.status == "UNKNOWN", study.status_verified, today or date.today())


# A search's studies share few verified dates: each note is worked out once and shared,
# which is safe since notes are frozen (some 5 µs a study otherwise).
@lru_cache(maxsize=512)
def _staleness(status_unknown: bool, status_verified: str | None, today: date) -> Staleness | None:
    through = period_end(status_verified)
    since = (today - through).days if through else None
    if status_unknown:
        reason = "status_unknown"
    elif since is None:
        # A date given but unreadable is not a date the record leaves out: say which.
        reason = "verified_date_unreadable" if status_verified else "verified_date_not_given"
    elif since > STALE_AFTER_DAYS:
        reason = "not_verified_in_a_year"
    else:
        return None
    return Staleness.model_validate(
        {
            "reason": reason,
            "status_verified": status_verified,
            "verified_through": through,
            "days_since": since,
        }
    )


def study_notes(study: Study, query: SearchQuery, today: date | None = None) -> StudyNotes:
    """Everything this search adds to one study."""
    # Imported when a search asks for them: a search without treatments or a place (the
    # most common one) loads neither module.
    combo = None
    if query.interventions:
        from trialfinder.notes.combos import combination

        combo = combination(study, query.interventions, query.conditions)
    nearest = None
    if query.near is not None:
        from trialfinder.notes.nearest import nearest_sites

        nearest = nearest_sites(study, *query.near, radius_miles=query.radius_miles)
    return StudyNotes(
        combination=combo,
        nearest_site=nearest,
        age_check=check_age_limits(study, query.age) if query.age is not None else None,
        sex_check=check_sex(study, query.sex) if query.sex is not None else None,
        stale=staleness(study, today),
    )
