"""How far each study's sites are from the person, placed offline and never guessed.

Site coordinates in the registry are city-level (``geoPoint``), so distances are too. A site
without them is placed, offline as well, by its US ZIP code or by its city when exactly one
city of that name lies in its country; a site that still cannot be placed is counted, never
taken for far away. The person's place comes from :mod:`trialfinder.query.places`.
"""

from __future__ import annotations

from functools import lru_cache

from trialfinder.defaults import DEFAULT_RADIUS_MILES
from trialfinder.models.records import Location, NearestSite, NearestSiteNote, Study
from trialfinder.query.places import (
    ZIP_CODE,
    cities_named,
    geonames,
    haversine_miles,
    matches_region,
)
from trialfinder.status import is_enrolling


def site_point(loc: Location) -> tuple[float, float, str] | None:
    """(latitude, longitude, located_by) of a site, or None when it cannot be placed.

    The registry's ``geoPoint`` first; else, offline, the site's US ZIP code, else its city
    when exactly one city of that name lies in its country (and US state). Never a guess
    between several places.
    """
    if loc.latitude is not None and loc.longitude is not None:
        return loc.latitude, loc.longitude, "geo_point"
    country = (loc.country or "").strip().casefold()
    zip_match = ZIP_CODE.match(loc.zip or "")
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


@lru_cache(maxsize=4096)
def _site_city_point(city: str, state: str | None, country: str) -> tuple[float, float] | None:
    gc = geonames()[0]
    candidates = [c for c in cities_named(" ".join(city.split())) if matches_region(c, country, gc)]
    if state and len(candidates) > 1:
        candidates = [c for c in candidates if matches_region(c, state, gc)]
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
