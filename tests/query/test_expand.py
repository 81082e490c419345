"""Tests for trialfinder.query.expand: by field, whole phrases, classes, an agent's names."""

from __future__ import annotations

import re

import pytest

from trialfinder.query.build import SearchQuery
from trialfinder.query.expand import agent_names, expand_value, synonyms
from trialfinder.query.lexicon import load_table

ALL_PHRASES = (
    '"acute lymphoblastic leukemia" OR "acute lymphocytic leukemia" OR "B-ALL" OR "T-ALL" '
    'OR "Ph+ ALL" OR "pre-B ALL"'
)
PD1 = "pembrolizumab OR nivolumab OR cemiplimab OR dostarlimab OR toripalimab OR tislelizumab"


def sent(value: str, field: str, conditions: tuple[str, ...] = ()) -> str:
    return expand_value(value, field, conditions).text


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        ("ALL", "condition", ALL_PHRASES),
        ("relapsed ALL", "condition", f"relapsed ({ALL_PHRASES})"),
        ("AML", "condition", '"acute myeloid leukemia" OR "acute myelogenous leukemia"'),
        (
            "NSCLC",
            "condition",
            'NSCLC OR "non-small cell lung cancer" OR "non-small cell lung carcinoma"',
        ),
        ("MDS", "condition", '"myelodysplastic syndrome" OR "myelodysplastic syndromes"'),
        ("Keytruda", "intervention", "Keytruda OR pembrolizumab"),
        ("keytruda", "intervention", "keytruda OR pembrolizumab"),
        ("Besponsa", "intervention", 'Besponsa OR "inotuzumab ozogamicin"'),
        ("PD-1 inhibitor", "intervention", f'"PD-1" OR {PD1} OR retifanlimab'),
        ("PD-1 inhibitors", "intervention", f'"PD-1" OR {PD1} OR retifanlimab'),
        ("CTLA-4", "intervention", '"CTLA-4" OR ipilimumab OR tremelimumab'),
    ],
)
def test_expansions_sent_as_or_group(value: str, field: str, expected: str) -> None:
    """It sends the registry's terms as one OR group, phrases quoted."""
    assert sent(value, field) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MK-3475", '"MK-3475" OR pembrolizumab'),
        ("MK 3475", '"MK 3475" OR pembrolizumab'),
        ("MK3475", "MK3475 OR pembrolizumab"),
        ("BMS-936558", '"BMS-936558" OR nivolumab'),
        ("SCH 900475", '"SCH 900475" OR pembrolizumab'),
        ("MK-34750", "MK-34750"),  # another code: never a piece of a longer one
        ("pembrolizumab", "pembrolizumab"),  # a generic name is sent as typed, codes not added
    ],
)
def test_a_code_name_is_searched_with_its_generic_name(value: str, expected: str) -> None:
    """It sends a typed code name with its generic name, and says where that comes from."""
    result = expand_value(value, "intervention")
    assert result.text == expected
    for made in result.expansions:
        assert made.source.startswith("NCI Drug Dictionary: ")
        assert made.describe().startswith(f"{value} → {value}, ")


def test_all_never_reaches_the_api_bare() -> None:
    """ALL is sent as its phrases only: the bare word also matches 'all comers'."""
    for value in ("ALL", "relapsed ALL", "B-cell ALL in adults"):
        text = sent(value, "condition")
        assert not re.search(r'(?<!["\w+-])ALL(?![\w"])', text), text
        assert '"acute lymphoblastic leukemia"' in text


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("all comers", "condition"),  # lower case: the word, not the leukemia
        ("Keytruda", "condition"),  # a drug name is not expanded as a condition
        ("ALL", "intervention"),  # nor a disease as a treatment
        ("Keytruda OR nivolumab", "intervention"),  # the user's own syntax stays untouched
        ('"ALL"', "condition"),
        ("pembrolizumab", "intervention"),
        ("ALLERGY", "condition"),  # whole words only
        ("ALL-1 fusion", "condition"),
        ("PD-L1 positive", "term"),  # other terms: a biomarker, not a list of drugs
        ("Keytruda", "term"),
        ("ALL", "term"),
    ],
)
def test_not_expanded(value: str, field: str) -> None:
    """It leaves alone words, wrong fields, partial words, Essie syntax and other terms."""
    result = expand_value(value, field)
    assert (result.text, result.expansions) == (value, [])


