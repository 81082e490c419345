"""Plain-language expansions: what people type → the terms the registry uses.

The table ships in ``trialfinder/data/expansions.json``; each entry names its source (NCI
Thesaurus, FDA label, NCI Drug Dictionary). Whether the API's own synonym expansion turns
``ALL`` into acute lymphoblastic leukemia or ``Keytruda`` into pembrolizumab is not
documented, so we expand on our side and always tell the user what was searched.

Rules:

* An acronym marked ``case_sensitive`` matches only as written: ``ALL`` is the leukemia,
  ``all`` is a word.
* A term is sent as an OR group of what was typed and its expansions; phrases are quoted:
  ``ALL OR "acute lymphoblastic leukemia"``.
* Terms are found as whole words inside plain text (``relapsed ALL``); a value that uses the
  API's own syntax (quotes, parentheses, AND/OR/NOT) is sent untouched.
* Ambiguous acronyms (``MS``) are never expanded; the user is told the meanings instead.

Pure: stdlib only, so :mod:`trialfinder.query` can use it at CLI start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Which kinds of entry apply to which search field.
FIELD_KINDS = {
    "condition": ("condition",),
    "intervention": ("intervention",),
    "term": ("condition", "intervention"),
}
_SIMPLE = re.compile(r"\w+")
# Text using Essie syntax is the user's own expression: leave it alone.
_SYNTAX = re.compile(r'["()\[\]]|\b(?:AND|OR|NOT)\b')


@dataclass(frozen=True)
class Entry:
    """One row of the table."""

    term: str
    kind: str
    case_sensitive: bool
    expansions: tuple[str, ...]
    source: str
    ambiguous: tuple[str, ...] = ()

    def pattern(self) -> re.Pattern[str]:
        """The term as a whole word or phrase (hyphens count as part of a word)."""
        flags = 0 if self.case_sensitive else re.IGNORECASE
        body = r"\s+".join(re.escape(word) for word in self.term.split())
        return re.compile(rf"(?<![\w-]){body}(?![\w-])", flags)


@dataclass(frozen=True)
class Expansion:
    """One disclosed rewrite: in ``field``, ``original`` was searched as itself or ``terms``.

    For an ambiguous acronym ``terms`` is empty and ``ambiguous`` lists the meanings.
    """

    field: str
    original: str
    terms: tuple[str, ...]
    source: str
    ambiguous: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for people: ``ALL → acute lymphoblastic leukemia (NCI Thesaurus)``."""
        if self.ambiguous:
            return (
                f"{self.original} is ambiguous ({' / '.join(self.ambiguous)}): searched as "
                "typed; write the full name to be sure"
            )
        return f"{self.original} → {', '.join(self.terms)} ({self.source})"


def _entry(raw: dict[str, Any]) -> Entry:
    return Entry(
        term=str(raw["term"]),
        kind=str(raw["kind"]),
        case_sensitive=bool(raw.get("case_sensitive", False)),
        expansions=tuple(raw.get("expansions", ())),
        source=str(raw["source"]),
        ambiguous=tuple(raw.get("ambiguous", ())),
    )


@lru_cache(maxsize=1)
def load_table() -> tuple[Entry, ...]:
    """The shipped table, longest terms first (so ``PD-1 inhibitor`` wins over ``PD-1``)."""
    # Loaded on first use: importlib.resources would slow down every `trialfinder --help`.
    import json
    from importlib import resources

    text = resources.files("trialfinder").joinpath("data/expansions.json").read_text("utf-8")
    entries = [_entry(raw) for raw in json.loads(text)["entries"]]
    return tuple(sorted(entries, key=lambda e: -len(e.term)))


def essie_term(text: str) -> str:
    """A single word as is, anything else as a quoted phrase."""
    return text if _SIMPLE.fullmatch(text) else '"' + text.replace('"', " ") + '"'


def or_group(original: str, terms: tuple[str, ...]) -> str:
    """``ALL OR "acute lymphoblastic leukemia"``: what was typed, then its expansions."""
    seen: list[str] = []
    for item in (original, *terms):
        if item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return " OR ".join(essie_term(item) for item in seen)


def expand_value(value: str, field_name: str) -> tuple[str, list[Expansion]]:
    """Rewrite one search value with its expansions.

    Args:
        value: the text as typed (already validated).
        field_name: ``condition``, ``intervention`` or ``term``.

    Returns:
        The Essie text to send and the expansions made (empty: sent as typed).
    """
    kinds = FIELD_KINDS[field_name]
    if _SYNTAX.search(value):
        return value, []
    spans: list[tuple[int, int, Entry]] = []
    for entry in load_table():
        if entry.kind not in kinds:
            continue
        for match in entry.pattern().finditer(value):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, entry))
    if not spans:
        return value, []
    spans.sort(key=lambda span: span[0])
    pieces: list[str] = []
    made: list[Expansion] = []
    cursor = 0
    whole = len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(value)
    for start, end, entry in spans:
        typed = value[start:end]
        pieces.append(value[cursor:start])
        if entry.ambiguous:
            pieces.append(typed)
            made.append(Expansion(field_name, typed, (), entry.source, entry.ambiguous))
        else:
            group = or_group(typed, entry.expansions)
            pieces.append(group if whole else f"({group})")
            made.append(Expansion(field_name, typed, entry.expansions, entry.source))
        cursor = end
    pieces.append(value[cursor:])
    return "".join(pieces), made


def expand_values(
    values: tuple[str, ...], field_name: str
) -> tuple[tuple[str, ...], list[Expansion]]:
    """:func:`expand_value` over several values; expansions listed once each."""
    out: list[str] = []
    made: list[Expansion] = []
    for value in values:
        text, found = expand_value(value, field_name)
        out.append(text)
        made += [e for e in found if e not in made]
    return tuple(out), made


def synonyms(value: str, field_name: str = "intervention") -> tuple[str, ...]:
    """What typed, plus every expansion of the terms in it, for matching records."""
    _, made = expand_value(value, field_name)
    names = [value]
    for expansion in made:
        names += [t for t in expansion.terms if t not in names]
    return tuple(names)
