"""Tests for trialfinder.cli.cache, and the cache options of search, as a user runs them."""

from __future__ import annotations

import json

from conftest import invoke_cli, run_cli
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder.http.cache import cache_path, clear_cache

PAGE = json.dumps(PagedApi(3).page({"pageSize": "20", "countTotal": "true"})).encode()


def test_a_corrupt_cache_file_falls_back_to_the_network(server: ReplayServer) -> None:
    """It searches without the cache, with a one-line notice, when the file is garbage."""
    server.add("/studies", Reply(body=PAGE))
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    done = invoke_cli("search", "-c", "melanoma", "-f", "jsonl", "--api-url", server.url)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3
    notices = [line for line in done.stderr.splitlines() if "cache" in line]
    assert len(notices) == 1
    assert notices[0].startswith("trialfinder: notice: the response cache at")
    assert "Traceback" not in done.stderr


def test_cli_repeat_makes_no_request_and_no_cache_makes_one_each_time(
    server: ReplayServer,
) -> None:
    """It reuses the cache between runs of the installed command by default (the cache is on
    disk, not in one process), and skips it with --no-cache."""
    server.add("/studies", Reply(body=PAGE))
    args = ["search", "-c", "melanoma", "-f", "csv", "--api-url", server.url]
    first, second = run_cli(*args), run_cli(*args)
    assert first.stdout == second.stdout
    assert len(server.requests) == 1
    run_cli(*args, "--no-cache")
    run_cli(*args, "--cache-ttl", "0")
    assert len(server.requests) == 3


def test_no_cache_leaves_no_cache_file(server: ReplayServer) -> None:
    """It neither reads nor writes the cache with --no-cache."""
    server.add("/studies", Reply(body=PAGE))
    done = invoke_cli("search", "-c", "melanoma", "--api-url", server.url, "--no-cache")
    assert done.returncode == 0, done.stderr
    assert not cache_path().exists()


def test_cache_info_and_clear(server: ReplayServer) -> None:
    """It reports what the cache holds and deletes it."""
    server.add("/studies", Reply(body=PAGE))
    assert "nothing cached yet" in invoke_cli("cache", "info").stdout
    invoke_cli("search", "-c", "melanoma", "--api-url", server.url)
    info = invoke_cli("cache", "info")
    assert f"Cache file: {cache_path()}" in info.stdout
    assert "Stored answers: 1" in info.stdout
    cleared = invoke_cli("cache", "clear")
    assert cleared.returncode == 0
    assert cleared.stdout.startswith("Cleared the cache at")
    assert not cache_path().exists()
    assert clear_cache() == 0


def test_cache_info_on_a_corrupt_file_is_one_line_error() -> None:
    """It says the file cannot be read and how to reset it, exit 1, no traceback."""
    cache_path().parent.mkdir(parents=True)
    cache_path().write_bytes(b"garbage" * 100)
    done = invoke_cli("cache", "info")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "trialfinder cache clear" in done.stderr
