"""Tests for trialfinder.http.cache: hits, expiry, never an error or partial page, privacy."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine

from conftest import modes
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder.api import search
from trialfinder.errors import TrialFinderError
from trialfinder.http.cache import cache_dir, cache_info, cache_path, cached_session, is_cacheable
from trialfinder.http.client import Client

PAGE = json.dumps(PagedApi(3).page({"pageSize": "20", "countTotal": "true"})).encode()


def _client(server: ReplayServer, ttl: float = 3600, **kwargs: object) -> Client:
    return Client(server.url, session=cached_session(ttl), min_interval=0, **kwargs)  # type: ignore[arg-type]


def test_cache_dir_follows_env_then_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It uses $TRIALFINDER_CACHE_DIR, else $XDG_CACHE_HOME/trialfinder, else ~/.cache."""
    monkeypatch.setenv("TRIALFINDER_CACHE_DIR", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own"
    monkeypatch.delenv("TRIALFINDER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "trialfinder"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "trialfinder"


def test_tests_never_use_the_real_cache_dir(_private_cache_dir: Path) -> None:
    """It points every test at a temporary cache directory."""
    assert cache_dir() == _private_cache_dir
    assert not str(cache_dir()).startswith(str(Path.home() / ".cache"))


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_cache_is_private_to_the_user(server: ReplayServer, umask: int) -> None:
    """It creates the cache folder 0700 and its files 0600, whatever the umask: the answers
    name the conditions and treatments searched for."""
    server.add("/studies", Reply(body=PAGE))
    assert not cache_dir().exists()
    with _client(server) as client:
        search(condition="melanoma", client=client)
    assert cache_info()["responses"] == 1
    assert modes(cache_dir()) == {".": 0o700, "http_cache.sqlite": 0o600}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_existing_cache_is_made_private_on_first_use(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It tightens its own cache folder left 0755 and files left 0644, and keeps their answers."""
    monkeypatch.delenv("TRIALFINDER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "trialfinder"
    server.add("/studies", Reply(body=PAGE))
    with _client(server) as client:
        search(condition="melanoma", client=client)
    journal = Path(f"{cache_path()}-journal")
    journal.write_bytes(b"")
    for path, loose in ((cache_dir(), 0o755), (cache_path(), 0o644), (journal, 0o644)):
        path.chmod(loose)
    with _client(server) as client:
        search(condition="melanoma", client=client)
        assert client.cache_hits == 1
    assert modes(cache_dir()) == {
        ".": 0o700,
        "http_cache.sqlite": 0o600,
        "http_cache.sqlite-journal": 0o600,
    }


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("named_by", ["TRIALFINDER_CACHE_DIR", "directory"])
def test_a_cache_folder_the_user_named_keeps_its_mode(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, named_by: str
) -> None:
    """It leaves an existing folder named by TRIALFINDER_CACHE_DIR or ``directory`` as the user
    set it, special bits included: only its own cache file in it is made 0600."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o3775)  # sticky and set-group-ID, as a folder shared by a group is
    monkeypatch.setenv("TRIALFINDER_CACHE_DIR", str(shared))
    server.add("/studies", Reply(body=PAGE))
    directory = shared if named_by == "directory" else None
    for _ in range(2):
        session = cached_session(3600, directory=directory)
        with Client(server.url, session=session, min_interval=0) as client:
            search(condition="melanoma", client=client)
        assert modes(shared) == {".": 0o3775, "http_cache.sqlite": 0o600}
        (shared / "http_cache.sqlite").chmod(0o644)  # as an earlier version left it
    assert client.cache_hits == 1


def test_a_file_named_as_the_cache_folder_is_left_alone(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It searches without the cache when its folder is a file, says that file is not a
    folder, and leaves the file as it was."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"mine")
    notes.chmod(0o644)
    monkeypatch.setenv("TRIALFINDER_CACHE_DIR", str(notes))
    server.add("/studies", Reply(body=PAGE))
    said: list[str] = []
    with Client(server.url, session=cached_session(3600, notice=said.append)) as client:
        assert len(search(condition="melanoma", client=client).studies) == 3
    assert said == [
        f"the response cache cannot be kept at {notes / 'http_cache.sqlite'}: {notes} is not a "
        "folder; searching without it"
    ]
    assert (stat.S_IMODE(notes.stat().st_mode), notes.read_bytes()) == (0o644, b"mine")


def test_a_repeated_search_is_served_from_the_cache(server: ReplayServer) -> None:
    """It sends the second identical search to no server, and reads the same studies."""
    server.add("/studies", Reply(body=PAGE))
    with _client(server) as client:
        first = search(condition="melanoma", client=client)
    with _client(server) as client:
        again = search(condition="melanoma", client=client)
        assert (client.requests_sent, client.cache_hits) == (0, 1)
    assert len(server.requests) == 1
    assert again.studies == first.studies
    assert cache_info()["responses"] == 1


def test_a_different_search_is_not_served_from_the_cache(server: ReplayServer) -> None:
    """It keys answers by their parameters."""
    server.add("/studies", Reply(body=PAGE))
    with _client(server) as client:
        search(condition="melanoma", client=client)
        search(condition="myeloma", client=client)
        assert client.cache_hits == 0
    assert len(server.requests) == 2


def test_an_expired_answer_is_fetched_again(server: ReplayServer) -> None:
    """It serves an answer from the cache until the TTL has passed, then asks the API again."""
    server.add("/studies", Reply(body=PAGE))
    start = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as clock, _client(server, ttl=60) as client:
        search(condition="melanoma", client=client)
        clock.shift(timedelta(seconds=59))
        search(condition="melanoma", client=client)
        assert client.cache_hits == 1
        clock.shift(timedelta(seconds=2))
        search(condition="melanoma", client=client)
        assert client.cache_hits == 1
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "bad",
    [
        Reply(status=400, body=b"Invalid value in parameter", content_type="text/plain"),
        Reply(status=500, body=b"boom", content_type="text/plain"),
        Reply(status=200, body=b"<!doctype html><html>busy</html>", content_type="text/html"),
        Reply(status=200, body=PAGE[: len(PAGE) // 2]),
    ],
    ids=["400", "500", "html", "truncated-json"],
)
def test_errors_and_partial_pages_are_never_cached(server: ReplayServer, bad: Reply) -> None:
    """It fails on a bad answer, asks again next time, and caches only the good answer."""
    server.add("/studies", bad, Reply(body=PAGE))
    with _client(server, max_attempts=1) as client:
        with pytest.raises(TrialFinderError):
            search(condition="melanoma", client=client)
        assert len(search(condition="melanoma", client=client).studies) == 3
        assert len(search(condition="melanoma", client=client).studies) == 3
        assert client.cache_hits == 1
    assert len(server.requests) == 2


class _Answer:
    def __init__(self, content: bytes, from_cache: bool, status_code: int = 200) -> None:
        self.content = content
        self.from_cache = from_cache
        self.status_code = status_code


def test_a_body_is_checked_when_stored_not_on_every_hit() -> None:
    """It parses a fresh body to decide, and trusts one that came out of the cache."""
    assert is_cacheable(_Answer(b'{"studies": []}', from_cache=False))
    assert not is_cacheable(_Answer(b'{"studies": [', from_cache=False))
    assert not is_cacheable(_Answer(b"{}", from_cache=False, status_code=500))
    assert is_cacheable(_Answer(b"not parsed again", from_cache=True))


def test_only_a_whole_json_object_is_stored() -> None:
    """It stores a JSON object, never a list, a scalar or a body cut short."""
    assert is_cacheable(_Answer(b' {"a": [1, {"b": null}]} ', from_cache=False))
    for body in (b"[1, 2]", b"42", b'"x"', b"", b'{"a": 1', b'{"a": 1} x'):
        assert not is_cacheable(_Answer(body, from_cache=False)), body


#: A page whose second record has no usable NCT ID, and whose fourth repeats the first.
ODD_PAGE = json.loads(PAGE)
ODD_PAGE["studies"].insert(1, {"protocolSection": {"identificationModule": {"nctId": "bad"}}})
ODD_PAGE["studies"].append(ODD_PAGE["studies"][0])


def test_a_repeated_page_reads_the_same_from_the_cache(server: ReplayServer) -> None:
    """It gives the same studies, skipped records and total from the cache as from the API."""
    server.add("/studies", Reply(body=json.dumps(ODD_PAGE).encode()))
    with _client(server) as client:
        first = search(condition="melanoma", client=client)
    assert len(first.studies) == 3 and len(first.skipped) == 1
    with _client(server) as client:
        again = search(condition="melanoma", client=client)
        assert (client.requests_sent, client.cache_hits) == (0, 1)
    assert again.studies == first.studies
    assert again.skipped == first.skipped
    assert again.total_count == first.total_count


def test_a_page_with_a_lone_surrogate_keeps_every_study(server: ReplayServer) -> None:
    """It reads a page that pydantic's parser refuses (a lone surrogate) study by study.

    Only the field holding the broken text is empty; such a page is not kept in the cache.
    """
    odd = json.loads(PAGE)
    odd["studies"][0]["protocolSection"]["identificationModule"]["acronym"] = "a\ud800b"
    server.add("/studies", Reply(body=json.dumps(odd).encode()))
    with _client(server) as client:
        first = search(condition="melanoma", client=client)
    expected = json.loads(PAGE)["studies"]
    ids = [raw["protocolSection"]["identificationModule"]["nctId"] for raw in expected]
    assert [study.nct_id for study in first.studies] == ids
    assert first.studies[0].acronym is None
    assert (
        first.studies[0].title
        == expected[0]["protocolSection"]["identificationModule"]["briefTitle"]
    )
    with _client(server) as client:
        again = search(condition="melanoma", client=client)
        assert client.requests_sent == 1
    assert again.studies == first.studies


def test_session_without_the_yaml_serializer_leaves_yaml_importable(tmp_path: Path) -> None:
    """It imports requests-cache without PyYAML when asked, and yaml still imports after."""
    import subprocess
    import sys

    pytest.importorskip("yaml")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from trialfinder.http.cache import cached_session\n"
        f"session = cached_session(60, Path({str(tmp_path)!r}), yaml_serializer=False)\n"
        "print('yaml' in sys.modules, 'requests_cache' in sys.modules)\n"
        "import yaml\n"
        "print(yaml.safe_load('a: 1'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["False True", "{'a': 1}"]


@pytest.mark.parametrize("ttl", [float("nan"), float("inf"), -1, 10**20, True, "3600"])
def test_a_ttl_that_is_no_lifetime_is_refused(tmp_path: Path, ttl: object) -> None:
    """NaN, infinity, a negative or centuries is an InvalidQuery naming ttl, before the
    cache is opened (requests-cache would fail at the first answer it stores)."""
    from trialfinder.errors import InvalidQuery

    with pytest.raises(InvalidQuery, match=r"^ttl takes a number of seconds from 0 up to 31622400"):
        cached_session(ttl, tmp_path)  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())
