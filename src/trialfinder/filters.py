"""Parse and check the search filters people type, and turn them into API v2 parameters.

Pure and cheap to import, like :mod:`trialfinder.query`. Every parser raises
:class:`~trialfinder.errors.InvalidQuery` naming the values it accepts.

The API has no ``filter.phase`` or ``filter.studyType`` (they answer 400), and
``aggFilters=phase:…`` silently returns nothing, so phase, study type, sex, age and healthy
volunteers all go into one ``filter.advanced`` Essie expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from trialfinder.errors import InvalidQuery

#: Every overall status the registry uses (spec 2.0.5).
STATUSES = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
)
#: Friendly status groups; ``all`` means no status filter.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"),
    "recruiting": ("RECRUITING",),
    "all": (),
}
DEFAULT_STATUS = "open"

#: What people type for a phase → the registry's value.
PHASES = {
    "early1": "EARLY_PHASE1",
    "0": "EARLY_PHASE1",
    "1": "PHASE1",
    "2": "PHASE2",
    "3": "PHASE3",
    "4": "PHASE4",
    "na": "NA",
}
#: ``1/2`` means a combined phase 1/2 study: the record lists both phases.
COMBINED_PHASES = {"1/2": ("PHASE1", "PHASE2"), "2/3": ("PHASE2", "PHASE3")}

STUDY_TYPES = {
    "interventional": "INTERVENTIONAL",
    "observational": "OBSERVATIONAL",
    "expanded-access": "EXPANDED_ACCESS",
}
SEXES = {"female": "FEMALE", "male": "MALE"}
SORTS = {"relevance": "@relevance", "updated": "LastUpdatePostDate:desc", "start": "StartDate:desc"}
MAX_AGE = 120
DEFAULT_RADIUS_MILES = 50.0
MAX_RADIUS_MILES = 5000.0
KM_PER_MILE = 1.609344

_SEPARATORS = re.compile(r"[,|]")
_RADIUS_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mi|miles?|km)?\s*$", re.IGNORECASE)
# The spec's own pattern for filter.geo.
GEO_PATTERN = re.compile(r"^distance\(-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?(km|mi)?\)$")


def _items(raw: str | Iterable[str] | None) -> list[str]:
    """Split comma/space/pipe separated input, from one string or several."""
    if raw is None:
        return []
    parts = [raw] if isinstance(raw, str) else list(raw)
    items = (item.strip() for part in parts for item in _SEPARATORS.split(str(part)))
    return [item for item in items if item]


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def parse_status(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Statuses to keep: ``open`` (default), ``recruiting``, ``all`` or registry values.

    Returns:
        Registry statuses in a stable order; empty means no status filter.

    Raises:
        InvalidQuery: an unknown value, with the valid ones listed.
    """
    items = _items(DEFAULT_STATUS if raw is None else raw)
    if not items:
        raise InvalidQuery(
            f"The status is empty: use {_choices(STATUS_GROUPS)} or registry values."
        )
    chosen: list[str] = []
    for item in items:
        key = item.lower()
        if key in STATUS_GROUPS:
            if key == "all":
                return ()
            chosen += STATUS_GROUPS[key]
            continue
        value = item.upper().replace("-", "_")
        if value not in STATUSES:
            raise InvalidQuery(
                f"Unknown status '{item}': use {_choices(STATUS_GROUPS)}, or one or more of "
                f"{_choices(STATUSES)} (comma-separated)."
            )
        chosen.append(value)
    return tuple(s for s in STATUSES if s in chosen)


