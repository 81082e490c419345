"""Parse and check the search filters people type, and turn them into API v2 parameters.

Pure and cheap to import, like :mod:`trialfinder.query.build`. Every parser raises
:class:`~trialfinder.errors.InvalidQuery` naming the values it accepts.

The API has no ``filter.phase`` or ``filter.studyType`` (they answer 400), and
``aggFilters=phase:…`` silently returns nothing, so phase, study type, sex, age and healthy
volunteers all go into one ``filter.advanced`` Essie expression.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from trialfinder.defaults import DEFAULT_RADIUS_MILES
from trialfinder.errors import InvalidQuery
from trialfinder.status import OPEN_STATUSES, STATUS_WORDS, STATUSES

#: Friendly status groups; ``all`` means no status filter.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
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
    "notapplicable": "NA",
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
MAX_RADIUS_MILES = 5000.0
KM_PER_MILE = 1.609344

_SEPARATORS = re.compile(r"[,|]")
_RADIUS_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mi|miles?|km)?\s*$", re.IGNORECASE)
# The spec's own pattern for filter.geo, in ASCII digits (as everywhere in trialfinder).
GEO_PATTERN = re.compile(
    r"^distance\(-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?,[0-9]+(\.[0-9]+)?(km|mi)?\)$"
)


def _items(raw: str | Iterable[str] | None) -> list[str]:
    """Split comma/space/pipe separated input, from one string or several."""
    if raw is None:
        return []
    parts = [raw] if isinstance(raw, str) else list(raw)
    items = (item.strip() for part in parts for item in _SEPARATORS.split(str(part)))
    return [item for item in items if item]


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def _name_pattern(words: str) -> str:
    # "active, not recruiting" → words joined by spaces, '_' or '-'; its comma may be typed.
    pieces = re.split(r"[\s_\-]+", words.strip())
    out: list[str] = []
    for i, word in enumerate(pieces):
        out.append(re.escape(word.rstrip(",")))
        if i < len(pieces) - 1:
            out.append(r"(?:\s*,\s*|[\s_\-]+)" if word.endswith(",") else r"[\s_\-]+")
    return "".join(out)


@lru_cache(maxsize=1)
def _status_names() -> list[tuple[re.Pattern[str], str]]:
    # Compiled on first use: most searches name no status and need none of the 31 patterns.
    names: list[tuple[str, str]] = [(group, group) for group in STATUS_GROUPS]
    for status, words in STATUS_WORDS.items():
        names += [(status.lower(), status), (words, status)]
    # Longest first, so that "not yet recruiting" is not read as "not yet" + "recruiting".
    names.sort(key=lambda pair: -len(pair[0]))
    return [
        (re.compile(_name_pattern(text) + r"\s*(?=[,|]|$)", re.IGNORECASE), value)
        for text, value in names
    ]


def _status_items(raw: str | Iterable[str]) -> list[tuple[str, str | None]]:
    """(typed, status or group) pairs; a comma inside a known status name is not a separator."""
    parts = [raw] if isinstance(raw, str) else list(raw)
    found: list[tuple[str, str | None]] = []
    for part in parts:
        text = str(part)
        pos = 0
        while pos < len(text):
            if text[pos] in ",| \t":
                pos += 1
                continue
            for pattern, value in _status_names():
                match = pattern.match(text, pos)
                if match:
                    found.append((match.group().strip(), value))
                    pos = match.end()
                    break
            else:
                end = _SEPARATORS.search(text, pos)
                stop = end.start() if end else len(text)
                found.append((text[pos:stop].strip(), None))
                pos = stop
    return found


def parse_status(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Statuses to keep: ``open`` (default), ``recruiting``, ``all`` or registry values.

    Statuses may be typed as the registry writes them (``ACTIVE_NOT_RECRUITING``) or as
    trialfinder prints them (``active, not recruiting``, any case); several are separated by
    commas or given as a list.

    Returns:
        Registry statuses in a stable order; empty means no status filter.

    Raises:
        InvalidQuery: an unknown value, with the valid ones listed.
    """
    items = _status_items(DEFAULT_STATUS if raw is None else raw)
    if not items:
        raise InvalidQuery(
            f"The status is empty: use {_choices(STATUS_GROUPS)} or registry values."
        )
    chosen: list[str] = []
    for typed, value in items:
        if value is None:
            raise InvalidQuery(
                f"Unknown status '{typed}': use {_choices(STATUS_GROUPS)}, or one or more of "
                f"{_choices(STATUSES)} (comma-separated, or as printed: 'not yet recruiting')."
            )
        if value == "all":
            return ()
        chosen += STATUS_GROUPS.get(value, (value,))
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
                "(several comma-separated, e.g. 2,3)."
            )
        if token not in out:
            out.append(token)
    return tuple(out)


