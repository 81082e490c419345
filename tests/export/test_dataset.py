"""Tests for trialfinder.export.dataset: the Parquet folder, its manifest, an early stop."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import responses

from conftest import (
    HAND_MADE,
    QUICK_WAITS,
    SHARED_CTGOV,
    corpus,
    invoke_cli,
    load_json,
    trialfinder_command,
)
from pages import PagedApi
from replay_server import ReplayServer, Reply
from trialfinder.export.dataset import arrow_schema
from trialfinder.export.tables import EXPORT_FIELDS, TABLES, study_row
from trialfinder.models.reading import parse_study

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

STUDIES = "https://clinicaltrials.gov/api/v2/studies"
#: What an escape looks like: a backslash before ASCII punctuation.
ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
UNREADABLE = {"protocolSection": {"identificationModule": {"briefTitle": "no NCT ID"}}}
VERSION = b'{"apiVersion":"2.0.5","dataTimestamp":"2026-11-29T09:00:05"}'


def test_every_row_has_a_value_per_documented_column() -> None:
    """It builds study rows exactly as long as the documented column list."""
    study = parse_study(load_json(HAND_MADE[0]))
    assert len(study_row(study)) == len(TABLES["studies"])
    for name, columns in TABLES.items():
        assert len({c.name for c in columns}) == len(columns), name
        assert [f.name for f in arrow_schema(name)] == [c.name for c in columns]


# -- an export from a replay server -------------------------------------------------------


def page(records: list[Any], token: str | None, total: int | None = None) -> Reply:
    body: dict[str, Any] = {"studies": records}
    if token:
        body["nextPageToken"] = token
    if total is not None:
        body["totalCount"] = total
    return Reply(body=json.dumps(body).encode())


def serve(server: ReplayServer, records: list[Any], per_page: int = 20) -> list[Any]:
    """Serve ``records`` (and one unreadable record) as pages; the studies expected, in order."""
    records = [*records, UNREADABLE]
    unique: dict[str, Any] = {}
    for raw in records:
        if raw is not UNREADABLE:
            unique.setdefault(parse_study(raw).nct_id, raw)
    chunks = [records[i : i + per_page] for i in range(0, len(records), per_page)]
    replies = [
        page(
            chunk,
            f"token-{n + 1}" if n + 1 < len(chunks) else None,
            len(unique) + 1 if n == 0 else None,
        )
        for n, chunk in enumerate(chunks)
    ]
    server.add("/studies", *replies)
    server.add("/version", Reply(body=VERSION))
    return list(unique.values())


def read(folder: Path, table: str) -> Any:
    return pq.read_table(folder / f"{table}.parquet")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any], Any]:
    """One export of the whole corpus through the command, read by several tests."""
    base = tmp_path_factory.mktemp("dataset")
    folder = base / "out"
    # Module-wide, so the per-test isolation fixtures do not apply: isolate by hand.
    isolated = {
        "TRIALFINDER_CONFIG": str(base / "none.toml"),
        "TRIALFINDER_CACHE_DIR": str(base),
        **QUICK_WAITS,
    }
    with ReplayServer() as server:
        expected = serve(server, corpus())
        done = invoke_cli(
            "export",
            str(folder),
            "-c",
            "anything",
            "--status",
            "all",
            "--api-url",
            server.url,
            env=isolated,
        )
        sent = [params for path, params, _ in server.requests if path.endswith("/studies")]
    assert done.returncode == 0, done.stderr
    return folder, expected, (done, sent)


def test_export_writes_every_table_and_counts_match(
    exported: tuple[Path, list[Any], Any],
) -> None:
    """It writes one row per study, site, arm and intervention, each once, keyed by NCT ID."""
    folder, expected, (done, sent) = exported
    studies = [parse_study(raw) for raw in expected]
    assert sorted(p.name for p in folder.iterdir()) == [
        "arms.parquet",
        "interventions.parquet",
        "manifest.json",
        "sites.parquet",
        "studies.parquet",
    ]
    ids = read(folder, "studies").column("nct_id").to_pylist()
    assert ids == [s.nct_id for s in studies] and len(set(ids)) == len(ids)
    for table, key, per_study in [
        ("sites", "site_index", lambda s: s.locations),
        ("arms", "arm_index", lambda s: s.arms),
        ("interventions", "intervention_index", lambda s: s.interventions),
    ]:
        rows = read(folder, table)
        pairs = list(
            zip(rows.column("nct_id").to_pylist(), rows.column(key).to_pylist(), strict=True)
        )
        assert pairs == [(s.nct_id, i) for s in studies for i in range(len(per_study(s)))]
    # Every module the tables hold, every match: the largest page size.
    assert sent[0]["fields"] == ",".join(EXPORT_FIELDS) and sent[0]["pageSize"] == "1000"
    assert "Wrote" in done.stderr and "complete" in done.stderr


def test_types_are_as_documented(exported: tuple[Path, list[Any], Any]) -> None:
    """It writes each column with the documented type, read back by pyarrow."""
    folder, _, _ = exported
    for table in TABLES:
        assert read(folder, table).schema.equals(arrow_schema(table)), table
    schema = read(folder, "studies").schema
    assert schema.field("phases").type == pa.list_(pa.string())
    assert schema.field("start_date_first_day").type == pa.date32()
    assert schema.field("enrollment").type == pa.int64()
    assert schema.field("minimum_age_years").type == pa.float64()
    assert not schema.field("nct_id").nullable


def test_values_of_a_known_study(exported: tuple[Path, list[Any], Any]) -> None:
    """It keeps registry values as registered, with typed dates and ages beside them."""
    folder, _, _ = exported
    rows = {r["nct_id"]: r for r in read(folder, "studies").to_pylist()}
    pembro = rows["NCT02013167"]
    assert pembro["overall_status"] == "RECRUITING"
    assert pembro["phases"] == ["PHASE1", "PHASE2"]
    assert pembro["url"] == "https://clinicaltrials.gov/study/NCT02013167"
    assert (pembro["primary_completion_date"], pembro["primary_completion_date_first_day"]) == (
        "2026-12",
        date(2026, 12, 1),
    )
    assert pembro["primary_completion_date_precision"] == "month"
    assert (pembro["minimum_age"], pembro["minimum_age_years"]) == ("18 Years", 18.0)
    assert pembro["enrollment"] == 40 and pembro["healthy_volunteers"] is False
    assert pembro["enrollment_type"] == "ESTIMATED"
    odd = rows["NCT05555555"]
    assert odd["overall_status"] == "SOME_NEW_STATUS" and odd["enrollment"] is None
    sites = [r for r in read(folder, "sites").to_pylist() if r["nct_id"] == "NCT02013167"]
    assert sites[0]["facility"] == "Mayo Clinic" and sites[0]["latitude"] == 44.02163
    arms = [r for r in read(folder, "arms").to_pylist() if r["nct_id"] == "NCT02013167"]
    assert arms[0]["intervention_names"] == ["Drug: Pembrolizumab", "Radiation: Radiation therapy"]


def test_no_markup_escapes_in_text(exported: tuple[Path, list[Any], Any]) -> None:
    """It writes text as typed: no CommonMark escape in any table's markup columns."""
    folder, _, _ = exported
    checked = 0
    for table, columns in [
        ("studies", ["brief_summary", "eligibility_criteria", "why_stopped"]),
        ("arms", ["description"]),
        ("interventions", ["description"]),
    ]:
        for column in columns:
            for text in read(folder, table).column(column).to_pylist():
                if text:
                    checked += 1
                    assert not ESCAPE.search(text), text[:200]
    assert checked > 10  # the hand-made records alone hold 13; the recorded ones add more
    criteria = {r["nct_id"]: r["eligibility_criteria"] for r in read(folder, "studies").to_pylist()}
    assert "Age >= 18 years" in criteria["NCT09000012"]
    if (SHARED_CTGOV / "search").exists():
        assert "Patients' age must be >= 18 years" in criteria["NCT06388018"]


