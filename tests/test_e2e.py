"""End to end: the installed ``trialfinder`` command against a replay server on 127.0.0.1.

These go through real sockets, timeouts, pacing and retries, which ``responses`` skips.
"""

from __future__ import annotations

import json
import re
import socket

import pytest

from conftest import SHARED_CTGOV, flat, load_json, run_cli
from replay_server import ReplayServer, Reply
from trialfinder.query.pieces import LIST_FIELDS
from trialfinder.render.words import DISCLAIMER

PAGE1 = "search_myeloma_radiation_pembrolizumab_page1_of_3.json"
PAGE2 = "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json"
PAGE3 = "search_myeloma_radiation_pembrolizumab_page3_of_3.json"
SINGLE = "search_all_blinatumomab_single_page.json"
SINGLE_IDS = ["NCT03914625", "NCT04994717"]
MYELOMA_IDS = ["NCT02013167", "NCT03104439", "NCT04425434", "NCT05099003", "NCT06000005"]


def ids_in(text: str) -> list[str]:
    return re.findall(r"^(NCT\d{8})  ", text, flags=re.MULTILINE)


def assert_one_line_error(stderr: str, fragment: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("trialfinder: error: ") and fragment in lines[0], stderr
    assert "Traceback" not in stderr


def test_search_three_pages(server: ReplayServer) -> None:
    """It fetches every page with identical parameters and prints each study once."""
    server.add(
        "/studies",
        Reply.fixture(PAGE1),
        Reply.fixture(PAGE2),
        Reply.fixture(PAGE3),
        Reply.fixture("search_page_empty_with_token.json"),
    )
    done = run_cli(
        "search",
        "-c",
        "multiple myeloma",
        "-i",
        "radiation",
        "-i",
        "pembrolizumab",
        "--limit",
        "50",
        "--api-url",
        server.url,
    )
    assert done.returncode == 0, done.stderr
    assert ids_in(done.stdout) == MYELOMA_IDS
    assert "Showing 5 of 5 studies." in done.stdout and DISCLAIMER in flat(done.stdout)
    assert done.stderr == ""
    sent = [params for _, params, _ in server.requests]
    # The API counted 5 studies: once 5 are in, the empty page it still points to is not asked.
    assert len(sent) == 3
    first = sent[0]
    assert first == {
        "query.cond": "multiple myeloma",
        "query.intr": "radiation AND pembrolizumab",
        "filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION",
        "sort": "@relevance",
        "pageSize": "50",
        "countTotal": "true",
        "fields": ",".join(LIST_FIELDS),
    }
    for later in sent[1:]:
        assert {k: v for k, v in later.items() if k != "pageToken"} == first
    assert [p.get("pageToken") for p in sent[1:]] == [
        "NF0g5JGBlPMq-token-page2",
        "NF0g5JGBlPMq-token-page3",
    ]
    user_agent = server.requests[0][2].get("User-Agent", "")
    assert user_agent.startswith("trialfinder/")


def test_search_json_via_env_api_url(server: ReplayServer) -> None:
    """It reads the API URL from the environment and writes clean JSON to stdout."""
    server.add("/studies", Reply.fixture(SINGLE))
    done = run_cli(
        "search",
        "-c",
        "ALL",
        "-i",
        "blinatumomab",
        "-f",
        "json",
        env={"TRIALFINDER_API_URL": server.url},
    )
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert [s["nct_id"] for s in data["studies"]] == SINGLE_IDS
    assert DISCLAIMER in flat(done.stderr)


def test_show(server: ReplayServer) -> None:
    """It shows one study in full."""
    server.add(
        "/studies/NCT02013167",
        Reply.fixture("study_NCT02013167_pembrolizumab_radiation_myeloma.json"),
    )
    done = run_cli("show", "nct02013167", "--api-url", server.url)
    assert done.returncode == 0
    assert "Sites (2)" in done.stdout and "Inclusion Criteria:" in done.stdout
    assert server.requests[0][0] == "/api/v2/studies/NCT02013167"


def test_show_unknown_study_exit_3(server: ReplayServer) -> None:
    """It says the study was not found and exits 3."""
    server.add("/studies/NCT99999999", Reply.fixture("error_404_study_not_found.txt", status=404))
    done = run_cli("show", "NCT99999999", "--api-url", server.url)
    assert done.returncode == 3
    assert_one_line_error(done.stderr, "No study with ID NCT99999999 was found")
    assert done.stdout == ""


# -- faults --------------------------------------------------------------------------------


def good_page() -> Reply:
    return Reply.fixture(SINGLE)


#: Answers long after any --timeout the tests give: every request for it really times out.
#: (The server thread sleeping through it is a daemon; the test does not wait for it.)
NEVER_IN_TIME = 30.0
#: --timeout where the test does not wait one out: ample for the local server's answer.
AMPLE = "10"


@pytest.mark.parametrize(
    ("name", "first_replies", "timeout"),
    [
        (
            "429 twice with Retry-After",
            [Reply(status=429, headers={"Retry-After": "1"}, body=b"slow down")] * 2,
            AMPLE,
        ),
        ("503 once", [Reply(status=503, body=b"unavailable")], AMPLE),
        ("connection closed", [Reply(close_without_answer=True)], AMPLE),
        ("HTML page with 200", [Reply.fixture("error_503_html_maintenance.html")], AMPLE),
        # The retry's answer must come within the timeout: 0.5 s is ample for the local server.
        (
            "slow answer",
            [Reply(delay=NEVER_IN_TIME, body=json.dumps(load_json(SINGLE)).encode())],
            "0.5",
        ),
    ],
)
def test_passing_faults_end_in_complete_data(
    server: ReplayServer, name: str, first_replies: list[Reply], timeout: str
) -> None:
    """It retries a passing fault and returns every study exactly once."""
    server.add("/studies", *first_replies, good_page())
    done = run_cli("search", "-c", "ALL", "--timeout", timeout, "--api-url", server.url)
    assert done.returncode == 0, f"{name}: {done.stderr}"
    assert ids_in(done.stdout) == SINGLE_IDS
    assert "Traceback" not in done.stderr
    assert len(server.requests) == len(first_replies) + 1


@pytest.mark.parametrize(
    ("name", "reply", "fragment", "attempts"),
    [
        ("always 503", Reply(status=503, body=b"down"), "HTTP 503", 2),
        ("always 429", Reply(status=429, body=b"busy"), "HTTP 429", 2),
        ("always closes", Reply(close_without_answer=True), "Could not connect", 2),
        # Only this case waits out its timeouts: the shortest the command takes, twice.
        (
            "always slow",
            Reply(delay=NEVER_IN_TIME, body=b"{}"),
            "did not answer within 0.1 seconds",
            2,
        ),
        (
            "always HTML",
            Reply.fixture("error_503_html_maintenance.html"),
            "web page instead of data",
            2,
        ),
        (
            "truncated JSON",
            Reply(body=b'{"totalCount": 2, "studies": [{"protocolSection": {"ident'),
            "not valid JSON",
            1,
        ),
        ("500 every time", Reply(status=500, body=b"Internal Server Error"), "HTTP 500", 2),
        (
            "400 query error",
            Reply.fixture("error_400_intervention_query_parse.txt", status=400),
            "Error parsing query in Intervention / treatment",
            1,
        ),
    ],
)
def test_lasting_faults_end_in_one_line_errors(
    server: ReplayServer, name: str, reply: Reply, fragment: str, attempts: int
) -> None:
    """It gives up cleanly: one line, the right exit code, no traceback."""
    server.add("/studies", reply)
    done = run_cli(
        "search",
        "-i",
        "pembrolizumab",
        "--timeout",
        "0.1" if name == "always slow" else AMPLE,
        "--retries",
        "2",
        "--api-url",
        server.url,
    )
    expected = 2 if "400" in name else 1
    assert done.returncode == expected, f"{name}: {done.stderr}"
    assert_one_line_error(done.stderr, fragment)
    assert done.stdout == ""
    assert len(server.requests) == attempts


def test_one_malformed_study_among_good_ones(server: ReplayServer) -> None:
    """It shows the good studies once each and names the one it could not read."""
    server.add("/studies", Reply.fixture("search_page_one_malformed_study.json"))
    done = run_cli("search", "-c", "ALL", "--api-url", server.url)
    assert done.returncode == 0
    assert ids_in(done.stdout) == SINGLE_IDS
    assert done.stderr.strip() == "1 study could not be read: record #2"


def test_nothing_listening_is_a_network_error() -> None:
    """It reports an API that refuses connections, exit 1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli(
        "search", "-c", "x", "--retries", "1", "--api-url", f"http://127.0.0.1:{port}/api/v2"
    )
    assert done.returncode == 1
    assert_one_line_error(done.stderr, "Could not connect to the API at 127.0.0.1")


# -- real recorded responses ---------------------------------------------------------------

needs_shared = pytest.mark.skipif(not SHARED_CTGOV.is_dir(), reason="../shared/ctgov is not here")


@needs_shared
def test_real_two_page_search(server: ReplayServer) -> None:
    """It follows a real nextPageToken across real recorded pages."""
    search_dir = SHARED_CTGOV / "search"
    page1 = (search_dir / "biomcp_search_cond_phelan_pageSize5_page1.json").read_bytes()
    page2 = (search_dir / "biomcp_search_cond_phelan_pageSize5_page2.json").read_bytes()
    token = json.loads(page1)["nextPageToken"]
    server.add("/studies", Reply(body=page2), params={"pageToken": token})
    server.add(
        "/studies",
        Reply(body=b'{"studies": []}'),
        params={"pageToken": json.loads(page2)["nextPageToken"]},
    )
    server.add("/studies", Reply(body=page1))
    done = run_cli(
        "search", "-c", "Phelan-McDermid Syndrome", "-f", "jsonl", "--api-url", server.url
    )
    assert done.returncode == 0, done.stderr
    studies = [json.loads(line) for line in done.stdout.splitlines()]
    expected = [
        s["protocolSection"]["identificationModule"]["nctId"]
        for page in (page1, page2)
        for s in json.loads(page)["studies"]
    ]
    assert [s["nct_id"] for s in studies] == expected
    assert "Wrote 10 of 21 studies. The API sent fewer studies than it counted" in done.stderr


@needs_shared
def test_real_study_show(server: ReplayServer) -> None:
    """It shows a real recorded study record."""
    path = (
        SHARED_CTGOV
        / "studies"
        / "tsa_study_NCT06727552_atopic_dermatitis_barzolvolimab_active_not_recruiting.json"
    )
    server.add("/studies/NCT06727552", Reply(body=path.read_bytes()))
    done = run_cli("show", "NCT06727552", "--api-url", server.url)
    assert done.returncode == 0
    assert "A Study of Barzolvolimab in Patients With Atopic Dermatitis" in done.stdout
    assert "Active, not recruiting" in done.stdout
    assert "Cahaba Dermatology" in done.stdout
