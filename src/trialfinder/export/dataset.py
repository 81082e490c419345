"""Export a search to Parquet tables for analysts: studies, sites, arms and interventions.

A dataset folder holds one file per kind of row, keyed by ``nct_id``, and ``manifest.json``
(what was searched, when, the API's data timestamp, row counts, skipped studies, and
``complete``). The columns are :data:`TABLES`; the table per file in ``docs/export.md`` is
generated from it.

The studies come from a :class:`~trialfinder.api.StudyStream`, page by page, and each page
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

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext, suppress
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from trialfinder._version import __version__
from trialfinder.errors import (
    ExportDirectoryNotEmpty,
    ExportError,
    MissingDependency,
    TrialFinderError,
)

if TYPE_CHECKING:
    from trialfinder.api import StudyStream
    from trialfinder.http.client import Client
    from trialfinder.models.records import Study

#: How to get pyarrow, said whenever it is missing.
PARQUET_INSTALL = 'pip install "trialfinder[parquet]"'
MANIFEST = "manifest.json"
#: Ending of a table still being written, or cut short.
INCOMPLETE = ".incomplete"
#: Studies per row group: one API page.
ROW_GROUP_STUDIES = 1000
#: The pieces the tables are made from (``fields=``): each module they read, whole. The
#: results, derived, document and annotation sections, outcomes, references and detailed
#: description feed no column, and are most of the bytes of a whole record.
EXPORT_FIELDS: tuple[str, ...] = (
    "IdentificationModule",
    "StatusModule",
    "SponsorCollaboratorsModule",
    "BriefSummary",
    "ConditionsModule",
    "DesignModule",
    "ArmsInterventionsModule",
    "EligibilityModule",
    "ContactsLocationsModule",
    "HasResults",
)


@dataclass(frozen=True)
class Column:
    """One column of an exported table: its name, Parquet type and meaning."""

    name: str
    type: str
    doc: str


def _date_columns(name: str, what: str) -> list[Column]:
    return [
        Column(name, "string", f"{what}, as registered: `2024`, `2024-05` or `2024-05-17`"),
        Column(
            f"{name}_first_day",
            "date32",
            f"first day of the period `{name}` names (`2024-05` → 2024-05-01)",
        ),
        Column(f"{name}_precision", "string", f"`year`, `month` or `day`: how much `{name}` says"),
    ]


def _age_columns(name: str, what: str) -> list[Column]:
    return [
        Column(name, "string", f"{what}, as registered (`18 Years`, `6 Months`, `28 Days`)"),
        Column(
            f"{name}_years",
            "double",
            f"`{name}` in years (a month is 1/12 year, a week 7 days, a year 365.25 days); "
            "null when there is none",
        ),
    ]


_KEY = Column("nct_id", "string", "the study's NCT ID (`NCT01234567`)")

#: Every table and its columns, in file order. Types are Parquet logical types as pyarrow
#: names them; ``list<string>`` is a list of strings. Text is as typed, without the API's
#: markup escapes.
TABLES: dict[str, list[Column]] = {
    "studies": [
        Column("nct_id", "string", "NCT ID; one row per study, never repeated"),
        Column("url", "string", "the study's page on ClinicalTrials.gov"),
        Column("title", "string", "brief title (the official title when there is no brief one)"),
        Column("official_title", "string", "official title"),
        Column("acronym", "string", "acronym"),
        Column("overall_status", "string", "overall status as registered (`RECRUITING` …)"),
        Column("why_stopped", "string", "why the study stopped, when it did"),
        Column("phases", "list<string>", "phases as registered (`[PHASE1, PHASE2]`, `[NA]`)"),
        Column("study_type", "string", "`INTERVENTIONAL`, `OBSERVATIONAL`, `EXPANDED_ACCESS`"),
        Column("conditions", "list<string>", "conditions as registered"),
        Column("keywords", "list<string>", "keywords"),
        Column("lead_sponsor", "string", "lead sponsor's name"),
        Column("collaborators", "list<string>", "collaborators' names"),
        Column("enrollment", "int64", "enrollment count; null when not given or unknown"),
        Column(
            "enrollment_type",
            "string",
            "`ACTUAL` (participants enrolled) or `ESTIMATED` (the target), as registered",
        ),
        *_date_columns("start_date", "study start"),
        *_date_columns("primary_completion_date", "primary completion"),
        *_date_columns("completion_date", "study completion"),
        *_date_columns("first_posted", "first posted"),
        *_date_columns("last_updated", "last update posted"),
        *_date_columns("status_verified", "status last verified"),
        *_age_columns("minimum_age", "minimum age"),
        *_age_columns("maximum_age", "maximum age"),
        Column("sex", "string", "`ALL`, `FEMALE` or `MALE`"),
        Column("healthy_volunteers", "bool", "accepts healthy volunteers; null when not given"),
        Column("std_ages", "list<string>", "age groups (`CHILD`, `ADULT`, `OLDER_ADULT`)"),
        Column("brief_summary", "string", "brief summary"),
        Column("eligibility_criteria", "string", "eligibility criteria (Markdown-style lists)"),
        Column("has_results", "bool", "results are posted"),
    ],
    "sites": [
        _KEY,
        Column("site_index", "int32", "the site's place in the record, from 0; with `nct_id`, key"),
        Column("facility", "string", "facility name"),
        Column("city", "string", "city"),
        Column("state", "string", "state or region"),
        Column("zip", "string", "ZIP or postal code"),
        Column("country", "string", "country"),
        Column("status", "string", "the site's own recruitment status; often not given"),
        Column("latitude", "double", "latitude of the city (not the building); degrees"),
        Column("longitude", "double", "longitude of the city; degrees"),
    ],
    "arms": [
        _KEY,
        Column("arm_index", "int32", "the arm's place in the record, from 0; with `nct_id`, key"),
        Column("label", "string", "arm group label"),
        Column("type", "string", "`EXPERIMENTAL`, `PLACEBO_COMPARATOR` …"),
        Column("description", "string", "description"),
        Column(
            "intervention_names",
            "list<string>",
            "the arm's interventions as the record names them (`Drug: Nivolumab`)",
        ),
    ],
    "interventions": [
        _KEY,
        Column(
            "intervention_index",
            "int32",
            "the intervention's place in the record, from 0; with `nct_id`, key",
        ),
        Column("type", "string", "`DRUG`, `RADIATION`, `PROCEDURE` …"),
        Column("name", "string", "name"),
        Column("other_names", "list<string>", "other names (brand names, codes)"),
        Column("arm_labels", "list<string>", "labels of the arms that receive it"),
        Column("description", "string", "description"),
    ],
}


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


# -- rows ---------------------------------------------------------------------------------

_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@lru_cache(maxsize=4096)  # dates and ages repeat across studies; a fifth of the row time
def partial_date(text: str | None) -> tuple[date | None, str | None]:
    """A registry date's first day and precision: ``2024-05`` → (2024-05-01, ``month``).

    (None, None) when absent or not a date.
    """
    match = _PARTIAL_DATE.fullmatch(text.strip()) if text else None
    if match is None:
        return None, None
    year, month, day = match.groups()
    try:
        first = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, None
    return first, "day" if day else "month" if month else "year"


def _dates(text: str | None) -> tuple[str | None, date | None, str | None]:
    return (text, *partial_date(text))


def _age(text: str | None) -> tuple[str | None, float | None]:
    return text, _years(text)


@lru_cache(maxsize=1024)
def _years(text: str | None) -> float | None:
    from trialfinder.notes.annotate import age_in_days
    from trialfinder.query.filters import DAYS_PER_UNIT

    days = age_in_days(text)
    return None if days is None else float(days / DAYS_PER_UNIT["years"])


def study_row(s: Study) -> tuple[object, ...]:
    """The ``studies`` row of a study, in the order of ``TABLES["studies"]``."""
    e = s.eligibility
    return (
        s.nct_id,
        s.url,
        s.title,
        s.official_title,
        s.acronym,
        s.status,
        s.why_stopped,
        s.phases,
        s.study_type,
        s.conditions,
        s.keywords,
        s.lead_sponsor,
        s.collaborators,
        s.enrollment,
        s.enrollment_type,
        *_dates(s.start_date),
        *_dates(s.primary_completion_date),
        *_dates(s.completion_date),
        *_dates(s.first_posted),
        *_dates(s.last_updated),
        *_dates(s.status_verified),
        *_age(e.minimum_age),
        *_age(e.maximum_age),
        e.sex,
        e.healthy_volunteers,
        e.std_ages,
        s.brief_summary,
        e.criteria,
        s.has_results,
    )


def site_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``sites`` rows of a study."""
    for index, loc in enumerate(s.locations):
        yield (
            s.nct_id,
            index,
            loc.facility,
            loc.city,
            loc.state,
            loc.zip,
            loc.country,
            loc.status,
            loc.latitude,
            loc.longitude,
        )


