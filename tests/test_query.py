"""Query building and input validation: pure, no HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.ids import normalize_nct_id, study_url
from trialfinder.query.build import (
    SearchQuery,
    build_query,
    combine_all,
)
from trialfinder.query.values import MAX_VALUE_LENGTH, check_api_url

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


SITE = "https://clinicaltrials.gov/search?"
#: Searches → the website URL of the same search, and what the link leaves out. Every
#: aggFilters key here was seen in public links to the website's search (status:rec not,
#: phase:2 3, studyType:int, ages:child, sex:f/m, healthy:y; locStr with country/state/city).
WEBSITE_URLS: list[tuple[dict[str, Any], str, list[str]]] = [
    (
        {"condition": "multiple myeloma", "intervention": ["radiation", "pembrolizumab"]},
        "cond=multiple%20myeloma&intr=radiation%20AND%20pembrolizumab&aggFilters=status:rec%20not",
        ["status enrolling by invitation"],
    ),
    ({"condition": "asthma", "status": "all"}, "cond=asthma", []),
    (
        {"term": "PD-L1 positive", "status": "recruiting,not yet recruiting"},
        "term=PD-L1%20positive&aggFilters=status:rec%20not",
        [],
    ),
    (
        {"intervention": "Keytruda", "status": "active, not recruiting,completed,terminated"},
        "intr=Keytruda%20OR%20pembrolizumab&aggFilters=status:act%20com%20ter",
        [],
    ),
    (
        {
            "condition": "asthma",
            "status": "recruiting",
            "phase": ["early1", "2", "3"],
            "study_type": "interventional",
            "sex": "female",
            "age": 67,
            "healthy_volunteers": True,
            "country": "United States",
            "state": "Minnesota",
            "city": "Rochester",
        },
        "cond=asthma&aggFilters=status:rec,phase:0%202%203,studyType:int,sex:f,ages:older,"
        "healthy:y&locStr=Rochester,%20Minnesota&country=United%20States&state=Minnesota"
        "&city=Rochester",
        ["age 67 years exactly (the link uses the wider group older adult, 65+)"],
    ),
    (
        {"condition": "asthma", "status": "all", "sex": "male", "age": "6w", "country": "Peru"},
        "cond=asthma&aggFilters=sex:m,ages:child&locStr=Peru&country=Peru",
        ["age 6 weeks exactly (the link uses the wider group child, birth to 17)"],
    ),
    (
        {"condition": "asthma", "status": "all", "age": 40},
        "cond=asthma&aggFilters=ages:adult",
        ["age 40 years exactly (the link uses the wider group adult, 18 to 64)"],
    ),
    (
        {
            "condition": "x",
            "status": "withdrawn",
            "phase": ["1/2", "na"],
            "study_type": ["interventional", "observational"],
            "country": ["Canada", "Peru"],
            "near": (44.02, -92.47),
        },
        "cond=x&aggFilters=studyType:int",
        [
            "status withdrawn",
            "phase 1/2",
            "phase not applicable",
            "study type observational",
            "country Canada or Peru (the website takes one)",
            "near 44.02,-92.47 within 50 miles",
        ],
    ),
]


@pytest.mark.parametrize(("kwargs", "url", "left_out"), WEBSITE_URLS)
def test_website_link_is_the_same_search_or_says_what_it_leaves_out(
    kwargs: dict[str, Any], url: str, left_out: list[str]
) -> None:
    """The link carries what the website can take, and names every filter it cannot."""
    assert build_query(**kwargs).website_link() == (SITE + url, left_out)


def test_website_link_carries_the_expanded_words() -> None:
    """The link searches what the API was sent: ALL as its phrases, not the bare word."""
    query = SearchQuery.build(condition="ALL", intervention="CAR-T cell therapy", status="all")
    url = query.website_url()
    from urllib.parse import parse_qs, urlsplit

    sent = parse_qs(urlsplit(url).query)
    assert sent["cond"] == [query.to_params()["query.cond"]]
    assert sent["intr"] == [query.to_params()["query.intr"]]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NCT02013167", "NCT02013167"),
        ("nct02013167", "NCT02013167"),
        (" NCT02013167 ", "NCT02013167"),
        ("nct-02013167", "NCT02013167"),
        ("\u00a0NCT02013167\u00a0", "NCT02013167"),  # pasted from a web page
    ],
)
def test_nct_id_normalized(raw: str, expected: str) -> None:
    """It accepts an NCT ID in any case and returns it canonical."""
    assert normalize_nct_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "NCT123",
        "02013167",
        "NCT020131670",
        "NCTABCDEFGH",
        "",
        "NCT0201316\x1b",
        # Digits of other scripts match \d, but are not an ID: the API would not find them.
        "NCT0201316\uff17",
        "NCT\u0660\u0662\u0660\u0661\u0663\u0661\u0666\u0667",
    ],
)
def test_bad_nct_id_rejected(raw: str) -> None:
    """It rejects anything that is not NCT and 8 digits, naming the right form."""
    with pytest.raises(InvalidQuery, match="NCT followed by 8 digits"):
        normalize_nct_id(raw)


def test_study_url() -> None:
    """It links a study's page."""
    assert study_url("NCT02013167") == "https://clinicaltrials.gov/study/NCT02013167"


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


@pytest.mark.parametrize(
    "url",
    ["https://clinicaltrials.gov/api/v2", "http://127.0.0.1:8080/api/v2/", "http://localhost:1/x"],
)
def test_good_api_urls(url: str) -> None:
    """It accepts http(s) URLs and drops a trailing slash."""
    assert check_api_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "clinicaltrials.gov",
        "ftp://x/api",
        "http://",
        "http://host:99999/",
        "http://host:0/",
        "http://ho st/",
        "https://x/api?x=1",
    ],
)
def test_bad_api_urls(url: str) -> None:
    """It rejects URLs that cannot reach an API, before sending anything."""
    with pytest.raises(InvalidQuery, match="API URL"):
        check_api_url(url)


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
