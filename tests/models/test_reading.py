"""Tests for trialfinder.models.reading: v2 study documents read into flat, tolerant records."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import STUDIES_URL, full_study, load_json
from conftest import melanoma_stream as _stream
from trialfinder.errors import InvalidStudy, TrialFinderError
from trialfinder.models.reading import nct_id_of, parse_study, read_page, read_page_json
from trialfinder.models.records import ENROLLMENT_UNKNOWN, Study


def test_full_record_is_flattened() -> None:
    """It pulls every documented field out of the nested modules."""
    s = full_study()
    assert s.nct_id == "NCT02013167"
    assert s.url == "https://clinicaltrials.gov/study/NCT02013167"
    assert s.title == "Pembrolizumab and Radiation Therapy in Relapsed Multiple Myeloma"
    assert s.official_title and s.official_title.endswith("A Multicenter Study")
    assert s.acronym == "PEMRAD"
    assert s.status == "RECRUITING"
    assert s.phases == ["PHASE1", "PHASE2"]
    assert s.study_type == "INTERVENTIONAL"
    assert s.conditions == ["Multiple Myeloma", "Plasma Cell Neoplasm"]
    assert s.keywords == ["PD-1", "radiotherapy"]
    assert s.lead_sponsor == "Mayo Clinic"
    assert s.collaborators == ["Merck Sharp & Dohme LLC"]
    assert (s.start_date, s.primary_completion_date, s.completion_date) == (
        "2023-03-15",
        "2026-12",
        "2027-06",
    )
    assert (s.first_posted, s.last_updated, s.status_verified) == (
        "2023-02-01",
        "2025-10-20",
        "2025-10",
    )
    assert s.enrollment == 40
    assert s.has_results is False
    assert s.brief_summary and "Pembrolizumab" in s.brief_summary


def test_interventions_and_arms() -> None:
    """It keeps intervention types, other names and the arms that receive them."""
    s = full_study()
    pembro = s.interventions[0]
    assert (pembro.type, pembro.name) == ("DRUG", "Pembrolizumab")
    assert pembro.other_names == ["MK-3475", "Keytruda"]
    assert pembro.arm_labels == ["Pembrolizumab + RT"]
    arm = s.arms[0]
    assert (arm.label, arm.type) == ("Pembrolizumab + RT", "EXPERIMENTAL")
    assert arm.intervention_names == ["Drug: Pembrolizumab", "Radiation: Radiation therapy"]


def test_eligibility_locations_contacts() -> None:
    """It reads eligibility, sites with their own status and coordinates, and contacts."""
    s = full_study()
    e = s.eligibility
    assert (e.minimum_age, e.maximum_age, e.sex, e.healthy_volunteers) == (
        "18 Years",
        "80 Years",
        "ALL",
        False,
    )
    assert e.std_ages == ["ADULT", "OLDER_ADULT"]
    assert e.criteria and e.criteria.startswith("Inclusion Criteria:")
    mayo = s.locations[0]
    assert (mayo.facility, mayo.city, mayo.state, mayo.zip, mayo.country, mayo.status) == (
        "Mayo Clinic",
        "Rochester",
        "Minnesota",
        "55905",
        "United States",
        "RECRUITING",
    )
    assert (mayo.latitude, mayo.longitude) == (44.02163, -92.4699)
    assert mayo.contacts[0].phone == "555-0100"
    assert s.central_contacts[0].email == "trials@example.org"


def test_missing_modules_give_empty_values() -> None:
    """It reads a record that has only its identification module."""
    s = parse_study(load_json("study_NCT00000102_missing_modules.json"))
    assert s.nct_id == "NCT00000102"
    assert s.title and s.title.startswith("Congenital Adrenal")
    assert s.status is None and s.phases == [] and s.locations == [] and s.arms == []
    assert s.eligibility.minimum_age is None and s.enrollment is None


def test_surprising_values_are_tolerated_field_by_field() -> None:
    """It keeps unknown enum values and empties only the fields of the wrong type."""
    s = parse_study(load_json("study_NCT05555555_surprising_values.json"))
    assert s.status == "SOME_NEW_STATUS"
    assert s.phases == ["PHASE5"]
    assert s.interventions[0].type == "GENE_THERAPY_NEW"
    assert s.arms[0].type == "OTHER_NEW_TYPE"
    assert s.start_date == "2024" and s.primary_completion_date == "2025-05"
    assert s.enrollment is None  # "forty"
    assert s.keywords == ["not-a-list"]
    assert len(s.locations) == 1  # "garbage" and null dropped, the real site kept
    assert s.locations[0].latitude is None and s.locations[0].longitude is None
    assert s.has_results is None


@pytest.mark.parametrize("count", [ENROLLMENT_UNKNOWN, -1, float("nan"), True])
def test_enrollment_sentinel_means_unknown(count: object) -> None:
    """It reads the registry's 99999999 placeholder, and nonsense counts, as unknown."""
    raw = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    raw["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = count
    assert parse_study(raw).enrollment is None


def test_nct_id_normalized_in_records() -> None:
    """It normalizes an NCT ID written in lower case."""
    raw = {"protocolSection": {"identificationModule": {"nctId": "nct01234567"}}}
    assert parse_study(raw).nct_id == "NCT01234567"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "NCT01234567",
        {},
        {"protocolSection": None},
        {"protocolSection": {"identificationModule": {"nctId": 12345678}}},
        {"protocolSection": {"identificationModule": {"nctId": "not an id"}}},
    ],
)
def test_records_without_usable_id_are_rejected(raw: object) -> None:
    """It raises InvalidStudy, a TrialFinderError, for a record it cannot identify."""
    with pytest.raises(InvalidStudy):
        parse_study(raw)
    assert issubclass(InvalidStudy, TrialFinderError)


