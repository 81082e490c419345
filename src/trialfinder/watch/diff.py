"""What changed between two runs of a saved search: new and gone studies, statuses, sites, dates.

:func:`diff` is pure: it compares two sets of studies (stored :class:`StudyState` or fetched
:class:`~trialfinder.models.records.Study`) and returns a :class:`ChangeReport`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from trialfinder.ids import study_url
from trialfinder.query.filters import KM_PER_MILE
from trialfinder.watch.states import Site, StudyState

if TYPE_CHECKING:
    from trialfinder.models.records import Location, Study


def state_of(
    study: Study | StudyState, near: tuple[float, float, float] | None = None
) -> StudyState:
    """What a comparison needs of a fetched study (a :class:`StudyState` is returned as is).

    With ``near`` (latitude, longitude, miles), only the sites within that distance are kept,
    so a saved search with a home location reports the site changes that matter there. A
    site without coordinates is placed offline as the nearest-site note places it (ZIP code
    or unique city, :func:`trialfinder.notes.nearest.site_point`); one that cannot be placed is
    kept: it cannot be ruled out.
    """
    if isinstance(study, StudyState):
        return study
    locations = study.locations
    if near is not None:
        from trialfinder.notes.nearest import site_point
        from trialfinder.query.places import haversine_miles

        lat, lon, miles = near

        def near_enough(loc: Location) -> bool:
            point = site_point(loc)
            return point is None or haversine_miles(lat, lon, point[0], point[1]) <= miles

        locations = [s for s in locations if near_enough(s)]
    return StudyState(
        nct_id=study.nct_id,
        title=study.title,
        status=study.status,
        last_updated=study.last_updated,
        sites=tuple(Site(s.facility, s.city, s.country, s.status) for s in locations),
        study_type=study.study_type,
    )


_GEO = re.compile(r"^distance\((-?[0-9.]+),(-?[0-9.]+),([0-9.]+)(mi|km)?\)$")


def near_of(params: dict[str, str]) -> tuple[float, float, float] | None:
    """(latitude, longitude, miles) of a search's ``filter.geo``, if it has one."""
    match = _GEO.match(params.get("filter.geo", ""))
    if not match:
        return None
    distance = float(match.group(3))
    miles = distance / KM_PER_MILE if match.group(4) == "km" else distance
    return float(match.group(1)), float(match.group(2)), miles


@dataclass(frozen=True)
class StatusChange:
    """A study whose overall status changed (values as the registry has them)."""

    nct_id: str
    title: str | None
    before: str | None
    after: str | None


@dataclass(frozen=True)
class SiteChange:
    """A site added to or removed from a study, or whose own status changed.

    ``kind`` is ``added``, ``removed`` or ``status``; ``before`` and ``after`` are the site's
    status (None on the side where the site does not exist).
    """

    nct_id: str
    title: str | None
    kind: str
    facility: str | None
    city: str | None
    country: str | None
    before: str | None
    after: str | None

    @property
    def place(self) -> str:
        """``Facility, City, Country``."""
        return Site(self.facility, self.city, self.country, None).place()


@dataclass(frozen=True)
class DateChange:
    """A study whose "last updated" date on ClinicalTrials.gov changed."""

    nct_id: str
    title: str | None
    before: str | None
    after: str | None


@dataclass(frozen=True)
class StatusNow:
    """The overall status the registry gives now for a study that left the results.

    ``checked`` is False when the registry could not be asked or did not return the study;
    ``status`` is then None, never a guess.
    """

    nct_id: str
    checked: bool
    status: str | None = None


