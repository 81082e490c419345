"""Tests for trialfinder.cli.main: outputs, exit codes and a table of bad input, in process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner, Result

from conftest import flat, load_json, load_text
from trialfinder import __version__
from trialfinder.cli.main import cli
from trialfinder.render.words import DISCLAIMER, STUDY_DISCLAIMER

API = "https://clinicaltrials.gov/api/v2"
STUDIES = f"{API}/studies"
SINGLE_PAGE = "search_all_blinatumomab_single_page.json"
STUDY = "study_NCT02013167_pembrolizumab_radiation_myeloma.json"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(autouse=True)
def _quick(no_pacing: None) -> None:
    """CLI tests run without pacing or backoff waits."""


# -- bad input: exit 2, one line, nothing sent ---------------------------------------------

BAD_INPUT = [
    ["search"],
    ["search", "-c", ""],
    ["search", "-c", "   "],
    ["search", "-i", ""],
    ["search", "-t", "\t"],
    ["search", "-c", "myeloma\x1b[31m"],
    ["search", "-c", "a\x00b"],
    ["search", "-i", "pembro\x07"],
    ["search", "-c", "\u202emyeloma"],
    ["search", "-c", "a" * 301],
    ["search", "-c", "x", "-c", ""],
    ["search", *[arg for n in range(11) for arg in ("-c", f"c{n}")]],
    ["search", "-c", "x", "-n", "0"],
    ["search", "-c", "x", "-n", "-5"],
    ["search", "-c", "x", "-n", "abc"],
    ["search", "-c", "x", "-n", "1.5"],
    ["search", "-c", "x", "-n", ""],
    ["search", "-c", "x", "-f", "xml"],
    ["search", "-c", "x", "--format", ""],
    ["search", "-c", "x", "--api-url", "ftp://example.org/api"],
    ["search", "-c", "x", "--api-url", "not a url"],
    ["search", "-c", "x", "--api-url", "clinicaltrials.gov/api/v2"],
    ["search", "-c", "x", "--api-url", "http://"],
    ["search", "-c", "x", "--api-url", "http://localhost:99999/api"],
    ["search", "-c", "x", "--api-url", "http://localhost:0/api"],
    ["search", "-c", "x", "--api-url", "https://x/api?key=1"],
    ["search", "-c", "x", "--timeout", "0"],
    ["search", "-c", "x", "--timeout", "soon"],
    ["search", "-c", "x", "--retries", "0"],
    ["search", "-c", "x", "--retries", "many"],
    ["search", "-c", "x", "--colour"],
    ["search", "-c", "x", "stray-argument"],
    ["search", "-c"],
    ["show"],
    ["show", "NCT123"],
    ["show", "02013167"],
    ["show", ""],
    ["show", "NCT0201316\x1b"],
    ["show", "NCT02013167", "--format", "xml"],
    ["show", "NCT02013167", "--api-url", "gopher://x"],
    ["show", "NCT02013167", "NCT04994717"],
    ["serach", "-c", "x"],
    ["search", "-c", "x", "--status", "recruitng"],
    ["search", "-c", "x", "--phase", "7"],
    ["search", "-c", "x", "--type", "weird"],
    ["search", "-c", "x", "--sex", "other"],
    ["search", "-c", "x", "--age", "-1"],
    ["search", "-c", "x", "--age", "old"],
    ["search", "-c", "x", "--near", "Xyzzyville"],
    ["search", "-c", "x", "--near", "Springfield"],
    ["search", "-c", "x", "--near", "95,200"],
    ["search", "-c", "x", "--near", "55905", "--radius", "far"],
    ["search", "-c", "x", "--radius", "10"],
    ["search", "-c", "x", "--sort", "random"],
    ["search", "-c", "x", "--cache-ttl", "-5"],
]


@pytest.mark.parametrize("args", BAD_INPUT, ids=[" ".join(a)[:40] for a in BAD_INPUT])
@responses.activate
def test_bad_input_is_one_line_exit_2_and_sends_nothing(args: list[str]) -> None:
    """It refuses bad input with exit 2 and one line naming the fix, before any request."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trialfinder: error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert len(responses.calls) == 0


