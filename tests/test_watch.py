"""Saved searches in the library: the pure diff, the SQLite store, runs against a local server."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SHARED_CTGOV, load_json, modes
from replay_server import ReplayServer, Reply
from trialfinder import diff
from trialfinder.errors import (
    ApiConnectionError,
    BadRequest,
    InvalidQuery,
    InvalidWatch,
    UnknownWatch,
    WatchStoreError,
)
from trialfinder.http.client import Client
from trialfinder.models.reading import parse_study
from trialfinder.watch.diff import (
    ChangeReport,
    DateChange,
    SiteChange,
    StatusChange,
    StatusNow,
    state_of,
)
from trialfinder.watch.states import SavedSearch, Site, StudyState
from trialfinder.watch.store import APPLICATION_ID, SCHEMA_VERSION, WatchStore, default_db_path
from trialfinder.watch.watchlist import Watchlist

BEFORE = "watch_myeloma_before_4studies.json"
AFTER = "watch_myeloma_after_1new_1gone_status_sites_dates_changed.json"
MYELOMA = {"condition": "multiple myeloma", "intervention": "pembrolizumab"}
NYR, REC = "NOT_YET_RECRUITING", "RECRUITING"
#: The registry's answer to ``filter.ids=NCT05100003``: the study that left AFTER, now closed.
NOW = "watch_status_now_NCT05100003_completed.json"
GONE_NOW = (StatusNow("NCT05100003", True, "COMPLETED"),)


def serve_status_now(server: ReplayServer, *replies: Reply) -> None:
    """Answer the lookup of gone studies (added first: routes are matched in order)."""
    server.add(
        "/studies", *(replies or (Reply.fixture(NOW),)), params={"filter.ids": "NCT05100003"}
    )


def without_lookup(changes: ChangeReport) -> ChangeReport:
    """A run's changes as :func:`diff` alone gives them (no status looked up)."""
    return replace(changes, gone_now=())


def states(fixture: str) -> list[StudyState]:
    """The studies of a fixture page, as a comparison sees them."""
    return [state_of(parse_study(raw)) for raw in load_json(fixture)["studies"]]


def by_id(fixture: str) -> dict[str, StudyState]:
    return {s.nct_id: s for s in states(fixture)}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "watch.db"


@pytest.fixture
def client(server: ReplayServer, no_pacing: None) -> Iterator[Client]:
    with Client(server.url, max_attempts=1) as active:
        yield active


def stored(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], bytes]:
    """Everything in the database, to prove that a failed run changed nothing."""
    conn = sqlite3.connect(db)
    try:
        watches = conn.execute("SELECT * FROM watch ORDER BY name").fetchall()
        rows = conn.execute("SELECT * FROM study ORDER BY watch, nct_id").fetchall()
        rows += conn.execute("SELECT * FROM site ORDER BY watch, nct_id, position").fetchall()
    finally:
        conn.close()
    return watches, rows, db.read_bytes()


# -- diff -------------------------------------------------------------------------------------


def test_diff_of_fixture_pair_lists_exactly_the_changes_made() -> None:
    """It reports the new study, the one gone, the status, site and date changes, nothing else."""
    title1 = "Pembrolizumab Plus Radiation for Relapsed Multiple Myeloma"
    title2 = "Pembrolizumab Maintenance After Autologous Transplant in Myeloma"
    report = diff(states(BEFORE), states(AFTER))
    assert [s.nct_id for s in report.new] == ["NCT05100005"]
    assert [s.nct_id for s in report.gone] == ["NCT05100003"]
    assert report.status_changes == (StatusChange("NCT05100001", title1, NYR, REC),)
    assert report.site_changes == (
        SiteChange(
            "NCT05100002", title2, "added", "University of Chicago Medical Center", "Chicago",
            "United States", None, REC,
        ),
        SiteChange(
            "NCT05100001", title1, "status", "Mayo Clinic", "Rochester", "United States", NYR, REC
        ),
    )  # fmt: skip
    assert report.date_changes == (
        DateChange("NCT05100002", title2, "2024-02-01", "2024-04-05"),
        DateChange("NCT05100001", title1, "2024-01-10", "2024-04-02"),
    )
    assert report.count == 7 and report.changed


