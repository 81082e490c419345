"""Tests for trialfinder.notes.nearest: nearest sites by site and study status, never guessed."""

from __future__ import annotations

import pytest

from conftest import fixture_study, load_json
from trialfinder.models.notes import NearestSite
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Location, Study
from trialfinder.notes.nearest import nearest_sites, site_point
from trialfinder.query.places import resolve_place
from trialfinder.render.notetext import nearest_site_text


def test_nearest_site_prefers_recruiting_and_names_a_nearer_not_yet_site() -> None:
    """It prefers a recruiting site and mentions a nearer not-yet-recruiting one as such."""
    raw = load_json("search_myeloma_radiation_pembrolizumab_page1_of_3.json")["studies"][0]
    study = parse_study(raw)  # Rochester RECRUITING, Houston NOT_YET_RECRUITING
    note = nearest_sites(study, 29.76, -95.36)
    assert note is not None and note.nearest is not None
    assert note.nearest.city == "Rochester" and note.nearest.status == "RECRUITING"
    assert note.nearer_not_yet is not None and note.nearer_not_yet.city == "Houston"
    assert note.nearer_not_yet.miles < 1
    raw2 = load_json("search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json")
    closed = parse_study(raw2["studies"][1])  # only an ACTIVE_NOT_RECRUITING site
    none_open = nearest_sites(closed, 40.7, -74.0)
    assert none_open is not None and none_open.nearest is None
    assert none_open.nearest_listed is not None
    assert none_open.nearest_listed.status == "ACTIVE_NOT_RECRUITING"


CASES = "search_hand_made_note_cases_7studies.json"
ROCHESTER_MN = (44.02163, -92.4699)


def case(nct_id: str) -> Study:
    """One hand-made note case (its title says which)."""
    return next(
        parse_study(raw)
        for raw in load_json(CASES)["studies"]
        if raw["protocolSection"]["identificationModule"]["nctId"] == nct_id
    )


def _site(site: NearestSite | None) -> tuple[object, ...] | None:
    if site is None:
        return None
    return (site.facility, site.status, site.located_by)


@pytest.mark.parametrize(
    ("nct_id", "radius", "nearest", "not_yet", "listed", "not_placed", "words"),
    [
        (
            "NCT09100001",
            50,
            ("Rochester Clinic Without Coordinates", "RECRUITING", "zip_code"),
            None,
            None,
            0,
            "Rochester Clinic Without Coordinates, Rochester, Minnesota, United States: 0.2 miles "
            "(Recruiting; placed by its ZIP code, city-level)",
        ),
        (
            "NCT09100002",
            100,
            ("Minneapolis Hospital Recruiting", "RECRUITING", "geo_point"),
            ("Near Hospital Opening Soon", "NOT_YET_RECRUITING", "geo_point"),
            None,
            0,
            "Minneapolis Hospital Recruiting, Minneapolis, Minnesota, United States: 76.9 miles "
            "(Recruiting; city-level); nearer, not yet recruiting: Near Hospital Opening Soon, "
            "Rochester, Minnesota, United States: 0.0 miles (Not yet recruiting; city-level)",
        ),
        (
            "NCT09100002",
            50,
            ("Minneapolis Hospital Recruiting", "RECRUITING", "geo_point"),
            ("Near Hospital Opening Soon", "NOT_YET_RECRUITING", "geo_point"),
            ("Near Hospital Opening Soon", "NOT_YET_RECRUITING", "geo_point"),
            0,
            "No site recruiting now within 50 miles; nearest listed: Near Hospital Opening Soon, "
            "Rochester, Minnesota, United States: 0.0 miles (Not yet recruiting; city-level); "
            "nearest recruiting now: Minneapolis Hospital Recruiting, Minneapolis, Minnesota, "
            "United States: 76.9 miles (Recruiting; city-level)",
        ),
        (
            "NCT09100003",
            50,
            ("Single Site Without Status", None, "geo_point"),
            None,
            None,
            0,
            "Single Site Without Status, Rochester, Minnesota, United States: 0.0 miles "
            "(site status not given; study recruiting; city-level)",
        ),
        (
            "NCT09100004",
            50,
            ("Chicago Site Recruiting", "RECRUITING", "geo_point"),
            None,
            ("Nearby Site That Closed", "COMPLETED", "geo_point"),
            1,
            "No placed site recruiting now within 50 miles; nearest listed: Nearby Site That "
            "Closed, Rochester, Minnesota, United States: 0.0 miles (Completed; city-level); "
            "nearest recruiting now: Chicago Site Recruiting, Chicago, Illinois, United States: "
            "286.2 miles (Recruiting; city-level); 1 recruiting site could not be placed and may "
            "be nearer: Springfield Site Without Coordinates, State Not Given, Springfield, "
            "United States (Recruiting)",
        ),
        (
            "NCT09100006",
            500,
            ("Registry Office", "RECRUITING", "city"),
            None,
            None,
            0,
            "Registry Office, Springfield, Illinois, United States: 325.7 miles "
            "(Recruiting; placed by its city, city-level)",
        ),
    ],
)
def test_nearest_site_table(
    nct_id: str,
    radius: float,
    nearest: tuple[object, ...],
    not_yet: tuple[object, ...] | None,
    listed: tuple[object, ...] | None,
    not_placed: int,
    words: str,
) -> None:
    """It places sites without coordinates, shows every status, and says when none is near."""
    note = nearest_sites(case(nct_id), *ROCHESTER_MN, radius_miles=radius)
    assert note is not None
    assert _site(note.nearest) == nearest
    assert _site(note.nearer_not_yet) == not_yet
    assert _site(note.nearest_listed) == listed
    assert note.not_placed == not_placed
    assert nearest_site_text(note) == words