def test_bad_input_table_is_large() -> None:
    """It keeps at least 30 bad-input cases."""
    assert len(BAD_INPUT) >= 30


@responses.activate
def test_bad_api_url_from_environment() -> None:
    """It checks an API URL from the environment like one from the option."""
    result = invoke("search", "-c", "x", env={"TRIALFINDER_API_URL": "nonsense"})
    assert result.exit_code == 2
    assert "API URL 'nonsense'" in result.stderr
    assert len(responses.calls) == 0


@responses.activate
def test_bad_wait_setting_from_environment() -> None:
    """It refuses a pacing setting that is not a number of seconds: one line, exit 2."""
    result = invoke("search", "-c", "x", env={"TRIALFINDER_MIN_INTERVAL": "1s"})
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "trialfinder: error: $TRIALFINDER_MIN_INTERVAL must be a number of seconds from 0 up,"
        " not '1s'."
    ]
    assert len(responses.calls) == 0


# -- successful runs -----------------------------------------------------------------------


@responses.activate
def test_table_output() -> None:
    """It prints each study with its link, the count, the website link and the reminder."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    result = invoke("search", "--condition", "ALL", "--intervention", "blinatumomab")
    assert result.exit_code == 0
    out = result.stdout
    assert "NCT03914625  Recruiting · Interventional · Phase 3" in out
    assert "https://clinicaltrials.gov/study/NCT04994717" in out
    assert "Showing 2 of 2 studies." in out
    assert out.startswith("Condition: ALL\nTreatment: blinatumomab\nSearched for: ALL → ")
    assert "Same search on the website:" in out
    assert "https://clinicaltrials.gov/search?cond=%22acute%20lymphoblastic" in out
    assert "The website link leaves out: status enrolling by invitation." in out
    assert DISCLAIMER in flat(out)
    assert result.stderr == ""


@responses.activate
def test_json_output_is_clean_and_notices_go_to_stderr() -> None:
    """It writes pure JSON to stdout and the footer to stderr."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    result = invoke("search", "-c", "ALL", "-i", "blinatumomab", "--format", "json")
    data = json.loads(result.stdout)
    assert data["total_count"] == 2 and data["returned"] == 2
    assert data["params"]["query.intr"] == "blinatumomab"
    assert [s["url"] for s in data["studies"]] == [
        "https://clinicaltrials.gov/study/NCT03914625",
        "https://clinicaltrials.gov/study/NCT04994717",
    ]
    assert "Showing 2 of 2 studies." in flat(result.stderr) and DISCLAIMER in flat(result.stderr)


@responses.activate
def test_jsonl_and_csv_outputs() -> None:
    """It writes one study per line in jsonl and one row per study in csv, with urls."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    jsonl = invoke("search", "-c", "ALL", "-f", "jsonl")
    assert [json.loads(line)["nct_id"] for line in jsonl.stdout.splitlines()] == [
        "NCT03914625",
        "NCT04994717",
    ]
    table = invoke("search", "-c", "ALL", "-f", "CSV")
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert [r["url"] for r in rows] == [
        "https://clinicaltrials.gov/study/NCT03914625",
        "https://clinicaltrials.gov/study/NCT04994717",
    ]
    assert DISCLAIMER in flat(table.stderr)


@responses.activate
def test_markdown_page() -> None:
    """It writes the doctor page in Markdown, with the data's age from /version."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    responses.get(f"{API}/version", json=load_json("version.json"))
    result = invoke("search", "-c", "ALL", "-f", "markdown")
    assert result.stdout.startswith("# Clinical trials to discuss with my doctor")
    assert result.stdout.count(DISCLAIMER) == 2
    assert "ClinicalTrials.gov data as of: 2026-11-20T09:00:05" in result.stdout
    assert "Searched for: ALL → acute lymphoblastic leukemia" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "markdown", "html"])
