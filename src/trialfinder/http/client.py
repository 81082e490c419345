"""Talk HTTP to the ClinicalTrials.gov API v2: one session, timeouts, pacing, retries, paging.

This is the only module that sends requests. Every failure leaves it as a
:class:`~trialfinder.errors.TrialFinderError` (which one: :mod:`~trialfinder.http.failures`);
no requests or json exception escapes.
Each request's full URL is logged at DEBUG level on the ``trialfinder`` logger; messages
show URLs without their query.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception

from trialfinder._version import __version__
from trialfinder.defaults import (
    API_URL_ENV,
    BACKOFF_ENV,
    DEFAULT_API_URL,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    MAX_RETRY_AFTER_ENV,
    MIN_INTERVAL_ENV,
    TIMEOUT_RANGE,
)
from trialfinder.errors import (
    ApiStatusError,
    ConfigError,
    InvalidQuery,
    InvalidResponse,
    ServerError,
    StudyNotFound,
    TrialFinderError,
    UnexpectedHtml,
)
from trialfinder.http.failures import (
    RetryWait,
    looks_like_html,
    raise_for,
    retryable,
    status_error,
    wait_reason,
)
from trialfinder.ids import normalize_nct_id
from trialfinder.query.values import check_api_url, check_seconds

if TYPE_CHECKING:
    from trialfinder.models.reading import StudyPage

USER_AGENT = f"trialfinder/{__version__} (+https://pypi.org/project/trialfinder/)"
DEFAULT_TIMEOUT = (10.0, DEFAULT_READ_TIMEOUT)
#: Seconds between the starts of two requests: about one request a second, sustained.
DEFAULT_MIN_INTERVAL = 1.0
#: A Retry-After longer than this is cut to it, so a hostile server cannot stall us.
MAX_RETRY_AFTER = 30.0
#: First wait between attempts, in seconds (doubled each retry, plus jitter).
DEFAULT_BACKOFF = 1.0
log = logging.getLogger("trialfinder")


def resolve_api_url(api_url: str | None = None) -> str:
    """The API base URL: the argument, else ``$TRIALFINDER_API_URL``, else the public API.

    Raises:
        InvalidQuery: the URL is malformed.
    """
    if api_url is None:
        api_url = os.environ.get(API_URL_ENV) or DEFAULT_API_URL
    return check_api_url(api_url)


def _timeout(timeout: object) -> tuple[float, float]:
    """The (connect, read) timeout: finite numbers of seconds, each 0.1 or more.

    One number is both, as for requests.

    Raises:
        InvalidQuery: not such a pair (NaN or infinity would fail only at the first request).
    """
    pair = (timeout, timeout) if isinstance(timeout, (int, float)) else timeout
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise InvalidQuery(
            f"{{timeout}} takes seconds, or a (connect, read) pair of them, not {timeout!r}."
        )
    least = TIMEOUT_RANGE[0]
    connect, read = (check_seconds(part, "{timeout}", least=least) for part in pair)
    return connect, read


def _wait_setting(
    given: float | None,
    env: str,
    default: float,
    api_url: str,
    *,
    ceiling: float | None = None,
    name: str,
) -> float:
    """A wait in seconds: the argument, else ``$env``, else ``default``.

    A value from the environment can only lengthen the wait against the public API (the
    variables exist for tests and local mirrors, and must not make us unkind to the registry);
    ``ceiling`` bounds it, so a typo cannot stall every request.

    Raises:
        ConfigError: the environment variable is not a number of seconds from 0 up.
        InvalidQuery: ``given`` (the argument ``name``) is not a finite number.
    """
    if given is not None:
        if isinstance(given, (int, float)) and given < 0:
            given = 0.0  # a negative wait is none
        # NaN or infinity would fail at the first wait, or wait forever.
        return check_seconds(given, name)
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ConfigError(f"${env} must be a number of seconds from 0 up, not {raw!r}.")
    if api_url == DEFAULT_API_URL:
        value = max(value, default)
    return value if ceiling is None else min(value, ceiling)


class _CountingAdapter(BaseAdapter):
    """Wraps a session's transport: paces and counts the requests that really go out.

    A response cache (requests-cache) answers above the transport, so a cache hit is
    neither paced nor counted.
    """

    def __init__(self, inner: BaseAdapter, before_send: Callable[[], None]) -> None:
        super().__init__()
        self.inner = inner
        self._before_send = before_send

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        self._before_send()
        return self.inner.send(request, *args, **kwargs)

    def close(self) -> None:
        self.inner.close()


class Client:
    """A connection to the ClinicalTrials.gov API v2.

    Args:
        api_url: base URL of the API; defaults to ``$TRIALFINDER_API_URL`` or the public API.
        timeout: (connect, read) timeout in seconds for every request; one number is both.
        max_attempts: attempts per request, the first included, for failures worth retrying
            (connection errors, timeouts, 429, 502, 503, 504, an HTML page instead of JSON).
            A 500 is tried at most twice: the API answers some bad requests with 500 every time.
        min_interval: least seconds between the starts of two requests; default
            ``$TRIALFINDER_MIN_INTERVAL``, else 1.
        max_retry_after: longest wait honoured from a ``Retry-After`` header; default
            ``$TRIALFINDER_MAX_RETRY_AFTER``, else 30.
        backoff: first backoff wait in seconds (doubled each retry, plus jitter, at most 30);
            default ``$TRIALFINDER_BACKOFF``, else 1. Against the public API the environment
            variables can only lengthen these waits.
        session: a ``requests.Session`` to use instead of a new one, for example a cached
            session from :func:`trialfinder.cached_session`.
        on_wait: called with a :class:`~trialfinder.http.failures.RetryWait` before each
            wait between attempts, and with None once the request so retried has succeeded or
            failed for good (so a display can clear its line). Never called for a request that
            needs no retry.

    Attributes:
        requests_sent: requests that went over the network (retries included, cache hits not).
        cache_hits: answers served from a response cache.

    Raises:
        InvalidQuery: the API URL is malformed; ``timeout`` is not two finite numbers of
            seconds, each 0.1 or more; a wait is NaN, infinite or not a number.
        ConfigError: a wait's environment variable is not a number of seconds.
    """

    def __init__(
        self,
        api_url: str | None = None,
        *,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        min_interval: float | None = None,
        max_retry_after: float | None = None,
        backoff: float | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[RetryWait | None], None] | None = None,
    ) -> None:
        self.api_url = resolve_api_url(api_url)
        self.timeout = _timeout(timeout)
        self.max_attempts = max(1, max_attempts)
        url = self.api_url
        self.min_interval = _wait_setting(
            min_interval, MIN_INTERVAL_ENV, DEFAULT_MIN_INTERVAL, url, name="min_interval"
        )
        self.max_retry_after = _wait_setting(
            max_retry_after,
            MAX_RETRY_AFTER_ENV,
            MAX_RETRY_AFTER,
            url,
            ceiling=3600.0,
            name="max_retry_after",
        )
        self.backoff = _wait_setting(
            backoff, BACKOFF_ENV, DEFAULT_BACKOFF, url, ceiling=30.0, name="backoff"
        )
        self.requests_sent = 0
        self.cache_hits = 0
        self._sleep = sleep
        self._on_wait = on_wait
        self._last_request: float | None = None
        self._session = session or requests.Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        for prefix, adapter in list(self._session.adapters.items()):
            if not isinstance(adapter, _CountingAdapter):
                self._session.mount(prefix, _CountingAdapter(adapter, self._before_send))

    def close(self) -> None:
        """Close the underlying HTTP session."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- public calls -------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path`` under the API URL and return the decoded JSON, retrying as configured.

        Raises:
            TrialFinderError: a subclass for each kind of failure (see :mod:`trialfinder.errors`).
        """
        return self._with_retries(self._get_once, path, dict(params or {}))

    def get_study(self, nct_id: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The raw v2 document of one study.

        Raises:
            InvalidQuery: the ID is malformed (nothing is sent).
            StudyNotFound: no study has this ID.
        """
        nct_id = normalize_nct_id(nct_id)
        try:
            document = self.get_json(f"/studies/{nct_id}", params)
        except ApiStatusError as exc:
            if exc.status_code != 404:
                raise
            raise StudyNotFound(
                f"No study with ID {nct_id} was found on ClinicalTrials.gov; check the ID.",
                status_code=exc.status_code,
                url=exc.url,
                body=exc.body,
            ) from None
        if not isinstance(document, dict):
            raise InvalidResponse(f"The API's answer for {nct_id} is not a study record.")
        return document

    def get_version(self) -> dict[str, Any]:
        """The API's ``/version``: ``apiVersion`` and ``dataTimestamp`` (last data refresh).

        Raises:
            InvalidResponse: the answer is not a JSON object.
        """
        document = self.get_json("/version")
        if not isinstance(document, dict):
            raise InvalidResponse("The API's /version answer is not an object.")
        return document

    def iter_pages(self, params: Mapping[str, str]) -> Iterator[StudyPage]:
        """Yield the pages of ``GET /studies``, read, following ``nextPageToken``.

        Every page repeats ``params`` exactly, adding only ``pageToken``. Stops at a page
        without a token, at an empty page (the API may give a token for an empty last page),
        and at a token seen before. Each page's body is read straight into records
        (:func:`trialfinder.models.reading.read_page_json`).

        Raises:
            InvalidResponse: an answer is not a page of studies.
        """
        token: str | None = None
        seen_tokens: set[str] = set()
        while True:
            page_params = dict(params)
            if token is not None:
                page_params["pageToken"] = token
            page: StudyPage = self._with_retries(self._get_page_once, "/studies", page_params)
            next_token, empty = page.next_page_token, not page.records
            yield page
            del page  # let the page go before the next one arrives: one page in memory at a time
            if empty or next_token is None or next_token in seen_tokens:
                return
            seen_tokens.add(next_token)
            token = next_token

    # -- one attempt ---------------------------------------------------------------------

    def _before_send(self) -> None:
        self._pace()
        self.requests_sent += 1

    def _pace(self) -> None:
        if self._last_request is not None:
            remaining = self._last_request + self.min_interval - time.monotonic()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request = time.monotonic()

    def _with_retries(self, attempt: Callable[..., Any], *args: Any) -> Any:
        waited = False

        def announce(state: RetryCallState) -> None:
            nonlocal waited
            if self._on_wait is None or state.next_action is None:
                return
            waited = True
            exc = state.outcome.exception() if state.outcome else None
            self._on_wait(
                RetryWait(
                    wait_reason(exc),
                    state.next_action.sleep,
                    state.attempt_number + 1,
                    self.max_attempts,
                )
            )

        retrying = Retrying(
            retry=retry_if_exception(retryable),
            stop=self._stop,
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=announce,
            reraise=True,
        )
        try:
            return retrying(attempt, *args)
        finally:
            if waited and self._on_wait is not None:
                self._on_wait(None)

    def _get_once(self, path: str, params: dict[str, str]) -> Any:
        return self._decode(self._answer(path, params))

    def _get_page_once(self, path: str, params: dict[str, str]) -> StudyPage:
        from trialfinder.models.reading import read_page_json

        return read_page_json(self._answer(path, params).content)

    def _decode(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise InvalidResponse(
                f"The API at {urlsplit(self.api_url).netloc} sent an answer that is not valid "
                f"JSON ({len(response.content)} bytes, possibly cut short); try again later."
            ) from None

    def _answer(self, path: str, params: dict[str, str]) -> requests.Response:
        url = self.api_url + path
        host = urlsplit(self.api_url).netloc
        try:
            response = self._session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            if log.isEnabledFor(logging.DEBUG):
                full = requests.Request("GET", url, params=params).prepare().url
                log.debug("GET %s -> %s", full, type(exc).__name__)
            raise_for(exc, host, self.timeout[1])
        log.debug("GET %s -> HTTP %s", response.url, response.status_code)
        if getattr(response, "from_cache", False):
            self.cache_hits += 1
        if response.status_code >= 400:
            raise status_error(response)
        if looks_like_html(response):
            raise UnexpectedHtml(
                f"The API at {host} sent a web page instead of data; "
                "it may be busy or under maintenance, try again later."
            )
        return response

    # -- retry policy ---------------------------------------------------------------------

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.max_attempts:
            return True
        exc = state.outcome.exception() if state.outcome else None
        # A 500 is often the API's answer to a request it will never accept: try it twice only.
        return isinstance(exc, ServerError) and exc.status_code == 500 and state.attempt_number >= 2

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, ApiStatusError) else None
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        exponential = self.backoff * float(2 ** (state.attempt_number - 1))
        return min(exponential + random.uniform(0, self.backoff), 30.0)


__all__ = ["Client", "TrialFinderError", "resolve_api_url"]