def test_diff_ignores_fields_it_does_not_watch() -> None:
    """It reports nothing for a study whose contacts and summary changed but nothing watched."""
    before, after = by_id(BEFORE)["NCT05100004"], by_id(AFTER)["NCT05100004"]
    raw_before = load_json(BEFORE)["studies"][3]
    raw_after = load_json(AFTER)["studies"][3]
    assert raw_before != raw_after  # the records really differ
    assert diff([before], [after]) == ChangeReport()
    assert not diff(states(AFTER), states(AFTER)).changed


def _one(**changes: object) -> tuple[list[StudyState], list[StudyState]]:
    base = by_id(BEFORE)["NCT05100001"]
    return [base], [replace(base, **changes)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before_after", "field", "expected"),
    [
        (_one(status="RECRUITING"), "status_changes", ("NOT_YET_RECRUITING", "RECRUITING")),
        (_one(last_updated="2024-05-01"), "date_changes", ("2024-01-10", "2024-05-01")),
        (_one(last_updated=None), "date_changes", ("2024-01-10", None)),
        (
            _one(sites=(*by_id(BEFORE)["NCT05100001"].sites, Site("Clinic", "Lyon", "FR", REC))),
            "site_changes",
            (None, "RECRUITING"),
        ),
    ],
)
def test_diff_reports_each_kind_of_change_alone(
    before_after: tuple[list[StudyState], list[StudyState]],
    field: str,
    expected: tuple[str | None, str | None],
) -> None:
    """It puts one change in its own list and leaves every other list empty."""
    report = diff(*before_after)
    changes = getattr(report, field)
    assert len(changes) == 1
    assert (changes[0].before, changes[0].after) == expected
    assert report.count == 1


def test_diff_reports_a_removed_site() -> None:
    """It names a site that left the study, with the status it had."""
    before, after = _one(sites=(by_id(BEFORE)["NCT05100001"].sites[0],))
    (change,) = diff(before, after).site_changes
    assert (change.kind, change.facility, change.before, change.after) == (
        "removed",
        "M D Anderson Cancer Center",
        "NOT_YET_RECRUITING",
        None,
    )


def test_diff_tells_apart_sites_with_the_same_name() -> None:
    """It keeps repeated site names apart, so a status change of the second one is seen."""
    same = Site("Research Site", "Lyon", "France", REC)
    before = [StudyState("NCT05100009", sites=(same, same))]
    after = [StudyState("NCT05100009", sites=(same, replace(same, status="COMPLETED")))]
    (change,) = diff(before, after).site_changes
    assert (change.kind, change.before, change.after) == ("status", REC, "COMPLETED")


def test_diff_reports_new_and_gone_studies_whole() -> None:
    """It lists every study as new against nothing, and as gone when the results are empty."""
    assert [s.nct_id for s in diff([], states(BEFORE)).new] == [s.nct_id for s in states(BEFORE)]
    gone = diff(states(BEFORE), []).gone
    assert len(gone) == 4 and gone[0].url == "https://clinicaltrials.gov/study/NCT05100001"


REAL_PAIRS = [
    (
        "aact_study_NCT00763412_cf_diabetes_v20231128.json",
        "aact_study_NCT00763412_cf_diabetes_results.json",
    ),
    (
        "aact_study_NCT02552212_certolizumab_axspa_results_v20231212.json",
        "aact_study_NCT02552212_certolizumab_axspa_results_v20240103.json",
    ),
]


