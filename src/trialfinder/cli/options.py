"""Command-line options shared by several commands.

``search`` and ``watch add`` take the same search options (:func:`search_options`); every
command that talks to the API takes :func:`connection_options`. Light to import: click,
the filter definitions and the errors only. How the options become library calls is
:mod:`~trialfinder.cli.calls`, and what commands print besides their data
:mod:`~trialfinder.cli.feedback`: both load when a command runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import click

from trialfinder.defaults import (
    API_URL_ENV,
    DEFAULT_CACHE_TTL,
    DEFAULT_LIMIT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    MAX_CACHE_TTL,
    TIMEOUT_RANGE,
)
from trialfinder.filterspec import FILTERS, Filter

F = TypeVar("F", bound=Callable[..., Any])

#: Where the cache options leave the cache's lifetime (ctx.meta), for make_client.
CACHE_TTL_KEY = "trialfinder.cache_ttl"
_QUIET_KEY = "trialfinder.quiet"


class Seconds(click.FloatRange):
    """A number of seconds in a range; NaN is refused too (it is outside no range to click)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:  # NaN: not a number of seconds
            self.fail(
                f"{value!r} is not a number of seconds: use {self._describe_range()}.", param, ctx
            )
        return seconds


class LimitType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A positive whole number, or ``all``."""

    name = "N|all"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text == "all":
            return None
        try:
            # An int may come from the configuration file; it is checked like typed text.
            number = value if isinstance(value, int) else int(text)
        except ValueError:
            self.fail(
                f"{value!r} is not a number: use a whole number like 20, or 'all'.", param, ctx
            )
        if number < 1:
            self.fail(f"{number} is too small: use 1 or more, or 'all'.", param, ctx)
        return number


class OnceCommand(click.Command):
    """A command whose single-value options refuse to be given twice.

    Click keeps the last of repeated values silently; here ``--age 30 --age 40`` stops with
    one line naming the option. Options that take several values say so with
    ``multiple=True`` and merge their repeats; flags may be repeated harmlessly.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # A first, side-effect-free parse only counts which options were given.
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        counts = Counter(id(param) for param in order)
        for param in self.get_params(ctx):
            if (
                isinstance(param, click.Option)
                and not (param.multiple or param.is_flag or param.count)
                and counts[id(param)] > 1
            ):
                names = "/".join(param.opts)
                raise click.UsageError(
                    f"{names} was given {counts[id(param)]} times but takes one value: "
                    "give it once.",
                    ctx,
                )
        return super().parse_args(ctx, args)


class OnceGroup(click.Group):
    """A group whose commands are :class:`OnceCommand` (and whose subgroups are like it)."""

    command_class = OnceCommand
    # Subgroups made with @group.group() are OnceGroups too.
    group_class: type[click.Group | type] | None = type


class ManyOption(click.Option):
    """A repeatable option that also takes one text default (from the configuration file)."""

    def type_cast_value(self, ctx: click.Context, value: Any) -> Any:
        if isinstance(value, str):
            value = (value,)
        return super().type_cast_value(ctx, value)


def _many(*names: str, **kwargs: Any) -> Callable[[F], F]:
    """A repeatable filter option: repeats merge, like the comma form."""
    return click.option(*names, cls=ManyOption, multiple=True, **kwargs)


def _apply(func: F, options: list[Callable[[Any], Any]]) -> F:
    # Decorators apply bottom-up; reversing keeps --help in the order written here.
    for option in reversed(options):
        func = option(func)
    return func


def _filter_option(info: Filter) -> Callable[[Any], Any]:
    """The option of one search filter, as :data:`~trialfinder.filterspec.FILTERS` has it."""
    if info.flag:
        return click.option(*info.option, is_flag=True, help=info.help)
    if info.repeatable:
        return _many(*info.option, metavar=info.metavar, help=info.help)
    return click.option(*info.option, metavar=info.metavar, help=info.help)


def whole_search_options(func: F) -> F:
    """:func:`search_options` with ``--limit`` at ``all``, for ``export``."""
    return search_options(func, limit_default="all")


