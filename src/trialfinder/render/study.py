"""One study in full, for ``trialfinder show``: facts, eligibility, arms, sites and contacts."""

from __future__ import annotations

import textwrap

from trialfinder.models.notes import Staleness
from trialfinder.models.records import Study
from trialfinder.render.notetext import staleness_text
from trialfinder.render.safe import clean
from trialfinder.render.words import (
    STUDY_DISCLAIMER,
    arm_words,
    assigns_treatment,
    phase_label,
    role_label,
    site_status_text,
    status_label,
    study_type_text,
    word_label,
    wrap_text,
)


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
        words = arm_words(study.study_type)
        section(words.heading)
        for arm in study.arms:
            kind = f" ({word_label(clean(arm.type))})" if arm.type else ""
            out.append(f"* {clean(arm.label) or f'(unnamed {words.noun})'}{kind}")
            if arm.intervention_names:
                names = clean("; ".join(arm.intervention_names))
                out.append(f"  {words.listing}: {names}")
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
        # A site marked Recruiting in a closed study says both (trialfinder.status).
        status = site_status_text(loc.status, study.status) if loc.status else "Status not given"
        out.append(f"* {facility}: {place} [{status}]")
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
