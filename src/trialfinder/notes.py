"""Per-study notes for a search: combinations, nearest open site, age/sex pre-check, staleness.

The pre-check compares the registered age range and sex with what was asked. It is not an
eligibility decision (only the study team makes that), so it never says "eligible".
"""

from __future__ import annotations

import re
from datetime import date

from trialfinder.combos import combination
from trialfinder.geo import nearest_open_site
from trialfinder.models import Study, StudyNotes
from trialfinder.query import SearchQuery

STALE_AFTER_DAYS = 365
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_PER_YEAR = {"year": 1, "month": 12, "week": 52.18, "day": 365.25, "hour": 8766, "minute": 525960}


def age_in_years(text: str | None) -> float | None:
    """``18 Years`` → 18.0, ``6 Months`` → 0.5; None when absent or unreadable."""
    match = _AGE_RE.match(text or "")
    if not match:
        return None
    return float(match.group(1)) / _PER_YEAR[match.group(2).lower()]


def _age_text(text: str | None) -> str:
    years = age_in_years(text)
    if years is None:
        return "?"
    return f"{years:g}" if years >= 1 else (text or "?").lower()


def precheck(study: Study, age: int | None, sex: str | None) -> list[str]:
    """Lines comparing the registered ranges with the asked age and sex."""
    lines: list[str] = []
    e = study.eligibility
    if age is not None:
        low, high = age_in_years(e.minimum_age), age_in_years(e.maximum_age)
        shown = f"{_age_text(e.minimum_age) if low is not None else 'no minimum'}–" + (
            _age_text(e.maximum_age) if high is not None else "no maximum"
        )
        inside = (low is None or low <= age) and (high is None or age <= high)
        lines.append(f"age {age}: {'within' if inside else 'outside'} {shown} (as registered)")
    if sex is not None:
        registered = (e.sex or "not stated").lower()
        lines.append(
            f"sex: {registered}"
            + ("" if registered in ("all", sex.lower()) else (f" (you asked for {sex.lower()})"))
        )
    return lines


def _partial_date(text: str | None) -> date | None:
    match = _DATE_RE.match((text or "").strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2) or 12), int(match.group(3) or 1))
    except ValueError:
        return None


def staleness(study: Study, today: date | None = None) -> str | None:
    """Why the record may be out of date: status UNKNOWN, or verified over a year ago."""
    if study.status == "UNKNOWN":
        return "status UNKNOWN: the sponsor has not confirmed it; ask the study team"
    verified = _partial_date(study.status_verified)
    if verified and ((today or date.today()) - verified).days > STALE_AFTER_DAYS:
        return f"status last verified {study.status_verified}, over a year ago"
    return None


def study_notes(study: Study, query: SearchQuery, today: date | None = None) -> StudyNotes:
    """Everything this search adds to one study."""
    combo = None
    if query.interventions:
        combo = combination(study, query.interventions, expand=query.expand)
    nearest = nearest_open_site(study, *query.near) if query.near is not None else None
    return StudyNotes(
        combination=combo,
        nearest_site=nearest,
        precheck=precheck(study, query.age, query.sex),
        stale=staleness(study, today),
    )
