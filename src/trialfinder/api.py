"""The public library calls: :func:`search`, :func:`iter_studies` and :func:`get_study`.

Each takes plain arguments, validates them before anything is sent, and uses a
:class:`~trialfinder.client.Client` (a new one, or the one given).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext

from trialfinder.client import Client
from trialfinder.errors import InvalidStudy, TrialFinderError
from trialfinder.models import SearchResult, Study, nct_id_of, parse_study
from trialfinder.query import DEFAULT_LIMIT, SearchQuery


def _client_for(client: Client | None, api_url: str | None) -> AbstractContextManager[Client]:
    return nullcontext(client) if client is not None else Client(api_url)


class StudyStream:
    """Studies of a search, fetched page by page as they are iterated.

    Duplicates (by NCT ID) are dropped; iteration stops at the query's limit. Records that
    cannot be read are skipped and listed in :attr:`skipped`. :attr:`total_count` is known
    once the first page has arrived.
    """

    def __init__(self, query: SearchQuery, client: Client) -> None:
        self.query = query
        self.client = client
        self.total_count: int | None = None
        self.skipped: list[str] = []
        self.returned = 0

    def __iter__(self) -> Iterator[Study]:
        seen: set[str] = set()
        limit = self.query.limit
        if self.returned:
            raise RuntimeError("a StudyStream can be iterated only once")
        for page in self.client.iter_pages(self.query.to_params()):
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
                if study.nct_id in seen:
                    continue
                seen.add(study.nct_id)
                self.returned += 1
                yield study
                if limit is not None and self.returned >= limit:
                    return


def iter_studies(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = None,
    *,
    client: Client,
) -> StudyStream:
    """Stream matching studies page by page without holding them all in memory.

    Args:
        condition: one or more conditions; a study must match all of them.
        intervention: one or more interventions; a study must involve all of them.
        term: one or more other search terms; all must match.
        limit: the most studies to yield; None for every match.
        client: the client to fetch with.

    Returns:
        An iterable of :class:`Study` that also reports ``total_count`` and ``skipped``.

    Raises:
        InvalidQuery: bad input (raised at once, before any request).
    """
    query = SearchQuery.build(condition, intervention, term, limit)
    return StudyStream(query, client)


def search(
    condition: str | Iterable[str] | None = None,
    intervention: str | Iterable[str] | None = None,
    term: str | Iterable[str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    *,
    api_url: str | None = None,
    client: Client | None = None,
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

    Returns:
        A :class:`SearchResult` with the studies, the total number matching, the parameters
        sent and the same search on the website.

    Raises:
        InvalidQuery: bad input, found before any request is sent.
        TrialFinderError: a subclass for network, API and response failures.
    """
    query = SearchQuery.build(condition, intervention, term, limit)
    with _client_for(client, api_url) as active:
        stream = StudyStream(query, active)
        studies = list(stream)
    return SearchResult(
        studies=studies,
        total_count=stream.total_count,
        limit=query.limit,
        params=query.to_params(),
        search_url=query.website_url(),
        skipped=stream.skipped,
    )


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


def get_study(nct_id: str, *, api_url: str | None = None, client: Client | None = None) -> Study:
    """Fetch one study by its NCT ID (case and spacing forgiven: ``nct02013167`` works).

    Raises:
        InvalidQuery: the ID is malformed (nothing is sent).
        StudyNotFound: no study has this ID.
        TrialFinderError: a subclass for network, API and response failures.
    """
    with _client_for(client, api_url) as active:
        return parse_study(active.get_study(nct_id))
