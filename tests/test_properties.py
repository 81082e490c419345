"""Property tests: any mutation of a real-shaped study either normalizes or fails cleanly."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_json
from trialfinder.errors import TrialFinderError
from trialfinder.models.reading import parse_study, read_page, read_page_json
from trialfinder.models.records import Study

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
