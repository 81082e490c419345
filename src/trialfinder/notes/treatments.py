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

A record's text is read mention by mention (:meth:`Wanted.read`): a name joined by a hyphen to
another treatment (``Carboplatin-Paclitaxel``) names both, but not inside a longer word
(``non-radiation``) or a code (``MK-3475-189``); a name said to be withheld is ``withheld``; a
name that only mentions the treatment (an education session about it, care during it, a plan
for it) is a ``mention``, which tells nothing about what an arm gives.

Pure: stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from trialfinder.query.expand import agent_names, code_body, expand_values, is_code, load_data

# Words that join treatments in one value: "nivolumab and chemotherapy", "RT + pembrolizumab".
_JOINERS = re.compile(r"^(?:\s|[+,;&/]|\band\b|\bplus\b|\bwith\b)*$", re.IGNORECASE)
# Words too common to tell that a record names part of a multi-word value.
_COMMON = {"and", "or", "the", "of", "with", "plus", "for", "in", "to", "a", "an", "by"}
_TOKEN = re.compile(r"[\w-]+")
# Where one phrase of a name ends: "Chemotherapy education, then surgery" holds two.
_PHRASE_END = re.compile(
    r"[,;:+/|\n]|(?<![\w-])(?:and|plus|with|then|or|versus|vs\.?|followed\s+by)(?![\w-])",
    re.IGNORECASE,
)

#: How a text names a treatment: as given, only to say it is not (``Radiotherapy omitted``),
#: or only mentioning it (``Chemotherapy education session``).
Reading = Literal["given", "withheld", "mention"]


@dataclass(frozen=True)
class TreatmentType:
    """One kind of treatment from the vocabulary file."""

    type: str
    asked_as: tuple[str, ...]
    words: tuple[str, ...]
    registry_types: tuple[str, ...]
    source: str
    not_by_type: tuple[str, ...] = ()
    unless_test: tuple[str, ...] = ()
    forms: tuple[tuple[str, ...], ...] = ()
    ambiguous: tuple[str, ...] = ()
    ambiguous_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """The whole vocabulary file: the kinds of treatment and the placebo words."""

    types: tuple[TreatmentType, ...]
    placebo_words: tuple[str, ...]
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    not_suffix: tuple[str, ...] = ()
    mention_words: tuple[str, ...] = ()
    mention_before: tuple[str, ...] = ()
    mention_just_before: tuple[str, ...] = ()
    mention_after: tuple[str, ...] = ()
    not_treatment: tuple[str, ...] = ()
    hyphen_joins: tuple[str, ...] = ()
    drug_stems: tuple[str, ...] = ()


def is_acronym(word: str) -> bool:
    """True for a word written in capitals (``WBRT``, ``5-FU``): it matches only as written."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _exact(name: str) -> bool:
    """Short acronyms match only as written; a research code (``MK-3475``) in any case."""
    return is_acronym(name) and len(name) <= 8 and not is_code(name)


def _body(term: str) -> str:
    # A code however it is spaced ("MK 3475", "MK3475"), never inside another ("MK-34750").
    if is_code(term):
        return code_body(term)
    return r"\s+".join(re.escape(word) for word in term.split())


def word_pattern(term: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """``term`` as a whole word or phrase: hyphens count as part of a word, any spacing."""
    return re.compile(rf"(?<![\w-]){_body(term)}(?![\w-])", 0 if case_sensitive else re.I)


@lru_cache(maxsize=1024)
def name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word or phrase; acronyms in capitals match only as written."""
    return word_pattern(name, case_sensitive=_exact(name))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped vocabulary of treatment types and placebo words."""
    import json
    import pkgutil  # not importlib.resources, which loads tempfile, shutil, bz2… (12 ms)

    raw = json.loads(
        pkgutil.get_data(__package__ or "trialfinder.notes", "data/treatment_types.json") or b""
    )
    types = tuple(
        TreatmentType(
            type=str(t["type"]),
            asked_as=tuple(t["asked_as"]),
            words=tuple(t["words"]),
            registry_types=tuple(t.get("registry_types", ())),
            not_by_type=tuple(t.get("not_by_type", ())),
            unless_test=tuple(t.get("unless_test", ())),
            forms=tuple(tuple(f) for f in t.get("forms", ())),
            ambiguous=tuple(t.get("ambiguous", {}).get("acronyms", ())),
            ambiguous_types=tuple(t.get("ambiguous", {}).get("registry_types", ())),
            source=str(t["source"]),
        )
        for t in raw["types"]
    )
    not_given = raw.get("not_given", {})
    mention = raw.get("mention_only", {})
    hyphen = raw.get("hyphen", {})
    return Vocabulary(
        types=types,
        placebo_words=tuple(raw["placebo_words"]),
        not_before=tuple(not_given.get("before", ())),
        not_after=tuple(not_given.get("after", ())),
        not_suffix=tuple(not_given.get("suffix", ())),
        mention_words=tuple(mention.get("words", ())),
        mention_before=tuple(mention.get("before", ())),
        mention_just_before=tuple(mention.get("just_before", ())),
        mention_after=tuple(mention.get("after", ())),
        not_treatment=tuple(mention.get("not_treatment", ())),
        hyphen_joins=tuple(hyphen.get("joins", ())),
        drug_stems=tuple(hyphen.get("drug_stems", ())),
    )


def _any_of(words: tuple[str, ...]) -> str:
    return "|".join(_body(w) for w in sorted(words, key=len, reverse=True)) or r"(?!)"


# Words between "omission of" and the treatment it withholds: the same phrase, no punctuation,
# and no word that starts another treatment ("no chemotherapy with radiotherapy").
_FILLER = r"(?:(?!(?:and|plus|with|then|followed)(?![\w-]))[\w-]+\s+){0,4}"


@lru_cache(maxsize=1)
def _not_given() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What before or after a treatment's name says it is not given (see the vocabulary)."""
    v = vocabulary()
    before = re.compile(rf"(?<![\w-])(?:{_any_of(v.not_before)})\s+{_FILLER}$", re.I)
    after = re.compile(rf"\s+(?:{_any_of(v.not_after)})(?![\w-])", re.I)
    return before, after