@pytest.mark.skipif(not SHARED_CTGOV.is_dir(), reason="shared recorded responses are absent")
@pytest.mark.parametrize(("older", "newer"), REAL_PAIRS)
def test_diff_of_two_real_captures_of_one_study(older: str, newer: str, tmp_path: Path) -> None:
    """It finds no change between two real captures that differ only in fields it ignores."""
    raw = [json.loads((SHARED_CTGOV / "studies" / n).read_text("utf-8")) for n in (older, newer)]
    assert raw[0] != raw[1]  # the registry did republish the record
    # Shaped as GET /studies pages, as a saved search would receive them.
    pages = [{"totalCount": 1, "studies": [r]} for r in raw]
    before, after = ([parse_study(s) for s in p["studies"]] for p in pages)
    assert diff(before, after) == ChangeReport()
    # Changing what the registry really says is seen, and the real sites survive storage.
    moved = replace(state_of(after[0]), status="TERMINATED", last_updated="2024-02-01")
    report = diff(before, [moved])
    assert [c.after for c in report.status_changes] == ["TERMINATED"]
    assert len(report.date_changes) == 1 and report.count == 2
    locations = raw[1]["protocolSection"]["contactsLocationsModule"]["locations"]
    assert len(state_of(after[0]).sites) == len(locations)


# -- storage ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", " ", "my search", "a/b", "-x", "ü" * 3, "x" * 41, "a\nb"])
def test_add_refuses_a_bad_name_and_creates_nothing(db: Path, name: str) -> None:
    """It refuses names that are empty, too long or hard to type, before touching the disk."""
    with pytest.raises(InvalidWatch, match=r"cannot name|needs a name"):
        Watchlist(db).add(name, **MYELOMA)
    assert not db.exists()


def test_add_refuses_a_bad_search(db: Path) -> None:
    """It validates the search like 'search' does, and stores nothing."""
    with pytest.raises(InvalidQuery, match="Nothing to search for"):
        Watchlist(db).add("empty")
    with pytest.raises(InvalidQuery, match="limit"):
        Watchlist(db).add("zero", condition="asthma", limit=0)
    with pytest.raises(InvalidWatch, match="unknown search option"):
        Watchlist(db).add("odd", condition="asthma", colour="blue")
    assert not db.exists()


def test_add_list_get_remove(db: Path) -> None:
    """It saves the search's keyword arguments as JSON, lists, shows and forgets them."""
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", condition=" multiple myeloma ", intervention=("pembrolizumab",))
        watchlist.add("asthma", term="dupilumab", limit=None)
        assert [s.name for s in watchlist.list()] == ["asthma", "myeloma"]
        saved = watchlist.get("myeloma")
        assert saved.search == {
            "condition": ["multiple myeloma"],
            "intervention": ["pembrolizumab"],
            "limit": 20,
        }
        assert saved.last_run_at is None
        assert watchlist.get("asthma").search == {"term": ["dupilumab"], "limit": None}
        with pytest.raises(InvalidWatch, match=r"already named 'asthma'.*replace it \(replace=\)"):
            watchlist.add("asthma", condition="asthma")
        watchlist.add("asthma", condition="asthma", replace=True)
        assert watchlist.get("asthma").search == {"condition": ["asthma"], "limit": 20}
        watchlist.remove("asthma")
        assert [s.name for s in watchlist.list()] == ["myeloma"]
        with pytest.raises(UnknownWatch, match=r"'asthma' .*saved: myeloma"):
            watchlist.remove("asthma")


def test_reading_a_missing_database_creates_nothing(db: Path) -> None:
    """It lists nothing and knows no name when there is no database, without making one."""
    with Watchlist(db) as watchlist:
        assert watchlist.list() == []
        with pytest.raises(UnknownWatch, match="none are saved yet"):
            watchlist.get("myeloma")
    assert not db.exists()


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


