"""Tests for trialfinder.api: search, iter_studies, explain_search, count_studies, timestamps."""

from __future__ import annotations

import json

import pytest
import responses

from conftest import load_json
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder import count_studies, explain_search, iter_studies, search
from trialfinder.api import data_timestamp
from trialfinder.errors import InvalidQuery, ServerError
from trialfinder.http.client import Client
from trialfinder.models.results import SearchPlan, SearchResult
from trialfinder.query.pieces import LIST_FIELDS

SINGLE = "search_all_blinatumomab_single_page.json"
#: What a search reads from the API, beside what it planned to ask.
FETCHED = {"studies", "total_count", "limit", "skipped", "notes", "loosen"}


def test_every_field_of_a_result_is_planned_or_fetched() -> None:
    """It keeps "what was searched" in SearchPlan, so explain_search reports all of it."""
    planned = set(SearchPlan.model_fields)
    assert set(SearchResult.model_fields) - planned == FETCHED, (
        "a new SearchResult field that says what was searched belongs in SearchPlan"
    )


@pytest.mark.usefixtures("no_pacing")
def test_explain_search_is_what_search_sends(server: ReplayServer) -> None:
    """It plans exactly what search then sends and reports, without sending anything."""
    arguments = {
        "condition": "ALL",
        "intervention": "Blincyto",
        "phase": "2,3",
        "age": 67,
        "near": "55905",
        "radius": "80km",
    }
    plan = explain_search(**arguments, fields=LIST_FIELDS)
    assert server.requests == []
    server.add("/studies", Reply.fixture(SINGLE))
    result = search(**arguments, fields=LIST_FIELDS, api_url=server.url)  # type: ignore[arg-type]
    assert plan == SearchPlan(**{name: getattr(result, name) for name in SearchPlan.model_fields})
    assert server.requests[0][1] == plan.params
    assert [e.describe() for e in plan.expansions] == [
        "ALL → acute lymphoblastic leukemia, acute lymphocytic leukemia, B-ALL, T-ALL, "
        "Ph+ ALL, pre-B ALL (NCI Thesaurus C3167; ALL alone is not searched: it is also a word)",
        "Blincyto → Blincyto, blinatumomab (FDA label: Blincyto)",
    ]
    assert plan.filters == [
        "status: recruiting, not yet recruiting, enrolling by invitation",
        "phase: 2, 3",
        "age: 67 years, overlapping the registered range",
    ]
    assert plan.near == "ZIP 55905 (Rochester, MN), within 49.7097 miles"


def test_explain_search_refuses_bad_input() -> None:
    """It raises InvalidQuery for a bad value and TypeError for an unknown argument."""
    with pytest.raises(InvalidQuery, match="Unknown status 'recruting'"):
        explain_search(condition="myeloma", status="recruting")
    with pytest.raises(TypeError, match="phases"):
        explain_search(condition="myeloma", phases="3")
    with pytest.raises(InvalidQuery, match="Nothing to search for"):
        explain_search()


@pytest.mark.usefixtures("no_pacing")
def test_count_studies_sends_one_small_request(server: ReplayServer) -> None:
    """It asks for the count and one study's NCT ID only, and returns the API's total."""
    server.add("/studies", Reply.fixture(SINGLE))
    with Client(server.url) as client:
        total = count_studies("ALL", "blinatumomab", status="recruiting", client=client)
        assert client.requests_sent == 1
    assert total == 2
    sent = server.requests[0][1]
    assert sent["pageSize"] == "1" and sent["countTotal"] == "true"
    # A whole record can weigh a megabyte (a thousand sites); the count needs none of it.
    assert sent["fields"] == "NCTId"
    assert sent["query.intr"] == "blinatumomab"
    assert sent["filter.overallStatus"] == "RECRUITING"


