"""Tests for trialfinder.render.study: one whole study, as show prints it."""

from __future__ import annotations

import json

import pytest

from conftest import fixture_study, load_json
from trialfinder.models.reading import parse_study
from trialfinder.render.study import render_study
from trialfinder.render.words import STUDY_DISCLAIMER, role_label


@pytest.mark.parametrize(
    ("nct_id", "line"),
    [
        (
            "NCT09200004",
            "* Solo: Rochester, Minnesota, United States [site says Recruiting; study completed]",
        ),
        (
            "NCT09200006",
            "* Unknown Study Site B: Chicago, Illinois, United States "
            "[site says Recruiting; study unknown status]",
        ),
        (
            "NCT09200013",
            "* Rochester Site By ZIP: Rochester, Minnesota, 55905, United States [Recruiting]",
        ),
    ],
)
def test_show_says_when_the_study_bounds_a_site_status(nct_id: str, line: str) -> None:
    """It never lists a site of a closed study as simply Recruiting in one study's page."""
    study = fixture_study("search_hand_made_site_placement_and_status_13studies.json", nct_id)
    assert line in render_study(study, width=200).splitlines()


def test_study_page_has_every_section() -> None:
    """It shows summary, eligibility, arms, sites with status, contacts and the reminder."""
    study = parse_study(load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json"))
    text = render_study(study)
    for expected in [
        "NCT02013167: Pembrolizumab and Radiation Therapy in Relapsed Multiple Myeloma",
        study.url,
        "Status:             Recruiting",
        "Phase:              Phase 1/2",
        "Start:              2023-03-15",
        "Primary completion: 2026-12",
        "Ages: 18 Years to 80 Years",
        "Inclusion Criteria:",
        "* Pembrolizumab + RT (Experimental)",
        "- Drug: Pembrolizumab (also: MK-3475, Keytruda)",
        "Sex: All",
        "Study type:         Interventional",
        "* Mayo Clinic: Rochester, Minnesota, 55905, United States [Recruiting]",
        "[Not yet recruiting]",
        "Clinical Trials Office · contact · 855-776-0015 · trials@example.org",
    ]:
        assert expected in text, expected
    assert STUDY_DISCLAIMER in " ".join(text.split())


def test_show_prints_contact_roles_in_plain_words() -> None:
    """It prints "principal investigator", never PRINCIPAL_INVESTIGATOR."""
    record = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    site = record["protocolSection"].setdefault("contactsLocationsModule", {})
    site["centralContacts"] = [{"name": "Ann Roe", "role": "PRINCIPAL_INVESTIGATOR"}]
    site.setdefault("locations", [{"facility": "Mayo Clinic"}])[0]["contacts"] = [
        {"name": "Bo Li", "role": "CONTACT", "phone": "555-0100"}
    ]
    text = render_study(parse_study(record))
    assert "Ann Roe · principal investigator" in text
    assert "Bo Li · contact · 555-0100" in text
    assert "PRINCIPAL_INVESTIGATOR" not in text and "CONTACT ·" not in text
    assert role_label("SOME_NEW_ROLE") == "SOME_NEW_ROLE" and role_label(None) == ""


def test_arm_descriptions_indent_under_their_bullet() -> None:
    """It keeps every line of an arm's description, wrapped or not, under the arm's bullet."""
    record = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    arms = record["protocolSection"]["armsInterventionsModule"]["armGroups"]
    arms[0]["description"] = "Patients receive pembrolizumab IV " * 8 + "\nThen radiation therapy."
    text = render_study(parse_study(record), width=60)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("* ")) + 1
    described = [line for line in lines[start:] if "pembrolizumab IV" in line or "Then" in line]
    assert len(described) >= 5
    assert all(line.startswith("  ") and len(line) <= 60 for line in described)


OBSERVED_COHORTS = "study_NCT09900041_observational_cohorts_with_nivolumab_and_radiation.json"


EXPANDED_ACCESS = "study_NCT09900042_expanded_access_group_given_nivolumab.json"


