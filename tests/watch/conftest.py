"""Helpers of the tests of trialfinder.watch: the fixture pair, the saved search, the database.

Besides its fixtures (``db``, ``client``), the test files here import its names with
``from watch.conftest import ...`` (``tests`` is on the path, as for ``from conftest import``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import load_json
from replay_server import ReplayServer
from trialfinder.http.client import Client
from trialfinder.models.reading import parse_study
from trialfinder.watch.diff import state_of
from trialfinder.watch.states import StudyState

BEFORE = "watch_myeloma_before_4studies.json"
AFTER = "watch_myeloma_after_1new_1gone_status_sites_dates_changed.json"
MYELOMA = {"condition": "multiple myeloma", "intervention": "pembrolizumab"}


def states(fixture: str) -> list[StudyState]:
    """The studies of a fixture page, as a comparison sees them."""
    return [state_of(parse_study(raw)) for raw in load_json(fixture)["studies"]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "watch.db"


@pytest.fixture
def client(server: ReplayServer, no_pacing: None) -> Iterator[Client]:
    with Client(server.url, max_attempts=1) as active:
        yield active


def stored(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], bytes]:
    """Everything in the database, to prove that a failed run changed nothing."""
    conn = sqlite3.connect(db)
    try:
        watches = conn.execute("SELECT * FROM watch ORDER BY name").fetchall()
        rows = conn.execute("SELECT * FROM study ORDER BY watch, nct_id").fetchall()
        rows += conn.execute("SELECT * FROM site ORDER BY watch, nct_id, position").fetchall()
    finally:
        conn.close()
    return watches, rows, db.read_bytes()
