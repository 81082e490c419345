"""Tests for trialfinder.filterspec: every face of a search takes the filters defined there."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import click
import pytest

from trialfinder import api, filterspec
from trialfinder.cli import config
from trialfinder.cli.main import cli
from trialfinder.errors import ARGUMENTS, InvalidWatch
from trialfinder.export.dataset import export_parquet
from trialfinder.filterspec import FILTER_NAMES, FILTERS, Filter, SearchFilters
from trialfinder.query.build import SearchQuery
from trialfinder.query.flags import FLAGS
from trialfinder.watch.watchlist import check_search

LIBRARY_CALLS = [
    api.search,
    api.iter_studies,
    api.explain_search,
    api.count_studies,
    export_parquet,
]
SEARCH_COMMANDS = [("search",), ("watch", "add"), ("export",)]


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_filters_are_the_fields_in_order() -> None:
    """It lists each field of SearchFilters once, with its name and default."""
    assert tuple(f.name for f in dataclasses.fields(SearchFilters)) == FILTER_NAMES
    assert len(set(FILTER_NAMES)) == len(FILTER_NAMES)
    defaults = SearchFilters()
    for info in FILTERS:
        assert info.default == getattr(defaults, info.name), info.name
        assert info.help and info.describe and info.option, info.name
        assert info.flag == (info.metavar is None), info.name


@pytest.mark.parametrize("function", LIBRARY_CALLS, ids=lambda f: f.__name__)
def test_each_library_call_takes_every_filter_typed(function: Callable[..., Any]) -> None:
    """It gives search, iter_studies, explain_search, count_studies and export_parquet every
    filter as a keyword argument with the type and default of SearchFilters (no **filters)."""
    parameters = inspect.signature(function).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    annotations = SearchFilters.__annotations__
    for info in FILTERS:
        parameter = parameters[info.name]
        assert parameter.kind is parameter.KEYWORD_ONLY, info.name
        assert parameter.annotation == annotations[info.name], info.name
        assert parameter.default == info.default, info.name


def test_an_unknown_keyword_is_refused_by_python() -> None:
    """It refuses a misspelt filter as any typed call does, naming it, before any request."""
    with pytest.raises(TypeError, match="statuss"):
        api.iter_studies(condition="asthma", statuss="open")  # type: ignore[call-arg]


def test_the_query_builder_takes_every_filter() -> None:
    """It has SearchQuery.build take each filter (near as coordinates, resolved before)."""
    assert set(FILTER_NAMES) <= set(inspect.signature(SearchQuery.build).parameters)


@pytest.mark.parametrize("path", SEARCH_COMMANDS, ids=" ".join)
def test_each_search_command_has_every_filter_option(path: tuple[str, ...]) -> None:
    """It gives search, watch add and export one option per filter, with its help."""
    options = {
        opt: param for param in _command(path).params for opt in param.opts if opt.startswith("-")
    }
    for info in FILTERS:
        param = options[info.option[0]]
        assert isinstance(param, click.Option)
        assert param.help == info.help, info.name
        assert param.multiple == info.repeatable, info.name
        assert param.is_flag == info.flag, info.name


def test_errors_and_flags_name_every_filter_that_takes_a_value() -> None:
    """It lets a message name any filter with a value, shown as its option on the CLI."""
    for info in FILTERS:
        if not info.flag:
            assert info.name in ARGUMENTS
            assert FLAGS[info.name] == info.option[0]


def test_the_config_file_takes_the_filters_marked_as_settings() -> None:
    """It offers a setting for each filter that has one, feeding search and watch add."""
    marked = [f for f in FILTERS if f.setting is not None]
    assert [f.name for f in marked] == ["status", "near", "radius"]
    for info in marked:
        setting = config.SETTINGS[info.name]
        assert (setting.help, setting.option) == (info.setting, info.option[0])
        assert ("search", info.name) in config.commands_using(info.name)
        assert ("watch add", info.name) in config.commands_using(info.name)


def test_the_mcp_tools_take_every_filter_described() -> None:
    """It gives the search tools every filter, with the description for assistants."""
    mcp_arguments = pytest.importorskip("trialfinder.mcp.arguments")
    parameters = inspect.signature(mcp_arguments.search_arguments).parameters
    assert list(parameters) == ["condition", "intervention", "term", *FILTER_NAMES, "limit"]
    for info in FILTERS:
        metadata = parameters[info.name].annotation.__metadata__
        assert metadata[0].description == info.describe, info.name


def test_a_saved_search_with_unknown_options_names_them() -> None:
    """It names each option a saved search has that is not a filter, in one line."""
    with pytest.raises(InvalidWatch) as caught:
        check_search({"condition": "asthma", "colour": "red", "statuss": "open"})
    message = str(caught.value)
    assert message.startswith("unknown search option(s) colour, statuss: use ")
    assert "healthy_volunteers" in message


def test_a_new_filter_reaches_the_command_line_from_filterspec_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It builds the search options from FILTERS: a filter added there gets its option."""
    from trialfinder.cli import options as cli_options

    extra = Filter(
        name="funder",
        default=None,
        help="Who pays for the study.",
        describe="Who pays.",
        option=("--funder",),
        metavar="TEXT",
        repeatable=True,
    )
    monkeypatch.setattr(cli_options, "FILTERS", (*filterspec.FILTERS, extra))

    @cli_options.search_options
    def command(**options: Any) -> None:
        """A command with the search options."""

    params = {p.name: p for p in click.command()(command).params}
    assert params["funder"].multiple
    assert isinstance(params["funder"], click.Option)
    assert params["funder"].help == "Who pays for the study."
