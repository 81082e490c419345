"""A validated search run: its plan, then each study with its notes, page by page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from trialfinder.http.client import Client
from trialfinder.http.paging import StudyStream, client_for, count_matching
from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.models.results import Loosening, SearchPlan, SearchResult
from trialfinder.query.build import SearchQuery
from trialfinder.query.pieces import fields_param


def run_query(
    query: SearchQuery,
    *,
    client: Client | None = None,
    api_url: str | None = None,
    explain_empty: bool = True,
    fields: Iterable[str] | None = None,
) -> SearchResult:
    """Run an already validated query; see :func:`search`."""
    with client_for(client, api_url) as active:
        stream = ResultStream(query, active, fields=fields, explain_empty=explain_empty)
        studies: list[Study] = []
        notes: dict[str, StudyNotes] = {}
        for study, study_notes in stream:
            studies.append(study)
            notes[study.nct_id] = study_notes
        return stream.summary(studies, notes)


class ResultStream:
    """A search's studies, each with what this search worked out about it, page by page.

    Iterating yields ``(Study, StudyNotes)`` as the pages arrive, holding one page at a
    time, so a program (or an output format) can write each study and let it go.
    :attr:`plan` (what is searched) is known at once; the counts once iteration has ended:
    :attr:`total_count`, :attr:`returned`, :attr:`skipped` and, when nothing matched and
    ``explain_empty`` is set, :attr:`loosen` (one small request per active filter).

    Args:
        query: the validated search.
        client: the client to fetch with (kept open by the caller while iterating).
        fields: piece names to ask for; None for whole records.
        explain_empty: when nothing matches, ask how many would match without each filter.

    Raises:
        InvalidQuery: a field name is not a piece name (at once, before any request).
    """

    def __init__(
        self,
        query: SearchQuery,
        client: Client,
        *,
        fields: Iterable[str] | None = None,
        explain_empty: bool = True,
    ) -> None:
        self.query = query
        self.plan = plan_query(query, fields=fields)
        self.loosen: list[Loosening] = []
        self._client = client
        self._studies = StudyStream(query, client, fields=fields)
        self._explain_empty = explain_empty

    @property
    def total_count(self) -> int | None:
        """How many studies match in all, as the API counted them (after the first page)."""
        return self._studies.total_count

    @property
    def returned(self) -> int:
        """How many studies have been yielded so far."""
        return self._studies.returned

    @property
    def skipped(self) -> list[str]:
        """Studies that could not be read (their NCT ID when known)."""
        return self._studies.skipped

    def __iter__(self) -> Iterator[tuple[Study, StudyNotes]]:
        from trialfinder.notes.annotate import study_notes

        today = date.today()
        for study in self._studies:
            yield study, study_notes(study, self.query, today)
        if self._explain_empty and not self.returned and not self.skipped:
            # Fail loudly: one small request per active filter says which one to loosen.
            for description, arguments, looser in self.query.loosened():
                count = count_matching(looser, self._client)
                self.loosen.append(Loosening(without=description, arguments=arguments, count=count))

    def summary(
        self, studies: list[Study] | None = None, notes: dict[str, StudyNotes] | None = None
    ) -> SearchResult:
        """The result once iterated: the plan and the counts, with ``studies`` if kept."""
        # Every part is a record already read and checked: validating them again would run
        # each study's validators a second time.
        return SearchResult.model_construct(
            **dict(self.plan),
            studies=studies or [],
            total_count=self.total_count,
            limit=self.query.limit,
            skipped=self.skipped,
            notes=notes or {},
            loosen=self.loosen,
        )


def plan_query(query: SearchQuery, *, fields: Iterable[str] | None = None) -> SearchPlan:
    """What a validated query sends and how it reads to people; nothing is sent.

    Raises:
        InvalidQuery: a field name is not a piece name.
    """
    params = query.to_params()
    fields_value = fields_param(fields)
    if fields_value is not None:
        params["fields"] = fields_value
    search_url, left_out = query.website_link()
    return SearchPlan(
        params=params,
        search_url=search_url,
        expansions=query.expansions(),
        near=_near_text(query),
        filters=query.filter_summary(),
        conditions=list(query.conditions),
        interventions=list(query.interventions),
        terms=list(query.terms),
        notices=query.notices(),
        hints=query.hints(),
        website_left_out=left_out,
    )


def _near_text(query: SearchQuery) -> str | None:
    if query.near is None:
        return None
    place = query.near_label or f"{query.near[0]},{query.near[1]}"
    return f"{place}, within {query.radius_miles:g} miles"
