"""Tests for trialfinder.query.places: places found offline (coordinates, ZIP, city), distances."""

from __future__ import annotations

import re

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.query.places import haversine_miles, resolve_place


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
        # Commas and blanks name no place, and no blank name matches a city's blank alias.
        (" , ", r"The place \(near=\) is empty"),
        (",", r"The place \(near=\) is empty"),
        (" ,, ", r"The place \(near=\) is empty"),
        (", MN", "The place ', MN' has no name before the comma"),
        (" , Minnesota, US", "The place ', Minnesota, US' has no name before the comma"),
        # Digits of other scripts: refused in one line, never handed to the ZIP data.
        ("\uff15\uff15\uff19\uff10\uff15", "has digits other than 0-9"),  # fullwidth
        ("\U0001d7d3\U0001d7d3\U0001d7d7\U0001d7ce\U0001d7d3", "has digits other than 0-9"),
        ("\u0665\u0665\u0669\u0660\u0665", "has digits other than 0-9"),  # Arabic-Indic
        ("\uff15\uff15\uff19\uff10\uff15-0001", "has digits other than 0-9"),
        ("\uff14\uff14.0,-92.0", "has digits other than 0-9"),
        ("Rochester \u0663", "has digits other than 0-9"),
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
