"""The human listing of a search: what was searched, a block per study, then the counts."""

from __future__ import annotations

import io
import textwrap
from typing import TextIO

from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.models.results import SearchResult
from trialfinder.render.notetext import note_lines
from trialfinder.render.safe import clean
from trialfinder.render.stream import Results, finished
from trialfinder.render.summary import footer_lines, searched_lines
from trialfinder.render.term import PLAIN, Style
from trialfinder.render.words import (
    assigns_treatment,
    intervention_names,
    interventions_label,
    kind_and_phase,
    location_summary,
    status_label,
    study_type_text,
    wrap_text,
)


def _wrap(label: str, text: str, width: int) -> list[str]:
    indent = "    "
    return textwrap.wrap(
        f"{label}{text}",
        width=max(40, width),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    ) or [indent + label.rstrip()]


def study_block(
    study: Study, width: int = 100, style: Style = PLAIN, notes: StudyNotes | None = None
) -> str:
    """A few lines describing one study in a result list."""
    nct = style.link(style.bold(study.nct_id), study.url)
    status = style.status(status_label(clean(study.status)), study.status)
    head = f"{nct}  {status} · {kind_and_phase(study)}"
    lines = [head]
    lines += _wrap("", clean(study.title) or "(no title)", width)
    if not assigns_treatment(study):
        lines += _wrap("Study type: ", study_type_text(study.study_type), width)
    if study.conditions:
        lines += _wrap("Conditions: ", clean("; ".join(study.conditions)), width)
    names = intervention_names(study)
    if names:
        lines += _wrap(f"{interventions_label(study)}: ", clean("; ".join(names)), width)
    if study.lead_sponsor:
        lines += _wrap("Sponsor: ", clean(study.lead_sponsor), width)
    lines += _wrap("Where: ", clean(location_summary(study)), width)
    for label, text in note_lines(notes):
        lines += _wrap(label, clean(text), width)
    lines.append(f"    {study.url}")
    return "\n".join(lines)


def write_table(
    results: Results,
    out: TextIO,
    width: int = 100,
    style: Style = PLAIN,
    limit_from: str | None = None,
) -> None:
    """The human listing, written study by study: what was searched, a block per study, then
    the footer."""

    def wrapped(lines: list[str]) -> str:
        # Lines holding a link stay whole so that terminals can still open them.
        return "\n".join(
            line if "://" in line else "\n".join(wrap_text(line, width)) for line in lines
        )

    # Written with the first study (or the footer): a search that fails writes nothing.
    header: str | None = wrapped(searched_lines(results.plan)) + "\n\n"
    for study, notes in results:
        if header:
            out.write(header)
            header = None
        out.write(study_block(study, width, style, notes) + "\n\n")
    if header:
        out.write(header)
    summary = results.summary()
    lines = footer_lines(summary, limit_from=limit_from, shown=results.returned, searched=False)
    out.write(wrapped(lines) + "\n")


def render_table(
    result: SearchResult, width: int = 100, style: Style = PLAIN, limit_from: str | None = None
) -> str:
    """The human listing as one string (see :func:`write_table`)."""
    out = io.StringIO()
    write_table(finished(result), out, width, style, limit_from)
    return out.getvalue()
