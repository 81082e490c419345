#!/usr/bin/env python3
"""Benchmarks of trialfinder against a local server that replays real-shaped pages.

Run from the repository, in the project's environment::

    python benchmarks/run.py            # everything, about two minutes
    python benchmarks/run.py --quick    # skips the paced cache run and the peers

The server on 127.0.0.1 builds ``GET /studies`` pages from the real study records in
``shared/ctgov/studies/`` (else ``tests/fixtures``), numbering the NCT IDs anew, with
``pageSize``/``pageToken``/``countTotal`` as the API has them, and honours ``fields=`` by
cutting each record to the paths that ``/studies/metadata`` gives for the pieces asked.
Not part of the test suite: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pages import METADATA, SHARED_CTGOV, filter_record, piece_paths  # noqa: E402
from trialfinder.api import search  # noqa: E402
from trialfinder.http.cache import cached_session  # noqa: E402
from trialfinder.http.client import Client  # noqa: E402
from trialfinder.models import reading as models  # noqa: E402
from trialfinder.models.reading import read_page_json  # noqa: E402
from trialfinder.query.pieces import LIST_FIELDS  # noqa: E402

#: Whole records of three sizes for the reading rows: search word, real record, the number
#: of sites it is given (None: as recorded), studies searched. No recorded study has 1,000
#: sites, so the large one is a real record whose sites are repeated to 1,100, numbered.
SIZES = [
    ("small", "tsa_study_NCT00098150_atopic_dermatitis_sparse_arrays.json", None, 1000),
    ("medium", "aact_study_NCT03630471_adolescent_mental_health.json", None, 1000),
    ("sites", "aact_study_NCT02552212_certolizumab_axspa_results_v20231212.json", 1100, 50),
]
#: Search word → how many studies match it on the benchmark server.
TOTALS = {"melanoma": 50_000, **{word: n for word, _, _, n in SIZES}}
PLACEHOLDER = "NCT@@@@@@@@"


# -- the server ---------------------------------------------------------------------------


def load_records() -> list[dict[str, Any]]:
    """Real full study records: shared/ctgov/studies, else the test fixtures."""
    folder = SHARED_CTGOV / "studies"
    files = sorted(folder.glob("*.json")) if folder.exists() else []
    if not files:
        files = sorted((ROOT / "tests" / "fixtures").glob("study_*.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    return [r for r in records if isinstance(r, dict) and "protocolSection" in r]


class Corpus:
    """Study records as JSON text, renumbered on demand, whole or cut to ``fields``."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = []
        for record in records:
            copy = json.loads(json.dumps(record))
            copy["protocolSection"]["identificationModule"]["nctId"] = PLACEHOLDER
            self.records.append(copy)
        metadata = json.loads(METADATA.read_text(encoding="utf-8")) if METADATA.exists() else []
        self.paths = piece_paths(metadata)
        self._templates: dict[str, list[tuple[str, str]]] = {}

    def templates(self, fields: str) -> list[tuple[str, str]]:
        if fields not in self._templates:
            pieces = [f for f in fields.replace("|", ",").split(",") if f]
            usable = fields and self.paths and all(p in self.paths for p in pieces)
            out = []
            for record in self.records:
                doc = filter_record(record, pieces, self.paths) if usable else record
                text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
                head, _, tail = text.partition(PLACEHOLDER)
                out.append((head, tail))
            self._templates[fields] = out
        return self._templates[fields]

    def study(self, number: int, fields: str) -> str:
        templates = self.templates(fields)
        head, tail = templates[number % len(templates)]
        return f"{head}NCT{number:08d}{tail}" if tail else head


def sized_records() -> dict[str, dict[str, Any]]:
    """The record of each size in :data:`SIZES` (its sites repeated when asked), by word."""
    folder = SHARED_CTGOV / "studies"
    fallback = sorted((ROOT / "tests" / "fixtures").glob("study_*.json"))
    out = {}
    for word, name, sites, _ in SIZES:
        path = folder / name if (folder / name).exists() else fallback[-1]
        record = json.loads(path.read_text(encoding="utf-8"))
        if sites:
            module = record["protocolSection"].setdefault("contactsLocationsModule", {})
            real = module.get("locations") or [{"facility": "Site", "country": "United States"}]
            module["locations"] = [
                {**real[i % len(real)], "facility": f"{real[i % len(real)].get('facility')} {i}"}
                for i in range(sites)
            ]
        out[word] = record
    return out


