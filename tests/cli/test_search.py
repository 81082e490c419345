"""Tests for trialfinder.cli.search: what the search command sends, writes as it goes, says."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from typing import Any

import pytest
import responses
from click.testing import CliRunner

from conftest import API, STUDIES_URL, invoke_cli, trialfinder_command
from conftest import serve_paged as _serve
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder.cli.main import cli
from trialfinder.query.pieces import LIST_FIELDS

LIST_FIELDS_PARAM = ",".join(LIST_FIELDS)
OPEN = "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"
PAGES = [
    "search_myeloma_radiation_pembrolizumab_page1_of_3.json",
    "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json",
    "search_myeloma_radiation_pembrolizumab_page3_of_3.json",
]


def _serve_pages(server: ReplayServer) -> None:
    token = "NF0g5JGBlPMq-token-page{}"
    server.add("/studies", Reply.fixture(PAGES[1]), params={"pageToken": token.format(2)})
    server.add("/studies", Reply.fixture(PAGES[2]), params={"pageToken": token.format(3)})
    server.add(
        "/studies", Reply.fixture("search_no_results.json"), params={"pageToken": token.format(4)}
    )
    server.add("/studies", Reply.fixture(PAGES[0]))


def test_filters_reach_the_server_exactly(server: ReplayServer) -> None:
    """It sends every filter as the exact parameters, and no phase trap."""
    _serve_pages(server)
    proc = invoke_cli(
        "search", "-c", "multiple myeloma", "-i", "radiation", "-i", "Keytruda",
        "--phase", "1/2,2", "--age", "67", "--sex", "female", "--country", "United States",
        "--near", "44.02,-92.47", "--radius", "100", "--sort", "updated",
        "--format", "json", "--api-url", server.url,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first = server.requests[0][1]
    assert first == {
        "query.cond": "multiple myeloma",
        "query.intr": "radiation AND (Keytruda OR pembrolizumab)",
        "query.locn": '"United States"',
        "filter.overallStatus": OPEN,
        "filter.geo": "distance(44.02,-92.47,100mi)",
        "filter.advanced": (
            "(AREA[Phase]((PHASE1 AND PHASE2) OR PHASE2)) AND "
            '(AREA[Sex]FEMALE OR AREA[Sex]"ALL") AND '
            "((AREA[MinimumAge]RANGE[MIN, 68 years] OR AREA[MinimumAge]MISSING) AND "
            "(AREA[MaximumAge]RANGE[67 years, MAX] OR AREA[MaximumAge]MISSING))"
        ),
        "sort": "LastUpdatePostDate:desc",
        "pageSize": "20",
        "countTotal": "true",
        # The list view asks only for the fields it shows.
        "fields": ",".join(LIST_FIELDS),
    }
    # Later pages repeat the first page's parameters exactly.
    assert len(server.requests) == 3
    assert all(
        {k: v for k, v in p.items() if k != "pageToken"} == first for _, p, _ in server.requests
    )
    doc = json.loads(proc.stdout)
    assert [e["text"] for e in doc["expansions"]] == [
        "Keytruda → Keytruda, pembrolizumab (FDA label: Keytruda)",
    ]
    notes = {s["nct_id"]: s["notes"] for s in doc["studies"]}
    assert notes["NCT02013167"]["combination"]["together_arms"] == ["Pembrolizumab + RT"]
    assert notes["NCT03104439"]["combination"]["together_arms"] == []
    keytruda = notes["NCT03104439"]["combination"]["agents"][1]
    assert (keytruda["agent"], keytruda["state"], keytruda["arms"]) == (
        "Keytruda",
        "named",
        ["Pembrolizumab"],
    )
    assert keytruda["matched_names"] == ["Pembrolizumab"]
    assert notes["NCT03104439"]["combination"]["verdict"] == "different_arms"
    assert notes["NCT03104439"]["combination"]["text"].startswith(
        "radiation + Keytruda only in different arms: radiation in arm 'Radiation'"
    )
    assert notes["NCT02013167"]["nearest_site"]["nearest"]["city"] == "Rochester"
    assert notes["NCT02013167"]["nearest_site"]["nearest"]["status"] == "RECRUITING"
    assert notes["NCT02013167"]["age_check"] == {
        "asked": "67 years",
        "verdict": "within",
        "minimum_age": "18 Years",
        "maximum_age": "80 Years",
        "reason": None,
    }
    assert notes["NCT02013167"]["sex_check"] == {
        "asked": "FEMALE",
        "verdict": "within",
        "registered": "ALL",
    }
    assert "Searched for: Keytruda → Keytruda, pembrolizumab (FDA label: Keytruda)" in proc.stderr
    assert "Near: 44.02,-92.47, within 100 miles." in proc.stderr


def test_table_discloses_expansions_and_combinations(server: ReplayServer) -> None:
    """It tells people what was searched and whether the treatments share an arm."""
    _serve_pages(server)
    proc = invoke_cli(
        "search", "-c", "ALL", "-i", "radiation", "-i", "Keytruda", "--api-url", server.url
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())  # lines are wrapped to the terminal
    assert "Searched for: ALL → acute lymphoblastic leukemia, acute lymphocytic" in text
    assert (
        "Arms: radiation + Keytruda together in arm 'Pembrolizumab + RT' "
        "(Keytruda as 'Pembrolizumab')"
    ) in text
    assert (
        "Arms: radiation + Keytruda only in different arms: radiation in arm 'Radiation'; "
        "Keytruda (as 'Pembrolizumab') in arm 'Pembrolizumab'"
    ) in text
    assert "May be out of date: status UNKNOWN" in text
    assert "eligible" not in text.lower()


def test_no_expand_sends_as_typed(server: ReplayServer) -> None:
    """It sends exactly what was typed with --no-expand, and reports no expansion."""
    server.add("/studies", Reply.fixture("search_no_results.json"))
    proc = invoke_cli(
        "search", "-c", "ALL", "--no-expand", "--status", "all", "--api-url", server.url
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert server.requests[0][1]["query.cond"] == "ALL"
    assert "Searched for:" not in proc.stdout


def test_zero_results_say_which_filter_to_loosen(server: ReplayServer) -> None:
    """It counts the matches without each filter when a filtered search finds nothing."""
    counted = json.dumps({"studies": [], "totalCount": 12}).encode()
    server.add("/studies", Reply(body=counted), params={"pageSize": "1"})
    server.add("/studies", Reply.fixture("search_no_results.json"))
    proc = invoke_cli("search", "-c", "myeloma", "--phase", "4", "--api-url", server.url)
    assert proc.returncode == 0, proc.stderr
    sent = [p for _, p, _ in server.requests]
    assert len(sent) == 3
    assert (
        "filter.overallStatus" not in sent[1] and sent[1]["filter.advanced"] == "AREA[Phase]PHASE4"
    )
    assert "filter.advanced" not in sent[2] and sent[2]["filter.overallStatus"] == OPEN
    text = " ".join(proc.stdout.split())
    assert (
        "Without the status filter (recruiting, not yet recruiting, enrolling by invitation): "
        "12 studies match; try --status all."
    ) in text
    assert "Without the phase/type/sex/age filters: 12 studies match; try without --phase." in text


def test_bad_filter_exits_2_before_sending(server: ReplayServer) -> None:
    """It refuses a bad filter value in one line, listing valid values, and sends nothing."""
    for args, expected in [
        (("--phase", "5"), "Unknown phase '5'"),
        (("--status", "recruitng"), "Unknown status 'recruitng'"),
        (("--type", "trial"), "Unknown study type 'trial'"),
        (("--sort", "newest"), "Unknown sort 'newest'"),
        (("--radius", "10"), "A radius (--radius) needs a place to measure from (--near)"),
        (("--near", "Springfield"), "could be several places: Springfield, MO, US"),
        (("--near", "00000"), "Unknown US ZIP code 00000"),
    ]:
        proc = invoke_cli("search", "-c", "myeloma", *args, "--api-url", server.url)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("trialfinder: error: ") and expected in proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert server.requests == []


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "markdown"])
def test_list_views_ask_only_for_list_fields(no_pacing: None, fmt: str) -> None:
    """It sends fields=LIST_FIELDS, exactly, for every list format."""
    api = PagedApi(3)
    with responses.RequestsMock() as rsps:
        _serve(rsps, api)
        result = CliRunner().invoke(cli, ["search", "-c", "melanoma", "-f", fmt, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert [r.get("fields") for r in api.requests] == [LIST_FIELDS_PARAM]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl"])
def test_full_asks_for_whole_records(no_pacing: None, fmt: str) -> None:
    """It sends no fields parameter with --full."""
    api = PagedApi(3)
    with responses.RequestsMock() as rsps:
        _serve(rsps, api)
        result = CliRunner().invoke(
            cli, ["search", "-c", "melanoma", "-f", fmt, "--full", "--no-cache"]
        )
    assert result.exit_code == 0, result.output
    assert len(api.requests) == 1
    assert "fields" not in api.requests[0]


def test_jsonl_streams_every_study_as_one_line(no_pacing: None) -> None:
    """It writes 2,500 studies as 2,500 JSON lines in 3 requests, notices on stderr."""
    api = PagedApi(2500)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        result = CliRunner().invoke(
            cli, ["search", "-c", "melanoma", "-n", "all", "-f", "jsonl", "--no-cache"]
        )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2500
    assert [json.loads(line)["nct_id"] for line in lines[:2]] == ["NCT00000001", "NCT00000002"]
    assert len(api.requests) == 3
    assert "Wrote 2,500 of 2,500 studies." in result.stderr
    assert "Fetched" not in result.stderr  # stderr is not a terminal: no progress line


def test_csv_streams_a_header_and_one_row_per_study(no_pacing: None) -> None:
    """It writes the CSV header once and a row per study, cut at the limit."""
    api = PagedApi(5000)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        result = CliRunner().invoke(
            cli, ["search", "-c", "melanoma", "-n", "1500", "-f", "csv", "--no-cache"]
        )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "nct_id"
    assert len(rows) == 1501
    assert len(api.requests) == 2
    assert "The list was cut at --limit 1500" in result.stderr


def test_ctrl_c_stops_the_command_with_whole_lines_and_exit_130() -> None:
    """It exits 130 after SIGINT, stdout holding only whole JSON lines, no traceback."""
    first = PagedApi(100).page({"pageSize": "1000", "countTotal": "true"})
    first["studies"] = first["studies"][:50]
    first["nextPageToken"] = "50"
    with ReplayServer() as server:
        server.add("/studies", Reply(body=b"{}", delay=30), params={"pageToken": "50"})
        server.add("/studies", Reply(body=json.dumps(first).encode()))
        # The test's environment: no API URL, a config and cache of its own, no pacing (the
        # second page is asked for at once).
        process = subprocess.Popen(
            [
                *trialfinder_command(),
                "search",
                "-c",
                "melanoma",
                "-n",
                "all",
                "-f",
                "jsonl",
                "--api-url",
                server.url,
                "--no-cache",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(server.requests) == 2, "the second page was never asked for"
        # The command writes page one's 50 lines before it asks for page two, in one thread:
        # the signal arrives while it waits for the network, with every line written.
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    text = stdout.decode()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == 50
    assert all(json.loads(line)["nct_id"].startswith("NCT") for line in lines)
    assert "interrupted" in stderr.decode()
    assert "Traceback" not in stderr.decode()


def test_a_document_cut_short_by_a_failure_leaves_no_file(no_pacing: None, tmp_path: Any) -> None:
    """It removes the -o file of a table, json or page whose second page failed."""
    api = PagedApi(1500)

    def first_page_only(request: Any) -> tuple[int, dict[str, str], str]:
        if "pageToken" in request.url:
            return 400, {"Content-Type": "text/plain"}, "Invalid pageToken"
        return api.callback(request)

    for fmt in ("table", "json", "markdown", "html"):
        target = tmp_path / f"out.{fmt}"
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            rsps.add_callback(responses.GET, STUDIES_URL, callback=first_page_only)
            rsps.add(responses.GET, API + "/version", json={"dataTimestamp": "2026-01-01"})
            result = CliRunner().invoke(
                cli,
                ["search", "-c", "melanoma", "-n", "1500", "-f", fmt, "-o", str(target)],
            )
        assert result.exit_code == 2, (fmt, result.stderr)
        assert not target.exists(), fmt


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl"])
def test_output_is_the_same_with_pythonunbuffered(server: ReplayServer, fmt: str) -> None:
    """It writes the same bytes to a pipe whether or not Python's streams are unbuffered."""
    server.add("/studies", Reply(body=json.dumps(PagedApi(60).page({"pageSize": "60"})).encode()))
    command = [*trialfinder_command(), "search", "-c", "melanoma", "-n", "60", "-f", fmt]
    command += ["--api-url", server.url, "--no-cache"]
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    # The two runs are independent: start both, then read each in turn.
    runs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for env in (buffered, {**buffered, "PYTHONUNBUFFERED": "1"})
    ]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert outputs[0].count("NCT000000") >= 60
