"""``trialfinder export DIR``: every match of a search as Parquet tables, for analysts.

A thin layer over :mod:`trialfinder.export.dataset`; light to import (pyarrow and the HTTP stack
load only when the command runs, so ``--help`` stays fast).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from trialfinder.cli.options import (
    OnceCommand,
    fresh_connection_options,
    whole_search_options,
)


@click.command("export", cls=OnceCommand)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@whole_search_options
@click.option(
    "--force",
    is_flag=True,
    default=False,
    help="Write into DIR even when it is not empty, replacing an earlier export there.",
)
@fresh_connection_options
def export(
    directory: str,
    force: bool,
    api_url: str | None,
    timeout: float,
    retries: int,
    **options: Any,
) -> None:
    """Export every matching study to Parquet tables that DuckDB and Spark read as they are.

    DIR gets studies.parquet, sites.parquet, arms.parquet and interventions.parquet,
    keyed by nct_id, and manifest.json: what was searched, when, the registry's data
    timestamp, row counts, studies skipped, and "complete": true once the whole search
    is written. Takes every search option of 'trialfinder search'; --limit defaults to
    all. Tables are written under temporary names and moved into place at the end, so an
    interrupted export never looks complete. Needs pyarrow:
    pip install "trialfinder[parquet]".

    \b
    Examples:
      trialfinder export myeloma -c "multiple myeloma" --status recruiting
      trialfinder export melanoma-all -c melanoma --status all --force
      duckdb -c "SELECT country, count(*) FROM 'myeloma/sites.parquet' GROUP BY 1"
    """
    from trialfinder.cli.calls import make_client, search_kwargs
    from trialfinder.query.build import build_query
    from trialfinder.query.values import check_api_url

    # Everything typed is checked before pyarrow or the HTTP stack is loaded.
    query = build_query(**search_kwargs(options))
    if api_url is not None:
        check_api_url(api_url)

    from trialfinder.api import data_timestamp
    from trialfinder.errors import ExportDirectoryNotEmpty
    from trialfinder.export import bulk, dataset
    from trialfinder.export.tables import EXPORT_FIELDS
    from trialfinder.http.paging import StudyStream
    from trialfinder.render.summary import skipped_line

    dataset.require_pyarrow()
    try:
        dataset.prepare_directory(directory, force=force)
    except ExportDirectoryNotEmpty as exc:
        raise click.UsageError(
            f"{exc.path} is not empty ({exc.summary()}); choose an empty or new folder, "
            "or add --force to write into it, replacing an earlier export there."
        ) from None
    err = sys.stderr
    bar = bulk.Progress(err, err.isatty())
    guard = bulk.InterruptGuard()
    # Always asked afresh: the tables and the manifest's data timestamp describe one moment,
    # and whole records of a large search would swell the response cache for nothing.
    with make_client(api_url, timeout, retries, cache=False) as client:
        stream = StudyStream(query, client, fields=EXPORT_FIELDS)
        stamp = data_timestamp(client=client)
        guard.install()
        try:
            manifest = dataset.write_dataset(
                stream,
                directory,
                force=True,  # checked above
                data_timestamp=stamp,
                progress=bar.update,
                guard=lambda: guard,
            )
        except BaseException:
            bar.done()
            _say_what_is_left(directory)
            raise
        finally:
            guard.uninstall()
    bar.done()
    for line in manifest.searched:
        click.echo(line, err=True)
    rows = ", ".join(f"{count:,} {name}" for name, count in manifest.rows.items())
    click.echo(f'Rows: {rows}; manifest.json says "complete": true.', err=True)
    for line in bulk.footer_lines(stream, query.website_url(), to=directory):
        click.echo(line, err=True)
    notice = skipped_line(stream.skipped)
    if notice:
        click.echo(notice, err=True)


def _say_what_is_left(directory: str) -> None:
    from trialfinder.export.manifest import read_manifest

    manifest = read_manifest(directory) or {}
    if manifest.get("complete"):
        click.echo(
            f"trialfinder: the earlier complete export in {directory} is unchanged.", err=True
        )
    elif manifest:
        studies = manifest.get("rows", {}).get("studies", 0)
        click.echo(
            f"trialfinder: {directory} holds {studies:,} studies written so far, in files "
            'ending .incomplete; manifest.json says "complete": false.',
            err=True,
        )
