"""Tests for trialfinder.http.paging: a search's pages, the fewest requests, nothing repeated."""

from __future__ import annotations

import math

import pytest
import responses

from conftest import API
from conftest import serve_paged as _serve
from pages import PagedApi
from trialfinder.api import iter_studies, search
from trialfinder.http.client import Client
from trialfinder.query.pieces import LIST_FIELDS

LIST_FIELDS_PARAM = ",".join(LIST_FIELDS)


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
