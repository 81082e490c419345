"""Tests for trialfinder.query.build: a search built and checked, its parameters; no HTTP."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from trialfinder.api import iter_studies, search
from trialfinder.errors import InvalidQuery
from trialfinder.query.build import SearchQuery, build_query, combine_all
from trialfinder.query.values import MAX_VALUE_LENGTH

#: The default status filter ("open"): sent with every search unless --status all.
OPEN = "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"condition": "ALL", "intervention": "blinatumomab"},
            {
                "query.cond": (
                    '"acute lymphoblastic leukemia" OR "acute lymphocytic leukemia" OR "B-ALL" '
                    'OR "T-ALL" OR "Ph+ ALL" OR "pre-B ALL"'
                ),
                "query.intr": "blinatumomab",
                "filter.overallStatus": OPEN,
                "sort": "@relevance",
                "pageSize": "20",
                "countTotal": "true",
            },
        ),
        (
            {"condition": "multiple myeloma", "intervention": ["radiation", "pembrolizumab"]},
            {
                "query.cond": "multiple myeloma",
                "query.intr": "radiation AND pembrolizumab",
                "filter.overallStatus": OPEN,
                "sort": "@relevance",
                "pageSize": "20",
                "countTotal": "true",
            },
        ),
        (
            {"condition": "non-small cell lung cancer", "intervention": "alectinib", "limit": 50},
            {
                "query.cond": "non-small cell lung cancer",
                "query.intr": "alectinib",
                "filter.overallStatus": OPEN,
                "sort": "@relevance",
                "pageSize": "50",
                "countTotal": "true",
            },
        ),
        (
            {"condition": ["multiple myeloma", "kidney failure"], "limit": 5000},
            {
                "query.cond": "(multiple myeloma) AND (kidney failure)",
                "filter.overallStatus": OPEN,
                "sort": "@relevance",
                "pageSize": "1000",
                "countTotal": "true",
            },
        ),
        (
            {"term": "EGFR", "limit": None},
            {
                "query.term": "EGFR",
                "filter.overallStatus": OPEN,
                "sort": "@relevance",
                "pageSize": "1000",
                "countTotal": "true",
            },
        ),
    ],
)
def test_params_for_seed_queries(kwargs: dict[str, object], expected: dict[str, str]) -> None:
    """It produces exactly the parameters the API needs for each seed query."""
    assert SearchQuery.build(**kwargs).to_params() == expected  # type: ignore[arg-type]


def test_one_value_is_sent_as_typed() -> None:
    """It leaves a single value alone, so the API's own syntax still works."""
    assert combine_all(("pembrolizumab OR nivolumab",)) == "pembrolizumab OR nivolumab"


def test_several_values_all_required_and_grouped() -> None:
    """It joins several values with AND, keeping a multi-word value together."""
    assert combine_all(("radiation", "PD-1 inhibitor")) == "radiation AND (PD-1 inhibitor)"


def test_values_are_stripped() -> None:
    """It trims surrounding spaces from what people type."""
    assert SearchQuery.build(condition="  myeloma ").conditions == ("myeloma",)


def test_page_size_never_above_api_cap() -> None:
    """It asks for at most 1000 studies a page, the API's cap, and no more than the limit."""
    assert SearchQuery.build(condition="x", limit=7).page_size == 7
    assert SearchQuery.build(condition="x", limit=2500).page_size == 1000
    assert SearchQuery.build(condition="x", limit=None).page_size == 1000


def test_nothing_to_search_for() -> None:
    """It refuses a search with no condition, intervention or term."""
    with pytest.raises(InvalidQuery, match="Nothing to search for"):
        SearchQuery.build()


def test_too_long_value() -> None:
    """It refuses a value longer than the sane maximum."""
    with pytest.raises(InvalidQuery, match="characters long"):
        SearchQuery.build(condition="a" * (MAX_VALUE_LENGTH + 1))


def test_invalid_query_is_a_value_error() -> None:
    """It lets callers catch bad input as ValueError too."""
    with pytest.raises(ValueError):
        SearchQuery.build(condition="   ")


def test_filter_summary_in_plain_words() -> None:
    """It describes the filters for people, not as API parameters."""
    query = SearchQuery.build(
        condition="x", status="recruiting", phase="1/2,3", sex="female", age=67,
        study_type="interventional", healthy_volunteers=True, country="United States",
    )  # fmt: skip
    assert query.filter_summary() == [
        "status: recruiting",
        "phase: 1/2, 3",
        "study type: interventional",
        "open to: female",
        "age: 67 years, overlapping the registered range",
        "healthy volunteers: accepted",
        "site in: United States",
    ]
    assert SearchQuery.build(condition="x", status="all").filter_summary() == ["status: any"]


def test_loosened_queries_drop_one_filter_each() -> None:
    """It offers one looser query per active filter group, status first."""
    query = SearchQuery.build(condition="myeloma", phase="2", country="Canada")
    loosened = query.loosened()
    assert [(d, a) for d, a, _ in loosened] == [
        (
            "the status filter (recruiting, not yet recruiting, enrolling by invitation)",
            ("status",),
        ),
        ("the location filter", ("country",)),
        ("the phase/type/sex/age filters", ("phase",)),
    ]
    assert "filter.overallStatus" not in loosened[0][2].to_params()
    assert "query.locn" not in loosened[1][2].to_params()
    assert "filter.advanced" not in loosened[2][2].to_params()
    assert SearchQuery.build(condition="x", status="all").loosened() == []


def test_comma_form_and_repeats_agree() -> None:
    """`--phase 2 --phase 3` and `--phase 2,3` are one search."""
    repeated = build_query("x", phase=["2", "3"], status=["completed", "terminated"])
    commas = build_query("x", phase="2,3", status="completed,terminated")
    assert repeated.to_params() == commas.to_params()


