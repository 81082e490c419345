"""Plain-language expansions: what people type → the terms the registry uses.

The table ships in ``trialfinder/query/data/expansions.json``; every entry cites its source (an NCI
Thesaurus code, or the FDA label of each drug named). Whether the API's own synonym expansion
turns ``ALL`` into acute lymphoblastic leukemia or ``Keytruda`` into pembrolizumab is not
documented, so we expand on our side and always tell the user what was searched.

Rules:

* **By field.** Conditions get disease acronyms; interventions get brand names and drug
  classes; other terms (``term``) are never expanded ("PD-L1 positive" is a biomarker there,
  not a list of drugs).
* **Acronyms match only in capitals**: ``ALL`` is the leukemia, ``all`` is a word. A known
  acronym typed in lower case is searched as typed, with a hint (:attr:`Expanded.hints`).
* **An acronym that is also a word is never sent bare** (``send_term`` false): ``ALL`` is
  sent as its phrases only, since the bare word also matches "all comers". Ambiguous
  acronyms (``MM``, ``MS``) are searched as typed, with their meanings shown.
* **Whole phrases.** A brand or class name absorbs the words that belong to it ("CAR-T cell
  therapy", "PD-1 inhibitors", "Keytruda treatment"); any other words of the value stay
  required, and are disclosed (:attr:`Expanded.notices`).
* **Class words that depend on the disease** (``immunotherapy``) are expanded by the
  condition searched (``by_condition`` in the table); with no matching condition the word is
  searched as typed, and the user is told why.
* A value that uses the API's own syntax (quotes, parentheses, AND/OR/NOT) is sent untouched.

Pure: stdlib only, so :mod:`trialfinder.query.build` can use it at CLI start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from trialfinder.query.lexicon import Entry, is_code, load_data, phrase_pattern

_SIMPLE = re.compile(r"\w+")


# Text using Essie syntax is the user's own expression: leave it alone.
_SYNTAX = re.compile(r'["()\[\]]|\b(?:AND|OR|NOT)\b')


@dataclass(frozen=True)
class Expansion:
    """One disclosed rewrite: in ``field``, ``original`` was searched as ``terms``.

    Attributes:
        field: ``condition`` or ``intervention``.
        original: the words as typed, absorbed words included (``CAR-T cell therapy``).
        terms: every term searched for it, joined by OR (empty for an ambiguous acronym).
        source: where the meaning comes from (``NCI Thesaurus C3167``, ``FDA labels``).
        ambiguous: for an ambiguous acronym, its meanings; nothing is expanded.
        sources: for class words, each term's source, in the order of ``terms``.
        context: for class words chosen by the condition: that condition.
        bare_left_out: the typed acronym itself is not searched (it is also a word).
    """

    field: str
    original: str
    terms: tuple[str, ...]
    source: str
    ambiguous: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    context: str = ""
    bare_left_out: bool = False

    def describe(self) -> str:
        """One line for people: ``ALL → acute lymphoblastic leukemia, … (NCI Thesaurus C3167)``."""
        if self.ambiguous:
            return (
                f"{self.original} is ambiguous ({' / '.join(self.ambiguous)}): searched as "
                "typed; write the full name to be sure"
            )
        notes = [f"for {self.context}" if self.context else "", self.source]
        if self.bare_left_out:
            notes.append(f"{self.original} alone is not searched: it is also a word")
        return f"{self.original} → {', '.join(self.terms)} ({'; '.join(n for n in notes if n)})"


@dataclass(frozen=True)
class Expanded:
    """One value after expansion.

    Attributes:
        text: the Essie text to send.
        expansions: the rewrites made.
        notices: what else the user should know about how it was searched (leftover words
            that stay required, a class word searched as typed).
        hints: a known acronym typed in lower case, searched as typed: how to ask for it.
    """

    text: str
    expansions: list[Expansion] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[Entry, str], ...]:
    """Each entry with the first word of its term in lower case, for :func:`expand_value`."""
    return tuple(
        (entry, re.split(r"[\s-]+", entry.term.strip())[0].lower()) for entry in load_data().entries
    )


@cache
def _patterns_of(index: int) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    # Compiled on first use: compiling every entry's patterns costs some 10 ms a process,
    # and a value needs only those of the terms whose first word it contains.
    entry = _entries()[index][0]
    return (
        entry.pattern(load_data().absorbed),
        phrase_pattern(entry.term, ignore_case=True) if entry.kind == "acronym" else None,
    )


def essie_term(text: str) -> str:
    """A single word as is, anything else as a quoted phrase."""
    return text if _SIMPLE.fullmatch(text) else '"' + text.replace('"', " ") + '"'


def or_group(terms: Iterable[str]) -> str:
    """``"acute lymphoblastic leukemia" OR "acute lymphocytic leukemia"``, without repeats."""
    seen: list[str] = []
    for item in terms:
        if item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return " OR ".join(essie_term(item) for item in seen)


def _hint(typed: str, entry: Entry) -> str:
    meaning = entry.expansions[0]
    return (
        f"'{typed}' is searched as the word you typed; write {entry.term} in capitals to "
        f"search for {meaning} ({', '.join(entry.expansions[1:]) or 'no other names'} too)."
        if len(entry.expansions) > 1
        else f"'{typed}' is searched as the word you typed; write {entry.term} in capitals "
        f"to search for {meaning}."
    )


def _class_terms(
    entry: Entry, conditions: tuple[str, ...]
) -> tuple[tuple[str, ...], str, str | None]:
    """(terms, context, notice) for a class entry, choosing by condition where it must."""
    if not entry.by_condition:
        return entry.expansions, "", None
    chosen = [c for c in entry.by_condition if c.matches(conditions)]
    if not chosen:
        known = "; ".join(c.condition for c in entry.by_condition)
        return (
            (),
            "",
            f"'{entry.term}' was searched as the word itself: which drugs it means depends on "
            f"the disease. Give a condition to search them (drug lists exist for: {known}).",
        )
    terms = tuple(dict.fromkeys(t for c in chosen for t in c.expansions))
    return terms, " and ".join(c.condition for c in chosen), None


def expand_value(value: str, field_name: str, conditions: Iterable[str] = ()) -> Expanded:
    """Rewrite one search value with its expansions.

    Args:
        value: the text as typed (already validated).
        field_name: ``condition``, ``intervention`` or ``term``.
        conditions: the conditions searched, with their expansions, to choose the drugs of
            class words such as ``immunotherapy``.

    Returns:
        The Essie text to send, the expansions made, notices and lower-case acronym hints.
    """
    data = load_data()
    kinds = data.field_kinds.get(field_name, ())
    if not kinds or _SYNTAX.search(value):
        return Expanded(value)
    spans: list[tuple[int, int, Entry, re.Match[str]]] = []
    hints: list[str] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _, _ in spans)

    # An entry whose first word the value lacks cannot match. Outside ASCII a
    # case-insensitive match is not a plain lower-case one: then every entry is tried.
    folded = value.lower() if value.isascii() else None
    for index, (entry, first) in enumerate(_entries()):
        if entry.kind not in kinds:
            continue
        if folded is not None and first.isascii() and first not in folded:
            continue
        pattern, loose = _patterns_of(index)
        for match in pattern.finditer(value):
            if free(*match.span()):
                spans.append((*match.span(), entry, match))
        if loose is not None and not entry.ambiguous:
            for match in loose.finditer(value):
                if match.group() != entry.term and free(*match.span()):
                    hints.append(_hint(match.group(), entry))
    if not spans:
        return Expanded(value, hints=hints)
    spans.sort(key=lambda span: span[0])
    whole = len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(value)
    pieces: list[str] = []
    made: list[Expansion] = []
    notices: list[str] = []
    cursor = 0
    leftover: list[str] = []
    condition_texts = tuple(conditions)
    for start, end, entry, match in spans:
        typed = value[start:end]
        core = match.group("core")
        pieces.append(value[cursor:start])
        leftover.append(value[cursor:start])
        cursor = end
        if entry.ambiguous:
            pieces.append(typed)
            made.append(Expansion(field_name, typed, (), entry.source, entry.ambiguous))
            continue
        context = ""
        sources: tuple[str, ...] = ()
        source = entry.source
        if entry.kind == "class":
            expansions, context, notice = _class_terms(entry, condition_texts)
            if notice:
                notices.append(notice)
                pieces.append(typed)
                continue
            sources = tuple(data.source_of(t) for t in expansions)
            source = "each drug's FDA label"
        else:
            expansions = entry.expansions
        terms = ((core,) if entry.send_term else ()) + expansions
        group = or_group(terms)
        pieces.append(group if whole or " OR " not in group else f"({group})")
        made.append(
            Expansion(
                field_name,
                typed,
                tuple(dict.fromkeys(terms)),
                source,
                sources=sources,
                context=context,
                bare_left_out=not entry.send_term,
            )
        )
    pieces.append(value[cursor:])
    leftover.append(value[cursor:])
    rest = " ".join(" ".join(leftover).split())
    if made and rest:
        notices.append(
            f"In the {field_name} '{value}', the other words ('{rest}') must also appear."
        )
    return Expanded("".join(pieces), made, notices, hints)


def expand_values(
    values: Iterable[str], field_name: str, conditions: Iterable[str] = ()
) -> tuple[tuple[str, ...], list[Expansion], list[str], list[str]]:
    """:func:`expand_value` over several values.

    Returns:
        (texts to send, expansions, notices, hints), each listed once.
    """
    out: list[str] = []
    made: list[Expansion] = []
    notices: list[str] = []
    hints: list[str] = []
    condition_texts = tuple(conditions)
    for value in values:
        result = expand_value(value, field_name, condition_texts)
        out.append(result.text)
        made += [e for e in result.expansions if e not in made]
        notices += [n for n in result.notices if n not in notices]
        hints += [h for h in result.hints if h not in hints]
    return tuple(out), made, notices, hints


def synonyms(
    value: str, field_name: str = "intervention", conditions: Iterable[str] = ()
) -> tuple[str, ...]:
    """What was typed, plus every expansion of the terms in it, for matching records."""
    names = [value]
    for expansion in expand_value(value, field_name, conditions).expansions:
        names += [t for t in expansion.terms if t not in names]
    return tuple(names)


def agent_names(value: str, conditions: Iterable[str] = ()) -> tuple[str, ...]:
    """Every name the table knows for one intervention, whichever of them was typed.

    ``Opdivo``, ``BMS-936558`` and ``nivolumab`` all give the generic name, the brand and the
    code names: what was typed, the generic names it expands to, then every brand and code
    whose entry names exactly one of those generic names. A class (``PD-1 inhibitors``)
    gives its agents and their brands; a class whose drugs depend on the disease
    (``immunotherapy``) is read with ``conditions`` (the conditions searched and their
    expansions), as :func:`expand_value` reads it. Unlike
    :func:`synonyms`, the whole value must be the term: ``Keytruda maintenance`` gives only
    itself.
    """
    names = [value]

    def key(name: str) -> str:
        # "MK 3475" typed is already the code MK-3475.
        return re.sub(r"[\s-]", "", name.lower()) if is_code(name) else name.lower()

    def add(name: str) -> None:
        if key(name) not in (key(n) for n in names):
            names.append(name)

    made = expand_value(value, "intervention", conditions).expansions
    if len(made) == 1 and made[0].original.strip().lower() == value.strip().lower():
        for term in made[0].terms:
            add(term)
    data = load_data()
    kinds = data.field_kinds.get("intervention", ())
    # Brands before codes: the names people know come first in what is shown.
    brands = sorted((e for e in data.entries if e.kind in kinds), key=lambda e: e.kind == "code")
    for generic in list(names):
        for entry in brands:
            # A brand or code names exactly one agent; a class names several and is not
            # another name.
            if len(entry.expansions) == 1 and entry.expansions[0].lower() == generic.lower():
                add(entry.term)
    return tuple(names)
