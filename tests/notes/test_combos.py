"""Tests for trialfinder.notes.combos: which arm gives which requested treatment, on any record."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from conftest import SHARED_CTGOV, load_json
from trialfinder.models.notes import AgentCheck, Combination
from trialfinder.models.reading import parse_study
from trialfinder.models.records import Study
from trialfinder.notes.combos import combination, same_name, split_entry

OPDIVO_SBRT = "study_NCT09900001_brand_opdivo_with_sbrt_generic_nivolumab_in_other_arm.json"
PLACEBO_NIVO = "study_NCT09900002_placebo_matching_nivolumab_in_placebo_comparator_arm.json"
RADIATION_KINDS = "study_NCT09900003_radiation_as_procedure_wbrt_only_in_other_names_and_scans.json"
NIVO_CHEMO = "study_NCT09900004_nivolumab_with_chemotherapy_and_chemo_alone.json"
CHEMO_ONLY = "study_NCT09900005_chemotherapy_arms_without_nivolumab.json"
SPELLED = "study_NCT09900006_arms_spell_interventions_differently_no_arm_labels.json"
UNTIED = "study_NCT09900007_arms_that_do_not_say_which_gets_which.json"
CODES = "study_NCT09900008_generic_with_code_names_and_brand_only_study.json"
WITHHELD = "study_NCT09900021_radiation_omitted_and_named_only_by_side_effects.json"
IMAGING = "study_NCT09900022_imaging_registered_as_radiation_type.json"
BLINDED = "study_NCT09900023_blinded_drug_or_placebo_and_placebo_beside_treatment.json"
CODES_ONLY = "study_NCT09900031_drugs_named_only_by_code_names_spaced_differently.json"
ISOTOPES = "study_NCT09900032_radiopharmaceuticals_beside_isotope_scans_and_contrast.json"
ONE_ARM = "study_NCT09900033_single_arm_interventions_without_arm_labels.json"
NO_RT = "study_NCT09900034_arm_where_radiotherapy_is_omitted_or_radiotherapy_free.json"
FOUR_RADIATION_ARMS = [
    "Whole brain RT",
    "Brachytherapy then resection",
    "Cranial treatment",
    "Radiotherapy boost",
]
MYELOMA = "search_myeloma_radiation_pembrolizumab_page1_of_3.json"


def fixture_study(name: str) -> Study:
    """A hand-made study record from tests/fixtures (or the first of a page)."""
    raw = load_json(name)
    return parse_study(raw["studies"][0] if "studies" in raw else raw)


def agent(combo: Combination, name: str) -> AgentCheck:
    """The check of one requested treatment."""
    return next(c for c in combo.agents if c.agent == name)


# (record, requested, verdict, together arms, {agent: (state, arms, placebo arms)})
CASES: list[tuple[str, tuple[str, ...], str, list[str], dict[str, Any]]] = [
    # Brand and generic, both ways: Opdivo in one arm and nivolumab in another are one drug.
    (
        OPDIVO_SBRT,
        ("radiation", "nivolumab"),
        "together",
        ["SBRT + Opdivo"],
        {
            "radiation": ("named", ["SBRT + Opdivo"], []),
            "nivolumab": ("named", ["SBRT + Opdivo", "Nivolumab alone"], []),
        },
    ),
    (
        OPDIVO_SBRT,
        ("radiation", "Opdivo"),
        "together",
        ["SBRT + Opdivo"],
        {"Opdivo": ("named", ["SBRT + Opdivo", "Nivolumab alone"], [])},
    ),
    (
        NIVO_CHEMO,
        ("Opdivo",),
        "one_treatment",
        [],
        {"Opdivo": ("named", ["Nivolumab + chemo"], [])},
    ),
    (
        CODES,
        ("BMS-936558",),
        "one_treatment",
        [],
        {"BMS-936558": ("named", ["Code-named arm"], [])},
    ),
    (CODES, ("Opdivo",), "one_treatment", [], {"Opdivo": ("named", ["Code-named arm"], [])}),
    (
        CODES,
        ("Yervoy", "nivolumab"),
        "different_arms",
        [],
        {"Yervoy": ("named", ["Ipilimumab"], []), "nivolumab": ("named", ["Code-named arm"], [])},
    ),
    # A code name from the table finds the drug by its generic and brand names too.
    (
        OPDIVO_SBRT,
        ("BMS-936558",),
        "one_treatment",
        [],
        {"BMS-936558": ("named", ["SBRT + Opdivo", "Nivolumab alone"], [])},
    ),
    # A record naming a drug only by its code, spaced its own way, whichever name is typed;
    # a longer code (MK-34750) is another compound.
    (
        CODES_ONLY,
        ("pembrolizumab",),
        "one_treatment",
        [],
        {"pembrolizumab": ("named", ["MK 3475 + RT"], [])},
    ),
    (
        CODES_ONLY,
        ("Keytruda", "radiation"),
        "together",
        ["MK 3475 + RT"],
        {"Keytruda": ("named", ["MK 3475 + RT"], [])},
    ),
    (CODES_ONLY, ("MK-3475",), "one_treatment", [], {"MK-3475": ("named", ["MK 3475 + RT"], [])}),
    (CODES_ONLY, ("mk 3475",), "one_treatment", [], {"mk 3475": ("named", ["MK 3475 + RT"], [])}),
    (
        CODES_ONLY,
        ("SCH 900475",),
        "one_treatment",
        [],
        {"SCH 900475": ("named", ["MK 3475 + RT"], [])},
    ),
    (
        CODES_ONLY,
        ("MK-34750",),
        "one_treatment",
        [],
        {"MK-34750": ("named", ["Other compound"], [])},
    ),
    (CODES_ONLY, ("Opdivo",), "one_treatment", [], {"Opdivo": ("named", ["BMS-936558 alone"], [])}),
    (
        CODES_ONLY,
        ("ONO-4538", "pembrolizumab"),
        "different_arms",
        [],
        {"ONO-4538": ("named", ["BMS-936558 alone"], [])},
    ),
    (CODES_ONLY, ("ipilimumab",), "one_treatment", [], {"ipilimumab": ("not_named", [], [])}),
    # Placebo is not the drug.
    (
        PLACEBO_NIVO,
        ("radiation", "nivolumab"),
        "together",
        ["Nivo + RT"],
        {
            "radiation": ("named", ["Nivo + RT", "Placebo + RT"], []),
            "nivolumab": ("named", ["Nivo + RT"], ["Placebo + RT"]),
        },
    ),
    (
        PLACEBO_NIVO,
        ("Opdivo",),
        "one_treatment",
        [],
        {"Opdivo": ("named", ["Nivo + RT"], ["Placebo + RT"])},
    ),
    (PLACEBO_NIVO, ("placebo",), "one_treatment", [], {"placebo": ("named", ["Placebo + RT"], [])}),
    # Treatment-type words: radiation as a PROCEDURE, only in other names, or in "Undergo …";
    # surgery is not every PROCEDURE; scans are neither.
    (
        RADIATION_KINDS,
        ("radiation",),
        "one_treatment",
        [],
        {
            "radiation": (
                "named",
                FOUR_RADIATION_ARMS,
                [],
            )
        },
    ),
    (
        RADIATION_KINDS,
        ("radiation therapy",),
        "one_treatment",
        [],
        {
            "radiation therapy": (
                "named",
                FOUR_RADIATION_ARMS,
                [],
            )
        },
    ),
    (
        RADIATION_KINDS,
        ("surgery",),
        "one_treatment",
        [],
        {"surgery": ("named", ["Brachytherapy then resection"], [])},
    ),
    (
        RADIATION_KINDS,
        ("surgery", "radiotherapy"),
        "together",
        ["Brachytherapy then resection"],
        {},
    ),
    (NIVO_CHEMO, ("surgery",), "one_treatment", [], {"surgery": ("not_named", [], [])}),
    (
        NIVO_CHEMO,
        ("chemotherapy",),
        "one_treatment",
        [],
        {"chemotherapy": ("named", ["Nivolumab + chemo", "Chemo alone"], [])},
    ),
    (
        RADIATION_KINDS,
        ('"radiation therapy"',),
        "one_treatment",
        [],
        {"radiation therapy": ("named", FOUR_RADIATION_ARMS, [])},
    ),
    # One form of a treatment of several words is checked whole, by all its names: never
    # "could not check" because the record names one of its words ("therapy").
    (
        ONE_ARM,
        ("stereotactic body radiation therapy",),
        "one_treatment",
        [],
        {"stereotactic body radiation therapy": ("named", ["SBRT then immunotherapy"], [])},
    ),
    (
        ONE_ARM,
        ("proton beam therapy",),
        "one_treatment",
        [],
        {"proton beam therapy": ("not_named", [], [])},
    ),
    (
        OPDIVO_SBRT,
        ("stereotactic body radiation therapy", "nivolumab"),
        "together",
        ["SBRT + Opdivo"],
        {"stereotactic body radiation therapy": ("named", ["SBRT + Opdivo"], [])},
    ),
    (
        RADIATION_KINDS,
        ("whole brain radiotherapy",),
        "one_treatment",
        [],
        {"whole brain radiotherapy": ("named", ["Whole brain RT", "Cranial treatment"], [])},
    ),
    (
        RADIATION_KINDS,
        ("whole brain radiation therapy",),
        "one_treatment",
        [],
        {"whole brain radiation therapy": ("named", ["Whole brain RT", "Cranial treatment"], [])},
    ),
    (
        RADIATION_KINDS,
        ("stereotactic body radiation therapy",),
        "one_treatment",
        [],
        {"stereotactic body radiation therapy": ("not_named", [], [])},
    ),
    (
        NIVO_CHEMO,
        ("nivolumab whole brain radiotherapy",),
        "not_all_named",
        [],
        {
            "nivolumab": ("named", ["Nivolumab + chemo"], []),
            "whole brain radiotherapy": ("not_named", [], []),
        },
    ),
    # An arm that withholds radiation, in any wording and whatever its registry type, never
    # counts as giving it ("Radiotherapy omitted", "RT-free", "Radiation-sparing").
    (
        NO_RT,
        ("radiation",),
        "one_treatment",
        [],
        {"radiation": ("named", ["Endocrine therapy + RT"], [])},
    ),
    (
        NO_RT,
        ("letrozole", "radiotherapy"),
        "together",
        ["Endocrine therapy + RT"],
        {"radiotherapy": ("named", ["Endocrine therapy + RT"], [])},
    ),
    (NO_RT, ("WBRT",), "one_treatment", [], {"WBRT": ("not_named", [], [])}),
    # Radiopharmaceuticals are radiation; an isotope scan, PET/CT or iodine contrast is not.
    (
        ISOTOPES,
        ("radiation",),
        "one_treatment",
        [],
        {
            "radiation": (
                "named",
                ["Lu-PSMA", "Radium", "Thyroid remnant ablation", "Liver-directed"],
                [],
            )
        },
    ),
    (ISOTOPES, ("surgery",), "one_treatment", [], {"surgery": ("not_named", [], [])}),
    (
        ISOTOPES,
        ("radioactive iodine",),
        "one_treatment",
        [],
        {"radioactive iodine": ("named", ["Thyroid remnant ablation"], [])},
    ),
    # Several treatments in one value: each is required and reported.
    (
        NIVO_CHEMO,
        ("nivolumab chemotherapy",),
        "together",
        ["Nivolumab + chemo"],
        {
            "nivolumab": ("named", ["Nivolumab + chemo"], []),
            "chemotherapy": ("named", ["Nivolumab + chemo", "Chemo alone"], []),
        },
    ),
    (
        CHEMO_ONLY,
        ("nivolumab chemotherapy",),
        "not_all_named",
        [],
        {
            "nivolumab": ("not_named", [], []),
            "chemotherapy": ("named", ["Chemo alone", "Dose-dense chemo"], []),
        },
    ),
    (
        NIVO_CHEMO,
        ("nivolumab maintenance",),
        "one_treatment",
        [],
        {"nivolumab maintenance": ("cannot_check", [], [])},
    ),
    (
        RADIATION_KINDS,
        ("nivolumab maintenance",),
        "one_treatment",
        [],
        {"nivolumab maintenance": ("not_named", [], [])},
    ),
    (
        NIVO_CHEMO,
        ("nivolumab maintenance", "chemotherapy"),
        "cannot_check",
        [],
        {"chemotherapy": ("named", ["Nivolumab + chemo", "Chemo alone"], [])},
    ),
    # Arms that spell interventions differently, and interventions with no arm labels.
    (
        SPELLED,
        ("nivolumab",),
        "one_treatment",
        [],
        {"nivolumab": ("named", ["Nivolumab", "SBRT + nivolumab"], [])},
    ),
    (
        SPELLED,
        ("radiation", "nivolumab"),
        "together",
        ["SBRT + nivolumab"],
        {"radiation": ("named", ["SBRT + nivolumab"], [])},
    ),
    (
        UNTIED,
        ("radiation", "nivolumab"),
        "not_stated",
        [],
        {"radiation": ("named", [], []), "nivolumab": ("named", [], [])},
    ),
    # A treatment named as withheld ("Omission of radiotherapy", "Discontinuation of
    # nivolumab") or as what it caused ("cream for radiation dermatitis") is not given there.
    (
        WITHHELD,
        ("radiation",),
        "one_treatment",
        ["Radiotherapy"],
        {"radiation": ("named", ["Radiotherapy"], [])},
    ),
    (
        WITHHELD,
        ("nivolumab",),
        "one_treatment",
        ["Nivolumab, no radiotherapy"],
        {"nivolumab": ("named", ["Nivolumab, no radiotherapy"], [])},
    ),
    (
        WITHHELD,
        ("radiation", "nivolumab"),
        "different_arms",
        [],
        {
            "radiation": ("named", ["Radiotherapy"], []),
            "nivolumab": ("named", ["Nivolumab, no radiotherapy"], []),
        },
    ),
    (WITHHELD, ("surgery",), "one_treatment", [], {"surgery": ("not_named", [], [])}),
    # An imaging test registered with the type RADIATION is not radiation treatment; an
    # untied arm entry ('Radiation: Bone scan') neither.
    (
        IMAGING,
        ("radiation", "pembrolizumab"),
        "different_arms",
        [],
        {
            "radiation": ("named", ["Ablation"], []),
            "pembrolizumab": ("named", ["Pembrolizumab"], []),
        },
    ),
    # "Nivolumab/Placebo" gives one or the other: which arm gets nivolumab is not stated.
    # "Placebo + SBRT" and "Pembrolizumab after placebo run-in" give the treatment too.
    (BLINDED, ("nivolumab",), "one_treatment", [], {"nivolumab": ("named", [], [])}),
    (
        BLINDED,
        ("radiation", "nivolumab"),
        "not_stated",
        [],
        {
            "radiation": ("named", ["Nivolumab + RT", "Placebo + RT", "Sham hyperthermia"], []),
            "nivolumab": ("named", [], []),
        },
    ),
    (
        BLINDED,
        ("pembrolizumab",),
        "one_treatment",
        [],
        {"pembrolizumab": ("named", ["Run-in"], [])},
    ),
    (
        BLINDED,
        ("radiation",),
        "one_treatment",
        [],
        {"radiation": ("named", ["Nivolumab + RT", "Placebo + RT", "Sham hyperthermia"], [])},
    ),
    # Absence is only "not named".
    (
        MYELOMA,
        ("pembrolizumab", "daratumumab"),
        "not_all_named",
        [],
        {"daratumumab": ("not_named", [], [])},
    ),
]


@pytest.mark.parametrize(("record", "requested", "verdict", "together", "agents"), CASES)
def test_combination_cases(
    record: str,
    requested: tuple[str, ...],
    verdict: str,
    together: list[str],
    agents: dict[str, Any],
) -> None:
    """It says what the record ties to which arm, for each kind of tricky record."""
    combo = combination(fixture_study(record), requested)
    assert combo.verdict == verdict
    if verdict == "one_treatment":  # every requested treatment: the one asked for
        (only,) = agents.values()
        together = only[1] if only[0] == "named" else []
    assert combo.together_arms == together
    assert combo.requested == list(requested)
    for name, (state, arms, placebo_arms) in agents.items():
        check = agent(combo, name)
        assert (check.state, check.arms, check.placebo_arms) == (state, arms, placebo_arms)


def test_class_word_read_with_the_conditions_searched() -> None:
    """It reads immunotherapy by the conditions searched, as the search itself did."""
    study = fixture_study(MYELOMA)  # pembrolizumab with radiation
    assert agent(combination(study, ("immunotherapy",)), "immunotherapy").state == "not_named"
    mel = combination(study, ("immunotherapy",), ("melanoma",))
    assert agent(mel, "immunotherapy").matched_names == ["Pembrolizumab"]
    myeloma = combination(study, ("immunotherapy",), ("multiple myeloma",))
    assert agent(myeloma, "immunotherapy").state == "not_named"


def test_evidence_names_the_records_words() -> None:
    """It keeps the record's own names that matched, as the record writes them."""
    combo = combination(fixture_study(OPDIVO_SBRT), ("radiation", "nivolumab"))
    assert agent(combo, "radiation").matched_names == ["SBRT"]
    assert agent(combo, "nivolumab").matched_names == ["Opdivo", "Nivolumab"]
    assert agent(combo, "nivolumab").searched[:2] == ["nivolumab", "Opdivo"]
    assert agent(combo, "radiation").treatment_type == "radiation"
    wbrt = agent(combination(fixture_study(RADIATION_KINDS), ("radiation",)), "radiation")
    assert "WBRT" in wbrt.matched_names  # only an other name says it is radiation
    # Known only from its description: the evidence quotes it.
    assert 'Boost (description: "Undergo stereotactic radiosurgery")' in wbrt.matched_names
    assert "CT scan" not in wbrt.matched_names  # "Undergo CT scan before radiation therapy"
    assert "Biopsy" not in wbrt.matched_names


