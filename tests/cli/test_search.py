"""Tests for trialfinder.cli.search: the filters and fields the search command sends, its words."""

from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner

from conftest import invoke_cli
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
