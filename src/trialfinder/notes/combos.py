"""Which arm of a study gives which requested treatment: facts from the record, with evidence.

A search for radiation and pembrolizumab also finds studies where one arm gets radiation and
another gets pembrolizumab. People asking about the combination need to know which is which,
so each study is checked arm by arm, and never says more than the record does:

* A treatment is found by every name it goes by (see :mod:`trialfinder.notes.treatments`), in the
  interventions' names and other names and in the arms' own intervention lists.
* A placebo, sham or vehicle intervention never counts as the treatment it imitates, whichever
  of its names names the treatment (``Study drug placebo``, other name ``nivolumab``).
* A name that only mentions a treatment (``Chemotherapy education session``, ``Filgrastim
  after chemotherapy``) is evidence of nothing: with no other, the note cannot tell.
* An arm gives a treatment when the record ties them: the intervention's arm labels, or an
  entry of the arm's list (``Drug: Nivolumab (BMS-936558)``) that names the intervention
  (type prefix, code in parentheses, case and punctuation aside) or the treatment itself.
* In an interventional study with exactly one arm group, every listed intervention is given
  in that arm, whether or not the record ties it there.
* "Only in different arms" is said only when the record ties every matching intervention to
  an arm; otherwise the record does not say which arm gets which.
* A treatment the record does not name is "not named", never "absent": the registry found
  the study, and the record's own words may differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from trialfinder.models.notes import AgentCheck, AgentState, Combination, CombinationVerdict
from trialfinder.models.records import Intervention, Study
from trialfinder.notes.treatments import (
    Wanted,
    condition_context,
    content_words,
    is_known_name,
    split_value,
    wanted,
)
from trialfinder.notes.vocabulary import name_pattern, names_placebo

# "Drug: ", "Dietary Supplement: ", "Combination Product: " before an arm's entry.
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(.*)$", re.DOTALL)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# "/" and "+" say something: "Nivolumab/Placebo" is not "Nivolumab placebo".
_PUNCT = re.compile(r"[^\w\s/+]")
_JOIN = re.compile(r"\s*([/+])\s*")
# NCI-style descriptions open with what is done: "Undergo EBRT". Only the thing undergone
# counts, not what comes before or after it ("Undergo CT scan before radiation therapy").
_UNDERGO = re.compile(
    r"^\s*undergoe?s?\s+(.*?)(?=\s+(?:before|after|during|following|with|and|or|to|prior|at|on"
    r"|in|for|then|plus)\b|[,.;:(\n]|$)",
    re.IGNORECASE,
)
# "Undergo surgery or radiation therapy": one of a choice, which the arm may not give.
_CHOICE = re.compile(r"\s*,?\s*(?:or|and\s*/\s*or)(?![\w-])", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(_JOIN.sub(r" \1 ", _PUNCT.sub(" ", text.casefold())).split())


@lru_cache(maxsize=8192)
def spellings(text: str) -> frozenset[str]:
    """A name's comparable forms: case and punctuation aside, with and without ``(codes)``."""
    return frozenset(k for k in (_key(text), _key(_PARENS.sub(" ", text))) if k)


def same_name(a: str | None, b: str | None) -> bool:
    """True when two spellings of a name agree, case, punctuation and a code in parentheses aside.

    ``Nivolumab (BMS-936558)`` and ``nivolumab`` agree; ``Nivolumab`` and ``Ipilimumab`` do not.
    """
    return bool(a and b and spellings(a) & spellings(b))


def split_entry(entry: str) -> tuple[str | None, str]:
    """An arm's entry as (registry type, name): ``Drug: Opdivo`` → ``("DRUG", "Opdivo")``."""
    match = _PREFIX.match(entry)
    if not match:
        return None, entry.strip()
    return "_".join(match.group(1).upper().split()), match.group(2).strip()


