"""Tests for trialfinder.query.filters: filters parsed, checked, and the parameters they make."""

from __future__ import annotations

import pytest

from trialfinder.errors import InvalidQuery
from trialfinder.query import filters
from trialfinder.query.build import SearchQuery
from trialfinder.query.filters import parse_phases, parse_radius, parse_status
from trialfinder.render.words import STATUS_LABELS

OPEN = "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"
AGE_67 = (
    "(AREA[MinimumAge]RANGE[MIN, 68 years] OR AREA[MinimumAge]MISSING) AND "
    "(AREA[MaximumAge]RANGE[67 years, MAX] OR AREA[MaximumAge]MISSING)"
)
BASE = {"query.cond": "myeloma", "sort": "@relevance", "pageSize": "20", "countTotal": "true"}


def params(**kwargs: object) -> dict[str, str]:
    """The parameters of a myeloma search with the given filters."""
    return SearchQuery.build(condition="myeloma", **kwargs).to_params()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "extra"),
    [
        ({}, {"filter.overallStatus": OPEN}),
        ({"status": "open"}, {"filter.overallStatus": OPEN}),
        ({"status": "recruiting"}, {"filter.overallStatus": "RECRUITING"}),
        ({"status": "all"}, {}),
        ({"status": "completed,Terminated"}, {"filter.overallStatus": "COMPLETED,TERMINATED"}),
        ({"status": ["active_not_recruiting"]}, {"filter.overallStatus": "ACTIVE_NOT_RECRUITING"}),
        (
            {"status": "all", "phase": "2"},
            {"filter.advanced": "AREA[Phase]PHASE2"},
        ),
        (
            {"status": "all", "phase": "1,2"},
            {"filter.advanced": "AREA[Phase](PHASE1 OR PHASE2)"},
        ),
        (
            {"status": "all", "phase": "early1, na"},
            {"filter.advanced": "AREA[Phase](EARLY_PHASE1 OR NA)"},
        ),
        (
            {"status": "all", "phase": "1/2"},
            {"filter.advanced": "AREA[Phase](PHASE1 AND PHASE2)"},
        ),
        (
            {"status": "all", "phase": "1/2,3"},
            {"filter.advanced": "AREA[Phase]((PHASE1 AND PHASE2) OR PHASE3)"},
        ),
        (
            {"status": "all", "study_type": "interventional"},
            {"filter.advanced": "AREA[StudyType]INTERVENTIONAL"},
        ),
        (
            {"status": "all", "study_type": "expanded-access"},
            {"filter.advanced": "AREA[StudyType]EXPANDED_ACCESS"},
        ),
        (
            {"status": "all", "sex": "female"},
            {"filter.advanced": 'AREA[Sex]FEMALE OR AREA[Sex]"ALL"'},
        ),
        ({"status": "all", "age": 67}, {"filter.advanced": AGE_67}),
        (
            {"status": "all", "healthy_volunteers": True},
            {"filter.advanced": "AREA[HealthyVolunteers]true"},
        ),
        (
            {"phase": "2,3", "sex": "male", "age": 67},
            {
                "filter.overallStatus": OPEN,
                "filter.advanced": (
                    '(AREA[Phase](PHASE2 OR PHASE3)) AND (AREA[Sex]MALE OR AREA[Sex]"ALL") '
                    f"AND ({AGE_67})"
                ),
            },
        ),
        (
            {
                "status": "recruiting",
                "phase": "3",
                "study_type": "observational",
                "healthy_volunteers": True,
            },
            {
                "filter.overallStatus": "RECRUITING",
                "filter.advanced": (
                    "(AREA[Phase]PHASE3) AND (AREA[StudyType]OBSERVATIONAL) "
                    "AND (AREA[HealthyVolunteers]true)"
                ),
            },
        ),
        ({"status": "all", "country": "United States"}, {"query.locn": '"United States"'}),
        (
            {"status": "all", "city": "Rochester", "state": "Minnesota", "country": "US"},
            {"query.locn": '"Rochester" AND "Minnesota" AND "US"'},
        ),
        (
            {"status": "all", "near": (44.02163, -92.4699)},
            {"filter.geo": "distance(44.02163,-92.4699,50mi)"},
        ),
        (
            {"status": "all", "near": (40.7484, -73.9967), "radius": 25},
            {"filter.geo": "distance(40.7484,-73.9967,25mi)"},
        ),
        ({"status": "all", "sort": "updated"}, {"sort": "LastUpdatePostDate:desc"}),
        ({"status": "all", "sort": "start"}, {"sort": "StartDate:desc"}),
        ({"status": "all", "sort": "relevance"}, {}),
    ],
)
def test_exact_params_for_each_filter(kwargs: dict[str, object], extra: dict[str, str]) -> None:
    """It produces exactly these parameters for each filter and combination."""
    assert params(**kwargs) == {**BASE, **extra}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"phase": "2"},
        {"phase": "1,2,3,4,early1,na,1/2"},
        {"sex": "female", "age": 67},
        {"study_type": "observational", "healthy_volunteers": True},
    ],
)
def test_never_sends_the_traps(kwargs: dict[str, object]) -> None:
    """It never sends filter.phase or aggFilters (one is a 400, the other silently empty)."""
    sent = params(**kwargs)
    assert not {"filter.phase", "aggFilters", "filter.studyType"} & set(sent)
    assert "filter.advanced" in sent


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "recruitng"}, "Unknown status 'recruitng'.*open, recruiting, all.*RECRUITING"),
        ({"status": ""}, r"The status \(status=\) is empty"),
        ({"phase": ""}, r"The phase \(phase=\) is empty: use early1"),
        ({"phase": [" , "]}, r"The phase \(phase=\) is empty: use early1"),
        ({"study_type": "|"}, r"The study type \(study_type=\) is empty: use interventional"),
        ({"phase": "5"}, "Unknown phase '5'.*early1"),
        ({"study_type": "trial"}, "Unknown study type 'trial'.*interventional"),
        ({"sex": "other"}, "Unknown sex 'other'.*female, male"),
        ({"age": -1}, "age must be a whole number"),
        ({"age": 121}, "age must be a whole number"),
        ({"age": 6.5}, "age= takes one age: a whole number of years.*not float"),
        ({"sort": "newest"}, "Unknown sort 'newest'.*relevance, updated, start"),
        ({"near": (91, 0)}, "not on Earth"),
        ({"near": (0, 0), "radius": 0}, "radius must be more than 0"),
        ({"near": (0, 0), "radius": "far"}, "Bad radius 'far'"),
        ({"radius": 10}, r"A radius \(radius=\) needs a place to measure from \(near=\)"),
        ({"country": "  "}, "country is empty"),
    ],
)
def test_bad_filter_values_rejected(kwargs: dict[str, object], message: str) -> None:
    """It rejects a bad filter value before sending, listing what is accepted."""
    with pytest.raises(InvalidQuery, match=message):
        params(**kwargs)