def search_options(func: F, *, limit_default: str = str(DEFAULT_LIMIT)) -> F:
    """What to search for and the filters, for ``search``, ``watch add`` and ``export``."""
    return _apply(
        func,
        [
            click.option(
                "-c",
                "--condition",
                multiple=True,
                metavar="TEXT",
                help="Disease or condition. Repeat: a study must match all.",
            ),
            click.option(
                "-i",
                "--intervention",
                multiple=True,
                metavar="TEXT",
                help="Treatment, drug or procedure. Repeat: a study must involve all.",
            ),
            click.option(
                "-t",
                "--term",
                multiple=True,
                metavar="TEXT",
                help="Other words anywhere in the record. Repeat: all must match.",
            ),
            click.option(
                "-n",
                "--limit",
                type=LimitType(),
                default=limit_default,
                show_default=True,
                help="Most studies to show, or 'all'.",
            ),
            *(_filter_option(f) for f in FILTERS),
        ],
    )


def text_or_json_option(func: F) -> F:
    """``-f/--format text|json``, for commands that show one thing."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(["text", "json"], case_sensitive=False),
        default="text",
        show_default=True,
        help="Output format.",
    )(func)


def _set_cache_ttl(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # Kept in ctx.meta, not passed to the command: every command with connection_options
    # gets the cache through make_client without a new parameter.
    if param.name == "no_cache":
        if value:
            ctx.meta[CACHE_TTL_KEY] = 0
    elif value is not None and ctx.meta.get(CACHE_TTL_KEY) != 0:
        ctx.meta[CACHE_TTL_KEY] = value


def _set_quiet(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value:
        ctx.meta[_QUIET_KEY] = True


def _set_verbose(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # The client logs each request's full URL at DEBUG; error lines show it without its query.
    if value:
        import logging

        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("trialfinder: debug: %(message)s"))
        logger = logging.getLogger("trialfinder")
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


def quiet() -> bool:
    """Whether ``--quiet`` asked for no progress or waiting lines."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_QUIET_KEY))


def live_lines(err: Any) -> bool:
    """Whether lines that update in place (progress, waiting) may go to ``err``.

    Only on a terminal, and not with ``--quiet``: a log file gets no carriage returns.
    """
    isatty = getattr(err, "isatty", None)
    return bool(isatty is not None and isatty()) and not quiet()


def _connection_options(with_cache: bool) -> list[Callable[[Any], Any]]:
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--api-url",
            envvar=API_URL_ENV,
            default=None,
            metavar="URL",
            help=f"API base URL (default: the public API; env {API_URL_ENV}).",
        ),
        click.option(
            "--timeout",
            type=Seconds(*TIMEOUT_RANGE),
            default=DEFAULT_READ_TIMEOUT,
            show_default=True,
            help="Seconds to wait for the API to answer each request.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(1, 10),
            default=DEFAULT_MAX_ATTEMPTS,
            show_default=True,
            help="Attempts per request when the API is busy or unreachable.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_set_quiet,
            help="No progress or waiting lines on stderr (errors still show).",
        ),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            expose_value=False,
            callback=_set_verbose,
            help="Log each request's full URL and answer on stderr.",
        ),
    ]
    if with_cache:
        options += [
            click.option(
                "--no-cache",
                is_flag=True,
                default=False,
                expose_value=False,
                is_eager=True,
                callback=_set_cache_ttl,
                help="Neither read nor write the local response cache.",
            ),
            click.option(
                "--cache-ttl",
                type=click.IntRange(0, MAX_CACHE_TTL),
                default=None,
                metavar="SECONDS",
                expose_value=False,
                callback=_set_cache_ttl,
                help="Serve a repeated request from the local cache for this long "
                f"(default {DEFAULT_CACHE_TTL}).",
            ),
        ]
    return options


def connection_options(func: F) -> F:
    """Where the API is, how patiently to ask it, and the response cache."""
    return _apply(func, _connection_options(with_cache=True))


def fresh_connection_options(func: F) -> F:
    """Where the API is and how patiently to ask it, for answers that must never be cached."""
    return _apply(func, _connection_options(with_cache=False))
