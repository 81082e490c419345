"""``trialfinder mcp``: the library's search as a Model Context Protocol server for AI assistants.

Built on the official MCP Python SDK (the optional extra: ``pip install "trialfinder[mcp]"``),
which only this sub-package imports, so the command line starts without it. Four tools, each a
thin call into the public library with the library's argument names
(:mod:`~trialfinder.mcp.arguments`):

* ``search_trials`` → :func:`trialfinder.search`
* ``get_trial`` → :func:`trialfinder.get_study` (sites a page at a time)
* ``count_trials`` → :func:`trialfinder.count_studies`
* ``explain_search`` → :func:`trialfinder.explain_search` (nothing sent)

Outputs are built from the library's own models (:class:`~trialfinder.models.results.SearchPlan`,
:class:`~trialfinder.models.records.Study`, :class:`~trialfinder.models.notes.StudyNotes`), so
their JSON Schema follows the library. A library error comes back as a tool error carrying the
command line's one-line message. One :class:`~trialfinder.http.client.Client` serves every call,
and calls take turns on it, so the response cache and the pacing hold across calls.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from trialfinder._version import __version__
from trialfinder.api import count_studies, explain_search, get_study, search
from trialfinder.errors import TrialFinderError
from trialfinder.http.client import Client
from trialfinder.mcp.arguments import (
    DEFAULT_SITE_LIMIT,
    ArgumentCheckedTool,
    NctIdArg,
    SiteLimitArg,
    SiteOffsetArg,
    search_arguments,
    takes,
)
from trialfinder.models.notes import StudyNotes
from trialfinder.models.records import Intervention, Study
from trialfinder.models.results import Loosening, SearchPlan, SearchResult
from trialfinder.notes.annotate import staleness
from trialfinder.query.pieces import LIST_FIELDS
from trialfinder.render.summary import searched_lines
from trialfinder.render.words import DISCLAIMER, STUDY_DISCLAIMER

_NOT_ADVICE = (
    "Results come from ClinicalTrials.gov; they are not medical advice and may be out of date. "
    "Tell the user to confirm with their doctor whether any trial fits."
)

INSTRUCTIONS = (
    "trialfinder searches ClinicalTrials.gov by condition and intervention. It expands "
    "acronyms and brand names (ALL, Keytruda) and says what it searched; it checks whether "
    "one arm gives every requested treatment; by default it keeps only studies open to "
    "patients. " + _NOT_ADVICE
)

# -- outputs: the library's models, arranged for an assistant ------------------------------


class TrialSummary(BaseModel):
    """One study in a list: fields as the registry has them (each named as on
    :class:`~trialfinder.models.records.Study`), and what trialfinder worked out for this search."""

    nct_id: str
    url: str
    title: str | None = None
    status: str | None = None
    study_type: str | None = None
    phases: list[str] = []
    conditions: list[str] = []
    interventions: list[Intervention] = []
    lead_sponsor: str | None = None
    last_updated: str | None = None
    site_count: int = Field(description="How many sites the record lists.")
    notes: StudyNotes | None = Field(
        default=None,
        description="Worked out by trialfinder for this search, not registry data: "
        "combination, nearest open site, age/sex pre-check, staleness.",
    )

    @classmethod
    def of(cls, study: Study, notes: StudyNotes | None) -> TrialSummary:
        """The summary of a study, its values taken from the library's record."""
        shared = set(cls.model_fields) & set(Study.model_fields)
        values = {name: getattr(study, name) for name in shared}
        return cls(**values, site_count=len(study.locations), notes=notes)


class TrialsFound(SearchPlan):
    """The studies found, what was searched, the counts, and the reminder."""

    studies: list[TrialSummary]
    total_count: int | None = Field(description="How many studies match in all (the API's count).")
    returned: int
    truncated: bool = Field(description="True when more studies match than were returned.")
    skipped: list[str] = Field(description="Studies that could not be read (NCT ID when known).")
    loosen: list[Loosening] = Field(
        description="When nothing matched: how many match with each filter removed."
    )
    searched: list[str] = Field(description="What was searched, in plain words.")
    reminder: str


class SearchExplained(SearchPlan):
    """What a search would send, and what it would search for in plain words; nothing sent."""

    searched: list[str] = Field(description="What would be searched, in plain words.")


class TrialCount(BaseModel):
    """How many studies match, and what was counted."""

    total_count: int | None = Field(description="The API's count; null when it gave none.")
    searched: list[str] = Field(description="What was counted, in plain words.")
    search_url: str = Field(description="The same search on the ClinicalTrials.gov website.")


class TrialDetail(BaseModel):
    """One study in full; its ``locations`` hold one page of its sites."""

    study: Study
    site_count: int = Field(description="How many sites the record lists in all.")
    site_offset: int = Field(description="Index of the first site in study.locations.")
    next_site_offset: int | None = Field(
        description="Pass as site_offset for the next sites; null when none are left."
    )
    notes: StudyNotes = Field(
        description="Worked out by trialfinder, not registry data: whether the record may be "
        "out of date (as `trialfinder show` says)."
    )
    reminder: str


