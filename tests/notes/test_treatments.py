"""Tests for trialfinder.notes.treatments: what names a requested treatment in a record."""

from __future__ import annotations

import pytest

from trialfinder.notes.treatments import condition_context, content_words, split_value, wanted
from trialfinder.query.expand import agent_names

# (kind, record text, counts as that kind)
WORDS = [
    ("radiation", "Whole brain RT", True),
    ("radiation", "WBRT", True),
    ("radiation", "High-Dose-Rate Vaginal Brachytherapy", True),
    ("radiation", "Hypofractionated radiotherapy", True),
    ("radiation", "Stereotactic radiosurgery", True),
    ("radiation", "SBRT", True),
    ("radiation", "External Beam Radiation Therapy", True),
    ("radiation", "Concurrent chemoradiation", True),
    ("radiation", "Computed Tomography", False),
    ("radiation", "Diagnostic Radiology", False),
    ("radiation", "Radiography", False),
    ("radiation", "X-Ray Imaging", False),
    ("radiation", "Magnetic Resonance Imaging", False),
    ("radiation", "RT-PCR test", False),
    ("radiation", "Stereotactic biopsy", False),
    # Radiopharmaceuticals are internal radiation; the same isotopes in a scan are a test.
    ("radiation", "Radioactive iodine", True),
    ("radiation", "Radioactive iodine therapy", True),
    ("radiation", "I-131", True),
    ("radiation", "Iodine-131 ablation", True),
    ("radiation", "Sodium Iodide I 131", True),
    ("radiation", "Iobenguane I-131", True),
    ("radiation", "177Lu-PSMA-617", True),
    ("radiation", "[177Lu]Lu-PSMA-617", True),
    ("radiation", "Lutetium Lu 177 Vipivotide Tetraxetan", True),
    ("radiation", "Lutetium Lu 177 dotatate", True),
    ("radiation", "Pluvicto", True),
    ("radiation", "Radium-223 dichloride", True),
    ("radiation", "Radium Ra 223 Dichloride", True),
    ("radiation", "Xofigo", True),
    ("radiation", "Yttrium-90 radioembolization", True),
    ("radiation", "Y-90 radioembolization", True),
    ("radiation", "Y90 glass microspheres", True),
    ("radiation", "Selective internal radiation therapy", True),
    ("radiation", "Peptide receptor radionuclide therapy", True),
    ("radiation", "Iodine contrast agent", False),
    ("radiation", "Iodinated contrast", False),
    ("radiation", "Iodixanol", False),
    ("radiation", "PET/CT", False),
    ("radiation", "68Ga-PSMA-11 PET/CT", False),
    ("radiation", "I-131 whole body scan", False),
    ("radiation", "Radioactive iodine uptake scan", False),
    ("radiation", "Lu-177 SPECT/CT dosimetry", False),
    ("radiation", "Tc-99m bone scan", False),
    ("radiation", "SIRT1 inhibitor", False),
    ("radiation", "Y-900 compound", False),
    ("radioactive iodine", "Radioactive iodine", True),  # an isotope asked for by name
    ("radioactive iodine", "Radioactive iodine uptake scan", False),
    ("I-131", "Sodium iodide I 131", True),
    ("I-131", "I-131 whole body scan", False),
    ("surgery", "Surgical resection", True),
    ("surgery", "Radical prostatectomy", True),
    ("surgery", "Cytoreductive surgery", True),
    ("surgery", "Lymph node dissection", True),
    ("surgery", "Stereotactic radiosurgery", False),
    ("surgery", "Computed Tomography", False),
    ("surgery", "Biopsy", False),
    ("surgery", "Endoscopy", False),
    ("surgery", "Questionnaire Administration", False),
    ("chemotherapy", "Chemotherapy", True),
    ("chemotherapy", "Carboplatin", True),
    ("chemotherapy", "nab-Paclitaxel", True),
    ("chemotherapy", "FOLFOX", True),
    ("chemotherapy", "5-FU", True),
    ("chemotherapy", "Pembrolizumab", False),
    ("chemotherapy", "Chemokine receptor antagonist", False),
    ("chemotherapy", "folfox-like regimen", False),  # a capitalized acronym only as written
]


