"""Tests for trialfinder.cli.options: no value dropped in silence, by any option of any command.

Each option either takes several values (repeats merge, like the comma form) or one value
(given twice it stops with exit 2 and one line naming it) or is a flag. The tables below
classify every one; a new option that is in none of them fails the tests. The library's
arguments are classified the same way in query/test_build.py.
"""

from __future__ import annotations

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
from trialfinder.cli.main import cli
from trialfinder.query.build import build_query

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


# -- statuses as trialfinder prints them ----------------------------------------------------


def test_status_as_printed_on_the_command_line() -> None:
    """`--status "active, not recruiting"` is one status, not two words."""
    argv = ["search", "-c", "x", "--status", "active, not recruiting", "--status", "bogus"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 2
    assert "Unknown status 'bogus'" in result.stderr


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


@pytest.mark.parametrize(
    "args",
    [
        ["search", "-c", "ALL", "--timeout", "nan"],
        ["search", "-c", "ALL", "--timeout", "-NaN"],
        ["search", "-c", "ALL", "--timeout", "inf"],
        ["show", "NCT02013167", "--timeout", "nan"],
        ["search", "-c", "ALL", "--cache-ttl", "99999999999999999999"],
    ],
)
def test_nan_and_infinite_seconds_are_refused_in_one_line(args: list[str]) -> None:
    """A NaN timeout (click's range lets it through) or an endless cache lifetime stops with
    exit 2 and one line naming the option, before anything is sent."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"trialfinder: error: Invalid value for '{args[-2]}'"), line


@pytest.mark.parametrize(
    ("option", "value"),
    [("--status", ","), ("--phase", ""), ("--phase", ","), ("--type", " ")],
)
def test_an_empty_filter_value_is_refused_not_ignored(
    option: str, value: str, tmp_path: Path
) -> None:
    """`--phase ""` is refused in one line naming the option, as `--status ,` is: a filter
    typed but holding no value is never searched as no filter, in silence."""
    env = {"TRIALFINDER_DATA_DIR": str(tmp_path)}
    for command in (["search", "-c", "ALL"], ["watch", "add", "w", "-c", "ALL"]):
        result = CliRunner().invoke(cli, [*command, option, value], env=env)
        assert result.exit_code == 2, (command, result.output)
        (line,) = result.stderr.splitlines()
        assert line.startswith("trialfinder: error: The "), line
        assert f"({option}) is empty: use " in line, line