@pytest.mark.parametrize(
    ("requested", "matched", "text"),
    [
        ("pembrolizumab", ["MK3475"], "pembrolizumab (as 'MK3475') in arm 'MK 3475 + RT'"),
        ("Keytruda", ["MK3475"], "Keytruda (as 'MK3475') in arm 'MK 3475 + RT'"),
        ("nivolumab", ["BMS-936558"], "nivolumab (as 'BMS-936558') in arm 'BMS-936558 alone'"),
        ("BMS 936558", ["BMS-936558"], "BMS 936558 in arm 'BMS-936558 alone'"),
    ],
)
def test_a_code_name_match_shows_the_records_name(
    requested: str, matched: list[str], text: str
) -> None:
    """It shows the record's code name that matched when it is not what was typed."""
    from trialfinder.render.combotext import combination_text

    combo = combination(fixture_study(CODES_ONLY), (requested,))
    assert agent(combo, requested).matched_names == matched
    assert combination_text(combo) == text


def _one_arm(study_type: str = "INTERVENTIONAL", second_arm: bool = False) -> Study:
    raw = load_json(ONE_ARM)
    raw["protocolSection"]["designModule"]["studyType"] = study_type
    if second_arm:
        raw["protocolSection"]["armsInterventionsModule"]["armGroups"].append(
            {"label": "Observation", "type": "NO_INTERVENTION"}
        )
    return parse_study(raw)


