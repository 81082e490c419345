"""The records: studies, notes and results as typed values, read from the API's JSON.

Before the package was split into folders, ``trialfinder.models`` was one module holding the
public records (``from trialfinder.models import Study``); those names still import from here,
loaded on first use so that importing the package does not load pydantic. New code takes them
from :mod:`trialfinder` itself; they are the same objects.
"""

from __future__ import annotations

from typing import Any

#: The public names the module ``trialfinder.models`` held, by the submodule that holds each now.
_FORMER = {
    **dict.fromkeys(
        ["Arm", "Contact", "Eligibility", "Intervention", "Location", "Study"], "records"
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
        ],
        "notes",
    ),
    **dict.fromkeys(["Loosening", "SearchPlan", "SearchResult"], "results"),
    "parse_study": "reading",
}


def __getattr__(name: str) -> Any:
    home = _FORMER.get(name)
    # Asking for a submodule by name (`from trialfinder.models import notes`) comes here first,
    # so the submodules are imported only for a former name.
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from trialfinder.models import notes, reading, records, results

    modules = {"records": records, "notes": notes, "results": results, "reading": reading}
    return getattr(modules[home], name)