class BenchServer:
    """The API's ``/studies`` and ``/version`` on 127.0.0.1, counting requests and bytes.

    A search for a word of :data:`SIZES` is answered with copies of that size's record;
    any other search with the whole corpus in turn.
    """

    def __init__(self, corpus: Corpus, sized: dict[str, Corpus] | None = None) -> None:
        self.corpus = corpus
        self.sized = sized or {}
        #: Seconds each answer is held back, to model the public API's own response time.
        self.latency = 0.0
        self.requests = 0
        self.bytes = 0
        self._lock = threading.Lock()
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                if parts.path.endswith("/version"):
                    body = b'{"apiVersion":"2.0.5","dataTimestamp":"2026-01-01T00:00:00"}'
                else:
                    body = bench.page(params).encode()
                if bench.latency:
                    time.sleep(bench.latency)
                with bench._lock:
                    bench.requests += 1
                    bench.bytes += len(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}/api/v2"

    def page(self, params: dict[str, str]) -> str:
        words = (params.get("query.cond") or params.get("query.term") or "").lower().split()
        total = TOTALS.get(words[0] if words else "", 0)
        size = min(int(params.get("pageSize", "10")), 1000)
        start = int(params.get("pageToken", "0"))
        end = min(start + size, total)
        fields = params.get("fields", "")
        corpus = self.sized.get(words[0] if words else "", self.corpus)
        studies = ",".join(corpus.study(n, fields) for n in range(start + 1, end + 1))
        extra = ""
        if end < total:
            extra += f',"nextPageToken":"{end}"'
        if "pageToken" not in params and params.get("countTotal") == "true":
            extra += f',"totalCount":{total}'
        return f'{{"studies":[{studies}]{extra}}}'

    def reset(self) -> None:
        with self._lock:
            self.requests = self.bytes = 0

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# -- measurements -------------------------------------------------------------------------

Row = tuple[str, str, str, str]  # what, measured, target, verdict


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run_search(
    server: BenchServer,
    limit: int,
    fields: Any,
    min_interval: float | None = 0,
    word: str = "melanoma",
    **client_args: Any,
) -> dict[str, Any]:
    """One search through a new client: unpaced unless ``min_interval`` is None (the default
    client's pacing, one request a second)."""
    server.reset()
    start = time.perf_counter()
    with Client(server.url, min_interval=min_interval, **client_args) as client:
        result = search(condition=word, limit=limit, client=client, fields=fields)
        hits = client.cache_hits
    return {
        "seconds": time.perf_counter() - start,
        "requests": server.requests,
        "bytes": server.bytes,
        "studies": len(result.studies),
        "cache_hits": hits,
    }


def bench_searches(server: BenchServer, rows: list[Row]) -> dict[int, dict[str, Any]]:
    results = {}
    for limit in (20, 1000, 10_000):
        lean = run_search(server, limit, LIST_FIELDS)
        full = run_search(server, limit, None)
        results[limit] = lean
        need = math.ceil(limit / 1000)
        print(
            f"  search {limit:>6,}: {lean['requests']} requests, {lean['bytes'] / 1e6:8.2f} MB "
            f"(whole records {full['bytes'] / 1e6:8.2f} MB), {lean['seconds']:.2f} s "
            f"(whole records {full['seconds']:.2f} s)"
        )
        rows.append(
            (
                f"requests, search of {limit:,}",
                str(lean["requests"]),
                f"= {need} (ceil(n/1000))",
                verdict(lean["requests"] == need and lean["studies"] == limit),
            )
        )
        share = lean["bytes"] / full["bytes"]
        rows.append(
            (
                f"list-view bytes vs whole records, {limit:,}",
                f"{share:.1%}",
                "<= 15%",
                verdict(share <= 0.15),
            )
        )
    return results