def test_manifest_says_what_was_done(exported: tuple[Path, list[Any], Any]) -> None:
    """It records the search, the data timestamp, row counts, the skipped study, complete."""
    folder, expected, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    studies = [parse_study(raw) for raw in expected]
    assert manifest["complete"] is True and manifest["stopped"] is None
    assert manifest["rows"] == {
        "studies": len(studies),
        "sites": sum(len(s.locations) for s in studies),
        "arms": sum(len(s.arms) for s in studies),
        "interventions": sum(len(s.interventions) for s in studies),
    }
    assert manifest["data_timestamp"] == "2026-11-29T09:00:05"
    assert manifest["params"]["query.cond"] == "anything"
    assert manifest["searched"] == ["Condition: anything", "Filters: status: any"]
    assert manifest["skipped"] == [
        {"study": "record #" + str(len(studies) + 1), "reason": manifest["skipped"][0]["reason"]}
    ]
    assert manifest["limit"] is None and manifest["total_count"] == len(studies) + 1
    assert manifest["files"]["studies"] == "studies.parquet"


def test_duckdb_reads_the_folder(exported: tuple[Path, list[Any], Any]) -> None:
    """It gives DuckDB tables it reads as they are, joined on nct_id, types as documented."""
    folder, expected, _ = exported
    con = duckdb.connect()
    studies = con.execute(
        f"SELECT count(*), count(DISTINCT nct_id) FROM '{folder}/studies.parquet'"
    ).fetchall()
    assert studies == [(len(expected), len(expected))]
    described = dict(
        (row[0], row[1])
        for row in con.execute(f"DESCRIBE SELECT * FROM '{folder}/studies.parquet'").fetchall()
    )
    assert described["phases"] == "VARCHAR[]" and described["start_date_first_day"] == "DATE"
    assert described["enrollment"] == "BIGINT" and described["healthy_volunteers"] == "BOOLEAN"
    joined = con.execute(
        f"SELECT s.nct_id, count(*) FROM '{folder}/studies.parquet' s "
        f"JOIN '{folder}/sites.parquet' t USING (nct_id) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchone()
    largest = max((parse_study(r) for r in expected), key=lambda s: len(s.locations))
    assert joined == (largest.nct_id, len(largest.locations))


def test_documented_duckdb_queries_run(exported: tuple[Path, list[Any], Any]) -> None:
    """It runs the DuckDB queries of docs/export.md over an exported folder, so they cannot rot."""
    folder, _, _ = exported
    guide = (Path(__file__).parents[2] / "docs" / "export.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", guide, flags=re.DOTALL)
    queries = [q for block in blocks for q in block.split(";") if q.strip(" \n-")]
    assert len(queries) == 2
    con = duckdb.connect()
    for query in queries:
        rows = con.execute(query.replace("'myeloma/", f"'{folder}/")).fetchall()
        assert rows, query


# -- refusing, missing pyarrow, stopping early --------------------------------------------


def test_non_empty_folder_is_refused_without_force(server: ReplayServer, tmp_path: Path) -> None:
    """It refuses a folder holding files, in one line naming --force, before any request."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = invoke_cli("export", str(tmp_path), "-c", "x", "--api-url", server.url)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not empty" in lines[0] and "--force" in lines[0], done.stderr
    assert server.requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_without_pyarrow_it_says_what_to_install(tmp_path: Path) -> None:
    """It exits 2 with one line naming the extra to install when pyarrow is missing."""
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None  # as if not installed\n"
        "from trialfinder.cli.main import main\n"
        f"sys.argv = ['trialfinder', 'export', {str(tmp_path / 'out')!r}, '-c', 'x']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "trialfinder: error: Writing Parquet needs pyarrow, which is not installed: "
        'pip install "trialfinder[parquet]"'
    )
    assert not (tmp_path / "out").exists()


def test_failure_mid_way_leaves_files_marked_incomplete(
    server: ReplayServer, tmp_path: Path
) -> None:
    """It marks a folder cut short by an API failure incomplete, under names that say so."""
    first = [load_json(name) for name in HAND_MADE[:2]]
    server.add(
        "/studies",
        page(first, "next", total=4),
        Reply(status=400, body=b"bad token", content_type="text/plain"),
    )
    server.add("/version", Reply(body=VERSION))
    folder = tmp_path / "out"
    done = invoke_cli("export", str(folder), "-c", "x", "--api-url", server.url)
    assert done.returncode == 2, done.stderr
    assert 'complete": false' in done.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is False and "bad token" in manifest["stopped"]
    assert not list(folder.glob("*.parquet"))
    names = sorted(p.name for p in folder.glob("*.incomplete"))
    assert names == [f"{t}.parquet.incomplete" for t in sorted(TABLES)]
    assert manifest["files"]["studies"] == "studies.parquet.incomplete"


def test_failure_after_force_keeps_the_earlier_complete_export(
    server: ReplayServer, tmp_path: Path
) -> None:
    """It leaves an earlier complete export as it was when a --force export fails."""
    folder = tmp_path / "out"
    server.add("/version", Reply(body=VERSION))
    route = server.add("/studies", page([load_json(HAND_MADE[0])], None, total=1))
    assert invoke_cli("export", str(folder), "-c", "x", "--api-url", server.url).returncode == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    route.replies = [
        page([load_json(HAND_MADE[1])], "next", total=2),
        Reply(status=400, body=b"bad token", content_type="text/plain"),
    ]
    route.served = 0
    done = invoke_cli("export", str(folder), "-c", "x", "--force", "--api-url", server.url)
    assert done.returncode == 2
    assert "earlier complete export" in done.stderr and "unchanged" in done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_ctrl_c_mid_way_never_looks_complete(server: ReplayServer, tmp_path: Path) -> None:
    """It stops on Ctrl-C while the next page is awaited, and marks the folder incomplete."""
    first = [load_json(name) for name in HAND_MADE[:2]]
    server.add("/studies", page(first, "next", total=4), Reply(body=b"{}", delay=30))
    server.add("/version", Reply(body=VERSION))
    folder = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "TRIALFINDER_API_URL"}
    process = subprocess.Popen(
        [*trialfinder_command(), "export", str(folder), "-c", "x", "--api-url", server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    while sum(1 for p, _, _ in server.requests if p.endswith("/studies")) < 2:
        assert time.monotonic() < deadline and process.poll() is None, "never asked for page 2"
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is False and "interrupted" in manifest["stopped"]
    assert not list(folder.glob("*.parquet"))
    # What was written is readable, and says it is not whole by its name.
    assert pq.read_table(folder / "studies.parquet.incomplete").num_rows <= 2


def test_library_export(tmp_path: Path, server: ReplayServer, no_pacing: None) -> None:
    """It exports from the library as from the command, returning the manifest."""
    from trialfinder.export.dataset import export_parquet

    serve(server, [load_json(name) for name in HAND_MADE])
    manifest = export_parquet(tmp_path / "lib", condition="x", status="all", api_url=server.url)
    assert manifest.complete and manifest.rows["studies"] == len(HAND_MADE)
    assert read(tmp_path / "lib", "studies").num_rows == len(HAND_MADE)


@responses.activate
def test_row_groups_page_by_page_with_progress(tmp_path: Path, no_pacing: None) -> None:
    """It writes one row group per 1,000 studies (an API page) and reports progress on each."""
    from trialfinder.export.dataset import write_dataset
    from trialfinder.http.client import Client
    from trialfinder.http.paging import StudyStream
    from trialfinder.query.build import build_query

    api = PagedApi(2500)
    responses.add_callback(responses.GET, STUDIES, callback=api.callback)
    seen: list[tuple[int, int | None]] = []
    with Client() as client:
        stream = StudyStream(build_query("x", limit=None), client, fields=EXPORT_FIELDS)
        manifest = write_dataset(
            stream, tmp_path / "out", progress=lambda done, of: seen.append((done, of))
        )
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert manifest.rows["studies"] == 2500 and manifest.complete
    studies = pq.ParquetFile(tmp_path / "out" / "studies.parquet")
    assert [studies.metadata.row_group(i).num_rows for i in range(3)] == [1000, 1000, 500]
    assert [p["pageSize"] for p in api.requests] == ["1000"] * 3


def test_a_row_group_is_one_full_api_page_by_the_query_constant() -> None:
    """It sizes row groups by query.build.MAX_PAGE_SIZE itself, not by a copy of its value."""
    import ast
    import inspect

    from trialfinder.export import dataset
    from trialfinder.query.build import MAX_PAGE_SIZE

    assigned = [
        node.value
        for node in ast.walk(ast.parse(inspect.getsource(dataset)))
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "ROW_GROUP_STUDIES" for t in node.targets)
    ]
    assert [ast.unparse(value) for value in assigned] == ["MAX_PAGE_SIZE"]
    assert dataset.ROW_GROUP_STUDIES == MAX_PAGE_SIZE