ONLY_ARM_TEXT = "(the study's only arm: every listed intervention is given in it)"
# (study type, a second arm, requested, verdict, arms of the first agent (placebo arms too),
# note ends with)
ONE_ARM_CASES = [
    (
        "INTERVENTIONAL",
        False,
        ("radiation", "nivolumab"),
        "together",
        ["SBRT then immunotherapy"],
        f"together in arm 'SBRT then immunotherapy' {ONLY_ARM_TEXT}",
    ),
    (
        "INTERVENTIONAL",
        False,
        ("Opdivo",),
        "one_treatment",
        ["SBRT then immunotherapy"],
        f"in arm 'SBRT then immunotherapy' {ONLY_ARM_TEXT}",
    ),
    ("INTERVENTIONAL", False, ("pembrolizumab",), "one_treatment", [], "or interventions"),
    ("INTERVENTIONAL", False, ("ONO-4538",), "one_treatment", ["SBRT then immunotherapy"], ")"),
    # A placebo untied in the only arm is that arm's placebo, never the drug.
    (
        "INTERVENTIONAL",
        False,
        ("ipilimumab",),
        "one_treatment",
        ["SBRT then immunotherapy"],
        f"in arm 'SBRT then immunotherapy' {ONLY_ARM_TEXT}",
    ),
    # Two arms, or groups a study only observes: the record does not say.
    (
        "INTERVENTIONAL",
        True,
        ("radiation", "nivolumab"),
        "not_stated",
        [],
        "the record does not say which arm gets which (radiation: no arm stated; "
        "nivolumab: no arm stated)",
    ),
    (
        "OBSERVATIONAL",
        False,
        ("radiation", "nivolumab"),
        "not_stated",
        [],
        "not treatment it gives)",
    ),
]


