"""NCT IDs and study links: the one place a study's ID is checked and its page URL is built.

The lowest layer: the records (:mod:`trialfinder.models.records`), the query, the client and the
saved searches all import it, and it imports only :mod:`trialfinder.errors`.
"""

from __future__ import annotations

import re

from trialfinder.errors import InvalidQuery

#: A study's page on ClinicalTrials.gov.
STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"

_LOOSE_NCT_RE = re.compile(r"^\s*nct\s*[-_]?\s*([0-9]{1,8})\s*$", re.IGNORECASE)


def study_url(nct_id: str) -> str:
    """Return the ClinicalTrials.gov page of a study."""
    return STUDY_URL.format(nct_id=nct_id)


def normalize_nct_id(value: object) -> str:
    """Check a study ID and return it in canonical form (``nct02013167`` → ``NCT02013167``).

    Raises:
        InvalidQuery: when the value is not an NCT ID.
    """
    if not isinstance(value, str):
        raise InvalidQuery("A study ID must be text like NCT02013167.")
    # ASCII digits only: a Unicode digit class takes other scripts' ("NCT0201316７"), not an ID.
    match = _LOOSE_NCT_RE.match(value)
    if not match or len(match.group(1)) != 8:
        raise InvalidQuery(
            f"'{visible(value)}' is not a ClinicalTrials.gov ID: use NCT followed by 8 digits, "
            "for example NCT02013167."
        )
    return "NCT" + match.group(1)


def visible(value: str, width: int = 40) -> str:
    """A short, printable rendering of user input for error messages."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in value)
    return cleaned if len(cleaned) <= width else cleaned[: width - 1] + "…"