@pytest.mark.usefixtures("no_pacing")
def test_count_studies_without_a_count_and_on_failure(server: ReplayServer) -> None:
    """It returns None when the answer has no count, and raises the library's errors."""
    server.add("/studies", Reply(body=b'{"studies": []}'), params={"query.cond": "a"})
    server.add("/studies", Reply(status=503, body=b"busy"), params={"query.cond": "b"})
    assert count_studies("a", api_url=server.url) is None
    with Client(server.url, max_attempts=1) as client, pytest.raises(ServerError):
        count_studies("b", client=client)
    with pytest.raises(InvalidQuery, match="Unknown sex"):
        count_studies("a", sex="x", api_url=server.url)
    assert len(server.requests) == 2


@pytest.mark.usefixtures("no_pacing")
def test_search_exposes_expansions_and_notes(server: ReplayServer) -> None:
    """It returns what was searched and per-study notes along with the studies."""
    server.add("/studies", Reply.fixture("search_myeloma_radiation_pembrolizumab_page1_of_3.json"))
    result = search(
        condition="multiple myeloma",
        intervention=["radiation", "Keytruda"],
        age=67,
        near="Rochester, MN",
        limit=2,
        api_url=server.url,
    )
    assert [e.describe() for e in result.expansions] == [
        "Keytruda → Keytruda, pembrolizumab (FDA label: Keytruda)",
    ]
    assert server.requests[0][1]["filter.geo"] == "distance(44.02163,-92.4699,50mi)"
    assert result.near == "Rochester, MN, US, within 50 miles"
    notes = result.notes["NCT02013167"]
    assert notes.combination is not None
    assert notes.combination.together_arms == ["Pembrolizumab + RT"]
    assert notes.nearest_site is not None and notes.nearest_site.nearest is not None
    assert notes.nearest_site.nearest.miles == 0.0
    assert notes.age_check is not None and notes.age_check.verdict == "within"
    assert notes.sex_check is None


@pytest.mark.usefixtures("no_pacing")
def test_iter_studies_takes_the_same_filters(server: ReplayServer) -> None:
    """It streams with the same filters as search."""
    server.add("/studies", Reply.fixture("search_no_results.json"))
    with Client(server.url) as client:
        assert list(iter_studies("myeloma", phase="3", status="recruiting", client=client)) == []
    sent = server.requests[0][1]
    assert sent["filter.overallStatus"] == "RECRUITING"
    assert sent["filter.advanced"] == "AREA[Phase]PHASE3"


def test_bad_values_raise_before_any_request(server: ReplayServer) -> None:
    """It raises InvalidQuery for a bad filter, and TypeError for an unknown keyword."""
    with pytest.raises(InvalidQuery, match="Unknown sex"):
        search("myeloma", sex="x", api_url=server.url)
    with Client(server.url) as client, pytest.raises(TypeError, match="phases"):
        iter_studies("myeloma", phases="3", client=client)
    assert server.requests == []


def test_iter_studies_opens_and_closes_its_own_client(server: object) -> None:
    """It streams without a client given, against the API URL given."""
    from replay_server import Reply

    server.add(  # type: ignore[attr-defined]
        "/studies",
        Reply(body=json.dumps(PagedApi(3).page({"pageSize": "1000"})).encode()),
    )
    stream = iter_studies(
        condition="melanoma",
        api_url=server.url,  # type: ignore[attr-defined]
    )
    assert stream.client is None
    assert [s.nct_id for s in stream] == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert len(server.requests) == 1  # type: ignore[attr-defined]


def test_iter_studies_checks_the_api_url_before_any_request() -> None:
    """It rejects a malformed API URL when the stream is made, not when it is iterated."""
    with pytest.raises(InvalidQuery):
        iter_studies(condition="melanoma", api_url="ftp://example.org")


@responses.activate
def test_data_timestamp() -> None:
    """It reads the data refresh time from /version, and shrugs off a failure."""
    responses.get("https://clinicaltrials.gov/api/v2/version", json=load_json("version.json"))
    assert data_timestamp(client=Client(min_interval=0)) == "2026-11-20T09:00:05"
    responses.replace(responses.GET, "https://clinicaltrials.gov/api/v2/version", status=404)
    assert data_timestamp(client=Client(min_interval=0)) is None