@pytest.mark.parametrize(
    ("study_type", "second_arm", "requested", "verdict", "arms", "ending"), ONE_ARM_CASES
)
def test_the_only_arm_gives_every_listed_intervention(
    study_type: str,
    second_arm: bool,
    requested: tuple[str, ...],
    verdict: str,
    arms: list[str],
    ending: str,
) -> None:
    """It places untied interventions in a one-arm interventional study's arm, and says so."""
    from trialfinder.render.combotext import combination_text

    combo = combination(_one_arm(study_type, second_arm), requested)
    assert combo.verdict == verdict
    assert combo.agents[0].arms + combo.agents[0].placebo_arms == arms
    # Said only when an arm was known because the study has one.
    assert combo.only_arm is (ONLY_ARM_TEXT in combination_text(combo))
    assert combo.only_arm is (study_type == "INTERVENTIONAL" and not second_arm and bool(arms))
    assert combination_text(combo).endswith(ending)


def test_real_one_arm_studies_give_what_they_list_in_their_arm() -> None:
    """In every real one-arm interventional record, a named treatment is in that arm."""
    studies = [
        s
        for s in shared_records().values()
        if len(s.arms) == 1 and s.study_type == "INTERVENTIONAL"
    ]
    if not studies:
        pytest.skip("the shared recorded responses are not here")
    for study in studies:
        names = [i.name for i in study.interventions if i.name]
        combo = combination(study, tuple(names))
        for check in combo.agents:
            assert check.arms == [study.arms[0].label], study.nct_id


def test_withheld_radiation_is_not_evidence() -> None:
    """It names only the radiation actually given, never a name that withholds it."""
    check = agent(combination(fixture_study(NO_RT), ("radiation",)), "radiation")
    assert check.matched_names == ["Whole breast irradiation"]
    assert check.not_stated == []


def test_radiopharmaceutical_evidence_leaves_out_scans() -> None:
    """It names the radiopharmaceuticals that matched, never the isotope scan or contrast."""
    check = agent(combination(fixture_study(ISOTOPES), ("radiation",)), "radiation")
    assert check.matched_names == [
        "Lutetium Lu 177 Vipivotide Tetraxetan",
        "Radium-223 dichloride",
        "Sodium iodide I-131",
        "Y-90 glass microspheres",
    ]


def test_placebo_names_kept_apart() -> None:
    """It names the placebo that imitates a drug, and never counts it as the drug."""
    check = agent(combination(fixture_study(PLACEBO_NIVO), ("nivolumab",)), "nivolumab")
    assert check.matched_names == ["Nivolumab"]
    assert check.placebo_names == ["Placebo matching nivolumab"]