@dataclass
class _Found:
    """What the record says about one requested treatment, gathered before it is judged."""

    arms: list[str] = field(default_factory=list)
    not_stated: list[str] = field(default_factory=list)
    placebo_arms: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    placebo_names: list[str] = field(default_factory=list)
    either_names: list[str] = field(default_factory=list)
    either_arms: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    arm_names: dict[str, list[str]] = field(default_factory=dict)
    unresolved: bool = False  # an arm label of an intervention that names no arm of the study

    @staticmethod
    def add(items: list[str], *new: str) -> None:
        items += [n for n in dict.fromkeys(new) if n not in items]

    def tie(self, arms: list[str], names: list[str]) -> None:
        """Keep which names tie the treatment to which arm: the evidence is per arm."""
        for arm in arms:
            self.add(self.arm_names.setdefault(arm, []), *names)


def _names_hit(w: Wanted, i: Intervention) -> tuple[list[str], list[str]]:
    """The intervention's names that name the treatment as given (its own name first), and
    those that only mention it (see :meth:`~trialfinder.notes.treatments.Wanted.read`)."""
    if w.read(i.name, i.type) == "given":
        return [i.name or ""], []
    names = _names_of(i)
    hits = [o for o in i.other_names if w.read(o, i.type) == "given"]
    mentions = [n for n in names if w.read(n, i.type) == "mention"]
    if hits or w.treatment_type is None:
        return hits, mentions
    # A kind of treatment is also told by "Undergo …" in the description, or the registry type.
    undergo = _UNDERGO.match(i.description or "")
    if undergo and _CHOICE.match(i.description or "", undergo.end(1)):
        undergo = None
    own = i.name or "(unnamed intervention)"
    if undergo:
        said = f'{own} (description: "{undergo.group(0).strip()}")'
        reading = w.read(undergo.group(1), i.type)
        if reading == "given":
            return [said], []
        if reading == "mention":
            mentions.append(said)
    if not mentions and w.typed_as(i.type, i.name, *i.other_names):
        return [own], []
    return [], mentions


def _is_placebo(i: Intervention) -> bool:
    return any(names_placebo(n) for n in (i.name or "", *i.other_names))


# One name holding a placebo and more: "Placebo + SBRT" and "Pembrolizumab after placebo run-in"
# give the treatment beside the placebo; "Nivolumab/Placebo" gives one or the other.
_BOTH = re.compile(r"\s*\+\s*|\s+(?:plus|then|after|followed\s+by)\s+", re.IGNORECASE)
_EITHER = re.compile(r"\s*/\s*|\s+or\s+", re.IGNORECASE)


def _beside_placebo(w: Wanted, names: list[str]) -> str:
    """``given`` when a placebo-named name also gives the treatment, ``either`` when it gives
    the treatment or its placebo, ``""`` when it is only a placebo of it.

    ``names``: the names that say placebo; another name of the same intervention that names
    the treatment (``Study drug placebo``, other name ``nivolumab``) says what it imitates.
    """

    def alone(parts: list[str]) -> bool:
        return any(w.search(part) and not names_placebo(part) for part in parts)

    if any(alone(_BOTH.split(n)) for n in names):
        return "given"
    return "either" if any(alone(_EITHER.split(n)) for n in names) else ""


def _names_of(i: Intervention) -> list[str]:
    return [n for n in (i.name, *i.other_names) if n]


