"""A search's studies fetched page by page: no duplicates, stopped at the limit, counted."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext

from trialfinder.http.client import Client, resolve_api_url
from trialfinder.models.records import Study
from trialfinder.query.build import SearchQuery
from trialfinder.query.pieces import fields_param


def client_for(client: Client | None, api_url: str | None) -> AbstractContextManager[Client]:
    """``client`` as is (left open), or a new client for ``api_url`` (closed after use)."""
    return nullcontext(client) if client is not None else Client(api_url)


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
            :data:`trialfinder.LIST_FIELDS`; None for whole records.
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
        with client_for(self.client, self.api_url) as active:
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
