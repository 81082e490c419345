"""What a command prints for people besides its data: wrapped text, hints, waiting lines."""

from __future__ import annotations

from typing import Any

import click


def echo_text(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text for people, wrapped to the width of where it goes (see :func:`term.fit`)."""
    import sys

    from trialfinder.render.term import fit, output_width

    click.echo(fit(text, output_width(sys.stderr if err else sys.stdout)), err=err, nl=nl)


def echo_hints(query: Any) -> None:
    """One stderr line per known acronym typed in lower case: what it would search, and how."""
    for hint in query.hints():
        click.echo(f"trialfinder: note: {hint}", err=True)


class WaitLine:
    """One stderr line, rewritten in place, while a request waits to be retried.

    ``API busy (HTTP 503); retrying in 2 s, attempt 2 of 4``; cleared once the request
    has succeeded or failed for good.
    """

    def __init__(self, err: Any) -> None:
        self._err = err
        self._shown = False

    def __call__(self, wait: Any) -> None:
        if wait is None:
            if self._shown:
                self._err.write("\r\x1b[K")
                self._err.flush()
                self._shown = False
            return
        self._err.write("\r\x1b[K" + wait_text(wait))
        self._err.flush()
        self._shown = True


def wait_text(wait: Any) -> str:
    """``API busy (HTTP 503); retrying in 2 s, attempt 2 of 4`` for a RetryWait."""
    what = "API busy" if wait.reason.startswith("HTTP") else "API not answering"
    when = f"in {wait.seconds:.0f} s" if wait.seconds >= 1 else "now"
    return f"{what} ({wait.reason}); retrying {when}, attempt {wait.attempt} of {wait.attempts}"