@pytest.mark.parametrize(
    ("typed", "capitals"), [("all", "ALL"), ("All", "ALL"), ("aml", "AML"), ("nsclc", "NSCLC")]
)
def test_lower_case_acronym_searched_as_typed_with_a_hint(typed: str, capitals: str) -> None:
    """A known acronym not in capitals is searched as typed; the hint says how to ask."""
    result = expand_value(typed, "condition")
    assert result.text == typed and result.expansions == []
    assert len(result.hints) == 1
    assert f"write {capitals} in capitals" in result.hints[0]
    assert next(e for e in load_table() if e.term == capitals).expansions[0] in result.hints[0]


@pytest.mark.parametrize(
    ("acronym", "meanings"),
    [
        ("MS", "multiple sclerosis / mitral stenosis"),
        ("MM", "multiple myeloma / malignant melanoma / malignant mesothelioma"),
    ],
)
def test_ambiguous_acronym_not_expanded_but_disclosed(acronym: str, meanings: str) -> None:
    """It sends an ambiguous acronym as typed and says which meanings it could have."""
    result = expand_value(acronym, "condition")
    assert result.text == acronym
    assert result.expansions[0].terms == ()
    assert result.expansions[0].describe() == (
        f"{acronym} is ambiguous ({meanings}): searched as typed; write the full name to be sure"
    )


@pytest.mark.parametrize(
    "value",
    ["CAR-T cell therapy", "CAR T-cell therapy", "CAR-T cells", "CAR-T therapy", "CAR T"],
)
def test_words_of_the_concept_are_absorbed(value: str) -> None:
    """'cell therapy', 'therapy', 'cells' belong to CAR-T: not required as extra words."""
    result = expand_value(value, "intervention")
    assert result.text.startswith('"CAR')
    assert "tisagenlecleucel" in result.text and "obecabtagene autoleucel" in result.text
    assert "therapy" not in result.text and result.notices == []
    assert [e.original for e in result.expansions] == [value]


@pytest.mark.parametrize(
    ("value", "rest"),
    [("Keytruda plus chemotherapy", "plus chemotherapy"), ("oral EGFR inhibitors", "oral")],
)
def test_other_leftover_words_stay_and_are_disclosed(value: str, rest: str) -> None:
    """Words outside the concept stay required, and the user is told."""
    result = expand_value(value, "intervention")
    assert rest in result.text
    assert result.notices == [
        f"In the intervention '{value}', the other words ('{rest}') must also appear."
    ]


def test_class_word_follows_the_condition() -> None:
    """'immunotherapy' means different drugs for ALL, for myeloma and for solid tumours."""
    for_all = SearchQuery.build(condition="ALL", intervention="immunotherapy")
    intr = for_all.to_params()["query.intr"]
    assert "blinatumomab" in intr and '"inotuzumab ozogamicin"' in intr
    assert "tisagenlecleucel" in intr and "pembrolizumab" not in intr
    (made,) = [e for e in for_all.expansions() if e.field == "intervention"]
    assert made.context == "acute lymphoblastic leukemia"
    assert "for acute lymphoblastic leukemia" in made.describe()

    myeloma = SearchQuery.build(condition="multiple myeloma", intervention="immunotherapy")
    assert "daratumumab" in myeloma.to_params()["query.intr"]

    lung = SearchQuery.build(condition="lung cancer", intervention="immunotherapy")
    assert "pembrolizumab" in lung.to_params()["query.intr"]
    assert "blinatumomab" not in lung.to_params()["query.intr"]


def test_class_word_without_a_known_condition_is_searched_as_typed() -> None:
    """With no condition to choose by, the word is searched as itself, and that is said."""
    for condition in (None, "asthma"):
        query = SearchQuery.build(condition=condition, intervention="immunotherapy")
        assert query.to_params()["query.intr"] == "immunotherapy"
        assert query.expansions() == [] or all(e.field == "condition" for e in query.expansions())
        assert "depends on the disease" in query.notices()[0]


