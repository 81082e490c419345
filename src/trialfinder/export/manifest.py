"""What a dataset folder's ``manifest.json`` says: the search, the counts, whether it is whole."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trialfinder._version import __version__
from trialfinder.export.tables import TABLES

MANIFEST = "manifest.json"


@dataclass
class ExportManifest:
    """What ``manifest.json`` says about a dataset folder.

    Attributes:
        complete: True only once every table of the whole search is in place.
        stopped: why the export stopped early, when it did.
        searched: what was searched, in words (expansions, filters, place).
        params: the API parameters of the search's first page.
        search_url: the same search on the ClinicalTrials.gov website.
        api_url: the API the studies came from.
        exported_at: when the export started (UTC, ISO 8601).
        data_timestamp: when ClinicalTrials.gov last refreshed its data (``/version``), or
            None when the API could not say.
        trialfinder_version: the version that wrote the folder.
        total_count: how many studies the API counted for the search.
        limit: the most studies asked for (None: all).
        rows: table name → rows written.
        files: table name → file name in the folder (``….parquet.incomplete`` while not
            complete).
        skipped: studies that could not be read, each with why.
    """

    complete: bool = False
    stopped: str | None = None
    searched: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    search_url: str = ""
    api_url: str = ""
    exported_at: str = ""
    data_timestamp: str | None = None
    trialfinder_version: str = __version__
    total_count: int | None = None
    limit: int | None = None
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    files: dict[str, str] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        """The manifest as pretty JSON text."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``manifest.json`` of a dataset folder as a dict, or None when it has none."""
    try:
        text = (Path(directory) / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
