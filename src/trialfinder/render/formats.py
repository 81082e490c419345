"""Format search results and studies for people (table, markdown) and programs (json, jsonl, csv).

Pure functions of the records: no network, no click. Text from the API is cleaned of
control characters and escape sequences before it reaches a terminal, and CSV cells that a
spreadsheet would run as formulas are neutralized.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Protocol, TextIO

from trialfinder.models.records import (
    AgeCheck,
    NearestSite,
    NearestSiteNote,
    SearchPlan,
    SearchResult,
    SexCheck,
    Staleness,
    Study,
    StudyNotes,
    cut_by_limit,
)
from trialfinder.query.flags import FLAGS
from trialfinder.render.term import PLAIN, Style
from trialfinder.status import STATUS_WORDS

STUDY_DISCLAIMER = (
    "This study record comes from ClinicalTrials.gov. It is not medical advice and may be out "
    "of date: take it to your doctor, who can confirm whether this trial fits you."
)
DISCLAIMER = (
    "This list comes from ClinicalTrials.gov. It is not medical advice and may be out of date: "
    "take it to your doctor, who can confirm whether any trial fits you."
)

#: Each registry status as a label: the words of :data:`trialfinder.status.STATUS_WORDS`.
STATUS_LABELS = {status: words[0].upper() + words[1:] for status, words in STATUS_WORDS.items()}
PHASE_LABELS = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "Phase not applicable",
}

# CSI, OSC (ended by BEL or ST), and two-character escape sequences.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
# C0 and C1 controls (newline and tab handled apart), DEL, and bidirectional overrides.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str | None, *, multiline: bool = False) -> str:
    """Text made safe for a terminal: no escape sequences or control characters.

    Single-line text also has its line breaks and tabs turned into spaces.
    """
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n")))
    text = text.replace("\t", " ")
    if not multiline:
        text = " ".join(text.split())
    return text


def status_label(status: str | None) -> str:
    """Plain words for a registry status; an unknown value is shown as given."""
    if not status:
        return "Status not given"
    return STATUS_LABELS.get(status, status)


def phase_label(phases: list[str]) -> str:
    """Plain words for a list of phases (``["PHASE1", "PHASE2"]`` → ``Phase 1/2``)."""
    if not phases:
        return "Phase not given"
    numbered = [p[len("PHASE") :] for p in phases if re.fullmatch(r"PHASE\d", p)]
    if len(numbered) == len(phases) and len(numbered) > 1:
        return "Phase " + "/".join(numbered)
    return ", ".join(PHASE_LABELS.get(p, p) for p in phases)


#: What a study of a type other than interventional does with the treatments it lists.
STUDY_TYPE_MEANINGS = {
    "OBSERVATIONAL": "it observes people and does not assign treatment",
    "EXPANDED_ACCESS": (
        "a way to receive a treatment outside a clinical trial; not a study that assigns treatment"
    ),
}


def study_type_text(study_type: str | None) -> str:
    """The study type in words, saying when the study does not assign treatment."""
    if not study_type:
        return "Study type not given"
    label = word_label(clean(study_type))
    meaning = STUDY_TYPE_MEANINGS.get(study_type)
    return f"{label}: {meaning}" if meaning else label


def assigns_treatment(study: Study) -> bool:
    """False for observational and expanded access studies, which do not assign treatment."""
    return study.study_type not in STUDY_TYPE_MEANINGS


def interventions_label(study: Study) -> str:
    """What to call the listed interventions: observed ones are not given by the study."""
    if study.study_type == "OBSERVATIONAL":
        return "Interventions observed, not assigned"
    if study.study_type == "EXPANDED_ACCESS":
        return "Treatment available through expanded access"
    return "Interventions"


def kind_and_phase(study: Study) -> str:
    """``Interventional · Phase 2``; a study that assigns no treatment shows no phase unless
    the record gives one."""
    kind = word_label(clean(study.study_type)) if study.study_type else "Study type not given"
    if study.phases or assigns_treatment(study):
        return f"{kind} · {phase_label(study.phases)}"
    return kind


#: Registry words for sex, study, arm and intervention types, in plain words.
WORD_LABELS = {
    "ALL": "All",
    "FEMALE": "Female",
    "MALE": "Male",
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
    "EXPANDED_ACCESS": "Expanded access",
    "EXPERIMENTAL": "Experimental",
    "ACTIVE_COMPARATOR": "Active comparator",
    "PLACEBO_COMPARATOR": "Placebo comparator",
    "SHAM_COMPARATOR": "Sham comparator",
    "NO_INTERVENTION": "No intervention",
    "OTHER": "Other",
    "DRUG": "Drug",
    "DEVICE": "Device",
    "BIOLOGICAL": "Biological",
    "PROCEDURE": "Procedure",
    "RADIATION": "Radiation",
    "BEHAVIORAL": "Behavioral",
    "GENETIC": "Genetic",
    "DIETARY_SUPPLEMENT": "Dietary supplement",
    "COMBINATION_PRODUCT": "Combination product",
    "DIAGNOSTIC_TEST": "Diagnostic test",
}
_LIST_ITEM = re.compile(r"^(\s*(?:[-*•]|\d+[.)])\s+)")


#: Registry contact roles, in plain words (they follow a name: "Dr Roe · study chair").
ROLE_LABELS = {
    "CONTACT": "contact",
    "PRINCIPAL_INVESTIGATOR": "principal investigator",
    "SUB_INVESTIGATOR": "sub-investigator",
    "STUDY_CHAIR": "study chair",
    "STUDY_DIRECTOR": "study director",
}


def role_label(role: str | None) -> str:
    """Plain words for a contact's role (``PRINCIPAL_INVESTIGATOR`` → ``principal investigator``).

    An unknown value is shown as given; no role gives an empty string.
    """
    return ROLE_LABELS.get(role, role) if role else ""


def word_label(value: str) -> str:
    """Plain words for a known registry word (``ACTIVE_COMPARATOR``); others as given."""
    return WORD_LABELS.get(value, value)


def wrap_text(text: str, width: int) -> list[str]:
    """Wrap paragraphs to ``width``, hanging list items under their marker."""
    lines: list[str] = []
    for raw_line in text.splitlines() or [""]:
        marker = _LIST_ITEM.match(raw_line)
        indent = " " * len(marker.group(1)) if marker else ""
        lines.extend(
            textwrap.wrap(
                raw_line,
                width=max(40, width),
                subsequent_indent=indent,
                break_long_words=False,  # a URL or a long word stays whole
                break_on_hyphens=False,
            )
            or [""]
        )
    return lines


def intervention_names(study: Study) -> list[str]:
    """The names of a study's interventions, in registry order."""
    return [i.name for i in study.interventions if i.name]