# -- the library's arguments: no value dropped in silence (the options: cli/test_options.py) --

#: Arguments that take several values: (values, parameter, merged value sent).
LIB_MERGED: dict[str, tuple[list[Any], str, str]] = {
    "condition": (["asthma", "obesity"], "query.cond", "asthma AND obesity"),
    "intervention": (["radiation", "surgery"], "query.intr", "radiation AND surgery"),
    "term": (["pain", "sleep"], "query.term", "pain AND sleep"),
    "status": (["completed", "recruiting"], "filter.overallStatus", "RECRUITING,COMPLETED"),
    "phase": (["2", "3"], "filter.advanced", "AREA[Phase](PHASE2 OR PHASE3)"),
    "study_type": (
        ["interventional", "observational"],
        "filter.advanced",
        "AREA[StudyType](INTERVENTIONAL OR OBSERVATIONAL)",
    ),
    "country": (["Canada", "Peru"], "query.locn", '("Canada" OR "Peru")'),
    "state": (["Ohio", "Texas"], "query.locn", '("Ohio" OR "Texas")'),
    "city": (["Boston", "Houston"], "query.locn", '("Boston" OR "Houston")'),
}


#: Arguments that take one value: two values are refused with a message naming it.
LIB_ONE: dict[str, tuple[list[Any], str]] = {
    "limit": ([10, 20], "limit"),
    "sex": (["female", "male"], "sex"),
    "age": ([30, 40], "age"),
    "near": (["55905", "10001"], "near"),
    "radius": ([10, 20], "radius"),
    "sort": (["updated", "start"], "sort"),
    "expand": ([True, False], "expand"),
    "healthy_volunteers": ([True, False], "healthy_volunteers"),
}


#: Arguments that are not search values, and why.
LIB_OTHER = {
    "api_url": "where the API is, checked by the client",
    "client": "an object, not a value",
    "explain_empty": "whether to spend requests explaining an empty result",
    "fields": "a list of piece names by nature, checked by fields_param",
}


@pytest.mark.parametrize("function", [search, iter_studies])
def test_every_library_argument_is_classified(function: Any) -> None:
    """Each argument of search() (and iter_studies' filters) is in exactly one table."""
    names = set(inspect.signature(function).parameters) - {"filters"}
    if function is iter_studies:
        from trialfinder.filterspec import FILTER_NAMES

        names |= set(FILTER_NAMES)
    tables = [set(LIB_MERGED), set(LIB_ONE), set(LIB_OTHER)]
    for name in names:
        assert sum(name in t for t in tables) == 1, f"classify the argument {name!r}"


@pytest.mark.parametrize("name", sorted(LIB_MERGED))
def test_library_merges_several_values(name: str) -> None:
    """A list reaches the API whole."""
    values, key, merged = LIB_MERGED[name]
    kwargs: dict[str, Any] = {"condition": "asthma", "expand": False, name: values}
    assert merged in build_query(**kwargs).to_params()[key]


@pytest.mark.parametrize("name", sorted(LIB_ONE))
def test_library_refuses_two_values_for_one(name: str) -> None:
    """Two values where one is taken are refused, the message naming the argument."""
    values, named = LIB_ONE[name]
    kwargs: dict[str, Any] = {"condition": "asthma", name: values}
    with pytest.raises(InvalidQuery, match=named):
        build_query(**kwargs)


@pytest.mark.parametrize("name", sorted(LIB_MERGED))
def test_iterators_are_read_once(name: str) -> None:
    """An iterator of values counts as the list it yields, even when `near` names a place
    (which checks the values twice): none is used up by the first check."""
    values, key, merged = LIB_MERGED[name]
    base: dict[str, Any] = {"condition": "asthma", "expand": False, "near": "55905"}
    from_list = build_query(**{**base, name: values}).to_params()
    from_iterator = build_query(**{**base, name: iter(values)}).to_params()
    assert merged in from_iterator[key]
    assert from_iterator == from_list


#: Values of the wrong type for each argument; each is refused by naming the argument.
WRONG_TYPES: dict[str, list[Any]] = {
    **{name: [5, b"asthma", [5], {"asthma": 1}, 2.5] for name in LIB_MERGED},
    "limit": ["20", 2.0, True],
    "sex": [1, b"female", ["female"]],
    "sort": [1, b"updated", ["updated"]],
    "age": [6.5, [30], b"30", True],
    "near": [5, (True, False), b"55905", [1.0, 2.0, 3.0], (), {"lat": 1}, (1.0, b"2")],
    "radius": [[10], b"10", True],
    "expand": ["no", 0, None],
    "healthy_volunteers": ["yes", 1, None],
}


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in WRONG_TYPES.items() for value in values]
)
def test_a_wrong_type_is_refused_naming_the_argument(name: str, value: Any) -> None:
    """A value of the wrong type is an InvalidQuery saying what the argument takes, for
    every argument alike: never a bare TypeError, never read as something else (bytes as
    numbers, True as a latitude)."""
    kwargs: dict[str, Any] = {"condition": "asthma", name: value}
    if name == "radius":
        kwargs["near"] = (44.0, -92.5)
    with pytest.raises(InvalidQuery) as caught:
        build_query(**kwargs)
    message = str(caught.value)
    assert message.startswith((f"{name}= takes ", f"{name} takes ")), message
    assert "\n" not in message


def test_every_argument_has_wrong_types_tried() -> None:
    """The table above covers every search value: a new filter needs its wrong types."""
    assert set(WRONG_TYPES) == set(LIB_MERGED) | set(LIB_ONE)
