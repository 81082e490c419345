"""What "open" means, written once for every note and output.

A study or a site is *open* when its status says it takes participants now or will:
recruiting, not yet recruiting, or enrolling by invitation. Of those, *enrolling* ones take
participants now. The default ``status="open"`` filter, the nearest-site note and the sites
shown first on the doctor's page all use these tuples; nothing else defines them.

Only the standard library: cheap to import, like :mod:`trialfinder.query`.
"""

from __future__ import annotations

#: Statuses of a study or site that takes participants now or will (registry values).
OPEN_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
#: Open statuses that take participants now.
ENROLLING_STATUSES = ("RECRUITING", "ENROLLING_BY_INVITATION")


def is_open(status: str | None) -> bool:
    """True for a status in :data:`OPEN_STATUSES`; an absent status is not open."""
    return status in OPEN_STATUSES


def is_enrolling(status: str | None) -> bool:
    """True for a status in :data:`ENROLLING_STATUSES`."""
    return status in ENROLLING_STATUSES