class _Index:
    """A study's arms read once, for every requested treatment: which arm lists which name."""

    def __init__(self, study: Study) -> None:
        self.study = study
        # (arm label, registry type, name) for every entry of every arm's list.
        self.entries = [
            (arm.label, *split_entry(entry))
            for arm in study.arms
            if arm.label
            for entry in arm.intervention_names
        ]
        self.listing: dict[str, list[str]] = {}
        for label, _, name in self.entries:
            for key in spellings(name):
                _Found.add(self.listing.setdefault(key, []), label)
        self.labels: dict[str, str] = {}
        for arm in study.arms:
            for key in spellings(arm.label or ""):
                self.labels.setdefault(key, arm.label or "")
        self.own = frozenset(
            k for i in study.interventions for n in _names_of(i) for k in spellings(n)
        )
        # One arm group in a study that assigns treatment: whatever it lists, that arm gives.
        labelled = [arm.label for arm in study.arms if arm.label]
        one = len(study.arms) == 1 and len(labelled) == 1
        self.only_arm = labelled[0] if one and study.study_type == "INTERVENTIONAL" else None
        self.used_only_arm = False

    def arm_label(self, label: str) -> str | None:
        """The study's own label for an arm named ``label``, or None when no arm has that name."""
        return next((self.labels[k] for k in sorted(spellings(label)) if k in self.labels), None)

    def arms_of(self, i: Intervention, found: _Found) -> list[str]:
        """Arms the record ties to an intervention: its arm labels, and arms listing it."""
        labels: list[str] = []
        for label in i.arm_labels:
            own = self.arm_label(label)
            found.unresolved |= own is None and bool(self.study.arms)
            _Found.add(labels, own or label)
        for key in {k for n in _names_of(i) for k in spellings(n)}:
            _Found.add(labels, *self.listing.get(key, ()))
        if not labels and self.only_arm:
            labels.append(self.only_arm)
            self.used_only_arm = True
        return labels


def _keep(found: _Found, beside: str, names: list[str], arms: list[str], untied: str) -> None:
    """File one intervention (or arm entry) that names the treatment, by what it gives."""
    found.tie(arms, names)
    if beside == "either":
        # It gives the treatment or its placebo: who gets which, the record does not say.
        found.add(found.names, *names)
        found.add(found.either_names, *names)
        found.add(found.either_arms, *arms)
    elif not beside:
        found.add(found.placebo_names, *names)
        found.add(found.placebo_arms, *arms)
    else:
        found.add(found.names, *names)
        found.add(found.arms, *arms)
        if not arms:
            found.add(found.not_stated, untied)


def _gather(index: _Index, w: Wanted) -> _Found:
    found = _Found()
    for i in index.study.interventions:
        hit, mentions = _names_hit(w, i)
        if not hit:
            found.add(found.mentions, *mentions)
            continue
        beside = "given"
        if _is_placebo(i) and not w.placebo:
            saying = [n for n in _names_of(i) if names_placebo(n)]
            beside = _beside_placebo(w, saying)
            if not beside:
                # The name that says placebo first: it says what the intervention is.
                hit = list(dict.fromkeys([*saying, *hit]))
        _keep(found, beside, hit, index.arms_of(i, found), i.name or hit[0])
    # Entries of an arm's list that no intervention accounts for still name what the arm gives.
    for label, kind, name in index.entries:
        if spellings(name) & index.own:
            continue
        reading = w.read(name, kind)
        if not (reading == "given" or w.typed_as(kind, name)):
            if reading == "mention":
                found.add(found.mentions, name)
            continue
        beside = _beside_placebo(w, [name]) if names_placebo(name) and not w.placebo else "given"
        _keep(found, beside, [name], [label], name)
    return found


def _in_study_order(study: Study, labels: list[str]) -> list[str]:
    order = [a.label for a in study.arms if a.label in labels]
    return order + [label for label in labels if label not in order]


def _partial(study: Study, w: Wanted) -> tuple[list[str], list[str]]:
    """For a value of several words that the record does not name whole: the record's names
    holding one of its words (a known treatment's word by all its names: ``radiation`` in
    ``SBRT``), and those words."""
    words = content_words(w.agent)
    alone = len(words) == 1 and words[0].casefold() == w.agent.strip().casefold()
    if w.treatment_type is not None or w.whole or not words or alone:
        return [], []
    texts = [n for i in study.interventions for n in _names_of(i)]
    texts += [split_entry(e)[1] for arm in study.arms for e in arm.intervention_names]
    names: list[str] = []
    held: list[str] = []
    for word in words:
        known = wanted(word) if is_known_name(word) else None
        hits = [t for t in texts if (known.search(t) if known else name_pattern(word).search(t))]
        if hits:
            held.append(word)
            _Found.add(names, *hits)
    return names, held