def test_a_study_without_sites_has_no_site_note() -> None:
    """It says nothing about distance when the study lists no site."""
    assert nearest_sites(case("NCT09100007"), *ROCHESTER_MN) is None


@pytest.mark.parametrize(
    ("site", "placed"),
    [
        (Location(city="Rochester", state="Minnesota", country="United States"), "city"),
        (Location(city="Rochester", zip="55905", country="United States"), "zip_code"),
        (Location(city="Springfield", country="United States"), None),  # eight Springfields
        (Location(city="Level 6, Ward 19", state="Newcastle", country="United Kingdom"), None),
        (Location(city="Paris", country="France"), "city"),
        (Location(city="Paris", country="Atlantis"), None),
        (Location(zip="99999", country="United States"), None),
        (Location(latitude=1.0, longitude=2.0), "geo_point"),
        (Location(), None),
        # The registered state must hold the place: a namesake elsewhere is not the site.
        (Location(city="Houston", state="Missouri", country="United States"), None),
        (Location(city="Houston", state="Texas", country="United States"), "city"),
        (Location(city="Houston", state="TX", country="United States"), "city"),
        (Location(city="Boston", state="Georgia", country="United States"), None),
        (Location(city="Boston", state="Massachusetts", country="United States"), "city"),
        (Location(city="Paris", state="Tennessee", country="United States"), None),
        (Location(city="Paris", state="Texas", country="United States"), "city"),
        (Location(city="Houston", state="Nowhere State", country="United States"), None),
        # Outside the US the offline data names no states: a given state cannot be checked.
        (Location(city="Paris", state="Île-de-France", country="France"), None),
        # A state's name is not a country: Columbus, Georgia (the country) is not in the US.
        (Location(city="Columbus", country="Georgia"), None),
        # A ZIP code in another state than the record's: the record contradicts itself.
        (Location(city="Rochester", state="Texas", zip="55905", country="United States"), None),
        (Location(city="Rochester", state="MN", zip="55905", country="United States"), "zip_code"),
        # ZIP codes in digits other than 0-9 are not ZIP codes (and never crash the ZIP data).
        (Location(city="Nowhere", zip="\uff15\uff15\uff19\uff10\uff15", country="US"), None),
        (Location(city="Nowhere", zip="\u0665\u0665\u0669\u0660\u0665", country="US"), None),
        (
            Location(
                city="Rochester", state="MN", zip="\uff15\uff15\uff19\uff10\uff15", country="US"
            ),
            "city",
        ),
        # A blank city name is no place (some cities have a blank alternate name).
        (Location(city=" , ", country="United States"), None),
        (Location(city="   ", state="Minnesota", country="United States"), None),
    ],
)
def test_site_point_never_guesses(site: Location, placed: str | None) -> None:
    """It places a site by its coordinates, ZIP code or a unique city, never by a guess."""
    point = site_point(site)
    assert (point[2] if point else None) == placed


@pytest.mark.parametrize(
    ("site", "city"),
    [
        (Location(city="Houston", state="Texas", country="United States"), (29.76, -95.36)),
        (Location(city="Paris", state="TX", country="United States"), (33.66, -95.56)),
        (Location(city="Rochester", state="MN", zip="55905", country="US"), (44.02, -92.47)),
    ],
)
def test_site_point_places_in_the_registered_state(
    site: Location, city: tuple[float, float]
) -> None:
    """It places a site in the state its record names, not in a namesake elsewhere."""
    point = site_point(site)
    assert point is not None
    assert point[:2] == pytest.approx(city, abs=0.1)


