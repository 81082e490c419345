"""Tests for trialfinder.query.values: single values checked (the API URL)."""

from __future__ import annotations

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.query.values import check_api_url, check_seconds


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


@pytest.mark.parametrize("url", [5, b"https://clinicaltrials.gov/api/v2", None, ["http://x/"]])
def test_an_api_url_that_is_not_text_is_refused_as_such(url: object) -> None:
    """It says the API URL must be text, not that it is empty."""
    with pytest.raises(InvalidQuery, match=r"^api_url= takes an http\(s\) URL such as https://"):
        check_api_url(url)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -float("inf"), -0.5, 601, "30", True, None]
)
def test_seconds_are_a_finite_number_in_range(value: object) -> None:
    """NaN (which every comparison lets through), infinity, text or a bool is refused."""
    with pytest.raises(InvalidQuery, match=r"^timeout takes a number of seconds from 0 up to 600"):
        check_seconds(value, "timeout", most=600)


def test_seconds_in_range_are_taken_as_floats() -> None:
    assert [check_seconds(v, "t", least=0.1, most=600) for v in (0.1, 30, 600)] == [
        0.1,
        30.0,
        600.0,
    ]