def test_only_a_placebo_is_placebo_only() -> None:
    """It reports a drug named only by its placebo as placebo_only, not as given."""
    study = fixture_study(PLACEBO_NIVO)
    study = study.model_copy(
        update={"interventions": [i for i in study.interventions if i.name != "Nivolumab"]}
    )
    study = study.model_copy(
        update={
            "arms": [
                a.model_copy(update={"intervention_names": a.intervention_names[1:]})
                if a.label == "Nivo + RT"
                else a
                for a in study.arms
            ]
        }
    )
    combo = combination(study, ("radiation", "nivolumab"))
    check = agent(combo, "nivolumab")
    assert (check.state, check.arms, check.placebo_arms) == ("placebo_only", [], ["Placebo + RT"])
    assert combo.verdict == "not_all_named"


def test_not_stated_lists_untied_interventions() -> None:
    """It lists the matching interventions the record ties to no arm."""
    combo = combination(fixture_study(SPELLED), ("radiation",))
    assert agent(combo, "radiation").not_stated == ["Stereotactic body radiation"]
    untied = combination(fixture_study(UNTIED), ("nivolumab",))
    assert agent(untied, "nivolumab").not_stated == ["Nivolumab"]


def test_cannot_check_shows_the_partial_names() -> None:
    """It shows which of the record's names hold part of a value it could not check."""
    check = agent(
        combination(fixture_study(NIVO_CHEMO), ("nivolumab maintenance",)), "nivolumab maintenance"
    )
    assert check.partial_names == ["Nivolumab"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Nivolumab (BMS-936558)", "nivolumab", True),
        ("NIVOLUMAB", "Nivolumab", True),
        ("Omalizumab (Xolair®)", "Omalizumab", True),
        ("Placebo matching nivolumab", "Nivolumab", False),
        ("Nivolumab", "Ipilimumab", False),
        ("", "Nivolumab", False),
    ],
)
def test_same_name_is_lenient_only_about_spelling(a: str, b: str, same: bool) -> None:
    """It matches arm entries to interventions across case, punctuation and codes."""
    assert same_name(a, b) is same


@pytest.mark.parametrize(
    ("entry", "parts"),
    [
        ("Drug: Opdivo", ("DRUG", "Opdivo")),
        ("Dietary Supplement: Placebo", ("DIETARY_SUPPLEMENT", "Placebo")),
        ("Opdivo", (None, "Opdivo")),
    ],
)
def test_split_entry(entry: str, parts: tuple[str | None, str]) -> None:
    """It reads the registry type off an arm's entry."""
    assert split_entry(entry) == parts


# -- real recorded studies -------------------------------------------------------------------


def shared_records() -> dict[str, Study]:
    """Every real recorded study with arms or interventions, by NCT ID (empty when absent)."""
    return dict(_shared_records())  # a dict of its own for each test; the studies are frozen


@functools.cache  # read once for the 33 tests that use them (~13 ms a reading)
def _shared_records() -> dict[str, Study]:
    out: dict[str, Study] = {}
    if not SHARED_CTGOV.is_dir():
        return out
    # Full single-study answers first: some search pages were recorded with fewer fields.
    paths = sorted(SHARED_CTGOV.glob("*/*.json"), key=lambda p: (p.parent.name != "studies", p))
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        raws = doc if isinstance(doc, list) else doc.get("studies", [doc])
        for raw in raws:
            if isinstance(raw, dict) and "protocolSection" in raw:
                study = parse_study(raw)
                if study.interventions or study.arms:
                    out.setdefault(study.nct_id, study)
    return out


def real(nct_id: str) -> Study:
    """One real recorded study; skipped when the shared records are not here."""
    studies = shared_records()
    if nct_id not in studies:
        pytest.skip("the shared recorded responses are not here")
    return studies[nct_id]


REAL_CASES: list[tuple[str, tuple[str, ...], str, dict[str, Any]]] = [
    # External beam radiation (RADIATION) and vaginal brachytherapy (a PROCEDURE); scans are
    # procedures but neither radiation nor surgery.
    (
        "NCT06388018",
        ("radiation",),
        "one_treatment",
        {"radiation": ("named", ["Cohort A2", "Sub-study B"], [])},
    ),
    ("NCT06388018", ("surgery",), "one_treatment", {"surgery": ("not_named", [], [])}),
    (
        "NCT06388018",
        ("radiotherapy", "CT"),
        "together",
        {"CT": ("named", ["Cohort A1", "Cohort A2", "Sub-study B"], [])},
    ),
    # A brand name only in otherNames, and a code name.
    (
        "NCT02210780",
        ("Dupixent",),
        "one_treatment",
        {"Dupixent": ("named", ["Dupilumab 300 mg qw"], [])},
    ),
    (
        "NCT02210780",
        ("REGN668",),
        "one_treatment",
        {"REGN668": ("named", ["Dupilumab 300 mg qw"], [])},
    ),
    ("NCT00763412", ("Prandin",), "one_treatment", {"Prandin": ("named", ["2. repaglinide"], [])}),
    (
        "NCT02552212",
        ("Cimzia", "placebo"),
        "different_arms",
        {
            "Cimzia": ("named", ["Certolizumab Pegol 200 mg Q2W"], []),
            "placebo": ("named", ["Placebo"], []),
        },
    ),
    (
        "NCT02552212",
        ("certolizumab pegol",),
        "one_treatment",
        {"certolizumab pegol": ("named", ["Certolizumab Pegol 200 mg Q2W"], [])},
    ),
    # A placebo named "Vehicle" (other name: placebo); the drug arm is apart.
    (
        "NCT02677610",
        ("MSRD-100", "placebo"),
        "different_arms",
        {"placebo": ("named", ["Vehicle"], [])},
    ),
    # The real drug in every arm; a matching placebo in two of them.
    (
        "NCT06727552",
        ("barzolvolimab", "placebo"),
        "together",
        {
            "barzolvolimab": (
                "named",
                [
                    "Barzolvolimab 150 mg",
                    "Barzolvolimab 300 mg",
                    "Placebo then barzolvolimab 150 mg",
                    "Placebo then barzolvolimab 300 mg",
                ],
                [],
            )
        },
    ),
    (
        "NCT04280705",
        ("remdesivir", "placebo"),
        "different_arms",
        {"remdesivir": ("named", ["Remdesivir"], [])},
    ),
    # Recorded with fields=…: no arms at all, so no arm can be stated.
    ("NCT06604689", ("Tagrisso",), "one_treatment", {"Tagrisso": ("named", [], [])}),
    ("NCT06382129", ("BMS-986507", "docetaxel"), "not_stated", {}),
    ("NCT06382129", ("chemotherapy",), "one_treatment", {"chemotherapy": ("named", [], [])}),
    (
        "NCT02710084",
        ("oxytocin", "radiation"),
        "not_all_named",
        {"radiation": ("not_named", [], [])},
    ),
]


