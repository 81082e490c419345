"""Tests for trialfinder.watch.watchlist: saving, checking and running saved searches."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import load_json
from replay_server import ReplayServer, Reply
from trialfinder import diff
from trialfinder.errors import (
    ApiConnectionError,
    BadRequest,
    InvalidQuery,
    InvalidWatch,
    UnknownWatch,
)
from trialfinder.http.client import Client
from trialfinder.watch.diff import ChangeReport, StatusNow
from trialfinder.watch.watchlist import Watchlist
from watch.conftest import AFTER, BEFORE, MYELOMA, states, stored

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


# -- saved searches ---------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("search", "message"),
    [
        (
            '{"condition": ["ALL"], "bogus": 1, "client": 2}',
            "the saved search 'odd' uses options this version of trialfinder does not know "
            "(bogus, client): upgrade it, or add the search again (replace=).",
        ),
        (
            '{"condition": ["ALL"], "status": 5}',
            "the saved search 'odd' has status 5, which this version of trialfinder cannot use "
            "(status takes text, a list of texts or null): upgrade it, or add the search again "
            "(replace=).",
        ),
        ('{"condition": 5}', "the saved search 'odd' has condition 5, which"),
        (
            '{"condition": "ALL", "near": [true, false]}',
            "the saved search 'odd' has near [true, false], ",
        ),
        (
            '{"condition": "ALL", "status": "bogus"}',
            "the saved search 'odd' cannot run: Unknown status 'bogus': use open, ",
        ),
    ],
)
def test_run_refuses_a_saved_search_it_cannot_run_before_fetching(
    db: Path, server: ReplayServer, client: Client, search: str, message: str
) -> None:
    """It names what this version cannot run in a saved search (written by another version,
    or by hand), as an InvalidWatch, before any request, and stores nothing."""
    with Watchlist(db) as watchlist:
        watchlist.add("myeloma", **MYELOMA)
        watchlist.add("odd", condition="ALL")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE watch SET search = ? WHERE name = 'odd'", (search,))
    conn.close()
    kept = stored(db)
    with Watchlist(db) as watchlist, pytest.raises(InvalidWatch) as caught:
        watchlist.run(client=client)
    assert str(caught.value).startswith(message)
    assert server.requests == []
    assert stored(db) == kept


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
