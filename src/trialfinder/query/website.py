"""The same search on the ClinicalTrials.gov website: its filter keys and the link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trialfinder.filterspec import FILTERS
from trialfinder.query.ages import DAYS_PER_UNIT, Age

if TYPE_CHECKING:
    from trialfinder.query.build import SearchQuery

WEBSITE_SEARCH_URL = "https://clinicaltrials.gov/search"
# The website's own filter keys (its aggFilters), each seen in public links to the website's
# search; a filter without a verified key is left out of the link, and the link says so.
WEBSITE_STATUS = {
    "RECRUITING": "rec",
    "NOT_YET_RECRUITING": "not",
    "ACTIVE_NOT_RECRUITING": "act",
    "COMPLETED": "com",
    "TERMINATED": "ter",
}
#: Combined phases (phase 1/2) have no key: ``phase:1 2`` means either phase, not both.
WEBSITE_PHASE = {"EARLY_PHASE1": "0", "PHASE1": "1", "PHASE2": "2", "PHASE3": "3", "PHASE4": "4"}
WEBSITE_STUDY_TYPE = {"INTERVENTIONAL": "int"}
WEBSITE_SEX = {"FEMALE": "f", "MALE": "m"}
#: (key, words, first year, end year exclusive): the registry's standard age groups.
WEBSITE_AGE_GROUPS = (
    ("child", "child, birth to 17", 0, 18),
    ("adult", "adult, 18 to 64", 18, 65),
    ("older", "older adult, 65+", 65, 1000),
)


def phase_words(value: str) -> str:
    """A phase token in plain words: ``PHASE1/PHASE2`` → ``1/2``, ``NA`` → not applicable."""
    parts = [p.replace("EARLY_PHASE", "early ").replace("PHASE", "") for p in value.split("/")]
    return "not applicable" if value == "NA" else "/".join(parts)


def website_age_group(age: Age) -> tuple[str, str] | None:
    """The website's age group (key, words) that holds the whole of ``age``, if one does.

    The groups are the registry's: child (birth to 17), adult (18 to 64), older adult (65+).
    """
    year = DAYS_PER_UNIT["years"]
    for key, words, low, high in WEBSITE_AGE_GROUPS:
        if low * year <= age.start_days and age.end_days <= high * year:
            return key, words
    return None


def website_link(search: SearchQuery) -> tuple[str, list[str]]:
    """The same search on the website, and what of this search the link cannot carry.

    The link carries the words as sent to the API (expansions included) and the filters
    the website takes with keys verified in public website links
    (:data:`WEBSITE_STATUS`, :data:`WEBSITE_PHASE` …): status, phase, interventional
    study type, sex, age group, healthy volunteers, one country, state and city. Any
    other filter is named in the returned list, in plain words, so that a link that is
    not the same search says so. Each filter is carried (or named) by its entry in
    :data:`_CARRIERS`, in the order of :data:`~trialfinder.filterspec.FILTERS`.

    Returns:
        ``(url, left_out)``; ``left_out`` is empty when the link is the same search.
    """
    from urllib.parse import quote, urlencode  # here, not at the top: keeps --help fast

    params = search.query_params()
    pairs = [
        (key, params[api])
        for key, api in (("cond", "query.cond"), ("intr", "query.intr"), ("term", "query.term"))
        if api in params
    ]
    link = _Link()
    for carry in dict.fromkeys(_CARRIERS[info.name] for info in FILTERS):
        if carry is not None:
            carry(search, link)
    if link.groups:
        pairs.append(("aggFilters", ",".join(link.groups)))
    query = urlencode([*pairs, *link.places], quote_via=quote, safe=":,")
    return f"{WEBSITE_SEARCH_URL}?{query}", link.left_out


@dataclass
class _Link:
    """The parts of a website link: aggFilters groups, place keys, and what is left out."""

    groups: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    def keyed(self, name: str, values: tuple[str, ...], keys: dict[str, str], shown: Any) -> None:
        """One aggFilters group of the values with a key; each other value left out."""
        found = [keys[v] for v in values if v in keys]
        self.left_out.extend(f"{name} {shown(v)}" for v in values if v not in keys)
        if found:
            self.groups.append(f"{name.replace(' ', '')}:{' '.join(found)}")


def _words(value: str) -> str:
    return value.replace("_", " ").lower()


def _status(search: SearchQuery, link: _Link) -> None:
    link.keyed("status", search.statuses, WEBSITE_STATUS, _words)


def _phase(search: SearchQuery, link: _Link) -> None:
    link.keyed("phase", search.phases, WEBSITE_PHASE, phase_words)


def _study_type(search: SearchQuery, link: _Link) -> None:
    found = [WEBSITE_STUDY_TYPE[t] for t in search.study_type if t in WEBSITE_STUDY_TYPE]
    link.left_out += [
        f"study type {_words(t)}" for t in search.study_type if t not in WEBSITE_STUDY_TYPE
    ]
    if found:
        link.groups.append(f"studyType:{' '.join(found)}")


def _sex(search: SearchQuery, link: _Link) -> None:
    if search.sex:
        link.groups.append(f"sex:{WEBSITE_SEX[search.sex]}")


def _age(search: SearchQuery, link: _Link) -> None:
    if search.age is None:
        return
    group = website_age_group(search.age)
    if group is None:
        link.left_out.append(f"age {search.age} (it spans two of the website's age groups)")
    else:
        link.groups.append(f"ages:{group[0]}")
        link.left_out.append(f"age {search.age} exactly (the link uses the wider group {group[1]})")


def _healthy_volunteers(search: SearchQuery, link: _Link) -> None:
    if search.healthy_volunteers:
        link.groups.append("healthy:y")


def _places(search: SearchQuery, link: _Link) -> None:
    """Country, state and city together: ``locStr`` names the narrowest, as the website does."""
    places = [("city", search.city), ("state", search.state), ("country", search.country)]
    single = {kind: values[0] for kind, values in places if len(values) == 1}
    link.left_out += [
        f"{kind} {' or '.join(values)} (the website takes one)"
        for kind, values in places
        if len(values) > 1
    ]
    if single:
        shown = [single[k] for k in ("city", "state") if k in single] or [single["country"]]
        link.places.append(("locStr", ", ".join(shown)))
        link.places += [(k, single[k]) for k in ("country", "state", "city") if k in single]


def _near(search: SearchQuery, link: _Link) -> None:
    """Near and its radius: the website's own distance search is not verified, so left out."""
    if search.near is not None:
        place = search.near_label or f"{search.near[0]},{search.near[1]}"
        link.left_out.append(f"near {place} within {search.radius_miles:g} miles")


#: How the link carries each filter, or names it as left out; filters sharing an entry are
#: carried together. None: nothing to carry, as sort only orders the studies and expand is in
#: the words sent. Every filter is here: a test fails on one left out.
_CARRIERS: dict[str, Callable[[SearchQuery, _Link], None] | None] = {
    "status": _status,
    "phase": _phase,
    "study_type": _study_type,
    "sex": _sex,
    "age": _age,
    "healthy_volunteers": _healthy_volunteers,
    "country": _places,
    "state": _places,
    "city": _places,
    "near": _near,
    "radius": _near,
    "sort": None,
    "expand": None,
}
