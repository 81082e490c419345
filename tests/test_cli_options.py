"""No value is dropped in silence: every option of every command, and every library argument.

Each option either takes several values (repeats merge, like the comma form) or one value
(given twice it stops with exit 2 and one line naming it) or is a flag. The tables below
classify every one; a new option or argument that is in none of them fails the tests.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click
import pytest
import responses
from click.testing import CliRunner

from conftest import load_json
from trialfinder.api import iter_studies, search
from trialfinder.cli.main import cli
from trialfinder.errors import InvalidQuery
from trialfinder.query import filters
from trialfinder.query.build import build_query
from trialfinder.render.words import STATUS_LABELS

STUDIES = "https://clinicaltrials.gov/api/v2/studies"

#: Options that take several values: (command line, parameter sent, the merged value).
MERGED: dict[str, tuple[list[str], str, str]] = {
    "condition": (["-c", "asthma", "-c", "obesity"], "query.cond", "asthma AND obesity"),
    "intervention": (["-i", "radiation", "-i", "surgery"], "query.intr", "radiation AND surgery"),
    "term": (["-t", "pain", "-t", "sleep"], "query.term", "pain AND sleep"),
    "status": (
        ["--status", "completed", "--status", "recruiting"],
        "filter.overallStatus",
        "RECRUITING,COMPLETED",
    ),
    "phase": (["--phase", "2", "--phase", "3"], "filter.advanced", "AREA[Phase](PHASE2 OR PHASE3)"),
    "study_type": (
        ["--type", "interventional", "--type", "observational"],
        "filter.advanced",
        "AREA[StudyType](INTERVENTIONAL OR OBSERVATIONAL)",
    ),
    "country": (
        ["--country", "Canada", "--country", "United States"],
        "query.locn",
        '("Canada" OR "United States")',
    ),
    "state": (["--state", "Ohio", "--state", "Texas"], "query.locn", '("Ohio" OR "Texas")'),
    "city": (["--city", "Boston", "--city", "Houston"], "query.locn", '("Boston" OR "Houston")'),
}
#: Commands that take the search options: their repeatable options are exactly MERGED.
SEARCH_COMMANDS = {("search",), ("watch", "add"), ("export",)}


def _commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[Any]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


ALL_OPTIONS = [
    (path, param)
    for path, command in _commands()
    for param in command.params
    if isinstance(param, click.Option)
]
ONE_VALUE = [(p, o) for p, o in ALL_OPTIONS if not (o.multiple or o.is_flag or o.count)]


def _id(case: tuple[tuple[str, ...], click.Option]) -> str:
    return f"{' '.join(case[0])} {case[1].opts[-1]}"


@pytest.fixture(autouse=True)
def _quick(no_pacing: None) -> None:
    """No pacing or backoff waits."""


def test_every_repeatable_option_is_in_the_merge_table() -> None:
    """A repeatable option exists only on the search commands, and each has a merge case."""
    for path, option in ALL_OPTIONS:
        if option.multiple:
            assert path in SEARCH_COMMANDS, f"{_id((path, option))} repeats: add a test"
            assert option.name in MERGED, f"{_id((path, option))}: add it to MERGED"
    for path in SEARCH_COMMANDS:
        command = dict(_commands())[path]
        repeatable = {p.name for p in command.params if getattr(p, "multiple", False)}
        assert repeatable == set(MERGED)


@pytest.mark.parametrize("case", ONE_VALUE, ids=[_id(c) for c in ONE_VALUE])
def test_single_value_option_given_twice_is_refused(
    case: tuple[tuple[str, ...], click.Option],
) -> None:
    """It exits 2 with one line naming the option, before anything is sent or read."""
    path, option = case
    flag = option.opts[-1]
    result = CliRunner().invoke(cli, [*path, flag, "1", flag, "2"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert flag in lines[0] and "given 2 times" in lines[0] and "give it once" in lines[0]


@responses.activate
@pytest.mark.parametrize("name", sorted(MERGED))
def test_search_merges_repeated_values(name: str) -> None:
    """`trialfinder search` sends every repeated value, merged as the comma form would be."""
    argv, key, merged = MERGED[name]
    responses.add(responses.GET, STUDIES, json=load_json("search_no_results.json"))
    base = [] if name in ("condition", "intervention", "term") else ["-c", "asthma"]
    result = CliRunner().invoke(cli, ["search", *base, *argv, "-f", "json", "--no-expand"])
    assert result.exit_code == 0, result.output
    sent = parse_qs(urlsplit(responses.calls[0].request.url or "").query)
    assert merged in sent[key][0]


@pytest.mark.parametrize("name", sorted(MERGED))
def test_watch_add_saves_every_repeated_value(name: str, tmp_path: Path) -> None:
    """`trialfinder watch add` keeps every repeated value: the saved search sends them all."""
    argv, key, merged = MERGED[name]
    db = str(tmp_path / "watch.db")
    base = [] if name in ("condition", "intervention", "term") else ["-c", "asthma"]
    runner = CliRunner()
    added = runner.invoke(cli, ["watch", "add", "w", *base, *argv, "--no-expand", "--db", db])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["watch", "list", "-f", "json", "--db", db])
    saved = json.loads(listed.stdout)[0]["search"]
    assert merged in build_query(**saved).to_params()[key]


def test_comma_form_and_repeats_agree() -> None:
    """`--phase 2 --phase 3` and `--phase 2,3` are one search."""
    repeated = build_query("x", phase=["2", "3"], status=["completed", "terminated"])
    commas = build_query("x", phase="2,3", status="completed,terminated")
    assert repeated.to_params() == commas.to_params()


# -- statuses as trialfinder prints them ----------------------------------------------------


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


def test_status_as_printed_on_the_command_line() -> None:
    """`--status "active, not recruiting"` is one status, not two words."""
    argv = ["search", "-c", "x", "--status", "active, not recruiting", "--status", "bogus"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2
    assert "Unknown status 'bogus'" in result.stderr


# -- the library's arguments ------------------------------------------------------------------

#: Arguments that take several values: (values, parameter, merged value sent).
LIB_MERGED: dict[str, tuple[list[Any], str, str]] = {
    "condition": (["asthma", "obesity"], "query.cond", "asthma AND obesity"),
    "intervention": (["radiation", "surgery"], "query.intr", "radiation AND surgery"),
    "term": (["pain", "sleep"], "query.term", "pain AND sleep"),
    "status": (["completed", "recruiting"], "filter.overallStatus", "RECRUITING,COMPLETED"),
    "phase": (["2", "3"], "filter.advanced", "AREA[Phase](PHASE2 OR PHASE3)"),
    "study_type": (
        ["interventional", "observational"],
        "filter.advanced",
        "AREA[StudyType](INTERVENTIONAL OR OBSERVATIONAL)",
    ),
    "country": (["Canada", "Peru"], "query.locn", '("Canada" OR "Peru")'),
    "state": (["Ohio", "Texas"], "query.locn", '("Ohio" OR "Texas")'),
    "city": (["Boston", "Houston"], "query.locn", '("Boston" OR "Houston")'),
}
#: Arguments that take one value: two values are refused with a message naming it.
LIB_ONE: dict[str, tuple[list[Any], str]] = {
    "limit": ([10, 20], "limit"),
    "sex": (["female", "male"], "sex"),
    "age": ([30, 40], "age"),
    "near": (["55905", "10001"], "near"),
    "radius": ([10, 20], "radius"),
    "sort": (["updated", "start"], "sort"),
    "expand": ([True, False], "expand"),
    "healthy_volunteers": ([True, False], "healthy_volunteers"),
}
#: Arguments that are not search values, and why.
LIB_OTHER = {
    "api_url": "where the API is, checked by the client",
    "client": "an object, not a value",
    "explain_empty": "whether to spend requests explaining an empty result",
    "fields": "a list of piece names by nature, checked by fields_param",
}


@pytest.mark.parametrize("function", [search, iter_studies])
def test_every_library_argument_is_classified(function: Any) -> None:
    """Each argument of search() (and iter_studies' filters) is in exactly one table."""
    names = set(inspect.signature(function).parameters) - {"filters"}
    if function is iter_studies:
        from trialfinder.filterspec import FILTER_NAMES

        names |= set(FILTER_NAMES)
    tables = [set(LIB_MERGED), set(LIB_ONE), set(LIB_OTHER)]
    for name in names:
        assert sum(name in t for t in tables) == 1, f"classify the argument {name!r}"


@pytest.mark.parametrize("name", sorted(LIB_MERGED))
def test_library_merges_several_values(name: str) -> None:
    """A list reaches the API whole."""
    values, key, merged = LIB_MERGED[name]
    kwargs: dict[str, Any] = {"condition": "asthma", "expand": False, name: values}
    assert merged in build_query(**kwargs).to_params()[key]


@pytest.mark.parametrize("name", sorted(LIB_ONE))
def test_library_refuses_two_values_for_one(name: str) -> None:
    """Two values where one is taken are refused, the message naming the argument."""
    values, named = LIB_ONE[name]
    kwargs: dict[str, Any] = {"condition": "asthma", name: values}
    with pytest.raises(InvalidQuery, match=named):
        build_query(**kwargs)


def test_lower_case_acronym_hint_is_one_stderr_line() -> None:
    """`-c all` searches the word and says, in one line on stderr, how to ask for ALL."""
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, STUDIES, json=load_json("search_no_results.json"))
        result = CliRunner().invoke(cli, ["search", "-c", "all", "-f", "json", "--status", "all"])
        sent = parse_qs(urlsplit(mock.calls[0].request.url or "").query)
    assert result.exit_code == 0, result.output
    assert sent["query.cond"] == ["all"]
    notes = [line for line in result.stderr.splitlines() if line.startswith("trialfinder: note:")]
    assert len(notes) == 1
    assert "write ALL in capitals" in notes[0] and "acute lymphoblastic leukemia" in notes[0]