def floor_fetch(server: BenchServer, word: str, limit: int) -> None:
    """The decode floor: the same pages with ``requests`` and bare ``json.loads``."""
    import requests

    params = {"query.cond": word, "pageSize": str(min(limit, 1000)), "countTotal": "true"}
    with requests.Session() as session:
        token = None
        while True:
            page = dict(params, **({"pageToken": token} if token else {}))
            document = json.loads(session.get(f"{server.url}/studies", params=page).content)
            token = document.get("nextPageToken")
            if not token:
                return


def bench_reading(server: BenchServer, rows: list[Row], rounds: int = 5) -> None:
    """Whole records read into studies, against decoding alone, at three sizes."""
    for word, _, _, limit in SIZES:
        corpus = server.sized[word]
        body = '{"studies":[' + ",".join(corpus.study(n, "") for n in range(1, limit + 1))
        body = (body + "]}").encode()
        floor, ours, loads, reads, unpaused = [], [], [], [], []
        for _ in range(rounds):  # interleaved, so that the machine's load hits both alike
            floor.append(timed(floor_fetch, server, word, limit))
            ours.append(timed(run_search, server, limit, None, word=word))
            loads.append(timed(json.loads, body))
            reads.append(timed(read_page_json, body))
            unpaused.append(timed(models._read_page_json, body))
        search_ratio = statistics.median(ours) / statistics.median(floor)
        read_ratio = statistics.median(reads) / statistics.median(loads)
        unpaused_ratio = statistics.median(unpaused) / statistics.median(loads)
        size = len(body) / limit / 1000
        print(
            f"  whole records, {word} ({size:,.1f} KB each), {limit:,} studies: search "
            f"{statistics.median(ours):.3f} s vs requests + json.loads "
            f"{statistics.median(floor):.3f} s ({search_ratio:.2f}x); reading a page "
            f"{statistics.median(reads) * 1000:.0f} ms ({unpaused_ratio:.2f}x without the "
            f"collector pause) vs json.loads {statistics.median(loads) * 1000:.0f} ms "
            f"({read_ratio:.2f}x); median of {rounds}"
        )
        rows.append(
            (
                f"search of whole {word} records vs requests + json.loads",
                f"{search_ratio:.2f}x",
                "<= 1.0x (goal 0.8x)",
                verdict(search_ratio <= 1.0),
            )
        )
        rows.append(
            (
                f"  reading a page of {word} records vs json.loads",
                f"{read_ratio:.2f}x ({unpaused_ratio:.2f}x, collector on)",
                "",
                "info",
            )
        )


def timed(func: Any, *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def median_seconds(command: list[str], runs: int = 15, **extra_env: str) -> float:
    # As after `pip install`: bytecode cached. Some machines set PYTHONDONTWRITEBYTECODE,
    # which would make every run compile trialfinder (but not click) from source.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | extra_env
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def trialfinder_command() -> list[str]:
    script = Path(sys.executable).parent / "trialfinder"
    return [str(script)] if script.exists() else [shutil.which("trialfinder") or "trialfinder"]


def bench_cold_start(rows: list[Row]) -> None:
    command = trialfinder_command()
    median_seconds([*command, "--help"], 3)  # warm the disk cache and write the bytecode
    ours = median_seconds([*command, "--help"])
    click_only = median_seconds([sys.executable, "-c", "import click"])
    ratio = ours / click_only
    print(
        f"  cold start: trialfinder --help {ours * 1000:.0f} ms, "
        f'python -c "import click" {click_only * 1000:.0f} ms'
    )
    rows.append(
        ("cold start of --help vs import click", f"{ratio:.2f}x", "<= 1.5x", verdict(ratio <= 1.5))
    )


_NOTES = """
import json, sys, time
from datetime import date
from trialfinder.models.reading import parse_study
from trialfinder.notes.annotate import study_notes
from trialfinder.query.build import SearchQuery
study = parse_study(json.loads(open(sys.argv[1], encoding="utf-8").read())["studies"][0])
query = SearchQuery.build(condition="x", age=0, near=(33.52, -86.80))
start = time.perf_counter()
study_notes(study, query, date(2026, 1, 1))
first = time.perf_counter() - start
start = time.perf_counter()
for _ in range(100):
    study_notes(study, query, date(2026, 1, 1))
print(first, (time.perf_counter() - start) / 100)
"""


def bench_notes(rows: list[Row]) -> None:
    """Notes with --near on a real study of 60 sites, 4 without coordinates (placed offline)."""
    record = (
        SHARED_CTGOV
        / "search"
        / ("biomcp_py_search_single_NCT04280705_actt1_remdesivir_nextPageToken.json")
    )
    if not record.exists():
        return
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", _NOTES, str(record)], capture_output=True, text=True, check=True
        )
        runs.append(tuple(map(float, done.stdout.split())))
    first = statistics.median(r[0] for r in runs)
    again = statistics.median(r[1] for r in runs)
    rows.append(("notes, 60 sites (4 placed offline), first", f"{first:.2f} s", "", "info"))
    rows.append(("notes, same study again", f"{again * 1000:.2f} ms", "", "info"))


