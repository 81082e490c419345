"""The dataset's tables: their columns, and the rows each study becomes.

:data:`TABLES` is the one list of columns; ``docs/export.md`` is generated from it, and the row
functions here fill the columns in its order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trialfinder.models.records import Study

#: The pieces the tables are made from (``fields=``): each module they read, whole. The
#: results, derived, document and annotation sections, outcomes, references and detailed
#: description feed no column, and are most of the bytes of a whole record.
EXPORT_FIELDS: tuple[str, ...] = (
    "IdentificationModule",
    "StatusModule",
    "SponsorCollaboratorsModule",
    "BriefSummary",
    "ConditionsModule",
    "DesignModule",
    "ArmsInterventionsModule",
    "EligibilityModule",
    "ContactsLocationsModule",
    "HasResults",
)


@dataclass(frozen=True)
class Column:
    """One column of an exported table: its name, Parquet type and meaning."""

    name: str
    type: str
    doc: str


def _date_columns(name: str, what: str) -> list[Column]:
    return [
        Column(name, "string", f"{what}, as registered: `2024`, `2024-05` or `2024-05-17`"),
        Column(
            f"{name}_first_day",
            "date32",
            f"first day of the period `{name}` names (`2024-05` → 2024-05-01)",
        ),
        Column(f"{name}_precision", "string", f"`year`, `month` or `day`: how much `{name}` says"),
    ]


def _age_columns(name: str, what: str) -> list[Column]:
    return [
        Column(name, "string", f"{what}, as registered (`18 Years`, `6 Months`, `28 Days`)"),
        Column(
            f"{name}_years",
            "double",
            f"`{name}` in years (a month is 1/12 year, a week 7 days, a year 365.25 days); "
            "null when there is none",
        ),
    ]


_KEY = Column("nct_id", "string", "the study's NCT ID (`NCT01234567`)")

#: Every table and its columns, in file order. Types are Parquet logical types as pyarrow
#: names them; ``list<string>`` is a list of strings. Text is as typed, without the API's
#: markup escapes.
TABLES: dict[str, list[Column]] = {
    "studies": [
        Column("nct_id", "string", "NCT ID; one row per study, never repeated"),
        Column("url", "string", "the study's page on ClinicalTrials.gov"),
        Column("title", "string", "brief title (the official title when there is no brief one)"),
        Column("official_title", "string", "official title"),
        Column("acronym", "string", "acronym"),
        Column("overall_status", "string", "overall status as registered (`RECRUITING` …)"),
        Column("why_stopped", "string", "why the study stopped, when it did"),
        Column("phases", "list<string>", "phases as registered (`[PHASE1, PHASE2]`, `[NA]`)"),
        Column("study_type", "string", "`INTERVENTIONAL`, `OBSERVATIONAL`, `EXPANDED_ACCESS`"),
        Column("conditions", "list<string>", "conditions as registered"),
        Column("keywords", "list<string>", "keywords"),
        Column("lead_sponsor", "string", "lead sponsor's name"),
        Column("collaborators", "list<string>", "collaborators' names"),
        Column("enrollment", "int64", "enrollment count; null when not given or unknown"),
        Column(
            "enrollment_type",
            "string",
            "`ACTUAL` (participants enrolled) or `ESTIMATED` (the target), as registered",
        ),
        *_date_columns("start_date", "study start"),
        *_date_columns("primary_completion_date", "primary completion"),
        *_date_columns("completion_date", "study completion"),
        *_date_columns("first_posted", "first posted"),
        *_date_columns("last_updated", "last update posted"),
        *_date_columns("status_verified", "status last verified"),
        *_age_columns("minimum_age", "minimum age"),
        *_age_columns("maximum_age", "maximum age"),
        Column("sex", "string", "`ALL`, `FEMALE` or `MALE`"),
        Column("healthy_volunteers", "bool", "accepts healthy volunteers; null when not given"),
        Column("std_ages", "list<string>", "age groups (`CHILD`, `ADULT`, `OLDER_ADULT`)"),
        Column("brief_summary", "string", "brief summary"),
        Column("eligibility_criteria", "string", "eligibility criteria (Markdown-style lists)"),
        Column("has_results", "bool", "results are posted"),
    ],
    "sites": [
        _KEY,
        Column("site_index", "int32", "the site's place in the record, from 0; with `nct_id`, key"),
        Column("facility", "string", "facility name"),
        Column("city", "string", "city"),
        Column("state", "string", "state or region"),
        Column("zip", "string", "ZIP or postal code"),
        Column("country", "string", "country"),
        Column("status", "string", "the site's own recruitment status; often not given"),
        Column("latitude", "double", "latitude of the city (not the building); degrees"),
        Column("longitude", "double", "longitude of the city; degrees"),
    ],
    "arms": [
        _KEY,
        Column("arm_index", "int32", "the arm's place in the record, from 0; with `nct_id`, key"),
        Column("label", "string", "arm group label"),
        Column("type", "string", "`EXPERIMENTAL`, `PLACEBO_COMPARATOR` …"),
        Column("description", "string", "description"),
        Column(
            "intervention_names",
            "list<string>",
            "the arm's interventions as the record names them (`Drug: Nivolumab`)",
        ),
    ],
    "interventions": [
        _KEY,
        Column(
            "intervention_index",
            "int32",
            "the intervention's place in the record, from 0; with `nct_id`, key",
        ),
        Column("type", "string", "`DRUG`, `RADIATION`, `PROCEDURE` …"),
        Column("name", "string", "name"),
        Column("other_names", "list<string>", "other names (brand names, codes)"),
        Column("arm_labels", "list<string>", "labels of the arms that receive it"),
        Column("description", "string", "description"),
    ],
}


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@lru_cache(maxsize=4096)  # dates and ages repeat across studies; a fifth of the row time
def partial_date(text: str | None) -> tuple[date | None, str | None]:
    """A registry date's first day and precision: ``2024-05`` → (2024-05-01, ``month``).

    (None, None) when absent or not a date.
    """
    match = _PARTIAL_DATE.fullmatch(text.strip()) if text else None
    if match is None:
        return None, None
    year, month, day = match.groups()
    try:
        first = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None, None
    return first, "day" if day else "month" if month else "year"


def _dates(text: str | None) -> tuple[str | None, date | None, str | None]:
    return (text, *partial_date(text))


def _age(text: str | None) -> tuple[str | None, float | None]:
    return text, _years(text)


@lru_cache(maxsize=1024)
def _years(text: str | None) -> float | None:
    from trialfinder.notes.annotate import age_in_days
    from trialfinder.query.ages import DAYS_PER_UNIT

    days = age_in_days(text)
    return None if days is None else float(days / DAYS_PER_UNIT["years"])


def study_row(s: Study) -> tuple[object, ...]:
    """The ``studies`` row of a study, in the order of ``TABLES["studies"]``."""
    e = s.eligibility
    return (
        s.nct_id,
        s.url,
        s.title,
        s.official_title,
        s.acronym,
        s.status,
        s.why_stopped,
        s.phases,
        s.study_type,
        s.conditions,
        s.keywords,
        s.lead_sponsor,
        s.collaborators,
        s.enrollment,
        s.enrollment_type,
        *_dates(s.start_date),
        *_dates(s.primary_completion_date),
        *_dates(s.completion_date),
        *_dates(s.first_posted),
        *_dates(s.last_updated),
        *_dates(s.status_verified),
        *_age(e.minimum_age),
        *_age(e.maximum_age),
        e.sex,
        e.healthy_volunteers,
        e.std_ages,
        s.brief_summary,
        e.criteria,
        s.has_results,
    )


def site_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``sites`` rows of a study."""
    for index, loc in enumerate(s.locations):
        yield (
            s.nct_id,
            index,
            loc.facility,
            loc.city,
            loc.state,
            loc.zip,
            loc.country,
            loc.status,
            loc.latitude,
            loc.longitude,
        )


def arm_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``arms`` rows of a study."""
    for index, arm in enumerate(s.arms):
        yield (s.nct_id, index, arm.label, arm.type, arm.description, arm.intervention_names)


def intervention_rows(s: Study) -> Iterator[tuple[object, ...]]:
    """The ``interventions`` rows of a study."""
    for index, i in enumerate(s.interventions):
        yield (s.nct_id, index, i.type, i.name, i.other_names, i.arm_labels, i.description)
