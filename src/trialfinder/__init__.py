"""trialfinder: find clinical trials on ClinicalTrials.gov by condition and intervention.

>>> from trialfinder import search
>>> result = search(condition="multiple myeloma", intervention=["radiation", "pembrolizumab"])
>>> for study in result.studies:
...     print(study.nct_id, study.status, study.url)

Names are imported on first use, so ``trialfinder --help`` starts without loading the HTTP
and validation libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trialfinder._version import __version__

if TYPE_CHECKING:
    from trialfinder.api import (
        StudyStream,
        count_studies,
        explain_search,
        get_study,
        iter_studies,
        search,
    )
    from trialfinder.client import Client
    from trialfinder.errors import (
        ApiConnectionError,
        ApiStatusError,
        ApiTimeout,
        BadRequest,
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
    from trialfinder.export import ExportManifest, export_parquet
    from trialfinder.models import (
        Arm,
        Contact,
        Eligibility,
        Intervention,
        Location,
        SearchPlan,
        SearchResult,
        Study,
        parse_study,
    )
    from trialfinder.query import SearchQuery
    from trialfinder.watch import ChangeReport, RunReport, Watchlist, diff
    from trialfinder.watchstore import SavedSearch, StudyState

_WHERE = {
    "search": "api",
    "iter_studies": "api",
    "get_study": "api",
    "count_studies": "api",
    "explain_search": "api",
    "StudyStream": "api",
    "Client": "client",
    "ExportManifest": "export",
    "export_parquet": "export",
    "SearchQuery": "query",
    "parse_study": "models",
    **dict.fromkeys(["ChangeReport", "RunReport", "Watchlist", "diff"], "watch"),
    **dict.fromkeys(["SavedSearch", "StudyState"], "watchstore"),
    **dict.fromkeys(
        [
            "Arm",
            "Contact",
            "Eligibility",
            "Intervention",
            "Location",
            "SearchPlan",
            "SearchResult",
            "Study",
        ],
        "models",
    ),
    **dict.fromkeys(
        [
            "ApiConnectionError",
            "ApiStatusError",
            "ApiTimeout",
            "BadRequest",
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

__all__ = [
    "ApiConnectionError",
    "ApiStatusError",
    "ApiTimeout",
    "Arm",
    "BadRequest",
    "ChangeReport",
    "Client",
    "Contact",
    "Eligibility",
    "ExportDirectoryNotEmpty",
    "ExportError",
    "ExportManifest",
    "Intervention",
    "InvalidQuery",
    "InvalidResponse",
    "InvalidStudy",
    "InvalidWatch",
    "Location",
    "MissingDependency",
    "NetworkError",
    "RateLimited",
    "RunReport",
    "SavedSearch",
    "SearchPlan",
    "SearchQuery",
    "SearchResult",
    "ServerError",
    "Study",
    "StudyNotFound",
    "StudyState",
    "StudyStream",
    "TrialFinderError",
    "UnexpectedHtml",
    "UnknownWatch",
    "WatchError",
    "WatchStoreError",
    "Watchlist",
    "__version__",
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
