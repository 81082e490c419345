"""``trialfinder watch``: save searches, then see what changed since the last run.

A thin click layer over :class:`trialfinder.watch.watchlist.Watchlist`. Errors reach the one error
boundary in :mod:`trialfinder.cli.main`; an unknown name or bad input exits 2, an unreadable
database or a failed API call exits 1. The HTTP stack and the models load only in
``watch run``, so ``--help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from trialfinder.cli.options import (
    OnceGroup,
    fresh_connection_options,
    search_options,
    text_or_json_option,
)

if TYPE_CHECKING:
    from trialfinder.watch.watchlist import Watchlist

F = TypeVar("F", bound=Callable[..., Any])
#: ``watch run --exit-code`` when something changed: a code no failure ever uses (see cli).
EXIT_CHANGED = 4
NOTHING_SAVED = "No saved searches yet: add one with 'trialfinder watch add NAME -c CONDITION'."


def db_option(func: F) -> F:
    """The ``--db`` option shared by every watch command."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=None,
        metavar="PATH",
        help="Database of saved searches (default: $TRIALFINDER_DATA_DIR/watch.db, else "
        "$XDG_DATA_HOME/trialfinder/watch.db, i.e. ~/.local/share/trialfinder/watch.db; on "
        "macOS and Windows, in the system's data folder).",
    )(func)


def _watchlist(db: str | None) -> Watchlist:
    from pathlib import Path

    from trialfinder.watch.watchlist import Watchlist

    return Watchlist(None if db is None else Path(db))


def _json(data: Any, **kwargs: Any) -> str:
    import json  # loaded only for --format json: keeps `trialfinder --help` fast

    return json.dumps(data, **kwargs)


@click.group(cls=OnceGroup)
def watch() -> None:
    """Save searches and see what changed in their results since the last run.

    \b
    Examples:
      trialfinder watch add myeloma -c "multiple myeloma" -i pembrolizumab
      trialfinder watch run                 # first run: records a baseline
      trialfinder watch run myeloma         # later: new, gone and changed studies
      trialfinder watch run --format json --exit-code
    """


@watch.command()
@click.argument("name")
@search_options
@click.option("--replace", is_flag=True, help="Overwrite a saved search of the same name.")
@db_option
def add(name: str, replace: bool, db: str | None, **options: Any) -> None:
    """Save a search under NAME (letters, digits, '.', '_', '-').

    Takes the search options of 'trialfinder search', with the same defaults from the
    configuration file; the values in force (status, limit, place and radius) are saved,
    so the search keeps its meaning if the file changes. Nothing is fetched: the first
    'watch run' records the baseline.

    \b
    Examples:
      trialfinder watch add myeloma -c "multiple myeloma" -i radiation -i pembrolizumab
      trialfinder watch add all-cf -c "cystic fibrosis" --limit all
      trialfinder watch add near-home -c ALL -i blinatumomab --near 55905 --radius 100
    """
    from trialfinder.cli.calls import query_from_options, search_kwargs
    from trialfinder.cli.feedback import echo_hints, echo_text
    from trialfinder.status import STATUS_WORDS

    # One set of defaults: the configuration file applies here as it does to 'search', and
    # the values in force are stored, so the saved search keeps meaning what it meant when
    # the file or trialfinder's defaults change.
    query = query_from_options(options)
    kwargs = search_kwargs(options)
    # In printed words ("not yet recruiting"), which the status option reads back.
    kwargs["status"] = [STATUS_WORDS[s] for s in query.statuses] or "all"
    if query.near is not None:
        kwargs["radius"] = query.radius_miles
    with _watchlist(db) as watchlist:
        saved = watchlist.add(name, replace=replace, **kwargs)
    echo_hints(query)
    echo_text(f"Saved '{saved.name}': {saved.describe()}.")
    click.echo(f"Run 'trialfinder watch run {saved.name}' to record its baseline.", err=True)