def test_nct_id_of_names_failed_records() -> None:
    """It finds the ID of a record when it can, for naming a skipped study."""
    assert nct_id_of({"protocolSection": {"identificationModule": {"nctId": "NCT01234567"}}}) == (
        "NCT01234567"
    )
    assert nct_id_of({"x": 1}) is None
    assert nct_id_of("junk") is None


def test_a_page_keeps_an_unreadable_record_in_its_place() -> None:
    """It puts a typed UnreadableStudy where a record cannot be read, with no ID it lacks."""
    from trialfinder.models.reading import UnreadableStudy, read_page

    good = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")
    bad_id = {"protocolSection": {"identificationModule": {"nctId": "NCT123"}}}
    page = read_page({"studies": [bad_id, good, 7], "totalCount": 3})
    first, second, third = page.records
    assert first == UnreadableStudy(nct_id=None)
    assert isinstance(second, Study) and second.nct_id == "NCT02013167"
    assert third == UnreadableStudy(nct_id=None)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cyclic_collector_rests_while_a_page_is_read_and_is_restored(
    no_pacing: None, monkeypatch: pytest.MonkeyPatch, enabled_before: bool
) -> None:
    """It pauses gc while a page's bytes become records, never while the consumer runs."""
    import gc

    import trialfinder.models.reading as models_module

    during_read: list[bool] = []
    during_use: list[bool] = []
    real_read = models_module._read_page_json

    def watching_read(body: bytes) -> Any:
        during_read.append(gc.isenabled())
        return real_read(body)

    monkeypatch.setattr(models_module, "_read_page_json", watching_read)
    stream, api = _stream(1500)
    if not enabled_before:
        gc.disable()
    try:
        with responses.RequestsMock() as rsps:
            rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
            for _ in stream:
                during_use.append(gc.isenabled())
        after = gc.isenabled()
    finally:
        gc.enable()
    assert during_read == [False, False]
    assert len(during_use) == 1500 and set(during_use) == {enabled_before}
    assert after is enabled_before


def test_objects_a_program_froze_stay_frozen(no_pacing: None) -> None:
    """It leaves gc.freeze() alone when the program uses it, and freezes nothing itself."""
    import gc

    stream, api = _stream(1500)
    assert gc.get_freeze_count() == 0
    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, STUDIES_URL, callback=api.callback)
        assert len(list(_stream(1500)[0])) == 1500
        assert gc.get_freeze_count() == 0
        # Objects the program keeps alive and freezes: they must still be frozen after a read.
        # (The count itself may fall while reading: a frozen object that is freed leaves it.)
        kept = [{} for _ in range(10_000)]
        gc.freeze()
        try:
            assert gc.get_freeze_count() >= len(kept)
            assert len(list(stream)) == 1500
            assert gc.get_freeze_count() >= len(kept)
        finally:
            gc.unfreeze()
            del kept


# -- property tests: any mutation of a real-shaped study either reads or fails cleanly -------

BASE = load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json")


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


ALL_PATHS = paths(BASE)


#: Any character UTF-8 can encode (all but surrogates), as ``st.text()`` draws by default. Said
#: by category, not by codec: for a codec Hypothesis first tries every one of the 1.1 million
#: code points (~1.3 s where .hypothesis/ has no table yet: a new clone).
CHARS = st.characters(exclude_categories=["Cs"])


odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(CHARS, max_size=20),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Co", "Cs", "Zl", "Zp"]), max_size=10),
    st.just("x" * 100_000),
    st.just("\x1b]0;title\x07\u202e"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(CHARS, max_size=5), st.integers(), max_size=3),
)


mutation = st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["delete", "replace"]), odd_values)


def mutate(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "delete":
        if isinstance(parent, dict):
            parent.pop(last, None)
        elif isinstance(parent, list) and last < len(parent):
            parent.pop(last)
    else:
        parent[last] = value
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_studies_normalize_or_fail_cleanly(mutations: list[tuple[Any, str, Any]]) -> None:
    """It returns a Study or raises a TrialFinderError, never anything else."""
    doc = copy.deepcopy(BASE)
    for path, how, value in mutations:
        try:
            doc = mutate(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    try:
        study = parse_study(doc)
    except TrialFinderError:
        return
    assert isinstance(study, Study)
    assert study.url.endswith(study.nct_id)
    study.model_dump(mode="json")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(
            st.none(), st.booleans(), st.integers(), st.floats(), st.text(CHARS, max_size=10)
        ),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(CHARS, max_size=10), children, max_size=3)
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_never_escapes(doc: Any) -> None:
    """It treats any JSON value as a study or an InvalidStudy, never crashing."""
    with contextlib.suppress(TrialFinderError):
        parse_study(doc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=6))
def test_a_page_reads_the_same_from_its_bytes_as_decoded(
    mutations: list[tuple[Any, str, Any]],
) -> None:
    """It reads a page's bytes in one pass exactly as it reads the decoded page."""
    doc = copy.deepcopy(BASE)
    for path, how, value in mutations:
        try:
            doc = mutate(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue
    document = {"studies": [copy.deepcopy(BASE), doc], "totalCount": 2}
    try:
        body = json.dumps(document).encode()
    except UnicodeEncodeError:  # a lone surrogate: not JSON the API could send
        return
    assert read_page_json(body) == read_page(document)
