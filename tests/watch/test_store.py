"""Tests for trialfinder.watch.store: the SQLite file, its schema, its privacy, safe writes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import modes
from replay_server import ReplayServer, Reply
from trialfinder.errors import WatchStoreError
from trialfinder.http.client import Client
from trialfinder.watch.states import SavedSearch, StudyState
from trialfinder.watch.store import APPLICATION_ID, SCHEMA_VERSION, WatchStore, default_db_path
from trialfinder.watch.watchlist import Watchlist
from watch.conftest import AFTER, BEFORE, MYELOMA, states, stored


def test_database_is_versioned_and_keeps_only_what_the_diff_needs(db: Path) -> None:
    """It marks the file as trialfinder's, versions the schema, and stores no whole records."""
    Watchlist(db).add("myeloma", **MYELOMA)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    columns = {
        table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        for table in ("study", "site")
    }
    conn.close()
    assert columns == {
        "study": ["watch", "nct_id", "title", "status", "last_updated", "study_type"],
        "site": ["watch", "nct_id", "position", "facility", "city", "country", "status"],
    }


def test_a_schema_1_database_is_upgraded_and_keeps_its_snapshots(db: Path) -> None:
    """It adds the study type to a database of the previous version, keeping what it held."""
    from trialfinder.watch.states import RunToSave
    from trialfinder.watch.store import WatchStore

    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
    store = WatchStore(db)
    store.save_runs([RunToSave("myeloma", "2026-01-01T00:00:00Z", 4, states(BEFORE))])
    store.close()
    conn = sqlite3.connect(db)  # as trialfinder with schema 1 left it
    conn.execute("ALTER TABLE study DROP COLUMN study_type")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Watchlist(db) as watchlist:
        kept = watchlist.snapshot("myeloma")
    assert kept == [replace(s, study_type=None) for s in states(BEFORE)]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()


def test_default_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """It uses TRIALFINDER_DATA_DIR, else an absolute XDG_DATA_HOME, else ~/.local/share."""
    monkeypatch.delenv("TRIALFINDER_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", "/home/ada")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_db_path() == Path("/home/ada/.local/share/trialfinder/watch.db")
    monkeypatch.setenv("XDG_DATA_HOME", "/data")
    assert default_db_path() == Path("/data/trialfinder/watch.db")
    monkeypatch.setenv("TRIALFINDER_DATA_DIR", "/tmp/tf")
    assert default_db_path() == Path("/tmp/tf/watch.db")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_store_is_private_to_the_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, umask: int
) -> None:
    """It creates the data folder 0700 and the database and SQLite's side files 0600, whatever
    the umask: saved searches name a person's conditions and treatments."""
    data = tmp_path / "share" / "trialfinder"
    monkeypatch.setenv("TRIALFINDER_DATA_DIR", str(data))
    store = WatchStore(default_db_path())
    store.add(SavedSearch("myeloma", MYELOMA))
    conn = store._conn
    assert conn is not None
    conn.execute("PRAGMA journal_mode = PERSIST")  # keeps the rollback journal to be seen
    store.add(SavedSearch("again", MYELOMA))
    assert modes(data) == {".": 0o700, "watch.db": 0o600, "watch.db-journal": 0o600}
    conn.execute("PRAGMA journal_mode = WAL")
    store.add(SavedSearch("wal", MYELOMA))
    assert modes(data) == {
        ".": 0o700,
        "watch.db": 0o600,
        "watch.db-wal": 0o600,
        "watch.db-shm": 0o600,
    }
    assert stat.S_IMODE((tmp_path / "share").stat().st_mode) == 0o700
    store.close()
    assert [s.name for s in Watchlist().list()] == ["again", "myeloma", "wal"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_existing_store_is_made_private_on_first_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It tightens a data folder left 0755 and files left 0644 when it first reads them; the
    folder of a file given with --db is the user's own and is left as it is."""
    data = tmp_path / "trialfinder"
    monkeypatch.setenv("TRIALFINDER_DATA_DIR", str(data))
    Watchlist().add("myeloma", **MYELOMA)
    journal = data / "watch.db-journal"
    journal.write_bytes(b"")
    for path, loose in ((data, 0o755), (data / "watch.db", 0o644), (journal, 0o644)):
        path.chmod(loose)
    assert [s.name for s in Watchlist().list()] == ["myeloma"]
    assert modes(data) == {".": 0o700, "watch.db": 0o600, "watch.db-journal": 0o600}
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    shutil.copy(data / "watch.db", elsewhere / "watch.db")
    (elsewhere / "watch.db").chmod(0o644)
    assert [s.name for s in Watchlist(elsewhere / "watch.db").list()] == ["myeloma"]
    assert modes(elsewhere) == {".": 0o755, "watch.db": 0o600}


NOT_SQLITE = b"name,status\nmyeloma,recruiting\n" * 40


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


def _newer_trialfinder(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(NOT_SQLITE), r"not a trialfinder watch database.*mv"),
        (_foreign_sqlite, r"another program.*mv"),
        (_newer_trialfinder, r"newer trialfinder.*upgrade"),
    ],
)
def test_a_corrupt_or_foreign_database_is_refused_untouched(
    db: Path, make: object, message: str, client: Client
) -> None:
    """It refuses to read or write a file that is not its own, and leaves it byte for byte."""
    make(db)  # type: ignore[operator]
    original = db.read_bytes()
    for action in (
        lambda w: w.list(),
        lambda w: w.get("myeloma"),
        lambda w: w.add("myeloma", **MYELOMA),
        lambda w: w.run(client=client),
    ):
        with Watchlist(db) as watchlist, pytest.raises(WatchStoreError, match=message):
            action(watchlist)
    assert db.read_bytes() == original
    assert sorted(p.name for p in db.parent.iterdir()) == ["watch.db"]