def arm_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``arms`` rows of a study."""
    for index, arm in enumerate(s.arms):
        yield (s.nct_id, index, arm.label, arm.type, arm.description, arm.intervention_names)


def intervention_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``interventions`` rows of a study."""
    for index, i in enumerate(s.interventions):
        yield (s.nct_id, index, i.type, i.name, i.other_names, i.arm_labels, i.description)


# -- the manifest -------------------------------------------------------------------------


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
    from trialfinder.api import plan_query
    from trialfinder.export.bulk import expected_count
    from trialfinder.render.formats import searched_lines

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
    status: str | Iterable[str] | None = "open",
    phase: str | Iterable[str] | None = None,
    study_type: str | Iterable[str] | None = None,
    sex: str | None = None,
    age: int | str | None = None,
    healthy_volunteers: bool = False,
    country: str | Iterable[str] | None = None,
    state: str | Iterable[str] | None = None,
    city: str | Iterable[str] | None = None,
    near: str | tuple[float, float] | None = None,
    radius: float | str | None = None,
    sort: str | None = None,
    expand: bool = True,
) -> ExportManifest:
    """Export every matching study to Parquet tables in ``directory``.

    Every module the tables hold is asked for whole (:data:`EXPORT_FIELDS`).

    >>> from trialfinder.export.dataset import export_parquet
    >>> export_parquet("myeloma", condition="multiple myeloma")  # doctest: +SKIP

    Args:
        directory: the dataset folder (created when missing; refused when not empty unless
            ``force``).
        condition, intervention, term: as for :func:`trialfinder.search`.
        limit: the most studies to export; None (the default) for every match.
        force: write into a folder that is not empty, replacing an earlier export there.
        api_url, client: as for :func:`trialfinder.search`.
        status, phase, study_type, sex, age, healthy_volunteers, country, state, city, near,
        radius, sort, expand: the filters, as for :func:`trialfinder.search`.

    Returns:
        The manifest of the complete export.

    Raises:
        InvalidQuery: bad input, found before anything is sent or written.
        MissingDependency: pyarrow is not installed.
        ExportDirectoryNotEmpty, ExportError: the folder cannot be used.
        TrialFinderError: the search failed (the folder is marked incomplete).
    """
    from trialfinder.api import data_timestamp, iter_studies
    from trialfinder.filterspec import filter_arguments

    stream = iter_studies(
        condition,
        intervention,
        term,
        limit,
        fields=EXPORT_FIELDS,
        api_url=api_url,
        client=client,
        **filter_arguments(locals()),
    )
    require_pyarrow()
    prepare_directory(directory, force=force)
    stamp = data_timestamp(api_url=api_url, client=client)
    return write_dataset(stream, directory, force=force, data_timestamp=stamp)
