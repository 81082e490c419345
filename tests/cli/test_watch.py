"""Tests for trialfinder.cli.watch: the watch commands against a local replay server."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import flat, invoke_cli, run_cli
from replay_server import ReplayServer, Reply
from trialfinder.cli.watch import EXIT_CHANGED
from trialfinder.render.words import DISCLAIMER

BEFORE = "watch_myeloma_before_4studies.json"
AFTER = "watch_myeloma_after_1new_1gone_status_sites_dates_changed.json"
NOW = "watch_status_now_NCT05100003_completed.json"
ADD_MYELOMA = ("watch", "add", "myeloma", "-c", "multiple myeloma", "-i", "pembrolizumab")
#: The saved search as described: the status in force is stored with it.
SAVED = (
    "condition: multiple myeloma; intervention: pembrolizumab; limit: 20; "
    "status: recruiting + not yet recruiting + enrolling by invitation"
)


def at_100(line: str) -> str:
    """One line of text as the command prints it, wrapped to 100 columns."""
    return "\n".join(textwrap.wrap(line, 100, break_on_hyphens=False))


#: The reminder as printed at 100 columns: the report is wrapped to the width like all text.
DISCLAIMER_AT_100 = """\
This list comes from ClinicalTrials.gov. It is not medical advice and may be out of date: take it to
your doctor, who can confirm whether any trial fits you."""
assert flat(DISCLAIMER_AT_100) == DISCLAIMER

CHANGES_REPORT = (
    at_100(f"== myeloma: {SAVED}")
    + """
7 changes since <TIME> (4 studies found now).
New in the results (1):
  NCT05100005  Not yet recruiting  Pembrolizumab With Daratumumab in Newly Diagnosed Myeloma
    https://clinicaltrials.gov/study/NCT05100005
No longer in the results (1):
  NCT05100003  now Completed (was Active, not recruiting)  Pembrolizumab and Lenalidomide in
               Smoldering Myeloma
    https://clinicaltrials.gov/study/NCT05100003
Status changed (1):
  NCT05100001  Not yet recruiting → Recruiting  Pembrolizumab Plus Radiation for Relapsed Multiple
               Myeloma
    https://clinicaltrials.gov/study/NCT05100001
Sites changed (2):
  NCT05100002  Pembrolizumab Maintenance After Autologous Transplant in Myeloma
    Site added: University of Chicago Medical Center, Chicago, United States (Recruiting)
    https://clinicaltrials.gov/study/NCT05100002
  NCT05100001  Pembrolizumab Plus Radiation for Relapsed Multiple Myeloma
    Site status: Mayo Clinic, Rochester, United States: Not yet recruiting → Recruiting
    https://clinicaltrials.gov/study/NCT05100001
Last updated (2):
  NCT05100002  2024-02-01 → 2024-04-05  Pembrolizumab Maintenance After Autologous Transplant in
               Myeloma
    https://clinicaltrials.gov/study/NCT05100002
  NCT05100001  2024-01-10 → 2024-04-02  Pembrolizumab Plus Radiation for Relapsed Multiple Myeloma
    https://clinicaltrials.gov/study/NCT05100001

