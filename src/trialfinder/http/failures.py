"""Which library error a failed request becomes, and which failures are worth another attempt."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import requests

from trialfinder.errors import (
    ApiConnectionError,
    ApiStatusError,
    ApiTimeout,
    BadRequest,
    NetworkError,
    RateLimited,
    ServerError,
    UnexpectedHtml,
)

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_BODY_EXCERPT = 200
#: URLs in messages are cut to this many characters (the query alone can run to 900).
_URL_SHOWN = 80


def short_url(url: str) -> str:
    """A URL for a one-line message: without its query, and cut to a readable length."""
    bare = url.split("?", 1)[0].split("#", 1)[0]
    return bare if len(bare) <= _URL_SHOWN else bare[: _URL_SHOWN - 1] + "…"


@dataclass(frozen=True)
class RetryWait:
    """A wait before the next attempt of a request, for a display that says why.

    Attributes:
        reason: what went wrong, in a few words (``HTTP 503``, ``no answer in time``).
        seconds: how long the wait lasts.
        attempt: the number of the attempt that follows the wait (2 for the first retry).
        attempts: the most attempts that will be made.
    """

    reason: str
    seconds: float
    attempt: int
    attempts: int


def wait_reason(exc: BaseException | None) -> str:
    """What went wrong with an attempt, in a few words, for a :class:`RetryWait`."""
    if isinstance(exc, ApiStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, ApiTimeout):
        return "no answer in time"
    if isinstance(exc, UnexpectedHtml):
        return "a web page instead of data"
    return "connection failed"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 1] + "…"


def looks_like_html(response: requests.Response) -> bool:
    """Whether an answer is a web page (a busy or maintenance page) instead of data."""
    if "html" in response.headers.get("Content-Type", "").lower():
        return True
    return response.content.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def retryable(exc: BaseException) -> bool:
    """Whether a failure is worth another attempt."""
    if isinstance(exc, (NetworkError, UnexpectedHtml)):
        return True
    return isinstance(exc, ApiStatusError) and exc.status_code in _RETRY_STATUSES


def raise_for(exc: requests.RequestException, host: str, read_timeout: float) -> NoReturn:
    """The library's error for a request that got no answer."""
    if isinstance(exc, requests.Timeout):  # checked first: a connect timeout is both
        raise ApiTimeout(
            f"The API at {host} did not answer within {read_timeout:g} seconds; "
            "try again later or allow more time ({timeout})."
        ) from None
    if isinstance(exc, requests.ConnectionError):
        raise ApiConnectionError(
            f"Could not connect to the API at {host}; "
            "check your network or the API URL ({api_url})."
        ) from None
    raise ApiConnectionError(
        f"The connection to the API at {host} failed ({type(exc).__name__}); try again later."
    ) from None


def status_error(response: requests.Response) -> ApiStatusError:
    """The library's error for an answer with an HTTP error status."""
    status = response.status_code
    body = "" if looks_like_html(response) else _excerpt(response.text)
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    kwargs: dict[str, Any] = {
        "status_code": status,
        "url": response.url,
        "body": body,
        "retry_after": retry_after,
    }
    said = f": {body}" if body else ""
    if status == 400:
        return BadRequest(
            f"The API rejected the request{said}. Check the spelling of your search, "
            "and that quotes and parentheses are balanced.",
            **kwargs,
        )
    if status == 404:
        return ApiStatusError(
            f"The API answered 404 Not Found for {short_url(response.url)}; "
            "check the API URL ({api_url}).",
            **kwargs,
        )
    if status == 429:
        return RateLimited(
            "The API is limiting requests (HTTP 429) and kept doing so; "
            "wait a minute and try again.",
            **kwargs,
        )
    if status >= 500:
        return ServerError(f"The API failed with HTTP {status}{said}; try again later.", **kwargs)
    return ApiStatusError(f"The API answered HTTP {status}{said}.", **kwargs)
