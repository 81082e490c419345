"""Tests for trialfinder.filterspec: every face of a search takes the filters defined there."""

from __future__ import annotations

import inspect
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_type_hints

import click
import pytest

from conftest import run_mypy
from trialfinder import api, filterspec
from trialfinder.api.run import plan_query
from trialfinder.cli import config
from trialfinder.cli.main import cli
from trialfinder.errors import ARGUMENTS, InvalidQuery, InvalidWatch
from trialfinder.export.dataset import export_parquet
from trialfinder.filterspec import (
    FILTER_DEFAULTS,
    FILTER_NAMES,
    FILTERS,
    Filter,
    SearchFilters,
    Unpack,
)
from trialfinder.query.build import SearchQuery, build_query
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
#: A value for each filter other than its default: a new filter needs one here.
SAMPLES: dict[str, Any] = {
    "status": "all",
    "phase": "2",
    "study_type": "observational",
    "sex": "female",
    "age": 5,
    "healthy_volunteers": True,
    "country": "Canada",
    "state": "Ohio",
    "city": "Boston",
    "near": (44.02, -92.47),
    "radius": "80km",
    "sort": "updated",
    "expand": False,
}


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_filters_are_the_fields_in_order() -> None:
    """It lists each key of SearchFilters once, in order, with the default its Filter gives."""
    hints = get_type_hints(SearchFilters, include_extras=True)
    assert tuple(hints) == FILTER_NAMES
    assert len(set(FILTER_NAMES)) == len(FILTER_NAMES)
    assert SearchFilters.__required_keys__ == frozenset()
    for info in FILTERS:
        (carried,) = [m for m in hints[info.name].__metadata__ if isinstance(m, Filter)]
        assert carried.default == info.default == FILTER_DEFAULTS[info.name], info.name  # type: ignore[literal-required]
        assert info.help and info.describe and info.option, info.name
        assert info.flag == (info.metavar is None), info.name


def _takes_the_filters(function: Callable[..., Any]) -> None:
    parameters = inspect.signature(function).parameters.values()
    (rest,) = [p for p in parameters if p.kind is p.VAR_KEYWORD]
    assert eval(rest.annotation, vars(sys.modules[function.__module__])) == Unpack[SearchFilters]
    spelt_out = {p.name for p in parameters} & set(FILTER_NAMES)
    assert not spelt_out, f"{function.__qualname__} writes out {spelt_out} again"


@pytest.mark.parametrize("function", LIBRARY_CALLS, ids=lambda f: f.__name__)
def test_each_library_call_takes_the_filters_typed(function: Callable[..., Any]) -> None:
    """It gives search, iter_studies, explain_search, count_studies and export_parquet the
    filters as ``**filters: Unpack[SearchFilters]``, none of them written out again."""
    _takes_the_filters(function)


@pytest.mark.parametrize("function", LIBRARY_CALLS, ids=lambda f: f.__name__)
def test_an_unknown_keyword_is_refused_naming_it(
    function: Callable[..., Any], tmp_path: Path
) -> None:
    """It refuses a misspelt filter as Python refuses any unknown keyword, naming the call and
    the keyword, before any request: nothing is dropped in silence."""
    where = (tmp_path,) if function is export_parquet else ()
    message = f"^{function.__name__}\\(\\) got an unexpected keyword argument 'statuss'$"
    with pytest.raises(TypeError, match=message):
        function(*where, condition="asthma", statuss="open", api_url="http://127.0.0.1:9")


