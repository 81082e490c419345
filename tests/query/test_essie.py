"""Tests for trialfinder.query.essie: the filters in the API's terms (filter.geo, ages)."""

from __future__ import annotations

import re

import pytest

from trialfinder.query.build import SearchQuery
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


@pytest.mark.parametrize(
    ("typed", "clause"),
    [
        (
            0,
            "(AREA[MinimumAge]RANGE[MIN, 1 years] OR AREA[MinimumAge]MISSING) AND "
            "(AREA[MaximumAge]RANGE[0 years, MAX] OR AREA[MaximumAge]MISSING)",
        ),
        (
            "20m",
            "(AREA[MinimumAge]RANGE[MIN, 21 months] OR AREA[MinimumAge]MISSING) AND "
            "(AREA[MaximumAge]RANGE[20 months, MAX] OR AREA[MaximumAge]MISSING)",
        ),
        (
            "10d",
            "(AREA[MinimumAge]RANGE[MIN, 11 days] OR AREA[MinimumAge]MISSING) AND "
            "(AREA[MaximumAge]RANGE[10 days, MAX] OR AREA[MaximumAge]MISSING)",
        ),
    ],
)
def test_server_filter_keeps_limits_inside_the_asked_unit(typed: object, clause: str) -> None:
    """It sends age 0 (never dropped as falsy) as the whole first year, and units as typed."""
    params = SearchQuery.build(condition="x", status="all", age=typed).to_params()  # type: ignore[arg-type]
    assert params["filter.advanced"] == clause