def _given(text: str, match: re.Match[str]) -> bool:
    """False when the words around a mention say it is withheld, stopped, or a side effect's."""
    before, after = _not_given()
    start, end = match.span()
    return not (before.search(text[max(0, start - 120) : start]) or after.match(text, end))


@lru_cache(maxsize=1)
def _mention_patterns() -> tuple[re.Pattern[str], ...]:
    """Words that make a name a mention (see ``mention_only`` in the vocabulary): anywhere in
    the phrase, ahead of the name (some words away, or right ahead), and right after it."""
    v = vocabulary()
    return (
        re.compile(rf"(?<![\w-])(?:{_any_of(v.mention_words)})(?![\w-])", re.I),
        re.compile(rf"(?<![\w-])(?:{_any_of(v.mention_before)})\s+{_FILLER}$", re.I),
        re.compile(rf"(?<![\w-])(?:{_any_of(v.mention_just_before)})[\s-]+$", re.I),
        re.compile(rf"[\s-]+(?:{_any_of(v.mention_after)})(?![\w-])", re.I),
        re.compile(rf"(?<![\w-])(?:{_any_of(v.not_treatment)})(?![\w-])"),
    )


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """One-word treatment names and the words a hyphen may join to one (``-based``)."""
    known = {n.casefold() for n in _known_names() if re.fullmatch(r"\w+", n)}
    return frozenset(known | {w.casefold() for w in vocabulary().hyphen_joins})


def _names_a_treatment(word: str) -> bool:
    """True when a word beside a hyphen is a treatment's name (known, or by a drug stem)."""
    folded = word.casefold()
    stems = vocabulary().drug_stems
    return folded in _name_words() or any(
        folded.endswith(s) and len(folded) > len(s) + 2 for s in stems
    )


def _hyphen_reading(text: str, start: int, end: int) -> Reading | None:
    """How a hyphen at either end of a mention reads: ``Carboplatin-Paclitaxel`` names both;
    ``non-radiation`` and ``MK-3475-189`` hold the name inside another word (None);
    ``radiotherapy-free`` withholds it; ``nivolumab-refractory`` only mentions it."""
    if start >= 2 and text[start - 1] == "-" and (text[start - 2].isalnum()):
        before = re.search(r"\w+$", text[: start - 1])
        if not before or not _names_a_treatment(before.group()):
            return None
    after = re.match(r"-(\w+)", text[end:])
    if not after:
        return "given"
    word = after.group(1)
    if not word[0].isalpha():
        return None  # a code or an isotope: "MK-3475-189", "Lu-177"
    v = vocabulary()
    if word.casefold() in {w.casefold() for w in (*v.not_suffix, *v.not_after)}:
        return "withheld"
    return "given" if _names_a_treatment(word) else "mention"


def _defined_otherwise(text: str, start: int, end: int) -> bool:
    """True for an acronym that the words before it spell out: ``Resistance training (RT)``."""
    acronym = text[start:end]
    if not (is_acronym(acronym) and text[start - 1 : start] == "(" and text[end : end + 1] == ")"):
        return False
    letters = [c for c in acronym if c.isalpha()]
    words = [w for w in re.split(r"[\W_]+", text[: start - 1]) if w.isalpha()][-len(letters) :]
    return len(words) == len(letters) and all(
        w[0].upper() == c.upper() for w, c in zip(words, letters, strict=True)
    )