def test_real_sites_without_coordinates_are_counted_not_guessed() -> None:
    """It counts real sites whose address leads nowhere, and places the rest."""
    from conftest import SHARED_CTGOV

    path = (
        SHARED_CTGOV
        / "search"
        / "biomcp_py_search_single_NCT04280705_actt1_remdesivir_nextPageToken.json"
    )
    if not path.exists():
        pytest.skip("the shared recorded responses are not here")
    import json

    study = parse_study(json.loads(path.read_text(encoding="utf-8"))["studies"][0])
    note = nearest_sites(study, 33.52, -86.80)  # Birmingham, Alabama; a COMPLETED study
    assert note is not None
    assert note.nearest is None  # no site gives a status and the study is completed
    assert note.nearest_listed is not None and note.nearest_listed.city == "Birmingham"
    assert note.not_placed == 4  # e.g. city "Level 6, Ward 19": not a place


SITE_CASES = "search_hand_made_site_placement_and_status_13studies.json"


def site_case(nct_id: str) -> Study:
    """One hand-made site case (its title says which)."""
    study: Study = fixture_study(SITE_CASES, nct_id)
    return study


@pytest.mark.parametrize(
    ("nct_id", "nearest", "listed", "unplaced_now", "not_placed", "words"),
    [
        (  # Houston, Missouri is not Houston, Texas: not placed, and named as such.
            "NCT09200001",
            None,
            None,
            ["Texas County Memorial Hospital"],
            1,
            "No placed site recruiting now within 50 miles; 1 recruiting site could not be "
            "placed: Texas County Memorial Hospital, Houston, Missouri, United States "
            "(Recruiting)",
        ),
        (
            "NCT09200002",
            ("Houston Site Without Coordinates", "RECRUITING", "city"),
            ("Houston Site Without Coordinates", "RECRUITING", "city"),
            [],
            0,
            "No site recruiting now within 50 miles; nearest listed: Houston Site Without "
            "Coordinates, Houston, Texas, United States: 997.9 miles (Recruiting; placed by its "
            "city, city-level)",
        ),
        (  # A ZIP code in fullwidth digits: no crash, not placed.
            "NCT09200003",
            None,
            None,
            ["Fullwidth ZIP Site"],
            1,
            "No placed site recruiting now within 50 miles; 1 recruiting site could not be "
            "placed: Fullwidth ZIP Site, Nowhere, United States (Recruiting)",
        ),
        (  # The site's own Recruiting does not reopen a completed study.
            "NCT09200004",
            None,
            ("Solo", "RECRUITING", "geo_point"),
            [],
            0,
            "No site recruiting now: study completed; nearest listed: Solo, Rochester, "
            "Minnesota, United States: 0.0 miles (site says Recruiting; study completed; "
            "city-level)",
        ),
        (
            "NCT09200005",
            None,
            ("Suspended Study Site", "RECRUITING", "geo_point"),
            [],
            0,
            "No site recruiting now: study suspended; nearest listed: Suspended Study Site, "
            "Rochester, Minnesota, United States: 0.0 miles (site says Recruiting; study "
            "suspended; city-level)",
        ),
        (
            "NCT09200006",
            None,
            ("Unknown Study Site A", "RECRUITING", "geo_point"),
            [],
            0,
            "No site recruiting now: study unknown status; nearest listed: Unknown Study Site A, "
            "Rochester, Minnesota, United States: 0.0 miles (site says Recruiting; study unknown "
            "status; city-level)",
        ),
        (
            "NCT09200007",
            None,
            ("Early Site", "RECRUITING", "geo_point"),
            [],
            0,
            "No site recruiting now within 50 miles; nearest listed: Early Site, Rochester, "
            "Minnesota, United States: 0.0 miles (site says Recruiting; study not yet recruiting; "
            "city-level)",
        ),
        (  # By invitation, the study takes participants now: the site is shown, both said.
            "NCT09200008",
            ("Invitation Site", "RECRUITING", "geo_point"),
            None,
            [],
            0,
            "Invitation Site, Rochester, Minnesota, United States: 0.0 miles (site says "
            "Recruiting; study enrolling by invitation; city-level)",
        ),
        (  # No absence is claimed while a recruiting site could not be placed.
            "NCT09200009",
            None,
            None,
            ["Mystery Clinic"],
            1,
            "No placed site recruiting now within 50 miles; 1 recruiting site could not be "
            "placed: Mystery Clinic, Springfield, United States (Recruiting)",
        ),
        (
            "NCT09200010",
            None,
            ("Site Of A Study Without Status", "RECRUITING", "geo_point"),
            [],
            0,
            "No site recruiting now: study status not given; nearest listed: Site Of A Study "
            "Without Status, Rochester, Minnesota, United States: 0.0 miles (site says "
            "Recruiting; study status not given; city-level)",
        ),
        (
            "NCT09200011",
            None,
            None,
            ["Contradicting Site"],
            1,
            "No placed site recruiting now within 50 miles; 1 recruiting site could not be "
            "placed: Contradicting Site, Rochester, Minnesota, United States (Recruiting)",
        ),
        (
            "NCT09200012",
            ("Placed Rochester Site", "RECRUITING", "geo_point"),
            None,
            ["Unplaced Springfield Site"],
            2,
            "Placed Rochester Site, Rochester, Minnesota, United States: 0.0 miles (Recruiting; "
            "city-level); 1 recruiting site could not be placed and may be nearer: Unplaced "
            "Springfield Site, Springfield, United States (Recruiting); 1 other site could not "
            "be placed and may be nearer",
        ),
        (
            "NCT09200013",
            ("Rochester Site By ZIP", "RECRUITING", "zip_code"),
            None,
            [],
            0,
            "Rochester Site By ZIP, Rochester, Minnesota, United States: 0.2 miles (Recruiting; "
            "placed by its ZIP code, city-level)",
        ),
    ],
)
def test_nearest_site_combines_site_and_study_status_and_claims_no_absence(
    nct_id: str,
    nearest: tuple[object, ...] | None,
    listed: tuple[object, ...] | None,
    unplaced_now: list[str],
    not_placed: int,
    words: str,
) -> None:
    """It never counts a site more open than its study, and never claims an absence that a
    site it could not place might contradict."""
    note = nearest_sites(site_case(nct_id), *ROCHESTER_MN, radius_miles=50)
    assert note is not None
    assert _site(note.nearest) == nearest
    assert _site(note.nearest_listed) == listed
    assert [s.facility for s in note.not_placed_enrolling] == unplaced_now
    assert note.not_placed == not_placed
    assert nearest_site_text(note) == words


