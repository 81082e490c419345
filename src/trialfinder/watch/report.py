"""The report of ``trialfinder watch run`` for people (text) and programs (JSON).

Pure functions of :class:`~trialfinder.watch.watchlist.RunReport`: no network, no click, no storage.
Text from the registry goes through :func:`trialfinder.render.safe.clean` before it reaches a
terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trialfinder.ids import study_url
from trialfinder.render.safe import clean
from trialfinder.render.words import DISCLAIMER, STUDY_TYPE_MEANINGS, status_label, word_label
from trialfinder.watch.diff import SiteChange, StatusNow
from trialfinder.watch.states import SavedSearch, StudyState, describe_search
from trialfinder.watch.watchlist import RunReport


def when(iso: str | None) -> str:
    """``2024-05-01T12:00:00Z`` → ``2024-05-01 12:00 UTC``."""
    if not iso:
        return "never"
    return iso.replace("T", " ")[:16] + " UTC" if iso.endswith("Z") else iso


def _title(title: str | None) -> str:
    return clean(title) or "(no title)"


def _status(status: str | None) -> str:
    return status_label(clean(status) or None)


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _kind(state: StudyState) -> str:
    """`` · Observational (does not assign treatment)`` for a study that assigns none."""
    if state.study_type in STUDY_TYPE_MEANINGS:
        return f" · {word_label(state.study_type)} (does not assign treatment)"
    return ""


def study_lines(state: StudyState) -> list[str]:
    """A study of a report or a snapshot: its ID, status, what kind of study, title, link."""
    return [
        f"  {state.nct_id}  {_status(state.status)}{_kind(state)}  {_title(state.title)}",
        f"    {state.url}",
    ]


def _gone_lines(state: StudyState, now: StatusNow) -> list[str]:
    """A study that left the results, with its status now: never its old one as if current."""
    was = _status(state.status)
    if not now.checked:
        shown = f"status now could not be checked (was {was})"
    elif now.status == state.status:
        shown = f"still {was}"
    else:
        shown = f"now {_status(now.status)} (was {was})"
    return [f"  {state.nct_id}  {shown}{_kind(state)}  {_title(state.title)}", f"    {state.url}"]


def _site_line(change: SiteChange) -> str:
    place = clean(change.place)
    if change.kind == "added":
        return f"    Site added: {place} ({_status(change.after)})"
    if change.kind == "removed":
        return f"    Site removed: {place} (was {_status(change.before)})"
    return f"    Site status: {place}: {_status(change.before)} → {_status(change.after)}"


def report_lines(report: RunReport) -> list[str]:
    """The lines about one saved search."""
    lines = [f"== {report.name}: {clean(describe_search(report.search))}"]
    if not report.stored:
        lines.append(
            "This saved search was removed or replaced while it ran: nothing was stored for it."
        )
    studies = _plural(report.study_count, "study", "studies")
    if report.baseline and not report.stored:
        lines.append(f"First run: {studies} found; no baseline was recorded.")
        return lines
    if report.baseline:
        lines.append(
            f"First run: baseline recorded with {studies}. The next run will report what changed."
        )
        return lines
    changes = report.changes
    since = when(report.previous_run_at)
    if not changes.changed:
        lines.append(f"No changes since {since} ({studies} found).")
        return lines
    lines.append(f"{_plural(changes.count, 'change')} since {since} ({studies} found now).")
    if changes.new:
        lines.append(f"New in the results ({len(changes.new)}):")
        for state in changes.new:
            lines += study_lines(state)
    if changes.gone:
        lines.append(f"No longer in the results ({len(changes.gone)}):")
        for state in changes.gone:
            lines += _gone_lines(state, changes.status_now(state.nct_id))
    if report.truncated and (changes.new or changes.gone):
        lines.append(
            "  Note: this search is cut at its limit, so a study can enter or leave the list "
            "only because its rank changed."
        )
    if changes.status_changes:
        lines.append(f"Status changed ({len(changes.status_changes)}):")
        for change in changes.status_changes:
            lines.append(
                f"  {change.nct_id}  {_status(change.before)} → {_status(change.after)}  "
                f"{_title(change.title)}"
            )
            lines.append(f"    {study_url(change.nct_id)}")
    if changes.site_changes:
        lines.append(f"Sites changed ({len(changes.site_changes)}):")
        by_study: dict[str, list[SiteChange]] = {}
        for site in changes.site_changes:
            by_study.setdefault(site.nct_id, []).append(site)
        for nct_id, sites in by_study.items():
            lines.append(f"  {nct_id}  {_title(sites[0].title)}")
            lines += [_site_line(site) for site in sites]
            lines.append(f"    {study_url(nct_id)}")
    if changes.date_changes:
        lines.append(f"Last updated ({len(changes.date_changes)}):")
        for date in changes.date_changes:
            lines.append(
                f"  {date.nct_id}  {clean(date.before) or 'no date'} → "
                f"{clean(date.after) or 'no date'}  {_title(date.title)}"
            )
            lines.append(f"    {study_url(date.nct_id)}")
    return lines


def snapshot_lines(saved: SavedSearch, studies: Sequence[StudyState]) -> list[str]:
    """``watch show``: the saved search, when it ran, and the studies its last run found."""
    lines = [
        clean(f"{saved.name}: {saved.describe()}"),
        f"Saved {when(saved.created_at)}; last run {when(saved.last_run_at)}.",
    ]
    if saved.last_run_at is None:
        lines.append(f"Run 'trialfinder watch run {saved.name}' to record its baseline.")
    for state in studies:
        lines += study_lines(state)
    return lines


def render_reports(reports: Sequence[RunReport]) -> str:
    """The whole human report: a block per saved search, then the reminder to see a doctor."""
    blocks = ["\n".join(report_lines(r)) for r in reports]
    return "\n\n".join([*blocks, DISCLAIMER]) + "\n"


def reports_dict(reports: Sequence[RunReport]) -> dict[str, Any]:
    """The report for other programs: ``changed`` overall, and one entry per saved search."""
    return {
        "changed": any(r.changed for r in reports),
        "searches": [r.to_dict() for r in reports],
        "disclaimer": DISCLAIMER,
    }
