"""Tests for trialfinder.render.stream: every format written study by study as results come."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import responses

from conftest import API, STUDIES_URL
from conftest import watching_sink as _watching_sink
from pages import PagedApi
from trialfinder.http.client import Client
from trialfinder.query.build import SearchQuery


def _results(total: int, limit: int | None = None) -> tuple[Any, PagedApi]:
    from trialfinder.api.run import ResultStream

    query = SearchQuery.build("melanoma", limit=limit)
    return ResultStream(query, Client(API), explain_empty=False), PagedApi(total)


def _write(fmt: str, results: Any, out: Any) -> None:
    from trialfinder.render import page
    from trialfinder.render.formats import write_json
    from trialfinder.render.table import write_table

    info = page.PageInfo(searched=["Searched for: melanoma"], generated="today")
    if fmt == "table":
        write_table(results, out)
    elif fmt == "json":
        write_json(results, out)
    elif fmt == "markdown":
        page.write_markdown_page(results, info, out)
    else:
        page.write_html_page(results, info, out)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
def test_every_format_is_written_study_by_study(
    no_pacing: None, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """It writes each study as it arrives and lets it go: one page alive at a time, and
    a handful of writes per study, never one per token."""
    results, api = _results(2500)
    sink = _watching_sink(monkeypatch)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        _write(fmt, results, sink)
    text = sink.getvalue()
    assert len(sink.refs) == 2500
    assert sink.most_alive <= 1000
    assert sink.writes <= 2500 + 5
    assert "NCT00000001" in text and "NCT00002500" in text
    assert "Showing 2,500 of 2,500 studies." in text or fmt == "json"


def test_json_streams_one_valid_document_with_the_counts_last(no_pacing: None) -> None:
    """It writes what was searched, then the studies with their notes, then the counts."""
    results, api = _results(1500, limit=1200)
    out = io.StringIO()
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        _write("json", results, out)
    document = json.loads(out.getvalue())
    assert list(document)[:7] == [
        "params",
        "search_url",
        "expansions",
        "near",
        "filters",
        "searched",
        "studies",
    ]
    assert len(document["studies"]) == 1200
    assert document["studies"][0]["nct_id"] == "NCT00000001"
    assert "notes" in document["studies"][0]
    assert (document["total_count"], document["returned"], document["limit"]) == (1500, 1200, 1200)
    assert document["truncated"] is True
    assert document["skipped"] == [] and document["loosen"] == []


def test_json_of_nothing_found_is_a_valid_document(no_pacing: None) -> None:
    """It writes an empty list of studies and the counts when nothing matched."""
    results, api = _results(0)
    out = io.StringIO()
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        _write("json", results, out)
    document = json.loads(out.getvalue())
    assert document["studies"] == [] and document["returned"] == 0
    assert document["total_count"] == 0 and document["truncated"] is False
