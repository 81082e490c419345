"""Tests for trialfinder.query.website: the same search as a link to the website."""

from __future__ import annotations

from typing import Any

import pytest

from trialfinder.query.build import SearchQuery, build_query

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