def location_summary(study: Study) -> str:
    """Where a study runs, in one line: ``12 sites (5 recruiting): United States, Canada``."""
    if not study.locations:
        return "No sites listed"
    countries: list[str] = []
    for loc in study.locations:
        if loc.country and loc.country not in countries:
            countries.append(loc.country)
    recruiting = sum(1 for loc in study.locations if loc.status == "RECRUITING")
    count = len(study.locations)
    text = f"{count} site{'s' if count != 1 else ''}"
    if recruiting:
        text += f" ({recruiting} recruiting)"
    if countries:
        shown = ", ".join(countries[:5])
        more = f" and {len(countries) - 5} more countries" if len(countries) > 5 else ""
        text += f": {shown}{more}"
    return text


#: One column spec shared by CSV and Markdown: header and how to get the cell text.
COLUMNS: list[tuple[str, Callable[[Study], str]]] = [
    ("nct_id", lambda s: s.nct_id),
    ("title", lambda s: s.title or ""),
    ("status", lambda s: s.status or ""),
    ("phases", lambda s: "|".join(s.phases)),
    ("study_type", lambda s: s.study_type or ""),
    ("conditions", lambda s: "; ".join(s.conditions)),
    ("interventions", lambda s: "; ".join(intervention_names(s))),
    ("sponsor", lambda s: s.lead_sponsor or ""),
    ("start_date", lambda s: s.start_date or ""),
    ("completion_date", lambda s: s.completion_date or ""),
    ("enrollment", lambda s: "" if s.enrollment is None else str(s.enrollment)),
    ("locations", location_summary),
    ("last_updated", lambda s: s.last_updated or ""),
    ("url", lambda s: s.url),
]


