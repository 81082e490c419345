"""Results to write study by study: the shape every streaming writer takes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.models.results import SearchPlan, SearchResult


class Results(Protocol):
    """Studies with their notes, and the counts once they have all been seen.

    A :class:`trialfinder.api.run.ResultStream` (studies written as they arrive), or a finished
    :class:`SearchResult` through :func:`finished`.
    """

    @property
    def plan(self) -> SearchPlan:
        """What is searched, known before any study arrives."""

    @property
    def returned(self) -> int:
        """How many studies have been yielded so far."""

    def __iter__(self) -> Iterator[tuple[Study, StudyNotes | None]]: ...

    def summary(self) -> SearchResult:
        """The plan and the counts; called once iteration has ended."""


@dataclass
class _Finished:
    result: SearchResult

    @property
    def plan(self) -> SearchPlan:
        return self.result

    @property
    def returned(self) -> int:
        return len(self.result.studies)

    def __iter__(self) -> Iterator[tuple[Study, StudyNotes | None]]:
        notes = self.result.notes
        return ((study, notes.get(study.nct_id)) for study in self.result.studies)

    def summary(self) -> SearchResult:
        return self.result


def finished(result: SearchResult) -> Results:
    """A result already in memory, to write with the writers that take :class:`Results`."""
    return _Finished(result)
