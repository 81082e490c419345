"""Bulk streaming: page by page to stdout, whole lines only, Ctrl-C exits 130."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import time
import weakref
from typing import Any

import pytest
import responses
from click.testing import CliRunner

from conftest import trialfinder_command
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder.cli.main import cli
from trialfinder.export import bulk
from trialfinder.http.client import Client
from trialfinder.http.paging import StudyStream
from trialfinder.models.records import Study
from trialfinder.query.build import SearchQuery

API = "https://clinicaltrials.gov/api/v2"
STUDIES_URL = re.compile(re.escape(API + "/studies") + r"(\?.*)?$")


def _stream(total: int, limit: int | None = None) -> tuple[StudyStream, PagedApi]:
    return StudyStream(SearchQuery.build("melanoma", limit=limit), Client(API)), PagedApi(total)


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


class _WatchingSink(io.StringIO):
    """Counts its writes and, at each, how many studies already yielded are still alive."""

    def __init__(self, refs: list[weakref.ref[Study]]) -> None:
        super().__init__()
        self.refs = refs
        self.most_alive = 0
        self.writes = 0

    def write(self, text: str) -> int:
        alive = sum(1 for ref in self.refs if ref() is not None)
        self.most_alive = max(self.most_alive, alive)
        self.writes += 1
        return super().write(text)


def _watching_sink(monkeypatch: pytest.MonkeyPatch) -> _WatchingSink:
    """A sink that sees every study the streams of this test yield."""
    refs: list[weakref.ref[Study]] = []
    original = StudyStream._studies

    def watched(self: StudyStream, client: Client) -> Any:
        for study in original(self, client):
            refs.append(weakref.ref(study))
            yield study

    monkeypatch.setattr(StudyStream, "_studies", watched)
    return _WatchingSink(refs)


def test_streaming_does_not_keep_the_studies_it_wrote(
    no_pacing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It lets each page of studies go once written: never more than one page alive at once."""
    stream, api = _stream(3000)
    sink = _watching_sink(monkeypatch)
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        bulk.write_stream(stream, sink, "jsonl", err=io.StringIO())
    assert len(sink.refs) == 3000
    assert sink.getvalue().count("\n") == 3000
    assert sink.most_alive <= 1000


def test_progress_line_counts_studies_fetched_of_total(no_pacing: None) -> None:
    """It reports 'Fetched N of M studies' on the error stream when asked to."""
    stream, api = _stream(1200)
    err = io.StringIO()
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        bulk.write_stream(stream, io.StringIO(), "csv", err=err, progress=True)
    assert "\rFetched 1,200 of 1,200 studies" in err.getvalue()


class _InterruptedWhileWriting(io.StringIO):
    """A stream on which Ctrl-C arrives in the middle of the second write."""

    def __init__(self, guard: bulk.InterruptGuard) -> None:
        super().__init__()
        self.guard = guard
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        half = len(text) // 2
        written = super().write(text[:half])
        if self.writes == 2:
            self.guard._handler(signal.SIGINT, None)
        return written + super().write(text[half:])


def test_ctrl_c_during_a_write_waits_for_the_line_to_end() -> None:
    """It finishes the record being written, then raises KeyboardInterrupt."""
    guard = bulk.InterruptGuard()
    out = _InterruptedWhileWriting(guard)
    writer = bulk.GuardedWriter(out, guard)
    writer.write('{"a": 1}\n')
    with pytest.raises(KeyboardInterrupt):
        writer.write('{"b": 2}\n')
    assert out.getvalue() == '{"a": 1}\n{"b": 2}\n'


def test_ctrl_c_outside_a_write_stops_at_once() -> None:
    """It raises KeyboardInterrupt immediately while waiting for the network."""
    guard = bulk.InterruptGuard()
    with pytest.raises(KeyboardInterrupt):
        guard._handler(signal.SIGINT, None)


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


# -- every format, study by study ---------------------------------------------------------


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


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cyclic_collector_rests_while_a_page_is_read_and_is_restored(
    no_pacing: None, monkeypatch: pytest.MonkeyPatch, enabled_before: bool
) -> None:
    """It pauses gc while a page's bytes become records, never while the consumer runs."""
    import gc

    import trialfinder.models.reading as models_module

    during_read: list[bool] = []
    during_use: list[bool] = []
    real_read = models_module._read_page_json

    def watching_read(body: bytes) -> Any:
        during_read.append(gc.isenabled())
        return real_read(body)

    monkeypatch.setattr(models_module, "_read_page_json", watching_read)
    stream, api = _stream(1500)
    if not enabled_before:
        gc.disable()
    try:
        with responses.RequestsMock() as rsps:
            rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
            for _ in stream:
                during_use.append(gc.isenabled())
        after = gc.isenabled()
    finally:
        gc.enable()
    assert during_read == [False, False]
    assert len(during_use) == 1500 and set(during_use) == {enabled_before}
    assert after is enabled_before


def test_objects_a_program_froze_stay_frozen(no_pacing: None) -> None:
    """It leaves gc.freeze() alone when the program uses it, and freezes nothing itself."""
    import gc

    stream, api = _stream(1500)
    assert gc.get_freeze_count() == 0
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        assert len(list(_stream(1500)[0])) == 1500
        assert gc.get_freeze_count() == 0
        # Objects the program keeps alive and freezes: they must still be frozen after a read.
        # (The count itself may fall while reading: a frozen object that is freed leaves it.)
        kept = [{} for _ in range(10_000)]
        gc.freeze()
        try:
            assert gc.get_freeze_count() >= len(kept)
            assert len(list(stream)) == 1500
            assert gc.get_freeze_count() >= len(kept)
        finally:
            gc.unfreeze()
            del kept