def count_line(
    result: SearchResult,
    *,
    to: str | None = None,
    limit_from: str | None = None,
    shown: int | None = None,
) -> str:
    """``Showing N of M studies``, saying when the limit cut the list.

    With ``to`` (a file name): ``Wrote N of M studies to FILE``. ``limit_from`` says where
    a limit not typed came from (``the configuration file (PATH)``). ``shown`` counts the
    studies when they were written as they came rather than kept in ``result``.
    """
    verb = "Showing" if to is None else "Wrote"
    shown = len(result.studies) if shown is None else shown
    total, skipped = result.total_count, len(result.skipped)
    return count_text(shown, total, result.limit, skipped, verb, to=to, limit_from=limit_from)


def count_text(
    shown: int,
    total: int | None,
    limit: int | None,
    skipped: int = 0,
    verb: str = "Showing",
    *,
    to: str | None = None,
    limit_from: str | None = None,
) -> str:
    """``Showing N of M studies``: a cut by the limit and an API that ended early are said.

    ``to`` names the file written: ``Wrote N of M studies to FILE``; ``limit_from`` where
    the limit came from, when it was not typed (``the configuration file (PATH)``).
    """
    noun = "study" if shown == 1 else "studies"
    where = "" if to is None else f" to {to}"
    if total is None:
        line = f"{verb} {shown:,} {noun}{where} (the API did not report a total)."
    else:
        line = f"{verb} {shown:,} of {total:,} {'study' if total == 1 else 'studies'}{where}."
    if limit is not None and shown >= limit and (total is None or total > shown):
        if limit_from:
            line += f" The list was cut at limit {limit} from {limit_from}; --limit raises it."
        else:
            line += f" The list was cut at --limit {limit}; raise it to see more."
    elif total is not None and total > shown + skipped:
        line += " The API sent fewer studies than it counted; try again later for the rest."
    return line


def searched_lines(result: SearchPlan) -> list[str]:
    """What was actually searched: the words, every expansion, the filters and the place.

    Takes a :class:`SearchPlan` (every :class:`SearchResult` is one), so a search can be
    described before it is sent.
    """
    lines = []
    for label, values in (
        ("Condition", result.conditions),
        ("Treatment", result.interventions),
        ("Other term", result.terms),
    ):
        if values:
            plural = "s" if len(values) > 1 else ""
            lines.append(f"{label}{plural}: {' and '.join(values)}")
    lines += [f"Searched for: {e.describe()}" for e in result.expansions]
    lines += result.notices
    if result.filters:
        lines.append(f"Filters: {'; '.join(result.filters)}")
    if result.near:
        lines.append(f"Near: {result.near}. Distances are city-level (site coordinates).")
    return lines


def website_lines(result: SearchPlan) -> list[str]:
    """The same search on the website, and what the link leaves out, if anything."""
    lines = [f"Same search on the website: {result.search_url}"]
    if result.website_left_out:
        lines.append(f"The website link leaves out: {'; '.join(result.website_left_out)}.")
    return lines


def loosen_lines(result: SearchResult) -> list[str]:
    """When nothing matched, how many studies match with each filter removed."""
    lines = []
    for hint in result.loosen:
        count = "unknown" if hint.count is None else f"{hint.count:,}"
        lines.append(f"Without {hint.without}: {count} studies match{_try(hint.arguments)}.")
    if any(hint.count for hint in result.loosen):
        lines.append("Loosen the filter with the most matches to see them.")
    return lines