# (requested, record text, counts as giving it): named as withheld, or as what it caused
NOT_GIVEN = [
    ("radiation", "Omission of radiotherapy", False),
    ("radiation", "Omission of adjuvant whole breast radiotherapy", False),
    ("radiation", "No radiation therapy", False),
    ("radiation", "Observation without radiotherapy", False),
    ("radiation", "Endocrine therapy instead of radiotherapy", False),
    ("radiation", "Avoidance of radiotherapy", False),
    ("radiation", "Cream for radiation dermatitis", False),
    ("radiation", "Radiotherapy related fatigue program", False),
    ("radiation", "Radiation-free imaging", False),
    ("radiation", "Chemotherapy without radiotherapy, then radiotherapy at relapse", True),
    ("radiation", "Nivolumab with radiotherapy", True),
    ("radiation", "Radiotherapy, no chemotherapy", True),
    ("radiation", "Radiotherapy to the brain: no more than 30 Gy", True),
    ("radiation", "No radioactive iodine", False),
    ("radiation", "Radiotherapy omitted", False),
    ("radiation", "Endocrine therapy alone, radiotherapy omitted", False),
    ("radiation", "Radiotherapy is not given", False),
    ("radiation", "Radiotherapy withheld", False),
    ("radiation", "RT omission", False),
    ("radiation", "Radiotherapy-free", False),
    ("radiation", "RT-free surveillance", False),
    ("radiation", "Radiation-sparing surgery", False),
    ("radiation", "Radiotherapy-naive patients", False),
    ("radiation", "Radiotherapy, then letrozole", True),
    ("radiation", "Radiotherapy boost", True),
    ("radiation", "Thyroid hormone instead of radioactive iodine", False),
    ("surgery", "Avoidance of surgery", False),
    ("surgery", "Non-operative management (no surgery)", False),
    ("surgery", "Surgery", True),
    ("chemotherapy", "Duloxetine for chemotherapy induced neuropathy", False),
    ("chemotherapy", "Chemotherapy-free regimen", False),
    ("chemotherapy", "De-escalated chemotherapy", True),
    ("nivolumab", "Discontinuation of nivolumab", False),
    ("nivolumab", "Stopping nivolumab after 1 year", False),
    ("nivolumab", "Nivolumab without ipilimumab", True),
    ("ipilimumab", "Nivolumab without ipilimumab", False),
]


@pytest.mark.parametrize(("value", "text", "counts"), NOT_GIVEN)
def test_a_treatment_named_as_not_given_does_not_count(value: str, text: str, counts: bool) -> None:
    """It does not count a treatment named only as withheld, stopped or as a side effect's cause."""
    assert wanted(value).search(text) is counts


@pytest.mark.parametrize(("kind", "text", "counts"), WORDS)
def test_vocabulary_words(kind: str, text: str, counts: bool) -> None:
    """It tells each kind of treatment by whole words, not by a fragment of another word."""
    assert wanted(kind).search(text) is counts


# (registry type, intervention name, counts as radiation by its type alone)
BY_TYPE = [
    ("RADIATION", "Stereotactic ablative therapy", True),
    ("RADIATION", "Iodine-125 seeds", True),
    ("RADIATION", "FDG-PET/CT", False),
    ("RADIATION", "PET-CT", False),
    ("RADIATION", "Computed tomography", False),
    ("RADIATION", "Bone scan", False),
    ("RADIATION", "Chest X-ray", False),
    ("RADIATION", "DEXA", False),
    ("RADIATION", "Omission of radiotherapy", False),
    ("RADIATION", "Radiotherapy omitted", False),
    ("RADIATION", "Radiotherapy-free", False),
    ("RADIATION", "RT-free surveillance", False),
    ("RADIATION", "Radiation-sparing follow-up", False),
    ("RADIATION", "Radiotherapy is not given", False),
    ("RADIATION", "Free-breathing technique", True),
    ("PROCEDURE", "Stereotactic ablative therapy", False),
]


@pytest.mark.parametrize(("kind", "name", "counts"), BY_TYPE)
def test_registry_type_alone_is_not_an_imaging_test(kind: str, name: str, counts: bool) -> None:
    """It counts the type RADIATION as radiation, except for a scan or X-ray registered so."""
    assert wanted("radiation").typed_as(kind, name) is counts