def parse_phases(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Phases as typed (``1,2``, ``early1``, ``na``, ``1/2``), normalized and de-duplicated.

    Returns:
        Canonical tokens: ``PHASE1`` … or ``PHASE1/PHASE2`` for a combined phase.

    Raises:
        InvalidQuery: an unknown phase, with the valid ones listed.
    """
    out: list[str] = []
    for item in _items(raw):
        key = re.sub(r"phase|[\s_\-]", "", item.lower()) or item
        if key in COMBINED_PHASES:
            token = "/".join(COMBINED_PHASES[key])
        elif key in PHASES:
            token = PHASES[key]
        elif item.upper() in PHASES.values():
            token = item.upper()
        else:
            raise InvalidQuery(
                f"Unknown phase '{item}': use {_choices([*PHASES, *COMBINED_PHASES])} "
                "(comma-separated, e.g. --phase 2,3)."
            )
        if token not in out:
            out.append(token)
    return tuple(out)


def _pick(raw: str | None, table: dict[str, str], what: str) -> str | None:
    if raw is None:
        return None
    key = str(raw).strip().lower().replace("_", "-")
    if key not in table:
        raise InvalidQuery(f"Unknown {what} '{raw}': use one of {_choices(table)}.")
    return table[key]


def parse_study_type(raw: str | None) -> str | None:
    """``interventional``, ``observational`` or ``expanded-access`` → registry value."""
    return _pick(raw, STUDY_TYPES, "study type")


def parse_sex(raw: str | None) -> str | None:
    """``female`` or ``male`` → registry value (studies open to all sexes are kept too)."""
    return _pick(raw, SEXES, "sex")


def parse_sort(raw: str | None) -> str | None:
    """``relevance``, ``updated`` or ``start``; None leaves the default."""
    if raw is None:
        return None
    key = str(raw).strip().lower()
    if key not in SORTS:
        raise InvalidQuery(f"Unknown sort '{raw}': use one of {_choices(SORTS)}.")
    return key


def check_age(age: object) -> int | None:
    """An age in whole years, 0 to 120."""
    if age is None:
        return None
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise InvalidQuery(f"The age must be a whole number of years from 0 to {MAX_AGE}.")
    return age


def parse_radius(raw: object) -> float:
    """A search radius in miles: a number (miles), or ``80km`` / ``50mi``.

    Raises:
        InvalidQuery: not a positive distance up to 5000 miles.
    """
    if raw is None:
        return DEFAULT_RADIUS_MILES
    if isinstance(raw, bool):
        raise InvalidQuery("The radius must be a distance like 50 (miles) or 80km.")
    if isinstance(raw, (int, float)):
        miles = float(raw)
    else:
        match = _RADIUS_RE.match(str(raw))
        if not match:
            raise InvalidQuery(f"Bad radius '{raw}': use a distance like 50 (miles) or 80km.")
        miles = float(match.group(1))
        if (match.group(2) or "").lower() == "km":
            miles /= KM_PER_MILE
    if not math.isfinite(miles) or not 0 < miles <= MAX_RADIUS_MILES:
        raise InvalidQuery(
            f"The radius must be more than 0 and at most {MAX_RADIUS_MILES:.0f} miles."
        )
    return miles


def _number(value: float) -> str:
    # Plain decimals only: the spec's pattern refuses exponents and a leading '+'.
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def geo_param(lat: float, lon: float, radius_miles: float) -> str:
    """``distance(lat,lon,50mi)``, checked against the spec's pattern."""
    value = f"distance({_number(lat)},{_number(lon)},{_number(radius_miles)}mi)"
    if not GEO_PATTERN.match(value):  # pragma: no cover - guarded by the parsers
        raise InvalidQuery(f"Cannot build a location filter from {lat}, {lon}.")
    return value


def _quote(text: str) -> str:
    # Inside an Essie phrase a double quote cannot be escaped: drop it.
    return '"' + text.replace('"', " ").strip() + '"'


def location_query(country: str | None, state: str | None, city: str | None) -> str | None:
    """The ``query.locn`` value: each given place quoted, all required."""
    parts = [_quote(p) for p in (city, state, country) if p]
    return " AND ".join(parts) or None


def phase_clause(phases: tuple[str, ...]) -> str | None:
    """``AREA[Phase]PHASE2`` or ``AREA[Phase](PHASE1 OR (PHASE1 AND PHASE2))``."""
    if not phases:
        return None
    terms = [f"({p.replace('/', ' AND ')})" if "/" in p else p for p in phases]
    if len(terms) == 1 and "/" not in phases[0]:
        return f"AREA[Phase]{terms[0]}"
    inner = " OR ".join(terms)
    return f"AREA[Phase]{inner}" if len(terms) == 1 else f"AREA[Phase]({inner})"


def age_clause(age: int) -> str:
    """Studies whose age range includes ``age``; a missing minimum or maximum counts as open.

    A bare RANGE drops studies with no stated age limit, hence the MISSING alternatives.
    """
    return (
        f"(AREA[MinimumAge]RANGE[MIN, {age} years] OR AREA[MinimumAge]MISSING) AND "
        f"(AREA[MaximumAge]RANGE[{age} years, MAX] OR AREA[MaximumAge]MISSING)"
    )


def advanced_filter(
    phases: tuple[str, ...] = (),
    study_type: str | None = None,
    sex: str | None = None,
    age: int | None = None,
    healthy_volunteers: bool = False,
) -> str | None:
    """The ``filter.advanced`` expression; several clauses are each parenthesized and ANDed."""
    clauses = [
        phase_clause(phases),
        f"AREA[StudyType]{study_type}" if study_type else None,
        # "ALL" must be quoted: unquoted it reportedly matches everything.
        f'AREA[Sex]{sex} OR AREA[Sex]"ALL"' if sex else None,
        age_clause(age) if age is not None else None,
        "AREA[HealthyVolunteers]true" if healthy_volunteers else None,
    ]
    present = [c for c in clauses if c]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return " AND ".join(f"({c})" for c in present)