def check_agent(study: Study, w: Wanted, index: _Index | None = None) -> tuple[AgentCheck, bool]:
    """One requested treatment in the study, and whether an arm label could not be resolved."""
    found = _gather(index or _Index(study), w)
    partial: list[str] = []
    held: list[str] = []
    state: AgentState
    if found.names:
        state = "named"
    elif found.placebo_names:
        state = "placebo_only"
    else:
        partial, held = _partial(study, w)
        state = "cannot_check" if partial or found.mentions else "not_named"
    tied = {*found.arms, *found.placebo_arms, *found.either_arms}
    check = AgentCheck(
        agent=w.agent,
        value=w.value,
        state=state,
        arms=_in_study_order(study, found.arms),
        not_stated=found.not_stated,
        placebo_arms=_in_study_order(study, found.placebo_arms),
        matched_names=found.names,
        placebo_names=found.placebo_names,
        either_names=found.either_names,
        either_arms=_in_study_order(study, found.either_arms),
        arm_names={arm: names for arm, names in found.arm_names.items() if arm in tied},
        partial_names=partial,
        partial_words=held,
        mentioned_names=found.mentions if state == "cannot_check" else [],
        searched=list(w.names),
        treatment_type=w.treatment_type,
    )
    return check, found.unresolved


@lru_cache(maxsize=64)
def requested_treatments(
    values: tuple[str, ...], conditions: tuple[str, ...] = ()
) -> tuple[Wanted, ...]:
    """Each requested treatment with its names; a value holding several gives each of them.

    Cached: a search asks the same of every study it finds.
    """
    context = condition_context(conditions)
    out: list[Wanted] = []
    for value in values:
        # A phrase in quotes ('"radiation therapy"') is the phrase, for the record's words.
        text = value.strip()
        text = text[1:-1].strip() if len(text) > 2 and text[0] == text[-1] == '"' else value
        parts = split_value(text) or (text,)
        out += [wanted(part, value, context) for part in parts]
    return tuple(out)


def _untied_either(check: AgentCheck) -> bool:
    """True when a name giving the treatment or its placebo is tied to no arm."""
    tied = {n for arm in check.either_arms for n in check.arm_names.get(arm, [])}
    return any(n not in tied for n in check.either_names)


def combination(
    study: Study, requested: tuple[str, ...], conditions: tuple[str, ...] = ()
) -> Combination:
    """Which of ``requested`` the study names, in which arms, and whether one arm gives all.

    Args:
        study: the study.
        requested: intervention values as the user typed them (``"Opdivo"``, ``"radiation"``,
            ``"nivolumab chemotherapy"``).
        conditions: the conditions searched, which choose the drugs of a class word such as
            ``immunotherapy`` as the search did.

    Returns:
        A check per requested treatment with the arms and the record's names that matched,
        and a verdict on the whole (see :class:`~trialfinder.models.notes.Combination`).
    """
    checks: list[AgentCheck] = []
    unresolved = False
    index = _Index(study)
    for w in requested_treatments(tuple(requested), tuple(conditions)):
        check, odd_label = check_agent(study, w, index)
        checks.append(check)
        unresolved |= odd_label
    together: list[str] = []
    verdict: CombinationVerdict
    if len(checks) == 1:
        verdict = "one_treatment"
        together = checks[0].arms if checks[0].state == "named" else []
    elif any(c.state == "cannot_check" for c in checks):
        verdict = "cannot_check"
    elif any(c.state != "named" for c in checks):
        verdict = "not_all_named"
    else:
        keys = [{_key(a) for a in c.arms} for c in checks]
        common = set.intersection(*keys)
        together = [a for a in checks[0].arms if _key(a) in common]
        # An arm given a treatment or its placebo may give it: never "different arms" there.
        maybe = set.intersection(*({_key(a) for a in (*c.arms, *c.either_arms)} for c in checks))
        untied = any(c.not_stated or not (c.arms or c.either_arms) for c in checks)
        if together:
            verdict = "together"
        elif unresolved or untied or maybe or any(_untied_either(c) for c in checks):
            verdict = "not_stated"
        else:
            verdict = "different_arms"
    return Combination(
        requested=list(requested),
        agents=checks,
        verdict=verdict,
        together_arms=together,
        study_type=study.study_type,
        only_arm=index.used_only_arm,
    )