def test_radiation_counts_the_registry_type() -> None:
    """It counts any RADIATION intervention as radiation, and no type as surgery."""
    assert wanted("radiation").registry_types == ("RADIATION",)
    assert wanted("surgery").registry_types == ()


# (requested, record text, names it): a code however it is spaced, never inside another code
CODE_NAMES = [
    ("pembrolizumab", "MK-3475", True),
    ("pembrolizumab", "MK 3475", True),
    ("pembrolizumab", "MK3475", True),
    ("pembrolizumab", "mk-3475", True),
    ("pembrolizumab", "Pembrolizumab (MK-3475)", True),
    ("pembrolizumab", "SCH900475", True),
    ("Keytruda", "MK-3475 200 mg", True),
    ("nivolumab", "BMS936558", True),
    ("nivolumab", "ONO 4538", True),
    ("nivolumab", "MDX-1106", True),
    ("MK-3475", "Pembrolizumab", True),
    ("MK 3475", "Keytruda", True),
    ("ipilimumab", "MDX-010", True),
    ("pembrolizumab", "MK-34750", False),
    ("pembrolizumab", "MK-34753", False),
    ("pembrolizumab", "XMK-3475", False),
    ("pembrolizumab", "MK-3475-189 study drug", False),  # a study code, not the drug's name
    ("pembrolizumab", "MK-1308", False),
    ("nivolumab", "BMS-986016", False),
    ("ipilimumab", "MDX-0101", False),
]


@pytest.mark.parametrize(("value", "text", "names"), CODE_NAMES)
def test_code_names_match_however_spaced(value: str, text: str, names: bool) -> None:
    """It finds a drug by its code names, spaced any way, never inside a longer code."""
    assert wanted(value).search(text) is names


def test_class_words_read_with_the_condition() -> None:
    """It reads immunotherapy as the search did: by the condition, else as typed."""
    assert agent_names("immunotherapy") == ("immunotherapy",)
    myeloma = agent_names("immunotherapy", ("multiple myeloma",))
    assert "daratumumab" in myeloma and "Darzalex" in myeloma
    assert "pembrolizumab" not in myeloma
    assert "blinatumomab" in wanted("immunotherapy", conditions=condition_context(("ALL",))).names


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("nivolumab chemotherapy", ("nivolumab", "chemotherapy")),
        ("RT + pembrolizumab", ("RT", "pembrolizumab")),
        ("Opdivo and radiation", ("Opdivo", "radiation")),
        ("Keytruda, carboplatin", ("Keytruda", "carboplatin")),
        ("radiation therapy", None),  # one known name
        ("stereotactic body radiation therapy", None),  # one form of radiation
        ("whole brain radiotherapy", None),
        ("proton beam therapy", None),
        (
            "nivolumab stereotactic body radiation therapy",
            ("nivolumab", "stereotactic body radiation therapy"),
        ),
        (
            "whole-brain radiotherapy and pembrolizumab",
            ("whole-brain radiotherapy", "pembrolizumab"),
        ),
        ("nivolumab", None),
        ("nivolumab maintenance", None),  # an unknown word: cannot be split safely
        ("growth hormone", None),
        ("inotuzumab ozogamicin", None),
        ("PD-1 inhibitor", None),
    ],
)
def test_split_value(value: str, parts: tuple[str, ...] | None) -> None:
    """It splits a value into treatments only when every word belongs to a known name."""
    assert split_value(value) == parts


def test_placebo_asked_for_counts_placebos() -> None:
    """It lets a request for a placebo match placebos."""
    assert wanted("placebo").placebo
    assert not wanted("nivolumab").placebo


