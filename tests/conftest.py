"""Shared test helpers: fixtures on disk, recorded real responses, the installed command."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replay_server import ReplayServer

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
#: Real API responses recorded by others; read in place, never copied into the repo.
SHARED_CTGOV = TESTS.parent.parent / "shared" / "ctgov"
#: Waits turned down for every test and every command it starts: no pacing, retries at once.
#: The real defaults are proved in http/test_client.py without sleeping through them.
QUICK_WAITS = {
    "TRIALFINDER_MIN_INTERVAL": "0",
    "TRIALFINDER_BACKOFF": "0.01",
    "TRIALFINDER_MAX_RETRY_AFTER": "0",
}


def run_mypy(*args: str) -> subprocess.CompletedProcess[str]:
    """Run mypy from the repository root, with the project's settings and its cache
    (.mypy_cache), one run at a time.

    The tests that run mypy share that cache, so only the first run on a fresh clone analyses
    the package and the libraries it imports (~5 s of CPU); the next finds them there. The lock
    keeps two xdist workers (or two sessions) from using the cache at once: the second waits,
    then runs warm.
    """
    cache = TESTS.parent / ".mypy_cache"
    cache.mkdir(exist_ok=True)
    with open(cache / "tests.lock", "a") as lock:
        if sys.platform != "win32":  # elsewhere, mypy's atomic cache writes make a race only slow
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(
            [sys.executable, "-m", "mypy", *args],
            cwd=TESTS.parent,
            capture_output=True,
            text=True,
            check=False,
        )


def load_json(name: str) -> Any:
    """A JSON fixture from tests/fixtures."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fixture_study(name: str, nct_id: str) -> Any:
    """One study, read as a :class:`trialfinder.models.Study`, from a search fixture."""
    from trialfinder.models.reading import parse_study

    return next(
        parse_study(raw)
        for raw in load_json(name)["studies"]
        if raw["protocolSection"]["identificationModule"]["nctId"] == nct_id
    )