def _try(arguments: tuple[str, ...]) -> str:
    """``; try --status all``: how to drop a filter at the command line."""
    if arguments == ("status",):
        return f"; try {FLAGS['status']} all"
    flags = [FLAGS.get(name, "--" + name.replace("_", "-")) for name in arguments]
    return f"; try without {', '.join(flags)}" if flags else ""


def footer_lines(
    result: SearchResult,
    *,
    wrote_to: str | None = None,
    limit_from: str | None = None,
    shown: int | None = None,
    searched: bool = True,
) -> list[str]:
    """What follows every result list for people: counts, the website link, the reminder.

    ``wrote_to`` names the file the list went to, and ``limit_from`` where the limit came
    from, for the count line; ``shown`` as for :func:`count_line`. ``searched=False`` leaves
    out what was searched, for a listing that opens with it.
    """
    shown = len(result.studies) if shown is None else shown
    lines = searched_lines(result) if searched else []
    if not shown:
        lines.append("No studies matched. Try fewer or broader words, or check the spelling.")
        lines += loosen_lines(result)
    lines.append(count_line(result, to=wrote_to, limit_from=limit_from, shown=shown))
    lines += website_lines(result)
    lines.append(DISCLAIMER)
    return lines


def skipped_line(skipped: list[str]) -> str | None:
    """The stderr notice naming studies that could not be read, if any."""
    if not skipped:
        return None
    noun = "study" if len(skipped) == 1 else "studies"
    return f"{len(skipped)} {noun} could not be read: {', '.join(skipped[:10])}"


# -- human text ---------------------------------------------------------------------------


def _wrap(label: str, text: str, width: int) -> list[str]:
    indent = "    "
    return textwrap.wrap(
        f"{label}{text}",
        width=max(40, width),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    ) or [indent + label.rstrip()]


def age_text(text: str | None) -> str:
    """A registered age with its unit, in lower case: ``28 Days`` → ``28 days``."""
    return clean(text).lower()


def age_range_text(minimum: str | None, maximum: str | None) -> str:
    """Both ends of a registered age range, each with its unit: ``6 months–2 years``."""
    low = age_text(minimum) if minimum and minimum.strip().upper() != "N/A" else "no minimum"
    high = age_text(maximum) if maximum and maximum.strip().upper() != "N/A" else "no maximum"
    return f"{low}–{high}"


def age_check_text(check: AgeCheck) -> str:
    """``age 67 years: within 18 years–80 years (as registered)``, or why it cannot tell."""
    shown = age_range_text(check.minimum_age, check.maximum_age)
    if check.verdict in ("within", "outside"):
        return f"age {check.asked}: {check.verdict} {shown} (as registered)"
    if check.reason == "limit_unreadable":
        return f"age {check.asked}: cannot tell; the registered limits ({shown}) could not be read"
    unit = check.asked.split()[-1].rstrip("s")
    return f"age {check.asked}: cannot tell from a whole-{unit} age ({shown}, as registered)"


def sex_check_text(check: SexCheck) -> str:
    """``sex: all``, ``sex: male only (you asked for female)`` or ``sex: not stated``."""
    registered = clean(check.registered).lower()
    if check.verdict == "within":
        return f"sex: {registered}"
    if check.verdict == "outside":
        return f"sex: {registered} only (you asked for {check.asked.lower()})"
    return f"sex: {registered or 'not stated'}, cannot tell"


def site_text(site: NearestSite) -> str:
    """One placed site: where, how far, its own status and how it was placed."""
    place = ", ".join(clean(p) for p in (site.facility, site.city, site.state, site.country) if p)
    if site.status:
        status = status_label(clean(site.status))
    else:
        status = f"site status not given; study {status_label(clean(site.study_status)).lower()}"
    how = {
        "geo_point": "city-level",
        "zip_code": "placed by its ZIP code, city-level",
        "city": "placed by its city, city-level",
    }[site.located_by]
    return f"{place or '(site not named)'}: {site.miles:,.1f} miles ({status}; {how})"


