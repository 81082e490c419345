"""An age as people give it (a whole number of one unit), read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from trialfinder.errors import InvalidQuery
from trialfinder.query.values import wrong_type

MAX_AGE = 120


@dataclass(frozen=True)
class Age:
    """An age as a person gives it: a whole number of one unit (``67`` years, ``20`` months).

    A whole number means the whole unit it names: age 0 years is any age from birth up to the
    first birthday, 20 months any age from 20 up to 21 months. Filters and pre-checks keep
    that width in mind instead of reading the age as one point.

    Attributes:
        value: the whole number, 0 or more.
        unit: ``years``, ``months``, ``weeks`` or ``days``.
    """

    value: int
    unit: str = "years"

    def __str__(self) -> str:
        return f"{self.value} {self.unit[:-1] if self.value == 1 else self.unit}"

    @property
    def start_days(self) -> Fraction:
        """Where this age begins, in days."""
        return self.value * DAYS_PER_UNIT[self.unit]

    @property
    def end_days(self) -> Fraction:
        """Where this age ends (exclusive), in days: the next whole unit."""
        return (self.value + 1) * DAYS_PER_UNIT[self.unit]

    def essie(self, value: int) -> str:
        """``67 years``: a number of this age's unit as the API's age ranges take it."""
        return f"{value} {self.unit}"


#: Days per unit of age: a year of 365.25 days, a month a twelfth of it (exact fractions).
DAYS_PER_UNIT: dict[str, Fraction] = {
    "years": Fraction(1461, 4),
    "months": Fraction(1461, 48),
    "weeks": Fraction(7),
    "days": Fraction(1),
    "hours": Fraction(1, 24),
    "minutes": Fraction(1, 1440),
}
#: What people type after an age → its unit; a bare number is years.
AGE_UNITS = {
    **dict.fromkeys(("", "y", "yr", "yrs", "year", "years"), "years"),
    **dict.fromkeys(("m", "mo", "mos", "month", "months"), "months"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("d", "day", "days"), "days"),
}
_AGE_RE = re.compile(r"^\s*([0-9]+)\s*([a-z]*)\s*$", re.IGNORECASE)
_AGE_RULE = (
    f"a whole number of years from 0 to {MAX_AGE} (67), or with a unit: "
    "20m (months), 6w (weeks), 10d (days), 2y (years)"
)


def check_age(age: object) -> Age | None:
    """Read an age: a whole number of years, or text such as ``67``, ``20m``, ``6w``, ``10d``.

    Args:
        age: None (no age), an int (years), an :class:`Age`, or text; a bare number is years.

    Returns:
        The age, or None when none was given. Zero is an age (a newborn), never "not given".

    Raises:
        InvalidQuery: not a whole number, no known unit, negative, or over 120 years; or
            neither a number nor text.
    """
    if age is None or isinstance(age, Age):
        return age
    if isinstance(age, bool) or not isinstance(age, (int, str)):
        raise wrong_type("age", f"one age: {_AGE_RULE}", age)
    if isinstance(age, int):
        value, unit = age, "years"
    else:
        match = _AGE_RE.match(age)
        unit_word = match.group(2).lower() if match else ""
        if not match or unit_word not in AGE_UNITS:
            shown = str(age)[:20]
            raise InvalidQuery(f"Bad age '{shown}': the age must be {_AGE_RULE}.")
        value, unit = int(match.group(1)), AGE_UNITS[unit_word]
    checked = Age(value, unit)
    if value < 0 or checked.start_days > MAX_AGE * DAYS_PER_UNIT["years"]:
        raise InvalidQuery(f"The age must be {_AGE_RULE}.")
    return checked
