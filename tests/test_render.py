"""Formatting for people and programs, and safe output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from conftest import fixture_study, flat, load_json
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.models.results import SearchResult
from trialfinder.render.formats import result_dict, write_csv, write_jsonl
from trialfinder.render.safe import clean, csv_cell
from trialfinder.render.study import render_study
from trialfinder.render.summary import count_line, skipped_line
from trialfinder.render.table import render_table, study_block
from trialfinder.render.term import Style
from trialfinder.render.words import (
    DISCLAIMER,
    STUDY_DISCLAIMER,
    assigns_treatment,
    location_summary,
    phase_label,
    role_label,
    status_label,
    study_type_text,
    word_label,
    wrap_text,
)


def studies() -> list[Study]:
    pages = [
        "search_myeloma_radiation_pembrolizumab_page1_of_3.json",
        "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json",
    ]
    found = [parse_study(s) for page in pages for s in load_json(page)["studies"]]
    return list({s.nct_id: s for s in found}.values())


def result(limit: int = 20, total: int = 4) -> SearchResult:
    return SearchResult(
        studies=studies()[:limit],
        total_count=total,
        limit=limit,
        params={"query.cond": "multiple myeloma"},
        search_url="https://clinicaltrials.gov/search?cond=multiple+myeloma",
    )


@pytest.mark.parametrize(
    ("dirty", "expected"),
    [
        ("Title\x1b[31m red\x1b[0m", "Title red"),
        ("\x1b]0;pwned\x07Window", "Window"),
        ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("Bell\x07 and\x00 nul", "Bell and nul"),
        ("C1\x9b31m control", "C131m control"),
        ("back\x08space", "backspace"),
        ("line\nbreak\ttab", "line break tab"),
        ("rtl \u202eevil\u202c", "rtl evil"),
        ("Émile – 日本語 ✓", "Émile – 日本語 ✓"),
    ],
)
def test_clean_removes_escapes_and_controls(dirty: str, expected: str) -> None:
    """It strips anything that could move the cursor, recolour or retitle a terminal."""
    assert clean(dirty) == expected


def test_clean_multiline_keeps_line_breaks() -> None:
    """It keeps paragraph breaks in long text, dropping carriage returns and escapes."""
    assert clean("a\r\nb\x1b[2J\nc", multiline=True) == "a\nb\nc"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'x"),
        ("\x00=1+1", "'=1+1"),
        ("Phase 2", "Phase 2"),
        ("", ""),
    ],
)
def test_csv_cells_never_run_as_formulas(cell: str, expected: str) -> None:
    """It neutralizes cells a spreadsheet would run as a formula."""
    assert csv_cell(cell) == expected


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


@pytest.mark.parametrize(
    ("nct_id", "where"),
    [
        ("NCT09200001", "1 site (1 recruiting): United States"),
        ("NCT09200004", "1 site (1 says recruiting; study completed): United States"),
        ("NCT09200005", "1 site (1 says recruiting; study suspended): United States"),
        ("NCT09200006", "2 sites (2 say recruiting; study unknown status): United States"),
        ("NCT09200007", "1 site (1 says recruiting; study not yet recruiting): United States"),
        (
            "NCT09200008",
            "1 site (1 says recruiting; study enrolling by invitation): United States",
        ),
        ("NCT09200010", "1 site (1 says recruiting; study status not given): United States"),
        ("NCT09200012", "3 sites (2 recruiting): United States"),
    ],
)
def test_where_line_says_when_the_study_bounds_its_sites(nct_id: str, where: str) -> None:
    """It counts sites saying Recruiting as recruiting only when the study is, else says both."""
    study = fixture_study("search_hand_made_site_placement_and_status_13studies.json", nct_id)
    assert location_summary(study) == where
    assert f"Where: {where}" in " ".join(study_block(study).split())


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


def test_table_has_every_study_footer_and_reminder() -> None:
    """It lists each study with its link, then the count, the website link and the reminder."""
    text = render_table(result(limit=2, total=4), width=80)
    for study in studies()[:2]:
        assert study.nct_id in text and study.url in text
    assert "Recruiting · Interventional · Phase 1/2" in text
    assert "Showing 2 of 4 studies. The list was cut at --limit 2; raise it to see more." in text
    assert "https://clinicaltrials.gov/search?cond=multiple+myeloma" in text
    assert " ".join(text.split()).endswith(DISCLAIMER)
    assert all(
        len(line) <= 80 for line in text.splitlines() if "http" not in line and line != DISCLAIMER
    )


def test_table_of_no_results_says_so() -> None:
    """It says plainly when nothing matched, still with the reminder."""
    empty = SearchResult(studies=[], total_count=0, limit=20, search_url="u")
    text = render_table(empty)
    assert "No studies matched" in text and "Showing 0 of 0 studies." in text
    assert DISCLAIMER in " ".join(text.split())


def test_count_line_without_truncation() -> None:
    """It does not claim a cut when every match is shown."""
    assert count_line(result(limit=20, total=4)) == "Showing 4 of 4 studies."


def test_table_cleans_hostile_titles() -> None:
    """It never prints an escape sequence that came from the API."""
    raw = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    raw["protocolSection"]["identificationModule"]["briefTitle"] = (
        "Evil\x1b]0;owned\x07\x1b[2J title"
    )
    hostile = SearchResult(studies=[parse_study(raw)], total_count=1, limit=20, search_url="u")
    text = render_table(hostile)
    assert "\x1b" not in text and "\x07" not in text and "Evil title" in text
    assert "\x1b" not in render_study(parse_study(raw))


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


def test_json_result_carries_counts_links_and_raw_values() -> None:
    """It keeps registry values as they are and a url on every study."""
    data = json.loads(json.dumps(result_dict(result(limit=2, total=4))))
    assert data["total_count"] == 4 and data["returned"] == 2 and data["truncated"] is True
    assert data["studies"][0]["status"] == "RECRUITING"
    assert data["studies"][0]["phases"] == ["PHASE1", "PHASE2"]
    assert all(s["url"].startswith("https://clinicaltrials.gov/study/NCT") for s in data["studies"])


def test_jsonl_one_study_per_line() -> None:
    """It writes one complete JSON object per line."""
    out = io.StringIO()
    write_jsonl(studies(), out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["nct_id"] for line in lines] == [s.nct_id for s in studies()]


def test_csv_has_header_url_and_safe_cells() -> None:
    """It writes a header, a url column and neutralized cells."""
    raw = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    raw["protocolSection"]["identificationModule"]["briefTitle"] = "=cmd|' /C calc'!A0"
    out = io.StringIO()
    write_csv([parse_study(raw)], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["url"] == "https://clinicaltrials.gov/study/NCT02013167"
    assert rows[0]["phases"] == "PHASE1|PHASE2"


def test_skipped_line() -> None:
    """It names studies that could not be read."""
    assert skipped_line([]) is None
    assert skipped_line(["NCT01234567"]) == "1 study could not be read: NCT01234567"
    assert skipped_line(["a", "b"]) == "2 studies could not be read: a, b"


def test_count_line_when_api_ends_early() -> None:
    """It says when the API sent fewer studies than it counted, without blaming the limit."""
    short = SearchResult(studies=studies()[:2], total_count=21, limit=50, search_url="u")
    line = count_line(short)
    assert line.startswith("Showing 2 of 21 studies.")
    assert "fewer studies than it counted" in line and "--limit" not in line


def test_table_styles_only_when_asked() -> None:
    """It colours statuses and links IDs for a capable terminal, and never otherwise."""
    plain = render_table(result())
    assert "\x1b" not in plain
    styled = render_table(result(), style=Style(colour=True, links=True))
    assert "\x1b]8;;https://clinicaltrials.gov/study/NCT02013167\x1b\\" in styled
    assert "\x1b[32mRecruiting\x1b[0m" in styled
    # The words stay: colour is only a hint.
    assert clean(styled).count("Recruiting") == plain.count("Recruiting")


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


STUDY_TYPE_CASES = [
    # (NCT ID in the hand-made note cases, head of the block, lines that must be there)
    (
        "NCT09100001",
        "NCT09100001  Recruiting · Interventional · Phase 2",
        ["Interventions: Nivolumab"],
    ),
    (
        "NCT09100006",
        "NCT09100006  Recruiting · Observational",
        [
            "Study type: Observational: it observes people and does not assign treatment",
            "Interventions observed, not assigned: Usual care",
        ],
    ),
    (
        "NCT09100007",
        "NCT09100007  Unknown status · Expanded access",
        [
            "Study type: Expanded access: a way to receive a treatment outside a clinical "
            "trial; not a study that assigns treatment",
            "Treatment available through expanded access: Nivolumab",
        ],
    ),
]


@pytest.mark.parametrize(("nct_id", "head", "lines"), STUDY_TYPE_CASES)
def test_every_listing_says_the_study_type(nct_id: str, head: str, lines: list[str]) -> None:
    """It shows the study type, and says when a study does not assign treatment."""
    from trialfinder.render.page import PageInfo, render_html_page, render_markdown_page

    page = load_json("search_hand_made_note_cases_7studies.json")
    study = next(parse_study(r) for r in page["studies"] if nct_id in json.dumps(r))
    block = study_block(study, width=200)
    assert block.splitlines()[0] == head
    assert "Phase not given" not in block
    for line in lines:
        assert line in block
    one = SearchResult(studies=[study], total_count=1, limit=20, search_url="u")
    shown = flat(render_markdown_page(one, PageInfo()))
    assert f"**Study type:** {study_type_text(study.study_type)}" in flat(shown)
    assert study_type_text(study.study_type) in flat(render_html_page(one, PageInfo()))
    assert f"Study type: {study_type_text(study.study_type)}" in flat(render_study(study))
    if not assigns_treatment(study):
        assert "Treatments" not in shown and "Phase" not in shown


def test_real_observational_and_expanded_access_records_say_so() -> None:
    """It says on real records that observational and expanded access studies assign nothing."""
    from conftest import SHARED_CTGOV

    names = {
        "aact_study_NCT03475563_bioss_stent_registry.json": "OBSERVATIONAL",
        "aact_study_NCT00763412_cf_diabetes_v20231128.json": "EXPANDED_ACCESS",
    }
    for name, kind in names.items():
        path = SHARED_CTGOV / "studies" / name
        if not path.exists():
            pytest.skip("the shared recorded responses are not here")
        study = parse_study(json.loads(path.read_text(encoding="utf-8")))
        assert study.study_type == kind
        text = flat(study_block(study))
        assert "does not assign treatment" in text or "not a study that assigns" in text
        assert "Phase not given" not in text


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