# (fixture, study type given to it, section heading, line before the group's interventions)
ARM_WORDING_CASES = [
    (
        OBSERVED_COHORTS,
        "OBSERVATIONAL",
        "Groups observed and their interventions (not assigned by the study)",
        "  Observed with: Drug: Nivolumab; Radiation: Radiotherapy",
    ),
    (
        EXPANDED_ACCESS,
        "EXPANDED_ACCESS",
        "Groups and treatment available through expanded access",
        "  Treatment available: Drug: Nivolumab",
    ),
    (
        OBSERVED_COHORTS,
        "INTERVENTIONAL",
        "Arms and interventions",
        "  Receives: Drug: Nivolumab; Radiation: Radiotherapy",
    ),
    (
        EXPANDED_ACCESS,
        "INTERVENTIONAL",
        "Arms and interventions",
        "  Receives: Drug: Nivolumab",
    ),
    (
        OBSERVED_COHORTS,
        None,
        "Arms or groups and interventions",
        "  Interventions listed: Drug: Nivolumab; Radiation: Radiotherapy",
    ),
    (
        EXPANDED_ACCESS,
        "A_TYPE_NOT_YET_KNOWN",
        "Arms or groups and interventions",
        "  Interventions listed: Drug: Nivolumab",
    ),
]


@pytest.mark.parametrize(("fixture", "study_type", "heading", "listing"), ARM_WORDING_CASES)
def test_show_says_receives_only_where_the_study_assigns_treatment(
    fixture: str, study_type: str | None, heading: str, listing: str
) -> None:
    """It words observed and expanded-access groups as groups: nobody "receives" treatment
    from a study that does not assign it, and a study type not given claims neither."""
    study = parse_study(load_json(fixture)).model_copy(update={"study_type": study_type})
    lines = render_study(study).splitlines()
    assert heading in lines
    assert lines[lines.index(heading) + 1] == "-" * len(heading)
    assert listing in lines
    assert any(line.startswith("  Receives:") for line in lines) == (study_type == "INTERVENTIONAL")
    if study_type != "INTERVENTIONAL":
        assert "Arms and interventions" not in lines
    if study_type in ("OBSERVATIONAL", "EXPANDED_ACCESS"):
        assert "arm" not in " ".join(lines[lines.index(heading) :]).lower()


def test_show_names_an_unlabelled_group_by_what_the_study_calls_it() -> None:
    """It calls an observed group without a label a group, and an arm of a trial an arm."""
    study = parse_study(load_json(OBSERVED_COHORTS))
    assert "* (unnamed group)" in render_study(study).splitlines()
    trial = study.model_copy(update={"study_type": "INTERVENTIONAL"})
    assert "* (unnamed arm)" in render_study(trial).splitlines()


@pytest.mark.parametrize(
    ("name", "listing"),
    [
        ("aact_study_NCT03475563_bioss_stent_registry.json", "Observed with: "),
        ("tsa_study_NCT04965233_atopic_dermatitis_withdrawn_whyStopped.json", "Observed with: "),
        ("aact_study_NCT00763412_cf_diabetes_v20231128.json", "Treatment available: "),
        ("aact_study_NCT02210780_dupilumab_atopic_dermatitis_results.json", "Receives: "),
    ],
)
def test_show_words_the_groups_of_real_records_by_their_study_type(name: str, listing: str) -> None:
    """It says "Observed with" for the real observational registries, "Treatment available"
    for the real expanded-access record, and "Receives" only for the real interventional one."""
    from conftest import SHARED_CTGOV

    path = SHARED_CTGOV / "studies" / name
    if not path.exists():
        pytest.skip("the shared recorded responses are not here")
    study = parse_study(json.loads(path.read_text(encoding="utf-8")))
    assert study.arms, "the record lists groups"
    lines = render_study(study).splitlines()
    listed = [line.strip() for line in lines if line.startswith("  ") and ": " in line]
    shown = [line for line in listed if line.split(": ")[0] + ": " in ARM_LISTINGS]
    assert shown and len(shown) == sum(1 for arm in study.arms if arm.intervention_names)
    assert all(line.startswith(listing) for line in shown)


ARM_LISTINGS = ("Receives: ", "Observed with: ", "Treatment available: ", "Interventions listed: ")