def _phrase(text: str, start: int, end: int) -> str:
    """The phrase of ``text`` holding ``start:end`` (see ``_PHRASE_END``), the mention left out."""
    left = max((m.end() for m in _PHRASE_END.finditer(text, 0, start)), default=0)
    stop = _PHRASE_END.search(text, end)
    return text[left:start] + " " + text[end : stop.start() if stop else len(text)]


def _read_mention(text: str, match: re.Match[str]) -> Reading | None:
    """How one mention of a treatment's name reads (see :meth:`Wanted.read`)."""
    start, end = match.span()
    words, ahead, right_ahead, behind, other = _mention_patterns()
    if any(s <= start and end <= e for s, e in (m.span() for m in other.finditer(text))):
        return None
    if _defined_otherwise(text, start, end):
        return None
    hyphen = _hyphen_reading(text, start, end)
    if hyphen != "given":
        return hyphen
    if not _given(text, match):
        return "withheld"
    before = text[max(0, start - 120) : start]
    if (
        ahead.search(before)
        or right_ahead.search(before)
        or behind.match(text, end)
        or words.search(_phrase(text, start, end))
    ):
        return "mention"
    return "given"


def names_mention_words(text: str | None) -> bool:
    """True when ``text`` holds a word that makes a name a mention (``Treatment planning``)."""
    return bool(text and _mention_patterns()[0].search(text))


def treatment_type(value: str) -> TreatmentType | None:
    """The kind of treatment ``value`` asks for (``radiotherapy`` → radiation), if any."""
    for kind in vocabulary().types:
        if any(name_pattern(asked).fullmatch(value.strip()) for asked in kind.asked_as):
            return kind
    return None


def treatment_form(value: str) -> tuple[str, ...] | None:
    """Every name of the one form of a treatment that ``value`` names (``SBRT``: stereotactic
    body radiation therapy, SABR…), from the vocabulary's ``forms``; None when none."""
    for kind in vocabulary().types:
        for form in kind.forms:
            if any(name_pattern(name).fullmatch(value.strip()) for name in form):
                return form
    return None


@lru_cache(maxsize=1)
def _placebo_pattern() -> re.Pattern[str]:
    # A hyphen may join a placebo word to the drug it imitates ("Nivolumab-placebo"), but not
    # to a word that denies it ("Non-placebo nivolumab").
    words = _any_of(vocabulary().placebo_words)
    return re.compile(rf"(?<!\w)(?<!\bnon-)(?<!\bno-)(?<!\bnot-)(?:{words})(?!\w)", re.I)


def names_placebo(text: str) -> bool:
    """True when ``text`` names a placebo, sham or vehicle (``Placebo matching nivolumab``,
    ``Nivolumab-matched placebo``, ``Nivolumab-placebo``; not ``Non-placebo nivolumab``)."""
    return bool(_placebo_pattern().search(text))


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
            self._ambiguous(m.group(), registry_type, _read_mention(text, m))
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
    it there too, for :func:`_read_mention` to judge the word beside the hyphen.
    """
    out = []
    for exact in (False, True):
        group = [n for n in names if _exact(n) is exact]
        if group:
            bodies = "|".join(_body(n) for n in sorted(group, key=len, reverse=True))
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


@lru_cache(maxsize=1)
def _known_names() -> tuple[str, ...]:
    """Every name that can stand alone as one treatment, longest first."""
    data = load_data()
    entries = [e for e in data.entries if e.kind in data.field_kinds.get("intervention", ())]
    known = {e.term for e in entries} | {x for e in entries for x in e.expansions}
    known |= set(data.members)
    for kind in vocabulary().types:
        known |= set(kind.asked_as) | set(kind.words) | set(kind.unless_test)
        known |= {name for form in kind.forms for name in form}
    known |= set(vocabulary().placebo_words)
    return tuple(sorted(known, key=lambda n: (-len(n), n)))


def is_known_name(value: str) -> bool:
    """True when the whole of ``value`` is one name from the table or the vocabulary."""
    return any(name_pattern(name).fullmatch(value.strip()) for name in _known_names())


def split_value(value: str) -> tuple[str, ...] | None:
    """The treatments in one value, when it holds known ones and nothing else but joining words.

    ``nivolumab chemotherapy`` → ``("nivolumab", "chemotherapy")``; ``nivolumab and`` →
    ``("nivolumab",)``; ``radiation therapy`` (one known name) and ``nivolumab maintenance``
    (an unknown word) → None.
    """
    spans: list[tuple[int, int]] = []
    for name in _known_names():
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
