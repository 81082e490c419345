"""Export a search to Parquet tables for analysts: studies, sites, arms and interventions.

A dataset folder holds one file per kind of row, keyed by ``nct_id``, and ``manifest.json``
(:mod:`~trialfinder.export.manifest`: what was searched, when, the API's data timestamp, row
counts, skipped studies, and ``complete``). The columns and rows are
:mod:`~trialfinder.export.tables`.

The studies come from a :class:`~trialfinder.http.paging.StudyStream`, page by page, and each page
becomes one row group of every table, so memory stays flat however many studies match.
Tables are written under temporary names (``studies.parquet.incomplete``) and moved into
place only when the whole search has been written. When the export stops early (Ctrl-C, a
failure), an earlier complete export in the folder is left as it was; otherwise the folder
keeps what was written under the ``.incomplete`` names, with ``complete: false`` in its
manifest, so no table that looks whole is ever a cut one.

pyarrow is an optional dependency (``pip install "trialfinder[parquet]"``), imported only
when a dataset is written: importing this module needs nothing beyond the standard library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import nullcontext, suppress
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from trialfinder.errors import (
    ExportDirectoryNotEmpty,
    ExportError,
    MissingDependency,
    TrialFinderError,
)
from trialfinder.export.manifest import MANIFEST, ExportManifest, read_manifest
from trialfinder.export.tables import (
    EXPORT_FIELDS,
    TABLES,
    arm_rows,
    intervention_rows,
    site_rows,
    study_row,
)
from trialfinder.filterspec import SearchFilters, Unpack, check_filter_names
from trialfinder.query.build import MAX_PAGE_SIZE

if TYPE_CHECKING:
    from trialfinder.http.client import Client
    from trialfinder.http.paging import StudyStream
    from trialfinder.models.records import Study

#: How to get pyarrow, said whenever it is missing.
PARQUET_INSTALL = 'pip install "trialfinder[parquet]"'
#: Ending of a table still being written, or cut short.
INCOMPLETE = ".incomplete"
#: Studies per row group: one full API page.
ROW_GROUP_STUDIES = MAX_PAGE_SIZE


def require_pyarrow() -> tuple[ModuleType, ModuleType]:
    """pyarrow and pyarrow.parquet.

    Raises:
        MissingDependency: pyarrow is not installed; the message says what to install.
    """
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependency(
            f"Writing Parquet needs pyarrow, which is not installed: {PARQUET_INSTALL}",
            package="pyarrow",
            extra="parquet",
        ) from None
    return pyarrow, pyarrow.parquet


# -- writing ------------------------------------------------------------------------------


def prepare_directory(directory: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Make ``directory`` ready for an export: created when missing, refused when not empty.

    Raises:
        ExportDirectoryNotEmpty: it holds files and ``force`` is False.
        ExportError: it cannot be created or is not a folder.
    """
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path} is a file, not a folder; choose a folder for the dataset.")
    if path.is_dir() and not force:
        entries = sorted(p.name for p in path.iterdir())
        if entries:
            raise ExportDirectoryNotEmpty(path, entries)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Cannot create {path} ({exc.strerror or exc}).") from None
    return path