@responses.activate
def test_every_format_to_a_file_says_the_same_one_line(tmp_path: Path, fmt: str) -> None:
    """It says "Wrote N of TOTAL studies to FILE" once, whatever the format."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    responses.get(f"{API}/version", json=load_json("version.json"))
    target = tmp_path / f"out.{fmt}"
    # Wide enough that a long temporary path (as under pytest-xdist) is not wrapped.
    wide = {"COLUMNS": "500"}
    result = invoke("search", "-c", "ALL", "-f", fmt, "-o", str(target), "--no-cache", env=wide)
    assert result.exit_code == 0, result.stderr
    wrote = [line for line in result.stderr.splitlines() if "Wrote" in line or "Showing" in line]
    assert wrote == [f"Wrote 2 of 2 studies to {target}."]
    assert target.stat().st_size > 0


@responses.activate
def test_html_page_to_file(tmp_path: Path) -> None:
    """It writes the HTML page to the file named by -o and says so on stderr."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    responses.get(f"{API}/version", status=503)
    target = tmp_path / "for-my-doctor.html"
    result = invoke("search", "-c", "ALL", "-f", "html", "-o", str(target), env={"COLUMNS": "500"})
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"Wrote 2 of 2 studies to {target}." in result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "NCT04994717" in page
    assert "not known (the API could not be asked)" in page


@responses.activate
def test_failed_search_leaves_no_file(tmp_path: Path) -> None:
    """It creates the output file only once the data has arrived."""
    responses.get(STUDIES, status=400, body="Error parsing query")
    target = tmp_path / "out.csv"
    result = invoke("search", "-c", "x(", "-f", "csv", "-o", str(target))
    assert result.exit_code == 2
    assert not target.exists()


@responses.activate
def test_unwritable_output_is_usage_error(tmp_path: Path) -> None:
    """It refuses an output path it cannot write, with one line and exit 2."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    result = invoke("search", "-c", "ALL", "-o", str(tmp_path / "missing-dir" / "x.csv"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


@responses.activate
def test_limit_cut_is_stated() -> None:
    """It says when the limit cut the list."""
    page = load_json(SINGLE_PAGE)
    page["studies"] = page["studies"][:1]
    page["totalCount"] = 57
    responses.get(STUDIES, json=page)
    result = invoke("search", "-c", "ALL", "-n", "1")
    assert "Showing 1 of 57 studies. The list was cut at --limit 1" in result.stdout
    assert responses.calls[0].request.params["pageSize"] == "1"


@responses.activate
def test_limit_all_fetches_every_page() -> None:
    """It takes 'all' as no limit and asks for the largest pages."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    result = invoke("search", "-c", "ALL", "--limit", "all", "-f", "jsonl")
    assert result.exit_code == 0
    assert responses.calls[0].request.params["pageSize"] == "1000"


@responses.activate
def test_zero_results_exit_0_with_note() -> None:
    """It exits 0 when nothing matched, and says so."""
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    result = invoke("search", "-c", "unheard-of disease")
    assert result.exit_code == 0
    assert "No studies matched" in result.stdout


@responses.activate
def test_skipped_study_named_on_stderr() -> None:
    """It names the study it could not read, and shows the others."""
    responses.get(STUDIES, json=load_json("search_page_one_malformed_study.json"))
    result = invoke("search", "-c", "ALL")
    assert result.exit_code == 0
    assert "1 study could not be read: record #2" in result.stderr
    assert "NCT03914625" in result.stdout and "NCT04994717" in result.stdout


