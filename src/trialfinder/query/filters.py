"""Parse and check the search filters people type, and turn them into API v2 parameters.

Pure and cheap to import, like :mod:`trialfinder.query.build`. Every parser raises
:class:`~trialfinder.errors.InvalidQuery` naming the values it accepts.
Ages are read by :mod:`trialfinder.query.ages`; :mod:`trialfinder.query.essie` writes the
filters as the API's parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import cast

from trialfinder.defaults import DEFAULT_RADIUS_MILES
from trialfinder.errors import InvalidQuery
from trialfinder.filterspec import FILTER_DEFAULTS
from trialfinder.query.values import as_texts, wrong_type
from trialfinder.status import OPEN_STATUSES, STATUS_WORDS, STATUSES

#: Friendly status groups; ``all`` means no status filter.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    "recruiting": ("RECRUITING",),
    "all": (),
}
#: The statuses searched when none is given: the ``status`` filter's default.
DEFAULT_STATUS = cast(str, FILTER_DEFAULTS["status"])

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
MAX_RADIUS_MILES = 5000.0
KM_PER_MILE = 1.609344

_SEPARATORS = re.compile(r"[,|]")
_RADIUS_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mi|miles?|km)?\s*$", re.IGNORECASE)


def _items(raw: str | Iterable[str] | None, argument: str, choices: Iterable[str]) -> list[str]:
    """Split comma/space/pipe separated input, from one string or several.

    Raises:
        InvalidQuery: not text or a list of texts (see :func:`as_texts`); or text given
            that holds no value (``""``, ``","``), which would otherwise filter nothing in
            silence (the status says the same of an empty status).
    """
    parts = as_texts(raw, argument) or ()
    items = [item.strip() for part in parts for item in _SEPARATORS.split(part)]
    kept = [item for item in items if item]
    if parts and not kept:
        what = argument.replace("_", " ")
        raise InvalidQuery(
            f"The {what} ({{{argument}}}) is empty: use {_choices(choices)}, or leave it out."
        )
    return kept


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


def _status_items(parts: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(typed, status or group) pairs; a comma inside a known status name is not a separator."""
    found: list[tuple[str, str | None]] = []
    for text in parts:
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
        InvalidQuery: an unknown value, with the valid ones listed, or not text.
    """
    texts = as_texts(raw, "status")
    items = _status_items((DEFAULT_STATUS,) if texts is None else texts)
    if not items:
        raise InvalidQuery(
            f"The status ({{status}}) is empty: use {_choices(STATUS_GROUPS)} or registry values."
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
    for item in _items(raw, "phase", [*PHASES, *COMBINED_PHASES]):
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


def _pick(raw: object, table: dict[str, str], what: str, argument: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise wrong_type(argument, f"one {what} as text ({_choices(table)})", raw)
    key = raw.strip().lower().replace("_", "-")
    if key not in table:
        raise InvalidQuery(f"Unknown {what} '{raw}': use one of {_choices(table)}.")
    return table[key]


def parse_study_type(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """``interventional``, ``observational``, ``expanded-access`` → registry values.

    Several (a list, or comma-separated) keep studies of any of those types.
    """
    out: list[str] = []
    for item in _items(raw, "study_type", STUDY_TYPES):
        value = _pick(item, STUDY_TYPES, "study type", "study_type")
        if value is not None and value not in out:
            out.append(value)
    return tuple(out)


def parse_sex(raw: str | None) -> str | None:
    """``female`` or ``male`` → registry value (studies open to all sexes are kept too)."""
    return _pick(raw, SEXES, "sex", "sex")


def parse_sort(raw: str | None) -> str | None:
    """``relevance``, ``updated`` or ``start``; None leaves the default."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise wrong_type("sort", f"one order as text ({_choices(SORTS)})", raw)
    key = raw.strip().lower()
    if key not in SORTS:
        raise InvalidQuery(f"Unknown sort '{raw}': use one of {_choices(SORTS)}.")
    return key


def parse_radius(raw: object) -> float:
    """A search radius in miles: a number (miles), or ``80km`` / ``50mi``.

    Raises:
        InvalidQuery: not a positive distance up to 5000 miles.
    """
    if raw is None:
        return DEFAULT_RADIUS_MILES
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise wrong_type("radius", "one distance: a number of miles (50) or text like '80km'", raw)
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
