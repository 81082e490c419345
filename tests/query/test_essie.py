"""Tests for trialfinder.query.essie: the filters in the API's terms (filter.geo)."""

from __future__ import annotations

import re

import pytest

from trialfinder.query.essie import GEO_PATTERN, geo_param


@pytest.mark.parametrize(
    ("lat", "lon", "miles", "expected"),
    [
        (44.02163, -92.4699, 50.0, "distance(44.02163,-92.4699,50mi)"),
        (-33.8688, 151.2093, 12.5, "distance(-33.8688,151.2093,12.5mi)"),
        (0.0, -0.0, 1.0, "distance(0,0,1mi)"),
        (1e-7, 5.0, 49.709695, "distance(0,5,49.709695mi)"),
    ],
)
def test_geo_param_matches_spec(lat: float, lon: float, miles: float, expected: str) -> None:
    """It writes filter.geo as plain decimals that the spec's pattern accepts."""
    value = geo_param(lat, lon, miles)
    assert value == expected
    assert GEO_PATTERN.match(value)
    assert not re.search(r"[eE+ ]", value[len("distance(") :])
