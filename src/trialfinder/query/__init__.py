"""What people type, checked and made into a search: filters, expansions, places.

Before the package was split into folders, the docs gave ``trialfinder.query.LIST_FIELDS``
(and the query module held :class:`SearchQuery`); both still import from here, loaded on first
use so that importing the package stays light. New code takes them from :mod:`trialfinder`.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The submodules are imported only when a former name is asked for: `trialfinder --help`
    # loads this package, and asking for a submodule by name must not come back here.
    if name == "LIST_FIELDS":
        from trialfinder.query.pieces import LIST_FIELDS

        return LIST_FIELDS
    if name == "SearchQuery":
        from trialfinder.query.build import SearchQuery

        return SearchQuery
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
