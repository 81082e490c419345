"""The treatment-type vocabulary, and how a record's text names a treatment.

The vocabulary (``trialfinder/notes/data/treatment_types.json``) says which words name
radiation, surgery, chemotherapy and the like, whatever the registry's intervention type:
radiation registered as a PROCEDURE or named only ``WBRT`` is still radiation; a CT scan is a
PROCEDURE but not surgery. A text is read mention by mention: a name joined by a hyphen to
another treatment (``Carboplatin-Paclitaxel``) names both, but not inside a longer word
(``non-radiation``) or a code (``MK-3475-189``); a name said to be withheld is ``withheld``; a
name that only mentions the treatment (an education session about it, care during it, a plan
for it) is a ``mention``. Placebo, sham and vehicle words are here too.

Pure: stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from trialfinder.query.lexicon import code_body, is_code, load_data

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


def is_exact_name(name: str) -> bool:
    """Short acronyms match only as written; a research code (``MK-3475``) in any case."""
    return is_acronym(name) and len(name) <= 8 and not is_code(name)


def pattern_body(term: str) -> str:
    # A code however it is spaced ("MK 3475", "MK3475"), never inside another ("MK-34750").
    if is_code(term):
        return code_body(term)
    return r"\s+".join(re.escape(word) for word in term.split())


def word_pattern(term: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """``term`` as a whole word or phrase: hyphens count as part of a word, any spacing."""
    return re.compile(rf"(?<![\w-]){pattern_body(term)}(?![\w-])", 0 if case_sensitive else re.I)


@lru_cache(maxsize=1024)
def name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word or phrase; acronyms in capitals match only as written."""
    return word_pattern(name, case_sensitive=is_exact_name(name))


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
    return "|".join(pattern_body(w) for w in sorted(words, key=len, reverse=True)) or r"(?!)"


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
    known = {n.casefold() for n in known_names() if re.fullmatch(r"\w+", n)}
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


def read_mention(text: str, match: re.Match[str]) -> Reading | None:
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


@lru_cache(maxsize=1)
def known_names() -> tuple[str, ...]:
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