# -- the tools -----------------------------------------------------------------------------


class TrialTools:
    """The four tools over one client; calls take turns, so pacing holds across them.

    Args:
        client: the client every call uses (its cache, pacing and retries included).
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self._turn = threading.Lock()

    @contextmanager
    def _library_call(self) -> Iterator[None]:
        # The SDK runs each call on a worker thread; one at a time keeps the API's pace.
        with self._turn:
            try:
                yield
            except TrialFinderError as exc:
                raise ToolError(" ".join(str(exc).split())) from None

    @takes(search_arguments)
    def search_trials(self, **arguments: Any) -> TrialsFound:
        """Find clinical trials on ClinicalTrials.gov by condition, intervention and filters.

        Give at least one of condition, intervention or term. Several values of one argument
        mean a study must match all of them. Returns the studies (with the link to each and
        notes: whether one arm gives every requested treatment, the nearest open site, the
        registered age/sex limits, staleness), what was searched, the total count, the same
        search on the website, and a reminder to pass on.
        """
        with self._library_call():
            result = search(**arguments, client=self.client, fields=LIST_FIELDS)
        return TrialsFound(
            **_plan_of(result),
            studies=[TrialSummary.of(s, result.notes.get(s.nct_id)) for s in result.studies],
            total_count=result.total_count,
            returned=len(result.studies),
            truncated=result.truncated,
            skipped=result.skipped,
            loosen=result.loosen,
            searched=searched_lines(result),
            reminder=DISCLAIMER,
        )

    @takes(search_arguments, without=("sort", "limit"))
    def count_trials(self, **arguments: Any) -> TrialCount:
        """Count the clinical trials that match, with one small request (no study is read).

        Takes the same arguments as search_trials, but for sort and limit.
        """
        with self._library_call():
            plan = explain_search(**arguments)
            total = count_studies(**arguments, client=self.client)
        return TrialCount(
            total_count=total, searched=searched_lines(plan), search_url=plan.search_url
        )

    @takes(search_arguments)
    def explain_search(self, **arguments: Any) -> SearchExplained:
        """Say what search_trials would send for these arguments, without sending anything.

        Returns the API parameters, every expansion of what was typed (ALL → acute
        lymphoblastic leukemia), the filters in plain words and the same search on the
        website. Use it to check a search with the user before running it.
        """
        with self._library_call():
            plan = explain_search(**arguments, fields=LIST_FIELDS)
        return SearchExplained(**_plan_of(plan), searched=searched_lines(plan))

    def get_trial(
        self,
        nct_id: NctIdArg,
        site_offset: SiteOffsetArg = 0,
        site_limit: SiteLimitArg = DEFAULT_SITE_LIMIT,
    ) -> TrialDetail:
        """One clinical trial in full: summary, eligibility criteria, arms, interventions,
        sites with their recruitment status, contacts, and whether it may be out of date.

        A long list of sites comes a page at a time: site_count says how many there are, and
        next_site_offset asks for the next page. Eligibility is as registered: only the
        study team decides who can take part.
        """
        with self._library_call():
            study = get_study(nct_id, client=self.client)
        sites = study.locations[site_offset : site_offset + site_limit]
        end = site_offset + len(sites)
        return TrialDetail(
            study=study.model_copy(update={"locations": sites}),
            site_count=len(study.locations),
            site_offset=site_offset,
            next_site_offset=end if end < len(study.locations) else None,
            notes=StudyNotes(stale=staleness(study)),
            reminder=STUDY_DISCLAIMER,
        )

    def tools(self) -> list[Tool]:
        """The four tools, for :class:`MCPServer`."""
        hints = ToolAnnotations(read_only_hint=True, open_world_hint=True)
        offline = ToolAnnotations(read_only_hint=True, open_world_hint=False)
        calls: list[tuple[Callable[..., Any], str, ToolAnnotations]] = [
            (self.search_trials, "Search clinical trials", hints),
            (self.get_trial, "Get one clinical trial", hints),
            (self.count_trials, "Count clinical trials", hints),
            (self.explain_search, "Explain a trial search", offline),
        ]
        return [
            ArgumentCheckedTool.from_function(
                fn,
                title=title,
                description=f"{inspect.cleandoc(fn.__doc__ or '')}\n\n{_NOT_ADVICE}",
                annotations=annotations,
            )
            for fn, title, annotations in calls
        ]


def _plan_of(plan: SearchPlan | SearchResult) -> dict[str, Any]:
    """The :class:`SearchPlan` fields of a plan or a result, as they are."""
    return {name: getattr(plan, name) for name in SearchPlan.model_fields}


def build_server(client: Client) -> MCPServer[Any]:
    """The MCP server with the four tools, every call made through ``client``."""
    return MCPServer(
        name="trialfinder",
        title="trialfinder: clinical trials on ClinicalTrials.gov",
        instructions=INSTRUCTIONS,
        version=__version__,
        tools=TrialTools(client).tools(),
        log_level="WARNING",
    )


def serve(client: Client) -> None:
    """Serve the tools over stdin and stdout until the client closes the connection."""
    build_server(client).run("stdio")
