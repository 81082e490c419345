"""Tests for trialfinder.http.failures: Retry-After read, and URLs kept short in messages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import time_machine

from trialfinder.http.failures import parse_retry_after, short_url


def test_parse_retry_after() -> None:
    """It reads seconds and HTTP dates, and ignores nonsense."""
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2026, 11, 30, 9, 0, 0, tzinfo=timezone.utc)
    with time_machine.travel(now, tick=False):
        in_20_s = format_datetime(now + timedelta(seconds=20), usegmt=True)
        assert parse_retry_after(in_20_s) == 20.0
    past = datetime.now(timezone.utc) - timedelta(days=1)
    assert parse_retry_after(format_datetime(past, usegmt=True)) == 0.0


def test_short_url_drops_the_query_and_cuts_long_paths() -> None:
    """It never lets a URL run a message past a screen width."""
    assert short_url("https://h/api/v2/studies?fields=" + "A," * 400) == "https://h/api/v2/studies"
    long = "https://h/" + "p" * 200
    assert len(short_url(long)) == 80 and short_url(long).endswith("…")
