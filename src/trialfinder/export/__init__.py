"""Large searches to files: JSON Lines or CSV as pages arrive, and Parquet datasets.

Before the package was split into folders, the docs imported :func:`export_parquet` and
:data:`TABLES` from ``trialfinder.export`` (and it held :class:`ExportManifest`); they still
import from here, loaded on first use so that importing the package stays light (pyarrow is
loaded only by an export). :func:`trialfinder.export_parquet` and
:class:`trialfinder.ExportManifest` are the same objects.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The submodules are imported only when a former name is asked for, so that asking for a
    # submodule by name (`from trialfinder.export import tables`) never comes back here.
    if name == "export_parquet":
        from trialfinder.export.dataset import export_parquet

        return export_parquet
    if name == "ExportManifest":
        from trialfinder.export.manifest import ExportManifest

        return ExportManifest
    if name == "TABLES":
        from trialfinder.export.tables import TABLES

        return TABLES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
