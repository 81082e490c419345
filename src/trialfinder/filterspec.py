"""The search filters, defined once: name, type, default, help, and how each is sent and shown.

:class:`SearchFilters` is the one list: a :class:`~typing.TypedDict` whose fields carry their
:class:`Filter` in ``Annotated``. The library calls take it whole (``**filters:
Unpack[SearchFilters]``, so type checkers check each filter's name and type), and
:data:`FILTERS`, made from it, gives the command-line options, the configuration file's filter
settings, the MCP tools' arguments, the argument names errors may cite, and the check of a
saved search's options. To add a filter, add a field here and give it its meaning in
:class:`trialfinder.query.build.SearchQuery` (how it is checked and sent, its words in
what-was-searched, its loosening group) and in :mod:`trialfinder.query.website` (how the
website link carries it); ``tests/test_filterspec.py`` names anything missing.

Imports only :mod:`trialfinder.defaults`: the command line builds its ``--help`` from it.
"""

# No ``from __future__ import annotations``: FILTERS is read from the annotations, and
# evaluating them as strings at import would slow every start of the command line.
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypedDict, cast, get_type_hints

from trialfinder.defaults import DEFAULT_RADIUS_MILES

# Re-exported for the calls that take ``**filters: Unpack[SearchFilters]``.
if sys.version_info >= (3, 11):
    from typing import Unpack as Unpack
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Unpack as Unpack


@dataclass(frozen=True)
class Filter:
    """What is known about one search filter.

    Attributes:
        name: the keyword argument of :func:`trialfinder.search` (the field's name).
        default: its value when it is not given.
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
        setting_default: the built-in default ``config show`` names, when it is not
            ``default`` (the radius: None means the miles used).
    """

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
    default: object = None
    # Filled in from the field of SearchFilters that carries this Filter.
    name: str = ""


