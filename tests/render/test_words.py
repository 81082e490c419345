"""Tests for trialfinder.render.words: registry values and places in plain words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import myeloma_studies as studies
from trialfinder.models.records import Study
from trialfinder.render.words import (
    location_summary,
    phase_label,
    role_label,
    status_label,
    word_label,
    wrap_text,
)


def test_labels_in_plain_words() -> None:
    """It shows statuses and phases in plain words, unknown values as given."""
    assert status_label("NOT_YET_RECRUITING") == "Not yet recruiting"
    assert status_label("SOME_NEW_STATUS") == "SOME_NEW_STATUS"
    assert status_label(None) == "Status not given"
    assert phase_label(["PHASE1", "PHASE2"]) == "Phase 1/2"
    assert phase_label(["NA"]) == "Phase not applicable"
    assert phase_label(["EARLY_PHASE1"]) == "Early phase 1"
    assert phase_label([]) == "Phase not given"


def test_location_summary() -> None:
    """It counts sites, recruiting ones and countries."""
    first = studies()[0]
    assert location_summary(first) == "2 sites (1 recruiting): United States"
    bare = Study(nct_id="NCT00000001", url="u")
    assert location_summary(bare) == "No sites listed"


def test_wrap_text_hangs_list_items() -> None:
    """It wraps long list items under their marker and keeps blank lines."""
    text = "Intro line\n\n* " + "word " * 20 + "\n12. " + "item " * 15
    lines = wrap_text(text, 40)
    assert lines[1] == ""
    assert lines[2].startswith("* ") and lines[3].startswith("  word")
    numbered = lines.index(next(line for line in lines if line.startswith("12. ")))
    assert lines[numbered + 1].startswith("    item")
    assert all(len(line) <= 40 for line in lines)


def test_word_labels() -> None:
    """It shows known registry words plainly and unknown ones as given."""
    assert word_label("ACTIVE_COMPARATOR") == "Active comparator"
    assert word_label("GENE_THERAPY_NEW") == "GENE_THERAPY_NEW"


#: Enums of the API spec that the models carry to people: (spec object, property) that holds
#: the value, and the label function that shows it.
SHOWN_ENUMS: dict[str, tuple[tuple[str, str], Callable[[str], str]]] = {
    "Status": (("StatusModule", "overallStatus"), status_label),
    "RecruitmentStatus": (("Location", "status"), status_label),
    "Phase": (("DesignModule", "phases"), lambda value: phase_label([value])),
    "StudyType": (("DesignModule", "studyType"), word_label),
    "Sex": (("EligibilityModule", "sex"), word_label),
    "ArmGroupType": (("ArmGroup", "type"), word_label),
    "InterventionType": (("Intervention", "type"), word_label),
    "ContactRole": (("Contact", "role"), role_label),
}


#: Enums that reach no person: the models do not read them, or only JSON output carries them
#: (StandardAge). A field that starts showing one must move it to SHOWN_ENUMS.
UNSHOWN_ENUMS = {
    "FieldStatsType", "StandardAge", "SamplingMethod", "IpdSharing", "IpdSharingInfoType",
    "OrgStudyIdType", "SecondaryIdType", "AgencyClass", "ExpandedAccessStatus", "DateType",
    "ResponsiblePartyType", "DesignAllocation", "InterventionalAssignment", "PrimaryPurpose",
    "ObservationalModel", "DesignTimePerspective", "BioSpecRetention", "EnrollmentType",
    "OfficialRole", "ReferenceType", "MeasureParam", "MeasureDispersionType",
    "OutcomeMeasureType", "ReportingStatus", "EventAssessment", "AgreementRestrictionType",
    "BrowseLeafRelevance", "DesignMasking", "WhoMasked", "AnalysisDispersionType",
    "ConfidenceIntervalNumSides", "NonInferiorityType", "UnpostedEventType", "ViolationEventType",
}  # fmt: skip


def _spec_schemas() -> dict[str, Any]:
    from conftest import SHARED_CTGOV

    yaml = pytest.importorskip("yaml")
    path = SHARED_CTGOV / "spec" / "ctg-oas-v2.yaml"
    if not path.exists():
        pytest.skip("the recorded API spec is not here")
    schemas: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["components"][
        "schemas"
    ]
    return schemas


def test_every_enum_of_the_spec_that_reaches_a_person_has_plain_labels() -> None:
    """It walks the spec's enums: each shown value gets words, never its registry code."""
    schemas = _spec_schemas()
    enums = {name: schema["enum"] for name, schema in schemas.items() if "enum" in schema}
    assert set(enums) == set(SHOWN_ENUMS) | UNSHOWN_ENUMS, "classify the spec's new enums"
    for name, ((holder, prop), label) in SHOWN_ENUMS.items():
        held = schemas[holder]["properties"][prop]
        ref = held.get("$ref") or held.get("items", {}).get("$ref")
        assert ref == f"#/components/schemas/{name}", (holder, prop)
        for value in enums[name]:
            words = label(value)
            assert words and words != value and "_" not in words, (name, value, words)
            assert not words.isupper() or len(words) <= 3, (name, value, words)
