"""How ``trialfinder search`` writes what it found: each format, the output file, the counts."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from trialfinder.cli.calls import _from_file, make_client, query_from_options
from trialfinder.cli.feedback import echo_hints, echo_text
from trialfinder.cli.options import live_lines
from trialfinder.cli.output import open_output

if TYPE_CHECKING:
    from trialfinder.query.build import SearchQuery

#: Formats read by programs: counts, links and notices go to stderr so the data stays clean.
MACHINE_FORMATS = ("json", "jsonl", "csv")
#: Formats written page by page as the studies arrive.
STREAM_FORMATS = ("jsonl", "csv")


def run_search(
    fmt: str,
    output: str | None,
    full: bool,
    api_url: str | None,
    timeout: float,
    retries: int,
    options: dict[str, Any],
) -> None:
    """Run ``trialfinder search`` with the values its options were given (see its --help)."""
    # Everything the user typed is checked before the HTTP stack is even loaded.
    query = query_from_options(options)
    echo_hints(query)
    if api_url is not None:
        from trialfinder.query.values import check_api_url

        check_api_url(api_url)

    from trialfinder.api.run import ResultStream
    from trialfinder.query.pieces import LIST_FIELDS
    from trialfinder.render.summary import count_line, footer_lines, skipped_line

    fmt = fmt.lower()
    fields = None if full else LIST_FIELDS
    limit_from = _from_file("limit")
    if fmt in STREAM_FORMATS:
        client = make_client(api_url, timeout, retries)
        _stream_search(query, fmt, fields, output, client, limit_from)
        return
    with make_client(api_url, timeout, retries) as client:
        results = ResultStream(query, client, fields=fields)
        # Only the printed page shows the data's age: one small extra request.
        info = _page_info(results.plan, client, limit_from) if fmt in ("markdown", "html") else None
        # Every format is written study by study as the pages arrive. A file left unfinished
        # by a failure is removed (or emptied): a document cut short is of no use.
        with open_output(output, lambda: results.returned == 0) as out:
            _write_result(results, fmt, out, info, limit_from)
    result = results.summary()
    shown = results.returned
    # One count line on stderr: "Wrote N of M studies to FILE" whenever a file was written.
    if fmt in MACHINE_FORMATS:
        for line in footer_lines(result, wrote_to=output, limit_from=limit_from, shown=shown):
            echo_text(line, err=True)
    elif output:
        echo_text(count_line(result, to=output, limit_from=limit_from, shown=shown), err=True)
    notice = skipped_line(result.skipped)
    if notice:
        echo_text(notice, err=True)


def _stream_search(
    query: SearchQuery,
    fmt: str,
    fields: Sequence[str] | None,
    output: str | None,
    client: Any,
    limit_from: str | None,
) -> None:
    """Write a search as JSON Lines or CSV page by page, with the notices on stderr."""
    from trialfinder.api.run import plan_query
    from trialfinder.export import bulk
    from trialfinder.http.paging import StudyStream
    from trialfinder.render.summary import searched_lines, skipped_line

    err = sys.stderr
    stream = StudyStream(query, client, fields=fields)
    with client, open_output(output, lambda: stream.returned == 0, keep_partial=True) as out:
        bulk.write_stream(stream, out, fmt, err=err, progress=live_lines(err))
    plan = plan_query(query)
    for line in searched_lines(plan):
        echo_text(line, err=True)
    footer = bulk.footer_lines(
        stream, plan.search_url, to=output, limit_from=limit_from, left_out=plan.website_left_out
    )
    for line in footer:
        echo_text(line, err=True)
    notice = skipped_line(stream.skipped)
    if notice:
        echo_text(notice, err=True)


def _page_info(result: Any, client: Any, limit_from: str | None) -> Any:
    from datetime import datetime

    from trialfinder.api import data_timestamp
    from trialfinder.render.page import PageInfo
    from trialfinder.render.summary import searched_lines

    return PageInfo(
        searched=searched_lines(result),
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
        data_timestamp=data_timestamp(client=client),
        limit_from=limit_from,
    )


def _write_result(
    results: Any, fmt: str, out: TextIO, info: Any, limit_from: str | None = None
) -> None:
    from trialfinder.render.formats import write_json
    from trialfinder.render.table import write_table

    if fmt == "table":
        from trialfinder.render.term import FittedWriter, detect, output_width

        width = output_width(out)
        with FittedWriter(out, width) as fitted:
            # A TextIOBase, which typing's TextIO does not name; it writes text all the same.
            write_table(results, cast(TextIO, fitted), width, detect(out), limit_from)
    elif fmt in ("markdown", "html"):
        from trialfinder.render import page

        write_page = page.write_markdown_page if fmt == "markdown" else page.write_html_page
        write_page(results, info, out)
    else:
        write_json(results, out)