# (value, record text, names it): one form of a treatment, by every name it goes by, whole
FORMS = [
    ("stereotactic body radiation therapy", "SBRT", True),
    ("stereotactic body radiation therapy", "Stereotactic Ablative Radiotherapy (SABR)", True),
    ("stereotactic body radiation therapy", "Stereotactic body radiotherapy", True),
    ("SBRT", "Stereotactic body radiation therapy", True),
    ("SABR", "SBRT", True),
    ("whole brain radiotherapy", "Whole-brain radiation therapy", True),
    ("whole brain radiotherapy", "WBRT", True),
    ("WBRT", "Whole brain irradiation", True),
    ("proton beam therapy", "Proton therapy", True),
    ("intensity-modulated radiation therapy", "IMRT", True),
    ("stereotactic body radiation therapy", "Radiation therapy", False),  # which form: unsaid
    ("stereotactic body radiation therapy", "Whole brain radiotherapy", False),
    ("stereotactic body radiation therapy", "Stereotactic biopsy", False),
    ("whole brain radiotherapy", "SBRT to brain metastases", False),
    ("whole brain radiotherapy", "Hippocampal-avoidance whole brain radiotherapy", True),
    ("whole brain radiotherapy", "No whole brain radiotherapy", False),
    ("proton beam therapy", "Photon radiotherapy", False),
    ("proton beam therapy", "Stereotactic body radiation therapy", False),
]


@pytest.mark.parametrize(("value", "text", "names"), FORMS)
def test_one_form_of_a_treatment_by_all_its_names(value: str, text: str, names: bool) -> None:
    """It looks for a form of a treatment (SBRT, WBRT) by its names, not by its words."""
    want = wanted(value)
    assert want.whole and want.treatment_type is None
    assert want.search(text) is names


@pytest.mark.parametrize(
    ("value", "known"),
    [
        ("stereotactic body radiation therapy", True),
        ("Whole-Brain Radiotherapy", True),
        ("proton beam therapy", True),
        ("radioactive iodine", True),
        ("inotuzumab ozogamicin", True),
        ("nivolumab maintenance", False),
        ("stereotactic body radiation therapy boost", False),
    ],
)
def test_known_names_are_one_treatment(value: str, known: bool) -> None:
    """It knows which values of several words are one treatment from the table or vocabulary."""
    assert wanted(value).whole is known


def test_content_words() -> None:
    """It leaves out joining words when looking for part of a value."""
    assert content_words("nivolumab and maintenance of dose") == (
        "nivolumab",
        "maintenance",
        "dose",
    )


# (requested, record text, reading): a hyphen joins two names, or makes one longer word
HYPHEN_READINGS = [
    ("carboplatin", "Carboplatin-Paclitaxel", "given"),
    ("paclitaxel", "Carboplatin-Paclitaxel", "given"),
    ("chemotherapy", "Carboplatin-Paclitaxel", "given"),
    ("nivolumab", "Nivolumab-Ipilimumab", "given"),
    ("ipilimumab", "Nivolumab-Ipilimumab", "given"),
    ("nivolumab", "Nivolumab-based immunotherapy", "given"),
    ("radiation", "Radiotherapy-based local control", "given"),
    ("nivolumab", "Nivolumab-matched placebo", "given"),  # a placebo: see names_placebo
    ("trastuzumab", "Trastuzumab-Pertuzumab", "given"),  # a drug by its stem
    ("radiation", "Chemo-radiation", "given"),
    ("pembrolizumab", "MK-3475", "given"),
    ("pembrolizumab", "Pembrolizumab (MK-3475)", "given"),
    ("pembrolizumab", "MK-3475-189 study drug", None),  # a code holding the code
    ("pembrolizumab", "MK-3475-\uff11\uff18\uff19 study drug", None),  # in full-width digits
    ("radiation", "Non-radiation control", None),
    ("radiation", "Re-irradiation", None),
    ("paclitaxel", "nab-Paclitaxel", None),  # another product's name
    ("radiation", "RT-PCR test", None),
    ("radiation", "Radiotherapy-free surveillance", "withheld"),
    ("radiation", "RT-sparing surgery", "withheld"),
    ("radiation", "Radiation-induced fibrosis", "withheld"),
    ("nivolumab", "Nivolumab-refractory cohort", "mention"),
    ("trastuzumab", "Trastuzumab-emtansine", "mention"),  # another drug (T-DM1)
]


@pytest.mark.parametrize(("value", "text", "reading"), HYPHEN_READINGS)
def test_hyphen_joined_names(value: str, text: str, reading: str | None) -> None:
    """It names both names joined by a hyphen, and neither inside a code or a longer word."""
    assert wanted(value).read(text) == reading
    assert wanted(value).search(text) is (reading == "given")