_STREAM = """
import atexit, os, sys

def _report():
    # VmHWM: this process's own peak RSS (ru_maxrss would include the parent's, from fork).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(os.environ["BENCH_RSS_FILE"], "w").write(line.split()[1])

atexit.register(_report)
import trialfinder.http.client as c
c.DEFAULT_MIN_INTERVAL = 0.0  # the local server needs no pacing
from trialfinder.cli.main import cli
cli.main(sys.argv[1:])
"""


def measured_cli(
    server: BenchServer, args: list[str], unbuffered: bool = False
) -> tuple[float, float]:
    """Run the command in a new process: its wall time in seconds and its peak RSS in MB."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rss"
        env["BENCH_RSS_FILE"] = str(report)
        with open(os.devnull, "w") as sink:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _STREAM, *args, "--api-url", server.url],
                stdout=sink,
                stderr=subprocess.DEVNULL,
                env=env,
                check=False,
            )
            seconds = time.perf_counter() - start
        if done.returncode != 0 or not report.exists():
            raise SystemExit(f"trialfinder {' '.join(args)} failed")
        return seconds, int(report.read_text()) / 1024


def peak_rss_mb(server: BenchServer, limit: int) -> float:
    args = ["search", "-c", "melanoma", "-n", str(limit), "-f", "jsonl", "--no-cache"]
    return measured_cli(server, args)[1]


def bench_memory(server: BenchServer, rows: list[Row]) -> None:
    small = peak_rss_mb(server, 1000)
    large = peak_rss_mb(server, 50_000)
    print(f"  peak memory streaming jsonl: 1,000 studies {small:.1f} MB, 50,000 {large:.1f} MB")
    rows.append(
        (
            "peak memory, 50,000 vs 1,000 streamed",
            f"+{large - small:.1f} MB",
            "<= +20 MB",
            verdict(large - small <= 20),
        )
    )


def bench_export(server: BenchServer, rows: list[Row]) -> None:
    """``trialfinder export`` of 1,000 and 50,000 whole records, against JSON Lines."""
    with tempfile.TemporaryDirectory() as tmp:

        def export(limit: int) -> tuple[float, float]:
            folder = Path(tmp) / f"export-{limit}"
            return measured_cli(server, ["export", str(folder), "-c", "melanoma", "-n", str(limit)])

        small_s, small_mb = export(1000)
        large_s, large_mb = export(50_000)
        rows_written = json.loads((Path(tmp) / "export-50000" / "manifest.json").read_text())
    whole = ["search", "-c", "melanoma", "-n", "50000", "-f", "jsonl", "--no-cache"]
    jsonl_full_s, _ = measured_cli(server, [*whole, "--full"])
    jsonl_list_s, _ = measured_cli(server, whole)
    print(
        f"  export to Parquet: 1,000 studies {small_s:.1f} s, {small_mb:.1f} MB peak; 50,000 "
        f"studies {large_s:.1f} s, {large_mb:.1f} MB peak ({rows_written['rows']['sites']:,} "
        f"sites); jsonl of the same 50,000 whole records {jsonl_full_s:.1f} s, of the list "
        f"fields {jsonl_list_s:.1f} s"
    )
    rows.append(
        (
            "export peak memory, 50,000 vs 1,000",
            f"+{large_mb - small_mb:.1f} MB",
            "<= +30 MB",
            verdict(large_mb - small_mb <= 30),
        )
    )
    ratio = large_s / jsonl_full_s
    rows.append(
        (
            "export time, 50,000 vs jsonl --full",
            f"{ratio:.2f}x",
            "<= 1.5x",
            verdict(ratio <= 1.5),
        )
    )
    rows.append(("  export vs jsonl of list fields", f"{large_s / jsonl_list_s:.2f}x", "", "info"))


#: Each cached-repeat pair (uncached, then cached) is run this many times, each in a new
#: cache directory; the fastest of each is reported, as timeit does, to damp the noise of
#: a shared machine. Requests are the most any round made.
ROUNDS = 3


Result = dict[str, Any]


def best_rounds(pairs: list[tuple[Result, Result]]) -> tuple[Result, Result]:
    colds = [cold for cold, _ in pairs]
    warms = [warm for _, warm in pairs]
    cold = min(colds, key=lambda r: r["seconds"])
    warm = {**min(warms, key=lambda r: r["seconds"])}
    warm["requests"] = max(r["requests"] for r in warms)
    warm["cache_hits"] = min(r["cache_hits"] for r in warms)
    return cold, warm


def cached_repeat(
    server: BenchServer, limit: int, min_interval: float | None = 0
) -> tuple[Result, Result]:
    pairs = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            runs = [
                run_search(
                    server,
                    limit,
                    LIST_FIELDS,
                    min_interval,
                    session=cached_session(3600, directory),
                )
                for _ in range(2)  # the first fills the cache, the second is served from it
            ]
        pairs.append((runs[0], runs[1]))
    return best_rounds(pairs)


def bench_cache(server: BenchServer, rows: list[Row], paced: bool, latency: float) -> None:
    for limit in (20, 1000):
        cold, warm = cached_repeat(server, limit)
        speedup = cold["seconds"] / warm["seconds"]
        print(
            f"  cache, search of {limit:,}, local server, no latency, no pacing: uncached "
            f"{cold['seconds']:.3f} s, cached {warm['seconds']:.3f} s ({speedup:.1f}x), "
            f"requests {warm['requests']}"
        )
        rows.append(
            (
                f"cached repeat of {limit:,}: requests",
                str(warm["requests"]),
                "= 0",
                verdict(warm["requests"] == 0 and warm["cache_hits"] >= 1),
            )
        )
        rows.append(
            (f"cached repeat of {limit:,}: speed-up, no latency", f"{speedup:.1f}x", "", "info")
        )
        # The local server answers at once; the public API does not. Model its response time.
        server.latency = latency
        try:
            cold, warm = cached_repeat(server, limit)
        finally:
            server.latency = 0.0
        speedup = cold["seconds"] / warm["seconds"]
        # The API time at which the uncached search takes 10 times the cached one.
        break_even = 10 * warm["seconds"] - (cold["seconds"] - latency)
        print(
            f"  cache, search of {limit:,}, {latency:g} s modelled API latency: uncached "
            f"{cold['seconds']:.3f} s, cached {warm['seconds']:.3f} s ({speedup:.1f}x; best of "
            f"{ROUNDS}); 10x whenever the API takes {max(break_even, 0):.2f} s or more"
        )
        label = f"cached repeat of {limit:,}: speed-up, {latency:g} s API latency"
        rows.append((label, f"{speedup:.1f}x", ">= 10x", verdict(speedup >= 10)))
        rows.append(
            (f"  API time for 10x at {limit:,}", f">= {max(break_even, 0):.2f} s", "", "info")
        )
    bench_collector(server, rows)
    if not paced:
        return
    # As the command runs against the real API: one request a second; cache hits unpaced.
    # The local server costs no network time, so this ratio is a lower bound.
    cold, warm = cached_repeat(server, 10_000, min_interval=None)
    cold_s, cold_requests = cold["seconds"], cold["requests"]
    warm_s, warm_requests = warm["seconds"], warm["requests"]
    speedup = cold_s / warm_s
    print(
        f"  cache, search of 10,000, default client (paced 1 request/s): uncached {cold_s:.2f} s "
        f"({cold_requests} requests), cached {warm_s:.2f} s ({warm_requests} requests; "
        f"best of {ROUNDS}; the cached time is reading 10 cached pages into studies)"
    )
    rows.append(
        (
            "cached repeat of 10,000, paced client",
            f"{speedup:.1f}x, {warm_requests} req",
            ">= 10x, 0 requests",
            verdict(speedup >= 10 and warm_requests == 0),
        )
    )


def bench_collector(server: BenchServer, rows: list[Row], rounds: int = 7) -> None:
    """What the collector pause while reading a page earns: a cached repeat of 1,000, CPU."""
    paused, on = [], []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        run_search(server, 1000, LIST_FIELDS, session=cached_session(3600, directory))
        for _ in range(rounds):
            for times in (paused, on):
                if times is on:  # read without the pause, as if it were removed
                    models.read_page_json = models._read_page_json  # type: ignore[assignment]
                try:
                    start = time.process_time()
                    run_search(server, 1000, LIST_FIELDS, session=cached_session(3600, directory))
                    times.append(time.process_time() - start)
                finally:
                    models.read_page_json = read_page_json
    best_paused, best_on = min(paused) * 1000, min(on) * 1000
    print(
        f"  cached repeat of 1,000, CPU time: {best_paused:.0f} ms with the collector paused "
        f"while a page is read, {best_on:.0f} ms without (best of {rounds})"
    )
    rows.append(
        (
            "cached repeat of 1,000, collector paused vs on (CPU)",
            f"{best_paused:.0f} vs {best_on:.0f} ms",
            "",
            "info",
        )
    )


def bench_cli_cache(server: BenchServer, rows: list[Row], latency: float) -> None:
    """The default search as a person runs it: a new process each time, imports included."""
    command = [*trialfinder_command(), "search", "-c", "melanoma", "--api-url", server.url]
    server.latency = latency
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"TRIALFINDER_CACHE_DIR": tmp}
            uncached = median_seconds([*command, "--no-cache"], 3, **env)
            median_seconds(command, 1, **env)  # fills the cache
            cached = median_seconds(command, 3, **env)
    finally:
        server.latency = 0.0
    print(
        f"  cache, default search at the command line, {latency:g} s modelled API latency: "
        f"uncached {uncached:.2f} s, cached {cached:.2f} s ({uncached / cached:.1f}x; median "
        "of 3; process start and imports included)"
    )
    rows.append(
        (
            f"command line, default search, {latency:g} s API",
            f"{uncached:.2f} -> {cached:.2f} s",
            "",
            "info",
        )
    )


FORMATS = ("table", "json", "jsonl", "csv", "markdown", "html")


def bench_formats(server: BenchServer, rows: list[Row]) -> None:
    """Every output format at 1,000 and 10,000 studies, buffered and with PYTHONUNBUFFERED=1."""
    times: dict[tuple[int, str, bool], list[float]] = {}
    for limit in (1000, 10_000):
        seconds: dict[tuple[str, bool], float] = {}
        peaks: dict[str, float] = {}
        # Each format once; json and jsonl, whose times are compared, in 3 interleaved rounds
        # (medians), since single runs on this shared machine varied by up to half.
        for round_number in range(3):
            for fmt in FORMATS if round_number == 0 else ("json", "jsonl"):
                for unbuffered in (False, True):
                    args = ["search", "-c", "melanoma", "-n", str(limit), "-f", fmt]
                    took, rss = measured_cli(server, [*args, "--no-cache"], unbuffered)
                    times.setdefault((limit, fmt, unbuffered), []).append(took)
                    peaks[fmt] = max(peaks.get(fmt, 0.0), rss)
        for key in [key for key in times if key[0] == limit]:
            seconds[key[1], key[2]] = statistics.median(times[key])
        for fmt in FORMATS:
            peak = peaks[fmt]
            print(
                f"  --format {fmt:<8} {limit:>6,} studies: {seconds[fmt, False]:.2f} s, "
                f"{seconds[fmt, True]:.2f} s unbuffered, peak RSS {peak:.0f} MB"
            )
            measured = f"{seconds[fmt, False]:.2f} / {seconds[fmt, True]:.2f} s, {peak:.0f} MB"
            if limit == 10_000:
                rows.append(
                    (
                        f"--format {fmt}, 10,000 (s / unbuffered s, peak RSS)",
                        measured,
                        "<= 120 MB",
                        verdict(peak <= 120),
                    )
                )
            else:
                rows.append((f"--format {fmt}, 1,000", measured, "", "info"))
        for unbuffered in (False, True):
            ratio = seconds["json", unbuffered] / seconds["jsonl", unbuffered]
            how = "PYTHONUNBUFFERED=1" if unbuffered else "buffered"
            target, ok = ("<= 1.2x", ratio <= 1.2) if limit == 10_000 else ("", None)
            rows.append(
                (
                    f"json vs jsonl, {limit:,}, {how}",
                    f"{ratio:.2f}x",
                    target,
                    "info" if ok is None else verdict(ok),
                )
            )


def interleaved_runs(
    commands: dict[str, list[str]], runs: int = 15, **extra_env: str
) -> dict[str, tuple[float, float]]:
    """Each command once per round, in turn: (median wall seconds, median CPU seconds).

    Interleaved, so that the load of a shared machine falls on every command alike; the CPU
    time (user + system of the process) is the less disturbed of the two.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | extra_env
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            _, status, usage = os.wait4(process.pid, 0)
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(usage.ru_utime + usage.ru_stime)
            if status != 0:
                raise RuntimeError(f"{command} failed ({status})")
    return {
        name: (statistics.median(walls[name]), statistics.median(cpus[name])) for name in commands
    }


