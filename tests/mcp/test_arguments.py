"""Tests for trialfinder.mcp.arguments: the tools' search arguments, as the library takes them."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterable
from typing import Any

import pytest

from trialfinder import search
from trialfinder.filterspec import FILTER_DEFAULTS, SearchFilters
from trialfinder.query import filters


def _library_defaults() -> dict[str, Any]:
    """The default of each argument of the library's search, its filters included."""
    own = {name: p.default for name, p in inspect.signature(search).parameters.items()}
    return {**own, **FILTER_DEFAULTS}


def _library_hints() -> dict[str, object]:
    """The type of each argument of the library's search, its filters included."""
    return {**typing.get_type_hints(search), **typing.get_type_hints(SearchFilters)}


def test_search_arguments_default_as_the_library_does() -> None:
    """It gives every search argument the library's own default (None status means open)."""
    from trialfinder.mcp.arguments import search_arguments

    library = _library_defaults()
    for name, parameter in inspect.signature(search_arguments).parameters.items():
        expected = library[name]
        if name == "status":
            assert filters.parse_status(parameter.default) == filters.parse_status(expected)
        else:
            assert parameter.default == expected, name


def test_search_arguments_take_lists_where_the_library_does() -> None:
    """It takes a list exactly for the arguments where the library takes several values."""
    from trialfinder.mcp.arguments import search_arguments

    library = _library_hints()
    ours = inspect.signature(search_arguments, eval_str=True).parameters
    for name, parameter in ours.items():
        several = Iterable[str] in typing.get_args(library[name])
        assert (
            list[str] in typing.get_args(typing.get_args(parameter.annotation)[0])
        ) == several, name


def _scalars(annotation: object) -> set[object]:
    """The JSON-able scalar types of an annotation (a list of strings counts as str)."""
    out: set[object] = set()
    for arg in typing.get_args(annotation) or (annotation,):
        if arg in (str, int, float, bool):
            out.add(arg)
        elif typing.get_args(arg) == (str,):
            out.add(str)
    return out


def test_search_arguments_take_every_type_the_library_takes() -> None:
    """It accepts each kind of value the library's search accepts (an age as text, '20m')."""
    from trialfinder.mcp.arguments import search_arguments

    library = _library_hints()
    for name, annotation in typing.get_type_hints(search_arguments).items():
        if name != "return":
            assert _scalars(library[name]) <= _scalars(annotation), name


#: Values the library refuses for an argument, and one it takes.
LIBRARY_REFUSES: dict[str, tuple[list[Any], Any]] = {
    "expand": (["no", "false", 0, 1, "", None], False),
    "healthy_volunteers": (["yes", "true", 1, 0, None], True),
    "limit": (["20", 20.0, True], 20),
}


@pytest.mark.parametrize("name", sorted(LIBRARY_REFUSES))
def test_tools_refuse_what_the_library_refuses(name: str) -> None:
    """A tool argument takes a value exactly when the library does: JSON "no" or 0 is not
    False (pydantic's lax mode would read it so), "20" is not a limit."""
    from pydantic import TypeAdapter, ValidationError

    from trialfinder.errors import InvalidQuery
    from trialfinder.mcp.arguments import search_arguments
    from trialfinder.query.build import build_query

    annotation = inspect.signature(search_arguments, eval_str=True).parameters[name].annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    refused, taken = LIBRARY_REFUSES[name]
    for value in refused:
        with pytest.raises(InvalidQuery):
            build_query("asthma", **{name: value})
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
    assert adapter.validate_python(taken) == taken
    build_query("asthma", **{name: taken})
