"""trialfinder: find clinical trials on ClinicalTrials.gov by condition and intervention.

>>> from trialfinder import search
>>> result = search(condition="multiple myeloma", intervention=["radiation", "pembrolizumab"])
>>> for study in result.studies:
...     print(study.nct_id, study.status, study.url)

Names are imported on first use, so ``trialfinder --help`` starts without loading the HTTP
and validation libraries.

Exported: the library calls, the records and notes a :class:`SearchResult` holds, every
error, and what a caller passes in (:class:`Client`, :func:`cached_session`,
:data:`LIST_FIELDS`). :class:`SavedSearch` and :class:`StudyState` belong to the saved-search
store, but callers meet them: :meth:`Watchlist.get` returns a :class:`SavedSearch`, and a
:class:`ChangeReport` lists :class:`StudyState` records.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trialfinder._version import __version__

if TYPE_CHECKING:
    from trialfinder.api import count_studies, explain_search, get_study, iter_studies, search
    from trialfinder.errors import (
        ApiConnectionError,
        ApiStatusError,
        ApiTimeout,
        BadRequest,
        CacheError,
        ConfigError,
        ExportDirectoryNotEmpty,
        ExportError,
        InvalidQuery,
        InvalidResponse,
        InvalidStudy,
        InvalidWatch,
        MissingDependency,
        NetworkError,
        RateLimited,
        ServerError,
        StudyNotFound,
        TrialFinderError,
        UnexpectedHtml,
        UnknownWatch,
        WatchError,
        WatchStoreError,
    )
    from trialfinder.export.dataset import export_parquet
    from trialfinder.export.manifest import ExportManifest
    from trialfinder.http.cache import cached_session
    from trialfinder.http.client import Client
    from trialfinder.http.paging import StudyStream
    from trialfinder.models.notes import (
        AgeCheck,
        AgentCheck,
        Combination,
        NearestSite,
        NearestSiteNote,
        SexCheck,
        Staleness,
        StudyNotes,
        UnplacedSite,
    )
    from trialfinder.models.reading import parse_study
    from trialfinder.models.records import Arm, Contact, Eligibility, Intervention, Location, Study
    from trialfinder.models.results import Loosening, SearchPlan, SearchResult
    from trialfinder.query.build import SearchQuery
    from trialfinder.query.expand import Expansion
    from trialfinder.query.pieces import LIST_FIELDS
    from trialfinder.watch.diff import ChangeReport, diff
    from trialfinder.watch.states import SavedSearch, StudyState
    from trialfinder.watch.watchlist import RunReport, Watchlist

_WHERE = {
    "search": "api",
    "iter_studies": "api",
    "get_study": "api",
    "count_studies": "api",
    "explain_search": "api",
    "StudyStream": "http.paging",
    "Client": "http.client",
    "ExportManifest": "export.manifest",
    "export_parquet": "export.dataset",
    "SearchQuery": "query.build",
    "LIST_FIELDS": "query.pieces",
    "cached_session": "http.cache",
    "Expansion": "query.expand",
    "parse_study": "models.reading",
    **dict.fromkeys(["ChangeReport", "diff"], "watch.diff"),
    **dict.fromkeys(["RunReport", "Watchlist"], "watch.watchlist"),
    **dict.fromkeys(["SavedSearch", "StudyState"], "watch.states"),
    **dict.fromkeys(
        ["Arm", "Contact", "Eligibility", "Intervention", "Location", "Study"], "models.records"
    ),
    **dict.fromkeys(
        [
            "AgeCheck",
            "AgentCheck",
            "Combination",
            "NearestSite",
            "NearestSiteNote",
            "SexCheck",
            "Staleness",
            "StudyNotes",
            "UnplacedSite",
        ],
        "models.notes",
    ),
    **dict.fromkeys(["Loosening", "SearchPlan", "SearchResult"], "models.results"),
    **dict.fromkeys(
        [
            "ApiConnectionError",
            "ApiStatusError",
            "ApiTimeout",
            "BadRequest",
            "CacheError",
            "ConfigError",
            "ExportDirectoryNotEmpty",
            "ExportError",
            "InvalidQuery",
            "InvalidResponse",
            "InvalidStudy",
            "InvalidWatch",
            "MissingDependency",
            "NetworkError",
            "RateLimited",
            "ServerError",
            "StudyNotFound",
            "TrialFinderError",
            "UnexpectedHtml",
            "UnknownWatch",
            "WatchError",
            "WatchStoreError",
        ],
        "errors",
    ),
}

# Sorted plainly (tests/test_package.py), not isort-style: constants among the rest.
__all__ = [  # noqa: RUF022
    "AgeCheck",
    "AgentCheck",
    "ApiConnectionError",
    "ApiStatusError",
    "ApiTimeout",
    "Arm",
    "BadRequest",
    "CacheError",
    "ChangeReport",
    "Client",
    "Combination",
    "ConfigError",
    "Contact",
    "Eligibility",
    "Expansion",
    "ExportDirectoryNotEmpty",
    "ExportError",
    "ExportManifest",
    "Intervention",
    "InvalidQuery",
    "InvalidResponse",
    "InvalidStudy",
    "InvalidWatch",
    "LIST_FIELDS",
    "Location",
    "Loosening",
    "MissingDependency",
    "NearestSite",
    "NearestSiteNote",
    "NetworkError",
    "RateLimited",
    "RunReport",
    "SavedSearch",
    "SearchPlan",
    "SearchQuery",
    "SearchResult",
    "ServerError",
    "SexCheck",
    "Staleness",
    "Study",
    "StudyNotFound",
    "StudyNotes",
    "StudyState",
    "StudyStream",
    "TrialFinderError",
    "UnexpectedHtml",
    "UnknownWatch",
    "UnplacedSite",
    "WatchError",
    "WatchStoreError",
    "Watchlist",
    "__version__",
    "cached_session",
    "count_studies",
    "diff",
    "explain_search",
    "export_parquet",
    "get_study",
    "iter_studies",
    "parse_study",
    "search",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'trialfinder' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"trialfinder.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
