"""The search filters, defined once: name, type, default, help, and how each is sent and shown.

:class:`SearchFilters` is the one list. The command-line options, the configuration file's
filter settings, the MCP tools' arguments, the argument names errors may cite, and the check
of a saved search's options are all made from :data:`FILTERS`; the typed signatures of
:func:`trialfinder.search` and its siblings are checked against it by the test suite
(``tests/test_filterspec.py``). To add a filter, add a field here, then give it to
:meth:`trialfinder.query.build.SearchQuery.build` and the library calls; the tests name what is
missing.

Imports only :mod:`trialfinder.defaults`: the command line builds its ``--help`` from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from trialfinder.defaults import DEFAULT_RADIUS_MILES


@dataclass(frozen=True)
class Filter:
    """What is known about one search filter.

    Attributes:
        name: the keyword argument of :func:`trialfinder.search`.
        default: its default there.
        help: what it does, for people (the command line's ``--help``).
        describe: what it takes, for AI assistants (the MCP tools' argument descriptions).
        option: the command-line option's declarations (``--type``, then its name if the
            flag differs from ``name``).
        metavar: the option's value as ``--help`` shows it; None for a flag.
        repeatable: several values are allowed (any of them matches); repeats merge.
        flag: takes no value on the command line.
        number: takes a number (or text with a unit): JSON true/false is refused.
        sent_as: the ``GET /studies`` parameter it becomes (empty: it changes the words sent).
        shown_as: its label in what-was-searched (empty: shown apart, or not at all).
        setting: what it sets, when the configuration file may give its default.
        setting_types: the TOML value types that setting takes.
        setting_default: the built-in default ``config show`` names.
    """

    name: str
    default: object
    help: str
    describe: str
    option: tuple[str, ...]
    metavar: str | None = None
    repeatable: bool = False
    flag: bool = False
    number: bool = False
    sent_as: str = ""
    shown_as: str = ""
    setting: str | None = None
    setting_types: tuple[type, ...] = (str,)
    setting_default: object = None


def _filter(default: Any, **info: Any) -> Any:
    # The name and default are the field's own: filled in by FILTERS below.
    return field(default=default, metadata={"filter": Filter(name="", default=None, **info)})


@dataclass(frozen=True)
class SearchFilters:
    """Which studies to keep, beyond the words searched: every filter of a search.

    The fields, in order, are the keyword arguments of :func:`trialfinder.search` after
    ``condition``, ``intervention``, ``term`` and ``limit``, with their types and defaults;
    see that function for what each takes.
    """

    status: str | Iterable[str] | None = _filter(
        "open",
        help="Recruitment status (default open: recruiting, not yet recruiting, "
        "enrolling by invitation), recruiting, all, or statuses such as COMPLETED or "
        "'active, not recruiting'. Repeat or use commas: any of them.",
        describe="Recruitment status: 'open' (the default: recruiting, not yet recruiting, "
        "enrolling by invitation), 'recruiting', 'all', or statuses such as COMPLETED or "
        "'active, not recruiting'; several: any of them.",
        option=("--status",),
        metavar="open|recruiting|all|STATUS,…",
        repeatable=True,
        sent_as="filter.overallStatus",
        shown_as="status",
        setting="which recruitment statuses to search",
        setting_default="open",
    )
    phase: str | Iterable[str] | None = _filter(
        None,
        help="Phases to keep. Repeat or use commas: any of them.",
        describe="Phases to keep: 1, 2, 3, 4, early1, na, 1/2, 2/3; several: any of them.",
        option=("--phase",),
        metavar="1,2,3,4,early1,na,1/2",
        repeatable=True,
        sent_as="filter.advanced",
        shown_as="phase",
    )
    study_type: str | Iterable[str] | None = _filter(
        None,
        help="Study type. Repeat or use commas: any of them.",
        describe="'interventional', 'observational' or 'expanded-access'; several: any of them.",
        option=("--type", "study_type"),
        metavar="interventional|observational|expanded-access",
        repeatable=True,
        sent_as="filter.advanced",
        shown_as="study type",
    )
    sex: str | None = _filter(
        None,
        help="Keep studies open to this sex (and to all).",
        describe="'female' or 'male': studies open to it (and to all).",
        option=("--sex",),
        metavar="female|male",
        sent_as="filter.advanced",
        shown_as="open to",
    )
    age: int | str | None = _filter(
        None,
        help="Keep studies whose age range reaches this age: years (67), or 20m, 6w, 10d, 2y.",
        describe="An age the registered age range must reach into: whole years (67), "
        "or with a unit: '20m' (months), '6w' (weeks), '10d' (days), '2y'.",
        option=("--age",),
        metavar="AGE",
        number=True,
        sent_as="filter.advanced",
        shown_as="age",
    )
    healthy_volunteers: bool = _filter(
        False,
        help="Only studies that accept healthy volunteers.",
        describe="Only studies that accept healthy volunteers.",
        option=("--healthy-volunteers",),
        flag=True,
        sent_as="filter.advanced",
        shown_as="healthy volunteers",
    )
    country: str | Iterable[str] | None = _filter(
        None,
        help="A site must be in this country. Repeat: any of them.",
        describe="A site must be in this country (several: any of them).",
        option=("--country",),
        metavar="TEXT",
        repeatable=True,
        sent_as="query.locn",
        shown_as="site in",
    )
    state: str | Iterable[str] | None = _filter(
        None,
        help="A site must be in this state or region. Repeat: any of them.",
        describe="A site must be in this state or region (several: any of them).",
        option=("--state",),
        metavar="TEXT",
        repeatable=True,
        sent_as="query.locn",
        shown_as="site in",
    )
    city: str | Iterable[str] | None = _filter(
        None,
        help="A site must be in this city. Repeat: any of them.",
        describe="A site must be in this city (several: any of them).",
        option=("--city",),
        metavar="TEXT",
        repeatable=True,
        sent_as="query.locn",
        shown_as="site in",
    )
    near: str | tuple[float, float] | None = _filter(
        None,
        help="Sites near this place (found offline).",
        describe="Sites near this place: 'lat,lon', a US ZIP code or a city name "
        "(found offline). Distances are city-level.",
        option=("--near",),
        metavar="LAT,LON|ZIP|CITY",
        sent_as="filter.geo",
        shown_as="near",
        setting="home location for --near (lat,lon, ZIP or city)",
    )
    radius: float | str | None = _filter(
        None,
        help=f"Distance around --near (default {DEFAULT_RADIUS_MILES:g}; or 80km).",
        describe=f"Distance around 'near': miles (default {DEFAULT_RADIUS_MILES:g}), "
        "or like '80km'.",
        option=("--radius",),
        metavar="MILES",
        number=True,
        sent_as="filter.geo",
        setting="miles around --near",
        setting_types=(int, float),
        # Shown as a person writes it in the file: 50, not 50.0.
        setting_default=round(DEFAULT_RADIUS_MILES),
    )
    sort: str | None = _filter(
        None,
        help="Order (default relevance).",
        describe="'relevance' (default), 'updated' or 'start'.",
        option=("--sort",),
        metavar="relevance|updated|start",
        sent_as="sort",
    )
    expand: bool = _filter(
        True,
        help="Search exactly as typed: no acronym, brand or drug-class expansion.",
        describe="Expand acronyms, brand names and drug classes (each one is reported).",
        option=("--no-expand",),
        flag=True,
    )


#: Every filter, in the order of :class:`SearchFilters` (the order ``--help`` shows them).
FILTERS: tuple[Filter, ...] = tuple(
    replace(f.metadata["filter"], name=f.name, default=f.default) for f in fields(SearchFilters)
)
#: The filters' keyword arguments, in order.
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
#: The arguments of a search that are not filters: what to look for, and how many.
SEARCH_WORDS: tuple[str, ...] = ("condition", "intervention", "term", "limit")


def filter_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The filters among a call's arguments (its ``locals()``), to pass them on by name.

    Lets a function with the filters in its typed signature hand them on without writing
    the list out again.
    """
    return {name: arguments[name] for name in FILTER_NAMES}
