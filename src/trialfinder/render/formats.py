"""Search results as data for programs: JSON, JSON Lines and CSV, written as the studies arrive."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import TextIO

from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Study
from trialfinder.models.results import SearchPlan, SearchResult, cut_by_limit
from trialfinder.render.safe import csv_cell
from trialfinder.render.stream import Results, finished
from trialfinder.render.summary import searched_lines
from trialfinder.render.words import intervention_names, location_summary

#: One column spec shared by CSV and Markdown: header and how to get the cell text.
COLUMNS: list[tuple[str, Callable[[Study], str]]] = [
    ("nct_id", lambda s: s.nct_id),
    ("title", lambda s: s.title or ""),
    ("status", lambda s: s.status or ""),
    ("phases", lambda s: "|".join(s.phases)),
    ("study_type", lambda s: s.study_type or ""),
    ("conditions", lambda s: "; ".join(s.conditions)),
    ("interventions", lambda s: "; ".join(intervention_names(s))),
    ("sponsor", lambda s: s.lead_sponsor or ""),
    ("start_date", lambda s: s.start_date or ""),
    ("completion_date", lambda s: s.completion_date or ""),
    ("enrollment", lambda s: "" if s.enrollment is None else str(s.enrollment)),
    ("locations", location_summary),
    ("last_updated", lambda s: s.last_updated or ""),
    ("url", lambda s: s.url),
]


def study_dict(study: Study) -> dict[str, object]:
    """A study as plain JSON-ready data, values as the registry has them."""
    return study.model_dump(mode="json")


def plan_dict(plan: SearchPlan) -> dict[str, object]:
    """What was searched, as JSON-ready data: the parameters, the website link, expansions."""
    return {
        "params": plan.params,
        "search_url": plan.search_url,
        "expansions": [{**asdict(e), "text": e.describe()} for e in plan.expansions],
        "near": plan.near,
        "filters": plan.filters,
        "searched": searched_dict(plan),
    }


def counts_dict(result: SearchResult, shown: int | None = None) -> dict[str, object]:
    """The counts of a result as JSON-ready data (``shown``: studies written as they came)."""
    returned = len(result.studies) if shown is None else shown
    return {
        "total_count": result.total_count,
        "returned": returned,
        "limit": result.limit,
        "truncated": cut_by_limit(returned, result.total_count, result.limit),
        "skipped": result.skipped,
        "loosen": [hint.model_dump(mode="json") for hint in result.loosen],
    }


def result_dict(result: SearchResult) -> dict[str, object]:
    """The whole result as JSON-ready data, with counts and the website link."""
    return {
        **plan_dict(result),
        "studies": [
            {**study_dict(s), "notes": _notes_dict(result.notes.get(s.nct_id))}
            for s in result.studies
        ],
        **counts_dict(result),
    }


def searched_dict(result: SearchPlan) -> dict[str, object]:
    """What was searched, as fields: the words as typed, what they became, every filter,
    the website link and what it leaves out, and the same in lines for people."""
    return {
        "conditions": result.conditions,
        "interventions": result.interventions,
        "terms": result.terms,
        "expansions": [e.describe() for e in result.expansions],
        "notices": result.notices,
        "hints": result.hints,
        "filters": result.filters,
        "near": result.near,
        "website_url": result.search_url,
        "website_left_out": result.website_left_out,
        "lines": searched_lines(result),
    }


def _notes_dict(notes: StudyNotes | None) -> dict[str, object] | None:
    if notes is None:
        return None
    out = notes.model_dump(mode="json")
    if notes.combination is not None:
        from trialfinder.render.combotext import combination_text

        # The typed fields, and the same words people read.
        out["combination"]["text"] = combination_text(notes.combination)
    return out


def write_json(results: SearchResult | Results, out: TextIO) -> None:
    """The result as one JSON document, written study by study.

    What was searched comes first, then ``studies``, then the counts, known at the end: the
    document is whole and valid once written, and never held in memory.
    """
    from pydantic_core import to_json

    if isinstance(results, SearchResult):
        results = finished(results)
    # The opening is written with the first study, so a search that fails first writes nothing.
    head = json.dumps(plan_dict(results.plan), ensure_ascii=False, indent=2)[:-2]
    written = 0
    for study, notes in results:
        record = {**study_dict(study), "notes": _notes_dict(notes)}
        text = to_json(record, indent=2).decode().replace("\n", "\n    ")
        out.write((",\n    " if written else head + ',\n  "studies": [\n    ') + text)
        written += 1
    out.write("\n  ]" if written else head + ',\n  "studies": []')
    counts = counts_dict(results.summary(), results.returned)
    out.write(",\n" + json.dumps(counts, ensure_ascii=False, indent=2)[2:] + "\n")


def write_jsonl(studies: Iterable[Study], out: TextIO) -> None:
    """One JSON object per study per line, written as the studies arrive."""
    for study in studies:
        out.write(json.dumps(study_dict(study), ensure_ascii=False) + "\n")


def write_csv(studies: Iterable[Study], out: TextIO, *, header: bool = True) -> None:
    """One row per study, columns as in :data:`COLUMNS`, written as the studies arrive."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow([name for name, _ in COLUMNS])
    for study in studies:
        writer.writerow([csv_cell(get(study)) for _, get in COLUMNS])
