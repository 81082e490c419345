"""Tests for trialfinder.watch.report: a run's report, never claiming what was not stored."""

from __future__ import annotations

import pytest

from conftest import load_json
from trialfinder import diff
from trialfinder.models.reading import parse_study
from trialfinder.watch.diff import ChangeReport, state_of
from watch.conftest import AFTER, BEFORE, states


def test_watch_reports_say_when_a_study_assigns_no_treatment() -> None:
    """It marks observational and expanded access studies in a report's study lines."""
    from trialfinder.watch.report import report_lines
    from trialfinder.watch.watchlist import RunReport

    page = load_json("search_hand_made_note_cases_7studies.json")["studies"]
    observational, interventional = state_of(parse_study(page[5])), state_of(parse_study(page[0]))
    report = RunReport(
        "x", {}, "2026-01-01T00:00:00Z", "2025-12-01T00:00:00Z", False, 2, 2, False,
        diff([], [observational, interventional]),
    )  # fmt: skip
    text = "\n".join(report_lines(report))
    assert "  NCT09100006  Recruiting · Observational (does not assign treatment)  Made up" in text
    assert "  NCT09100001  Recruiting  Made up" in text


NOTHING_STORED = (
    "This saved search was removed or replaced while it ran: nothing was stored for it."
)


SINCE = "2025-12-01 00:00 UTC"


@pytest.mark.parametrize(
    ("baseline", "stored", "changed", "says", "never"),
    [
        (True, True, False, "First run: baseline recorded with 4 studies.", NOTHING_STORED),
        (True, False, False, "First run: 4 studies found; no baseline was", "recorded with"),
        (False, False, True, f"7 changes since {SINCE} (4 studies found now).", "First run"),
        (False, False, False, f"No changes since {SINCE} (4 studies found).", "First run"),
        (False, True, True, f"7 changes since {SINCE} (4 studies found now).", NOTHING_STORED),
    ],
)  # fmt: skip
def test_a_report_never_claims_a_snapshot_it_did_not_store(
    baseline: bool, stored: bool, changed: bool, says: str, never: str
) -> None:
    """It says nothing was stored for a search removed while it ran, and then never that a
    baseline was recorded; the changes it found are still reported."""
    from trialfinder.watch.report import report_lines
    from trialfinder.watch.watchlist import RunReport

    changes = diff(states(BEFORE), states(AFTER) if changed else states(BEFORE))
    report = RunReport(
        "x", {}, "2026-01-01T00:00:00Z", None if baseline else "2025-12-01T00:00:00Z", baseline,
        4, 4, False, ChangeReport() if baseline else changes, stored=stored,
    )  # fmt: skip
    lines = report_lines(report)
    assert (NOTHING_STORED in lines) == (not stored)
    assert any(line.startswith(says) for line in lines), lines
    assert not any(never in line for line in lines), lines
