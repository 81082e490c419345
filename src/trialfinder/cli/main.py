"""The ``trialfinder`` command: a thin click layer over the library.

Errors are mapped to messages and exit codes in one place, :meth:`TrialFinderGroup.main`:

====  ======================================================================
0     success, including a search that found nothing
1     the API or the network failed, or sent something unreadable; the output could not be
      written (a full disk)
2     usage error: bad input (found before sending) or a request the API rejected
3     the study ID was not found
4     ``watch run --exit-code``: something changed (no failure ever uses 4)
130   interrupted (Ctrl-C)
====  ======================================================================

Only click and the light ``query``/``errors`` modules load at start; the HTTP stack and the
models load when a command runs, so ``--help`` and ``--version`` stay fast. For the same
reason the commands are declared here (their options and help) and do their work in modules
loaded when they run: :mod:`~trialfinder.cli.search`, :mod:`~trialfinder.cli.show`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from trialfinder._version import __version__
from trialfinder.cli.options import (
    OnceGroup,
    connection_options,
    search_options,
    text_or_json_option,
)
from trialfinder.errors import (
    BadRequest,
    ConfigError,
    ExportDirectoryNotEmpty,
    InvalidQuery,
    InvalidWatch,
    MissingDependency,
    StudyNotFound,
    TrialFinderError,
    UnknownWatch,
)
from trialfinder.query.flags import in_cli_words

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INTERRUPTED = 130
FORMATS = ("table", "json", "jsonl", "csv", "markdown", "html")


def exit_code_for(exc: TrialFinderError) -> int:
    """The exit code of a library error."""
    usage = (InvalidQuery, BadRequest, ConfigError, InvalidWatch, UnknownWatch)
    if isinstance(exc, (*usage, MissingDependency, ExportDirectoryNotEmpty)):
        return EXIT_USAGE
    if isinstance(exc, StudyNotFound):
        return EXIT_NOT_FOUND
    return EXIT_FAILURE


def _fail(message: str, code: int) -> NoReturn:
    # One line, always: the message itself never holds a newline.
    click.echo(f"trialfinder: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


class TrialFinderGroup(OnceGroup):
    """A click group whose every failure ends as one line on stderr and a fixed exit code."""

    group_class = OnceGroup

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        extra.pop("standalone_mode", None)
        try:
            code = super().main(
                args=args, prog_name=prog_name or "trialfinder", standalone_mode=False, **extra
            )
            # A full disk or a device that refuses data shows here, not in Python's exit.
            sys.stdout.flush()
        except TrialFinderError as exc:
            _fail(in_cli_words(exc), exit_code_for(exc))
        except click.BadParameter as exc:
            _fail(_from_config_file(exc) or _usage_message(exc), EXIT_USAGE)
        except click.UsageError as exc:
            _fail(_usage_message(exc), EXIT_USAGE)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("\ntrialfinder: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`); nothing more to say.
            sys.stderr.close()
            sys.exit(EXIT_OK)
        except OSError as exc:
            from trialfinder.cli import output

            if not output.is_write_failure(exc):
                raise
            output.drop_stdout()
            _fail(output.write_failure(exc), output.EXIT_WRITE_FAILED)
        sys.exit(code if isinstance(code, int) else EXIT_OK)


def _usage_message(exc: click.UsageError) -> str:
    command = exc.ctx.command_path if exc.ctx else "trialfinder"
    return f"{exc.format_message()} (see '{command} --help')"


def _from_config_file(exc: click.BadParameter) -> str | None:
    """The message of a bad value that came from the configuration file, naming file and key."""
    if exc.ctx is None or exc.param is None or exc.param.name is None:
        return None
    if exc.ctx.get_parameter_source(exc.param.name) is not ParameterSource.DEFAULT_MAP:
        return None
    from trialfinder.cli import config

    key = config.setting_for(exc.param.name)
    return config.blame(config.config_path(), key, exc.message)


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
    from trialfinder.cli import config

    # Options typed on the command line, then environment variables, win over the file,
    # which is read only when a command that uses it starts.
    ctx.default_map = config.LazyDefaultMap()


@cli.command()
@search_options
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
    "--full",
    is_flag=True,
    default=False,
    help="Fetch whole study records (default: only the fields the list shows).",
)
@connection_options
def search(
    fmt: str,
    output: str | None,
    full: bool,
    api_url: str | None,
    timeout: float,
    retries: int,
    **options: Any,
) -> None:
    """Search for studies by condition, intervention and other terms.

    \b
    How the search is built:
    - Several values of one option mean a study must match all of them:
      '-i radiation -i pembrolizumab' finds studies that involve both.
    - Only studies open to patients are shown unless you say otherwise: the
      default '--status open' keeps recruiting, not yet recruiting and enrolling
      by invitation; use '--status all' for every status.
    - Disease acronyms in -c (in capitals: 'ALL' -> acute lymphoblastic
      leukemia), brand names and drug classes in -i ('Keytruda' -> pembrolizumab;
      'immunotherapy' -> the drugs it means for the condition given) are expanded
      to what the registry uses; --term is searched as typed. Every expansion is
      shown with the results. '--no-expand' turns it off.

    \b
    Examples:
      trialfinder search --condition ALL --intervention blinatumomab
      trialfinder search -c "multiple myeloma" -i radiation -i Keytruda
      trialfinder search -c "non-small cell lung cancer" -i alectinib --format json
      trialfinder search -c ALL -i Blincyto --age 67 --phase 2,3 --near 55905
      trialfinder search -c melanoma --status all --limit all -f csv -o melanoma.csv
      trialfinder search -c "multiple myeloma" -i pembrolizumab -f html -o for-my-doctor.html
    """
    from trialfinder.cli.search import run_search

    run_search(fmt, output, full, api_url, timeout, retries, options)


@cli.command()
@click.argument("nct_id", metavar="NCT_ID")
@text_or_json_option
@connection_options
def show(nct_id: str, fmt: str, api_url: str | None, timeout: float, retries: int) -> None:
    """Show one study in full: summary, eligibility, arms, sites and contacts.

    \b
    Examples:
      trialfinder show NCT02013167
      trialfinder show nct02013167 --format json
    """
    from trialfinder.cli.show import run_show

    run_show(nct_id, fmt, api_url, timeout, retries)


@cli.group("config")
def config_group() -> None:
    """Show where defaults come from: command line, environment, file, built-in.

    The configuration file is TOML with flat keys (api_url, format, limit, timeout,
    retries, status, near, radius). It lives at $TRIALFINDER_CONFIG, else
    $XDG_CONFIG_HOME/trialfinder/config.toml, else ~/.config/trialfinder/config.toml
    (on macOS and Windows, in the system's folder for settings: see 'config path').

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
    from trialfinder.cli import config
    from trialfinder.cli.feedback import echo_text

    path = config.config_path()
    values, problems = config.read(path, places=True)
    problems += _option_problems(values, path)
    state = "found" if path.exists() else "not found, using defaults"
    click.echo(f"Configuration file: {path} ({state})")
    wrong = {key for key, _ in problems}
    for name, value, source in config.effective(values, path):
        shown = "(none)" if value is None else value
        note = "  (the file's value is wrong: see below)" if name in wrong else ""
        echo_text(f"{name:<9} = {shown!s:<36} from {source}{note}")
    if problems:
        click.echo(f"\nProblems in {path} (commands that use it stop until they are fixed):")
        for _, message in problems:
            echo_text(f"- {message}")
        raise ConfigError(f"The configuration file {path} has problems: see above.")


def _option_problems(values: dict[str, object], path: Any) -> list[tuple[str | None, str]]:
    """Values the command line itself would refuse (format, limit, ranges), once each."""
    from trialfinder.cli import config

    problems: list[tuple[str | None, str]] = []
    for name in list(values):
        for command_name, param_name in config.commands_using(name):
            command = cli.commands.get(command_name)
            if command is None:
                continue
            param = next((p for p in command.params if p.name == param_name), None)
            if param is None or getattr(param, "multiple", False):
                continue
            try:
                param.type_cast_value(click.Context(command), values[name])
            except click.BadParameter as exc:
                problems.append((name, config.blame(path, name, exc.message)))
                del values[name]
                break
    return problems


@config_group.command("path")
def config_path_command() -> None:
    """Print where the configuration file is looked for.

    \b
    Example:
      trialfinder config path
    """
    from trialfinder.cli import config

    click.echo(str(config.config_path()))


def _register_subgroups() -> None:
    # Their modules import this one's neighbours, not this module: no import cycle.
    from trialfinder.cli.cache import cache
    from trialfinder.cli.export import export
    from trialfinder.cli.mcp import mcp
    from trialfinder.cli.watch import watch

    cli.add_command(cache)
    cli.add_command(export)
    cli.add_command(mcp)
    cli.add_command(watch)


_register_subgroups()


def main() -> None:
    """Entry point of the ``trialfinder`` console script."""
    cli.main()