def nearest_site_text(note: NearestSiteNote) -> str:
    """The nearest-site note in one line; says plainly when no site takes participants near."""
    parts: list[str] = []
    shown: list[NearestSite] = []
    if note.within_radius and note.nearest is not None:
        parts.append(site_text(note.nearest))
        shown.append(note.nearest)
    else:
        radius = f"{note.radius_miles:,.0f}"
        parts.append(f"No site recruiting now within {radius} miles")
        if note.nearest_listed is not None:
            parts.append(f"nearest listed: {site_text(note.nearest_listed)}")
            shown.append(note.nearest_listed)
        if note.nearest is not None and note.nearest not in shown:
            parts.append(f"nearest recruiting now: {site_text(note.nearest)}")
            shown.append(note.nearest)
    if note.nearer_not_yet is not None and note.nearer_not_yet not in shown:
        parts.append(f"nearer, not yet recruiting: {site_text(note.nearer_not_yet)}")
    if note.not_placed:
        noun = "site" if note.not_placed == 1 else "sites"
        parts.append(f"{note.not_placed} {noun} could not be placed and may be nearer")
    return "; ".join(parts)


def staleness_text(stale: Staleness) -> str:
    """Why the record may be out of date, with the verified date as registered."""
    verified = clean(stale.status_verified)
    if stale.reason == "status_unknown":
        since = f" (status last verified {verified})" if verified else ""
        return f"status UNKNOWN: the sponsor has not confirmed it{since}; ask the study team"
    if stale.reason == "verified_date_not_given":
        return "the record does not say when its status was last verified; ask the study team"
    return f"status last verified {verified}, over a year ago"


def note_lines(notes: StudyNotes | None) -> list[tuple[str, str]]:
    """(label, text) pairs of what this search worked out about a study."""
    if notes is None:
        return []
    out = []
    if notes.combination is not None:
        # Loaded for a search of treatments only, with the treatment vocabulary it reads.
        from trialfinder.render.combotext import combination_text

        out.append(("Arms: ", combination_text(notes.combination)))
    if notes.nearest_site is not None:
        out.append(("Nearest site: ", nearest_site_text(notes.nearest_site)))
    checks = [age_check_text(notes.age_check)] if notes.age_check else []
    checks += [sex_check_text(notes.sex_check)] if notes.sex_check else []
    if checks:
        out.append(("Registered limits: ", "; ".join(checks)))
    if notes.stale:
        out.append(("May be out of date: ", staleness_text(notes.stale)))
    return out


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


class Results(Protocol):
    """Studies with their notes, and the counts once they have all been seen.

    A :class:`trialfinder.api.ResultStream` (studies written as they arrive), or a finished
    :class:`SearchResult` through :func:`finished`.
    """

    @property
    def plan(self) -> SearchPlan:
        """What is searched, known before any study arrives."""

    @property
    def returned(self) -> int:
        """How many studies have been yielded so far."""

    def __iter__(self) -> Iterator[tuple[Study, StudyNotes | None]]: ...

    def summary(self) -> SearchResult:
        """The plan and the counts; called once iteration has ended."""


@dataclass
class _Finished:
    result: SearchResult

    @property
    def plan(self) -> SearchPlan:
        return self.result

    @property
    def returned(self) -> int:
        return len(self.result.studies)

    def __iter__(self) -> Iterator[tuple[Study, StudyNotes | None]]:
        notes = self.result.notes
        return ((study, notes.get(study.nct_id)) for study in self.result.studies)

    def summary(self) -> SearchResult:
        return self.result


def finished(result: SearchResult) -> Results:
    """A result already in memory, to write with the writers that take :class:`Results`."""
    return _Finished(result)


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


