"""Where a command's output goes: stdout or the file named by -o, and what a failed write says.

A failed run removes only a regular file it created itself; an earlier file keeps its content
until the first study is written; a device or a pipe is never removed or emptied.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TextIO

import click

from trialfinder.errors import InvalidQuery

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

#: Bytes gathered before a write to the output: a few writes for a page of studies.
_BUFFER = 1 << 16
#: The exit code of output that could not be written (as an API failure: see cli.main).
EXIT_WRITE_FAILED = 1
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class OutputError(click.ClickException):
    """The output could not be written (a full disk, a device that refuses data)."""

    exit_code = EXIT_WRITE_FAILED


def write_failure(exc: OSError, path: str | None = None, done: str = "") -> str:
    """One line for a failed write to ``path`` (else stdout): why, what became of the file
    (``done``), what to do."""
    reason = exc.strerror or type(exc).__name__
    space = "free some space or " if exc.errno in _NO_SPACE else ""
    if path is None:
        return f"Cannot write the output ({reason}); {space}send it somewhere else."
    return f"Cannot write to {path} ({reason}){done}; {space}choose another file with -o."


def is_write_failure(exc: OSError) -> bool:
    """Whether ``exc`` is a write that the system refused (not a reader that went away)."""
    return not isinstance(exc, BrokenPipeError) and exc.errno in (*_NO_SPACE, errno.EIO)


class _OutputFile(io.FileIO):
    """The -o file. An earlier regular file keeps its content until the first study is
    written (what comes before it, a header, waits here), so a search that fails before any
    study arrives leaves it as it was."""

    def __init__(self, fd: int, *, hold_while: Callable[[], bool] | None) -> None:
        super().__init__(fd, "w", closefd=True)
        self.hold_while = hold_while
        self.held = bytearray()
        self.written = False
        self.discard = False
        self.failure: OSError | None = None

    def write(self, data: ReadableBuffer, /) -> int:
        size = memoryview(data).nbytes
        if self.discard:
            return size
        if self.hold_while is not None and self.hold_while():
            self.held += data
            return size
        self.release()
        self.written = True
        return self._attempt(super().write, data) or 0

    def release(self) -> None:
        """Empty an earlier file and write what was held: the new output begins."""
        if self.hold_while is None:
            return
        self.hold_while = None
        self.written = True
        self._attempt(self.truncate, 0)
        view = memoryview(bytes(self.held))
        self.held = bytearray()
        while view:
            count = self._attempt(super().write, view)
            if not count:
                raise OSError(errno.EIO, "the file took no more data")
            view = view[count:]

    def _attempt(self, call: Callable[..., int | None], *args: object) -> int | None:
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.failure = exc
            raise


@contextmanager
def open_output(
    path: str | None, nothing_written: Callable[[], bool], *, keep_partial: bool = False
) -> Iterator[TextIO]:
    """stdout, or the file named by -o, as one buffered text stream.

    ``nothing_written()`` says whether no study was written yet. A failed run removes a
    regular file it created, and empties an earlier one it began to overwrite, unless
    ``keep_partial`` and a study was written (a stream's whole lines stay); an earlier file
    is not touched before the first study; a device or a pipe is never removed.

    Raises:
        InvalidQuery: ``path`` cannot be opened for writing.
        OutputError: writing to ``path`` failed (the message says what became of the file).
    """
    if path is None:
        with buffered_stdout() as out:
            yield out
        return
    raw, created, regular = _open_path(path, nothing_written)
    handle = io.TextIOWrapper(io.BufferedWriter(raw, _BUFFER), encoding="utf-8", newline="")
    try:
        yield handle
        handle.flush()
        raw.release()  # a search that found nothing still replaces an earlier file
        handle.close()
    except BaseException as exc:
        failed = raw.failure is not None
        # A pipe's reader gets what was written; a file keeps only whole results worth having.
        keep = not failed and (not regular or (keep_partial and not nothing_written()))
        done = _close_after_failure(handle, raw, path, regular and created, keep)
        if failed and isinstance(exc, OSError):
            raise OutputError(write_failure(exc, path, done)) from None
        raise


def _open_path(path: str, nothing_written: Callable[[], bool]) -> tuple[_OutputFile, bool, bool]:
    """The file opened for writing; whether this run created it; whether it is a regular file."""
    try:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            created = True
        except FileExistsError:
            # Not emptied yet; a symbolic link to nowhere is followed and its target made.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
            created = False
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidQuery(
            f"Cannot write to {path} ({reason}); choose another file with -o."
        ) from None
    regular = stat.S_ISREG(os.fstat(fd).st_mode)
    hold_while = nothing_written if regular and not created else None
    return _OutputFile(fd, hold_while=hold_while), created, regular


def _close_after_failure(
    handle: TextIO, raw: _OutputFile, path: str, created: bool, keep: bool
) -> str:
    """Close the file after a failure, removing or emptying what is of no use; say which."""
    if not keep:
        raw.discard = True  # what is still buffered is of no use either
    with suppress(OSError):
        handle.close()
    if keep:
        return ""
    if created:
        with suppress(OSError):
            os.remove(path)
            return "; the unfinished file was removed"
    elif raw.written:
        with suppress(OSError):
            os.truncate(path, 0)
            return "; the unfinished file was emptied"
    return ""


@contextmanager
def buffered_stdout() -> Iterator[TextIO]:
    """stdout through a buffer of its own, so that writes cost the same with
    ``PYTHONUNBUFFERED=1`` (where every write to ``sys.stdout`` is a system call).

    A terminal still sees each line as it is written; where stdout has no file descriptor
    (a test runner's capture), stdout itself is used.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        yield sys.stdout
        sys.stdout.flush()
        return
    sys.stdout.flush()
    out = open(  # noqa: SIM115 - closed below; the descriptor stays open (closefd=False)
        descriptor,
        "w",
        buffering=_BUFFER,
        encoding=sys.stdout.encoding,
        errors=sys.stdout.errors,
        closefd=False,
    )
    if out.isatty():
        out.reconfigure(line_buffering=True)
    try:
        yield out
    finally:
        out.close()  # flushes; a reader that went away raises BrokenPipeError as before


def drop_stdout() -> None:
    """Send what stdout still holds nowhere, so that exiting after a failed write to it does
    not fail again (Python flushes stdout on the way out)."""
    with suppress(AttributeError, ValueError, OSError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
