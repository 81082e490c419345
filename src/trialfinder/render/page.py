"""A one-page summary of a search to take to the doctor, as Markdown or self-contained HTML.

The page says what was searched and when, how fresh the registry data is, each study with
its status, phase, treatments, sites, contacts and link, and questions worth asking the care
team. The reminder that only the doctor and the study team can confirm a fit stands at the
top and at the bottom. The HTML needs nothing from the network: no external CSS, fonts,
images or scripts, and a Content-Security-Policy that forbids them.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from typing import TextIO

from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Location, Study
from trialfinder.models.results import SearchResult
from trialfinder.render.notetext import note_lines
from trialfinder.render.safe import clean
from trialfinder.render.stream import Results, finished
from trialfinder.render.summary import count_line, loosen_lines, website_lines
from trialfinder.render.words import (
    DISCLAIMER,
    assigns_treatment,
    intervention_names,
    interventions_label,
    phase_label,
    site_status_text,
    status_label,
    study_type_text,
)
from trialfinder.status import is_open, site_status_in_study

ARMS_QUESTION = "What would I receive in each arm, and could I be assigned to a comparison arm?"
#: Asked instead of (or beside) :data:`ARMS_QUESTION` when a study on the page assigns no
#: treatment: its groups are observed or served, not given treatment by the study.
GROUPS_QUESTION = (
    "For a study that does not assign treatment (observational or expanded access): what would "
    "taking part involve, and who decides my treatment?"
)
QUESTIONS = [
    "Could this trial fit my diagnosis, its stage, and the treatments I have already had?",
    ARMS_QUESTION,
    "How often would I need to visit the study site, and is there one I can reach?",
    "What are the known risks and side effects, compared with my other options?",
    "Who pays for the study treatment, the extra tests, and travel?",
    "Could taking part change which treatments I can have later?",
]
SITES_SHOWN = 3


def questions(assigning: bool, not_assigning: bool) -> list[str]:
    """The questions for the care team, fitting the studies on the page: whether any of
    them assigns treatment, and whether any does not."""
    asked = list(QUESTIONS)
    if not_assigning:
        at = asked.index(ARMS_QUESTION)
        asked[at : at + 1] = [ARMS_QUESTION, GROUPS_QUESTION] if assigning else [GROUPS_QUESTION]
    return asked


@dataclass(frozen=True)
class PageInfo:
    """What the page says about the search itself.

    Attributes:
        searched: lines describing what was searched (terms, expansions, filters), as
            :func:`trialfinder.render.summary.searched_lines` gives them.
        generated: when the page was made (ISO date and time).
        data_timestamp: when ClinicalTrials.gov last refreshed its data (from ``/version``),
            or None when it could not be asked.
        limit_from: where the limit came from when it was not typed (the configuration
            file), for the count line; None when typed or built in.
    """

    searched: list[str] = field(default_factory=list)
    generated: str = ""
    data_timestamp: str | None = None
    limit_from: str | None = None


def sites_to_show(study: Study, limit: int = SITES_SHOWN) -> list[Location]:
    """The sites to list: open ones first, in registry order."""
    ranked = sorted(
        study.locations,
        key=lambda loc: not is_open(site_status_in_study(loc.status, study.status)),
    )
    return ranked[:limit]


def _site_text(loc: Location, study: Study) -> str:
    place = ", ".join(clean(p) for p in (loc.city, loc.state, loc.country) if p)
    facility = clean(loc.facility) or "Site"
    return f"{facility}, {place} ({site_status_text(loc.status, study.status)})"


def _contact_texts(study: Study) -> list[str]:
    return [
        " · ".join(clean(p) for p in (c.name, c.phone, c.email) if p)
        for c in study.central_contacts
        if c.name or c.phone or c.email
    ]


def _facts(study: Study, study_notes: StudyNotes | None) -> list[tuple[str, str]]:
    facts = [
        ("Status", status_label(clean(study.status))),
        ("Study type", study_type_text(study.study_type)),
        ("Phase", phase_label(study.phases) if study.phases or assigns_treatment(study) else ""),
        ("Conditions", clean("; ".join(study.conditions))),
        (treatments_label(study), clean("; ".join(intervention_names(study)))),
        ("Sponsor", clean(study.lead_sponsor)),
        ("Ages", _ages(study)),
        ("Last updated", clean(study.last_updated)),
    ]
    # What this search worked out: arms giving the treatments together, nearest open site…
    notes = note_lines(study_notes)
    facts += [(label.rstrip(": "), clean(text)) for label, text in notes]
    return [(k, v) for k, v in facts if v]


def treatments_label(study: Study) -> str:
    """``Treatments``, or what a study that assigns no treatment lists instead."""
    return "Treatments" if assigns_treatment(study) else interventions_label(study)


def _ages(study: Study) -> str:
    e = study.eligibility
    if not e.minimum_age and not e.maximum_age:
        return ""
    return f"{clean(e.minimum_age) or 'no minimum'} to {clean(e.maximum_age) or 'no maximum'}"


def _header_lines(info: PageInfo) -> list[str]:
    lines = [clean(line) for line in info.searched]
    lines.append(f"Made on {info.generated}" if info.generated else "")
    fresh = info.data_timestamp or "not known (the API could not be asked)"
    lines.append(f"ClinicalTrials.gov data as of: {fresh}")
    return [line for line in lines if line]


def _closing_lines(results: Results, info: PageInfo) -> list[str]:
    # The counts are known once every study has been written: they close the list.
    summary = results.summary()
    lines = [] if results.returned else ["No studies matched this search.", *loosen_lines(summary)]
    return [*lines, count_line(summary, limit_from=info.limit_from, shown=results.returned)]


# -- Markdown -------------------------------------------------------------------------------


def _md(text: str) -> str:
    # Registry text arrives unescaped (see models/markup.py); escape what Markdown would read as
    # markup, entity references (``&amp;``) included.
    escaped = clean(text)
    for ch in "\\`*_[]<>|#&":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def write_markdown_page(results: Results, info: PageInfo, out: TextIO) -> None:
    """The page as Markdown, written study by study."""
    head = ["# Clinical trials to discuss with my doctor", "", f"> **{DISCLAIMER}**", ""]
    head += [f"- {_md(line)}" for line in _header_lines(info)]
    head.append(f"- Same search on the website: <{results.plan.search_url}>")
    head += [f"- {_md(line)}" for line in website_lines(results.plan)[1:]] + [""]
    out.write("\n".join(head) + "\n")
    kinds: set[bool] = set()
    for study, study_notes in results:
        kinds.add(assigns_treatment(study))
        lines = [f"## {_md(study.title or '(no title)')}", "", f"[{study.nct_id}]({study.url})", ""]
        lines += [f"- **{name}:** {_md(value)}" for name, value in _facts(study, study_notes)]
        sites = sites_to_show(study)
        if sites:
            more = len(study.locations) - len(sites)
            lines.append(
                "- **Sites:** "
                + "; ".join(_md(_site_text(s, study)) for s in sites)
                + (f" and {more} more" if more > 0 else "")
            )
        contacts = _contact_texts(study)
        if contacts:
            lines.append("- **Contact:** " + "; ".join(_md(c) for c in contacts))
        out.write("\n".join(lines) + "\n\n")
    end = [f"{_md(line)}\n" for line in _closing_lines(results, info)]
    end += ["## Questions to ask the care team", ""]
    end += [f"{n}. {q}" for n, q in enumerate(questions(True in kinds, False in kinds), 1)]
    end += ["", f"> **{DISCLAIMER}**", ""]
    out.write("\n".join(end))


def render_markdown_page(result: SearchResult, info: PageInfo) -> str:
    """The page as Markdown, in one string (see :func:`write_markdown_page`)."""
    out = io.StringIO()
    write_markdown_page(finished(result), info, out)
    return out.getvalue()


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; max-width: 50em; margin: 2em auto;
       padding: 0 1em; color: #111; }
h1 { font-size: 1.5em; margin-bottom: .3em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .2em; }
.reminder { border: 2px solid #444; padding: .6em .8em; font-weight: bold; background: #f4f4f4; }
.meta { color: #333; font-size: .95em; padding-left: 1.2em; }
dl { display: grid; grid-template-columns: 9em 1fr; gap: .1em .8em; margin: .3em 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.study { border-top: 1px solid #bbb; page-break-inside: avoid; }
.id { font-family: monospace; }
@media print { body { margin: 0; max-width: none; } a { color: #000; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; } }
"""


