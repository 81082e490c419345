"""The public library calls: search, stream, count, explain and fetch one study.

They are :func:`search`, :func:`iter_studies`, :func:`count_studies`,
:func:`explain_search` and :func:`get_study`. Each takes plain arguments, validates them
before anything is sent, and uses a :class:`~trialfinder.http.client.Client` (a new one, or the
one given).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import date

from trialfinder.defaults import DEFAULT_LIMIT
from trialfinder.errors import TrialFinderError
from trialfinder.filterspec import FILTER_NAMES, SearchFilters, Unpack, check_filter_names
from trialfinder.http.client import Client, resolve_api_url
from trialfinder.models.notes import StudyNotes
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.models.results import Loosening, SearchPlan, SearchResult
from trialfinder.query.build import SearchQuery, build_query
from trialfinder.query.pieces import fields_param


def _client_for(client: Client | None, api_url: str | None) -> AbstractContextManager[Client]:
    return nullcontext(client) if client is not None else Client(api_url)


#: Filter keyword arguments shared by :func:`search`, :func:`iter_studies`,
#: :func:`explain_search` and :func:`count_studies` (see :mod:`trialfinder.filterspec`).
FILTER_ARGS = FILTER_NAMES


def count_matching(query: SearchQuery, client: Client) -> int | None:
    """How many studies match ``query``, with one small request (``pageSize=1``, NCT ID only)."""
    params = {**query.to_params(), "pageSize": "1", "countTotal": "true", "fields": "NCTId"}
    page = client.get_json("/studies", params)
    total = page.get("totalCount") if isinstance(page, dict) else None
    return total if isinstance(total, int) else None


class StudyStream:
    """Studies of a search, fetched page by page as they are iterated.

    Duplicates (by NCT ID) are dropped; iteration stops at the query's limit, and no page is
    asked for once the limit or the API's total is reached, so a search costs
    ``ceil(min(total, limit) / 1000)`` requests. Records that cannot be read are skipped and
    listed in :attr:`skipped`. :attr:`total_count` is known once the first page has arrived.
    Only the current page is held in memory.

    Args:
        query: the validated search.
        client: the client to fetch with; None to open one for the iteration (and close it).
        fields: piece names to ask for (``fields=``), e.g.
            :data:`~trialfinder.query.pieces.LIST_FIELDS`; None for whole records.
        api_url: API base URL for the client opened when ``client`` is None.
    """

    def __init__(
        self,
        query: SearchQuery,
        client: Client | None = None,
        *,
        fields: Iterable[str] | None = None,
        api_url: str | None = None,
    ) -> None:
        self.query = query
        self.client = client
        self.api_url = resolve_api_url(api_url) if client is None else None
        self.params = query.to_params()
        fields_value = fields_param(fields)
        if fields_value is not None:
            self.params["fields"] = fields_value
        self.total_count: int | None = None
        self.skipped: list[str] = []
        self.returned = 0
        self._started = False

    def __iter__(self) -> Iterator[Study]:
        if self._started:
            raise RuntimeError("a StudyStream can be iterated only once")
        self._started = True
        with _client_for(self.client, self.api_url) as active:
            yield from self._studies(active)

    def _studies(self, client: Client) -> Iterator[Study]:
        # NCT numbers as ints: the only thing kept per study, small even for 500,000 studies.
        seen: set[int] = set()
        limit = self.query.limit
        for page in client.iter_pages(self.params):
            if self.total_count is None:
                self.total_count = page.total_count
            for record in page.records:
                if not isinstance(record, Study):
                    self.skipped.append(
                        record.nct_id or f"record #{self.returned + len(self.skipped) + 1}"
                    )
                    continue
                number = int(record.nct_id[3:])
                if number in seen:
                    continue
                seen.add(number)
                self.returned += 1
                yield record
                if limit is not None and self.returned >= limit:
                    return
            # The API may offer a token for an empty page after the last: do not ask for it.
            if self.total_count is not None and len(seen) + len(self.skipped) >= self.total_count:
                return
            # Let this page go before the next one is read: one page in memory, not two.
            del page


def iter_studies(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = None,
    *,
    fields: Iterable[str] | None = None,
    api_url: str | None = None,
    client: Client | None = None,
    **filters: Unpack[SearchFilters],
) -> StudyStream:
    """Stream matching studies page by page without holding them all in memory.

    >>> from trialfinder import iter_studies
    >>> from trialfinder.query.pieces import LIST_FIELDS
    >>> for study in iter_studies(condition="melanoma", fields=LIST_FIELDS):  # doctest: +SKIP
    ...     print(study.nct_id, study.status)

    Args:
        condition: one or more conditions; a study must match all of them.
        intervention: one or more interventions; a study must involve all of them.
        term: one or more other search terms; all must match.
        limit: the most studies to yield; None (the default) for every match.
        fields: piece names to ask for (fewer bytes), such as
            :data:`trialfinder.query.pieces.LIST_FIELDS`; None for whole records.
        api_url: API base URL when no client is given.
        client: the client to fetch with; by default one is opened for the iteration and
            closed when it ends.
        **filters: which studies to keep, as for :func:`search`.

    Returns:
        An iterable of :class:`Study` that also reports ``total_count`` and ``skipped``.

    Raises:
        InvalidQuery: bad input (raised at once, before any request).
        TypeError: a keyword that is neither an argument nor a filter.
    """
    check_filter_names("iter_studies", filters)
    query = build_query(condition, intervention, term, limit, **filters)
    return StudyStream(query, client, fields=fields, api_url=api_url)


def search(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    api_url: str | None = None,
    client: Client | None = None,
    explain_empty: bool = True,
    fields: Iterable[str] | None = None,
    **filters: Unpack[SearchFilters],
) -> SearchResult:
    """Find studies on ClinicalTrials.gov by condition, intervention and other terms.

    Several values for one argument mean a study must match all of them:
    ``intervention=["radiation", "pembrolizumab"]`` finds studies involving both. For the
    filters (``status``, ``phase``, ``study_type``, ``country``, ``state``, ``city``) several
    values mean any of them. Every other argument takes one value; a list is refused.

    Args:
        condition: a disease or condition, or a list of them.
        intervention: a treatment, or a list of them.
        term: other words to find anywhere in the record.
        limit: the most studies to return (default 20); None for every match.
        api_url: API base URL (default: ``$TRIALFINDER_API_URL`` or the public API).
        client: an existing :class:`Client` to reuse instead of a new one.
        explain_empty: when nothing matches, spend one small request per active filter to
            say how many would match without it (``loosen``).
        fields: piece names to ask for, such as :data:`trialfinder.query.pieces.LIST_FIELDS`
            (fewer bytes; the other fields of each study stay empty); None for whole records.
        **filters: which studies to keep, each a key of
            :class:`~trialfinder.filterspec.SearchFilters`, which says what it takes (``status``
            defaults to ``open``; ``expand`` to True, disclosed in ``expansions``).

    Returns:
        A :class:`SearchResult` with the studies, the total number matching, the parameters
        sent, the same search on the website, the expansions made, per-study ``notes``
        (combinations, nearest open site, age/sex pre-check, staleness) and, when nothing
        matched, ``loosen``: how many match with each filter removed.

    Raises:
        InvalidQuery: bad input, found before any request is sent.
        TrialFinderError: a subclass for network, API and response failures.
        TypeError: a keyword that is neither an argument nor a filter.
    """
    check_filter_names("search", filters)
    query = build_query(condition, intervention, term, limit, **filters)
    return run_query(
        query, client=client, api_url=api_url, explain_empty=explain_empty, fields=fields
    )


def run_query(
    query: SearchQuery,
    *,
    client: Client | None = None,
    api_url: str | None = None,
    explain_empty: bool = True,
    fields: Iterable[str] | None = None,
) -> SearchResult:
    """Run an already validated query; see :func:`search`."""
    with _client_for(client, api_url) as active:
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


def explain_search(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    fields: Iterable[str] | None = None,
    **filters: Unpack[SearchFilters],
) -> SearchPlan:
    """What :func:`search` would send for these arguments, without sending anything.

    >>> plan = explain_search(condition="ALL", intervention="Blincyto")
    >>> [e.describe() for e in plan.expansions]  # doctest: +SKIP

    Args:
        condition, intervention, term, limit, fields: as for :func:`search`.
        **filters: which studies to keep, as for :func:`search`.

    Returns:
        A :class:`SearchPlan`: the parameters, the expansions, the filters in plain words,
        the place searched around and the same search on the website.

    Raises:
        InvalidQuery: bad input, with how to fix it.
        TypeError: a keyword that is neither an argument nor a filter.
    """
    check_filter_names("explain_search", filters)
    query = build_query(condition, intervention, term, limit, **filters)
    return plan_query(query, fields=fields)


def count_studies(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    *,
    api_url: str | None = None,
    client: Client | None = None,
    **filters: Unpack[SearchFilters],
) -> int | None:
    """How many studies match, with one small request (no study is read).

    Args:
        condition, intervention, term, api_url, client: as for :func:`search`.
        **filters: which studies to keep, as for :func:`search`.

    Returns:
        The API's count of matching studies, or None when its answer has no count.

    Raises:
        InvalidQuery: bad input, found before any request is sent.
        TrialFinderError: a subclass for network, API and response failures.
        TypeError: a keyword that is neither an argument nor a filter.
    """
    check_filter_names("count_studies", filters)
    query = build_query(condition, intervention, term, **filters)
    with _client_for(client, api_url) as active:
        return count_matching(query, active)


def data_timestamp(*, api_url: str | None = None, client: Client | None = None) -> str | None:
    """When ClinicalTrials.gov last refreshed its data, or None if the API cannot say.

    Never raises for API trouble: the timestamp is a courtesy on printed pages, not worth
    failing a search for.
    """
    try:
        with _client_for(client, api_url) as active:
            value = active.get_version().get("dataTimestamp")
    except TrialFinderError:
        return None
    return value if isinstance(value, str) and value.strip() else None


def _near_text(query: SearchQuery) -> str | None:
    if query.near is None:
        return None
    place = query.near_label or f"{query.near[0]},{query.near[1]}"
    return f"{place}, within {query.radius_miles:g} miles"


def get_study(nct_id: str, *, api_url: str | None = None, client: Client | None = None) -> Study:
    """Fetch one study by its NCT ID (case and spacing forgiven: ``nct02013167`` works).

    Raises:
        InvalidQuery: the ID is malformed (nothing is sent).
        StudyNotFound: no study has this ID.
        TrialFinderError: a subclass for network, API and response failures.
    """
    with _client_for(client, api_url) as active:
        return parse_study(active.get_study(nct_id))
