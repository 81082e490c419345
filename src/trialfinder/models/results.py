"""What a search gives back: its plan, the studies found, and the notes per study."""

from __future__ import annotations

from pydantic import ConfigDict

from trialfinder.models.fields import _Record
from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.query.expand import Expansion


class Loosening(_Record):
    """How many studies match with one filter removed, to say which filter to loosen.

    Attributes:
        without: the filter removed, in plain words (``the status filter (recruiting)``).
        arguments: the :func:`trialfinder.search` arguments that set it (``status``).
        count: how many studies match without it; None when the API did not say.
    """

    without: str
    arguments: tuple[str, ...] = ()
    count: int | None = None


class SearchPlan(_Record):
    """What a search asks for, worked out before anything is sent.

    Made by :func:`trialfinder.api.explain_search` on its own, and part of every
    :class:`SearchResult`.

    Attributes:
        params: the query parameters of the first page of ``GET /studies``.
        search_url: the same search on the ClinicalTrials.gov website.
        expansions: how what was typed was rewritten (``ALL`` → acute lymphoblastic leukemia).
        near: the place searched around and the radius, when ``near`` was given.
        filters: the filters applied, in plain words (``status: recruiting``).
        conditions, interventions, terms: the words searched, as typed.
        notices: what else to know about how the words were searched (words that stay
            required beside an expansion, a class word searched as itself).
        hints: known acronyms typed in lower case, searched as typed, and how to ask for them.
        website_left_out: what of this search the website link cannot carry, in plain
            words; empty when the link is the same search.
    """

    params: dict[str, str] = {}
    search_url: str = ""
    expansions: list[Expansion] = []
    near: str | None = None
    filters: list[str] = []
    conditions: list[str] = []
    interventions: list[str] = []
    terms: list[str] = []
    notices: list[str] = []
    hints: list[str] = []
    website_left_out: list[str] = []


class SearchResult(SearchPlan):
    """The studies found by a search, and what was asked (the fields of :class:`SearchPlan`).

    Attributes:
        studies: matching studies in the API's order, without duplicates, at most ``limit``.
        total_count: how many studies match in all, as the API counted them.
        limit: the limit asked for (None: no limit).
        skipped: studies that could not be read (their NCT ID when known).
        notes: per NCT ID, combinations, nearest open site, pre-checks and staleness.
        loosen: when nothing matched, the counts with each filter removed.
    """

    # A search makes its result with model_construct (every part is checked already): the
    # validator is built only when a program makes one itself.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    studies: list[Study] = []
    total_count: int | None = None
    limit: int | None = None
    skipped: list[str] = []
    notes: dict[str, StudyNotes] = {}
    loosen: list[Loosening] = []

    @property
    def truncated(self) -> bool:
        """True when the limit cut the list: more studies match than the limit let through."""
        return cut_by_limit(len(self.studies), self.total_count, self.limit)


def cut_by_limit(returned: int, total_count: int | None, limit: int | None) -> bool:
    """True when ``limit`` cut a list of ``returned`` studies short of ``total_count``."""
    if limit is None or returned < limit:
        return False
    return total_count is None or total_count > returned