#: What every search process imports before it can answer: the dependencies alone.
DEPENDENCIES = "import click, pydantic, requests, requests_cache; pydantic.BaseModel"


def bench_cli_start(server: BenchServer, rows: list[Row]) -> None:
    """A cached repeat of the default search against ``--help``, whole processes."""
    command = trialfinder_command()
    search_command = [*command, "search", "-c", "melanoma", "--api-url", server.url]
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TRIALFINDER_CACHE_DIR": tmp}
        median_seconds(search_command, 2, **env)  # fills the cache, writes the bytecode
        times = interleaved_runs(
            {
                "search": search_command,
                "help": [*command, "--help"],
                "dependencies": [sys.executable, "-c", DEPENDENCIES],
            },
            **env,
        )
    (cached, cached_cpu), (help_time, help_cpu) = times["search"], times["help"]
    deps, deps_cpu = times["dependencies"]
    ratio = cached / help_time
    print(
        f"  default search at the command line, cached: {cached * 1000:.0f} ms "
        f"({cached_cpu * 1000:.0f} ms CPU); trialfinder --help {help_time * 1000:.0f} ms "
        f"({help_cpu * 1000:.0f} ms CPU): {ratio:.2f}x ({cached_cpu / help_cpu:.2f}x CPU); "
        f"importing click, pydantic, requests and requests-cache alone {deps * 1000:.0f} ms "
        f"({deps / help_time:.2f}x, {deps_cpu / help_cpu:.2f}x CPU); medians of 15 "
        "interleaved rounds"
    )
    rows.append(
        (
            "cached default search vs --help, whole process",
            f"{cached * 1000:.0f} vs {help_time * 1000:.0f} ms ({ratio:.2f}x)",
            "<= 2.5x",
            verdict(ratio <= 2.5),
        )
    )
    rows.append(
        (
            "  the same, CPU time",
            f"{cached_cpu / help_cpu:.2f}x",
            "",
            "info",
        )
    )
    rows.append(
        (
            "  importing the dependencies alone vs --help",
            f"{deps / help_time:.2f}x ({deps_cpu / help_cpu:.2f}x CPU)",
            "",
            "info",
        )
    )


