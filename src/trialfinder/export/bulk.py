"""Write a large search to a file or pipe as it arrives: JSON Lines or CSV, page by page.

Only the current page is held in memory. Ctrl-C stops between two records: every line
already written is whole, the output is flushed, and :class:`KeyboardInterrupt` goes on to
the caller (the CLI exits 130). A progress line goes to stderr when stderr is a terminal.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator, Sequence
from types import FrameType, TracebackType
from typing import TextIO

from trialfinder.http.paging import StudyStream
from trialfinder.models.records import Study
from trialfinder.render.formats import write_csv, write_jsonl
from trialfinder.render.summary import count_text
from trialfinder.render.words import DISCLAIMER

STREAM_FORMATS = ("jsonl", "csv")


class InterruptGuard:
    """Holds Ctrl-C back while a record is being written, then raises it.

    Outside a write, Ctrl-C raises :class:`KeyboardInterrupt` at once (so a wait for the
    network ends promptly). Works only in the main thread; elsewhere it does nothing.
    """

    def __init__(self) -> None:
        self._writing = False
        self._pending = False
        self._previous: object = None
        self._installed = False

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self._writing:
            self._pending = True
        else:
            raise KeyboardInterrupt

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
            self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._installed = False

    def __enter__(self) -> InterruptGuard:
        self._writing = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._writing = False
        if self._pending and exc_type is None:
            self._pending = False
            raise KeyboardInterrupt


class GuardedWriter:
    """A text stream whose every ``write`` (one whole record) runs under an InterruptGuard."""

    def __init__(self, out: TextIO, guard: InterruptGuard) -> None:
        self._out = out
        self._guard = guard

    def write(self, text: str) -> int:
        with self._guard:
            return self._out.write(text)

    def flush(self) -> None:
        with self._guard:
            self._out.flush()


class Progress:
    """``Fetched N of M studies`` on one rewritten stderr line, at most ten times a second."""

    def __init__(self, err: TextIO, enabled: bool) -> None:
        self._err = err
        self.enabled = enabled
        self._last = 0.0
        self._shown = False

    def update(self, done: int, total: int | None, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        of = f" of {total:,}" if total is not None else ""
        self._err.write(f"\rFetched {done:,}{of} studies")
        self._err.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self._err.write("\r\x1b[K")
            self._err.flush()


def expected_count(stream: StudyStream) -> int | None:
    """How many studies ``stream`` should give: the API's total, cut at the limit."""
    total, limit = stream.total_count, stream.query.limit
    if total is None:
        return limit
    return total if limit is None else min(total, limit)


def write_stream(
    stream: StudyStream, out: TextIO, fmt: str, *, err: TextIO, progress: bool = False
) -> None:
    """Write the studies of ``stream`` to ``out`` as JSON Lines or CSV while they arrive.

    Args:
        stream: the studies, fetched page by page.
        out: where the records go (stdout).
        fmt: ``jsonl`` or ``csv``.
        err: where the progress line goes (stderr).
        progress: show the progress line.

    Raises:
        KeyboardInterrupt: Ctrl-C, after the output was flushed with whole records only.
        TrialFinderError: the search failed; what was written so far stays written.
    """
    guard = InterruptGuard()
    bar = Progress(err, progress)
    writer = GuardedWriter(out, guard)

    def counted() -> Iterator[Study]:
        for study in stream:
            yield study
            bar.update(stream.returned, expected_count(stream))
        bar.update(stream.returned, expected_count(stream), force=True)

    guard.install()
    try:
        if fmt == "jsonl":
            write_jsonl(counted(), writer)  # type: ignore[arg-type]
        else:
            write_csv(counted(), writer)  # type: ignore[arg-type]
    finally:
        try:
            writer.flush()
        finally:
            guard.uninstall()
            bar.done()


def footer_lines(
    stream: StudyStream,
    search_url: str,
    *,
    to: str | None = None,
    limit_from: str | None = None,
    left_out: Sequence[str] = (),
) -> list[str]:
    """What follows a streamed list on stderr: counts, the website link, the reminder.

    ``to`` names the file written, if any; ``limit_from`` where an untyped limit came from;
    ``left_out`` what the website link cannot carry.
    """
    shown, total, limit = stream.returned, stream.total_count, stream.query.limit
    lines = []
    if not shown:
        lines.append("No studies matched. Try fewer or broader words, or check the spelling.")
    skipped = len(stream.skipped)
    lines.append(count_text(shown, total, limit, skipped, "Wrote", to=to, limit_from=limit_from))
    lines.append(f"Same search on the website: {search_url}")
    if left_out:
        lines.append(f"The website link leaves out: {'; '.join(left_out)}.")
    lines.append(DISCLAIMER)
    return lines
