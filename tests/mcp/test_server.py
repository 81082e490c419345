"""Tests for trialfinder.mcp.server: the tools, called in process through the SDK's own client.

Each test starts :func:`trialfinder.mcp.server.build_server` over a real
:class:`~trialfinder.http.client.Client` pointed at a replay server on 127.0.0.1, and talks to it
with ``mcp.Client``: the same listing, argument validation and result conversion an
assistant's client gets.

The SDK, and the modules of ours that import it, are imported inside the tests that use them:
every xdist worker imports every test module to collect it, and the SDK takes ~0.5 s to import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from replay_server import ReplayServer, Reply
from trialfinder import explain_search
from trialfinder.filterspec import FILTER_NAMES
from trialfinder.http.cache import cached_session
from trialfinder.http.client import Client
from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.models.results import SearchPlan
from trialfinder.notes.annotate import staleness
from trialfinder.query.pieces import LIST_FIELDS
from trialfinder.render.words import DISCLAIMER, STUDY_DISCLAIMER

if TYPE_CHECKING:
    from mcp import Client as McpClient
    from mcp_types import CallToolResult

    Session = Callable[[McpClient], Awaitable[None]]

SINGLE = "search_all_blinatumomab_single_page.json"
SINGLE_IDS = ["NCT03914625", "NCT04994717"]
STUDY = "study_NCT02013167_pembrolizumab_radiation_myeloma.json"
WHAT = ("condition", "intervention", "term")
GUIDE = (Path(__file__).parents[2] / "docs" / "ai-assistant.md").read_text(encoding="utf-8")


def talk(client: Client, session: Session) -> None:
    """Run ``session`` against a server built over ``client``, in process."""
    from mcp import Client as McpClient

    from trialfinder.mcp.server import build_server

    async def main() -> None:
        async with McpClient(build_server(client)) as mcp_client:
            await session(mcp_client)

    anyio.run(main)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    assert result.structured_content is None
    (block,) = result.content
    text = getattr(block, "text", "")
    assert "\n" not in text and "Traceback" not in text, text
    return str(text)


@pytest.fixture
def client(server: ReplayServer) -> Client:
    """A client of the replay server that neither paces nor waits to retry."""
    return Client(server.url, min_interval=0, max_attempts=1)


def test_four_tools_with_the_library_names_and_the_reminder(client: Client) -> None:
    """It lists the four tools, with the library's argument names and typed output schemas."""
    from trialfinder.mcp.arguments import MAX_LIMIT

    tools: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        tools.update({tool.name: tool for tool in (await mcp.list_tools()).tools})

    talk(client, session)
    assert sorted(tools) == ["count_trials", "explain_search", "get_trial", "search_trials"]
    every_filter = {*WHAT, *FILTER_NAMES}
    assert set(tools["search_trials"].input_schema["properties"]) == every_filter | {"limit"}
    assert set(tools["explain_search"].input_schema["properties"]) == every_filter | {"limit"}
    # A count has no order and no limit: the tool does not pretend to take them.
    assert set(tools["count_trials"].input_schema["properties"]) == every_filter - {"sort"}
    assert set(tools["get_trial"].input_schema["required"]) == {"nct_id"}
    limit = tools["search_trials"].input_schema["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, MAX_LIMIT, 20)
    for name, tool in tools.items():
        assert "doctor" in tool.description, name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
        assert tool.annotations.read_only_hint is True, name
    for name in ("search_trials", "explain_search"):
        # Inherited from the library's SearchPlan: a new "what was searched" field shows up.
        assert set(SearchPlan.model_fields) <= set(tools[name].output_schema["properties"])


def test_the_server_does_not_present_clinicaltrials_gov_as_its_website(client: Client) -> None:
    """It names itself trialfinder and gives no website of ClinicalTrials.gov as its own:
    an assistant's client shows that link as the server's, and trialfinder is not theirs."""
    seen: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        seen["info"] = mcp.server_info

    talk(client, session)
    assert seen["info"].name == "trialfinder"
    assert "clinicaltrials.gov" not in (seen["info"].website_url or "")


def test_summary_fields_are_the_study_fields_of_the_same_name() -> None:
    """It takes each summary field from the library's Study, with the same type."""
    from trialfinder.mcp.server import TrialSummary

    shared = set(TrialSummary.model_fields) & set(Study.model_fields)
    assert set(TrialSummary.model_fields) - shared == {"site_count", "notes"}
    for name in shared:
        assert TrialSummary.model_fields[name].annotation == Study.model_fields[name].annotation


def test_search_trials(server: ReplayServer, client: Client) -> None:
    """It returns each study once with link and notes, what was searched, counts, reminder."""
    import jsonschema  # installed with the SDK

    server.add("/studies", Reply.fixture(SINGLE))
    found: dict[str, Any] = {}
    schema: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        tools = {tool.name: tool for tool in (await mcp.list_tools()).tools}
        schema.update(tools["search_trials"].output_schema or {})
        arguments = {"condition": "ALL", "intervention": ["Blincyto"], "phase": ["2", "3"]}
        found.update(structured(await mcp.call_tool("search_trials", arguments)))

    talk(client, session)
    jsonschema.validate(found, schema)
    assert [s["nct_id"] for s in found["studies"]] == SINGLE_IDS
    assert [s["url"] for s in found["studies"]] == [
        f"https://clinicaltrials.gov/study/{nct_id}" for nct_id in SINGLE_IDS
    ]
    first = found["studies"][0]
    assert first["notes"]["combination"]["together_arms"] == ["Arm B: chemotherapy + blinatumomab"]
    assert first["site_count"] == 2 and "locations" not in first
    assert found["reminder"] == DISCLAIMER
    assert (found["total_count"], found["returned"], found["truncated"]) == (2, 2, False)
    assert found["searched"] == [
        "Condition: ALL",
        "Treatment: Blincyto",
        "Searched for: ALL → acute lymphoblastic leukemia, acute lymphocytic leukemia, B-ALL, "
        "T-ALL, Ph+ ALL, pre-B ALL (NCI Thesaurus C3167; ALL alone is not searched: it is also "
        "a word)",
        "Searched for: Blincyto → Blincyto, blinatumomab (FDA label: Blincyto)",
        "Filters: status: recruiting, not yet recruiting, enrolling by invitation; phase: 2, 3",
    ]
    assert found["search_url"] == (
        "https://clinicaltrials.gov/search?cond=%22acute%20lymphoblastic%20leukemia%22%20OR%20"
        "%22acute%20lymphocytic%20leukemia%22%20OR%20%22B-ALL%22%20OR%20%22T-ALL%22%20OR%20"
        "%22Ph%2B%20ALL%22%20OR%20%22pre-B%20ALL%22&intr=Blincyto%20OR%20blinatumomab"
        "&aggFilters=status:rec%20not,phase:2%203"
    )
    (request,) = server.requests
    sent = request[1]
    assert sent == found["params"]
    assert sent["query.intr"] == "Blincyto OR blinatumomab"
    assert sent["fields"] == ",".join(LIST_FIELDS)
    assert sent["pageSize"] == "20"


def test_explain_search_sends_nothing(server: ReplayServer, client: Client) -> None:
    """It returns the library's plan for the same arguments, and no request goes out."""
    explained: dict[str, Any] = {}
    arguments = {"condition": "ALL", "near": "55905", "radius": 30, "limit": 5}

    async def session(mcp: McpClient) -> None:
        explained.update(structured(await mcp.call_tool("explain_search", arguments)))

    talk(client, session)
    assert server.requests == []
    plan = explain_search(**arguments, fields=LIST_FIELDS)  # type: ignore[arg-type]
    assert {k: explained[k] for k in SearchPlan.model_fields} == plan.model_dump(mode="json")
    assert explained["searched"][-1] == (
        "Near: ZIP 55905 (Rochester, MN), within 30 miles. "
        "Distances are city-level (site coordinates)."
    )


def test_count_trials_sends_one_small_request(server: ReplayServer, client: Client) -> None:
    """It counts with pageSize=1 and says what was counted."""
    server.add("/studies", Reply.fixture(SINGLE))
    counted: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        arguments = {"condition": "ALL", "status": "recruiting"}
        counted.update(structured(await mcp.call_tool("count_trials", arguments)))

    talk(client, session)
    assert counted["total_count"] == 2
    assert counted["searched"] == [
        "Condition: ALL",
        "Searched for: ALL → acute lymphoblastic leukemia, acute lymphocytic leukemia, B-ALL, "
        "T-ALL, Ph+ ALL, pre-B ALL (NCI Thesaurus C3167; ALL alone is not searched: it is also "
        "a word)",
        "Filters: status: recruiting",
    ]
    (request,) = server.requests
    assert request[1]["pageSize"] == "1" and request[1]["filter.overallStatus"] == "RECRUITING"


def test_get_trial_pages_its_sites(server: ReplayServer, client: Client) -> None:
    """It returns the whole study, its sites a page at a time with the way to the next."""
    server.add("/studies/NCT02013167", Reply.fixture(STUDY))
    pages: list[dict[str, Any]] = []

    async def session(mcp: McpClient) -> None:
        first = structured(await mcp.call_tool("get_trial", {"nct_id": "nct02013167"}))
        one = structured(
            await mcp.call_tool("get_trial", {"nct_id": "NCT02013167", "site_limit": 1})
        )
        rest = structured(
            await mcp.call_tool(
                "get_trial", {"nct_id": "NCT02013167", "site_offset": one["next_site_offset"]}
            )
        )
        pages.extend([first, one, rest])

    talk(client, session)
    whole, one, rest = pages
    assert whole["study"]["nct_id"] == "NCT02013167"
    assert whole["study"]["eligibility"]["criteria"]
    assert whole["study"]["arms"] and whole["study"]["central_contacts"] is not None
    assert (whole["site_count"], len(whole["study"]["locations"])) == (2, 2)
    assert whole["next_site_offset"] is None and whole["reminder"] == STUDY_DISCLAIMER
    assert (len(one["study"]["locations"]), one["next_site_offset"]) == (1, 1)
    assert rest["site_offset"] == 1 and rest["next_site_offset"] is None
    assert one["study"]["locations"] + rest["study"]["locations"] == whole["study"]["locations"]
    assert all("status" in site for site in whole["study"]["locations"])


def test_get_trial_says_when_the_record_may_be_out_of_date(
    server: ReplayServer, client: Client
) -> None:
    """It gives the staleness note that `trialfinder show` gives for the same record."""
    server.add("/studies/NCT02013167", Reply.fixture(STUDY))
    got: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        got.update(structured(await mcp.call_tool("get_trial", {"nct_id": "NCT02013167"})))

    talk(client, session)
    record = Study.model_validate(got["study"])
    assert got["notes"] == StudyNotes(stale=staleness(record)).model_dump(mode="json")
    # Verified 2025-10 in the fixture: more than a year before any day this test runs.
    assert got["notes"]["stale"]["reason"] == "not_verified_in_a_year"


def test_errors_are_one_line_tool_errors_and_serving_goes_on(
    server: ReplayServer, client: Client
) -> None:
    """It answers each bad call with the CLI's one-line message, then serves the next call."""
    server.add("/studies", Reply(status=503, body=b"down"), params={"query.cond": "busy"})
    server.add("/studies", Reply(status=429, body=b""), params={"query.cond": "limited"})
    server.add("/studies/NCT09999999", Reply.fixture("error_404_study_not_found.txt", 404))
    server.add("/studies", Reply.fixture(SINGLE))
    bad_calls: list[tuple[str, dict[str, Any], str]] = [
        ("search_trials", {"condition": "ALL", "limit": 500}, "Bad argument 'limit'"),
        ("search_trials", {"conditions": "ALL"}, "Unknown argument 'conditions'"),
        ("count_trials", {"condition": "ALL", "sort": "updated"}, "Unknown argument 'sort'"),
        ("search_trials", {"condition": "ALL", "age": "sixty"}, "Bad age 'sixty'"),
        ("search_trials", {"condition": "ALL", "age": 6.5}, "Bad argument 'age'"),
        ("explain_search", {"condition": "ALL", "expand": "no"}, "Bad argument 'expand'"),
        ("search_trials", {"condition": "ALL", "healthy_volunteers": 1}, "'healthy_volunteers'"),
        ("search_trials", {"condition": "ALL", "limit": "20"}, "Bad argument 'limit'"),
        ("search_trials", {"condition": "ALL", "status": "recruting"}, "Unknown status"),
        ("search_trials", {"condition": "ALL", "sex": "x"}, "Unknown sex 'x'"),
        ("explain_search", {"term": "   "}, "The search term is empty"),
        ("search_trials", {}, "Nothing to search for"),
        ("get_trial", {"nct_id": "NCT123"}, "'NCT123' is not a ClinicalTrials.gov ID"),
        ("get_trial", {}, "Bad argument 'nct_id'"),
        ("get_trial", {"nct_id": "NCT09999999"}, "No study with ID NCT09999999 was found"),
        ("search_trials", {"condition": "busy"}, "HTTP 503: down; try again later"),
        ("count_trials", {"condition": "limited"}, "wait a minute and try again"),
    ]
    seen: list[tuple[str, bool]] = []

    async def session(mcp: McpClient) -> None:
        for name, arguments, fragment in bad_calls:
            text = error_text(await mcp.call_tool(name, arguments))
            assert fragment in text, (name, arguments, text)
            assert not text.startswith("Error executing tool"), text
            after = await mcp.call_tool("search_trials", {"condition": "ALL"})
            seen.append((name, after.is_error))

    talk(client, session)
    assert seen == [(name, False) for name, _, _ in bad_calls]


def test_true_or_false_is_not_taken_for_a_number(server: ReplayServer, client: Client) -> None:
    """It refuses true/false where a number goes, instead of searching for age 1 or 1 mile."""
    server.add("/studies", Reply.fixture(SINGLE))
    calls: list[tuple[str, dict[str, Any]]] = [
        ("search_trials", {"condition": "ALL", "age": True}),
        ("search_trials", {"condition": "ALL", "limit": True}),
        ("search_trials", {"condition": "ALL", "near": "55905", "radius": True}),
        ("count_trials", {"condition": "ALL", "age": False}),
        ("get_trial", {"nct_id": "NCT02013167", "site_limit": True}),
        ("get_trial", {"nct_id": "NCT02013167", "site_offset": False}),
    ]
    texts: list[str] = []

    async def session(mcp: McpClient) -> None:
        for name, arguments in calls:
            texts.append(error_text(await mcp.call_tool(name, arguments)))

    talk(client, session)
    for (name, arguments), text in zip(calls, texts, strict=True):
        wrong = next(key for key, value in arguments.items() if isinstance(value, bool))
        assert text.startswith(f"Bad argument '{wrong}': "), (name, text)
        assert "true or false" in text, text
    assert server.requests == []


def test_one_client_for_every_call_keeps_cache_and_pacing(server: ReplayServer) -> None:
    """It sends every call through one client: a repeat comes from the cache, and pacing
    spaces requests across calls."""
    server.add("/studies", Reply.fixture(SINGLE))
    waits: list[float] = []
    client = Client(server.url, min_interval=60, sleep=waits.append, session=cached_session(60))

    async def session(mcp: McpClient) -> None:
        for _ in range(2):
            structured(await mcp.call_tool("search_trials", {"condition": "ALL"}))
        structured(await mcp.call_tool("count_trials", {"condition": "ALL"}))

    with client:
        talk(client, session)
        assert (client.requests_sent, client.cache_hits) == (2, 1)
    assert len(server.requests) == 2
    # The count came right after the search: the same client made it wait its turn.
    assert len(waits) == 1 and 59 < waits[0] <= 60


def test_the_tools_are_the_library_calls() -> None:
    """It keeps each tool a method over one client, named as the issue and docs say."""
    from trialfinder.mcp.server import TrialTools

    tools = TrialTools(Client("http://127.0.0.1:9/api/v2")).tools()
    assert [tool.name for tool in tools] == [
        "search_trials",
        "get_trial",
        "count_trials",
        "explain_search",
    ]


def test_an_age_with_a_unit_is_searched_as_the_library_does(client: Client) -> None:
    """It passes an age such as '20m' (20 months) to the library, as the CLI's --age does."""
    explained: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        arguments = {"condition": "neuroblastoma", "age": "20m"}
        explained.update(structured(await mcp.call_tool("explain_search", arguments)))

    talk(client, session)
    plan = explain_search(condition="neuroblastoma", age="20m", fields=LIST_FIELDS)
    assert explained["filters"] == plan.filters
    assert "age: 20 months, overlapping the registered range" in explained["filters"]


def is_part_of(shown: object, real: object) -> bool:
    """True when every key and value of ``shown`` is in ``real`` (lists item by item)."""
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(
            key in real and is_part_of(value, real[key]) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(real, list) and len(shown) == len(real) and all(map(is_part_of, shown, real))
        )
    return shown == real


def test_the_documented_example_is_what_the_server_returns(
    server: ReplayServer, client: Client
) -> None:
    """It gives the guide's worked call the guide's result, and its snippet starts the server."""
    config, arguments, shown = (
        json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", GUIDE, re.DOTALL)
    )
    assert config["mcpServers"]["trialfinder"] == {"command": "trialfinder", "args": ["mcp"]}
    server.add("/studies", Reply.fixture(SINGLE))
    real: dict[str, Any] = {}

    async def session(mcp: McpClient) -> None:
        real.update(structured(await mcp.call_tool("search_trials", arguments)))

    talk(client, session)
    assert is_part_of(shown, real), (
        "docs/ai-assistant.md's worked MCP call is stale; the server now returns:\n"
        + json.dumps(real, indent=2, ensure_ascii=False)
    )
