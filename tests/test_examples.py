"""The scripts in examples/ run against the replay server, so they never rot."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from replay_server import ReplayServer, Reply

EXAMPLES = Path(__file__).parent.parent / "examples"


def run_example(name: str, *args: str, api_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIALFINDER_API_URL": api_url}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_every_example_is_tested() -> None:
    """It has a test for each example script."""
    tested = {"combined_interventions.py", "recruiting_to_csv.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_combined_interventions(server: ReplayServer) -> None:
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


def test_recruiting_to_csv(server: ReplayServer, tmp_path: Path) -> None:
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
