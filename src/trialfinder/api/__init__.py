"""The public library calls: search, stream, count, explain and fetch one study.

They are :func:`search`, :func:`iter_studies`, :func:`count_studies`,
:func:`explain_search` and :func:`get_study`. Each takes plain arguments, validates them
before anything is sent, and uses a :class:`~trialfinder.http.client.Client` (a new one, or the
one given).
"""

from __future__ import annotations

from collections.abc import Iterable

from trialfinder.api.run import plan_query, run_query
from trialfinder.defaults import DEFAULT_LIMIT
from trialfinder.errors import TrialFinderError
from trialfinder.filterspec import SearchFilters, Unpack, check_filter_names
from trialfinder.http.client import Client
from trialfinder.http.paging import StudyStream, client_for, count_matching
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.models.results import SearchPlan, SearchResult
from trialfinder.query.build import build_query


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

    >>> from trialfinder import LIST_FIELDS, iter_studies
    >>> for study in iter_studies(condition="melanoma", fields=LIST_FIELDS):  # doctest: +SKIP
    ...     print(study.nct_id, study.status)

    Args:
        condition: one or more conditions; a study must match all of them.
        intervention: one or more interventions; a study must involve all of them.
        term: one or more other search terms; all must match.
        limit: the most studies to yield; None (the default) for every match.
        fields: piece names to ask for (fewer bytes), such as
            :data:`trialfinder.LIST_FIELDS`; None for whole records.
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
        fields: piece names to ask for, such as :data:`trialfinder.LIST_FIELDS`
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
    with client_for(client, api_url) as active:
        return count_matching(query, active)


def data_timestamp(*, api_url: str | None = None, client: Client | None = None) -> str | None:
    """When ClinicalTrials.gov last refreshed its data, or None if the API cannot say.

    Never raises for API trouble: the timestamp is a courtesy on printed pages, not worth
    failing a search for.
    """
    try:
        with client_for(client, api_url) as active:
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
    with client_for(client, api_url) as active:
        return parse_study(active.get_study(nct_id))