def recorded_studies() -> list[Any]:
    """Every real study record in ../shared/ctgov (searches, studies, collections), in file
    order, repeats included; empty when the recordings are absent."""
    found: list[Any] = []
    for folder in ("search", "studies", "collections"):
        for path in sorted((SHARED_CTGOV / folder).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and "studies" in doc:
                found += doc["studies"]
            elif isinstance(doc, list):
                found += doc
            elif isinstance(doc, dict):
                found.append(doc)
    return found


def load_text(name: str) -> str:
    """A text fixture from tests/fixtures."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def flat(text: str) -> str:
    """Text with its line wrapping undone, to find a wrapped sentence."""
    return " ".join(text.split())


def trialfinder_command() -> list[str]:
    """The installed console script, beside this Python or on PATH."""
    beside = Path(sys.executable).parent / "trialfinder"
    found = str(beside) if beside.exists() else shutil.which("trialfinder")
    if not found:
        pytest.fail("the trialfinder command is not installed: run pip install -e '.[test]'")
    return [found]


def run_cli(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, capturing its output."""
    # The API URL comes from the arguments; config and cache paths from the isolating fixtures.
    full_env = {k: v for k, v in os.environ.items() if k != "TRIALFINDER_API_URL"}
    full_env.update({"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [*trialfinder_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def invoke_cli(
    *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command inside this process, as :func:`run_cli` runs it outside: the same
    arguments, environment, exit code, and standard output and error kept apart.

    For tests of what the command says and stores, where a separate process is not the point:
    a run costs milliseconds instead of the ~0.4 s of starting Python and importing the stack.
    Real processes (sockets, signals, buffering, start-up) stay with :func:`run_cli`. An
    exception the command does not turn into an error line fails the test with its traceback,
    as it would show one to a user.
    """
    from click.testing import CliRunner

    from trialfinder.cli.main import cli

    full_env: dict[str, str | None] = {"TRIALFINDER_API_URL": None}
    full_env.update({"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})
    result = CliRunner().invoke(
        cli, list(args), input=input, env=full_env, prog_name="trialfinder", catch_exceptions=False
    )
    return subprocess.CompletedProcess(
        ["trialfinder", *args], result.exit_code, result.stdout, result.stderr
    )


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """A replay server on 127.0.0.1, stopped after the test."""
    with ReplayServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's API URL or configuration file; waits are turned down."""
    monkeypatch.delenv("TRIALFINDER_API_URL", raising=False)
    # The commands the tests start keep their compiled bytecode, as an installed tool does:
    # otherwise each of some 300 runs compiles the package again (about 8 s of CPU a suite).
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("TRIALFINDER_CONFIG", str(tmp_path / "no-config.toml"))
    for name, value in QUICK_WAITS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def real_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in pacing and retry waits, as a user gets them."""
    for name in QUICK_WAITS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test has its own response cache: never the user's, never shared between tests."""
    directory = tmp_path_factory.mktemp("cache-home") / "trialfinder-cache"
    monkeypatch.setenv("TRIALFINDER_CACHE_DIR", str(directory))
    return directory


def modes(folder: Path) -> dict[str, int]:
    """The permission bits of a folder (as ".") and of every file in it."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    found.update({p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()})
    return found


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """A permissive umask for the test, restored after it: files must be private all the same."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture
def no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients made during the test do not space their requests, and retry without waiting."""
    import trialfinder.http.client as client_module

    monkeypatch.setattr(client_module, "DEFAULT_MIN_INTERVAL", 0.0)
    monkeypatch.setattr(client_module.Client, "_wait", lambda self, state: 0.0)


# -- helpers shared by several test files ---------------------------------------------------

#: The public API, and its /studies endpoint with or without a query (for ``responses``).
API = "https://clinicaltrials.gov/api/v2"
STUDIES_URL = re.compile(re.escape(API + "/studies") + r"(\?.*)?$")


def serve_paged(rsps: Any, api: Any) -> None:
    """Answer each /studies request to ``rsps`` (a responses mock) from ``api`` (a PagedApi)."""
    import responses

    rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)


def full_study() -> Any:
    """The hand-made study with every module filled, read as a :class:`trialfinder.models.Study`."""
    from trialfinder.models.reading import parse_study

    return parse_study(load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json"))


def myeloma_studies() -> list[Any]:
    """The four studies of a myeloma search's first two pages (a repeat dropped), read."""
    from trialfinder.models.reading import parse_study

    pages = [
        "search_myeloma_radiation_pembrolizumab_page1_of_3.json",
        "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json",
    ]
    found = [parse_study(s) for page in pages for s in load_json(page)["studies"]]
    return list({s.nct_id: s for s in found}.values())


def myeloma_result(limit: int = 20, total: int = 4) -> Any:
    """A result of :func:`myeloma_studies`, cut to ``limit``, with ``total`` said to match."""
    from trialfinder.models.results import SearchResult

    return SearchResult(
        studies=myeloma_studies()[:limit],
        total_count=total,
        limit=limit,
        params={"query.cond": "multiple myeloma"},
        search_url="https://clinicaltrials.gov/search?cond=multiple+myeloma",
    )


#: Hand-made records of the corners of reading a study, exported by tests/export/.
HAND_MADE = [
    "study_NCT02013167_pembrolizumab_radiation_myeloma.json",
    "study_NCT09000012_markup_escapes_and_literal_backslashes.json",
    "study_NCT05555555_surprising_values.json",
    "study_NCT00000102_missing_modules.json",
]


def corpus() -> list[Any]:
    """Real recorded studies (when present) and hand-made ones, with repeats across pages."""
    return [*recorded_studies(), *(load_json(name) for name in HAND_MADE)]


def melanoma_stream(total: int, limit: int | None = None) -> tuple[Any, Any]:
    """A StudyStream of a melanoma search on :data:`API`, and a PagedApi of ``total`` studies
    to answer it (through :func:`serve_paged` or ``callback``)."""
    from pages import PagedApi
    from trialfinder.http.client import Client
    from trialfinder.http.paging import StudyStream
    from trialfinder.query.build import SearchQuery

    return StudyStream(SearchQuery.build("melanoma", limit=limit), Client(API)), PagedApi(total)


class WatchingSink(io.StringIO):
    """A text sink that counts its writes and, at each, how many studies already yielded are
    still alive (made by :func:`watching_sink`)."""

    def __init__(self, refs: list[weakref.ref[Any]]) -> None:
        super().__init__()
        self.refs = refs
        self.most_alive = 0
        self.writes = 0

    def write(self, text: str) -> int:
        alive = sum(1 for ref in self.refs if ref() is not None)
        self.most_alive = max(self.most_alive, alive)
        self.writes += 1
        return super().write(text)


def watching_sink(monkeypatch: pytest.MonkeyPatch) -> WatchingSink:
    """A sink that sees every study the streams of this test yield."""
    from trialfinder.http.paging import StudyStream

    refs: list[weakref.ref[Any]] = []
    original = StudyStream._studies

    def watched(self: StudyStream, client: Any) -> Any:
        for study in original(self, client):
            refs.append(weakref.ref(study))
            yield study

    monkeypatch.setattr(StudyStream, "_studies", watched)
    return WatchingSink(refs)
