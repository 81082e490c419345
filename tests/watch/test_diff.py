"""Tests for trialfinder.watch.diff: what changed between two runs, and what is followed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SHARED_CTGOV, load_json
from trialfinder import diff
from trialfinder.models.reading import parse_study
from trialfinder.watch.diff import ChangeReport, DateChange, SiteChange, StatusChange, state_of
from trialfinder.watch.states import Site, StudyState
from watch.conftest import AFTER, BEFORE, states

NYR, REC = "NOT_YET_RECRUITING", "RECRUITING"


def by_id(fixture: str) -> dict[str, StudyState]:
    return {s.nct_id: s for s in states(fixture)}


def test_diff_of_fixture_pair_lists_exactly_the_changes_made() -> None:
    """It reports the new study, the one gone, the status, site and date changes, nothing else."""
    title1 = "Pembrolizumab Plus Radiation for Relapsed Multiple Myeloma"
    title2 = "Pembrolizumab Maintenance After Autologous Transplant in Myeloma"
    report = diff(states(BEFORE), states(AFTER))
    assert [s.nct_id for s in report.new] == ["NCT05100005"]
    assert [s.nct_id for s in report.gone] == ["NCT05100003"]
    assert report.status_changes == (StatusChange("NCT05100001", title1, NYR, REC),)
    assert report.site_changes == (
        SiteChange(
            "NCT05100002", title2, "added", "University of Chicago Medical Center", "Chicago",
            "United States", None, REC,
        ),
        SiteChange(
            "NCT05100001", title1, "status", "Mayo Clinic", "Rochester", "United States", NYR, REC
        ),
    )  # fmt: skip
    assert report.date_changes == (
        DateChange("NCT05100002", title2, "2024-02-01", "2024-04-05"),
        DateChange("NCT05100001", title1, "2024-01-10", "2024-04-02"),
    )
    assert report.count == 7 and report.changed


def test_diff_ignores_fields_it_does_not_watch() -> None:
    """It reports nothing for a study whose contacts and summary changed but nothing watched."""
    before, after = by_id(BEFORE)["NCT05100004"], by_id(AFTER)["NCT05100004"]
    raw_before = load_json(BEFORE)["studies"][3]
    raw_after = load_json(AFTER)["studies"][3]
    assert raw_before != raw_after  # the records really differ
    assert diff([before], [after]) == ChangeReport()
    assert not diff(states(AFTER), states(AFTER)).changed


def _one(**changes: object) -> tuple[list[StudyState], list[StudyState]]:
    base = by_id(BEFORE)["NCT05100001"]
    return [base], [replace(base, **changes)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before_after", "field", "expected"),
    [
        (_one(status="RECRUITING"), "status_changes", ("NOT_YET_RECRUITING", "RECRUITING")),
        (_one(last_updated="2024-05-01"), "date_changes", ("2024-01-10", "2024-05-01")),
        (_one(last_updated=None), "date_changes", ("2024-01-10", None)),
        (
            _one(sites=(*by_id(BEFORE)["NCT05100001"].sites, Site("Clinic", "Lyon", "FR", REC))),
            "site_changes",
            (None, "RECRUITING"),
        ),
    ],
)
def test_diff_reports_each_kind_of_change_alone(
    before_after: tuple[list[StudyState], list[StudyState]],
    field: str,
    expected: tuple[str | None, str | None],
) -> None:
    """It puts one change in its own list and leaves every other list empty."""
    report = diff(*before_after)
    changes = getattr(report, field)
    assert len(changes) == 1
    assert (changes[0].before, changes[0].after) == expected
    assert report.count == 1


def test_diff_reports_a_removed_site() -> None:
    """It names a site that left the study, with the status it had."""
    before, after = _one(sites=(by_id(BEFORE)["NCT05100001"].sites[0],))
    (change,) = diff(before, after).site_changes
    assert (change.kind, change.facility, change.before, change.after) == (
        "removed",
        "M D Anderson Cancer Center",
        "NOT_YET_RECRUITING",
        None,
    )


def test_diff_tells_apart_sites_with_the_same_name() -> None:
    """It keeps repeated site names apart, so a status change of the second one is seen."""
    same = Site("Research Site", "Lyon", "France", REC)
    before = [StudyState("NCT05100009", sites=(same, same))]
    after = [StudyState("NCT05100009", sites=(same, replace(same, status="COMPLETED")))]
    (change,) = diff(before, after).site_changes
    assert (change.kind, change.before, change.after) == ("status", REC, "COMPLETED")


def test_diff_reports_new_and_gone_studies_whole() -> None:
    """It lists every study as new against nothing, and as gone when the results are empty."""
    assert [s.nct_id for s in diff([], states(BEFORE)).new] == [s.nct_id for s in states(BEFORE)]
    gone = diff(states(BEFORE), []).gone
    assert len(gone) == 4 and gone[0].url == "https://clinicaltrials.gov/study/NCT05100001"


REAL_PAIRS = [
    (
        "aact_study_NCT00763412_cf_diabetes_v20231128.json",
        "aact_study_NCT00763412_cf_diabetes_results.json",
    ),
    (
        "aact_study_NCT02552212_certolizumab_axspa_results_v20231212.json",
        "aact_study_NCT02552212_certolizumab_axspa_results_v20240103.json",
    ),
]


@pytest.mark.skipif(not SHARED_CTGOV.is_dir(), reason="shared recorded responses are absent")
@pytest.mark.parametrize(("older", "newer"), REAL_PAIRS)
def test_diff_of_two_real_captures_of_one_study(older: str, newer: str, tmp_path: Path) -> None:
    """It finds no change between two real captures that differ only in fields it ignores."""
    raw = [json.loads((SHARED_CTGOV / "studies" / n).read_text("utf-8")) for n in (older, newer)]
    assert raw[0] != raw[1]  # the registry did republish the record
    # Shaped as GET /studies pages, as a saved search would receive them.
    pages = [{"totalCount": 1, "studies": [r]} for r in raw]
    before, after = ([parse_study(s) for s in p["studies"]] for p in pages)
    assert diff(before, after) == ChangeReport()
    # Changing what the registry really says is seen, and the real sites survive storage.
    moved = replace(state_of(after[0]), status="TERMINATED", last_updated="2024-02-01")
    report = diff(before, [moved])
    assert [c.after for c in report.status_changes] == ["TERMINATED"]
    assert len(report.date_changes) == 1 and report.count == 2
    locations = raw[1]["protocolSection"]["contactsLocationsModule"]["locations"]
    assert len(state_of(after[0]).sites) == len(locations)


def test_sites_far_from_a_saved_location_are_not_followed() -> None:
    """It keeps only the sites near the saved location, and those it cannot place."""
    from trialfinder.models.reading import parse_study
    from trialfinder.watch.diff import near_of, state_of

    study = parse_study(load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json"))
    near = near_of({"filter.geo": "distance(44.02,-92.47,50mi)"})  # Rochester, MN
    assert near == (44.02, -92.47, 50.0)
    assert [s.city for s in state_of(study, near).sites] == ["Rochester"]
    assert [s.city for s in state_of(study).sites] == ["Rochester", "Houston"]
    km = near_of({"filter.geo": "distance(44.02,-92.47,3218.688km)"})
    assert km is not None and round(km[2]) == 2000
    assert [s.city for s in state_of(study, km).sites] == ["Rochester", "Houston"]
    assert near_of({}) is None


def test_a_saved_location_places_sites_without_coordinates() -> None:
    """It places a site without coordinates by its ZIP code or city, keeping only unplaceable."""
    from trialfinder.models.reading import parse_study
    from trialfinder.watch.diff import state_of

    page = load_json("search_hand_made_note_cases_7studies.json")["studies"]
    near_rochester = (44.02163, -92.4699, 50.0)
    # A Houston site with coordinates, and a Rochester one placed by its ZIP code.
    first = state_of(parse_study(page[0]), near_rochester)
    assert [s.facility for s in first.sites] == ["Rochester Clinic Without Coordinates"]
    # A completed site near, a Chicago one far, and a Springfield with no state (unplaceable).
    fourth = state_of(parse_study(page[3]), near_rochester)
    assert [s.city for s in fourth.sites] == ["Rochester", "Springfield"]
    near_houston = (29.76328, -95.36327, 50.0)
    assert [s.city for s in state_of(parse_study(page[0]), near_houston).sites] == ["Houston"]