def _h(text: str | None) -> str:
    return html.escape(clean(text), quote=True)


def write_html_page(results: Results, info: PageInfo, out: TextIO) -> None:
    """The page as one self-contained HTML document, written study by study; readable on
    screen and on paper."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Clinical trials to discuss with my doctor</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Clinical trials to discuss with my doctor</h1>",
        f'<p class="reminder" id="reminder-top">{_h(DISCLAIMER)}</p>',
        '<ul class="meta">',
        *[f"<li>{_h(line)}</li>" for line in _header_lines(info)],
        f'<li>Same search on the website: <a href="{_h(results.plan.search_url)}">'
        f"{_h(results.plan.search_url)}</a></li>",
        *[f"<li>{_h(line)}</li>" for line in website_lines(results.plan)[1:]],
        "</ul>",
    ]
    out.write("\n".join(head) + "\n")
    kinds: set[bool] = set()
    for study, study_notes in results:
        kinds.add(assigns_treatment(study))
        parts = [f'<section class="study" id="{_h(study.nct_id)}">']
        parts.append(f"<h2>{_h(study.title or '(no title)')}</h2>")
        parts.append(
            f'<p><a class="id" href="{_h(study.url)}">{_h(study.nct_id)}</a> · {_h(study.url)}</p>'
        )
        parts.append("<dl>")
        for name, value in _facts(study, study_notes):
            parts.append(f"<dt>{_h(name)}</dt><dd>{_h(value)}</dd>")
        sites = sites_to_show(study)
        if sites:
            more = len(study.locations) - len(sites)
            listed = "<br>".join(_h(_site_text(s, study)) for s in sites)
            parts.append(
                f"<dt>Sites</dt><dd>{listed}{f' and {more} more' if more > 0 else ''}</dd>"
            )
        contacts = _contact_texts(study)
        if contacts:
            parts.append(f"<dt>Contact</dt><dd>{'<br>'.join(_h(c) for c in contacts)}</dd>")
        parts.append("</dl></section>")
        out.write("\n".join(parts) + "\n")
    end = [f"<p>{_h(line)}</p>" for line in _closing_lines(results, info)]
    end.append("<h2>Questions to ask the care team</h2><ol>")
    end += [f"<li>{_h(q)}</li>" for q in questions(True in kinds, False in kinds)]
    end.append("</ol>")
    end.append(f'<p class="reminder" id="reminder-bottom">{_h(DISCLAIMER)}</p>')
    end.append("</body></html>")
    out.write("\n".join(end) + "\n")


def render_html_page(result: SearchResult, info: PageInfo) -> str:
    """The page as one HTML document, in one string (see :func:`write_html_page`)."""
    out = io.StringIO()
    write_html_page(finished(result), info, out)
    return out.getvalue()
