"""The filters in the API's own terms: ``filter.geo``, ``query.locn``, ``filter.advanced``.

The API has no ``filter.phase`` or ``filter.studyType`` (they answer 400), and
``aggFilters=phase:…`` silently returns nothing, so phase, study type, sex, age and healthy
volunteers all go into one ``filter.advanced`` Essie expression.
"""

from __future__ import annotations

import re

from trialfinder.errors import InvalidQuery
from trialfinder.query.ages import Age

# The spec's own pattern for filter.geo, in ASCII digits (as everywhere in trialfinder).
GEO_PATTERN = re.compile(
    r"^distance\(-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?,[0-9]+(\.[0-9]+)?(km|mi)?\)$"
)


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


def location_query(
    country: tuple[str, ...] = (), state: tuple[str, ...] = (), city: tuple[str, ...] = ()
) -> str | None:
    """The ``query.locn`` value: each kind of place required; several of one kind: any of them.

    ``("Boston",), (), ("United States", "Canada")`` →
    ``"Boston" AND ("United States" OR "Canada")``.
    """
    parts = []
    for places in (city, state, country):
        quoted = [_quote(p) for p in places]
        if len(quoted) == 1:
            parts.append(quoted[0])
        elif quoted:
            parts.append(f"({' OR '.join(quoted)})")
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


def age_clause(age: Age) -> str:
    """Studies whose age range overlaps ``age``, taken as its whole unit.

    Age 0 years is any age below 1 year, so a study whose minimum is "28 Days" is kept: the
    minimum must be at most the end of the unit, the maximum at least its start. A missing
    minimum or maximum counts as open (a bare RANGE drops such studies, hence the MISSING
    alternatives). The API's ranges include their ends, so a study whose minimum is exactly
    the next whole unit is kept too; the pre-check then says "outside".
    """
    return (
        f"(AREA[MinimumAge]RANGE[MIN, {age.essie(age.value + 1)}] OR AREA[MinimumAge]MISSING) "
        f"AND (AREA[MaximumAge]RANGE[{age.essie(age.value)}, MAX] OR AREA[MaximumAge]MISSING)"
    )


def _any_of(area: str, values: tuple[str, ...]) -> str | None:
    if not values:
        return None
    inner = values[0] if len(values) == 1 else f"({' OR '.join(values)})"
    return f"AREA[{area}]{inner}"


def advanced_filter(
    phases: tuple[str, ...] = (),
    study_type: tuple[str, ...] = (),
    sex: str | None = None,
    age: Age | None = None,
    healthy_volunteers: bool = False,
) -> str | None:
    """The ``filter.advanced`` expression; several clauses are each parenthesized and ANDed."""
    clauses = [
        phase_clause(phases),
        _any_of("StudyType", study_type),
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
