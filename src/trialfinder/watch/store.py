"""SQLite storage of saved searches and of what their last run found.

One file (``watch.db`` in the user data directory), readable by its owner only: the searches
name a person's conditions and treatments. It carries trialfinder's mark in
``PRAGMA application_id`` and its schema version in ``PRAGMA user_version``: a file without the
mark, or from a newer trialfinder, is refused with a clear error and never written to.

Per study only what a comparison and its report need is kept (ID, title, status, last update,
study type, and each
site's facility, city, country and status), never whole records. Every write is one
transaction, so an interrupted run leaves the previous snapshot as it was; each saved search's
snapshot is written on its own.

Only the standard library is imported here, so ``trialfinder watch list`` starts fast.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trialfinder import paths
from trialfinder.errors import InvalidWatch, UnknownWatch, WatchStoreError
from trialfinder.watch.states import RunToSave, SavedSearch, Site, StudyState

#: "TFND": tells our database from any other SQLite file.
APPLICATION_ID = 0x54464E44
SCHEMA_VERSION = 2
#: How to bring an older schema up to date: version → statements.
_UPGRADES = {1: ("ALTER TABLE study ADD COLUMN study_type TEXT",)}

_SCHEMA = """
CREATE TABLE watch (
    name        TEXT PRIMARY KEY,
    search      TEXT NOT NULL,  -- JSON object: the keyword arguments of trialfinder.search()
    created_at  TEXT NOT NULL,
    last_run_at TEXT,           -- NULL until a first run records the baseline
    last_total  INTEGER
);
CREATE TABLE study (
    watch        TEXT NOT NULL REFERENCES watch(name) ON DELETE CASCADE,
    nct_id       TEXT NOT NULL,
    title        TEXT,
    status       TEXT,
    last_updated TEXT,
    study_type   TEXT,
    PRIMARY KEY (watch, nct_id)
);
CREATE TABLE site (
    watch    TEXT NOT NULL,
    nct_id   TEXT NOT NULL,
    position INTEGER NOT NULL,
    facility TEXT,
    city     TEXT,
    country  TEXT,
    status   TEXT,
    PRIMARY KEY (watch, nct_id, position),
    FOREIGN KEY (watch, nct_id) REFERENCES study(watch, nct_id) ON DELETE CASCADE
);
"""


def default_db_path() -> Path:
    """Where saved searches live: ``$TRIALFINDER_DATA_DIR/watch.db``, else ``watch.db`` in the
    platform's data folder (see :func:`trialfinder.paths.watch_db`).

    ``$XDG_DATA_HOME/trialfinder/watch.db``, by default ``~/.local/share/trialfinder/watch.db``
    on Linux.
    """
    return paths.watch_db()


def _store_error(exc: sqlite3.Error, path: Path) -> WatchStoreError:
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text:
        return WatchStoreError(
            f"{path} is not a trialfinder watch database or is damaged ({exc}); it was not "
            f"changed: move it away (mv '{path}' '{path}.bak') to start afresh, "
            "or use another file ({path})."
        )
    if "locked" in text or "busy" in text:
        return WatchStoreError(
            f"{path} is in use by another trialfinder; wait for it to finish and try again."
        )
    if "readonly" in text or "unable to open" in text:
        return WatchStoreError(
            f"cannot open {path} for writing ({exc}): check the folder's permissions, or use "
            "another file ({path}) or set TRIALFINDER_DATA_DIR to a writable folder."
        )
    return WatchStoreError(
        f"the watch database {path} failed: {exc}; try again, or use another file ({{path}})."
    )


class WatchStore:
    """The saved searches in one SQLite file. Opened on first use; close with :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._conn: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close the database, if it was opened."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- opening ----------------------------------------------------------------------------

    def _open(self, create: bool) -> sqlite3.Connection | None:
        """The connection, or None when the file does not exist and ``create`` is False."""
        if self._conn is not None:
            return self._conn
        existed = self.path.exists()
        if not existed:
            if not create:
                return None
        elif self.path.is_dir():
            raise WatchStoreError(
                f"{self.path} is a folder, not a database file: give a file ({{path}})."
            )
        elif not self.path.is_file():
            raise WatchStoreError(
                f"{self.path} is not a regular file; it was not changed: give a file ({{path}})."
            )
        self._make_folder()
        if not existed:
            self._make_private()
        try:
            # isolation_level=None: we open and close every transaction ourselves.
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        try:
            self._check(conn)
            if existed:  # only once it is known to be ours: another program's file is not changed
                self._make_private()
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _make_folder(self) -> None:
        """Make the database's folder if missing, private; tighten it if it is the data folder.

        A folder given otherwise (``TRIALFINDER_DATA_DIR``, the folder of ``path``) that
        exists already is left as the user set it: it may hold other things.
        """
        folder = self.path.parent
        try:
            paths.private_folder(folder, tighten=paths.is_app_folder(folder))
        except paths.WrongKindError as exc:
            raise WatchStoreError(
                f"{exc}, so {self.path} cannot be kept there: use another file ({{path}}) or "
                "set TRIALFINDER_DATA_DIR to a folder."
            ) from None
        except OSError as exc:
            raise WatchStoreError(
                f"cannot create the folder {folder} or make it private ({exc.strerror}): use "
                "another file ({path}) or set TRIALFINDER_DATA_DIR to a writable folder."
            ) from None

    def _make_private(self) -> None:
        """Make the file (created if missing) and SQLite's side files readable by the user only."""
        try:
            paths.private_file(self.path)
        except OSError as exc:
            raise WatchStoreError(
                f"cannot make {self.path} readable by you only ({exc.strerror}): check who owns "
                "it and its folder's permissions, or use another file ({path})."
            ) from None

    def _check(self, conn: sqlite3.Connection) -> None:
        """Refuse a foreign or newer database; give a new, empty file its schema."""
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        if app_id == APPLICATION_ID:
            if version > SCHEMA_VERSION:
                raise WatchStoreError(
                    f"{self.path} was written by a newer trialfinder (schema {version}); "
                    "upgrade trialfinder, or use another file ({path})."
                )
            if version < SCHEMA_VERSION:
                with self._transaction(conn):
                    for step in range(version, SCHEMA_VERSION):
                        for statement in _UPGRADES[step]:
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return
        if app_id != 0 or version != 0 or objects != 0:
            raise WatchStoreError(
                f"{self.path} is an SQLite database of another program; it was not changed: "
                f"move it away (mv '{self.path}' '{self.path}.bak') or use another file ({{path}})."
            )
        with self._transaction(conn):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        """All or nothing: any exception, Ctrl-C included, rolls everything back."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        try:
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _store_error(exc, self.path) from None
            raise

    @contextmanager
    def _reading(self, conn: sqlite3.Connection) -> Iterator[None]:
        """One read transaction: every read inside sees the database at the same moment."""
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        try:
            yield
        finally:
            conn.execute("COMMIT")

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        conn = self._open(create=False)
        if conn is None:
            return []
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None

    # -- saved searches ---------------------------------------------------------------------

    def list(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        rows = self._read(
            "SELECT name, search, created_at, last_run_at, last_total FROM watch ORDER BY name"
        )
        return [self._saved(row) for row in rows]

    def get(self, name: str) -> SavedSearch:
        """One saved search.

        Raises:
            UnknownWatch: no saved search has this name.
        """
        rows = self._read(
            "SELECT name, search, created_at, last_run_at, last_total FROM watch WHERE name = ?",
            (name,),
        )
        if not rows:
            raise UnknownWatch(self._unknown_message(name))
        return self._saved(rows[0])

    def _unknown_message(self, name: str) -> str:
        known = [s.name for s in self.list()]
        hint = f"saved: {', '.join(known[:10])}" if known else "none are saved yet"
        return f"no saved search is named '{name}' ({hint}); see 'trialfinder watch list'."

    def _saved(self, row: tuple[Any, ...]) -> SavedSearch:
        try:
            search = json.loads(row[1])
        except ValueError:
            search = None
        if not isinstance(search, dict):
            raise WatchStoreError(
                f"the saved search '{row[0]}' in {self.path} is damaged: remove it with "
                f"'trialfinder watch remove {row[0]}' and add it again."
            )
        return SavedSearch(row[0], search, row[2], row[3], row[4])

    def add(self, saved: SavedSearch, *, replace: bool = False) -> None:
        """Store a saved search; with ``replace``, an existing one of that name and its snapshot
        are replaced.

        Raises:
            InvalidWatch: the name is taken and ``replace`` is False.
        """
        conn = self._open(create=True)
        assert conn is not None
        with self._transaction(conn):
            exists = conn.execute("SELECT 1 FROM watch WHERE name = ?", (saved.name,)).fetchone()
            if exists and not replace:
                raise InvalidWatch(
                    f"a saved search is already named '{saved.name}': choose another name, "
                    "or replace it ({replace})."
                )
            self._delete(conn, saved.name)
            conn.execute(
                "INSERT INTO watch (name, search, created_at) VALUES (?, ?, ?)",
                (saved.name, json.dumps(saved.search, ensure_ascii=False), saved.created_at),
            )

    def remove(self, name: str) -> None:
        """Delete a saved search and its snapshot.

        Raises:
            UnknownWatch: no saved search has this name.
        """
        self.get(name)
        conn = self._open(create=False)
        assert conn is not None
        with self._transaction(conn):
            self._delete(conn, name)

    @staticmethod
    def _delete(conn: sqlite3.Connection, name: str) -> None:
        conn.execute("DELETE FROM site WHERE watch = ?", (name,))
        conn.execute("DELETE FROM study WHERE watch = ?", (name,))
        conn.execute("DELETE FROM watch WHERE name = ?", (name,))

    # -- snapshots --------------------------------------------------------------------------

    def snapshot(self, name: str) -> builtins.list[StudyState]:
        """The studies found by the last run of a saved search (empty before the first)."""
        sites: dict[str, builtins.list[Site]] = {}
        for nct_id, *values in self._read(
            "SELECT nct_id, facility, city, country, status FROM site WHERE watch = ? "
            "ORDER BY nct_id, position",
            (name,),
        ):
            sites.setdefault(nct_id, []).append(Site(*values))
        return [
            StudyState(nct_id, title, status, updated, tuple(sites.get(nct_id, ())), kind)
            for nct_id, title, status, updated, kind in self._read(
                "SELECT nct_id, title, status, last_updated, study_type FROM study "
                "WHERE watch = ? ORDER BY rowid",
                (name,),
            )
        ]

    def baselines(
        self, names: Sequence[str] | None = None
    ) -> builtins.list[tuple[SavedSearch, builtins.list[StudyState]]]:
        """Saved searches (all when ``names`` is None or empty) with their snapshots, read at
        one moment: what a run compares against, whatever another process does meanwhile.

        Raises:
            UnknownWatch: a name is not saved.
        """
        conn = self._open(create=False)
        if conn is None:  # no database yet: nothing is saved
            return [(self.get(name), []) for name in names or ()]
        with self._reading(conn):
            saved = [self.get(name) for name in names] if names else self.list()
            return [(entry, self.snapshot(entry.name)) for entry in saved]

    def save_runs(self, runs: Sequence[RunToSave]) -> builtins.list[str]:
        """Replace the snapshots of several saved searches, each in its own transaction.

        A search removed (or replaced) by another process while it ran is skipped: nothing
        is stored for it, and the others are stored all the same.

        Returns:
            The names whose snapshots were stored.
        """
        conn = self._open(create=True)
        assert conn is not None
        stored = []
        for run in runs:
            with self._transaction(conn):
                found = conn.execute(
                    "SELECT created_at, search FROM watch WHERE name = ?", (run.name,)
                ).fetchone()
                if found is None or (run.created_at is not None and found[0] != run.created_at):
                    continue
                if run.search is not None and _search_of(found[1]) != run.search:
                    continue
                conn.execute("DELETE FROM site WHERE watch = ?", (run.name,))
                conn.execute("DELETE FROM study WHERE watch = ?", (run.name,))
                for study in run.studies:
                    _insert_study(conn, run.name, study)
                conn.execute(
                    "UPDATE watch SET last_run_at = ?, last_total = ? WHERE name = ?",
                    (run.ran_at, run.total, run.name),
                )
            stored.append(run.name)
        return stored


def _search_of(text: str) -> Any:
    """A stored search's keyword arguments; None when damaged (never equal to a run's)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _insert_study(conn: sqlite3.Connection, watch: str, study: StudyState) -> None:
    """Write one study and its sites (a separate function so tests can interrupt a run)."""
    conn.execute(
        "INSERT INTO study (watch, nct_id, title, status, last_updated, study_type) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (watch, study.nct_id, study.title, study.status, study.last_updated, study.study_type),
    )
    conn.executemany(
        "INSERT INTO site (watch, nct_id, position, facility, city, country, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (watch, study.nct_id, position, s.facility, s.city, s.country, s.status)
            for position, s in enumerate(study.sites)
        ],
    )