@responses.activate
def test_show_prints_the_whole_study() -> None:
    """It shows one study in full, with its link and the reminder."""
    responses.get(f"{STUDIES}/NCT02013167", json=load_json(STUDY))
    result = invoke("show", "nct02013167")
    assert result.exit_code == 0
    assert "Inclusion Criteria:" in result.stdout
    assert "https://clinicaltrials.gov/study/NCT02013167" in result.stdout
    assert STUDY_DISCLAIMER in flat(result.stdout)
    assert "whether this trial fits you" in STUDY_DISCLAIMER


@responses.activate
def test_show_json() -> None:
    """It gives the study as JSON with --format json."""
    responses.get(f"{STUDIES}/NCT02013167", json=load_json(STUDY))
    result = invoke("show", "NCT02013167", "--format", "json")
    assert json.loads(result.stdout)["eligibility"]["maximum_age"] == "80 Years"


@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (404, load_text("error_404_study_not_found.txt"), 3, "No study with ID NCT99999999"),
        (400, load_text("error_400_invalid_overall_status.txt"), 2, "Invalid value in parameter"),
        (500, "Internal error", 1, "HTTP 500"),
        (403, "Forbidden", 1, "HTTP 403"),
    ],
)
@responses.activate
def test_show_api_errors_map_to_exit_codes(status: int, body: str, code: int, message: str) -> None:
    """It maps each API failure to its exit code and one line."""
    responses.get(f"{STUDIES}/NCT99999999", body=body, status=status)
    result = invoke("show", "NCT99999999")
    assert result.exit_code == code
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


@responses.activate
def test_search_api_404_is_a_failure_not_a_missing_study() -> None:
    """It blames the API URL, not a study, when the search endpoint is missing."""
    responses.get("http://127.0.0.1:1/wrong/studies", status=404, body="Not Found")
    result = invoke("search", "-c", "x", "--api-url", "http://127.0.0.1:1/wrong")
    assert result.exit_code == 1
    assert "check the API URL (--api-url)" in result.stderr
    assert "?" not in result.stderr and len(result.stderr) < 160  # one short line, no query


@responses.activate
def test_api_url_option_and_env() -> None:
    """It sends requests to --api-url, or to TRIALFINDER_API_URL when no option is given."""
    responses.get("http://127.0.0.1:8000/api/v2/studies", json=load_json(SINGLE_PAGE))
    assert invoke("search", "-c", "ALL", "--api-url", "http://127.0.0.1:8000/api/v2").exit_code == 0
    env = {"TRIALFINDER_API_URL": "http://127.0.0.1:8000/api/v2/"}
    assert invoke("search", "-c", "ALL", "--no-cache", env=env).exit_code == 0
    assert len(responses.calls) == 2


def test_version() -> None:
    """It prints its version."""
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_help_lists_commands_and_examples() -> None:
    """It explains itself, with examples, for each command."""
    assert "search" in invoke("--help").stdout
    search_help = invoke("search", "--help").stdout
    assert "a study must match all of them" in search_help
    assert "trialfinder search --condition ALL --intervention blinatumomab" in search_help
    assert "trialfinder show NCT02013167" in invoke("show", "--help").stdout


