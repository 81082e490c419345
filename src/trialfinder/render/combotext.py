"""The combination note in plain words, made from its typed data (:class:`Combination`).

Every format (the table, the Markdown and HTML pages, the ``text`` beside the JSON fields)
words the note here, so they all say the same thing. The words never go beyond the data:
"not named" rather than "absent", "the record does not say which arm" rather than "different
arms" when the record does not tie a treatment to an arm, and "placebo" wherever only a
placebo of a treatment is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from trialfinder.models.records import AgentCheck, Combination
from trialfinder.notes.treatments import name_pattern

NAMES_SHOWN = 3


@dataclass(frozen=True)
class ArmTerms:
    """What the note calls an arm group, and what it says the group does with a treatment."""

    noun: str
    plural: str
    has: str


ARMS = ArmTerms("arm", "arms", "gets")
#: The "arms" of a study that assigns no treatment are groups it observes or serves.
GROUPS = ArmTerms("group", "groups", "has")


def quoted(items: list[str], limit: int = NAMES_SHOWN) -> str:
    """``'A', 'B' and 2 more``: record text quoted as the record writes it."""
    shown = ", ".join(f"'{item}'" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def arms_text(labels: list[str], terms: ArmTerms = ARMS) -> str:
    """``arm 'A'`` or ``arms 'A', 'B'``: every arm, since each is evidence."""
    noun = terms.noun if len(labels) == 1 else terms.plural
    return f"{noun} {quoted(labels, limit=len(labels))}"


def arm_terms(study_type: str | None) -> ArmTerms:
    """:data:`GROUPS` for a study type that assigns no treatment, else :data:`ARMS`."""
    return GROUPS if study_type in NOT_ASSIGNED else ARMS


def combination_label(combo: Combination) -> str:
    """The note's label: ``Arms``, or ``Groups`` for a study that assigns no treatment."""
    return arm_terms(combo.study_type).plural.capitalize()


def _shown_names(check: AgentCheck) -> list[str]:
    """The record's names to show: all of them, when any names the treatment other than as asked."""
    typed = name_pattern(check.agent)
    return check.matched_names if any(not typed.search(n) for n in check.matched_names) else []


def _as(check: AgentCheck) -> str:
    names = _shown_names(check)
    return f" (as {quoted(names)})" if names else ""


def _placebo(check: AgentCheck, terms: ArmTerms = ARMS) -> str:
    placebo_arms = check.placebo_arms
    where = f"in {arms_text(placebo_arms, terms)}" if placebo_arms else f"{terms.noun} not stated"
    return f"placebo for {check.agent} ({quoted(check.placebo_names)}) {where}"


def agent_text(check: AgentCheck, *, short: bool = False, terms: ArmTerms = ARMS) -> str:
    """One requested treatment in words: where the record gives it, and as what.

    ``short`` words a treatment tied to no arm briefly, for a line that already says the
    record does not tell which arm gets which. ``terms`` words the arm groups.
    """
    arm, gets = terms.noun, terms.has
    agent = check.agent
    if check.state == "not_named":
        return f"{agent}: not named in the {terms.plural} or interventions"
    if check.state == "cannot_check":
        return (
            f"{agent}: could not check; the record names only part of it "
            f"({quoted(check.partial_names)}). Ask for each treatment on its own"
        )
    if check.state == "placebo_only":
        return f"{agent}: only a {_placebo(check, terms)}"
    parts = []
    if check.arms:
        parts.append(f"{agent}{_as(check)} in {arms_text(check.arms, terms)}")
        if check.not_stated:
            parts.append(f"the record does not say which {arm} {gets} {quoted(check.not_stated)}")
    elif short:
        parts.append(f"{agent}{_as(check)}: no {arm} stated")
    else:
        parts.append(
            f"{agent}{_as(check)}: named, but the record does not say which {arm} {gets} it"
        )
    if check.placebo_names:
        parts.append(_placebo(check, terms))
    return "; ".join(parts)


def _extras(check: AgentCheck, terms: ArmTerms) -> list[str]:
    """What to add after "together in arm …": other names, placebos, arms not stated."""
    out = []
    names = _shown_names(check)
    if names:
        out.append(f"{check.agent} as {quoted(names)}")
    if check.not_stated:
        which = f"which {terms.noun} {terms.has}"
        out.append(f"the record does not say {which} {quoted(check.not_stated)}")
    if check.placebo_names:
        out.append(_placebo(check, terms))
    return out


#: Said after the note when the study's "arms" are not treatment it assigns.
NOT_ASSIGNED = {
    "OBSERVATIONAL": "an observational study: these are groups it observes, not treatment it gives",
    "EXPANDED_ACCESS": "expanded access: not a study that assigns treatment",
}


#: Said after the note when an arm was known only because the study has one.
ONLY_ARM = "the study's only arm: every listed intervention is given in it"


def combination_text(combo: Combination) -> str:
    """The whole note in one line, for people."""
    text = _verdict_text(combo)
    meaning = NOT_ASSIGNED.get(combo.study_type or "") or (ONLY_ARM if combo.only_arm else "")
    return f"{text} ({meaning})" if text and meaning else text


def _verdict_text(combo: Combination) -> str:
    checks = combo.agents
    if not checks:
        return ""
    terms = arm_terms(combo.study_type)
    details = "; ".join(agent_text(c, terms=terms) for c in checks)
    if combo.verdict == "one_treatment":
        return details
    joined = " + ".join(c.agent for c in checks)
    if combo.verdict == "together":
        extras = [x for c in checks for x in _extras(c, terms)]
        tail = f" ({'; '.join(extras)})" if extras else ""
        return f"{joined} together in {arms_text(combo.together_arms, terms)}{tail}"
    if combo.verdict == "different_arms":
        return f"{joined} only in different {terms.plural}: {details}"
    if combo.verdict == "not_stated":
        details = "; ".join(agent_text(c, short=True, terms=terms) for c in checks)
        which = f"which {terms.noun} {terms.has} which"
        return f"{joined}: the record does not say {which} ({details})"
    return details