@pytest.mark.parametrize(("nct_id", "requested", "verdict", "agents"), REAL_CASES)
def test_real_multi_arm_records(
    nct_id: str, requested: tuple[str, ...], verdict: str, agents: dict[str, Any]
) -> None:
    """It ties treatments to arms in real recorded studies as their records do."""
    combo = combination(real(nct_id), requested)
    assert combo.verdict == verdict
    for name, (state, arms, placebo_arms) in agents.items():
        check = agent(combo, name)
        assert (check.state, check.arms, check.placebo_arms) == (state, arms, placebo_arms)


REQUESTS = [
    ("radiation", "nivolumab"),
    ("radiation", "surgery"),
    ("placebo",),
    ("surgery", "chemotherapy"),
    ("Keytruda",),
    ("growth hormone",),
    ("nivolumab chemotherapy",),
]


@pytest.mark.parametrize("requested", REQUESTS)
def test_no_verdict_beyond_the_record_on_real_studies(requested: tuple[str, ...]) -> None:
    """It says "different arms" only when every treatment is tied to arms, on every real study."""
    studies = shared_records()
    if not studies:
        pytest.skip("the shared recorded responses are not here")
    for study in studies.values():
        combo = combination(study, requested)
        labels = {a.label for a in study.arms}
        for check in combo.agents:
            assert set(check.arms) <= labels or not study.arms, study.nct_id
            if check.state == "not_named":
                assert check.arms == [] and check.matched_names == []
        if combo.verdict == "different_arms":
            assert all(c.arms and not c.not_stated for c in combo.agents), study.nct_id
        if combo.verdict == "together":
            assert combo.together_arms, study.nct_id


@pytest.mark.parametrize("requested", REQUESTS)
def test_list_fields_give_the_same_note_as_whole_records(requested: tuple[str, ...]) -> None:
    """It says the same from a record cut to LIST_FIELDS (what list views fetch) as from all."""
    from pages import filter_record, piece_paths
    from trialfinder.query.pieces import LIST_FIELDS

    metadata = SHARED_CTGOV / "metadata" / "studies-metadata.json"
    if not metadata.exists():
        pytest.skip("the shared metadata is not here")
    paths = piece_paths(json.loads(metadata.read_text(encoding="utf-8")))
    names = [RADIATION_KINDS, PLACEBO_NIVO, SPELLED, UNTIED, CODES, NIVO_CHEMO, CODES_ONLY]
    names += [ISOTOPES, ONE_ARM, NO_RT]
    records = [load_json(name) for name in names]
    records += [
        json.loads(p.read_text(encoding="utf-8")) for p in (SHARED_CTGOV / "studies").glob("*")
    ]
    for record in records:
        lean = parse_study(filter_record(record, LIST_FIELDS, paths))
        assert combination(lean, requested) == combination(parse_study(record), requested)


@pytest.mark.parametrize(
    ("description", "counts"),
    [
        ("Undergo surgical resection", True),
        ("Undergo surgery 4 weeks after chemotherapy", True),
        ("Undergo surgical resection or radiotherapy per standard of care", False),
        ("Undergo surgery and/or radiation therapy", False),
        ("Undergo surgery, or observation", False),
    ],
)
def test_undergo_one_of_a_choice_is_not_given(description: str, counts: bool) -> None:
    """It does not count what an "Undergo …" description offers only as one of a choice."""
    raw = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09900024"},
            "armsInterventionsModule": {
                "armGroups": [{"label": "Care", "interventionNames": ["Other: Usual care"]}],
                "interventions": [
                    {
                        "type": "OTHER",
                        "name": "Usual care",
                        "description": description,
                        "armGroupLabels": ["Care"],
                    }
                ],
            },
        }
    }
    check = agent(combination(parse_study(raw), ("surgery",)), "surgery")
    assert (check.state, check.arms) == (("named", ["Care"]) if counts else ("not_named", []))


@pytest.mark.parametrize(
    "look_alike", ["Placebo matching nivolumab", "Saline matched to nivolumab"]
)
def test_a_look_alike_of_the_drug_is_its_placebo(look_alike: str) -> None:
    """A saline made to match the drug is its placebo, not the drug, in the comparator arm."""
    text = json.dumps(load_json(PLACEBO_NIVO)).replace("Placebo matching nivolumab", look_alike)
    study = parse_study(json.loads(text))
    combo = combination(study, ("radiation", "nivolumab"))
    assert combo.verdict == "together"
    assert combo.together_arms == ["Nivo + RT"]
    nivo = agent(combo, "nivolumab")
    assert nivo.placebo_arms == ["Placebo + RT"]
    assert look_alike in nivo.placebo_names


# -- hyphens, mentions, placebos by other names, evidence per arm (review of issue 12) --------

HYPHENS = "search_hand_made_hyphen_joined_names_5studies.json"
MENTIONS = "search_hand_made_names_that_only_mention_a_treatment_8studies.json"
PLACEBO_OTHER = "search_hand_made_placebos_named_by_other_names_and_blinded_arms_2studies.json"
PER_ARM = "search_hand_made_drug_by_other_names_in_different_arms_1study.json"