def test_the_query_builder_refuses_an_unknown_keyword() -> None:
    """It refuses a keyword that is not a filter in SearchQuery.build and build_query too."""
    with pytest.raises(TypeError, match="'colour'"):
        SearchQuery.build(condition="asthma", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'colour'"):
        build_query(condition="asthma", near="55905", colour="red")  # type: ignore[call-arg]


def test_the_query_builder_takes_every_filter_and_uses_it() -> None:
    """It has SearchQuery.build take the filters whole, and each one changes the query (a
    filter without a meaning there fails here; add its sample value above)."""
    _takes_the_filters(SearchQuery.build)
    for name in FILTER_NAMES:
        # A radius is measured from a place: both queries have one.
        base = {"near": SAMPLES["near"]} if name == "radius" else {}
        plain = SearchQuery.build(condition="asthma", **base)
        assert SearchQuery.build(condition="asthma", **{**base, name: SAMPLES[name]}) != plain


def test_a_filter_left_out_takes_its_default() -> None:
    """It builds the same query from no filters as from every filter at its default, and
    SearchQuery's own field defaults are the same query."""
    spelt = SearchQuery.build(condition="asthma", **FILTER_DEFAULTS)
    assert SearchQuery.build(condition="asthma") == spelt
    assert SearchQuery(conditions=("asthma",)) == spelt
    with pytest.raises(InvalidQuery, match="radius"):
        SearchQuery.build(condition="asthma", radius=5)


def _sampled(name: str, **base: Any) -> tuple[SearchQuery, SearchQuery]:
    """The query with only ``name`` at its sample value, and the same query without it."""
    # A radius is measured from a place; ALL has expansions, which expand=False turns off.
    where: dict[str, Any] = {"near": SAMPLES["near"]} if name == "radius" else {}
    plain = SearchQuery.build(condition="ALL", **base, **where)
    return SearchQuery.build(condition="ALL", **{**base, **where, name: SAMPLES[name]}), plain


#: Filters that need not show in what-was-searched or the website link, and why.
ORDER_ONLY = {"sort": "it orders the studies found; it does not choose them"}


@pytest.mark.parametrize("name", [n for n in FILTER_NAMES if n not in ORDER_ONLY])
def test_every_filter_shows_in_what_was_searched(name: str) -> None:
    """It says each filter set in what-was-searched (the Filters: and Near: lines, the
    expansions), so a new filter cannot be searched without saying so."""
    chosen, plain = _sampled(name)

    def searched(query: SearchQuery) -> tuple[object, ...]:
        plan = plan_query(query)
        return plan.filters, plan.near, plan.expansions, plan.notices

    assert searched(chosen) != searched(plain), f"{name} is searched without being shown"


@pytest.mark.parametrize("name", [n for n in FILTER_NAMES if n not in ORDER_ONLY])
def test_the_website_link_carries_every_filter_or_says_it_leaves_it_out(name: str) -> None:
    """It changes the website link, or names the filter as left out, for each filter set: a
    link never presents a different search as the same one."""
    chosen, plain = _sampled(name)
    assert chosen.website_link() != plain.website_link(), f"the link drops {name} in silence"


@pytest.mark.parametrize("info", FILTERS, ids=lambda f: f.name)
def test_each_filter_changes_the_parameter_it_is_sent_as(info: Filter) -> None:
    """It sends each filter set as its Filter says (``sent_as``; the words when empty), so a
    filter cannot be checked and shown yet never reach the API."""
    chosen, plain = _sampled(info.name)
    key = info.sent_as or "query.cond"
    assert chosen.to_params().get(key) != plain.to_params().get(key), info.name


#: The parameters that choose which studies are kept (the words apart).
CHOOSING = ("filter.overallStatus", "filter.advanced", "filter.geo", "query.locn")


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_a_search_that_finds_nothing_can_loosen_every_filter(name: str) -> None:
    """It offers, for each filter that narrows what is sent, a looser query without that
    parameter, naming the filter among the arguments to drop (a radius goes with near)."""
    # The status sample is "all", no filter: recruiting is one, against a search of all.
    if name == "status":
        chosen = SearchQuery.build(condition="ALL", status="recruiting")
    else:
        chosen, _ = _sampled(name, status="all")
    sent = chosen.to_params()
    narrowing = [key for key in CHOOSING if key in sent]
    assert bool(narrowing) == (name not in ("sort", "expand")), name
    for key in narrowing:
        looser = [args for _, args, q in chosen.loosened() if key not in q.to_params()]
        assert looser, f"nothing loosens {name} ({key})"
        assert (name if name != "radius" else "near") in looser[0], (name, looser)
    assert SearchQuery.build(condition="ALL", status="all").loosened() == []


def test_type_checkers_see_each_filter_with_its_type(tmp_path: Path) -> None:
    """It lets mypy (strict, the project's settings) refuse a misspelt or wrongly typed filter
    in a call of the library, and pass a correct one."""
    pytest.importorskip("mypy")
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        textwrap.dedent(
            """\
            from trialfinder import count_studies, iter_studies, search

            search(condition="asthma", statuss="x")
            search(condition="asthma", age=[1])
            iter_studies(condition="asthma", near="55905", radius=[5])
            count_studies(condition="asthma", healthy_volunteers="yes")
            """
        ),
        encoding="utf-8",
    )
    right = tmp_path / "right.py"
    right.write_text(
        textwrap.dedent(
            """\
            from trialfinder import count_studies, explain_search, iter_studies, search
            from trialfinder.export.dataset import export_parquet
            from trialfinder.filterspec import SearchFilters

            mine: SearchFilters = {"status": "all", "phase": ["2", "3"]}
            search(condition="asthma", status=["recruiting"], age="20m", expand=False)
            search("asthma", None, None, 5, **mine)
            search(condition="asthma", near=(44.0, -92.5), radius=30)
            iter_studies(intervention="pembrolizumab", country=["Canada"], sort="updated")
            explain_search(term="x", sex="female", healthy_volunteers=True)
            count_studies(condition="asthma", near="55905", radius="80km")
            export_parquet("out", condition="asthma", city="Boston", study_type="observational")
            """
        ),
        encoding="utf-8",
    )
    # The mypy cache is shared with test_mypy_strict, so only one of the two runs analyses the
    # package and its libraries (~2.5 s of CPU here when this run had a cache of its own). Each
    # file ends with its own path: mypy replays cached errors for a file whose text it has seen,
    # under the path it saw it at, so a file copied to a new folder must differ to be checked.
    for path in (wrong, right):
        path.write_text(path.read_text(encoding="utf-8") + f"# {path}\n", encoding="utf-8")
    done = run_mypy("--strict", str(wrong), str(right))
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["3", "4", "5", "6"], done.stdout
    assert all(line.startswith(str(wrong)) for line in errors), done.stdout
    assert 'Unexpected keyword argument "statuss" for "search"' in errors[0]
    assert 'Argument "age" to "search" has incompatible type "list[int]"' in errors[1]
    assert 'Argument "radius" to "iter_studies"' in errors[2]
    assert 'Argument "healthy_volunteers" to "count_studies"' in errors[3]
    assert done.returncode == 1


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
        if info.setting_default is None:  # config show names the filter's own default
            assert setting.default == info.default, info.name
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