def test_status_values_case_insensitive_and_ordered() -> None:
    """It accepts registry statuses in any case and sends them in the registry's order."""
    assert parse_status("Not_Yet_Recruiting, recruiting") == ("RECRUITING", "NOT_YET_RECRUITING")


def test_phase_spellings() -> None:
    """It reads phases however people write them, without duplicates."""
    assert parse_phases("Phase 2, PHASE2, 2") == ("PHASE2",)
    assert parse_phases(["early_phase1", "NA"]) == ("EARLY_PHASE1", "NA")


def test_radius_units() -> None:
    """It reads a radius in miles by default, or in km."""
    assert parse_radius(None) == 50.0
    assert parse_radius("80km") == pytest.approx(49.71, abs=0.01)
    assert parse_radius("10 mi") == 10.0


def test_status_words_are_the_printed_labels() -> None:
    """The words accepted are the labels trialfinder prints, so a copied status works."""
    assert {s: w.lower() for s, w in STATUS_LABELS.items()} == filters.STATUS_WORDS
    for status, label in STATUS_LABELS.items():
        assert filters.parse_status(label) == (status,)
        assert filters.parse_status(label.upper()) == (status,)


@pytest.mark.parametrize(
    ("typed", "statuses"),
    [
        ("not yet recruiting", ("NOT_YET_RECRUITING",)),
        ("Active, not recruiting", ("ACTIVE_NOT_RECRUITING",)),
        ("active,not recruiting,completed", ("ACTIVE_NOT_RECRUITING", "COMPLETED")),
        ("enrolling by invitation", ("ENROLLING_BY_INVITATION",)),
        ("recruiting, not yet recruiting", ("RECRUITING", "NOT_YET_RECRUITING")),
        (["Active, not recruiting", "completed"], ("ACTIVE_NOT_RECRUITING", "COMPLETED")),
        ("ACTIVE_NOT_RECRUITING|withdrawn", ("ACTIVE_NOT_RECRUITING", "WITHDRAWN")),
    ],
)
def test_status_as_printed(typed: str | list[str], statuses: tuple[str, ...]) -> None:
    """Spaces, any case; a comma inside a known status name is not a separator."""
    assert filters.parse_status(typed) == statuses


@pytest.mark.parametrize("typed", ["active", "not yet", "recruitng", "active, not"])
def test_other_status_words_are_refused_with_the_list(typed: str) -> None:
    """Anything else still stops, listing what is accepted."""
    with pytest.raises(InvalidQuery, match=r"Unknown status .*RECRUITING, NOT_YET_RECRUITING"):
        filters.parse_status(typed)
