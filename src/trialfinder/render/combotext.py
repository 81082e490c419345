"""The combination note in plain words, made from its typed data (:class:`Combination`).

Every format (the table, the Markdown and HTML pages, the ``text`` beside the JSON fields)
words the note here, so they all say the same thing. The words never go beyond the data:
"not named" rather than "absent", "the record does not say which arm" rather than "different
arms" when the record does not tie a treatment to an arm, and "placebo" wherever only a
placebo of a treatment is given.
"""

from __future__ import annotations

from trialfinder.models.records import AgentCheck, Combination
from trialfinder.notes.treatments import name_pattern

NAMES_SHOWN = 3


def quoted(items: list[str], limit: int = NAMES_SHOWN) -> str:
    """``'A', 'B' and 2 more``: record text quoted as the record writes it."""
    shown = ", ".join(f"'{item}'" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def arms_text(labels: list[str]) -> str:
    """``arm 'A'`` or ``arms 'A', 'B'``: every arm, since each is evidence."""
    return f"{'arm' if len(labels) == 1 else 'arms'} {quoted(labels, limit=len(labels))}"


def _shown_names(check: AgentCheck) -> list[str]:
    """The record's names to show: all of them, when any names the treatment other than as asked."""
    typed = name_pattern(check.agent)
    return check.matched_names if any(not typed.search(n) for n in check.matched_names) else []


def _as(check: AgentCheck) -> str:
    names = _shown_names(check)
    return f" (as {quoted(names)})" if names else ""


def _placebo(check: AgentCheck) -> str:
    where = f"in {arms_text(check.placebo_arms)}" if check.placebo_arms else "arm not stated"
    return f"placebo for {check.agent} ({quoted(check.placebo_names)}) {where}"


def agent_text(check: AgentCheck, *, short: bool = False) -> str:
    """One requested treatment in words: where the record gives it, and as what.

    ``short`` words a treatment tied to no arm briefly, for a line that already says the
    record does not tell which arm gets which.
    """
    agent = check.agent
    if check.state == "not_named":
        return f"{agent}: not named in the arms or interventions"
    if check.state == "cannot_check":
        return (
            f"{agent}: could not check; the record names only part of it "
            f"({quoted(check.partial_names)}). Ask for each treatment on its own"
        )
    if check.state == "placebo_only":
        return f"{agent}: only a {_placebo(check)}"
    parts = []
    if check.arms:
        parts.append(f"{agent}{_as(check)} in {arms_text(check.arms)}")
        if check.not_stated:
            parts.append(f"the record does not say which arm gets {quoted(check.not_stated)}")
    elif short:
        parts.append(f"{agent}{_as(check)}: no arm stated")
    else:
        parts.append(f"{agent}{_as(check)}: named, but the record does not say which arm gets it")
    if check.placebo_names:
        parts.append(_placebo(check))
    return "; ".join(parts)


def _extras(check: AgentCheck) -> list[str]:
    """What to add after "together in arm …": other names, placebos, arms not stated."""
    out = []
    names = _shown_names(check)
    if names:
        out.append(f"{check.agent} as {quoted(names)}")
    if check.not_stated:
        out.append(f"the record does not say which arm gets {quoted(check.not_stated)}")
    if check.placebo_names:
        out.append(_placebo(check))
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
    details = "; ".join(agent_text(c) for c in checks)
    if combo.verdict == "one_treatment":
        return details
    joined = " + ".join(c.agent for c in checks)
    if combo.verdict == "together":
        extras = [x for c in checks for x in _extras(c)]
        tail = f" ({'; '.join(extras)})" if extras else ""
        return f"{joined} together in {arms_text(combo.together_arms)}{tail}"
    if combo.verdict == "different_arms":
        return f"{joined} only in different arms: {details}"
    if combo.verdict == "not_stated":
        details = "; ".join(agent_text(c, short=True) for c in checks)
        return f"{joined}: the record does not say which arm gets which ({details})"
    return details