class SearchFilters(TypedDict, total=False):
    """Which studies to keep, beyond the words searched: every filter of a search.

    The keys, in order, are the keyword arguments of :func:`trialfinder.search` after
    ``condition``, ``intervention``, ``term`` and ``limit``, each with its type; any may be
    left out, and its :class:`Filter` says its default and what it does. Several values of
    a repeatable filter (``status``, ``phase``, ``study_type``, ``country``, ``state``,
    ``city``) mean any of them; every other filter takes one value.

    Keys:
        status: ``open`` (default: recruiting, not yet recruiting, by invitation),
            ``recruiting``, ``all``, or statuses as the registry writes them
            (``ACTIVE_NOT_RECRUITING``) or as trialfinder prints them
            (``"active, not recruiting"``); several as a list or comma-separated.
        phase: ``1``, ``2``, ``3``, ``4``, ``early1``, ``na``, ``1/2`` (several allowed).
        study_type: ``interventional``, ``observational`` or ``expanded-access``.
        sex: ``female`` or ``male`` (studies open to all are kept).
        age: an age the study's registered age range must reach into: a whole number of
            years (``0`` is a newborn), or text with a unit: ``"20m"``, ``"6w"``, ``"10d"``,
            ``"2y"``. A whole number covers its whole unit: age 0 keeps a study from
            "28 Days".
        healthy_volunteers: only studies accepting healthy volunteers (default False).
        country, state, city: where a site must be.
        near: ``(lat, lon)``, ``"lat,lon"``, a US ZIP code or a city name (resolved offline).
        radius: distance around ``near``, in miles (default 50) or like ``"80km"``.
        sort: ``relevance`` (default), ``updated`` or ``start``.
        expand: rewrite acronyms, brand names and drug classes (default True; each rewrite
            is disclosed in ``expansions``).
    """

    status: Annotated[
        str | Iterable[str] | None,
        Filter(
            default="open",
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
        ),
    ]
    phase: Annotated[
        str | Iterable[str] | None,
        Filter(
            default=None,
            help="Phases to keep. Repeat or use commas: any of them.",
            describe="Phases to keep: 1, 2, 3, 4, early1, na, 1/2, 2/3; several: any of them.",
            option=("--phase",),
            metavar="1,2,3,4,early1,na,1/2",
            repeatable=True,
            sent_as="filter.advanced",
            shown_as="phase",
        ),
    ]
    study_type: Annotated[
        str | Iterable[str] | None,
        Filter(
            default=None,
            help="Study type. Repeat or use commas: any of them.",
            describe="'interventional', 'observational' or 'expanded-access'; "
            "several: any of them.",
            option=("--type", "study_type"),
            metavar="interventional|observational|expanded-access",
            repeatable=True,
            sent_as="filter.advanced",
            shown_as="study type",
        ),
    ]
    sex: Annotated[
        str | None,
        Filter(
            default=None,
            help="Keep studies open to this sex (and to all).",
            describe="'female' or 'male': studies open to it (and to all).",
            option=("--sex",),
            metavar="female|male",
            sent_as="filter.advanced",
            shown_as="open to",
        ),
    ]
    age: Annotated[
        int | str | None,
        Filter(
            default=None,
            help="Keep studies whose age range reaches this age: years (67), or 20m, 6w, 10d, 2y.",
            describe="An age the registered age range must reach into: whole years (67), "
            "or with a unit: '20m' (months), '6w' (weeks), '10d' (days), '2y'.",
            option=("--age",),
            metavar="AGE",
            number=True,
            sent_as="filter.advanced",
            shown_as="age",
        ),
    ]
    healthy_volunteers: Annotated[
        bool,
        Filter(
            default=False,
            help="Only studies that accept healthy volunteers.",
            describe="Only studies that accept healthy volunteers.",
            option=("--healthy-volunteers",),
            flag=True,
            sent_as="filter.advanced",
            shown_as="healthy volunteers",
        ),
    ]
    country: Annotated[
        str | Iterable[str] | None,
        Filter(
            default=None,
            help="A site must be in this country. Repeat: any of them.",
            describe="A site must be in this country (several: any of them).",
            option=("--country",),
            metavar="TEXT",
            repeatable=True,
            sent_as="query.locn",
            shown_as="site in",
        ),
    ]
    state: Annotated[
        str | Iterable[str] | None,
        Filter(
            default=None,
            help="A site must be in this state or region. Repeat: any of them.",
            describe="A site must be in this state or region (several: any of them).",
            option=("--state",),
            metavar="TEXT",
            repeatable=True,
            sent_as="query.locn",
            shown_as="site in",
        ),
    ]
    city: Annotated[
        str | Iterable[str] | None,
        Filter(
            default=None,
            help="A site must be in this city. Repeat: any of them.",
            describe="A site must be in this city (several: any of them).",
            option=("--city",),
            metavar="TEXT",
            repeatable=True,
            sent_as="query.locn",
            shown_as="site in",
        ),
    ]
    near: Annotated[
        str | tuple[float, float] | None,
        Filter(
            default=None,
            help="Sites near this place (found offline).",
            describe="Sites near this place: 'lat,lon', a US ZIP code or a city name "
            "(found offline). Distances are city-level.",
            option=("--near",),
            metavar="LAT,LON|ZIP|CITY",
            sent_as="filter.geo",
            shown_as="near",
            setting="home location for --near (lat,lon, ZIP or city)",
        ),
    ]
    radius: Annotated[
        float | str | None,
        Filter(
            default=None,
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
        ),
    ]
    sort: Annotated[
        str | None,
        Filter(
            default=None,
            help="Order (default relevance).",
            describe="'relevance' (default), 'updated' or 'start'.",
            option=("--sort",),
            metavar="relevance|updated|start",
            sent_as="sort",
        ),
    ]
    expand: Annotated[
        bool,
        Filter(
            default=True,
            help="Search exactly as typed: no acronym, brand or drug-class expansion.",
            describe="Expand acronyms, brand names and drug classes (each one is reported).",
            option=("--no-expand",),
            flag=True,
        ),
    ]


def _filters() -> tuple[Filter, ...]:
    hints = get_type_hints(SearchFilters, include_extras=True)
    return tuple(
        replace(info, name=name)
        for name, hint in hints.items()
        for info in hint.__metadata__
        if isinstance(info, Filter)
    )


#: Every filter, in the order of :class:`SearchFilters` (the order ``--help`` shows them).
FILTERS: tuple[Filter, ...] = _filters()
#: The filters' keyword arguments, in order.
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
#: Each filter's value when it is not given.
FILTER_DEFAULTS = cast(SearchFilters, {f.name: f.default for f in FILTERS})
#: The arguments of a search that are not filters: what to look for, and how many.
SEARCH_WORDS: tuple[str, ...] = ("condition", "intervention", "term", "limit")


def check_filter_names(function: str, filters: Mapping[str, Any]) -> None:
    """Refuse a keyword that is not a filter, as Python refuses any unknown keyword.

    The library calls take the filters as ``**filters``; this keeps a misspelt one from
    being dropped in silence.

    Raises:
        TypeError: naming ``function`` and the first unknown keyword, in Python's words.
    """
    for name in filters:
        if name not in _KNOWN:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}")


_KNOWN = frozenset(FILTER_NAMES)
