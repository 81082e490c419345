"""Build and validate the parameters of a search, without touching the network.

Everything here is pure: a :class:`SearchQuery` is checked when it is made, and
:func:`SearchQuery.to_params` turns it into the exact parameters sent to ``GET /studies``.
Cheap to import (no requests, no pydantic), so the CLI can validate input before loading
the HTTP stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, cast

from trialfinder.defaults import DEFAULT_LIMIT, DEFAULT_RADIUS_MILES
from trialfinder.errors import InvalidQuery
from trialfinder.filterspec import (
    FILTER_DEFAULTS,
    FILTERS,
    SearchFilters,
    Unpack,
    check_filter_names,
)
from trialfinder.query import filters
from trialfinder.query.ages import Age, check_age
from trialfinder.query.essie import advanced_filter, geo_param, location_query
from trialfinder.query.expand import Expansion, expand_values

# Re-exported: they lived here before trialfinder.ids, and callers still import them from here.
from trialfinder.query.places import check_point
from trialfinder.query.values import as_texts, check_flag, check_limit, check_values
from trialfinder.query.website import phase_words, website_link

#: The API lowers any larger pageSize to this.
MAX_PAGE_SIZE = 1000


def combine_all(values: tuple[str, ...]) -> str | None:
    """Join several values so that a study must match every one of them.

    One value is sent as typed. With several, a value holding spaces or operators is
    wrapped in parentheses so that its own words stay together.
    """
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return " AND ".join(v if re.fullmatch(r"[\w\-']+", v) else f"({v})" for v in values)


@dataclass(frozen=True)
class SearchQuery:
    """A validated search: what to look for, which studies to keep, and how many to return.

    Several conditions (or interventions, or terms) mean a study must match all of them.

    Attributes:
        conditions: diseases or conditions (``query.cond``).
        interventions: treatments, drugs, procedures (``query.intr``).
        terms: other words, anywhere in the record (``query.term``).
        limit: the most studies to return; None for all of them.
        expand: rewrite acronyms, brand names and drug classes (see
        :mod:`trialfinder.query.expand`). statuses: overall statuses to keep
        (``filter.overallStatus``); empty keeps all. phases: phases to keep (``PHASE2``, or
        ``PHASE1/PHASE2`` for a combined phase). study_type: any of ``INTERVENTIONAL``,
        ``OBSERVATIONAL``, ``EXPANDED_ACCESS``. sex: ``FEMALE`` or ``MALE``; studies open to all
        sexes are kept. age: an age (a whole number of years, months, weeks or days) that the
            study's age range must reach into; see :class:`~trialfinder.query.ages.Age`.
        healthy_volunteers: keep only studies that accept healthy volunteers.
        country, state, city: where a site must be (``query.locn``); several of one kind
            mean any of them.
        near: (latitude, longitude) of the person; with ``radius_miles`` gives ``filter.geo``.
        near_label: what ``near`` was resolved from, for messages.
        radius_miles: search radius around ``near``.
        sort: ``relevance``, ``updated`` or ``start``; None for relevance.
    """

    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    limit: int | None = DEFAULT_LIMIT
    # The filters' defaults are filterspec's; None and () keep every study.
    expand: bool = FILTER_DEFAULTS["expand"]
    statuses: tuple[str, ...] = filters.STATUS_GROUPS[filters.DEFAULT_STATUS]
    phases: tuple[str, ...] = ()
    study_type: tuple[str, ...] = ()
    sex: str | None = None
    age: Age | None = None
    healthy_volunteers: bool = FILTER_DEFAULTS["healthy_volunteers"]
    country: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    city: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    near_label: str | None = None
    radius_miles: float = DEFAULT_RADIUS_MILES
    sort: str | None = None

    @classmethod
    def build(
        cls,
        condition: str | Iterable[str] | None = None,
        intervention: str | Iterable[str] | None = None,
        term: str | Iterable[str] | None = None,
        limit: int | None = DEFAULT_LIMIT,
        *,
        near_label: str | None = None,
        **chosen: Unpack[SearchFilters],
    ) -> SearchQuery:
        """Validate raw input and make a query.

        The filters are those of :class:`~trialfinder.filterspec.SearchFilters`; one not
        given takes its default there. ``near`` must already be coordinates here;
        :func:`trialfinder.query.places.resolve_place` turns a ZIP code or a city name into
        them (:func:`build_query` does both).

        Args:
            near_label: what ``near`` was resolved from, for messages.

        Raises:
            InvalidQuery: when any value is unusable or nothing at all is asked for.
            TypeError: a keyword that is not a filter.
        """
        check_filter_names("SearchQuery.build", chosen)
        given: SearchFilters = {**FILTER_DEFAULTS, **chosen}
        near = given["near"]
        if near is not None:
            near = check_point(near)
        elif given["radius"] is not None:
            raise InvalidQuery("A radius ({radius}) needs a place to measure from ({near}).")
        query = cls(
            conditions=check_values(condition, "condition", "condition"),
            interventions=check_values(intervention, "intervention", "intervention"),
            terms=check_values(term, "search term", "term"),
            limit=check_limit(limit),
            expand=check_flag(given["expand"], "expand"),
            statuses=filters.parse_status(given["status"]),
            phases=filters.parse_phases(given["phase"]),
            study_type=filters.parse_study_type(given["study_type"]),
            sex=filters.parse_sex(given["sex"]),
            age=check_age(given["age"]),
            healthy_volunteers=check_flag(given["healthy_volunteers"], "healthy_volunteers"),
            country=check_values(given["country"], "country", "country"),
            state=check_values(given["state"], "state", "state"),
            city=check_values(given["city"], "city", "city"),
            near=near,
            near_label=near_label,
            radius_miles=filters.parse_radius(given["radius"]),
            sort=filters.parse_sort(given["sort"]),
        )
        if not (query.conditions or query.interventions or query.terms):
            raise InvalidQuery(
                "Nothing to search for: give a condition ({condition}), an intervention "
                "({intervention}) or a term ({term})."
            )
        return query

    @property
    def page_size(self) -> int:
        """Studies asked for per page: as few pages as possible, never more than needed."""
        return MAX_PAGE_SIZE if self.limit is None else min(self.limit, MAX_PAGE_SIZE)

    def _fields(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        return (
            ("query.cond", "condition", self.conditions),
            ("query.intr", "intervention", self.interventions),
            ("query.term", "term", self.terms),
        )

    def _expanded(
        self,
    ) -> list[tuple[str, str, tuple[str, ...], list[Expansion], list[str], list[str]]]:
        """Per field: (parameter, field, values to send, expansions, notices, hints)."""
        out: list[tuple[str, str, tuple[str, ...], list[Expansion], list[str], list[str]]] = []
        condition_texts: tuple[str, ...] = ()
        for key, field_name, values in self._fields():
            if not self.expand:
                out.append((key, field_name, values, [], [], []))
                continue
            sent, made, notices, hints = expand_values(values, field_name, condition_texts)
            if field_name == "condition":
                # Class words (immunotherapy) are chosen by the conditions and their meanings.
                condition_texts = (*values, *(t for e in made for t in e.terms))
            out.append((key, field_name, sent, made, notices, hints))
        return out

    def expansions(self) -> list[Expansion]:
        """Every rewrite of what was typed, to show the user (empty with ``expand=False``)."""
        return [e for *_, made, _, _ in self._expanded() for e in made]

    def notices(self) -> list[str]:
        """What else to know about how the words were searched (leftover words, class words)."""
        return [n for *_, notices, _ in self._expanded() for n in notices]

    def hints(self) -> list[str]:
        """Known acronyms typed in lower case, searched as typed: how to ask for them."""
        return [h for *_, hints in self._expanded() for h in hints]

    def query_params(self) -> dict[str, str]:
        """The ``query.*`` parameters alone (expanded unless ``expand`` is off)."""
        params: dict[str, str] = {}
        for key, _, sent, *_ in self._expanded():
            combined = combine_all(sent)
            if combined is not None:
                params[key] = combined
        locn = location_query(self.country, self.state, self.city)
        if locn:
            params["query.locn"] = locn
        return params

    def filter_params(self) -> dict[str, str]:
        """The ``filter.*`` parameters alone."""
        params: dict[str, str] = {}
        if self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        if self.near is not None:
            params["filter.geo"] = geo_param(*self.near, self.radius_miles)
        advanced = advanced_filter(
            self.phases, self.study_type, self.sex, self.age, self.healthy_volunteers
        )
        if advanced:
            params["filter.advanced"] = advanced
        return params

    def to_params(self) -> dict[str, str]:
        """The parameters of the first page of ``GET /studies``.

        Later pages repeat them exactly and add ``pageToken``.
        """
        params = self.query_params()
        params.update(self.filter_params())
        if params:
            params["sort"] = filters.SORTS[self.sort or "relevance"]
        params["pageSize"] = str(self.page_size)
        params["countTotal"] = "true"
        return params

    def filter_summary(self) -> list[str]:
        """The filters in plain words, for people: ``status: recruiting, not yet recruiting``.

        One line per label (:attr:`~trialfinder.filterspec.Filter.shown_as`), in the order
        of :data:`~trialfinder.filterspec.FILTERS`, worded by :data:`_SUMMARY`.
        """
        shown: dict[str, str] = {}
        for info in FILTERS:
            wording = _SUMMARY[info.name]
            if wording is not None and info.shown_as not in shown:
                shown[info.shown_as] = wording(self)
        return [f"{label}: {value}" for label, value in shown.items() if value]

    def filters_set(self) -> tuple[str, ...]:
        """The filters that keep only some studies here, in the order of ``FILTERS``.

        ``radius``, ``sort`` and ``expand`` never are: they measure, order and word a search.
        """
        return tuple(
            info.name
            for info in FILTERS
            if (unset := _UNSET[info.name]) is not None and getattr(self, unset[0]) != unset[1]
        )

    def loosened(self) -> list[tuple[str, tuple[str, ...], SearchQuery]]:
        """Each active filter group with a copy of this query without it, to explain zero hits.

        The groups are :data:`_LOOSENING`'s, which holds every filter that keeps only some
        studies.

        Returns:
            ``(description, arguments, query)``: the filter in plain words, the
            :func:`trialfinder.search` arguments that set it, and the query without it;
            status, then location, then the other filters.
        """
        active = self.filters_set()
        options: list[tuple[str, tuple[str, ...], SearchQuery]] = []
        for description, names in _LOOSENING:
            arguments = tuple(name for name in names if name in active)
            if arguments:
                without = dict(filter(None, (_UNSET[name] for name in names)))
                described = description.format(status=_status_words(self))
                options.append((described, arguments, replace(self, **without)))
        return options

    def website_url(self) -> str:
        """The same search on the ClinicalTrials.gov website, for people to open.

        See :meth:`website_link`, which also says what the link leaves out.
        """
        return self.website_link()[0]

    def website_link(self) -> tuple[str, list[str]]:
        """The same search on the website, and what of this search the link cannot carry.

        See :func:`trialfinder.query.website.website_link`.
        """
        return website_link(self)


def _words(value: str) -> str:
    return value.replace("_", " ").lower()


def _places_of(query: SearchQuery) -> str:
    return _places(query.city, query.state, query.country)


def _status_words(query: SearchQuery) -> str:
    return ", ".join(_words(s) for s in query.statuses)


#: Each filter in plain words for the ``Filters:`` line, "" when it is not set; filters
#: sharing a label (country, state, city: ``site in``) are worded once, by the first. None:
#: shown apart: near and radius in the ``Near:`` line, expand as the expansions, and sort,
#: which orders the studies without choosing them. Every filter is here: a test fails on
#: one left out.
_SUMMARY: dict[str, Callable[[SearchQuery], str] | None] = {
    "status": lambda q: _status_words(q) or "any",
    "phase": lambda q: ", ".join(phase_words(p) for p in q.phases),
    "study_type": lambda q: " or ".join(_words(t) for t in q.study_type),
    "sex": lambda q: _words(q.sex or ""),
    "age": lambda q: "" if q.age is None else f"{q.age}, overlapping the registered range",
    "healthy_volunteers": lambda q: "accepted" if q.healthy_volunteers else "",
    "country": _places_of,
    "state": _places_of,
    "city": _places_of,
    "near": None,
    "radius": None,
    "sort": None,
    "expand": None,
}

#: Each filter's attribute of SearchQuery and its value there when the filter keeps every
#: study; None for those that never choose studies (radius measures, sort orders, expand
#: words). Every filter is here: a test fails on one left out.
_UNSET: dict[str, tuple[str, Any] | None] = {
    "status": ("statuses", ()),
    "phase": ("phases", ()),
    "study_type": ("study_type", ()),
    "sex": ("sex", None),
    "age": ("age", None),
    "healthy_volunteers": ("healthy_volunteers", False),
    "country": ("country", ()),
    "state": ("state", ()),
    "city": ("city", ()),
    "near": ("near", None),
    "radius": None,
    "sort": None,
    "expand": None,
}

#: The groups :meth:`SearchQuery.loosened` drops one at a time, in order: each filter that
#: keeps only some studies is in one of them (a test fails on one left out).
_LOOSENING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the status filter ({status})", ("status",)),
    ("the location filter", ("near", "country", "state", "city")),
    (
        "the phase/type/sex/age filters",
        ("phase", "study_type", "sex", "age", "healthy_volunteers"),
    ),
)


def _places(*kinds: tuple[str, ...]) -> str:
    """``Boston, United States or Canada``: several places of one kind are alternatives."""
    return ", ".join(" or ".join(places) for places in kinds if places)


#: The filters that take several values (a list, or any iterable of texts).
_SEVERAL = frozenset(f.name for f in FILTERS if f.repeatable)


def build_query(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    **chosen: Unpack[SearchFilters],
) -> SearchQuery:
    """Validate everything and make a :class:`SearchQuery`, resolving ``near`` offline.

    ``near`` may be ``(lat, lon)``, ``"lat,lon"``, a US ZIP code or a city name. Everything
    else is checked first, so a typo fails before the place data loads.

    Raises:
        InvalidQuery: any unusable value, with how to fix it.
        TypeError: a keyword that is not a filter.
    """
    # Read each iterator once, here: with a place to resolve, the values are checked twice.
    condition = as_texts(condition, "condition")
    intervention = as_texts(intervention, "intervention")
    term = as_texts(term, "term")
    chosen = cast(
        SearchFilters,
        {name: as_texts(v, name) if name in _SEVERAL else v for name, v in chosen.items()},
    )
    near = chosen.get("near")
    if not isinstance(near, str):
        return SearchQuery.build(condition, intervention, term, limit, **chosen)
    elsewhere: SearchFilters = {**chosen, "near": None, "radius": None}
    SearchQuery.build(condition, intervention, term, limit, **elsewhere)
    from trialfinder.query.places import resolve_place  # loads the place data only when needed

    place = resolve_place(near)
    located: SearchFilters = {**chosen, "near": (place.latitude, place.longitude)}
    return SearchQuery.build(
        condition, intervention, term, limit, near_label=place.label, **located
    )
