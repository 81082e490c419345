"""Tests for trialfinder.query.flags: errors in the library's words, mapped to the options."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest

import trialfinder
from trialfinder.cli.main import cli
from trialfinder.errors import ARGUMENTS, InvalidQuery, TrialFinderError
from trialfinder.query.flags import FLAGS, in_cli_words
from trialfinder.query.places import resolve_place
from trialfinder.watch.watchlist import Watchlist

#: A flag as the command line writes it: -c, --near.
_FLAG = re.compile(r"(?<![\w-])--?[a-z]")

LIBRARY_MISTAKES: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    (trialfinder.search, {}),
    (trialfinder.search, {"condition": "x", "radius": 10}),
    (trialfinder.search, {"condition": "x", "phase": "5"}),
    (trialfinder.search, {"condition": "x", "limit": 0}),
    (trialfinder.search, {"condition": "x", "status": "recruitng"}),
    (trialfinder.search, {"condition": "x", "study_type": "trial"}),
    (trialfinder.search, {"condition": "x", "sort": "newest"}),
    (trialfinder.search, {"condition": "x", "near": (0, 0), "radius": "far"}),
    (trialfinder.search, {"condition": "x", "api_url": "ftp://example.org"}),
    (trialfinder.iter_studies, {}),
    (trialfinder.get_study, {"nct_id": "NCT1"}),
    (resolve_place, {"text": " "}),
]


@pytest.mark.parametrize(("call", "kwargs"), LIBRARY_MISTAKES)
def test_library_errors_name_arguments_never_flags(
    call: Callable[..., Any], kwargs: dict[str, Any]
) -> None:
    """It explains a bad library call without a command-line option in sight."""
    with pytest.raises(InvalidQuery) as caught:
        call(**kwargs)
    message = str(caught.value)
    assert not _FLAG.search(message), message
    assert "{" not in message, message


def test_nothing_to_search_names_the_arguments_in_each_front_end() -> None:
    """It says condition=, intervention=, term= in Python and -c, -i, -t at the command line."""
    with pytest.raises(InvalidQuery) as caught:
        trialfinder.search()
    assert str(caught.value) == (
        "Nothing to search for: give a condition (condition=), an intervention "
        "(intervention=) or a term (term=)."
    )
    assert in_cli_words(caught.value) == (
        "Nothing to search for: give a condition (-c/--condition), an intervention "
        "(-i/--intervention) or a term (-t/--term)."
    )


def test_watch_errors_name_the_path_argument(tmp_path: Path) -> None:
    """It tells a library caller to pass another path=, and the command line --db."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(TrialFinderError) as caught, Watchlist(folder) as watchlist:
        watchlist.add("x", condition="asthma")
    assert "(path=)" in str(caught.value)
    assert "(--db)" in in_cli_words(caught.value)


def test_every_argument_maps_to_a_real_option() -> None:
    """It maps each argument a message may name to an option some command really has."""
    assert set(FLAGS) == ARGUMENTS
    options: set[str] = set()

    def collect(command: click.Command) -> None:
        for param in command.params:
            options.update(param.opts)
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                collect(sub)

    collect(cli)
    for argument, flags in FLAGS.items():
        assert set(flags.split("/")) <= options, argument


def test_text_that_only_looks_like_an_argument_is_left_alone() -> None:
    """It replaces only the known argument names, so other braces stay as written."""
    error = TrialFinderError("Bad value {x} for {near}")
    assert str(error) == "Bad value {x} for near="
    assert in_cli_words(error) == "Bad value {x} for --near"