def render_study(study: Study, width: int = 100, stale: Staleness | None = None) -> str:
    """Everything a person needs about one study, for ``trialfinder show``.

    ``stale`` (from :func:`trialfinder.notes.annotate.staleness`) adds the "may be out of date"
    note.
    """
    out: list[str] = []

    def section(title: str) -> None:
        out.extend(["", title, "-" * len(title)])

    def para(text: str | None, indent: str = "") -> None:
        lines = wrap_text(clean(text, multiline=True), width - len(indent))
        out.extend(indent + line if line else line for line in lines)

    out.append(f"{study.nct_id}: {clean(study.title) or '(no title)'}")
    if study.official_title and study.official_title != study.title:
        para(study.official_title)
    out.append(study.url)
    out.append("")
    facts = [
        ("Status", status_label(clean(study.status))),
        ("Why stopped", clean(study.why_stopped)),
        ("Phase", phase_label(study.phases) if study.phases or assigns_treatment(study) else ""),
        ("Study type", study_type_text(study.study_type)),
        ("May be out of date", staleness_text(stale) if stale else ""),
        ("Conditions", clean("; ".join(study.conditions))),
        ("Sponsor", clean(study.lead_sponsor)),
        ("Collaborators", clean("; ".join(study.collaborators))),
        ("Enrollment", "" if study.enrollment is None else str(study.enrollment)),
        ("Start", clean(study.start_date)),
        ("Primary completion", clean(study.primary_completion_date)),
        ("Completion", clean(study.completion_date)),
        ("First posted", clean(study.first_posted)),
        ("Last updated", clean(study.last_updated)),
        ("Status verified", clean(study.status_verified)),
    ]
    for name, value in facts:
        if value:
            out += textwrap.wrap(
                f"{name + ':':<20}{value}",
                width=max(40, width),
                subsequent_indent=" " * 20,
                break_on_hyphens=False,
            )
    if study.brief_summary:
        section("Summary")
        para(study.brief_summary)
    e = study.eligibility
    section("Eligibility (as registered; the study team decides who can take part)")
    ages = f"{clean(e.minimum_age) or 'no minimum'} to {clean(e.maximum_age) or 'no maximum'}"
    out.append(f"Ages: {ages}")
    out.append(f"Sex: {word_label(clean(e.sex)) or 'not given'}")
    if e.healthy_volunteers is not None:
        out.append(f"Healthy volunteers: {'accepted' if e.healthy_volunteers else 'not accepted'}")
    if e.criteria:
        out.append("")
        para(e.criteria)
    if study.arms or study.interventions:
        section("Arms and interventions")
        for arm in study.arms:
            kind = f" ({word_label(clean(arm.type))})" if arm.type else ""
            out.append(f"* {clean(arm.label) or '(unnamed arm)'}{kind}")
            if arm.intervention_names:
                out.append(f"  Receives: {clean('; '.join(arm.intervention_names))}")
            if arm.description:
                para(arm.description, indent="  ")  # under the arm's bullet, every line
        for i in study.interventions:
            other = f" (also: {clean(', '.join(i.other_names))})" if i.other_names else ""
            out.append(f"- {word_label(clean(i.type)) or 'Intervention'}: {clean(i.name)}{other}")
    section(f"Sites ({len(study.locations)})")
    if not study.locations:
        out.append("No sites listed.")
    for loc in study.locations:
        place = ", ".join(clean(p) for p in (loc.city, loc.state, loc.zip, loc.country) if p)
        facility = clean(loc.facility) or "(facility not named)"
        out.append(f"* {facility}: {place} [{status_label(clean(loc.status))}]")
        for c in loc.contacts:
            out.append("    " + _contact_text(c.name, role_label(c.role), c.phone, c.email))
    if study.central_contacts:
        section("Contacts")
        for c in study.central_contacts:
            out.append(_contact_text(c.name, role_label(c.role), c.phone, c.email))
    out += ["", *wrap_text(STUDY_DISCLAIMER, width)]
    return "\n".join(out) + "\n"


def _contact_text(*parts: str | None) -> str:
    return " · ".join(clean(p) for p in parts if p)


# -- machine and document formats ---------------------------------------------------------


def study_dict(study: Study) -> dict[str, object]:
    """A study as plain JSON-ready data, values as the registry has them."""
    return study.model_dump(mode="json")