def test_python_dash_m() -> None:
    """It runs as python -m trialfinder."""
    done = subprocess.run(
        [sys.executable, "-m", "trialfinder", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and __version__ in done.stdout


@responses.activate
def test_filters_are_disclosed_in_plain_words() -> None:
    """It says which filters were applied, in words a patient can read."""
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    result = invoke("search", "-c", "ALL", "--status", "recruiting", "--age", "67")
    out = flat(result.stdout)
    assert "Filters: status: recruiting; age: 67 years, overlapping the registered range" in out
    assert "filter.advanced" not in out


@pytest.mark.parametrize(
    ("typed", "minimum", "maximum", "shown"),
    [
        ("0", "1 years", "0 years", "age: 0 years"),
        ("20m", "21 months", "20 months", "age: 20 months"),
        ("6w", "7 weeks", "6 weeks", "age: 6 weeks"),
        ("10d", "11 days", "10 days", "age: 10 days"),
        ("2y", "3 years", "2 years", "age: 2 years"),
    ],
)
@responses.activate
def test_age_zero_and_units_reach_the_filter_and_the_notes(
    typed: str, minimum: str, maximum: str, shown: str
) -> None:
    """It never drops --age 0 as "not given"; units reach the API and the pre-check."""
    responses.get(STUDIES, json=load_json("search_hand_made_note_cases_7studies.json"))
    result = invoke("search", "-c", "x", "--status", "all", "--age", typed)
    assert result.exit_code == 0, result.output
    sent = responses.calls[0].request.params["filter.advanced"]
    assert f"AREA[MinimumAge]RANGE[MIN, {minimum}]" in sent
    assert f"AREA[MaximumAge]RANGE[{maximum}, MAX]" in sent
    out = flat(result.stdout)
    assert f"Filters: status: any; {shown}, overlapping the registered range" in out
    assert f"Registered limits: {shown.replace(': ', ' ')}:" in out


@responses.activate
def test_show_gives_the_staleness_note_and_a_one_study_reminder() -> None:
    """It warns that a record may be out of date, as the list does, in text and JSON."""
    page = load_json("search_hand_made_note_cases_7studies.json")
    unknown = page["studies"][6]  # status UNKNOWN, verified 2023
    responses.get(f"{STUDIES}/NCT09100007", json=unknown)
    text = flat(invoke("show", "NCT09100007").stdout)
    assert (
        "May be out of date: status UNKNOWN: the sponsor has not confirmed it (status last "
        "verified 2023); ask the study team"
    ) in text
    assert "Study type: Expanded access: a way to receive a treatment outside a clinical " in text
    assert text.endswith(STUDY_DISCLAIMER) and DISCLAIMER not in text
    result = invoke("show", "NCT09100007", "--format", "json")
    stale = json.loads(result.stdout)["notes"]["stale"]
    assert stale["reason"] == "status_unknown" and stale["verified_through"] == "2023-12-31"
    assert flat(result.stderr) == STUDY_DISCLAIMER


# -- every output says what was searched ---------------------------------------------------


@responses.activate
@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "json", "jsonl", "csv"])
def test_every_output_says_what_was_searched(fmt: str) -> None:
    """Words, treatments joined with 'and', every filter, the expansions and the link's gaps.

    Human formats open with it; JSON carries it as fields; JSONL and CSV print it on stderr.
    """
    responses.get(STUDIES, json=load_json(SINGLE_PAGE))
    responses.get(f"{API}/version", json=load_json("version.json"))
    result = invoke(
        "search", "-c", "ALL", "-i", "radiation", "-i", "Keytruda", "-t", "relapsed",
        "--phase", "2", "--age", "40", "-f", fmt,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = [
        "Condition: ALL",
        "Treatments: radiation and Keytruda",
        "Other term: relapsed",
        "Searched for: ALL → acute lymphoblastic leukemia",
        "Searched for: Keytruda → Keytruda, pembrolizumab (FDA label: Keytruda)",
        "Filters: status: recruiting, not yet recruiting, enrolling by invitation; phase: 2; "
        "age: 40 years",
        "The website link leaves out: status enrolling by invitation; age 40 years exactly",
    ]
    if fmt == "json":
        searched = json.loads(result.stdout)["searched"]
        assert searched["conditions"] == ["ALL"]
        assert searched["interventions"] == ["radiation", "Keytruda"]
        assert searched["terms"] == ["relapsed"]
        assert searched["website_left_out"][0] == "status enrolling by invitation"
        text = "\n".join(searched["lines"]) + "\n" + result.stderr
    elif fmt in ("jsonl", "csv"):
        text = result.stderr
        assert "Condition: ALL" not in result.stdout
    else:
        text = flat(result.stdout) if fmt != "table" else result.stdout
        head = text[: text.index("NCT0")]
        for line in expected[:3]:
            assert line in head, (fmt, line)
    for line in expected:
        assert line in flat(text), (fmt, line)
