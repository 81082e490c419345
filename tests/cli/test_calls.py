"""Tests for trialfinder.cli.calls: how the command's options become library calls."""

from __future__ import annotations

import pytest


def test_the_command_line_client_uses_the_same_waits(
    real_waits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed command's client has the built-in waits, or the environment's."""
    from trialfinder.cli.calls import make_client

    local = "http://127.0.0.1:9/api/v2"
    client = make_client(local, 30, 4, cache=False)
    assert (client.min_interval, client.backoff, client.max_retry_after) == (1.0, 1.0, 30.0)
    monkeypatch.setenv("TRIALFINDER_MIN_INTERVAL", "0.1")
    monkeypatch.setenv("TRIALFINDER_BACKOFF", "0.2")
    monkeypatch.setenv("TRIALFINDER_MAX_RETRY_AFTER", "0.3")
    client = make_client(local, 30, 4, cache=False)
    assert (client.min_interval, client.backoff, client.max_retry_after) == (0.1, 0.2, 0.3)


def test_search_options_keep_zero_values() -> None:
    """It keeps every option given as 0 or "0": only None, False and () mean "not given"."""
    from trialfinder.cli.calls import search_kwargs

    options = {"age": 0, "radius": "0", "limit": 20, "no_expand": False, "term": (), "city": None}
    assert search_kwargs(options) == {"age": 0, "radius": "0", "limit": 20}


def test_the_library_default_status_is_not_stored() -> None:
    """It drops a status that is the library's own default (open), typed or repeated, so a
    saved search stores only what was asked; any other status is kept."""
    from trialfinder.cli.calls import search_kwargs
    from trialfinder.filterspec import FILTER_DEFAULTS

    default = FILTER_DEFAULTS["status"]
    assert search_kwargs({"status": default, "limit": 20}) == {"limit": 20}
    assert search_kwargs({"status": (default,), "limit": 20}) == {"limit": 20}
    kept = {"status": ("recruiting",), "limit": 20}
    assert search_kwargs(kept) == kept