def bench_peers(server: BenchServer, rows: list[Row]) -> None:
    ours = run_search(server, 1000, LIST_FIELDS)
    ours_full = run_search(server, 1000, None)
    print(
        f"  trialfinder, 1,000 studies: {ours['seconds']:.2f} s, {ours['bytes'] / 1e6:.2f} MB, "
        f"{ours['requests']} request(s); with --full {ours_full['seconds']:.2f} s, "
        f"{ours_full['bytes'] / 1e6:.2f} MB"
    )
    try:
        from pytrials.client import ClinicalTrials
    except ImportError:
        print("  pytrials: not installed, skipped (pip install pytrials)")
    else:
        server.reset()
        ClinicalTrials._BASE_URL = server.url + "/"
        start = time.perf_counter()
        found = ClinicalTrials().get_full_studies("melanoma", max_studies=1000, fmt="json")
        seconds = time.perf_counter() - start
        _peer_row(rows, "pytrials", ours, seconds, server, len(found["studies"]))
    try:
        import ctgov.client as ctgov_client
    except ImportError:
        print("  ctgov: not installed, skipped (pip install ctgov)")
    else:
        server.reset()
        ctgov_client.BASE_URL = server.url + "/"
        start = time.perf_counter()
        found = ctgov_client.Client(delay=0).studies("melanoma", max_studies=1000)
        seconds = time.perf_counter() - start
        _peer_row(rows, "ctgov", ours, seconds, server, len(found))