def page_study(name: str, nct_id: str) -> Study:
    """One study of a hand-made page in tests/fixtures."""
    raws = load_json(name)["studies"]
    return next(
        parse_study(r)
        for r in raws
        if r["protocolSection"]["identificationModule"]["nctId"] == nct_id
    )


# (page, NCT ID, requested, verdict, {agent: (state, arms, placebo arms, either arms)})
MORE_CASES: list[tuple[str, str, tuple[str, ...], str, dict[str, Any]]] = [
    # Two names joined by a hyphen: each is named.
    (
        HYPHENS,
        "NCT09900051",
        ("carboplatin",),
        "one_treatment",
        {"carboplatin": ("named", ["Chemo"], [], [])},
    ),
    (
        HYPHENS,
        "NCT09900051",
        ("paclitaxel",),
        "one_treatment",
        {"paclitaxel": ("named", ["Chemo"], [], [])},
    ),
    (
        HYPHENS,
        "NCT09900051",
        ("chemotherapy",),
        "one_treatment",
        {"chemotherapy": ("named", ["Chemo"], [], [])},
    ),
    (
        HYPHENS,
        "NCT09900051",
        ("nivolumab", "ipilimumab"),
        "together",
        {"nivolumab": ("named", ["IO"], [], []), "ipilimumab": ("named", ["IO"], [], [])},
    ),
    (HYPHENS, "NCT09900051", ("carboplatin", "nivolumab"), "different_arms", {}),
    (
        HYPHENS,
        "NCT09900052",
        ("nivolumab", "radiation"),
        "together",
        {"nivolumab": ("named", ["A"], [], []), "radiation": ("named", ["A"], [], [])},
    ),
    # "Nivolumab-matched placebo" is a placebo, not the drug.
    (
        HYPHENS,
        "NCT09900053",
        ("Opdivo",),
        "one_treatment",
        {"Opdivo": ("named", ["Nivolumab"], ["Placebo"], [])},
    ),
    # A code stays one word (MK-3475 of Pembro; not MK-3475-189); so do non- and -free.
    (
        HYPHENS,
        "NCT09900054",
        ("pembrolizumab",),
        "one_treatment",
        {"pembrolizumab": ("named", ["Pembro"], [], [])},
    ),
    (
        HYPHENS,
        "NCT09900054",
        ("radiation",),
        "one_treatment",
        {"radiation": ("named", ["Chemoradiation"], [], [])},
    ),
    # Joined to a word that is no treatment: the note cannot tell.
    (
        HYPHENS,
        "NCT09900055",
        ("nivolumab",),
        "one_treatment",
        {"nivolumab": ("cannot_check", [], [], [])},
    ),
    (
        HYPHENS,
        "NCT09900055",
        ("trastuzumab",),
        "one_treatment",
        {"trastuzumab": ("named", ["Doublet"], [], [])},
    ),
    # Names that only mention a treatment give it in no arm.
    (
        MENTIONS,
        "NCT09900061",
        ("chemotherapy",),
        "one_treatment",
        {"chemotherapy": ("cannot_check", [], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900061",
        ("surgery",),
        "one_treatment",
        {"surgery": ("cannot_check", [], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900061",
        ("radiation",),
        "one_treatment",
        {"radiation": ("not_named", [], [], [])},
    ),  # RT spelled out as resistance training
    (
        MENTIONS,
        "NCT09900062",
        ("chemotherapy",),
        "one_treatment",
        {"chemotherapy": ("not_named", [], [], [])},
    ),  # CHOP INTEND, a motor scale
    (
        MENTIONS,
        "NCT09900063",
        ("radiation", "chemotherapy"),
        "cannot_check",
        {"radiation": ("cannot_check", [], [], []), "chemotherapy": ("cannot_check", [], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900064",
        ("chemotherapy", "radiation"),
        "together",
        {
            "chemotherapy": ("named", ["Continuous"], [], []),
            "radiation": ("named", ["Continuous"], [], []),
        },
    ),
    (
        MENTIONS,
        "NCT09900065",
        ("radiation",),
        "one_treatment",
        {"radiation": ("named", ["Treatment"], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900066",
        ("chemotherapy", "radiation"),
        "together",
        {"chemotherapy": ("named", ["Neoadjuvant"], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900066",
        ("chemotherapy", "surgery"),
        "cannot_check",
        {"surgery": ("cannot_check", [], [], [])},
    ),
    # RT and CHOP mean treatment only in the kinds of intervention that give it.
    (
        MENTIONS,
        "NCT09900067",
        ("radiation", "chemotherapy"),
        "cannot_check",
        {"radiation": ("cannot_check", [], [], []), "chemotherapy": ("cannot_check", [], [], [])},
    ),
    (
        MENTIONS,
        "NCT09900068",
        ("radiation", "chemotherapy"),
        "different_arms",
        {"radiation": ("named", ["RT"], [], []), "chemotherapy": ("named", ["CHOP"], [], [])},
    ),
    # A placebo is a placebo whichever of its names names the drug.
    (
        PLACEBO_OTHER,
        "NCT09900071",
        ("nivolumab",),
        "one_treatment",
        {"nivolumab": ("named", ["A", "C"], ["B"], [])},
    ),
    # The drug or its placebo ("Nivolumab/Placebo") in arm C: C may give it, or not.
    (
        PLACEBO_OTHER,
        "NCT09900072",
        ("nivolumab",),
        "one_treatment",
        {"nivolumab": ("named", ["A", "E"], ["B"], ["C"])},
    ),
    (PLACEBO_OTHER, "NCT09900072", ("nivolumab", "ipilimumab"), "different_arms", {}),
    (
        BLINDED,
        "",
        ("radiation", "nivolumab"),
        "not_stated",
        {"nivolumab": ("named", [], [], ["Nivolumab + RT", "Placebo + RT"])},
    ),
    (
        PER_ARM,
        "NCT09900081",
        ("radiation", "nivolumab"),
        "together",
        {"nivolumab": ("named", ["A", "B", "C"], [], [])},
    ),
]


@pytest.mark.parametrize(("page", "nct_id", "requested", "verdict", "agents"), MORE_CASES)
def test_hyphens_mentions_and_placebos(
    page: str, nct_id: str, requested: tuple[str, ...], verdict: str, agents: dict[str, Any]
) -> None:
    """It reads hyphen-joined names, mentions and placebos as the record means them."""
    study = page_study(page, nct_id) if nct_id else fixture_study(page)
    combo = combination(study, requested)
    assert combo.verdict == verdict
    for name, (state, arms, placebo_arms, either_arms) in agents.items():
        check = agent(combo, name)
        got = (check.state, check.arms, check.placebo_arms, check.either_arms)
        assert got == (state, arms, placebo_arms, either_arms)


def test_evidence_is_per_arm() -> None:
    """It keeps, for each arm, only the record's names in that arm."""
    combo = combination(page_study(PER_ARM, "NCT09900081"), ("radiation", "nivolumab"))
    nivo = agent(combo, "nivolumab")
    assert nivo.arm_names == {"A": ["BMS-936558"], "B": ["Nivolumab"], "C": ["Opdivo"]}
    assert agent(combo, "radiation").arm_names == {"A": ["SBRT"], "C": ["SBRT"]}
    combo = combination(fixture_study(OPDIVO_SBRT), ("radiation", "nivolumab"))
    assert agent(combo, "nivolumab").arm_names["SBRT + Opdivo"] == ["Opdivo"]


def test_mentions_and_descriptions_are_quoted() -> None:
    """It shows the names that only mention a treatment, and quotes a description that matched."""
    check = agent(
        combination(page_study(MENTIONS, "NCT09900063"), ("chemotherapy",)), "chemotherapy"
    )
    assert check.mentioned_names == [
        "Scalp cooling during chemotherapy",
        "Filgrastim after chemotherapy",
    ]
    assert check.matched_names == [] and check.arms == []
    step = agent(combination(page_study(MENTIONS, "NCT09900065"), ("radiation",)), "radiation")
    assert step.matched_names == ['Step 1 (description: "Undergo EBRT over 5 weeks")']
    # "Undergo radiation therapy planning CT" plans radiation; it does not give it.
    assert step.arms == ["Treatment"]


def test_a_placebo_shows_the_name_that_says_placebo() -> None:
    """It shows "Study drug placebo" as the placebo, though only its other name names the drug."""
    check = agent(
        combination(page_study(PLACEBO_OTHER, "NCT09900071"), ("nivolumab",)), "nivolumab"
    )
    assert check.placebo_names == ["Study drug placebo", "nivolumab"]
    assert check.arm_names["B"] == ["Study drug placebo", "nivolumab"]
    assert check.arm_names["C"] == ["Nivolumab plus placebo"]


@pytest.mark.parametrize(
    ("requested", "state", "agents"),
    [
        (("nivolumab and",), "one_treatment", ["nivolumab"]),  # joining words left aside
        (("and radiation",), "one_treatment", ["radiation"]),
        (("nivolumab or radiation",), "one_treatment", ["nivolumab or radiation"]),
    ],
)
def test_joining_words_around_one_treatment(
    requested: tuple[str, ...], state: str, agents: list[str]
) -> None:
    """It checks the treatment in a value that only adds joining words to it."""
    combo = combination(fixture_study(OPDIVO_SBRT), requested)
    assert combo.verdict == state
    assert [c.agent for c in combo.agents] == agents
    assert all(c.state != "not_named" for c in combo.agents)


def test_cannot_check_says_which_words_are_named() -> None:
    """It lists the value's words the record names, by every name of a known treatment."""
    check = agent(combination(fixture_study(OPDIVO_SBRT), ("opdivo sbrt",)), "opdivo sbrt")
    assert check.state == "cannot_check"
    assert check.partial_words == ["opdivo", "sbrt"]
    either = "nivolumab or radiation"
    check = agent(combination(fixture_study(OPDIVO_SBRT), (either,)), either)
    assert check.partial_words == ["nivolumab", "radiation"]  # radiation as 'SBRT'
    assert "SBRT" in check.partial_names


def _names_in_arm(study: Study, label: str) -> set[str]:
    """Every name the record ties to one arm: its entries and its interventions' names."""
    arm = next(a for a in study.arms if a.label == label)
    names = {split_entry(e)[1] for e in arm.intervention_names}
    for i in study.interventions:
        tied = (
            label in i.arm_labels
            or any(same_name(i.name, n) for n in names)
            or (len(study.arms) == 1 and not i.arm_labels)
        )
        if tied:
            names |= {n for n in (i.name, *i.other_names) if n}
    return names


EVIDENCE_REQUESTS = [*REQUESTS, ("nivolumab",), ("chemotherapy",), ("radiation", "pembrolizumab")]


@pytest.mark.parametrize("requested", EVIDENCE_REQUESTS)
def test_evidence_names_belong_to_their_arm(requested: tuple[str, ...]) -> None:
    """On every hand-made and real record, each arm's evidence names are in that arm."""
    studies = list(shared_records().values())
    for page in (HYPHENS, MENTIONS, PLACEBO_OTHER, PER_ARM):
        studies += [parse_study(r) for r in load_json(page)["studies"]]
    studies += [fixture_study(n) for n in (OPDIVO_SBRT, PLACEBO_NIVO, BLINDED, SPELLED, UNTIED)]
    for study in studies:
        for check in combination(study, requested).agents:
            tied = {*check.arms, *check.placebo_arms, *check.either_arms}
            assert set(check.arm_names) <= tied, study.nct_id
            for arm, names in check.arm_names.items():
                assert names, (study.nct_id, arm)
                own = _names_in_arm(study, arm)
                for name in names:
                    assert name.split(" (description: ")[0] in own, (study.nct_id, arm, name)