def _pick(raw: str | None, table: dict[str, str], what: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidQuery(f"Give one {what} as text, not {type(raw).__name__}.")
    key = raw.strip().lower().replace("_", "-")
    if key not in table:
        raise InvalidQuery(f"Unknown {what} '{raw}': use one of {_choices(table)}.")
    return table[key]


def parse_study_type(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """``interventional``, ``observational``, ``expanded-access`` → registry values.

    Several (a list, or comma-separated) keep studies of any of those types.
    """
    out: list[str] = []
    for item in _items(raw):
        value = _pick(item, STUDY_TYPES, "study type")
        if value is not None and value not in out:
            out.append(value)
    return tuple(out)


def parse_sex(raw: str | None) -> str | None:
    """``female`` or ``male`` → registry value (studies open to all sexes are kept too)."""
    return _pick(raw, SEXES, "sex")


def parse_sort(raw: str | None) -> str | None:
    """``relevance``, ``updated`` or ``start``; None leaves the default."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidQuery(f"Give one sort as text, not {type(raw).__name__}.")
    key = raw.strip().lower()
    if key not in SORTS:
        raise InvalidQuery(f"Unknown sort '{raw}': use one of {_choices(SORTS)}.")
    return key


@dataclass(frozen=True)
class Age:
    """An age as a person gives it: a whole number of one unit (``67`` years, ``20`` months).

    A whole number means the whole unit it names: age 0 years is any age from birth up to the
    first birthday, 20 months any age from 20 up to 21 months. Filters and pre-checks keep
    that width in mind instead of reading the age as one point.

    Attributes:
        value: the whole number, 0 or more.
        unit: ``years``, ``months``, ``weeks`` or ``days``.
    """

    value: int
    unit: str = "years"

    def __str__(self) -> str:
        return f"{self.value} {self.unit[:-1] if self.value == 1 else self.unit}"

    @property
    def start_days(self) -> Fraction:
        """Where this age begins, in days."""
        return self.value * DAYS_PER_UNIT[self.unit]

    @property
    def end_days(self) -> Fraction:
        """Where this age ends (exclusive), in days: the next whole unit."""
        return (self.value + 1) * DAYS_PER_UNIT[self.unit]

    def essie(self, value: int) -> str:
        """``67 years``: a number of this age's unit as the API's age ranges take it."""
        return f"{value} {self.unit}"


#: Days per unit of age: a year of 365.25 days, a month a twelfth of it (exact fractions).
DAYS_PER_UNIT: dict[str, Fraction] = {
    "years": Fraction(1461, 4),
    "months": Fraction(1461, 48),
    "weeks": Fraction(7),
    "days": Fraction(1),
    "hours": Fraction(1, 24),
    "minutes": Fraction(1, 1440),
}
#: What people type after an age → its unit; a bare number is years.
AGE_UNITS = {
    **dict.fromkeys(("", "y", "yr", "yrs", "year", "years"), "years"),
    **dict.fromkeys(("m", "mo", "mos", "month", "months"), "months"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("d", "day", "days"), "days"),
}
_AGE_RE = re.compile(r"^\s*([0-9]+)\s*([a-z]*)\s*$", re.IGNORECASE)
_AGE_RULE = (
    f"a whole number of years from 0 to {MAX_AGE} (67), or with a unit: "
    "20m (months), 6w (weeks), 10d (days), 2y (years)"
)


def check_age(age: object) -> Age | None:
    """Read an age: a whole number of years, or text such as ``67``, ``20m``, ``6w``, ``10d``.

    Args:
        age: None (no age), an int (years), an :class:`Age`, or text; a bare number is years.

    Returns:
        The age, or None when none was given. Zero is an age (a newborn), never "not given".

    Raises:
        InvalidQuery: not a whole number, no known unit, negative, or over 120 years.
    """
    if age is None or isinstance(age, Age):
        return age
    if isinstance(age, bool):
        raise InvalidQuery(f"The age must be {_AGE_RULE}.")
    if isinstance(age, int):
        value, unit = age, "years"
    else:
        match = _AGE_RE.match(age) if isinstance(age, str) else None
        unit_word = match.group(2).lower() if match else ""
        if not match or unit_word not in AGE_UNITS:
            shown = str(age)[:20]
            raise InvalidQuery(f"Bad age '{shown}': the age must be {_AGE_RULE}.")
        value, unit = int(match.group(1)), AGE_UNITS[unit_word]
    checked = Age(value, unit)
    if value < 0 or checked.start_days > MAX_AGE * DAYS_PER_UNIT["years"]:
        raise InvalidQuery(f"The age must be {_AGE_RULE}.")
    return checked


def parse_radius(raw: object) -> float:
    """A search radius in miles: a number (miles), or ``80km`` / ``50mi``.

    Raises:
        InvalidQuery: not a positive distance up to 5000 miles.
    """
    if raw is None:
        return DEFAULT_RADIUS_MILES
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InvalidQuery("The radius must be one distance like 50 (miles) or 80km.")
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
