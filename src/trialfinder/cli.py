"""The ``trialfinder`` command: a thin click layer over the library.

Errors are mapped to messages and exit codes in one place, :meth:`TrialFinderGroup.main`:

====  ======================================================================
0     success, including a search that found nothing
1     the API or the network failed, or sent something unreadable
2     usage error: bad input (found before sending) or a request the API rejected
3     the study ID was not found
130   interrupted (Ctrl-C)
====  ======================================================================

Only click and the light ``query``/``errors`` modules load at start; the HTTP stack and the
models load when a command runs, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click

from trialfinder._version import __version__
from trialfinder.cli_cache import cache as cache_command
from trialfinder.errors import BadRequest, InvalidQuery, StudyNotFound, TrialFinderError
from trialfinder.query import (
    API_URL_ENV,
    DEFAULT_LIMIT,
    LIST_FIELDS,
    SearchQuery,
    check_api_url,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130
FORMATS = ("table", "json", "jsonl", "csv", "markdown")  # kept in step with render.FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def exit_code_for(exc: TrialFinderError) -> int:
    """The exit code of a library error."""
    if isinstance(exc, (InvalidQuery, BadRequest)):
        return EXIT_USAGE
    if isinstance(exc, StudyNotFound):
        return EXIT_NOT_FOUND
    return EXIT_FAILURE


def _fail(message: str, code: int) -> NoReturn:
    # One line, always: the message itself never holds a newline.
    click.echo(f"trialfinder: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


class TrialFinderGroup(click.Group):
    """A click group whose every failure ends as one line on stderr and a fixed exit code."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        extra.pop("standalone_mode", None)
        try:
            code = super().main(
                args=args, prog_name=prog_name or "trialfinder", standalone_mode=False, **extra
            )
        except TrialFinderError as exc:
            _fail(str(exc), exit_code_for(exc))
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "trialfinder"
            _fail(f"{exc.format_message()} (see '{command} --help')", EXIT_USAGE)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("\ntrialfinder: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`); nothing more to say.
            sys.stderr.close()
            sys.exit(EXIT_OK)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


class LimitType(click.ParamType):
    """A positive whole number, or ``all``."""

    name = "N|all"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | None:
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text == "all":
            return None
        try:
            number = int(text)
        except ValueError:
            self.fail(
                f"{value!r} is not a number: use a whole number like 20, or 'all'.", param, ctx
            )
        if number < 1:
            self.fail(f"{number} is too small: use 1 or more, or 'all'.", param, ctx)
        return number


_CACHE_TTL_KEY = "trialfinder.cache_ttl"


def _set_cache_ttl(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # Kept in ctx.meta, not passed to the command: every command with connection_options
    # gets the cache through _make_client without a new parameter.
    if param.name == "no_cache":
        if value:
            ctx.meta[_CACHE_TTL_KEY] = 0
    elif value is not None and ctx.meta.get(_CACHE_TTL_KEY) != 0:
        ctx.meta[_CACHE_TTL_KEY] = value


def connection_options(func: F) -> F:
    """Options shared by every command that talks to the API."""
    func = click.option(
        "--cache-ttl",
        type=click.IntRange(0),
        default=None,
        metavar="SECONDS",
        expose_value=False,
        callback=_set_cache_ttl,
        help="Serve a repeated request from the local cache for this long (default 3600).",
    )(func)
    func = click.option(
        "--no-cache",
        is_flag=True,
        default=False,
        expose_value=False,
        is_eager=True,
        callback=_set_cache_ttl,
        help="Neither read nor write the local response cache.",
    )(func)
    func = click.option(
        "--retries",
        type=click.IntRange(1, 10),
        default=4,
        show_default=True,
        help="Attempts per request when the API is busy or unreachable.",
    )(func)
    func = click.option(
        "--timeout",
        type=click.FloatRange(0.1, 600),
        default=30.0,
        show_default=True,
        help="Seconds to wait for the API to answer each request.",
    )(func)
    func = click.option(
        "--api-url",
        envvar=API_URL_ENV,
        default=None,
        metavar="URL",
        help=f"API base URL (default https://clinicaltrials.gov/api/v2; env {API_URL_ENV}).",
    )(func)
    return func


def _make_client(api_url: str | None, timeout: float, retries: int) -> Any:
    from trialfinder.client import DEFAULT_TIMEOUT, Client

    ctx = click.get_current_context(silent=True)
    ttl = ctx.meta.get(_CACHE_TTL_KEY) if ctx is not None else 0
    session = None
    if ttl != 0:
        from trialfinder.cache import DEFAULT_TTL, cached_session

        session = cached_session(
            DEFAULT_TTL if ttl is None else ttl,
            notice=lambda message: click.echo(f"trialfinder: notice: {message}", err=True),
        )
    return Client(
        api_url, timeout=(DEFAULT_TIMEOUT[0], timeout), max_attempts=retries, session=session
    )


def _width() -> int:
    import shutil  # imported here: --help does not need it

    return min(shutil.get_terminal_size((100, 24)).columns, 100)


@click.group(cls=TrialFinderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="trialfinder")
def cli() -> None:
    """Find clinical trials on ClinicalTrials.gov by condition and intervention.

    \b
    Examples:
      trialfinder search --condition ALL --intervention blinatumomab
      trialfinder search -c "multiple myeloma" -i radiation -i pembrolizumab
      trialfinder show NCT02013167

    The results come from ClinicalTrials.gov and are a starting point to take to your
    doctor, who confirms whether a trial fits.
    """


@cli.command()
@click.option(
    "-c",
    "--condition",
    multiple=True,
    metavar="TEXT",
    help="Disease or condition. Repeat: a study must match all.",
)
@click.option(
    "-i",
    "--intervention",
    multiple=True,
    metavar="TEXT",
    help="Treatment, drug or procedure. Repeat: a study must involve all.",
)
@click.option(
    "-t",
    "--term",
    multiple=True,
    metavar="TEXT",
    help="Other words anywhere in the record. Repeat: all must match.",
)
@click.option(
    "-n",
    "--limit",
    type=LimitType(),
    default=str(DEFAULT_LIMIT),
    show_default=True,
    help="Most studies to show, or 'all'.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--full",
    is_flag=True,
    default=False,
    help="Fetch whole study records (default: only the fields the list shows).",
)
@connection_options
def search(
    condition: tuple[str, ...],
    intervention: tuple[str, ...],
    term: tuple[str, ...],
    limit: int | None,
    fmt: str,
    full: bool,
    api_url: str | None,
    timeout: float,
    retries: int,
) -> None:
    """Search for studies by condition, intervention and other terms.

    Several values of one option mean a study must match all of them:
    '-i radiation -i pembrolizumab' finds studies that involve both.

    \b
    Examples:
      trialfinder search --condition ALL --intervention blinatumomab
      trialfinder search -c "multiple myeloma" -i radiation -i pembrolizumab
      trialfinder search -c "non-small cell lung cancer" -i alectinib --format json
      trialfinder search -c melanoma --limit all --format csv > melanoma.csv

    With --format jsonl or csv, studies are written as they arrive, page by page.
    """
    # Everything the user typed is checked before the HTTP stack is even loaded.
    query = SearchQuery.build(condition, intervention, term, limit)
    if api_url is not None:
        check_api_url(api_url)

    from trialfinder import render
    from trialfinder.api import search as run_search

    fmt = fmt.lower()
    fields = None if full else LIST_FIELDS
    if fmt in ("jsonl", "csv"):
        _stream_search(query, fmt, fields, api_url, timeout, retries)
        return
    with _make_client(api_url, timeout, retries) as client:
        result = run_search(
            query.conditions,
            query.interventions,
            query.terms,
            query.limit,
            client=client,
            fields=fields,
        )
    out = click.get_text_stream("stdout")
    if fmt == "table":
        out.write(render.render_table(result, _width()))
    elif fmt == "markdown":
        out.write(render.render_markdown(result))
    else:
        render.write_json(result, out)
    out.flush()
    if fmt in render.MACHINE_FORMATS:
        for line in render.footer_lines(result):
            click.echo(line, err=True)
    notice = render.skipped_line(result.skipped)
    if notice:
        click.echo(notice, err=True)


def _stream_search(
    query: SearchQuery,
    fmt: str,
    fields: Sequence[str] | None,
    api_url: str | None,
    timeout: float,
    retries: int,
) -> None:
    """Write a search as JSON Lines or CSV page by page, with the notices on stderr."""
    from trialfinder import bulk, render
    from trialfinder.api import StudyStream

    out, err = sys.stdout, sys.stderr
    with _make_client(api_url, timeout, retries) as client:
        stream = StudyStream(query, client, fields=fields)
        bulk.write_stream(stream, out, fmt, err=err, progress=err.isatty())
    for line in bulk.footer_lines(stream, query.website_url()):
        click.echo(line, err=True)
    notice = render.skipped_line(stream.skipped)
    if notice:
        click.echo(notice, err=True)


@cli.command()
@click.argument("nct_id", metavar="NCT_ID")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format.",
)
@connection_options
def show(nct_id: str, fmt: str, api_url: str | None, timeout: float, retries: int) -> None:
    """Show one study in full: summary, eligibility, arms, sites and contacts.

    \b
    Examples:
      trialfinder show NCT02013167
      trialfinder show nct02013167 --format json
    """
    from trialfinder.query import normalize_nct_id

    nct_id = normalize_nct_id(nct_id)
    if api_url is not None:
        check_api_url(api_url)

    import json

    from trialfinder import render
    from trialfinder.api import get_study

    with _make_client(api_url, timeout, retries) as client:
        study = get_study(nct_id, client=client)
    if fmt.lower() == "json":
        click.echo(json.dumps(render.study_dict(study), ensure_ascii=False, indent=2))
        click.echo(render.DISCLAIMER, err=True)
    else:
        click.echo(render.render_study(study, _width()), nl=False)


cli.add_command(cache_command)


def main() -> None:
    """Entry point of the ``trialfinder`` console script."""
    cli.main()
