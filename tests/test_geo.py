"""--near resolved offline (coordinates, US ZIP codes, city names) and nearest open sites."""

from __future__ import annotations

import re

import pytest

from conftest import load_json
from trialfinder.errors import InvalidQuery
from trialfinder.geo import haversine_miles, nearest_open_site, resolve_place
from trialfinder.models import parse_study


def test_lat_lon() -> None:
    """It reads latitude,longitude as given."""
    place = resolve_place(" 44.02 , -92.47 ")
    assert (place.latitude, place.longitude) == (44.02, -92.47)


def test_zip_code() -> None:
    """It finds a US ZIP code (ZIP+4 too) without the network."""
    place = resolve_place("55905-0001")
    assert place.label == "ZIP 55905 (Rochester, MN)"
    assert place.latitude == pytest.approx(44.02, abs=0.1)


def test_city_with_state() -> None:
    """It finds a city made unique by its state or country."""
    assert resolve_place("Springfield, IL").label == "Springfield, IL, US"
    assert resolve_place("springfield, illinois").label == "Springfield, IL, US"
    assert resolve_place("Paris, France").label == "Paris, FR"


def test_ambiguous_city_lists_candidates() -> None:
    """It refuses a city name shared by several places, listing them biggest first."""
    with pytest.raises(InvalidQuery, match=r"could be several places: Boston, MA, US; Boston, GB"):
        resolve_place("Boston")


@pytest.mark.parametrize("name", ["Barcelona", "Boston", "Springfield"])
def test_ambiguous_city_suggests_choices_that_work(name: str) -> None:
    """It suggests the listed places themselves, and each suggestion resolves as given."""
    with pytest.raises(InvalidQuery) as caught:
        resolve_place(name)
    message = str(caught.value)
    suggested = re.findall(r"'([^']+)'", message.split("Give one as listed", 1)[1])
    assert len(suggested) == 2 and all(s != name for s in suggested)
    for label in suggested:
        assert label in message.split(". Give", 1)[0]
        assert resolve_place(label).label == label


def test_barcelona_names_both_countries() -> None:
    """It offers 'Barcelona, ES' and 'Barcelona, VE', not the input again."""
    with pytest.raises(InvalidQuery, match=r"\('Barcelona, ES' or 'Barcelona, VE'\)"):
        resolve_place("Barcelona")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00000", "Unknown US ZIP code 00000"),
        ("Atlantisville", "Unknown place 'Atlantisville'"),
        ("91,0", "not on Earth"),
        ("  ", r"The place \(near=\) is empty"),
    ],
)
def test_unknown_places(text: str, message: str) -> None:
    """It refuses places it cannot find, saying what to give instead."""
    with pytest.raises(InvalidQuery, match=message):
        resolve_place(text)


def test_haversine() -> None:
    """It measures great-circle distance in miles."""
    # New York to Los Angeles is about 2,445 miles.
    assert haversine_miles(40.7128, -74.006, 34.0522, -118.2437) == pytest.approx(2445, abs=10)
    assert haversine_miles(10, 10, 10, 10) == 0


def test_nearest_open_site_skips_closed_sites() -> None:
    """It picks the closest site whose own status is recruiting or not yet recruiting."""
    raw = load_json("search_myeloma_radiation_pembrolizumab_page1_of_3.json")["studies"][0]
    study = parse_study(raw)  # Rochester RECRUITING, Houston NOT_YET_RECRUITING
    near_houston = nearest_open_site(study, 29.76, -95.36)
    assert near_houston is not None and near_houston.city == "Houston"
    assert near_houston.miles < 1
    raw2 = load_json("search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json")
    closed = parse_study(raw2["studies"][1])  # only an ACTIVE_NOT_RECRUITING site
    assert nearest_open_site(closed, 40.7, -74.0) is None
