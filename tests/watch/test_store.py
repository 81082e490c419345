"""Tests for trialfinder.watch.store: the SQLite file, its schema, its privacy, safe writes."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
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
    """It tightens its own data folder left 0755 and files left 0644 when it first reads them."""
    monkeypatch.delenv("TRIALFINDER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    data = tmp_path / "trialfinder"
    Watchlist().add("myeloma", **MYELOMA)
    journal = data / "watch.db-journal"
    journal.write_bytes(b"")
    for path, loose in ((data, 0o755), (data / "watch.db", 0o644), (journal, 0o644)):
        path.chmod(loose)
    assert [s.name for s in Watchlist().list()] == ["myeloma"]
    assert modes(data) == {".": 0o700, "watch.db": 0o600, "watch.db-journal": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("named_by", ["TRIALFINDER_DATA_DIR", "path"])
def test_a_folder_the_user_named_keeps_its_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, named_by: str
) -> None:
    """It leaves an existing folder named by TRIALFINDER_DATA_DIR or by the database's path as
    the user set it, special bits included (a shared folder stays shared): only its own file
    in it is made 0600. A folder it has to create is private."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o3775)  # sticky and set-group-ID, as a folder shared by a group is
    (shared / "theirs.txt").write_bytes(b"x")
    (shared / "theirs.txt").chmod(0o664)
    monkeypatch.setenv("TRIALFINDER_DATA_DIR", str(shared))
    db = shared / "watch.db"
    Watchlist(db if named_by == "path" else None).add("myeloma", **MYELOMA)
    assert modes(shared) == {".": 0o3775, "theirs.txt": 0o664, "watch.db": 0o600}
    db.chmod(0o644)  # as an earlier version left it
    assert [s.name for s in Watchlist(db).list()] == ["myeloma"]
    assert modes(shared) == {".": 0o3775, "theirs.txt": 0o664, "watch.db": 0o600}
    made = shared / "new" / "deeper"
    monkeypatch.setenv("TRIALFINDER_DATA_DIR", str(made))
    Watchlist(made / "watch.db" if named_by == "path" else None).add("myeloma", **MYELOMA)
    # Linux gives a new folder the set-group-ID bit of its parent; it stays.
    inherited = 0o2000 if sys.platform.startswith("linux") else 0
    assert stat.S_IMODE(made.parent.stat().st_mode) == inherited | 0o700
    assert modes(made) == {".": inherited | 0o700, "watch.db": 0o600}
    assert stat.S_IMODE(shared.stat().st_mode) == 0o3775


@pytest.mark.parametrize("named_by", ["TRIALFINDER_DATA_DIR", "path"])
def test_a_file_given_as_the_folder_is_refused_and_left_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, named_by: str
) -> None:
    """It says a file given where a folder belongs is not a folder, and changes nothing."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"mine")
    notes.chmod(0o644)
    for folder in (notes, notes / "sub"):
        monkeypatch.setenv("TRIALFINDER_DATA_DIR", str(folder))
        watchlist = Watchlist(folder / "watch.db" if named_by == "path" else None)
        with pytest.raises(WatchStoreError) as caught:
            watchlist.add("myeloma", **MYELOMA)
        assert str(caught.value) == (
            f"{notes} is not a folder, so {folder / 'watch.db'} cannot be kept there: use "
            "another file (path=) or set TRIALFINDER_DATA_DIR to a folder."
        )
        assert (stat.S_IMODE(notes.stat().st_mode), notes.read_bytes()) == (0o644, b"mine")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_database_path_that_is_not_a_regular_file_is_refused_untouched(tmp_path: Path) -> None:
    """It refuses a pipe (or a device) given as the database, and leaves its mode alone."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe, 0o644)
    pipe.chmod(0o644)
    with Watchlist(pipe) as watchlist, pytest.raises(WatchStoreError) as caught:
        watchlist.add("myeloma", **MYELOMA)
    assert str(caught.value) == (
        f"{pipe} is not a regular file; it was not changed: give a file (path=)."
    )
    assert stat.S_IMODE(pipe.stat().st_mode) == 0o644


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
    """It refuses to read or write a file that is not its own, and leaves it byte for byte and
    its mode as it was."""
    make(db)  # type: ignore[operator]
    db.chmod(0o644)
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
    assert stat.S_IMODE(db.stat().st_mode) == 0o644  # not even made private: not ours


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
