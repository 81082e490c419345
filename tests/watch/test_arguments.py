"""Tests for trialfinder.watch.arguments: what a saved search may hold, when saved and when run."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import get_type_hints

import pytest

from trialfinder.errors import InvalidQuery, InvalidWatch
from trialfinder.filterspec import FILTER_NAMES, SEARCH_WORDS, SearchFilters, Unpack
from trialfinder.watch.arguments import (
    KNOWN,
    SearchArguments,
    argument_types,
    check_saved,
    check_search,
    fits,
    shape,
)
from trialfinder.watch.states import SavedSearch
from trialfinder.watch.watchlist import Watchlist


def test_a_saved_search_holds_the_words_and_every_filter() -> None:
    """It takes its options and their types from the filters, so a new filter is storable."""
    assert set(argument_types()) == set(KNOWN) == {*SEARCH_WORDS, *FILTER_NAMES}
    filters = get_type_hints(SearchFilters)
    assert {k: v for k, v in argument_types().items() if k in FILTER_NAMES} == filters
    assert get_type_hints(Watchlist.add)["search"] == Unpack[SearchArguments]


def test_every_option_type_can_be_checked_and_said() -> None:
    """It has words for every option's type, and refuses to guess at a type it cannot check."""
    said = {key: shape(hint) for key, hint in argument_types().items()}
    assert said["status"] == "text, a list of texts or null"
    assert said["near"] == "text, a list of 2 numbers or null"
    assert said["limit"] == "a whole number or null"
    assert said["expand"] == "true or false"
    assert shape(argument_types()["age"], python=True) == "a whole number, text or None"
    with pytest.raises(TypeError, match="cannot store"):
        shape(dict[str, int])


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("status", "open", True),
        ("status", ["recruiting", "completed"], True),
        ("status", None, True),
        ("status", 5, False),
        ("status", [5], False),
        ("status", {"open": 1}, False),
        ("near", [44.02, -92.47], True),
        ("near", [44, -92], True),
        ("near", [True, False], False),
        ("near", [44.02], False),
        ("radius", 80, True),
        ("radius", "80km", True),
        ("radius", True, False),
        ("limit", 20, True),
        ("limit", None, True),
        ("limit", 20.5, False),
        ("limit", True, False),
        ("age", 0, True),
        ("expand", False, True),
        ("expand", "no", False),
        ("expand", None, False),
    ],
)
def test_fits_takes_json_values_of_the_option_type(key: str, value: object, ok: bool) -> None:
    """It accepts a JSON value only when the option's type takes it (true is not a number)."""
    assert fits(value, argument_types()[key]) is ok


def test_add_stores_any_iterable_as_a_list_read_once(tmp_path: Path) -> None:
    """It reads a generator or a set once and stores a list: JSON could not store them."""
    phases = (p for p in ["3", "2"])
    with Watchlist(tmp_path / "watch.db") as watchlist:
        saved = watchlist.add(
            "gen",
            condition=(c for c in ["ALL"]),
            phase=phases,
            status={"recruiting"},
            near=(44.02, -92.47),
        )
        assert saved.search == {
            "condition": ["ALL"],
            "phase": ["3", "2"],
            "status": ["recruiting"],
            "near": [44.02, -92.47],
            "limit": 20,
        }
        assert watchlist.get("gen").search == saved.search
    assert list(phases) == []


@pytest.mark.parametrize(
    ("search", "message"),
    [
        # Refused by the search itself, in its words.
        ({"phase": 3}, "phase= takes text or a list of texts, not int."),
        ({"status": b"open"}, "status= takes text or a list of texts, not bytes."),
        ({"near": (True, False)}, "near= takes one place"),
        # Taken by the search, but JSON cannot store it.
        (
            {"near": (Fraction(44), Fraction(-92))},
            "near must be text, a list of 2 numbers or None to be saved, not "
            "[Fraction(44, 1), Fraction(-92, 1)].",
        ),
    ],
)
def test_add_refuses_a_value_of_the_wrong_type(
    tmp_path: Path, search: dict[str, object], message: str
) -> None:
    """It refuses, in one line naming the argument, a value of a type it cannot store."""
    with pytest.raises(InvalidQuery) as caught:
        check_search({"condition": "asthma", **search})
    assert str(caught.value).startswith(message)
    with pytest.raises(InvalidQuery):
        Watchlist(tmp_path / "watch.db").add("odd", condition="asthma", **search)
    assert not (tmp_path / "watch.db").exists()


def saved(**search: object) -> SavedSearch:
    return SavedSearch("a", {"condition": ["ALL"], "limit": 20, **search})


def test_check_saved_names_the_options_this_version_does_not_know() -> None:
    """It names every unknown option, the library's call arguments included (and no brace)."""
    with pytest.raises(InvalidWatch) as caught:
        check_saved(saved(bogus=1, client=2, explain_empty=False, **{"{status}": 3}))
    assert str(caught.value) == (
        "the saved search 'a' uses options this version of trialfinder does not know "
        "(bogus, client, explain_empty, ?status?): upgrade it, or add the search again "
        "(replace=)."
    )


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("status", 5, "status 5, which this version of trialfinder cannot use (status takes "
         "text, a list of texts or null)"),
        ("phase", 3, "phase 3,"),
        ("condition", 5, "condition 5,"),
        ("limit", "x", 'limit "x", which this version of trialfinder cannot use (limit takes '
         "a whole number or null)"),
        ("near", [True, False], "near [true, false],"),
        ("expand", "no", 'expand "no", which this version of trialfinder cannot use (expand '
         "takes true or false)"),
        ("radius", {"miles": "{x}"}, 'radius ?"miles": "?x?"?,'),
    ],
)  # fmt: skip
def test_check_saved_names_a_value_of_the_wrong_type(key: str, value: object, said: str) -> None:
    """It names the option and the value stored, and what the option takes, in one line."""
    with pytest.raises(InvalidWatch) as caught:
        check_saved(saved(**{key: value}))
    message = str(caught.value)
    assert message.startswith(f"the saved search 'a' has {said}")
    assert message.endswith(": upgrade it, or add the search again (replace=).")
    assert "\n" not in message


def test_check_saved_names_a_value_the_search_refuses() -> None:
    """It says which saved search cannot run and why, with the argument marks kept."""
    with pytest.raises(InvalidWatch) as caught:
        check_saved(saved(status="bogus"))
    message = caught.value.message_with({"replace": "--replace"})
    assert message.startswith("the saved search 'a' cannot run: Unknown status 'bogus': use ")
    assert message.endswith(" Add the search again (--replace).")


def test_check_saved_takes_what_add_stores(tmp_path: Path) -> None:
    """It passes every search add stored, read back from the database as JSON."""
    searches: list[dict[str, object]] = [
        {"condition": "ALL", "status": "all", "phase": ["2", "3"], "limit": None},
        {"intervention": "pembrolizumab", "near": (44.02, -92.47), "radius": "80km"},
        {"term": "x", "age": "20m", "sex": "female", "healthy_volunteers": True},
        {"condition": "ALL", "country": "Canada", "sort": "updated", "expand": False},
    ]
    with Watchlist(tmp_path / "watch.db") as watchlist:
        for number, search in enumerate(searches):
            watchlist.add(f"s{number}", **search)
        for entry in watchlist.list():
            assert json.loads(json.dumps(entry.search)) == entry.search
            check_saved(entry)
