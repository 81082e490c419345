"""The expansion table (``data/expansions.json``): its rows, how they load, how a term matches.

Pure: stdlib only, like :mod:`trialfinder.query.expand`, which uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A research code: letters then digits ("MK-3475", "SCH 900475", "MEDI4736").
_CODE = re.compile(r"[A-Za-z]{1,6}[\s-]?[0-9]{3,7}")


def is_code(name: str) -> bool:
    """True for a research code such as ``MK-3475`` (letters, then three to seven digits)."""
    return bool(_CODE.fullmatch(name.strip()))


def code_body(name: str) -> str:
    """A regex for a research code however it is spaced: ``MK-3475``, ``MK 3475``, ``MK3475``."""
    return r"[\s-]?".join(re.findall(r"[A-Za-z]+|[0-9]+", name))


@dataclass(frozen=True)
class Context:
    """Which drugs a class word means for one kind of condition.

    Attributes:
        condition: the condition in words, shown to the user (``multiple myeloma``).
        when: words or phrases; a searched condition containing one selects this context.
        expansions: the generic names searched.
    """

    condition: str
    when: tuple[str, ...]
    expansions: tuple[str, ...]

    def matches(self, conditions: Iterable[str]) -> bool:
        """Whether any condition text contains one of :attr:`when` as whole words."""
        return any(
            phrase_pattern(w, ignore_case=True).search(c) for w in self.when for c in conditions
        )


@dataclass(frozen=True)
class Entry:
    """One row of the table.

    Attributes:
        term: what people type.
        kind: ``acronym`` (conditions), ``brand``, ``code`` (a research code such as
            ``MK-3475``) or ``class`` (interventions).
        expansions: what it is searched as.
        source: where the meaning comes from; for classes each member's source is in
            :attr:`Table.members`.
        ambiguous: for an acronym with several meanings: the meanings (nothing is expanded).
        send_term: whether the typed term itself is searched too (False for acronyms that
            are also words or mean other things).
        why: for ``send_term`` False or ambiguous entries: what else the term means.
        by_condition: for class words whose drugs depend on the disease.
    """

    term: str
    kind: str
    expansions: tuple[str, ...] = ()
    source: str = ""
    ambiguous: tuple[str, ...] = ()
    send_term: bool = True
    why: str = ""
    by_condition: tuple[Context, ...] = ()

    def pattern(self, absorbed: tuple[str, ...] = ()) -> re.Pattern[str]:
        """The term as a whole word or phrase (hyphens are part of a word).

        Acronyms match in capitals only. Brand and class names match in any case, as
        plurals too, followed by any absorbed words (group ``tail``). A code matches however
        it is spaced (``MK 3475``, ``MK3475``), never inside a longer code (``MK-34750``).
        """
        body = r"\s+".join(re.escape(word) for word in self.term.split())
        if self.kind == "code":
            body = code_body(self.term)
        if self.kind == "acronym":
            return re.compile(rf"(?<![\w-])(?P<core>{body})(?P<tail>)(?![\w-])")
        words = "|".join(r"\s+".join(map(re.escape, a.split())) for a in absorbed) or "(?!)"
        tail = rf"(?P<tail>(?:[\s-]+(?:{words}))*)"
        return re.compile(rf"(?<![\w-])(?P<core>{body})s?{tail}(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """The whole shipped table."""

    entries: tuple[Entry, ...]
    members: dict[str, str]
    field_kinds: dict[str, tuple[str, ...]]
    absorbed: tuple[str, ...]

    def source_of(self, term: str) -> str:
        """Where a class member comes from (its FDA label), or ``""`` if not listed."""
        return self.members.get(term, "")


def _entry(raw: dict[str, Any]) -> Entry:
    return Entry(
        term=str(raw["term"]),
        kind=str(raw["kind"]),
        expansions=tuple(raw.get("expansions", ())),
        source=str(raw.get("source", "")),
        ambiguous=tuple(raw.get("ambiguous", ())),
        send_term=bool(raw.get("send_term", True)),
        why=str(raw.get("why", "")),
        by_condition=tuple(
            Context(str(c["condition"]), tuple(c["when"]), tuple(c["expansions"]))
            for c in raw.get("by_condition", ())
        ),
    )


@lru_cache(maxsize=1)
def load_data() -> Table:
    """The shipped table, entries longest first (so ``PD-1 inhibitor`` wins over ``PD-1``)."""
    # Loaded on first use: importlib.resources would slow down every `trialfinder --help`.
    import json
    import pkgutil  # not importlib.resources, which loads tempfile, shutil, bz2… (12 ms)

    raw = json.loads(
        pkgutil.get_data(__package__ or "trialfinder.query", "data/expansions.json") or b""
    )
    entries = sorted((_entry(e) for e in raw["entries"]), key=lambda e: -len(e.term))
    return Table(
        entries=tuple(entries),
        members={str(k): str(v) for k, v in raw["members"].items()},
        field_kinds={k: tuple(v) for k, v in raw["field_kinds"].items()},
        absorbed=tuple(sorted(raw["absorbed"], key=len, reverse=True)),
    )


def load_table() -> tuple[Entry, ...]:
    """The table's entries, longest terms first."""
    return load_data().entries


@lru_cache(maxsize=256)
def phrase_pattern(text: str, ignore_case: bool = False) -> re.Pattern[str]:
    """``text`` as whole words, spaces and hyphens between them alike."""
    body = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", text))
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE if ignore_case else 0)