# (requested, record text, reading): names that mention a treatment without giving it
MENTION_READINGS = [
    ("chemotherapy", "Chemotherapy education session", "mention"),
    ("surgery", "Surgery education video", "mention"),
    ("radiation", "Radiation oncology consultation", "mention"),
    ("radiation", "Radiotherapy planning CT", "mention"),
    ("radiation", "Undergo radiation therapy planning CT", "mention"),
    ("radiation", "Prophylactic antiemetic before radiotherapy", "mention"),
    ("chemotherapy", "Scalp cooling during chemotherapy", "mention"),
    ("chemotherapy", "Filgrastim after chemotherapy", "mention"),
    ("chemotherapy", "Antiemetic for chemotherapy", "mention"),
    ("radiation", "Deferred radiotherapy", "mention"),
    ("radiation", "Radiotherapy delayed until progression", "mention"),
    ("surgery", "Chemotherapy before surgery", "mention"),
    ("chemotherapy", "Chemo holiday", "withheld"),
    ("chemotherapy", "Interruption of chemotherapy", "withheld"),
    ("radiation", "Resistance training (RT)", None),  # RT spelled out as something else
    ("chemotherapy", "CHOP INTEND assessment", None),  # a motor scale
    ("chemotherapy", "CHOP-INTEND score", None),
    # Still given:
    ("chemotherapy", "Chemotherapy before surgery", "given"),
    ("radiation", "Radiation therapy (RT)", "given"),
    ("radiation", "Stereotactic body radiation therapy (SBRT)", "given"),
    ("chemotherapy", "R-CHOP", "given"),
    ("chemotherapy", "CHOP", "given"),
    ("radiation", "Cisplatin for 6 weeks with concurrent radiotherapy", "given"),
    ("chemotherapy", "Cisplatin for 6 weeks concurrent with radiotherapy", "given"),
    ("radiation", "Radiotherapy, then education", "given"),
    ("surgery", "Surgery after neoadjuvant chemotherapy", "given"),
    ("chemotherapy", "Surgery after neoadjuvant chemotherapy", "mention"),
]


@pytest.mark.parametrize(("value", "text", "reading"), MENTION_READINGS)
def test_names_that_only_mention_a_treatment(value: str, text: str, reading: str | None) -> None:
    """It tells a name that gives a treatment from one that only mentions it."""
    assert wanted(value).read(text) == reading


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("RADIATION", "Radiation oncology consultation"),
        ("RADIATION", "Treatment planning"),
        ("RADIATION", "Deferred radiotherapy"),
        ("RADIATION", "Radiotherapy education"),
    ],
)
def test_registry_type_does_not_make_a_mention_a_treatment(kind: str, name: str) -> None:
    """It does not count a visit, plan or class registered as RADIATION as radiation."""
    assert not wanted("radiation").typed_as(kind, name)


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("nivolumab and", ("nivolumab",)),
        ("and radiation", ("radiation",)),
        ("Opdivo +", ("Opdivo",)),
        ("the nivolumab", None),  # "the" is not a joining word
        ("nivolumab or radiation", None),  # a choice, not several treatments
    ],
)
def test_split_value_leaves_joining_words_aside(value: str, parts: tuple[str, ...] | None) -> None:
    """It reads a value of one treatment and joining words as that treatment."""
    assert split_value(value) == parts


@pytest.mark.parametrize(
    ("value", "text", "registry_type", "reading"),
    [
        ("radiation", "RT", "RADIATION", "given"),
        ("radiation", "Nivolumab + RT", "OTHER", "given"),
        ("radiation", "RT", None, "given"),  # the type unknown: as written
        ("radiation", "RT Group exercise", "BEHAVIORAL", "mention"),
        ("radiation", "Tiotropium (Spiriva) RT", "DRUG", "mention"),
        ("radiation", "Radiotherapy", "DRUG", "given"),  # not an acronym
        ("chemotherapy", "CHOP", "DRUG", "given"),
        ("chemotherapy", "R-CHOP", "BIOLOGICAL", "given"),
        ("chemotherapy", "CHOP nutrition protocol", "OTHER", "mention"),
    ],
)
def test_ambiguous_acronyms_by_registry_type(
    value: str, text: str, registry_type: str | None, reading: str
) -> None:
    """It counts RT or CHOP only in an intervention of a kind that gives the treatment."""
    assert wanted(value).read(text, registry_type) == reading
