"""How a command's options become library calls: the keyword arguments, the query, the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from trialfinder.cli.options import CACHE_TTL_KEY, live_lines
from trialfinder.errors import ConfigError, InvalidQuery
from trialfinder.filterspec import FILTER_DEFAULTS

if TYPE_CHECKING:
    from trialfinder.query.build import SearchQuery


def search_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """The library's ``search()`` keyword arguments for the given search options.

    Options left at their defaults are dropped, so a saved search stores only what was asked.
    """
    # `is` checks, never `in`/truthiness: 0 == False, and an age of 0 is a newborn.
    kwargs = {
        k: v
        for k, v in options.items()
        if k != "no_expand" and v is not None and v is not False and v != ()
    }
    default = FILTER_DEFAULTS["status"]
    if kwargs.get("status") in (default, (default,)):  # the library's default too
        del kwargs["status"]
    if "radius" in kwargs and "near" not in kwargs and _from_config("radius"):
        # A home radius in the configuration file waits for a place to measure from.
        del kwargs["radius"]
    kwargs["limit"] = options.get("limit")
    if options.get("no_expand"):
        kwargs["expand"] = False
    return kwargs


def _from_config(param: str) -> bool:
    """Whether the option's value came from the configuration file."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source(param) is ParameterSource.DEFAULT_MAP


def make_client(api_url: str | None, timeout: float, retries: int, *, cache: bool = True) -> Any:
    """A :class:`~trialfinder.http.client.Client` as the connection options ask, cache included.

    ``cache=False`` always asks the API: for answers that must be fresh, such as a
    saved search's run.
    """
    import sys

    from trialfinder.cli.feedback import WaitLine
    from trialfinder.http.client import DEFAULT_TIMEOUT, Client

    ctx = click.get_current_context(silent=True)
    ttl = ctx.meta.get(CACHE_TTL_KEY) if ctx is not None and cache else 0
    session = None
    if ttl != 0:
        from trialfinder.http.cache import DEFAULT_TTL, cached_session

        session = cached_session(
            DEFAULT_TTL if ttl is None else ttl,
            notice=lambda message: click.echo(f"trialfinder: notice: {message}", err=True),
            yaml_serializer=False,
        )
    return Client(
        api_url,
        timeout=(DEFAULT_TIMEOUT[0], timeout),
        max_attempts=retries,
        session=session,
        on_wait=WaitLine(sys.stderr) if live_lines(sys.stderr) else None,
    )


def query_from_options(options: dict[str, Any]) -> SearchQuery:
    """Validate the search options and make the query, resolving --near offline.

    Raises:
        InvalidQuery: a value typed is unusable.
        ConfigError: a place taken from the configuration file cannot be found.
    """
    from trialfinder.query.build import build_query

    # Checked whenever the file gave it, "" included: an empty place is the file's mistake.
    if options.get("near") is not None and _from_file("near"):
        from trialfinder.cli import config
        from trialfinder.query.places import resolve_place

        try:
            resolve_place(options["near"])
        except InvalidQuery as exc:
            # The setting is named by the blame, never as the option that was not typed.
            problem = exc.message_with({"near": "near"})
            raise ConfigError(config.blame(config.config_path(), "near", problem)) from None
    return build_query(**search_kwargs(options))


def _from_file(param: str) -> str | None:
    """``the configuration file (PATH)`` when the option's value came from it, else None."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.get_parameter_source(param) is not ParameterSource.DEFAULT_MAP:
        return None
    from trialfinder.cli import config

    return f"the configuration file ({config.config_path()})"