{DISCLAIMER}
""".replace("{DISCLAIMER}", DISCLAIMER_AT_100)
)


def masked(text: str) -> str:
    """Output with the run times replaced, since they change every run."""
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<TIME>", text)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failure (and proof that no traceback was printed)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trialfinder: error: ")
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "watch.db"


def test_add_then_run_twice_reports_exactly_the_changes(db: Path, server: ReplayServer) -> None:
    """It records a baseline, then lists exactly the changes made between two answers.

    Each step is a separate run of the installed command: what one run stores, the next reads.
    """
    server.add("/studies", Reply.fixture(NOW), params={"filter.ids": "NCT05100003"})
    server.add("/studies", Reply.fixture(BEFORE), Reply.fixture(AFTER), Reply.fixture(AFTER))
    added = run_cli(*ADD_MYELOMA, "--db", str(db))
    assert added.returncode == 0, added.stderr
    assert added.stdout == at_100(f"Saved 'myeloma': {SAVED}.") + "\n"
    run = ("watch", "run", "--db", str(db), "--api-url", server.url, "--exit-code")
    first = run_cli(*run)
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        at_100(f"== myeloma: {SAVED}")
        + "\nFirst run: baseline recorded with 4 studies. The next run will report what changed.\n"
        + f"\n{DISCLAIMER_AT_100}\n"
    )
    second = run_cli(*run)
    assert second.returncode == EXIT_CHANGED == 4, second.stderr  # --exit-code: changed
    assert masked(second.stdout) == CHANGES_REPORT
    assert second.stderr == ""
    third = run_cli(*run)
    assert third.returncode == 0, third.stderr
    header = at_100(f"== myeloma: {SAVED}")
    assert masked(third.stdout).startswith(
        header + "\nNo changes since <TIME> (4 studies found).\n"
    )
    params = [p for _, p, _ in server.requests]
    searches = [p for p in params if "filter.ids" not in p]
    assert all(p["query.cond"] == "multiple myeloma" for p in searches) and len(searches) == 3
    # The one study that left the results was looked up once, on the second run.
    assert [p["filter.ids"] for p in params if "filter.ids" in p] == ["NCT05100003"]


def test_run_as_json_gives_the_same_report(db: Path, server: ReplayServer) -> None:
    """It gives other tools the same changes as JSON, every entry with its link."""
    server.add("/studies", Reply.fixture(NOW), params={"filter.ids": "NCT05100003"})
    server.add("/studies", Reply.fixture(BEFORE), Reply.fixture(AFTER))
    env = {"TRIALFINDER_DATA_DIR": str(db.parent)}
    assert invoke_cli(*ADD_MYELOMA, env=env).returncode == 0
    run = ("watch", "run", "myeloma", "--format", "json", "--api-url", server.url)
    baseline = json.loads(invoke_cli(*run, env=env).stdout)
    assert baseline["changed"] is False
    assert baseline["searches"][0]["baseline"] is True
    result = invoke_cli(*run, env=env)
    assert result.returncode == 0  # no --exit-code: 0 although something changed
    assert flat(result.stderr) == DISCLAIMER
    report = json.loads(result.stdout)
    assert report["changed"] is True
    (search,) = report["searches"]
    assert search["previous_run_at"] == baseline["searches"][0]["ran_at"]
    changes = search["changes"]
    assert [s["nct_id"] for s in changes["new"]] == ["NCT05100005"]
    assert [(s["nct_id"], s["status"], s["status_now"]) for s in changes["gone"]] == [
        ("NCT05100003", "ACTIVE_NOT_RECRUITING", "COMPLETED")
    ]
    assert changes["status_changes"] == [
        {
            "nct_id": "NCT05100001",
            "title": "Pembrolizumab Plus Radiation for Relapsed Multiple Myeloma",
            "before": "NOT_YET_RECRUITING",
            "after": "RECRUITING",
            "url": "https://clinicaltrials.gov/study/NCT05100001",
        }
    ]
    assert [(c["nct_id"], c["kind"], c["before"], c["after"]) for c in changes["site_changes"]] == [
        ("NCT05100002", "added", None, "RECRUITING"),
        ("NCT05100001", "status", "NOT_YET_RECRUITING", "RECRUITING"),
    ]
    dates = changes["last_updated_changes"]
    assert [(d["nct_id"], d["before"], d["after"]) for d in dates] == [
        ("NCT05100002", "2024-02-01", "2024-04-05"),
        ("NCT05100001", "2024-01-10", "2024-04-02"),
    ]
    every = [e for entries in changes.values() for e in entries]
    assert all(e["url"] == f"https://clinicaltrials.gov/study/{e['nct_id']}" for e in every)
    assert (db.parent / "watch.db").exists()


def test_list_show_and_remove(db: Path) -> None:
    """It lists, shows and removes saved searches."""
    assert invoke_cli(*ADD_MYELOMA, "--db", str(db)).returncode == 0
    listed = invoke_cli("watch", "list", "--db", str(db))
    assert listed.returncode == 0
    assert listed.stdout.split() == [
        "myeloma",
        "not",
        "run",
        "yet",
        *SAVED.split(),
    ]
    shown = json.loads(invoke_cli("watch", "show", "myeloma", "--db", str(db), "-f", "json").stdout)
    assert shown["search"] == {
        "condition": ["multiple myeloma"],
        "intervention": ["pembrolizumab"],
        "limit": 20,
        "status": ["recruiting", "not yet recruiting", "enrolling by invitation"],
    }
    assert shown["studies"] == [] and shown["last_run_at"] is None
    removed = invoke_cli("watch", "remove", "myeloma", "--db", str(db))
    assert (removed.returncode, removed.stdout) == (0, "Removed 'myeloma'.\n")
    empty = invoke_cli("watch", "list", "--db", str(db))
    assert (empty.returncode, empty.stdout) == (0, "")
    assert "No saved searches yet" in empty.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "my search", "-c", "asthma"), "'my search' cannot name a saved search"),
        (("add", "asthma"), "Nothing to search for"),
        (("add", "asthma", "-c", "asthma", "-n", "0"), "too small"),
        (("run", "nope"), "no saved search is named 'nope'"),
        (("show", "nope"), "no saved search is named 'nope'"),
        (("remove", "nope"), "no saved search is named 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db: Path, args: tuple[str, ...], message: str) -> None:
    """It answers bad input and unknown names with one line on stderr and exit code 2."""
    result = invoke_cli("watch", *args, "--db", str(db))
    assert result.returncode == 2
    assert message in one_error_line(result)
    assert result.stdout == ""


def test_a_taken_name_is_refused(db: Path) -> None:
    """It refuses to overwrite a saved search unless --replace is given."""
    assert invoke_cli(*ADD_MYELOMA, "--db", str(db)).returncode == 0
    again = invoke_cli(*ADD_MYELOMA, "--db", str(db))
    assert again.returncode == 2 and "--replace" in one_error_line(again)
    assert invoke_cli(*ADD_MYELOMA, "--replace", "--db", str(db)).returncode == 0


def test_a_corrupt_database_is_one_line_exit_1_and_untouched(db: Path) -> None:
    """It refuses a file that is not its database, says how to move it away, and keeps it."""
    db.write_text("this is my shopping list, not a database\n" * 30)
    before = db.read_bytes()
    for args in (("list",), ("show", "myeloma"), ADD_MYELOMA[1:], ("run",)):
        result = invoke_cli("watch", *args, "--db", str(db))
        assert result.returncode == 1
        assert "mv " in one_error_line(result)
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir()] == ["watch.db"]


def test_a_saved_search_this_version_cannot_run_is_one_line_exit_2(db: Path) -> None:
    """It names the unknown option or the mistyped value of a saved search, in the command's
    words, with exit code 2 and no traceback."""
    assert invoke_cli(*ADD_MYELOMA, "--db", str(db)).returncode == 0
    for search, said in [
        ('{"condition": "ALL", "bogus": 1}', "does not know (bogus): upgrade it, or add"),
        ('{"condition": "ALL", "status": 5}', "has status 5, which this version"),
    ]:
        conn = sqlite3.connect(db)
        with conn:
            conn.execute("UPDATE watch SET search = ?", (search,))
        conn.close()
        result = invoke_cli("watch", "run", "--db", str(db))
        assert result.returncode == 2
        line = one_error_line(result)
        assert line.startswith("trialfinder: error: the saved search 'myeloma' ")
        assert said in line and line.endswith("the search again (--replace).")


def test_a_network_failure_exits_1_and_stores_nothing(db: Path, server: ReplayServer) -> None:
    """It exits 1, never the "changed" code, when the API cannot be reached; nothing is stored."""
    route = server.add("/studies", Reply.fixture(BEFORE), Reply(close_without_answer=True))
    assert invoke_cli(*ADD_MYELOMA, "--db", str(db)).returncode == 0
    run = ("watch", "run", "--db", str(db), "--api-url", server.url, "--retries", "1")
    assert invoke_cli(*run).returncode == 0
    before = db.read_bytes()
    failed = invoke_cli(*run)
    assert failed.returncode == 1
    one_error_line(failed)
    assert db.read_bytes() == before
    route.replies.append(Reply(close_without_answer=True))
    failed = invoke_cli(*run, "--exit-code")
    assert failed.returncode == 1 != EXIT_CHANGED  # a failure is never read as "changed"
    one_error_line(failed)
    route.replies.append(Reply.fixture(AFTER))
    after = invoke_cli(*run, "--format", "json")
    assert json.loads(after.stdout)["searches"][0]["changes"]["gone"][0]["nct_id"] == "NCT05100003"


def test_watch_commands_start_without_the_http_stack() -> None:
    """It keeps requests, pydantic, tenacity and sqlite3 out of 'trialfinder --help'."""
    code = (
        "import sys, trialfinder.cli.main, trialfinder.cli.watch\n"
        "heavy = {'requests', 'pydantic', 'tenacity', 'sqlite3'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
    help_text = invoke_cli("--help").stdout
    assert "watch" in help_text


def test_show_says_the_kind_of_each_study_as_run_does(db: Path, server: ReplayServer) -> None:
    """It marks observational and expanded access studies in 'watch show' (text and JSON) as
    the run's report does, and leaves the trials unmarked."""
    server.add("/studies", Reply.fixture("search_hand_made_note_cases_7studies.json"))
    assert invoke_cli("watch", "add", "kinds", "-c", "x", "--db", str(db)).returncode == 0
    ran = invoke_cli("watch", "run", "--db", str(db), "--api-url", server.url)
    assert ran.returncode == 0, ran.stderr
    shown = invoke_cli("watch", "show", "kinds", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    lines = {line.split()[0]: line for line in shown.stdout.splitlines() if "  NCT" in line}
    assert len(lines) == 7
    assert (
        "  NCT09100006  Recruiting · Observational (does not assign treatment)  "
        in (lines["NCT09100006"])
    )
    assert (
        "  NCT09100007  Unknown status · Expanded access (does not assign treatment)  "
        in (lines["NCT09100007"])
    )
    trials = [line for nct, line in lines.items() if nct not in ("NCT09100006", "NCT09100007")]
    assert len(trials) == 5 and not any("·" in line for line in trials)
    as_json = invoke_cli("watch", "show", "kinds", "--db", str(db), "-f", "json")
    kinds = {s["nct_id"]: s["study_type"] for s in json.loads(as_json.stdout)["studies"]}
    assert kinds["NCT09100006"] == "OBSERVATIONAL"
    assert kinds["NCT09100007"] == "EXPANDED_ACCESS"
    assert {kinds[nct] for nct in kinds if nct[-1] not in "67"} == {"INTERVENTIONAL"}


def test_a_search_removed_while_it_runs_reports_against_its_baseline(
    db: Path, server: ReplayServer
) -> None:
    """It reports what changed since the baseline read when the run began, and says nothing
    was stored, when another trialfinder removes the search while its answer is awaited."""
    import os
    import threading
    import time

    from conftest import trialfinder_command

    released = threading.Event()
    server.add("/studies", Reply.fixture(NOW), params={"filter.ids": "NCT05100003"})
    # Both searches go from BEFORE to AFTER; the second answer for 'radiation' waits.
    for intr, held in (("pembrolizumab", None), ("radiation", released)):
        after = Reply.fixture(AFTER, held_until=held)
        server.add("/studies", Reply.fixture(BEFORE), after, params={"query.intr": intr})
    assert invoke_cli(*ADD_MYELOMA, "--db", str(db)).returncode == 0
    add = ("watch", "add", "radiation", "-c", "multiple myeloma", "-i", "radiation")
    assert invoke_cli(*add, "--db", str(db)).returncode == 0
    run = ("watch", "run", "--db", str(db), "--api-url", server.url)
    assert invoke_cli(*run).returncode == 0  # the baselines

    env = {k: v for k, v in os.environ.items() if k != "TRIALFINDER_API_URL"}
    env.update({"COLUMNS": "100", "NO_COLOR": "1"})
    running = subprocess.Popen(
        [*trialfinder_command(), *run],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:

        def radiation_asked() -> int:
            return sum(p.get("query.intr") == "radiation" for _, p, _ in server.requests)

        deadline = time.monotonic() + 60
        while radiation_asked() < 2 and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert radiation_asked() == 2, "the run never asked for the search to remove"
        removed = invoke_cli("watch", "remove", "radiation", "--db", str(db))
        assert (removed.returncode, removed.stdout) == (0, "Removed 'radiation'.\n")
    finally:
        released.set()
    out, err = running.communicate(timeout=60)
    assert running.returncode == 0, err
    myeloma, radiation, reminder = masked(out).rstrip("\n").split("\n\n")
    assert myeloma + f"\n\n{reminder}" == CHANGES_REPORT.rstrip("\n")
    head = at_100(f"== radiation: {SAVED.replace('pembrolizumab', 'radiation')}") + "\n"
    assert radiation.startswith(head)
    gone, *changes = radiation[len(head) :].splitlines()
    assert gone == (
        "This saved search was removed or replaced while it ran: nothing was stored for it."
    )
    # The same changes as the search that was kept: BEFORE → AFTER, nothing more or less.
    kept = myeloma[len(at_100(f"== myeloma: {SAVED}")) + 1 :].splitlines()
    assert changes == kept
    assert changes[0] == "7 changes since <TIME> (4 studies found now)."
    listed = invoke_cli("watch", "list", "--db", str(db))
    assert listed.stdout.startswith("myeloma ") and "radiation" not in listed.stdout