def test_watch_reports_say_when_a_study_assigns_no_treatment() -> None:
    """It marks observational and expanded access studies in a report's study lines."""
    from trialfinder.watch.report import report_lines
    from trialfinder.watch.watchlist import RunReport

    page = load_json("search_hand_made_note_cases_7studies.json")["studies"]
    observational, interventional = state_of(parse_study(page[5])), state_of(parse_study(page[0]))
    report = RunReport(
        "x", {}, "2026-01-01T00:00:00Z", "2025-12-01T00:00:00Z", False, 2, 2, False,
        diff([], [observational, interventional]),
    )  # fmt: skip
    text = "\n".join(report_lines(report))
    assert "  NCT09100006  Recruiting · Observational (does not assign treatment)  Made up" in text
    assert "  NCT09100001  Recruiting  Made up" in text


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


# -- runs -------------------------------------------------------------------------------------


def test_first_run_records_a_baseline_then_later_runs_report_changes(
    db: Path, server: ReplayServer, client: Client
) -> None:
    """It records a baseline, reports no change for the same answer, then exactly the changes."""
    serve_status_now(server)
    server.add("/studies", *(Reply.fixture(n) for n in (BEFORE, BEFORE, AFTER)))
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        (first,) = watchlist.run(client=client)
        assert first.baseline and not first.changed and first.previous_run_at is None
        assert first.study_count == 4 and first.changes == ChangeReport()
        assert [s.nct_id for s in watchlist.snapshot("myeloma")] == [
            s.nct_id for s in states(BEFORE)
        ]
        (second,) = watchlist.run(["myeloma"], client=client)
        assert not second.baseline and not second.changed
        assert second.previous_run_at == first.ran_at
        (third,) = watchlist.run(client=client)
        assert third.changed
        assert without_lookup(third.changes) == diff(states(BEFORE), states(AFTER))
        assert third.changes.gone_now == GONE_NOW
        assert watchlist.snapshot("myeloma") == states(AFTER)
    assert server.requests[0][1]["query.cond"] == "multiple myeloma"
    assert server.requests[0][1]["query.intr"] == "pembrolizumab"


def test_a_network_error_changes_nothing_stored(
    db: Path, server: ReplayServer, client: Client
) -> None:
    """It stores nothing when the API cannot be reached; the next run compares as before."""
    serve_status_now(server)
    route = server.add("/studies", Reply.fixture(BEFORE), Reply(close_without_answer=True))
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.run(client=client)
        kept = stored(db)
        with pytest.raises(ApiConnectionError):
            watchlist.run(client=client)
        assert stored(db) == kept
        route.replies.append(Reply.fixture(AFTER))
        (report,) = watchlist.run(client=client)
    assert without_lookup(report.changes) == diff(states(BEFORE), states(AFTER))


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


