"""Tests for trialfinder.export.bulk: JSON Lines and CSV page by page, whole lines, Ctrl-C."""

from __future__ import annotations

import io
import signal

import pytest
import responses

from conftest import STUDIES_URL
from conftest import melanoma_stream as _stream
from conftest import watching_sink as _watching_sink
from trialfinder.export import bulk


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


# -- every format, study by study ---------------------------------------------------------