def plan_dict(plan: SearchPlan) -> dict[str, object]:
    """What was searched, as JSON-ready data: the parameters, the website link, expansions."""
    return {
        "params": plan.params,
        "search_url": plan.search_url,
        "expansions": [{**asdict(e), "text": e.describe()} for e in plan.expansions],
        "near": plan.near,
        "filters": plan.filters,
        "searched": searched_dict(plan),
    }


def counts_dict(result: SearchResult, shown: int | None = None) -> dict[str, object]:
    """The counts of a result as JSON-ready data (``shown``: studies written as they came)."""
    returned = len(result.studies) if shown is None else shown
    return {
        "total_count": result.total_count,
        "returned": returned,
        "limit": result.limit,
        "truncated": cut_by_limit(returned, result.total_count, result.limit),
        "skipped": result.skipped,
        "loosen": [hint.model_dump(mode="json") for hint in result.loosen],
    }


def result_dict(result: SearchResult) -> dict[str, object]:
    """The whole result as JSON-ready data, with counts and the website link."""
    return {
        **plan_dict(result),
        "studies": [
            {**study_dict(s), "notes": _notes_dict(result.notes.get(s.nct_id))}
            for s in result.studies
        ],
        **counts_dict(result),
    }


def searched_dict(result: SearchPlan) -> dict[str, object]:
    """What was searched, as fields: the words as typed, what they became, every filter,
    the website link and what it leaves out, and the same in lines for people."""
    return {
        "conditions": result.conditions,
        "interventions": result.interventions,
        "terms": result.terms,
        "expansions": [e.describe() for e in result.expansions],
        "notices": result.notices,
        "hints": result.hints,
        "filters": result.filters,
        "near": result.near,
        "website_url": result.search_url,
        "website_left_out": result.website_left_out,
        "lines": searched_lines(result),
    }


def _notes_dict(notes: StudyNotes | None) -> dict[str, object] | None:
    if notes is None:
        return None
    out = notes.model_dump(mode="json")
    if notes.combination is not None:
        from trialfinder.render.combotext import combination_text

        # The typed fields, and the same words people read.
        out["combination"]["text"] = combination_text(notes.combination)
    return out


def write_json(results: SearchResult | Results, out: TextIO) -> None:
    """The result as one JSON document, written study by study.

    What was searched comes first, then ``studies``, then the counts, known at the end: the
    document is whole and valid once written, and never held in memory.
    """
    from pydantic_core import to_json

    if isinstance(results, SearchResult):
        results = finished(results)
    # The opening is written with the first study, so a search that fails first writes nothing.
    head = json.dumps(plan_dict(results.plan), ensure_ascii=False, indent=2)[:-2]
    written = 0
    for study, notes in results:
        record = {**study_dict(study), "notes": _notes_dict(notes)}
        text = to_json(record, indent=2).decode().replace("\n", "\n    ")
        out.write((",\n    " if written else head + ',\n  "studies": [\n    ') + text)
        written += 1
    out.write("\n  ]" if written else head + ',\n  "studies": []')
    counts = counts_dict(results.summary(), results.returned)
    out.write(",\n" + json.dumps(counts, ensure_ascii=False, indent=2)[2:] + "\n")


def write_jsonl(studies: Iterable[Study], out: TextIO) -> None:
    """One JSON object per study per line, written as the studies arrive."""
    for study in studies:
        out.write(json.dumps(study_dict(study), ensure_ascii=False) + "\n")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    cleaned = _CONTROLS.sub("", text)
    risky = text.startswith(_FORMULA_START) or cleaned.startswith(_FORMULA_START)
    return "'" + cleaned if risky else cleaned


def write_csv(studies: Iterable[Study], out: TextIO, *, header: bool = True) -> None:
    """One row per study, columns as in :data:`COLUMNS`, written as the studies arrive."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow([name for name, _ in COLUMNS])
    for study in studies:
        writer.writerow([csv_cell(get(study)) for _, get in COLUMNS])
