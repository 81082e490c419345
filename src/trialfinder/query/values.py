"""Checks of single values a person or program gives: search words, limit, flags, API URL."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from trialfinder.defaults import DEFAULT_API_URL
from trialfinder.errors import InvalidQuery
from trialfinder.ids import visible as _visible

#: Longer search values are almost certainly a paste accident; the API's URLs have limits too.
MAX_VALUE_LENGTH = 300
MAX_VALUES = 10


def check_value(value: object, what: str) -> str:
    """Validate one search value typed by a person and return it stripped.

    Raises:
        InvalidQuery: empty, whitespace only, control characters, or too long.
    """
    if not isinstance(value, str):
        raise InvalidQuery(f"The {what} must be text, not {type(value).__name__}.")
    stripped = value.strip()
    if not stripped:
        raise InvalidQuery(f"The {what} is empty: give a word to search for, or leave it out.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d" for ch in stripped):
        raise InvalidQuery(
            f"The {what} '{_visible(stripped)}' contains control characters: "
            "type it again as plain text."
        )
    if len(stripped) > MAX_VALUE_LENGTH:
        raise InvalidQuery(
            f"The {what} is {len(stripped)} characters long; keep it under "
            f"{MAX_VALUE_LENGTH} characters (a few key words work best)."
        )
    return stripped


def check_values(raw: str | Iterable[str] | None, what: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else list(raw)
    if len(items) > MAX_VALUES:
        raise InvalidQuery(f"Give at most {MAX_VALUES} values for the {what}.")
    return tuple(check_value(item, what) for item in items)


def check_limit(limit: object) -> int | None:
    """Validate a result limit: a positive whole number, or None for every study.

    Raises:
        InvalidQuery: zero, negative, or not a whole number.
    """
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidQuery(f"The limit must be a whole number like 20, not {limit!r}.")
    if limit < 1:
        raise InvalidQuery(f"The limit must be at least 1 (got {limit}).")
    return limit


def check_api_url(url: object) -> str:
    """Validate an API base URL and return it without a trailing slash.

    Raises:
        InvalidQuery: not an http(s) URL with a host, or with an impossible port.
    """
    hint = f"use an http(s) URL such as {DEFAULT_API_URL}"
    if not isinstance(url, str) or not url.strip():
        raise InvalidQuery(f"The API URL is empty: {hint}.")
    url = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InvalidQuery(
            f"The API URL '{_visible(url)}' contains spaces or control characters: {hint}."
        )
    try:
        from urllib.parse import urlsplit  # imported here: --help does not need it

        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidQuery(f"The API URL '{_visible(url)}' is malformed: {hint}.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidQuery(f"The API URL '{_visible(url)}' is not usable: {hint}.")
    if port == 0:
        raise InvalidQuery(
            f"The API URL '{_visible(url)}' has port 0, which cannot be reached: {hint}."
        )
    if parts.query or parts.fragment:
        raise InvalidQuery(
            f"The API URL '{_visible(url)}' must not carry ?query or #fragment: {hint}."
        )
    return url.rstrip("/")


def check_flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidQuery(f"{what} must be True or False, not {value!r}.")
    return value
