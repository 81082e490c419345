"""What a saved search holds: the search's keyword arguments, checked when saved and when run.

A saved search is kept as JSON, so its values come back as text, numbers, true/false, null
and lists. :class:`SearchArguments` says which keys it may hold and the type of each;
:func:`check_search` makes a search storable when it is added, and :func:`check_saved` refuses,
in one line and before anything is fetched, a stored search this version cannot run (written
by another version of trialfinder, or edited by hand).
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from trialfinder.defaults import DEFAULT_LIMIT
from trialfinder.errors import InvalidQuery, InvalidWatch
from trialfinder.filterspec import FILTER_NAMES, SEARCH_WORDS, SearchFilters
from trialfinder.ids import visible
from trialfinder.watch.states import SavedSearch


class SearchArguments(SearchFilters, total=False):
    """The keyword arguments of :func:`trialfinder.search` a saved search keeps: every filter,
    and the words searched and the limit (``condition``, ``intervention``, ``term``, ``limit``).
    """

    condition: str | Iterable[str] | None
    intervention: str | Iterable[str] | None
    term: str | Iterable[str] | None
    limit: int | None


#: The options a saved search may hold.
KNOWN = (*SEARCH_WORDS, *FILTER_NAMES)


@cache
def argument_types() -> dict[str, Any]:
    """Each option a saved search may hold, and its type (from :class:`SearchArguments`)."""
    return get_type_hints(SearchArguments)


def fits(value: object, hint: object) -> bool:
    """Whether a JSON value is one the type ``hint`` takes (a list stands for any iterable)."""
    if hint is type(None):
        return value is None
    if hint in (bool, str):
        return isinstance(value, hint)
    if hint in (int, float):
        # JSON true is not a number here; an int is a float, as in type hints.
        number = int if hint is int else (int, float)
        return isinstance(value, number) and not isinstance(value, bool)
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if not isinstance(value, list):
        return False
    if origin is tuple:
        return len(value) == len(args) and all(map(fits, value, args))
    return origin in (list, Iterable) and all(fits(item, args[0]) for item in value)


_WORDS: dict[object, str] = {str: "text", int: "a whole number", float: "a number"}


def shape(hint: object, *, python: bool = False) -> str:
    """What the type ``hint`` takes, in words: ``text, a list of texts or null``.

    Args:
        python: in Python's words (``None``, ``True or False``) rather than JSON's.

    Raises:
        TypeError: a hint :func:`fits` cannot check (a new filter's type needs a case there).
    """
    if hint is type(None):
        return "None" if python else "null"
    if hint is bool:
        return "True or False" if python else "true or false"
    if hint in _WORDS:
        return _WORDS[hint]
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        parts = [shape(arg, python=python) for arg in args]
        return ", ".join(parts[:-1]) + " or " + parts[-1]
    if origin is tuple and args and Ellipsis not in args and len(set(args)) == 1:
        return f"a list of {len(args)} {shape(args[0]).removeprefix('a ')}s"
    if origin in (list, Iterable) and len(args) == 1 and args[0] in _WORDS:
        return f"a list of {shape(args[0]).removeprefix('a ')}s"
    raise TypeError(f"a saved search cannot store a value of type {hint!r}")


def _shown(value: object) -> str:
    """A value as the database holds it, on one line and cut short."""
    return _printable(json.dumps(value, ensure_ascii=False))


def _printable(text: str) -> str:
    # Braces would read as {argument} marks in a message.
    return visible(text.replace("{", "?").replace("}", "?"))


def _listed(value: object) -> object:
    """An iterable given for a list (a tuple, a set, a generator) as a list, read once."""
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
        return list(value)
    return value


def _wrong_type(search: Mapping[str, object]) -> tuple[str, object] | None:
    """The first option whose value is not of its type, and that value."""
    wanted = argument_types()
    return next(((k, v) for k, v in search.items() if not fits(v, wanted[k])), None)


def check_search(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Validate search keyword arguments and return them as storable JSON data.

    Repeated values are stored as lists (any iterable is read once), each word once.

    Raises:
        InvalidQuery: a value is unusable (as :func:`trialfinder.search` says), or of a type
            that cannot be stored, or nothing is searched for.
        InvalidWatch: an option this version of trialfinder does not know.
    """
    from trialfinder.query.build import build_query  # resolves --near places offline, like search

    listed: dict[str, Any] = {k: _listed(v) for k, v in kwargs.items()}
    given = {k: v for k, v in listed.items() if k == "limit" or v not in (None, [])}
    unknown = sorted(set(given) - set(KNOWN))
    if unknown:
        raise InvalidWatch(
            f"unknown search option(s) {', '.join(unknown)}: use {', '.join(sorted(KNOWN))}."
        )
    base = {"condition": None, "intervention": None, "term": None, "limit": DEFAULT_LIMIT}
    query = build_query(**{**base, **given})
    # What the search takes but JSON cannot store, such as near=(Fraction(44), Fraction(-92)).
    wrong = _wrong_type(given)
    if wrong is not None:
        key, value = wrong
        wanted = shape(argument_types()[key], python=True)
        raise InvalidQuery(f"{key} must be {wanted} to be saved, not {_printable(repr(value))}.")
    normalized = {
        "condition": list(query.conditions),
        "intervention": list(query.interventions),
        "term": list(query.terms),
    }
    data: dict[str, Any] = {}
    for key, value in given.items():
        if key in normalized:
            data[key] = normalized[key]
        elif key == "limit":
            data[key] = query.limit
        else:  # options added later are stored as given, as lists when repeated
            data[key] = value
    data.setdefault("limit", query.limit)
    return data


def check_saved(saved: SavedSearch) -> None:
    """Refuse a saved search this version of trialfinder cannot run, naming what is wrong.

    Raises:
        InvalidWatch: an option this version does not know, a value of the wrong type, or a
            value the search refuses.
    """
    from trialfinder.query.build import build_query

    again = "upgrade it, or add the search again ({replace})."
    unknown = sorted(set(saved.search) - set(KNOWN))
    if unknown:
        raise InvalidWatch(
            f"the saved search '{saved.name}' uses options this version of trialfinder does "
            f"not know ({', '.join(map(_printable, unknown))}): {again}"
        )
    wrong = _wrong_type(saved.search)
    if wrong is not None:
        key, value = wrong
        raise InvalidWatch(
            f"the saved search '{saved.name}' has {key} {_shown(value)}, which this version of "
            f"trialfinder cannot use ({key} takes {shape(argument_types()[key])}): {again}"
        )
    try:
        build_query(**saved.search)
    except InvalidQuery as exc:
        # args[0]: the message with its {argument} marks, for the front end to name them.
        raise InvalidWatch(
            f"the saved search '{saved.name}' cannot run: {exc.args[0]} Add the search again "
            "({replace})."
        ) from None
