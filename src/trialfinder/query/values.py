"""Checks of single values a person or program gives: search words, limit, flags, API URL."""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping

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


def wrong_type(argument: str, takes: str, value: object) -> InvalidQuery:
    """The error for a value of the wrong type: ``{argument} takes …, not int.``

    Args:
        argument: the library argument, written ``{name}`` in the message (see
            :data:`trialfinder.errors.ARGUMENTS`).
        takes: what the argument takes, in words.
        value: the value given; only its type is shown.
    """
    return InvalidQuery(f"{{{argument}}} takes {takes}, not {type(value).__name__}.")


#: What an argument that takes several texts takes, in words.
TEXTS = "text or a list of texts"


def as_texts(raw: object, argument: str) -> tuple[str, ...] | None:
    """An argument that takes one text or several, read once into a tuple.

    An iterator is used up here, once: later checks read the tuple. None stays None (not
    given); one text becomes a tuple of one.

    Raises:
        InvalidQuery: bytes, a number, a mapping or anything else that is neither text nor
            an iterable of texts, or an item that is not text; the message names ``argument``.
    """
    if raw is None:
        return None
    if isinstance(raw, str):
        return (raw,)
    # Bytes iterate as numbers and a mapping as its keys: neither is a list of texts.
    if isinstance(raw, (bytes, bytearray, memoryview, Mapping)) or not isinstance(raw, Iterable):
        raise wrong_type(argument, TEXTS, raw)
    items = tuple(raw)
    for item in items:
        if not isinstance(item, str):
            raise InvalidQuery(
                f"{{{argument}}} takes {TEXTS}; one item is {type(item).__name__}, not text."
            )
    return items


def check_values(raw: object, what: str, argument: str) -> tuple[str, ...]:
    """Search values given as one text or several: each checked by :func:`check_value`.

    Raises:
        InvalidQuery: not text or texts (see :func:`as_texts`), too many, or one unusable.
    """
    items = as_texts(raw, argument) or ()
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
        raise wrong_type("limit", "a whole number like 20, or None for every study", limit)
    if limit < 1:
        raise InvalidQuery(f"The limit must be at least 1 (got {limit}).")
    return limit


def check_api_url(url: object) -> str:
    """Validate an API base URL and return it without a trailing slash.

    Raises:
        InvalidQuery: not an http(s) URL with a host, or with an impossible port.
    """
    hint = f"use an http(s) URL such as {DEFAULT_API_URL}"
    if not isinstance(url, str):
        raise wrong_type("api_url", f"an http(s) URL such as {DEFAULT_API_URL}", url)
    if not url.strip():
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


def check_seconds(
    value: object, what: str, *, least: float = 0.0, most: float | None = None
) -> float:
    """A number of seconds from ``least`` up to ``most`` (both included): never NaN or infinity.

    Args:
        value: the number given.
        what: the argument, as the message names it (``{timeout}``, ``ttl``).
        least: the smallest number taken.
        most: the largest number taken; None for no bound but infinity.

    Raises:
        InvalidQuery: not a finite number in the range; the message names ``what``.
    """
    up = f"up to {_number_text(most)}" if most is not None else "up"
    seconds = float(value) if isinstance(value, numbers.Real) else math.nan
    if (
        isinstance(value, bool)
        or not math.isfinite(seconds)
        or seconds < least
        or (most is not None and seconds > most)
    ):
        raise InvalidQuery(
            f"{what} takes a number of seconds from {_number_text(least)} {up}, not {value!r}."
        )
    return seconds


def _number_text(number: float) -> str:
    # 31622400, not 3.16224e+07; 0.1 as 0.1.
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def check_flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidQuery(f"{what} takes True or False, not {value!r}.")
    return value
