"""What names mean one requested treatment, in a study record.

A requested value is an agent (``nivolumab``, ``Opdivo``), a class from the expansions table
(``PD-1``), or a kind of treatment (``radiation``, ``surgery``, ``chemotherapy``). Its names
come from the expansions table (generic, brand and code names, whichever was typed; a code
such as ``MK-3475`` matches however it is spaced, ``MK 3475`` or ``MK3475``, but never inside
a longer code) and, for a kind of treatment, from the vocabulary in
``trialfinder/notes/data/treatment_types.json`` (radiation registered as a PROCEDURE or named only
``WBRT`` is still radiation; a CT scan is a PROCEDURE but not surgery).

A value holding several treatments (``nivolumab chemotherapy``) is split into them when every
word belongs to a known name; otherwise it stays one name, looked for as a whole phrase.

A record's text is read mention by mention (:meth:`Wanted.read`, with the vocabulary's rules in
:mod:`trialfinder.notes.vocabulary`); a name that only mentions the treatment tells nothing about
what an arm gives.

Pure: stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from trialfinder.notes.vocabulary import (
    Reading,
    is_exact_name,
    known_names,
    name_pattern,
    names_mention_words,
    names_placebo,
    pattern_body,
    read_mention,
    treatment_form,
    treatment_type,
    vocabulary,
)
from trialfinder.query.expand import agent_names, expand_values

# Words that join treatments in one value: "nivolumab and chemotherapy", "RT + pembrolizumab".
_JOINERS = re.compile(r"^(?:\s|[+,;&/]|\band\b|\bplus\b|\bwith\b)*$", re.IGNORECASE)
# Words too common to tell that a record names part of a multi-word value.
_COMMON = {"and", "or", "the", "of", "with", "plus", "for", "in", "to", "a", "an", "by"}
_TOKEN = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Wanted:
    """One requested treatment and every name it goes by.

    Attributes:
        agent: the treatment as typed (a whole value, or one treatment of a value).
        value: the value it came from, as typed.
        names: names looked for (typed, generic, brand, code, or the type's vocabulary).
        registry_types: intervention types that are this treatment whatever their name.
        treatment_type: ``radiation``, ``surgery``… when a kind of treatment was asked for.
        placebo: the request is itself for a placebo, so placebos count.
        not_by_type: names that, under one of ``registry_types``, are a test, not this treatment.
        whole: the request is one known treatment of several words (``stereotactic body
            radiation therapy``): a record naming only some of its words does not name part
            of it.
        ambiguous: acronyms of its names that also mean other things (``RT``), and
        ambiguous_types: the intervention types in which they name this treatment.
        unless_test: names that are this treatment unless the same text names a test (one of
            ``not_by_type``): an isotope gives radiation (``Iodine-131``) or images
            (``I-131 whole body scan``).
    """

    agent: str
    value: str
    names: tuple[str, ...]
    registry_types: tuple[str, ...] = ()
    treatment_type: str | None = None
    placebo: bool = False
    not_by_type: tuple[str, ...] = ()
    unless_test: tuple[str, ...] = ()
    whole: bool = False
    ambiguous: tuple[str, ...] = ()
    ambiguous_types: tuple[str, ...] = ()

    def search(self, text: str | None) -> bool:
        """True when ``text`` names this treatment as a whole word or phrase, as given.

        A mention that says it is not given (``Omission of radiotherapy``) does not count, nor
        an isotope named beside a test (``Radioactive iodine uptake scan``), nor a mention
        that does not give it (``Chemotherapy education session``): see :meth:`read`.
        """
        return self.read(text) == "given"

    def read(self, text: str | None, registry_type: str | None = None) -> Reading | None:
        """How ``text`` names this treatment, mention by mention, the strongest reading first:

        * ``given``: a name of it, whole or joined by a hyphen to another treatment's name
          (``Carboplatin-Paclitaxel``, ``Nivolumab-based immunotherapy``);
        * ``mention``: it only mentions it: a talk, plan or visit about it (``Radiation
          oncology consultation``), care around it (``Filgrastim after chemotherapy``), put
          off (``Deferred radiotherapy``), joined to a word that is no treatment
          (``Nivolumab-refractory``);
        * ``withheld``: named only to say it is not given (``Radiotherapy-free``);
        * None: not named (``non-radiation``, ``MK-3475-189``, ``CHOP INTEND``, an acronym
          spelled out otherwise as in ``Resistance training (RT)``).

        ``registry_type``: the intervention's type, when known: an ambiguous acronym (``RT``
        in ``RT Group exercise``, a BEHAVIORAL intervention) outside the types it names this
        treatment in is only a mention.
        """
        if not text:
            return None
        names = self.names
        if self.unless_test and not any(p.search(text) for p in _patterns(self.not_by_type)):
            names = (*names, *self.unless_test)
        found = {
            self._ambiguous(m.group(), registry_type, read_mention(text, m))
            for p in _loose_patterns(names)
            for m in p.finditer(text)
        }
        return next((r for r in ("given", "mention", "withheld") if r in found), None)

    def _ambiguous(
        self, said: str, registry_type: str | None, reading: Reading | None
    ) -> Reading | None:
        if reading != "given" or registry_type is None or said not in self.ambiguous:
            return reading
        return "given" if registry_type.upper() in self.ambiguous_types else "mention"

    def typed_as(self, registry_type: str | None, *names: str | None) -> bool:
        """True when the registry type alone makes an intervention with ``names`` this treatment.

        Not when a name says it is withheld, or names a test (a PET/CT registered as RADIATION).
        """
        if (registry_type or "").upper() not in self.registry_types:
            return False
        tests = _patterns(self.not_by_type)
        return not any(
            self.withheld(n)
            or self.read(n, registry_type) == "mention"
            or names_mention_words(n)
            or any(p.search(n or "") for p in tests)
            for n in names
        )

    def withheld(self, text: str | None) -> bool:
        """True when ``text`` names this treatment only to say it is not given (``No
        radiotherapy``, ``Radiotherapy omitted``, ``Radiotherapy-free follow-up``)."""
        if not text or self.search(text):
            return False
        if self.read(text) == "withheld":
            return True
        # An isotope withheld is read only beside no test; here it counts however named.
        wider = Wanted(self.agent, self.value, (*self.names, *self.unless_test))
        return wider.read(text) == "withheld"


@lru_cache(maxsize=256)
def _patterns(names: tuple[str, ...], hyphens: str = "-") -> tuple[re.Pattern[str], ...]:
    """One pattern for the names matched in any case, one for acronyms matched as written.

    ``hyphens``: ``-`` to keep a name joined by a hyphen out (a test's name), ``""`` to find
    it there too, for :func:`read_mention` to judge the word beside the hyphen.
    """
    out = []
    for exact in (False, True):
        group = [n for n in names if is_exact_name(n) is exact]
        if group:
            bodies = "|".join(pattern_body(n) for n in sorted(group, key=len, reverse=True))
            edge = rf"[\w{hyphens}]"
            flags = 0 if exact else re.I
            out.append(re.compile(rf"(?<!{edge})(?:{bodies})(?!{edge})", flags))
    return tuple(out)


def _loose_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return _patterns(names, "")


def condition_context(conditions: tuple[str, ...]) -> tuple[str, ...]:
    """The conditions searched and their expansions, which choose a class word's drugs."""
    return (*conditions, *(t for e in expand_values(conditions, "condition")[1] for t in e.terms))


def wanted(agent: str, value: str | None = None, conditions: tuple[str, ...] = ()) -> Wanted:
    """Every name of one requested treatment (see the module docstring).

    ``conditions``: the conditions searched (see :func:`condition_context`).
    """
    kind = treatment_type(agent)
    if kind is not None:
        names = (agent, *[w for w in kind.words if w.lower() != agent.lower()])
        return Wanted(
            agent,
            value or agent,
            names,
            kind.registry_types,
            kind.type,
            not_by_type=kind.not_by_type,
            unless_test=kind.unless_test,
            ambiguous=kind.ambiguous,
            ambiguous_types=kind.ambiguous_types,
        )
    form = treatment_form(agent)
    if form is not None:
        names = (agent, *[n for n in form if n.lower() != agent.lower()])
        return Wanted(agent, value or agent, names, whole=True)
    names = agent_names(agent, conditions)
    whole = is_known_name(agent)
    for kind in vocabulary().types:
        # An isotope asked for by name ("radioactive iodine") is not its scan either.
        if any(name_pattern(word).fullmatch(agent.strip()) for word in kind.unless_test):
            return Wanted(
                agent,
                value or agent,
                (),
                not_by_type=kind.not_by_type,
                unless_test=names,
                whole=whole,
            )
    return Wanted(agent, value or agent, names, placebo=names_placebo(agent), whole=whole)


def is_known_name(value: str) -> bool:
    """True when the whole of ``value`` is one name from the table or the vocabulary."""
    return any(name_pattern(name).fullmatch(value.strip()) for name in known_names())


def split_value(value: str) -> tuple[str, ...] | None:
    """The treatments in one value, when it holds known ones and nothing else but joining words.

    ``nivolumab chemotherapy`` → ``("nivolumab", "chemotherapy")``; ``nivolumab and`` →
    ``("nivolumab",)``; ``radiation therapy`` (one known name) and ``nivolumab maintenance``
    (an unknown word) → None.
    """
    spans: list[tuple[int, int]] = []
    for name in known_names():
        for match in name_pattern(name).finditer(value):
            start, end = match.span()
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
    if not spans or spans == [(0, len(value))]:
        return None
    spans.sort()
    # What lies between the names (and before and after them) may only join them.
    bounds = [0, *(x for span in spans for x in span), len(value)]
    gaps = [value[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2)]
    if not all(_JOINERS.match(gap) for gap in gaps):
        return None
    return tuple(value[s:e] for s, e in spans)


def content_words(value: str) -> tuple[str, ...]:
    """The words of a value that could each name part of a treatment (not ``and``, ``of``…)."""
    return tuple(w for w in _TOKEN.findall(value) if w.lower() not in _COMMON and len(w) > 1)
