"""What was searched and how many studies matched, in lines for people."""

from __future__ import annotations

from trialfinder.models.results import SearchPlan, SearchResult
from trialfinder.query.flags import FLAGS
from trialfinder.render.words import DISCLAIMER


def count_line(
    result: SearchResult,
    *,
    to: str | None = None,
    limit_from: str | None = None,
    shown: int | None = None,
) -> str:
    """``Showing N of M studies``, saying when the limit cut the list.

    With ``to`` (a file name): ``Wrote N of M studies to FILE``. ``limit_from`` says where
    a limit not typed came from (``the configuration file (PATH)``). ``shown`` counts the
    studies when they were written as they came rather than kept in ``result``.
    """
    verb = "Showing" if to is None else "Wrote"
    shown = len(result.studies) if shown is None else shown
    total, skipped = result.total_count, len(result.skipped)
    return count_text(shown, total, result.limit, skipped, verb, to=to, limit_from=limit_from)


def count_text(
    shown: int,
    total: int | None,
    limit: int | None,
    skipped: int = 0,
    verb: str = "Showing",
    *,
    to: str | None = None,
    limit_from: str | None = None,
) -> str:
    """``Showing N of M studies``: a cut by the limit and an API that ended early are said.

    ``to`` names the file written: ``Wrote N of M studies to FILE``; ``limit_from`` where
    the limit came from, when it was not typed (``the configuration file (PATH)``).
    """
    noun = "study" if shown == 1 else "studies"
    where = "" if to is None else f" to {to}"
    if total is None:
        line = f"{verb} {shown:,} {noun}{where} (the API did not report a total)."
    else:
        line = f"{verb} {shown:,} of {total:,} {'study' if total == 1 else 'studies'}{where}."
    if limit is not None and shown >= limit and (total is None or total > shown):
        if limit_from:
            line += f" The list was cut at limit {limit} from {limit_from}; --limit raises it."
        else:
            line += f" The list was cut at --limit {limit}; raise it to see more."
    elif total is not None and total > shown + skipped:
        line += " The API sent fewer studies than it counted; try again later for the rest."
    return line


def searched_lines(result: SearchPlan) -> list[str]:
    """What was actually searched: the words, every expansion, the filters and the place.

    Takes a :class:`SearchPlan` (every :class:`SearchResult` is one), so a search can be
    described before it is sent.
    """
    lines = []
    for label, values in (
        ("Condition", result.conditions),
        ("Treatment", result.interventions),
        ("Other term", result.terms),
    ):
        if values:
            plural = "s" if len(values) > 1 else ""
            lines.append(f"{label}{plural}: {' and '.join(values)}")
    lines += [f"Searched for: {e.describe()}" for e in result.expansions]
    lines += result.notices
    if result.filters:
        lines.append(f"Filters: {'; '.join(result.filters)}")
    if result.near:
        lines.append(f"Near: {result.near}. Distances are city-level (site coordinates).")
    return lines


def website_lines(result: SearchPlan) -> list[str]:
    """The same search on the website, and what the link leaves out, if anything."""
    lines = [f"Same search on the website: {result.search_url}"]
    if result.website_left_out:
        lines.append(f"The website link leaves out: {'; '.join(result.website_left_out)}.")
    return lines


def loosen_lines(result: SearchResult) -> list[str]:
    """When nothing matched, how many studies match with each filter removed."""
    lines = []
    for hint in result.loosen:
        count = "unknown" if hint.count is None else f"{hint.count:,}"
        lines.append(f"Without {hint.without}: {count} studies match{_try(hint.arguments)}.")
    if any(hint.count for hint in result.loosen):
        lines.append("Loosen the filter with the most matches to see them.")
    return lines


def _try(arguments: tuple[str, ...]) -> str:
    """``; try --status all``: how to drop a filter at the command line."""
    if arguments == ("status",):
        return f"; try {FLAGS['status']} all"
    flags = [FLAGS.get(name, "--" + name.replace("_", "-")) for name in arguments]
    return f"; try without {', '.join(flags)}" if flags else ""


def footer_lines(
    result: SearchResult,
    *,
    wrote_to: str | None = None,
    limit_from: str | None = None,
    shown: int | None = None,
    searched: bool = True,
) -> list[str]:
    """What follows every result list for people: counts, the website link, the reminder.

    ``wrote_to`` names the file the list went to, and ``limit_from`` where the limit came
    from, for the count line; ``shown`` as for :func:`count_line`. ``searched=False`` leaves
    out what was searched, for a listing that opens with it.
    """
    shown = len(result.studies) if shown is None else shown
    lines = searched_lines(result) if searched else []
    if not shown:
        lines.append("No studies matched. Try fewer or broader words, or check the spelling.")
        lines += loosen_lines(result)
    lines.append(count_line(result, to=wrote_to, limit_from=limit_from, shown=shown))
    lines += website_lines(result)
    lines.append(DISCLAIMER)
    return lines


def skipped_line(skipped: list[str]) -> str | None:
    """The stderr notice naming studies that could not be read, if any."""
    if not skipped:
        return None
    noun = "study" if len(skipped) == 1 else "studies"
    return f"{len(skipped)} {noun} could not be read: {', '.join(skipped[:10])}"
