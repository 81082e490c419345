"""The combination note in plain words, made from its typed data (:class:`Combination`).

Every format (the table, the Markdown and HTML pages, the ``text`` beside the JSON fields)
words the note here, so they all say the same thing. The words never go beyond the data:
"not named" rather than "absent", "the record does not say which arm" rather than "different
arms" when the record does not tie a treatment to an arm, and "placebo" wherever only a
placebo of a treatment is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from trialfinder.models.notes import AgentCheck, Combination
from trialfinder.notes.treatments import content_words
from trialfinder.notes.vocabulary import name_pattern

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


def _given_names(check: AgentCheck) -> list[str]:
    """The record's names that give the treatment (not the ones giving it or its placebo)."""
    return [n for n in check.matched_names if n not in check.either_names]


def _shown(check: AgentCheck, names: list[str]) -> list[str]:
    """The names to show: all of them, when any names the treatment other than as asked."""
    typed = name_pattern(check.agent)
    return names if any(not typed.search(n) for n in names) else []


def _as(check: AgentCheck, names: list[str] | None = None) -> str:
    shown = _shown(check, _given_names(check) if names is None else names)
    return f" (as {quoted(shown)})" if shown else ""


def _by_arm(
    check: AgentCheck, arms: list[str], pool: list[str]
) -> list[tuple[list[str], list[str]]]:
    """Arms grouped by the record's names (from ``pool``) that tie the treatment to them."""
    if not any(arm in check.arm_names for arm in arms):
        return [(arms, pool)]  # a check made without the names per arm
    groups: list[tuple[list[str], list[str]]] = []
    for arm in arms:
        names = [n for n in check.arm_names.get(arm, []) if n in pool]
        same = next((labels for labels, other in groups if other == names), None)
        if same is None:
            groups.append(([arm], names))
        else:
            same.append(arm)
    return groups


def _untied(check: AgentCheck, arms: list[str], pool: list[str]) -> list[str]:
    """Names of ``pool`` that tie the treatment to none of ``arms``."""
    if not any(arm in check.arm_names for arm in arms):
        return []
    tied = {n for arm in arms for n in check.arm_names.get(arm, [])}
    return [n for n in pool if n not in tied]


def _in_arms(
    check: AgentCheck, what: str, arms: list[str], pool: list[str], show: bool, terms: ArmTerms
) -> str:
    """``what`` in its arms, each arm with the names that tie it there: ``nivolumab in arms
    'SBRT + Opdivo' (as 'Opdivo'), 'Nivo alone'``. ``show``: always show the names."""

    def names_of(names: list[str]) -> str:
        shown = names if show else _shown(check, names)
        return f"{'' if show else 'as '}{quoted(shown)}" if shown else ""

    groups = _by_arm(check, arms, pool)
    if len(groups) == 1:
        said = names_of(groups[0][1])
        return f"{what}{f' ({said})' if said else ''} in {arms_text(arms, terms)}"
    parts = []
    for labels, names in groups:
        said = names_of(names)
        parts.append(quoted(labels, limit=len(labels)) + (f" ({said})" if said else ""))
    return f"{what} in {terms.plural} {', '.join(parts)}"


def _placebo(check: AgentCheck, terms: ArmTerms = ARMS) -> str:
    what = f"placebo for {check.agent}"
    pool = check.placebo_names
    if not check.placebo_arms:
        return f"{what} ({quoted(pool)}) {terms.noun} not stated"
    text = _in_arms(check, what, check.placebo_arms, pool, True, terms)
    untied = _untied(check, check.placebo_arms, pool)
    return text + (f"; {what} ({quoted(untied)}) {terms.noun} not stated" if untied else "")


def _either(check: AgentCheck, terms: ArmTerms) -> str:
    """The treatment or its placebo in one arm (``Nivolumab/Placebo``): who gets which is unsaid."""
    what = f"{check.agent} or its placebo"
    pool = check.either_names
    untied = _untied(check, check.either_arms, pool)
    parts = []
    if check.either_arms:
        parts.append(_in_arms(check, what, check.either_arms, pool, True, terms))
    if untied:
        parts.append(f"{what} ({quoted(untied)}), {terms.noun} not stated")
    return "; ".join(parts) + f" (the record does not say who {terms.has} which)"


def _cannot_check(check: AgentCheck, terms: ArmTerms) -> str:
    agent = check.agent
    if not check.partial_names:
        return (
            f"{agent}: could not tell whether {'an' if terms is ARMS else 'a'} {terms.noun} "
            f"{'gives' if terms is ARMS else 'has'} it; the record only mentions it "
            f"({quoted(check.mentioned_names)})"
        )
    words = [w.casefold() for w in content_words(agent)]
    if {w.casefold() for w in check.partial_words} >= set(words):
        said = f"names each of its words apart ({quoted(check.partial_names)})"
    else:
        said = (
            f"names only part of it, {quoted(check.partial_words)} ({quoted(check.partial_names)})"
        )
    return (
        f"{agent}: could not check it as one treatment; the record {said}. "
        "Ask for each treatment on its own"
    )


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
        return _cannot_check(check, terms)
    if check.state == "placebo_only":
        return f"{agent}: only a {_placebo(check, terms)}"
    parts = []
    given = _given_names(check)
    if check.arms:
        parts.append(_in_arms(check, agent, check.arms, given, False, terms))
        if check.not_stated:
            parts.append(f"the record does not say which {arm} {gets} {quoted(check.not_stated)}")
    elif not given:
        pass  # only given or its placebo: said below
    elif short:
        parts.append(f"{agent}{_as(check, given)}: no {arm} stated")
    else:
        parts.append(
            f"{agent}{_as(check, given)}: named, but the record does not say which {arm} {gets} it"
        )
    if check.either_names:
        parts.append(_either(check, terms))
    if check.placebo_names:
        parts.append(_placebo(check, terms))
    return "; ".join(parts)


def _extras(check: AgentCheck, together: list[str], terms: ArmTerms) -> list[str]:
    """What to add after "together in arm …": the names in those arms, placebos, arms not
    stated."""
    out = []
    groups = [
        (arms, _shown(check, names))
        for arms, names in _by_arm(check, together, _given_names(check))
    ]
    groups = [(arms, names) for arms, names in groups if names]
    if len(groups) == 1 and len(groups[0][0]) == len(together):
        out.append(f"{check.agent} as {quoted(groups[0][1])}")
    elif groups:
        shown = ", ".join(f"{quoted(names)} in {arms_text(arms, terms)}" for arms, names in groups)
        out.append(f"{check.agent} as {shown}")
    if check.not_stated:
        which = f"which {terms.noun} {terms.has}"
        out.append(f"the record does not say {which} {quoted(check.not_stated)}")
    if check.either_names:
        out.append(_either(check, terms))
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
        extras = [x for c in checks for x in _extras(c, combo.together_arms, terms)]
        tail = f" ({'; '.join(extras)})" if extras else ""
        return f"{joined} together in {arms_text(combo.together_arms, terms)}{tail}"
    if combo.verdict == "different_arms":
        return f"{joined} only in different {terms.plural}: {details}"
    if combo.verdict == "not_stated":
        details = "; ".join(agent_text(c, short=True, terms=terms) for c in checks)
        which = f"which {terms.noun} {terms.has} which"
        return f"{joined}: the record does not say {which} ({details})"
    return details
