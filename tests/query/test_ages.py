"""Tests for trialfinder.query.ages: an age and its unit, read or refused."""

from __future__ import annotations

import pytest

from trialfinder.query.ages import Age, check_age


@pytest.mark.parametrize(
    ("typed", "age"),
    [
        (0, Age(0, "years")),
        ("0", Age(0, "years")),
        (67, Age(67, "years")),
        ("67", Age(67, "years")),
        ("2y", Age(2, "years")),
        (" 2 years ", Age(2, "years")),
        ("20m", Age(20, "months")),
        ("20 months", Age(20, "months")),
        ("6w", Age(6, "weeks")),
        ("10d", Age(10, "days")),
        ("10 D", Age(10, "days")),
        ("1440m", Age(1440, "months")),
        (None, None),
    ],
)
def test_ages_are_read_with_their_units(typed: object, age: Age | None) -> None:
    """It reads a bare number as years and 20m, 6w, 10d, 2y with their units; 0 is an age."""
    assert check_age(typed) == age


@pytest.mark.parametrize(
    "typed", [-1, "-1", "old", "2.5y", "6x", "6 fortnights", 121, "1441m", True]
)
def test_unusable_ages_are_refused(typed: object) -> None:
    """It refuses negative, fractional, unknown-unit and over-120-year ages, saying the form."""
    from trialfinder.errors import InvalidQuery

    with pytest.raises(InvalidQuery, match=r"whole number of years .* 20m \(months\)"):
        check_age(typed)
