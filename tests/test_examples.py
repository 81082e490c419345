"""The scripts in examples/ run against the replay server, so they never rot."""

from __future__ import annotations

import csv
import runpy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from replay_server import ReplayServer, Reply

EXAMPLES = Path(__file__).parent.parent / "examples"

RunExample = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunExample:
    """Run an example as ``python examples/NAME ARGS...`` runs it, inside this process.

    The script runs as ``__main__`` with its own ``sys.argv`` and the API URL in the
    environment, as a user starts it; a separate process would add only the start of Python
    and the imports (~0.4 s a run). Returns its exit code and its two output streams.
    """

    def run(name: str, *args: str, api_url: str) -> subprocess.CompletedProcess[str]:
        script = str(EXAMPLES / name)
        monkeypatch.setenv("TRIALFINDER_API_URL", api_url)
        monkeypatch.setattr(sys, "argv", [script, *args])
        capsys.readouterr()
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
        else:
            code = 0
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess([sys.executable, script, *args], code, out, err)

    return run


def test_every_example_is_tested() -> None:
    """It has a test for each example script."""
    tested = {"combined_interventions.py", "export_to_duckdb.py", "recruiting_to_csv.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_combined_interventions(server: ReplayServer, run_example: RunExample) -> None:
    """It tells trials giving both treatments in one arm from those comparing them."""
    server.add(
        "/studies",
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page1_of_3.json"),
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json"),
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page3_of_3.json"),
        Reply.fixture("search_page_empty_with_token.json"),
    )
    done = run_example(
        "combined_interventions.py",
        "multiple myeloma",
        "radiation",
        "pembrolizumab",
        api_url=server.url,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "5 of 5 studies involve radiation and pembrolizumab:"
    assert "NCT02013167  RECRUITING               together in arm 'Pembrolizumab + RT'" in lines
    assert "NCT03104439  NOT_YET_RECRUITING       in separate arms only" in lines
    assert server.requests[0][1]["query.intr"] == "radiation AND pembrolizumab"


def test_recruiting_to_csv(server: ReplayServer, tmp_path: Path, run_example: RunExample) -> None:
    """It writes only the recruiting studies, each with its link."""
    server.add("/studies", Reply.fixture("search_all_blinatumomab_single_page.json"))
    out = tmp_path / "recruiting.csv"
    done = run_example(
        "recruiting_to_csv.py", "acute lymphoblastic leukemia", str(out), api_url=server.url
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["nct_id"], r["url"]) for r in rows] == [
        ("NCT03914625", "https://clinicaltrials.gov/study/NCT03914625")
    ]
    assert "Wrote 1 recruiting of 2 matching studies" in done.stdout


def test_export_to_duckdb(server: ReplayServer, tmp_path: Path, run_example: RunExample) -> None:
    """It exports a search and answers the three questions with DuckDB SQL over the files."""
    server.add(
        "/studies",
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page1_of_3.json"),
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json"),
        Reply.fixture("search_myeloma_radiation_pembrolizumab_page3_of_3.json"),
    )
    server.add("/version", Reply.fixture("version.json"))
    folder = tmp_path / "myeloma"
    done = run_example(
        "export_to_duckdb.py",
        "multiple myeloma",
        "radiation",
        "pembrolizumab",
        str(folder),
        api_url=server.url,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith(f"Exported 5 studies to {folder}.")
    sites = text.split("Recruiting sites per country:\n", 1)[1].split("\n\n", 1)[0]
    assert sites.splitlines() == [
        "      2  United States",
        "      1  Canada",
        "      1  Germany",
    ]
    assert "      1  Mayo Clinic" in text
    arms = text.split("Arms whose interventions name both radiation and pembrolizumab: ", 1)[1]
    assert arms.splitlines()[:5] == [
        "4",
        "  NCT02013167  RECRUITING             Pembrolizumab + RT",
        "  NCT04425434  ENROLLING_BY_INVITATION LDRT + pembrolizumab",
        "  NCT05099003  UNKNOWN                Combination",
        "  NCT06000005  RECRUITING             Consolidation",
    ]
    assert (folder / "manifest.json").exists() and (folder / "arms.parquet").exists()
