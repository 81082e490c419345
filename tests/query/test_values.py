"""Tests for trialfinder.query.values: single values checked (the API URL)."""

from __future__ import annotations

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.query.values import check_api_url


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
