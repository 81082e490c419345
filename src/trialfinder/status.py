"""The registry's overall statuses, and what "open" means, written once for every output.

Every status the registry uses is in :data:`STATUS_WORDS`, with the words trialfinder prints.
A study or a site is *open* when its status says it takes participants now or will:
recruiting, not yet recruiting, or enrolling by invitation. Of those, *enrolling* ones take
participants now. The default ``status="open"`` filter, the nearest-site note and the sites
shown first on the doctor's page all use these tuples; nothing else defines them.

A site's own status and its study's overall status combine one way
(:func:`site_status_in_study`): a site is never more open than its study. A site that says
"Recruiting" in a study that is completed, suspended, of unknown status or gives no status
is not taking participants by this definition, and every note says both statuses.

Only the standard library: cheap to import, like :mod:`trialfinder.query.build`.
"""

from __future__ import annotations

#: Statuses of a study or site that takes participants now or will (registry values).
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
#: Open statuses that take participants now.
ENROLLING_STATUSES = ("RECRUITING", "ENROLLING_BY_INVITATION")

#: Every overall status the registry uses (spec 2.0.5), in words as trialfinder prints them
#: (capitalized in :data:`trialfinder.render.words.STATUS_LABELS`). Typed back in any case, the
#: words are accepted too, and the comma in "active, not recruiting" is part of the name.
STATUS_WORDS = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "not yet recruiting",
    "ENROLLING_BY_INVITATION": "enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "active, not recruiting",
    "COMPLETED": "completed",
    "SUSPENDED": "suspended",
    "TERMINATED": "terminated",
    "WITHDRAWN": "withdrawn",
    "AVAILABLE": "available",
    "NO_LONGER_AVAILABLE": "no longer available",
    "TEMPORARILY_NOT_AVAILABLE": "temporarily not available",
    "APPROVED_FOR_MARKETING": "approved for marketing",
    "WITHHELD": "withheld",
    "UNKNOWN": "unknown status",
}
#: Every overall status the registry uses, in its order.
STATUSES = tuple(STATUS_WORDS)


def is_open(status: str | None) -> bool:
    """True for a status in :data:`OPEN_STATUSES`; an absent status is not open."""
    return status in OPEN_STATUSES


def is_enrolling(status: str | None) -> bool:
    """True for a status in :data:`ENROLLING_STATUSES`."""
    return status in ENROLLING_STATUSES


# Most open first; every status not listed (closed, unknown, absent) comes after these.
_OPENNESS = ("RECRUITING", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING")


def _openness(status: str | None) -> int:
    return _OPENNESS.index(status) if status in _OPENNESS else len(_OPENNESS)


def site_status_in_study(site: str | None, study: str | None) -> str | None:
    """The status a site counts as: its own, but never more open than its study's.

    Openness runs recruiting, enrolling by invitation, not yet recruiting, then anything else
    (closed, unknown, absent). A site that gives no status of its own takes the study's; a
    site more open than its study takes the study's (``RECRUITING`` in a ``COMPLETED`` study
    counts as ``COMPLETED``); otherwise the site's own status stands (a ``COMPLETED`` site
    of a recruiting study). Callers that show the result say when it differs from the
    site's own status.
    """
    if site is None or _openness(site) < _openness(study):
        return study
    return site
