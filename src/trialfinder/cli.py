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

import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO, TypeVar

import click

from trialfinder._version import __version__
from trialfinder.errors import (
    BadRequest,
    ConfigError,
    InvalidQuery,
    InvalidWatch,
    StudyNotFound,
    TrialFinderError,
    UnknownWatch,
)
from trialfinder.query import API_URL_ENV, DEFAULT_LIMIT, SearchQuery, check_api_url

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130
FORMATS = ("table", "json", "jsonl", "csv", "markdown", "html")
#: Formats read by programs: counts, links and notices go to stderr so the data stays clean.
MACHINE_FORMATS = ("json", "jsonl", "csv")

F = TypeVar("F", bound=Callable[..., Any])


def exit_code_for(exc: TrialFinderError) -> int:
    """The exit code of a library error."""
    if isinstance(exc, (InvalidQuery, BadRequest, ConfigError, InvalidWatch, UnknownWatch)):
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


class LimitType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
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


def connection_options(func: F) -> F:
    """Options shared by every command that talks to the API."""
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

    return Client(api_url, timeout=(DEFAULT_TIMEOUT[0], timeout), max_attempts=retries)


def _width() -> int:
    return min(shutil.get_terminal_size((100, 24)).columns, 100)


@click.group(cls=TrialFinderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="trialfinder")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find clinical trials on ClinicalTrials.gov by condition and intervention.

    \b
    Examples:
      trialfinder search --condition ALL --intervention blinatumomab
      trialfinder search -c "multiple myeloma" -i radiation -i pembrolizumab
      trialfinder show NCT02013167

    The results come from ClinicalTrials.gov and are a starting point to take to your
    doctor, who confirms whether a trial fits.

    Defaults can be set in a configuration file: see 'trialfinder config --help'.
    """
    from trialfinder import config

    # Options typed on the command line, then environment variables, win over the file.
    ctx.default_map = config.default_map(config.load())


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
    help="Output format; markdown and html make a page to take to the doctor.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file instead of the screen.",
)
@click.option(
    "--status",
    default="open",
    show_default=True,
    metavar="open|recruiting|all|STATUS,…",
    help="Recruitment status: open (recruiting, not yet, by invitation), recruiting, all, "
    "or registry values such as COMPLETED.",
)
@click.option("--phase", metavar="1,2,3,4,early1,na,1/2", help="Phases to keep.")
@click.option(
    "--type",
    "study_type",
    metavar="interventional|observational|expanded-access",
    help="Study type.",
)
@click.option("--sex", metavar="female|male", help="Keep studies open to this sex (and to all).")
@click.option("--age", type=int, metavar="YEARS", help="Keep studies whose age range includes it.")
@click.option(
    "--healthy-volunteers", is_flag=True, help="Only studies that accept healthy volunteers."
)
@click.option("--country", metavar="TEXT", help="A site must be in this country.")
@click.option("--state", metavar="TEXT", help="A site must be in this state or region.")
@click.option("--city", metavar="TEXT", help="A site must be in this city.")
@click.option("--near", metavar="LAT,LON|ZIP|CITY", help="Sites near this place (found offline).")
@click.option("--radius", metavar="MILES", help="Distance around --near (default 50; or 80km).")
@click.option("--sort", metavar="relevance|updated|start", help="Order (default relevance).")
@click.option(
    "--no-expand",
    is_flag=True,
    help="Search exactly as typed: no acronym, brand or drug-class expansion.",
)
@connection_options
def search(
    condition: tuple[str, ...],
    intervention: tuple[str, ...],
    term: tuple[str, ...],
    limit: int | None,
    fmt: str,
    output: str | None,
    status: str,
    phase: str | None,
    study_type: str | None,
    sex: str | None,
    age: int | None,
    healthy_volunteers: bool,
    country: str | None,
    state: str | None,
    city: str | None,
    near: str | None,
    radius: str | None,
    sort: str | None,
    no_expand: bool,
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
      trialfinder search -c ALL -i Blincyto --age 67 --phase 2,3 --near 55905
      trialfinder search -c "multiple myeloma" -i pembrolizumab -f html -o for-my-doctor.html
    """
    # Everything the user typed is checked before the HTTP stack is even loaded.
    filters: dict[str, Any] = {
        "expand": not no_expand,
        "status": status,
        "phase": phase,
        "study_type": study_type,
        "sex": sex,
        "age": age,
        "healthy_volunteers": healthy_volunteers,
        "country": country,
        "state": state,
        "city": city,
        "sort": sort,
    }
    # Checked first without the place: a typo elsewhere should not wait for place data.
    query = SearchQuery.build(
        condition,
        intervention,
        term,
        limit,
        radius=radius if near is None else None,
        **filters,
    )
    if near is not None:
        from trialfinder.geo import resolve_place  # place data loads only for --near

        place = resolve_place(near)
        query = SearchQuery.build(
            condition,
            intervention,
            term,
            limit,
            near=(place.latitude, place.longitude),
            near_label=place.label,
            radius=radius,
            **filters,
        )
    if api_url is not None:
        check_api_url(api_url)

    from trialfinder import render
    from trialfinder.api import run_query

    fmt = fmt.lower()
    with _make_client(api_url, timeout, retries) as client:
        result = run_query(query, client=client)
        # Only the printed page shows the data's age: one small extra request.
        info = _page_info(result, client) if fmt in ("markdown", "html") else None
    # The file is opened only once the data is in, so a failed search leaves no file behind.
    with _open_output(output) as out:
        _write_result(result, fmt, out, info)
    if fmt in MACHINE_FORMATS:
        for line in render.footer_lines(result):
            click.echo(line, err=True)
    if output:
        click.echo(f"Wrote {len(result.studies)} studies to {output}", err=True)
    notice = render.skipped_line(result.skipped)
    if notice:
        click.echo(notice, err=True)