class _Tables:
    """The four Parquet writers of one export, fed a page of studies at a time."""

    ROWS: ClassVar[dict[str, Callable[[Study], Iterable[tuple[object, ...]]]]] = {
        "studies": lambda s: (study_row(s),),
        "sites": site_rows,
        "arms": arm_rows,
        "interventions": intervention_rows,
    }

    def __init__(self, directory: Path) -> None:
        pa, pq = require_pyarrow()
        self._pa = pa
        self.paths = {name: directory / f"{name}.parquet{INCOMPLETE}" for name in TABLES}
        self.schemas = {name: arrow_schema(name) for name in TABLES}
        self._writers: dict[str, Any] = {}
        self._pending: dict[str, list[tuple[object, ...]]] = {name: [] for name in TABLES}
        try:
            for name in TABLES:
                self._writers[name] = pq.ParquetWriter(str(self.paths[name]), self.schemas[name])
        except OSError as exc:
            self.close()
            raise ExportError(f"Cannot write in {directory} ({exc}).") from None

    def add(self, study: Study) -> None:
        for name, rows in self.ROWS.items():
            self._pending[name].extend(rows(study))

    def flush(self, counts: dict[str, int]) -> None:
        """Write what was added as one row group per table; ``counts`` grows by the rows."""
        for name, rows in self._pending.items():
            if not rows:
                continue
            schema = self.schemas[name]
            columns = list(zip(*rows, strict=True))
            arrays = [
                self._pa.array(values, type=schema.field(i).type)
                for i, values in enumerate(columns)
            ]
            table = self._pa.Table.from_arrays(arrays, schema=schema)
            try:
                self._writers[name].write_table(table)
            except OSError as exc:
                raise ExportError(f"Cannot write {self.paths[name]} ({exc}).") from None
            counts[name] += len(rows)
            rows.clear()

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of one table of :data:`TABLES`."""
    pa, _ = require_pyarrow()
    types = {
        "string": pa.string(),
        "list<string>": pa.list_(pa.string()),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "date32": pa.date32(),
    }
    key_columns = ("nct_id", "site_index", "arm_index", "intervention_index")
    return pa.schema(
        [pa.field(c.name, types[c.type], nullable=c.name not in key_columns) for c in TABLES[table]]
    )


def write_dataset(
    stream: StudyStream,
    directory: str | os.PathLike[str],
    *,
    force: bool = False,
    data_timestamp: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    guard: Callable[[], Any] | None = None,
) -> ExportManifest:
    """Write every study of ``stream`` to Parquet tables in ``directory``.

    Args:
        stream: the search's studies, asked with ``fields=EXPORT_FIELDS`` (or whole records);
            with fewer fields, the columns of fields not asked for stay empty.
        directory: the dataset folder; created when missing.
        force: write into a folder that is not empty, replacing an earlier export there.
        data_timestamp: the API's ``/version`` ``dataTimestamp``, for the manifest.
        progress: called with (studies written, studies expected or None) as pages arrive.
        guard: a context manager factory under which each row group is written (the CLI
            holds Ctrl-C back so that a row group is never cut in the middle).

    Returns:
        The manifest written, with ``complete`` True.

    Raises:
        MissingDependency: pyarrow is not installed (checked before anything is written).
        ExportDirectoryNotEmpty: ``directory`` holds files and ``force`` is False.
        ExportError: the folder cannot be written.
        TrialFinderError: the search failed; the folder says so (see the module docstring).
        KeyboardInterrupt: likewise, after the folder was marked.
    """
    from trialfinder.api.run import plan_query
    from trialfinder.export.bulk import expected_count
    from trialfinder.render.summary import searched_lines

    require_pyarrow()
    path = prepare_directory(directory, force=force)
    plan = plan_query(stream.query)
    manifest = ExportManifest(
        # The words as typed, what they became, and every filter (render.searched_lines).
        searched=searched_lines(plan),
        params=stream.params,
        search_url=plan.search_url,
        api_url=_api_url(stream),
        exported_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        data_timestamp=data_timestamp,
        limit=stream.query.limit,
    )
    earlier_complete = bool((read_manifest(path) or {}).get("complete"))
    tables = _Tables(path)
    manifest.files = {name: p.name for name, p in tables.paths.items()}
    protect = guard or nullcontext
    try:
        written = 0
        for study in stream:
            tables.add(study)
            written += 1
            if written % ROW_GROUP_STUDIES == 0:
                with protect():
                    tables.flush(manifest.rows)
                if progress is not None:
                    progress(written, expected_count(stream))
        with protect():
            tables.flush(manifest.rows)
            tables.close()
        if progress is not None:
            progress(written, expected_count(stream))
    except BaseException as exc:
        _stop(tables, manifest, stream, path, exc, earlier_complete)
        raise
    _fill_counts(manifest, stream)
    manifest.complete = True
    with protect():
        _move_into_place(tables, manifest, path)
    return manifest


def _api_url(stream: StudyStream) -> str:
    client: Client | None = stream.client
    return client.api_url if client is not None else (stream.api_url or "")


def _fill_counts(manifest: ExportManifest, stream: StudyStream) -> None:
    manifest.total_count = stream.total_count
    manifest.skipped = [
        {"study": name, "reason": "the record could not be read (see trialfinder's models)"}
        for name in stream.skipped
    ]


def _stop(
    tables: _Tables,
    manifest: ExportManifest,
    stream: StudyStream,
    path: Path,
    exc: BaseException,
    earlier_complete: bool,
) -> None:
    """Leave the folder honest after an early stop (see the module docstring)."""
    # The rows written so far stay readable; the first failure is the one to report.
    with suppress(Exception):
        tables.close()
    if earlier_complete:
        # The earlier complete export stays as it was; the cut tables go.
        for table_path in tables.paths.values():
            table_path.unlink(missing_ok=True)
        return
    if isinstance(exc, KeyboardInterrupt):
        manifest.stopped = "interrupted (Ctrl-C) before the search was written whole"
    elif isinstance(exc, TrialFinderError):
        manifest.stopped = f"failed before the search was written whole: {exc}"
    else:
        manifest.stopped = f"failed before the search was written whole: {type(exc).__name__}"
    _fill_counts(manifest, stream)
    _write_manifest(manifest, path)


def _write_manifest(manifest: ExportManifest, path: Path) -> None:
    temporary = path / f"{MANIFEST}{INCOMPLETE}"
    temporary.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(temporary, path / MANIFEST)


def _move_into_place(tables: _Tables, manifest: ExportManifest, path: Path) -> None:
    # While the tables move, the manifest says the folder is not complete; the complete
    # manifest comes last, so no reader ever sees complete tables announced too early.
    moving = ExportManifest(
        **{**asdict(manifest), "complete": False, "stopped": "moving the tables into place"}
    )
    _write_manifest(moving, path)
    for name, temporary in tables.paths.items():
        final = path / f"{name}.parquet"
        os.replace(temporary, final)
        manifest.files[name] = final.name
    _write_manifest(manifest, path)


def export_parquet(
    directory: str | os.PathLike[str],
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = None,
    *,
    force: bool = False,
    api_url: str | None = None,
    client: Client | None = None,
    **filters: Unpack[SearchFilters],
) -> ExportManifest:
    """Export every matching study to Parquet tables in ``directory``.

    Every module the tables hold is asked for whole (:data:`EXPORT_FIELDS`).

    >>> from trialfinder import export_parquet
    >>> export_parquet("myeloma", condition="multiple myeloma")  # doctest: +SKIP

    Args:
        directory: the dataset folder (created when missing; refused when not empty unless
            ``force``).
        condition, intervention, term: as for :func:`trialfinder.search`.
        limit: the most studies to export; None (the default) for every match.
        force: write into a folder that is not empty, replacing an earlier export there.
        api_url, client: as for :func:`trialfinder.search`.
        **filters: which studies to keep, as for :func:`trialfinder.search` (see
            :class:`~trialfinder.filterspec.SearchFilters`).

    Returns:
        The manifest of the complete export.

    Raises:
        InvalidQuery: bad input, found before anything is sent or written.
        MissingDependency: pyarrow is not installed.
        ExportDirectoryNotEmpty, ExportError: the folder cannot be used.
        TrialFinderError: the search failed (the folder is marked incomplete).
        TypeError: a keyword that is neither an argument nor a filter.
    """
    from trialfinder.api import data_timestamp, iter_studies

    check_filter_names("export_parquet", filters)

    stream = iter_studies(
        condition,
        intervention,
        term,
        limit,
        fields=EXPORT_FIELDS,
        api_url=api_url,
        client=client,
        **filters,
    )
    require_pyarrow()
    prepare_directory(directory, force=force)
    stamp = data_timestamp(api_url=api_url, client=client)
    return write_dataset(stream, directory, force=force, data_timestamp=stamp)
