"""Registry values in plain words: statuses, phases, types, roles, sites; the reminders."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from trialfinder.models.records import Study
from trialfinder.render.safe import clean
from trialfinder.status import STATUS_WORDS, site_status_in_study

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


def status_label(status: str | None) -> str:
    """Plain words for a registry status; an unknown value is shown as given."""
    if not status:
        return "Status not given"
    return STATUS_LABELS.get(status, status)


def phase_label(phases: list[str]) -> str:
    """Plain words for a list of phases (``["PHASE1", "PHASE2"]`` → ``Phase 1/2``)."""
    if not phases:
        return "Phase not given"
    numbered = [p[len("PHASE") :] for p in phases if re.fullmatch(r"PHASE[0-9]", p)]
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


@dataclass(frozen=True)
class ArmWords:
    """How ``show`` words a study's arm groups: only in a study that assigns treatment do
    the people of an arm receive its interventions.

    Attributes:
        heading: the title of the section listing the groups and the interventions.
        noun: what one group is called (``arm``, ``group``).
        listing: the label before a group's interventions.
    """

    heading: str
    noun: str
    listing: str


#: Arm groups by study type; a type not here is worded as :data:`UNSURE_ARMS`.
ARM_WORDS = {
    "INTERVENTIONAL": ArmWords("Arms and interventions", "arm", "Receives"),
    "OBSERVATIONAL": ArmWords(
        "Groups observed and their interventions (not assigned by the study)",
        "group",
        "Observed with",
    ),
    "EXPANDED_ACCESS": ArmWords(
        "Groups and treatment available through expanded access",
        "group",
        "Treatment available",
    ),
}
#: A study type that is not given (or new): whether the study assigns treatment is not known.
UNSURE_ARMS = ArmWords("Arms or groups and interventions", "arm or group", "Interventions listed")


def arm_words(study_type: str | None) -> ArmWords:
    """The words for a study's arm groups (see :data:`ARM_WORDS`)."""
    return ARM_WORDS.get(study_type or "", UNSURE_ARMS)


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


_LIST_ITEM = re.compile(r"^(\s*(?:[-*•]|[0-9]+[.)])\s+)")


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
    if recruiting and site_status_in_study("RECRUITING", study.status) == "RECRUITING":
        text += f" ({recruiting} recruiting)"
    elif recruiting:
        # A site is never more open than its study (trialfinder.status): say both.
        says = "says" if recruiting == 1 else "say"
        study_words = status_label(clean(study.status)).lower()
        text += f" ({recruiting} {says} recruiting; study {study_words})"
    if countries:
        shown = ", ".join(countries[:5])
        more = f" and {len(countries) - 5} more countries" if len(countries) > 5 else ""
        text += f": {shown}{more}"
    return text


def site_status_text(status: str | None, study_status: str | None) -> str:
    """A site's status as it counts (:func:`trialfinder.status.site_status_in_study`), in words.

    ``Recruiting``; ``site status not given; study recruiting``; or, when the study's overall
    status bounds the site's, both: ``site says Recruiting; study completed``.
    """
    study_words = status_label(clean(study_status)).lower()
    if not status:
        return f"site status not given; study {study_words}"
    if site_status_in_study(status, study_status) != status:
        return f"site says {status_label(clean(status))}; study {study_words}"
    return status_label(clean(status))
