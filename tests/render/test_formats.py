"""Tests for trialfinder.render.formats: JSON, JSON Lines and CSV."""

from __future__ import annotations

import csv
import io
import json

from conftest import load_json
from conftest import myeloma_result as result
from conftest import myeloma_studies as studies
from trialfinder.models.reading import parse_study
from trialfinder.render.formats import result_dict, write_csv, write_jsonl


def test_json_result_carries_counts_links_and_raw_values() -> None:
    """It keeps registry values as they are and a url on every study."""
    data = json.loads(json.dumps(result_dict(result(limit=2, total=4))))
    assert data["total_count"] == 4 and data["returned"] == 2 and data["truncated"] is True
    assert data["studies"][0]["status"] == "RECRUITING"
    assert data["studies"][0]["phases"] == ["PHASE1", "PHASE2"]
    assert all(s["url"].startswith("https://clinicaltrials.gov/study/NCT") for s in data["studies"])


def test_jsonl_one_study_per_line() -> None:
    """It writes one complete JSON object per line."""
    out = io.StringIO()
    write_jsonl(studies(), out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["nct_id"] for line in lines] == [s.nct_id for s in studies()]


def test_csv_has_header_url_and_safe_cells() -> None:
    """It writes a header, a url column and neutralized cells."""
    raw = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    raw["protocolSection"]["identificationModule"]["briefTitle"] = "=cmd|' /C calc'!A0"
    out = io.StringIO()
    write_csv([parse_study(raw)], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["url"] == "https://clinicaltrials.gov/study/NCT02013167"
    assert rows[0]["phases"] == "PHASE1|PHASE2"
