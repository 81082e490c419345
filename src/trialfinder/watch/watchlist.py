"""Saved searches, and what changed in their results since the last run.

>>> from trialfinder import Watchlist
>>> with Watchlist() as watchlist:
...     watchlist.add("myeloma", condition="multiple myeloma", intervention="pembrolizumab")
...     for report in watchlist.run():
...         print(report.name, report.changed, report.changes.to_dict())

:class:`Watchlist` keeps saved searches in SQLite (see :mod:`trialfinder.watch.store`), runs
them, and reports what changed (:func:`trialfinder.watch.diff.diff`).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trialfinder.errors import InvalidWatch
from trialfinder.filterspec import Unpack
from trialfinder.watch.arguments import SearchArguments, check_saved, check_search
from trialfinder.watch.diff import ChangeReport, StatusNow, diff, near_of, state_of
from trialfinder.watch.states import RunToSave, SavedSearch, StudyState
from trialfinder.watch.store import WatchStore, default_db_path

if TYPE_CHECKING:
    from trialfinder.http.client import Client

MAX_NAME_LENGTH = 40
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_name(name: object) -> str:
    """Validate the name of a saved search and return it.

    Raises:
        InvalidWatch: empty, too long, or with characters other than letters, digits, ``.``,
            ``_`` and ``-`` (names are typed in shells and shown in reports).
    """
    rule = (
        f"use 1 to {MAX_NAME_LENGTH} letters, digits, '.', '_' or '-', starting with a letter "
        "or digit, for example myeloma-pembro"
    )
    if not isinstance(name, str) or not name.strip():
        raise InvalidWatch(f"The saved search needs a name: {rule}.")
    if len(name) > MAX_NAME_LENGTH or not _NAME_RE.fullmatch(name):
        shown = "".join(ch if ch.isprintable() else "?" for ch in name[:MAX_NAME_LENGTH])
        raise InvalidWatch(f"'{shown}' cannot name a saved search: {rule}.")
    return name


@dataclass(frozen=True)
class RunReport:
    """The outcome of running one saved search.

    Attributes:
        name: the saved search.
        search: its keyword arguments for :func:`trialfinder.search`.
        ran_at: when this run happened (UTC, ISO 8601).
        previous_run_at: when the run compared against happened; None on the first run.
        baseline: True on the first run, which only records what was found.
        study_count: studies found now.
        total_count: studies matching in all, as the API counted them.
        truncated: the search's limit cut the list, so a study may leave or enter the
            results only because its rank changed.
        changes: what changed since the previous run (empty for a baseline).
        stored: False when the saved search was removed (or replaced) while it ran: this
            run's results were then not stored, and the other searches' were.
    """

    name: str
    search: dict[str, Any]
    ran_at: str
    previous_run_at: str | None
    baseline: bool
    study_count: int
    total_count: int | None
    truncated: bool
    changes: ChangeReport = field(default_factory=ChangeReport)
    stored: bool = True

    @property
    def changed(self) -> bool:
        """True when something changed since the previous run (never for a baseline)."""
        return not self.baseline and self.changes.changed

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data = {k: v for k, v in asdict(self).items() if k != "changes"}
        return {**data, "changed": self.changed, "changes": self.changes.to_dict()}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


#: NCT IDs asked for in one ``filter.ids`` request (keeps the URL short).
IDS_PER_REQUEST = 100


def statuses_now(nct_ids: Sequence[str], client: Client) -> dict[str, StatusNow]:
    """The current overall status of each study, with one ``filter.ids`` request per 100.

    Never raises for API trouble: a study whose status could not be looked up comes back
    with ``checked=False``, so a saved search's run does not fail for a courtesy lookup.
    """
    from trialfinder.errors import TrialFinderError

    found: dict[str, StatusNow] = {}
    ids = list(dict.fromkeys(nct_ids))
    for start in range(0, len(ids), IDS_PER_REQUEST):
        chunk = ids[start : start + IDS_PER_REQUEST]
        params = {
            "filter.ids": ",".join(chunk),
            "fields": "NCTId,OverallStatus",
            "pageSize": str(len(chunk)),
        }
        try:
            document = client.get_json("/studies", params)
        except TrialFinderError:
            continue
        studies = document.get("studies") if isinstance(document, dict) else None
        for raw in studies if isinstance(studies, list) else []:
            module = raw.get("protocolSection") if isinstance(raw, dict) else None
            nct_id = _dig_text(module, "identificationModule", "nctId")
            status = _dig_text(module, "statusModule", "overallStatus")
            if nct_id in chunk and status is not None:
                found[nct_id] = StatusNow(nct_id, True, status)
    return {i: found.get(i, StatusNow(i, False)) for i in ids}


def _dig_text(node: object, *path: str) -> str | None:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, str) and node.strip() else None


class Watchlist:
    """Saved searches kept in one SQLite file, and runs that report what changed.

    Args:
        path: the database file; default ``$TRIALFINDER_DATA_DIR/watch.db`` or
            ``$XDG_DATA_HOME/trialfinder/watch.db`` (``~/.local/share/trialfinder/watch.db``
            on Linux; other systems: :mod:`trialfinder.paths`).

    Raises (from every method):
        WatchStoreError: the file is damaged, another program's, newer, locked or not writable.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._store = WatchStore(default_db_path() if path is None else path)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._store.path

    def __enter__(self) -> Watchlist:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self._store.close()

    def add(
        self, name: str, *, replace: bool = False, **search: Unpack[SearchArguments]
    ) -> SavedSearch:
        """Save a search under a name.

        Args:
            name: 1 to 40 letters, digits, ``.``, ``_`` or ``-``.
            replace: overwrite a saved search of that name (its snapshot is dropped).
            **search: keyword arguments of :func:`trialfinder.search` (``condition``,
                ``intervention``, ``term``, ``limit`` and the filters:
                :class:`~trialfinder.watch.arguments.SearchArguments`). Several values are
                stored as a list: any iterable is read once.

        Raises:
            InvalidWatch: bad name, the name is taken and ``replace`` is False, or an
                option that is not a search's.
            InvalidQuery: the search is unusable, or a value's type cannot be stored.
        """
        saved = SavedSearch(check_name(name), check_search(search), _now())
        self._store.add(saved, replace=replace)
        return saved

    def list(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return self._store.list()

    def get(self, name: str) -> SavedSearch:
        """One saved search. Raises :class:`~trialfinder.errors.UnknownWatch`."""
        return self._store.get(name)

    def remove(self, name: str) -> None:
        """Forget a saved search and its snapshot. Raises ``UnknownWatch``."""
        self._store.remove(name)

    def snapshot(self, name: str) -> builtins.list[StudyState]:
        """What the last run of a saved search found."""
        self._store.get(name)
        return self._store.snapshot(name)

    def run(
        self,
        names: Sequence[str] | None = None,
        *,
        client: Client | None = None,
        api_url: str | None = None,
    ) -> builtins.list[RunReport]:
        """Run saved searches and report what changed since each one's last run.

        Every search is fetched before anything is stored: if a fetch fails, nothing stored
        changes. Each search's results are then written in their own transaction, so a
        search removed meanwhile (``stored`` False in its report) costs the others nothing.
        Changes are always against the snapshots as they were when the run began, so such a
        search still reports what changed since its last run, beside "nothing stored".
        The studies that left the results get their status now, looked up together with
        ``filter.ids`` (``changes.gone_now``).

        Args:
            names: the saved searches to run; None or empty for all of them.
            client: a :class:`~trialfinder.http.client.Client` to reuse.
            api_url: API base URL when no client is given.

        Raises:
            UnknownWatch: a name is not saved (checked before anything is fetched).
            InvalidWatch: a saved search holds an option this version does not know, or a
                value it cannot use (every search is checked before anything is fetched).
            TrialFinderError: a subclass for network, API and response failures.
        """
        wanted = list(dict.fromkeys(names)) if names else None
        # Read before anything is fetched: removing or replacing a search while it runs must
        # not change what its run compares against.
        saved = self._store.baselines(wanted)
        if not saved:
            return []
        from contextlib import nullcontext

        from trialfinder.api import search as run_search
        from trialfinder.http.client import Client

        for entry, _ in saved:
            check_saved(entry)
        fetched = []
        now: dict[str, StatusNow] = {}
        with nullcontext(client) if client is not None else Client(api_url) as active:
            for entry, before in saved:
                result = run_search(**entry.search, client=active, explain_empty=False)
                fetched.append((entry, before, result))
            reports, runs = [], []
            for entry, before, result in fetched:
                near = near_of(result.params)
                after = [state_of(s, near) for s in result.studies]
                baseline = entry.last_run_at is None
                ran_at = _now()
                reports.append(
                    RunReport(
                        name=entry.name,
                        search=entry.search,
                        ran_at=ran_at,
                        previous_run_at=entry.last_run_at,
                        baseline=baseline,
                        study_count=len(after),
                        total_count=result.total_count,
                        truncated=result.truncated,
                        changes=ChangeReport() if baseline else diff(before, after),
                    )
                )
                runs.append(
                    RunToSave(
                        entry.name,
                        ran_at,
                        result.total_count,
                        after,
                        entry.created_at,
                        entry.search,
                    )
                )
            # Studies that left the results: one lookup of their status now, for all searches.
            gone = [s.nct_id for r in reports for s in r.changes.gone]
            if gone:
                now = statuses_now(gone, active)
        stored = set(self._store.save_runs(runs))
        return [
            replace(
                report,
                changes=replace(
                    report.changes, gone_now=tuple(now[s.nct_id] for s in report.changes.gone)
                ),
                stored=report.name in stored,
            )
            for report in reports
        ]