def test_two_saved_searches_sharing_studies(db: Path, server: ReplayServer, client: Client) -> None:
    """It keeps one snapshot per search: a shared study's change shows in both, on its own."""
    page = load_json(BEFORE)
    radiation = {"totalCount": 1, "studies": [page["studies"][0]]}
    changed = json.loads(json.dumps(radiation))
    changed["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
    serve_status_now(server)
    server.add(
        "/studies",
        Reply.fixture(BEFORE),
        Reply.fixture(BEFORE),
        Reply.fixture(AFTER),
        params={"query.intr": "pembrolizumab"},
    )
    server.add(
        "/studies",
        Reply(body=json.dumps(radiation).encode()),
        Reply(body=json.dumps(changed).encode()),
        params={"query.intr": "radiation"},
    )
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("radiation", condition="multiple myeloma", intervention="radiation")
        assert [r.baseline for r in watchlist.run(client=client)] == [True, True]
        mine, theirs = watchlist.run(["radiation", "myeloma"], client=client)
        assert (mine.name, theirs.name) == ("radiation", "myeloma")
        assert [(c.nct_id, c.after) for c in mine.changes.status_changes] == [
            ("NCT05100001", "RECRUITING")
        ]
        assert mine.changes.count == 1 and not theirs.changed
        watchlist.remove("radiation")
        (report,) = watchlist.run(client=client)
        assert report.name == "myeloma"
        assert without_lookup(report.changes) == diff(states(BEFORE), states(AFTER))


def test_a_failing_search_stores_nothing_for_the_others(
    db: Path, server: ReplayServer, client: Client
) -> None:
    """It fetches every search before storing: one rejected search keeps every snapshot."""
    server.add("/studies", Reply.fixture(BEFORE), params={"query.intr": "pembrolizumab"})
    server.add(
        "/studies",
        Reply.fixture("search_no_results.json"),
        Reply(400, b"Error parsing query in Intervention / treatment", "text/plain"),
        params={"query.intr": "radiation"},
    )
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("radiation", condition="myeloma", intervention="radiation")
        watchlist.run(client=client)
        kept = stored(db)
        with pytest.raises(BadRequest):
            watchlist.run(client=client)
        assert stored(db) == kept


def test_run_checks_every_name_before_fetching(
    db: Path, server: ReplayServer, client: Client
) -> None:
    """It refuses an unknown name before any request is sent."""
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        with pytest.raises(UnknownWatch, match="'nope'"):
            watchlist.run(["myeloma", "nope"], client=client)
    assert server.requests == []


def test_package_exports_the_watch_api() -> None:
    """It exports Watchlist, diff and the report types lazily, with __all__ kept sorted."""
    import trialfinder

    assert trialfinder.__all__ == sorted(trialfinder.__all__)
    for name in ("ChangeReport", "RunReport", "SavedSearch", "StudyState", "Watchlist", "diff"):
        assert name in trialfinder.__all__
        assert getattr(trialfinder, name).__module__.startswith("trialfinder.watch.")
    for name in ("WatchError", "InvalidWatch", "UnknownWatch", "WatchStoreError"):
        assert issubclass(getattr(trialfinder, name), trialfinder.TrialFinderError)


def test_sites_far_from_a_saved_location_are_not_followed() -> None:
    """It keeps only the sites near the saved location, and those it cannot place."""
    from trialfinder.models.reading import parse_study
    from trialfinder.watch.diff import near_of, state_of

    study = parse_study(load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json"))
    near = near_of({"filter.geo": "distance(44.02,-92.47,50mi)"})  # Rochester, MN
    assert near == (44.02, -92.47, 50.0)
    assert [s.city for s in state_of(study, near).sites] == ["Rochester"]
    assert [s.city for s in state_of(study).sites] == ["Rochester", "Houston"]
    km = near_of({"filter.geo": "distance(44.02,-92.47,3218.688km)"})
    assert km is not None and round(km[2]) == 2000
    assert [s.city for s in state_of(study, km).sites] == ["Rochester", "Houston"]
    assert near_of({}) is None


def test_a_saved_location_places_sites_without_coordinates() -> None:
    """It places a site without coordinates by its ZIP code or city, keeping only unplaceable."""
    from trialfinder.models.reading import parse_study
    from trialfinder.watch.diff import state_of

    page = load_json("search_hand_made_note_cases_7studies.json")["studies"]
    near_rochester = (44.02163, -92.4699, 50.0)
    # A Houston site with coordinates, and a Rochester one placed by its ZIP code.
    first = state_of(parse_study(page[0]), near_rochester)
    assert [s.facility for s in first.sites] == ["Rochester Clinic Without Coordinates"]
    # A completed site near, a Chicago one far, and a Springfield with no state (unplaceable).
    fourth = state_of(parse_study(page[3]), near_rochester)
    assert [s.city for s in fourth.sites] == ["Rochester", "Springfield"]
    near_houston = (29.76328, -95.36327, 50.0)
    assert [s.city for s in state_of(parse_study(page[0]), near_houston).sites] == ["Houston"]


# -- studies that leave the results, and searches removed mid-run ------------------------------


def _two_searches_with_gone_studies(server: ReplayServer) -> None:
    """'myeloma' loses NCT05100003; 'radiation' loses NCT05100001 (one study each)."""
    page = load_json(BEFORE)
    one = {"totalCount": 1, "studies": [page["studies"][0]]}
    server.add(
        "/studies",
        Reply(body=json.dumps({"studies": [{"protocolSection": {
            "identificationModule": {"nctId": "NCT05100001"},
            "statusModule": {"overallStatus": "TERMINATED"},
        }}, *load_json(NOW)["studies"]]}).encode()),
        params={"fields": "NCTId,OverallStatus"},
    )  # fmt: skip
    server.add(
        "/studies",
        Reply.fixture(BEFORE),
        Reply.fixture(AFTER),
        params={"query.intr": "pembrolizumab"},
    )
    server.add(
        "/studies",
        Reply(body=json.dumps(one).encode()),
        Reply.fixture("search_no_results.json"),
        params={"query.intr": "radiation"},
    )


def test_gone_studies_get_their_status_now_in_one_request(
    db: Path, server: ReplayServer, client: Client
) -> None:
    """It looks up every study that left any search's results with one filter.ids request."""
    _two_searches_with_gone_studies(server)
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("radiation", condition="multiple myeloma", intervention="radiation")
        watchlist.run(client=client)
        myeloma, radiation = watchlist.run(client=client)
    lookups = [p for _, p, _ in server.requests if "filter.ids" in p]
    assert [p["filter.ids"] for p in lookups] == ["NCT05100003,NCT05100001"]
    assert lookups[0]["fields"] == "NCTId,OverallStatus"
    assert myeloma.changes.gone_now == GONE_NOW
    assert radiation.changes.gone_now == (StatusNow("NCT05100001", True, "TERMINATED"),)
    gone = radiation.to_dict()["changes"]["gone"][0]
    assert (gone["status"], gone["status_now"], gone["status_checked"]) == (
        "NOT_YET_RECRUITING",
        "TERMINATED",
        True,
    )
    from trialfinder.watch.report import report_lines

    assert "  NCT05100001  now Terminated (was Not yet recruiting)  " in "\n".join(
        report_lines(radiation)
    )


@pytest.mark.parametrize(
    "reply",
    [
        Reply(close_without_answer=True),
        Reply(500, b"oops", "text/plain"),
        Reply.fixture("search_no_results.json"),  # the registry did not return the study
        Reply(body=b'{"studies": [{"protocolSection": 7}]}'),
    ],
    ids=["no answer", "500", "not returned", "malformed"],
)
def test_a_status_that_cannot_be_looked_up_is_said_so(
    db: Path, server: ReplayServer, client: Client, reply: Reply
) -> None:
    """It never shows the old status as current: the run goes on and says it could not check."""
    serve_status_now(server, reply)
    server.add("/studies", Reply.fixture(BEFORE), Reply.fixture(AFTER))
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.run(client=client)
        (report,) = watchlist.run(client=client)
    assert report.changes.gone_now == (StatusNow("NCT05100003", False, None),)
    assert report.stored and watchlist.snapshot("myeloma") == states(AFTER)
    from trialfinder.watch.report import report_lines

    assert (
        "  NCT05100003  status now could not be checked (was Active, not recruiting)  "
        "Pembrolizumab and Lenalidomide in Smoldering Myeloma"
    ) in report_lines(report)


def test_removing_one_search_mid_run_keeps_the_others_results(
    db: Path, server: ReplayServer, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It stores each search on its own: one removed meanwhile rolls nothing else back."""
    import trialfinder.watch.store as watchstore

    _two_searches_with_gone_studies(server)
    real_save = watchstore.WatchStore.save_runs

    def removed_first(store: watchstore.WatchStore, runs: list[watchstore.RunToSave]) -> object:
        with Watchlist(db) as other:  # another trialfinder removes it while we fetch
            other.remove("radiation")
        return real_save(store, runs)

    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("radiation", condition="multiple myeloma", intervention="radiation")
        watchlist.run(client=client)
        monkeypatch.setattr(watchstore.WatchStore, "save_runs", removed_first)
        myeloma, radiation = watchlist.run(client=client)
        assert myeloma.stored and not radiation.stored
        assert watchlist.snapshot("myeloma") == states(AFTER)
        assert [s.name for s in watchlist.list()] == ["myeloma"]
    from trialfinder.watch.report import report_lines

    assert report_lines(radiation)[1] == (
        "This saved search was removed or replaced while it ran: nothing was stored for it."
    )
    assert radiation.to_dict()["stored"] is False


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


@pytest.mark.parametrize("meanwhile", ["removed", "replaced"])
def test_a_search_changed_while_it_is_fetched_reports_against_its_baseline(
    db: Path, server: ReplayServer, client: Client, monkeypatch: pytest.MonkeyPatch, meanwhile: str
) -> None:
    """It diffs against the snapshot read when the run began, stores nothing for the search,
    and leaves a search of the same name made meanwhile untouched."""
    import trialfinder.api

    _two_searches_with_gone_studies(server)
    real_search = trialfinder.api.search

    def changed_while_fetched(**kwargs: object) -> object:
        if kwargs.get("intervention") == ["radiation"]:
            with Watchlist(db) as other:  # another trialfinder, while the answer is awaited
                if meanwhile == "removed":
                    other.remove("radiation")
                else:
                    other.add("radiation", replace=True, condition="asthma")
        return real_search(**kwargs)  # type: ignore[arg-type]

    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("radiation", condition="multiple myeloma", intervention="radiation")
        watchlist.run(client=client)
        baseline = watchlist.snapshot("radiation")
        assert [s.nct_id for s in baseline] == ["NCT05100001"]
        monkeypatch.setattr(trialfinder.api, "search", changed_while_fetched)
        myeloma, radiation = watchlist.run(client=client)
        assert myeloma.stored and not radiation.stored
        assert radiation.previous_run_at is not None and not radiation.baseline
        assert radiation.changes.gone == tuple(baseline) and radiation.changes.new == ()
        assert radiation.changes.gone_now == (StatusNow("NCT05100001", True, "TERMINATED"),)
        if meanwhile == "replaced":
            made = watchlist.get("radiation")
            assert made.search["condition"] == ["asthma"] and made.last_run_at is None
            assert watchlist.snapshot("radiation") == []
        else:
            assert [s.name for s in watchlist.list()] == ["myeloma"]


NOTHING_STORED = (
    "This saved search was removed or replaced while it ran: nothing was stored for it."
)
SINCE = "2025-12-01 00:00 UTC"


@pytest.mark.parametrize(
    ("baseline", "stored", "changed", "says", "never"),
    [
        (True, True, False, "First run: baseline recorded with 4 studies.", NOTHING_STORED),
        (True, False, False, "First run: 4 studies found; no baseline was", "recorded with"),
        (False, False, True, f"7 changes since {SINCE} (4 studies found now).", "First run"),
        (False, False, False, f"No changes since {SINCE} (4 studies found).", "First run"),
        (False, True, True, f"7 changes since {SINCE} (4 studies found now).", NOTHING_STORED),
    ],
)  # fmt: skip
def test_a_report_never_claims_a_snapshot_it_did_not_store(
    baseline: bool, stored: bool, changed: bool, says: str, never: str
) -> None:
    """It says nothing was stored for a search removed while it ran, and then never that a
    baseline was recorded; the changes it found are still reported."""
    from trialfinder.watch.report import report_lines
    from trialfinder.watch.watchlist import RunReport

    changes = diff(states(BEFORE), states(AFTER) if changed else states(BEFORE))
    report = RunReport(
        "x", {}, "2026-01-01T00:00:00Z", None if baseline else "2025-12-01T00:00:00Z", baseline,
        4, 4, False, ChangeReport() if baseline else changes, stored=stored,
    )  # fmt: skip
    lines = report_lines(report)
    assert (NOTHING_STORED in lines) == (not stored)
    assert any(line.startswith(says) for line in lines), lines
    assert not any(never in line for line in lines), lines
