"""How far each study's sites are from the person, placed offline and never guessed.

Site coordinates in the registry are city-level (``geoPoint``), so distances are too. A site
without them is placed, offline as well, by its US ZIP code or by its city when exactly one
city of that name lies in its country and, when the record gives a state, in that state; a
site that still cannot be placed is counted (by name when it takes participants), never taken
for far away. The person's place comes from :mod:`trialfinder.query.places`.

A site counts by its own status combined with the study's overall status
(:func:`trialfinder.status.site_status_in_study`): never more open than its study.
"""

from __future__ import annotations

from functools import lru_cache

from trialfinder.defaults import DEFAULT_RADIUS_MILES
from trialfinder.models.notes import NearestSite, NearestSiteNote, UnplacedSite
from trialfinder.models.records import Location, Study
from trialfinder.query.places import (
    US_NAMES,
    ZIP_CODE,
    cities_named,
    geonames,
    haversine_miles,
    in_country,
    us_state_code,
)
from trialfinder.status import is_enrolling, site_status_in_study


def site_point(loc: Location) -> tuple[float, float, str] | None:
    """(latitude, longitude, located_by) of a site, or None when it cannot be placed.

    The registry's ``geoPoint`` first; else, offline, the site's US ZIP code, else its city
    when exactly one city of that name lies in its country. When the record gives a state,
    the place must lie in that state: a ZIP code of another state, or a city of that name
    only elsewhere ("Houston", "Missouri" against Houston, Texas), places nothing. Outside
    the US the offline data names no states, so a site whose record gives one is placed
    only by its coordinates. Never a guess between several places.
    """
    if loc.latitude is not None and loc.longitude is not None:
        return loc.latitude, loc.longitude, "geo_point"
    country = " ".join((loc.country or "").split()).casefold()
    state = " ".join((loc.state or "").split())
    zip_match = ZIP_CODE.match(loc.zip or "")
    if zip_match and country in US_NAMES:
        found = _zip_point(zip_match.group(1))
        if found is not None:
            lat, lon, zip_state = found
            if state and us_state_code(state) != zip_state:
                return None  # the record contradicts itself: no choosing between the two
            return lat, lon, "zip_code"
    city = " ".join((loc.city or "").split())
    if city and country:
        point = _site_city_point(city, state, country)
        if point is not None:
            return (*point, "city")
    return None


@lru_cache(maxsize=4096)
def _zip_point(code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, state code) of a US ZIP code."""
    import zipcodes

    for z in zipcodes.matching(code):  # type: ignore[no-untyped-call]
        if z.get("lat") and z.get("long"):
            return float(z["lat"]), float(z["long"]), str(z.get("state") or "")
    return None


@lru_cache(maxsize=4096)
def _site_city_point(city: str, state: str, country: str) -> tuple[float, float] | None:
    gc = geonames()[0]
    candidates = [c for c in cities_named(city) if in_country(c, country, gc)]
    if state:
        code = us_state_code(state) if country in US_NAMES else None
        # Outside the US the offline data has no state names to check the record's against.
        candidates = [c for c in candidates if code and c.get("admin1code") == code]
    if len(candidates) != 1:
        return None
    return float(candidates[0]["latitude"]), float(candidates[0]["longitude"])


def _rank(loc: Location, study: Study) -> str:
    """``now`` (takes participants now), ``not_yet`` or ``other``.

    By the site's status as :func:`trialfinder.status.site_status_in_study` combines it with
    the study's overall status: a site is never more open than its study, and a site without
    a status of its own takes the study's. The note shows both statuses.
    """
    status = site_status_in_study(loc.status, study.status)
    if is_enrolling(status):
        return "now"
    return "not_yet" if status == "NOT_YET_RECRUITING" else "other"


def nearest_sites(
    study: Study, lat: float, lon: float, radius_miles: float = DEFAULT_RADIUS_MILES
) -> NearestSiteNote | None:
    """The study's sites nearest (lat, lon): taking participants now, not yet, and any.

    A site counts by its own status combined with the study's overall status
    (:func:`trialfinder.status.site_status_in_study`): a "Recruiting" site of a completed,
    suspended or unknown-status study is not taking participants now. Sites that cannot be
    placed are counted, and named when they take participants now.

    Returns:
        None when the study lists no sites; otherwise the note, whose ``nearest`` may be
        at any distance (compare with ``radius_miles``).
    """
    if not study.locations:
        return None
    best: dict[str, NearestSite] = {}
    not_placed = 0
    unplaced_enrolling: list[UnplacedSite] = []
    for loc in study.locations:
        point = site_point(loc)
        if point is None:
            not_placed += 1
            if _rank(loc, study) == "now":
                unplaced_enrolling.append(UnplacedSite.of(loc))
            continue
        miles = round(haversine_miles(lat, lon, point[0], point[1]), 1)
        site = NearestSite.of(loc, study_status=study.status, miles=miles, located_by=point[2])
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
        not_placed_enrolling=unplaced_enrolling,
        study_status=study.status,
    )
