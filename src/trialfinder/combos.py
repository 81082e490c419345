"""Do a study's arms give the requested interventions together, or only separately?

A search for radiation and pembrolizumab also finds studies where one arm gets radiation and
another gets pembrolizumab. People asking about the combination need to know which is which,
so each study is checked arm by arm.

An intervention matches a request when the request (or one of its expansions, such as
Keytruda → pembrolizumab) appears as a whole word in its name or other names, or when the
request names its type (``radiation`` matches every RADIATION intervention).
"""

from __future__ import annotations

import re

from trialfinder.expand import synonyms
from trialfinder.models import Combination, Intervention, Study

#: Words that name an intervention type in the registry.
_TYPE_WORDS = {
    "radiation": "RADIATION",
    "radiotherapy": "RADIATION",
    "surgery": "PROCEDURE",
    "procedure": "PROCEDURE",
    "device": "DEVICE",
    "behavioral": "BEHAVIORAL",
    "dietary supplement": "DIETARY_SUPPLEMENT",
    "genetic": "GENETIC",
}


def _word(term: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def matches(intervention: Intervention, names: tuple[str, ...]) -> bool:
    """True when any of ``names`` names this intervention or its type."""
    texts = [t for t in (intervention.name, *intervention.other_names) if t]
    for name in names:
        if _TYPE_WORDS.get(name.lower()) == (intervention.type or "").upper():
            return True
        pattern = _word(name)
        if any(pattern.search(text) for text in texts):
            return True
    return False


def _arms_of(study: Study, intervention: Intervention) -> list[str]:
    """Arm labels giving an intervention: from the intervention, else from the arms' lists."""
    if intervention.arm_labels:
        return list(intervention.arm_labels)
    out = []
    for arm in study.arms:
        # Arms list interventions as "Type: Name".
        listed = [n.split(":", 1)[-1].strip().lower() for n in arm.intervention_names]
        if arm.label and intervention.name and intervention.name.lower() in listed:
            out.append(arm.label)
    return out


def combination(study: Study, requested: tuple[str, ...], expand: bool = True) -> Combination:
    """Which of ``requested`` the study gives, and in which arms.

    Args:
        study: the study.
        requested: interventions as the user typed them.
        expand: also match expansions (brand → generic, class → agents).
    """
    found: dict[str, list[str]] = {}
    arms: dict[str, list[str]] = {}
    missing: list[str] = []
    for wanted in requested:
        names = synonyms(wanted, "intervention") if expand else (wanted,)
        hits = [i for i in study.interventions if matches(i, names)]
        if not hits:
            missing.append(wanted)
            continue
        found[wanted] = [i.name or "(unnamed)" for i in hits]
        labels: list[str] = []
        for hit in hits:
            labels += [a for a in _arms_of(study, hit) if a not in labels]
        arms[wanted] = labels
    together: list[str] = []
    if found and not missing:
        common = set.intersection(*(set(a) for a in arms.values()))
        # Keep the study's own arm order.
        order = [a.label for a in study.arms if a.label] + [x for v in arms.values() for x in v]
        together = list(dict.fromkeys(a for a in order if a in common))
    return Combination(
        found=found,
        missing=missing,
        together_arms=together,
        arms=arms,
        summary=_summary(requested, found, missing, together, arms),
    )


def _summary(
    requested: tuple[str, ...],
    found: dict[str, list[str]],
    missing: list[str],
    together: list[str],
    arms: dict[str, list[str]],
) -> str:
    joined = " + ".join(requested)
    quoted = ", ".join(f"'{a}'" for a in together)
    if len(requested) == 1:
        wanted = requested[0]
        if missing:
            return f"{wanted}: not among the listed interventions"
        if not arms[wanted]:
            return f"{wanted}: listed, arm not stated"
        noun = "arm" if len(arms[wanted]) == 1 else "arms"
        return f"{wanted} in {noun} {', '.join(repr(a) for a in arms[wanted])}"
    if missing:
        have = ", ".join(found) or "none"
        return f"has {have}; not listed: {', '.join(missing)}"
    if together:
        noun = "arm" if len(together) == 1 else "arms"
        return f"{joined} together in {noun} {quoted}"
    parts = "; ".join(f"{w} in {', '.join(repr(a) for a in arms[w]) or '?'}" for w in requested)
    return f"{joined} only in different arms ({parts})"
