"""Fewest requests and fewest bytes: request counts, the ``fields`` parameter, partial records."""

from __future__ import annotations

import json
import math
import re

import pytest
import responses
from click.testing import CliRunner

from pages import METADATA, SHARED_CTGOV, PagedApi, filter_record, piece_paths
from trialfinder.api import iter_studies, search
from trialfinder.cli.main import cli
from trialfinder.errors import InvalidQuery
from trialfinder.http.client import Client
from trialfinder.models.reading import parse_study
from trialfinder.query.pieces import LIST_FIELDS, fields_param
from trialfinder.render.formats import COLUMNS
from trialfinder.render.table import study_block

API = "https://clinicaltrials.gov/api/v2"
STUDIES_URL = re.compile(re.escape(API + "/studies") + r"(\?.*)?$")
LIST_FIELDS_PARAM = ",".join(LIST_FIELDS)


def _serve(rsps: responses.RequestsMock, api: PagedApi) -> None:
    rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)


@pytest.mark.parametrize(
    ("total", "limit", "expected_requests"),
    [
        (5000, 20, 1),
        (5000, 1000, 1),
        (999, 1000, 1),
        (5000, 1001, 2),
        (2500, None, 3),
        (10000, None, 10),
        (0, 20, 1),
    ],
)
def test_search_sends_the_fewest_requests(
    no_pacing: None, total: int, limit: int | None, expected_requests: int
) -> None:
    """It fetches min(total, limit) studies in ceil(min(total, limit)/1000) requests."""
    api = PagedApi(total)
    wanted = total if limit is None else min(total, limit)
    with responses.RequestsMock() as rsps:
        _serve(rsps, api)
        with Client(API) as client:
            # explain_empty off: the count requests after zero hits are a separate feature.
            result = search(condition="melanoma", limit=limit, client=client, explain_empty=False)
            assert client.requests_sent == expected_requests
    assert len(api.requests) == expected_requests == max(1, math.ceil(wanted / 1000))
    assert len(result.studies) == wanted
    assert {r["pageSize"] for r in api.requests} == {str(min(limit or 1000, 1000))}


def test_search_skips_the_empty_page_after_an_exactly_full_last_page(no_pacing: None) -> None:
    """It stops once the API's total is reached, even when a next-page token is offered."""
    api = PagedApi(2000, token_on_full_last_page=True)
    with responses.RequestsMock() as rsps:
        _serve(rsps, api)
        studies = list(iter_studies(condition="melanoma", client=Client(API)))
    assert len(studies) == 2000
    assert len(api.requests) == 2


def test_later_pages_repeat_the_first_pages_parameters(no_pacing: None) -> None:
    """It sends the same parameters, fields included, on every page, adding only pageToken."""
    api = PagedApi(2500)
    with responses.RequestsMock() as rsps:
        _serve(rsps, api)
        list(iter_studies(condition="melanoma", fields=LIST_FIELDS, client=Client(API)))
    first, *later = api.requests
    assert first["fields"] == LIST_FIELDS_PARAM
    for params in later:
        assert {k: v for k, v in params.items() if k != "pageToken"} == first


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


def test_fields_param_rejects_names_that_are_not_pieces() -> None:
    """It refuses paths and empty lists instead of sending them for a 400 or 500."""
    assert fields_param(["NCTId", "BriefTitle", "NCTId"]) == "NCTId,BriefTitle"
    assert fields_param(None) is None
    with pytest.raises(InvalidQuery):
        fields_param(["protocolSection.identificationModule.nctId"])
    with pytest.raises(InvalidQuery):
        fields_param([])


@pytest.mark.skipif(not METADATA.exists(), reason="shared/ctgov metadata not available")
def test_every_list_field_is_a_piece_of_the_metadata() -> None:
    """It asks only for piece names that /studies/metadata defines."""
    pieces = piece_paths(json.loads(METADATA.read_text(encoding="utf-8")))
    assert [name for name in LIST_FIELDS if name not in pieces] == []
    assert len(set(LIST_FIELDS)) == len(LIST_FIELDS)


def _shared_studies() -> list[dict[str, object]]:
    folder = SHARED_CTGOV / "studies"
    if not folder.exists():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@pytest.mark.skipif(not METADATA.exists(), reason="shared/ctgov metadata not available")
def test_list_views_read_the_same_from_list_fields_as_from_whole_records() -> None:
    """It shows the same table, CSV columns and Markdown for a record cut to LIST_FIELDS."""
    paths = piece_paths(json.loads(METADATA.read_text(encoding="utf-8")))
    records = _shared_studies()
    assert records, "no shared study records"
    for record in records:
        full = parse_study(record)
        lean = parse_study(filter_record(record, LIST_FIELDS, paths))
        assert [get(lean) for _, get in COLUMNS] == [get(full) for _, get in COLUMNS]
        assert study_block(lean) == study_block(full)
        assert lean.locations == [loc.model_copy(update={"contacts": []}) for loc in full.locations]
        assert lean.eligibility.minimum_age == full.eligibility.minimum_age
        assert lean.eligibility.sex == full.eligibility.sex
        assert [a.intervention_names for a in lean.arms] == [
            a.intervention_names for a in full.arms
        ]
        assert [i.other_names for i in lean.interventions] == [
            i.other_names for i in full.interventions
        ]


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


def test_show_asks_for_the_whole_record(no_pacing: None) -> None:
    """It fetches one study without a fields parameter."""
    record = PagedApi(1).make_study(2013167)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, API + "/studies/NCT02013167", json=record)
        result = CliRunner().invoke(cli, ["show", "NCT02013167", "--no-cache"])
        sent = rsps.calls[0].request.url
    assert result.exit_code == 0, result.output
    assert sent == API + "/studies/NCT02013167"


def test_requests_sent_counts_only_requests_on_the_network(no_pacing: None) -> None:
    """It counts each attempt that goes out, retries included."""
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, API + "/version", status=503, body="busy")
        rsps.add(responses.GET, API + "/version", json={"apiVersion": "2.0.5"})
        with Client(API, backoff=0) as client:
            assert client.get_json("/version") == {"apiVersion": "2.0.5"}
            assert (client.requests_sent, client.cache_hits) == (2, 0)