@watch.command(name="list")
@text_or_json_option
@db_option
def list_(fmt: str, db: str | None) -> None:
    """List the saved searches.

    \b
    Example:
      trialfinder watch list
    """
    from trialfinder.cli.feedback import echo_text
    from trialfinder.watch.report import when

    with _watchlist(db) as watchlist:
        saved = watchlist.list()
    if fmt.lower() == "json":
        click.echo(_json([_saved_dict(s) for s in saved], ensure_ascii=False, indent=2))
        return
    if not saved:
        click.echo(NOTHING_SAVED, err=True)
        return
    width = max(len(s.name) for s in saved)
    for s in saved:
        ran = f"last run {when(s.last_run_at)}" if s.last_run_at else "not run yet"
        echo_text(f"{s.name:<{width}}  {ran:<29}  {s.describe()}")


def _saved_dict(saved: Any) -> dict[str, Any]:
    return {
        "name": saved.name,
        "search": saved.search,
        "created_at": saved.created_at,
        "last_run_at": saved.last_run_at,
    }


@watch.command()
@click.argument("name")
@text_or_json_option
@db_option
def show(name: str, fmt: str, db: str | None) -> None:
    """Show a saved search and the studies its last run found.

    \b
    Example:
      trialfinder watch show myeloma
    """
    from trialfinder.cli.feedback import echo_text
    from trialfinder.watch.report import snapshot_lines

    with _watchlist(db) as watchlist:
        saved = watchlist.get(name)
        studies = watchlist.snapshot(name)
    if fmt.lower() == "json":
        data = _saved_dict(saved)
        data["studies"] = [
            {
                "nct_id": s.nct_id,
                "title": s.title,
                "status": s.status,
                "study_type": s.study_type,
                "last_updated": s.last_updated,
                "url": s.url,
            }
            for s in studies
        ]
        click.echo(_json(data, ensure_ascii=False, indent=2))
        return
    echo_text("\n".join(snapshot_lines(saved, studies)))


@watch.command()
@click.argument("name")
@db_option
def remove(name: str, db: str | None) -> None:
    """Forget the saved search NAME and what its runs found.

    \b
    Example:
      trialfinder watch remove myeloma
    """
    with _watchlist(db) as watchlist:
        watchlist.remove(name)
    click.echo(f"Removed '{name}'.")


@watch.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@text_or_json_option
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit with 4 when something changed (0 when nothing did); failures keep their own "
    "codes (1 API or network, 2 usage).",
)
@db_option
@fresh_connection_options
def run(
    names: tuple[str, ...],
    fmt: str,
    exit_code: bool,
    db: str | None,
    api_url: str | None,
    timeout: float,
    retries: int,
) -> None:
    """Run saved searches (all when none is named) and report what changed since the last run.

    Reported per search: new studies, studies no longer found, status changes, sites added,
    removed or with a new status, and changed "last updated" dates. The first run of a
    search records a baseline. If any search fails, nothing is stored.

    \b
    Examples:
      trialfinder watch run
      trialfinder watch run myeloma --format json
      trialfinder watch run --exit-code; [ $? -eq 4 ] && echo "something changed"
    """
    from trialfinder.cli.calls import make_client
    from trialfinder.cli.feedback import echo_text
    from trialfinder.query.values import check_api_url
    from trialfinder.render.words import DISCLAIMER

    if api_url is not None:
        check_api_url(api_url)
    from trialfinder.watch.report import render_reports, reports_dict

    with _watchlist(db) as watchlist:
        for name in names:
            watchlist.get(name)  # an unknown name fails before the HTTP stack loads
        # A run compares against the registry as it is now: never a cached answer.
        with make_client(api_url, timeout, retries, cache=False) as client:
            reports = watchlist.run(list(names), client=client)
    if fmt.lower() == "json":
        click.echo(_json(reports_dict(reports), ensure_ascii=False, indent=2))
        echo_text(DISCLAIMER, err=True)
    elif not reports:
        click.echo(NOTHING_SAVED, err=True)
    else:
        echo_text(render_reports(reports), nl=False)
    if exit_code and any(r.changed for r in reports):
        click.get_current_context().exit(EXIT_CHANGED)