def test_an_interrupted_write_leaves_the_previous_snapshot(
    db: Path, server: ReplayServer, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It writes a run's snapshot in one transaction: a failure midway keeps the old one."""
    import trialfinder.watch.store as watchstore

    server.add("/studies", Reply.fixture(BEFORE), Reply.fixture(BEFORE), Reply.fixture(AFTER))
    real_insert = watchstore._insert_study
    written: list[str] = []

    def insert_then_fail(conn: sqlite3.Connection, watch: str, study: StudyState) -> None:
        if written:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write
        written.append(study.nct_id)
        real_insert(conn, watch, study)

    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        monkeypatch.setattr(watchstore, "_insert_study", insert_then_fail)
        with pytest.raises(KeyboardInterrupt):
            watchlist.run(client=client)  # the first run: no half baseline either
        assert watchlist.get("myeloma").last_run_at is None
        assert watchlist.snapshot("myeloma") == []
        monkeypatch.setattr(watchstore, "_insert_study", real_insert)
        watchlist.run(client=client)
        kept = stored(db)
        written.clear()
        monkeypatch.setattr(watchstore, "_insert_study", insert_then_fail)
        with pytest.raises(KeyboardInterrupt):
            watchlist.run(client=client)
        assert written == ["NCT05100002"]  # one study of the new snapshot was written…
        assert stored(db)[:2] == kept[:2]  # …and rolled back
        assert watchlist.snapshot("myeloma") == states(BEFORE)


def test_a_search_replaced_mid_run_is_not_overwritten(db: Path) -> None:
    """It does not write a run's results over a search of the same name made meanwhile."""
    from trialfinder.watch.states import RunToSave
    from trialfinder.watch.store import WatchStore

    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("myeloma", replace=True, condition="myeloma", intervention="radiation")
    store = WatchStore(db)
    try:
        run = RunToSave("myeloma", "2026-01-01T00:00:00Z", 4, states(BEFORE), "stale-time")
        assert store.save_runs([run]) == []
        assert store.snapshot("myeloma") == []
        fresh = replace(run, created_at=store.get("myeloma").created_at)
        assert store.save_runs([fresh]) == ["myeloma"]
        assert store.snapshot("myeloma") == states(BEFORE)
    finally:
        store.close()