def test_disclosure_line() -> None:
    """It describes each rewrite with its source, and says when the bare word is left out."""
    (made,) = expand_value("ALL", "condition").expansions
    assert made.describe() == (
        "ALL → acute lymphoblastic leukemia, acute lymphocytic leukemia, B-ALL, T-ALL, "
        "Ph+ ALL, pre-B ALL (NCI Thesaurus C3167; ALL alone is not searched: it is also a word)"
    )


def test_query_expands_and_discloses() -> None:
    """It expands every field of a query and lists the rewrites once each."""
    query = SearchQuery.build(condition="ALL", intervention=["Blincyto", "Besponsa"], status="all")
    assert query.to_params()["query.intr"] == (
        '(Blincyto OR blinatumomab) AND (Besponsa OR "inotuzumab ozogamicin")'
    )
    assert [e.original for e in query.expansions()] == ["ALL", "Blincyto", "Besponsa"]


def test_no_expand_sends_as_typed() -> None:
    """It sends exactly what was typed when expansion is off, and discloses nothing."""
    query = SearchQuery.build(condition="ALL", intervention="Keytruda", expand=False)
    assert query.to_params()["query.cond"] == "ALL"
    assert query.to_params()["query.intr"] == "Keytruda"
    assert query.expansions() == [] and query.hints() == []


def test_synonyms_for_matching_records() -> None:
    """It gives the typed name and its generic names for matching interventions."""
    assert synonyms("Keytruda") == ("Keytruda", "pembrolizumab")
    assert synonyms("radiation") == ("radiation",)


@pytest.mark.parametrize(
    "brand",
    ["Keytruda", "Opdivo", "Alecensa", "Blincyto", "Besponsa", "Kymriah", "Tecentriq", "Imfinzi"],
)
def test_issue_brands_present(brand: str) -> None:
    """It ships every brand name the issue lists."""
    assert expand_value(brand, "intervention").expansions, brand


@pytest.mark.parametrize("value", ["Keytruda für Melanom", "KEYTRUDA", "Keytrudas"])
def test_terms_found_in_any_case_and_beside_other_scripts(value: str) -> None:
    """It finds a brand in capitals, as a plural, and in a value that is not all ASCII."""
    assert "pembrolizumab" in expand_value(value, "intervention").text


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Opdivo", ("Opdivo", "nivolumab", "BMS-936558", "MDX-1106", "ONO-4538")),
        ("nivolumab", ("nivolumab", "Opdivo", "BMS-936558", "MDX-1106", "ONO-4538")),
        ("NIVOLUMAB", ("NIVOLUMAB", "Opdivo", "BMS-936558", "MDX-1106", "ONO-4538")),
        ("MK-3475", ("MK-3475", "pembrolizumab", "Keytruda", "SCH 900475")),
        ("MK 3475", ("MK 3475", "pembrolizumab", "Keytruda", "SCH 900475")),
        ("MK-34750", ("MK-34750",)),  # another code, not in the table
        ("Yervoy", ("Yervoy", "ipilimumab", "MDX-010")),
        ("Besponsa", ("Besponsa", "inotuzumab ozogamicin")),
        ("inotuzumab ozogamicin", ("inotuzumab ozogamicin", "Besponsa")),
        ("CTLA-4", ("CTLA-4", "ipilimumab", "tremelimumab", "Yervoy", "MDX-010")),
        ("remdesivir", ("remdesivir",)),
        ("MS", ("MS",)),  # ambiguous acronyms stay as typed
    ],
)
def test_agent_names_both_ways(value: str, names: tuple[str, ...]) -> None:
    """It gives every name of an agent whichever was typed: brand → generic and back."""
    assert agent_names(value) == names


def test_a_brand_with_other_words_is_not_the_brand() -> None:
    """It gives only the value itself when the brand is not the whole value."""
    assert agent_names("Keytruda maintenance") == ("Keytruda maintenance",)


def test_a_class_never_comes_back_from_one_agent() -> None:
    """It does not widen nivolumab to every PD-1 inhibitor."""
    assert "pembrolizumab" not in agent_names("nivolumab")
