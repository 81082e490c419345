"""What is kept of a saved search and its studies between runs: the records the store holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from trialfinder.ids import study_url


@dataclass(frozen=True)
class Site:
    """One site of a study, as far as a comparison needs it."""

    facility: str | None
    city: str | None
    country: str | None
    status: str | None

    def place(self) -> str:
        """``Facility, City, Country`` with the missing parts left out."""
        parts = [p for p in (self.facility, self.city, self.country) if p]
        return ", ".join(parts) or "(site not named)"


@dataclass(frozen=True)
class StudyState:
    """What is remembered of one study between runs."""

    nct_id: str
    title: str | None = None
    status: str | None = None
    last_updated: str | None = None
    sites: tuple[Site, ...] = ()
    #: The registry's study type; None in snapshots stored before trialfinder kept it.
    study_type: str | None = None

    @property
    def url(self) -> str:
        """The study's page on ClinicalTrials.gov."""
        return study_url(self.nct_id)


@dataclass(frozen=True)
class SavedSearch:
    """A saved search: its name, the search's keyword arguments, and when it last ran."""

    name: str
    search: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    last_run_at: str | None = None
    last_total: int | None = None

    def describe(self) -> str:
        """The search in one line: ``condition: asthma; intervention: dupilumab; limit: 20``."""
        return describe_search(self.search)


def describe_search(search: dict[str, Any]) -> str:
    """Search keyword arguments in one line, repeated values joined by ``+``."""
    parts = []
    for key, value in search.items():
        shown = " + ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key}: {'all' if key == 'limit' and value is None else shown}")
    return "; ".join(parts)


@dataclass(frozen=True)
class RunToSave:
    """One search's results to store as its new snapshot."""

    name: str
    ran_at: str
    total: int | None
    studies: Sequence[StudyState]
    #: When the saved search was made, and what it searches: a search replaced meanwhile
    #: (even within the same second) is not overwritten.
    created_at: str | None = None
    search: dict[str, Any] | None = None