def test_many_unplaced_recruiting_sites_are_named_up_to_three() -> None:
    """It names the first three recruiting sites it could not place and counts the rest."""
    study = Study(
        nct_id="NCT09200099",
        url="https://clinicaltrials.gov/study/NCT09200099",
        status="RECRUITING",
        locations=[
            Location(facility=f"Clinic {n}", city="Springfield", country="United States")
            for n in range(5)
        ],
    )
    note = nearest_sites(study, *ROCHESTER_MN)
    assert note is not None and note.not_placed == 5 and len(note.not_placed_enrolling) == 5
    assert nearest_site_text(note) == (
        "No placed site recruiting now within 50 miles; 5 sites could not be placed: "
        "Clinic 0, Springfield, United States (site status not given; study recruiting); "
        "Clinic 1, Springfield, United States (site status not given; study recruiting); "
        "Clinic 2, Springfield, United States (site status not given; study recruiting); "
        "and 2 more"
    )


def test_real_unknown_status_study_with_recruiting_sites_is_not_called_recruiting() -> None:
    """It says of a real study of unknown status whose sites still say Recruiting that none
    is recruiting now, with both statuses, in the note and the Where line."""
    import json

    from conftest import SHARED_CTGOV
    from trialfinder.render.words import location_summary

    path = SHARED_CTGOV / "studies" / "aact_study_NCT03475563_bioss_stent_registry.json"
    if not path.exists():
        pytest.skip("the shared recorded responses are not here")
    study = parse_study(json.loads(path.read_text(encoding="utf-8")))
    assert study.status == "UNKNOWN"
    assert {loc.status for loc in study.locations} == {"RECRUITING"}
    barcelona = resolve_place("Barcelona, ES")
    note = nearest_sites(study, barcelona.latitude, barcelona.longitude)
    assert note is not None and note.nearest is None and note.nearest_listed is not None
    text = nearest_site_text(note)
    assert text.startswith("No site recruiting now: study unknown status; nearest listed: ")
    assert "(site says Recruiting; study unknown status; city-level)" in text
    assert location_summary(study).startswith("3 sites (3 say recruiting; study unknown status)")