def _peer_row(
    rows: list[Row], name: str, ours: dict[str, Any], seconds: float, server: BenchServer, n: int
) -> None:
    print(
        f"  {name}, {n:,} studies (raw dicts, whole records): {seconds:.2f} s, "
        f"{server.bytes / 1e6:.2f} MB, {server.requests} request(s)"
    )
    rows.append(
        (
            f"vs {name}: time, bytes (peer / ours)",
            f"{seconds / ours['seconds']:.1f}x, {server.bytes / ours['bytes']:.1f}x",
            "(info)",
            "-",
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the slow paced cache run")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.5,
        help="seconds the modelled API takes to answer, for the cache rows (default 0.5)",
    )
    parser.add_argument(
        "--only",
        default="",
        metavar="GROUP,…",
        help="run only these groups: searches, reading, start, memory, export, cache, formats, "
        "notes, peers",
    )
    options = parser.parse_args()
    only = {g for g in options.only.split(",") if g}

    def wanted(group: str) -> bool:
        return not only or group in only

    records = load_records()
    print(
        f"trialfinder benchmarks: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {len(records)} real records as templates"
    )
    corpus = Corpus(records)
    server = BenchServer(corpus, {word: Corpus([r]) for word, r in sized_records().items()})
    rows: list[Row] = []
    try:
        if wanted("searches"):
            bench_searches(server, rows)
        if wanted("reading"):
            bench_reading(server, rows)
        if wanted("start"):
            bench_cold_start(rows)
            bench_cli_start(server, rows)
        if wanted("memory"):
            bench_memory(server, rows)
        if wanted("export"):
            bench_export(server, rows)
        if wanted("cache"):
            bench_cache(server, rows, paced=not options.quick, latency=options.latency)
            bench_cli_cache(server, rows, latency=options.latency)
        if wanted("formats"):
            bench_formats(server, rows)
        if wanted("notes"):
            bench_notes(rows)
        if wanted("peers") and not options.quick:
            bench_peers(server, rows)
    finally:
        server.close()
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  {'measured':<18}  {'target':<22}  result")
    for what, measured, target, result in rows:
        print(f"{what:<{width}}  {measured:<18}  {target:<22}  {result}")
    failed = [r for r in rows if r[3] == "FAIL"]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} rows pass or are informational.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