@contextmanager
def _open_output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidQuery(
            f"Cannot write to {path} ({reason}); choose another file with -o."
        ) from None


def _page_info(result: Any, client: Any) -> Any:
    from datetime import datetime

    from trialfinder.api import data_timestamp
    from trialfinder.page import PageInfo
    from trialfinder.render import searched_lines

    return PageInfo(
        searched=searched_lines(result),
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
        data_timestamp=data_timestamp(client=client),
    )


def _write_result(result: Any, fmt: str, out: TextIO, info: Any) -> None:
    from trialfinder import page, render
    from trialfinder.term import detect

    if fmt == "table":
        out.write(render.render_table(result, _width(), style=detect(out)))
    elif fmt == "markdown":
        out.write(page.render_markdown_page(result, info))
    elif fmt == "html":
        out.write(page.render_html_page(result, info))
    elif fmt == "json":
        render.write_json(result, out)
    elif fmt == "jsonl":
        render.write_jsonl(result.studies, out)
    else:
        render.write_csv(result.studies, out)


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


@cli.group("config")
def config_group() -> None:
    """Show where defaults come from: command line, environment, file, built-in.

    The configuration file is TOML with flat keys (api_url, format, limit, timeout,
    retries, status, near, radius). It lives at $TRIALFINDER_CONFIG, else
    $XDG_CONFIG_HOME/trialfinder/config.toml, else ~/.config/trialfinder/config.toml.

    \b
    Example file:
      status = "recruiting"
      near = "55905"
      radius = 100
      format = "markdown"

    \b
    Examples:
      trialfinder config show
      trialfinder config path
    """


@config_group.command("show")
def config_show() -> None:
    """Print each setting in force and where it came from.

    \b
    Example:
      trialfinder config show
    """
    from trialfinder import config

    path = config.config_path()
    values = config.load(path)
    state = "found" if path.exists() else "not found, using defaults"
    click.echo(f"Configuration file: {path} ({state})")
    for name, value, source in config.effective(values, path):
        shown = "(none)" if value is None else value
        click.echo(f"{name:<9} = {shown!s:<36} from {source}")


@config_group.command("path")
def config_path_command() -> None:
    """Print where the configuration file is looked for.

    \b
    Example:
      trialfinder config path
    """
    from trialfinder import config

    click.echo(str(config.config_path()))


from trialfinder.cli_watch import watch  # noqa: E402  (it builds on the helpers above)

cli.add_command(watch)


def main() -> None:
    """Entry point of the ``trialfinder`` console script."""
    cli.main()