@dataclass(frozen=True)
class ChangeReport:
    """What differs between two sets of studies; each list in the order of the results.

    ``gone_now`` holds, for the studies in ``gone``, their status now as looked up by
    :meth:`trialfinder.watch.watchlist.Watchlist.run` (:func:`diff` alone does not ask the
    registry: it stays empty).
    """

    new: tuple[StudyState, ...] = ()
    gone: tuple[StudyState, ...] = ()
    status_changes: tuple[StatusChange, ...] = ()
    site_changes: tuple[SiteChange, ...] = ()
    date_changes: tuple[DateChange, ...] = ()
    gone_now: tuple[StatusNow, ...] = ()

    def status_now(self, nct_id: str) -> StatusNow:
        """The looked-up status of a study that left the results (unchecked if not looked up)."""
        return next((s for s in self.gone_now if s.nct_id == nct_id), StatusNow(nct_id, False))

    @property
    def count(self) -> int:
        """How many changes in all."""
        parts = (self.new, self.gone, self.status_changes, self.site_changes, self.date_changes)
        return sum(map(len, parts))

    @property
    def changed(self) -> bool:
        """True when anything changed."""
        return self.count > 0

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready data; every entry carries its study's link."""

        def entry(item: Any) -> dict[str, Any]:
            data = asdict(item)
            data.pop("sites", None)
            return {**data, "url": study_url(item.nct_id)}

        def gone(state: StudyState) -> dict[str, Any]:
            now = self.status_now(state.nct_id)
            return {**entry(state), "status_checked": now.checked, "status_now": now.status}

        return {
            "new": [entry(s) for s in self.new],
            "gone": [gone(s) for s in self.gone],
            "status_changes": [entry(c) for c in self.status_changes],
            "site_changes": [entry(c) for c in self.site_changes],
            "last_updated_changes": [entry(c) for c in self.date_changes],
        }


def _keyed_sites(sites: Iterable[Site]) -> dict[tuple[Any, ...], Site]:
    # Several sites can share facility, city and country ("Research Site"): number the
    # repeats so that each keeps its own identity.
    keyed: dict[tuple[Any, ...], Site] = {}
    seen: dict[tuple[Any, ...], int] = {}
    for site in sites:
        base = (site.facility, site.city, site.country)
        seen[base] = seen.get(base, 0) + 1
        key = (*base, seen[base])  # a name, not a starred subscript: Python 3.10 and mypy
        keyed[key] = site
    return keyed


def _site_changes(old: StudyState, new: StudyState) -> list[SiteChange]:
    before, after = _keyed_sites(old.sites), _keyed_sites(new.sites)
    changes = []

    def change(kind: str, site: Site, before: str | None, after: str | None) -> SiteChange:
        return SiteChange(
            new.nct_id, new.title, kind, site.facility, site.city, site.country, before, after
        )

    for key, site in after.items():
        prior = before.get(key)
        if prior is None:
            changes.append(change("added", site, None, site.status))
        elif prior.status != site.status:
            changes.append(change("status", site, prior.status, site.status))
    for key, site in before.items():
        if key not in after:
            changes.append(change("removed", site, site.status, None))
    return changes


def diff(before: Iterable[StudyState | Study], after: Iterable[StudyState | Study]) -> ChangeReport:
    """Compare two sets of studies: the last run's and this run's.

    Args:
        before: studies found earlier (stored states or fetched studies).
        after: studies found now.

    Returns:
        The studies new in ``after`` or gone from it, and for studies in both: status,
        site and "last updated" changes. Nothing else (summaries, contacts…) is compared.
    """
    old = {s.nct_id: s for s in map(state_of, before)}
    new = {s.nct_id: s for s in map(state_of, after)}
    statuses, sites, dates = [], [], []
    for nct_id, now in new.items():
        then = old.get(nct_id)
        if then is None:
            continue
        if then.status != now.status:
            statuses.append(StatusChange(nct_id, now.title, then.status, now.status))
        sites += _site_changes(then, now)
        if then.last_updated != now.last_updated:
            dates.append(DateChange(nct_id, now.title, then.last_updated, now.last_updated))
    return ChangeReport(
        new=tuple(s for k, s in new.items() if k not in old),
        gone=tuple(s for k, s in old.items() if k not in new),
        status_changes=tuple(statuses),
        site_changes=tuple(sites),
        date_changes=tuple(dates),
    )
