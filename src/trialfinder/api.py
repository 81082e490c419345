"""The public library calls: :func:`search`, :func:`iter_studies` and :func:`get_study`.

Each takes plain arguments, validates them before anything is sent, and uses a
:class:`~trialfinder.client.Client` (a new one, or the one given).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext

from trialfinder.client import Client, resolve_api_url
from trialfinder.errors import InvalidStudy
from trialfinder.models import SearchResult, Study, nct_id_of, parse_study
from trialfinder.query import DEFAULT_LIMIT, SearchQuery, fields_param


def _client_for(client: Client | None, api_url: str | None) -> AbstractContextManager[Client]:
    return nullcontext(client) if client is not None else Client(api_url)


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
        fields: piece names to ask for (``fields=``), e.g. :data:`~trialfinder.query.LIST_FIELDS`;
            None for whole records.
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
        raw: object = None
        for page in client.iter_pages(self.params):
            if self.total_count is None and isinstance(page.get("totalCount"), int):
                self.total_count = page["totalCount"]
            for raw in page.get("studies") or []:
                try:
                    study = parse_study(raw)
                except InvalidStudy:
                    self.skipped.append(
                        nct_id_of(raw) or f"record #{self.returned + len(self.skipped) + 1}"
                    )
                    continue
                number = int(study.nct_id[3:])
                if number in seen:
                    continue
                seen.add(number)
                self.returned += 1
                yield study
                if limit is not None and self.returned >= limit:
                    return
            # One page in memory at a time, even while the next one arrives.
            del page
            raw = None
            # The API may offer a token for an empty page after the last: do not ask for it.
            if self.total_count is not None and len(seen) + len(self.skipped) >= self.total_count:
                return


def iter_studies(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = None,
    *,
    fields: Iterable[str] | None = None,
    api_url: str | None = None,
    client: Client | None = None,
) -> StudyStream:
    """Stream matching studies page by page without holding them all in memory.

    >>> from trialfinder import iter_studies
    >>> from trialfinder.query import LIST_FIELDS
    >>> for study in iter_studies(condition="melanoma", fields=LIST_FIELDS):  # doctest: +SKIP
    ...     print(study.nct_id, study.status)

    Args:
        condition: one or more conditions; a study must match all of them.
        intervention: one or more interventions; a study must involve all of them.
        term: one or more other search terms; all must match.
        limit: the most studies to yield; None (the default) for every match.
        fields: piece names to ask for (fewer bytes), such as
            :data:`trialfinder.query.LIST_FIELDS`; None for whole records.
        api_url: API base URL when no client is given.
        client: the client to fetch with; by default one is opened for the iteration and
            closed when it ends.

    Returns:
        An iterable of :class:`Study` that also reports ``total_count`` and ``skipped``.

    Raises:
        InvalidQuery: bad input (raised at once, before any request).
    """
    query = SearchQuery.build(condition, intervention, term, limit)
    return StudyStream(query, client, fields=fields, api_url=api_url)


def search(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    api_url: str | None = None,
    client: Client | None = None,
    fields: Iterable[str] | None = None,
) -> SearchResult:
    """Find studies on ClinicalTrials.gov by condition, intervention and other terms.

    Several values for one argument mean a study must match all of them:
    ``intervention=["radiation", "pembrolizumab"]`` finds studies involving both.

    Args:
        condition: a disease or condition, or a list of them.
        intervention: a treatment, or a list of them.
        term: other words to find anywhere in the record.
        limit: the most studies to return (default 20); None for every match.
        api_url: API base URL (default: ``$TRIALFINDER_API_URL`` or the public API).
        client: an existing :class:`Client` to reuse instead of a new one.
        fields: piece names to ask for, such as :data:`trialfinder.query.LIST_FIELDS`
            (fewer bytes; the other fields of each study stay empty); None for whole records.

    Returns:
        A :class:`SearchResult` with the studies, the total number matching, the parameters
        sent and the same search on the website.

    Raises:
        InvalidQuery: bad input, found before any request is sent.
        TrialFinderError: a subclass for network, API and response failures.
    """
    query = SearchQuery.build(condition, intervention, term, limit)
    with _client_for(client, api_url) as active:
        stream = StudyStream(query, active, fields=fields)
        studies = list(stream)
    return SearchResult(
        studies=studies,
        total_count=stream.total_count,
        limit=query.limit,
        params=stream.params,
        search_url=query.website_url(),
        skipped=stream.skipped,
    )


def get_study(nct_id: str, *, api_url: str | None = None, client: Client | None = None) -> Study:
    """Fetch one study by its NCT ID (case and spacing forgiven: ``nct02013167`` works).

    Raises:
        InvalidQuery: the ID is malformed (nothing is sent).
        StudyNotFound: no study has this ID.
        TrialFinderError: a subclass for network, API and response failures.
    """
    with _client_for(client, api_url) as active:
        return parse_study(active.get_study(nct_id))
