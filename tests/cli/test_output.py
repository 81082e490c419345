"""Tests for trialfinder.cli.output: what a failed run does to the -o path, and failed writes."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from conftest import API, STUDIES_URL, invoke_cli, load_json, run_cli, trialfinder_command
from replay_server import ReplayServer, Reply

SINGLE_PAGE = "search_all_blinatumomab_single_page.json"
#: No API answers: every request fails to connect (``responses`` refuses unknown URLs).
UNREACHABLE = ("--no-cache", "--retries", "1")
EARLIER = "nct_id,title\nNCT00000001,yesterday's search\n"
pytestmark = pytest.mark.usefixtures("no_pacing")


def _device(folder: Path, name: str, minor: int) -> Path:
    """A character device of the memory driver (1, minor) in ``folder``: 3 is null, 7 full."""
    path = folder / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making a device needs root (CAP_MKNOD)")
    return path


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    return _device(tmp_path, "null", 3)


@pytest.fixture
def full_device(tmp_path: Path) -> Path:
    return _device(tmp_path, "full", 7)


@pytest.fixture
def pipe(tmp_path: Path) -> Iterator[Path]:
    """A named pipe with a reader that never reads, so opening it to write does not wait."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        yield path
    finally:
        os.close(reader)


def _is_char_device(path: Path) -> bool:
    return path.exists() and stat.S_ISCHR(path.lstat().st_mode)


@pytest.mark.parametrize("fmt", ["table", "jsonl", "html"])
@responses.activate
def test_a_failed_search_leaves_a_device_in_place(null_device: Path, fmt: str) -> None:
    """It keeps a device named by -o when the search fails (it was removed: size 0)."""
    result = invoke_cli("search", "-c", "ALL", "-f", fmt, "-o", str(null_device), *UNREACHABLE)
    assert result.returncode == 1, result.stderr
    assert _is_char_device(null_device)


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
@responses.activate
def test_a_failed_search_leaves_a_pipe_in_place(pipe: Path, fmt: str) -> None:
    """It keeps a named pipe named by -o when the search fails."""
    result = invoke_cli("search", "-c", "ALL", "-f", fmt, "-o", str(pipe), *UNREACHABLE)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "markdown", "html"])
@responses.activate
def test_a_full_device_is_one_line_and_stays(full_device: Path, fmt: str) -> None:
    """It says in one line that the output could not be written, exits 1, keeps the device."""
    responses.get(STUDIES_URL, json=load_json(SINGLE_PAGE))
    responses.get(f"{API}/version", json=load_json("version.json"))
    result = invoke_cli("search", "-c", "ALL", "-f", fmt, "-o", str(full_device), "--no-cache")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"trialfinder: error: Cannot write to {full_device} (No space left on device); "
        "free some space or choose another file with -o."
    ]
    assert _is_char_device(full_device)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table", "html"])
@responses.activate
def test_an_earlier_file_is_kept_when_no_study_arrived(tmp_path: Path, fmt: str) -> None:
    """It leaves an earlier file as it was when the search fails before the first study
    (it was removed, or emptied by the CSV header)."""
    target = tmp_path / f"out.{fmt}"
    target.write_text(EARLIER, encoding="utf-8")
    result = invoke_cli("search", "-c", "ALL", "-f", fmt, "-o", str(target), *UNREACHABLE)
    assert result.returncode == 1, result.stderr
    assert target.read_text(encoding="utf-8") == EARLIER


@responses.activate
def test_an_earlier_file_is_replaced_by_a_search_that_found_nothing(tmp_path: Path) -> None:
    """It replaces an earlier file with the new output, even one with no study in it."""
    responses.get(STUDIES_URL, json=load_json("search_no_results.json"))
    target = tmp_path / "out.csv"
    target.write_text(EARLIER * 50, encoding="utf-8")
    result = invoke_cli("search", "-c", "ALL", "-f", "csv", "-o", str(target), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("nct_id,title,status")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1


@responses.activate
def test_an_earlier_file_is_replaced_whole(tmp_path: Path) -> None:
    """It leaves nothing of a longer earlier file after the new output."""
    responses.get(STUDIES_URL, json=load_json(SINGLE_PAGE))
    target = tmp_path / "out.jsonl"
    target.write_text("x" * 100_000, encoding="utf-8")
    result = invoke_cli("search", "-c", "ALL", "-f", "jsonl", "-o", str(target), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").count("\n") == 2
    assert "x" not in target.read_text(encoding="utf-8").splitlines()[-1][-5:]


def _run_to(device: Path, *args: str) -> subprocess.CompletedProcess[str]:
    with open(device, "w") as stdout:
        return subprocess.run(
            [*trialfinder_command(), *args],
            stdout=stdout,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "COLUMNS": "200"},
        )


STDOUT_FULL = (
    "trialfinder: error: Cannot write the output (No space left on device); "
    "free some space or send it somewhere else.\n"
)


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["config", "path"]])
def test_stdout_to_a_full_device_is_one_line(full_device: Path, args: list[str]) -> None:
    """It says in one line that stdout could not be written, and exits 1 (was a traceback)."""
    result = _run_to(full_device, *args)
    assert (result.returncode, result.stderr) == (1, STDOUT_FULL)


def test_search_to_a_full_stdout_is_one_line(full_device: Path, server: ReplayServer) -> None:
    """It stops a search whose stdout is full with the same one line."""
    server.add("/studies", Reply.fixture(SINGLE_PAGE))
    result = _run_to(full_device, "search", "-c", "ALL", "--api-url", server.url, "--no-cache")
    assert (result.returncode, result.stderr) == (1, STDOUT_FULL)


def test_a_failed_run_with_a_device_as_output_keeps_it(null_device: Path) -> None:
    """It keeps the device when the installed command fails (the tester's reproduction)."""
    url = "http://127.0.0.1:9/api/v2"
    result = run_cli(
        "search", "-c", "ALL", "--api-url", url, "--retries", "1", "-o", str(null_device)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert _is_char_device(null_device)
