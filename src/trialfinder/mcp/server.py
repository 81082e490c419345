"""``trialfinder mcp``: the library's search as a Model Context Protocol server for AI assistants.

Built on the official MCP Python SDK (the optional extra: ``pip install "trialfinder[mcp]"``),
which only this module imports, so the command line starts without it. Four tools, each a
thin call into the public library with the library's argument names:

* ``search_trials`` → :func:`trialfinder.search`
* ``get_trial`` → :func:`trialfinder.get_study` (sites a page at a time)
* ``count_trials`` → :func:`trialfinder.count_studies`
* ``explain_search`` → :func:`trialfinder.explain_search` (nothing sent)

Outputs are built from the library's own models (:class:`~trialfinder.models.records.SearchPlan`,
:class:`~trialfinder.models.records.Study`, :class:`~trialfinder.models.records.StudyNotes`), so
their JSON Schema follows the library. A library error comes back as a tool error carrying the
command line's one-line message. One :class:`~trialfinder.http.client.Client` serves every call,
and calls take turns on it, so the response cache and the pacing hold across calls.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from mcp_types import ToolAnnotations
from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from trialfinder._version import __version__
from trialfinder.api import count_studies, explain_search, get_study, search
from trialfinder.defaults import DEFAULT_LIMIT
from trialfinder.errors import TrialFinderError
from trialfinder.filterspec import FILTERS, Filter, SearchFilters
from trialfinder.http.client import Client
from trialfinder.models.records import (
    Intervention,
    Loosening,
    SearchPlan,
    SearchResult,
    Study,
    StudyNotes,
)
from trialfinder.notes.annotate import staleness
from trialfinder.query.build import LIST_FIELDS
from trialfinder.render import formats as render

#: The most studies one search_trials call returns: a long list helps no assistant.
MAX_LIMIT = 100
#: Sites of one study returned per get_trial call, unless asked otherwise.
DEFAULT_SITE_LIMIT = 50
MAX_SITE_LIMIT = 500

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

# -- arguments: the library's names, typed, described once --------------------------------

Values = str | list[str]


def _not_true_or_false(value: object) -> object:
    # Left to pydantic, JSON true would become 1: a search for age 1 or within 1 mile.
    if isinstance(value, bool):
        raise PydanticCustomError("number_not_bool", "a number is needed, not true or false")
    return value


#: Marks an argument that takes a number, so that true/false is refused, not read as 1/0.
Number = BeforeValidator(_not_true_or_false)
ConditionArg = Annotated[
    Values | None,
    Field(
        description="A disease or condition as people say it (acronyms and brand names are "
        "expanded), or a list: a study must match every one. Example: 'ALL'."
    ),
]
InterventionArg = Annotated[
    Values | None,
    Field(
        description="A treatment, drug or procedure, or a list: a study must involve every one. "
        "Example: ['radiation', 'Keytruda']."
    ),
]
TermArg = Annotated[
    Values | None,
    Field(description="Other words anywhere in the record, or a list (all must match)."),
]
LimitArg = Annotated[
    int,
    Field(ge=1, le=MAX_LIMIT, description=f"Most studies to return, 1 to {MAX_LIMIT}."),
    Number,
]
NctIdArg = Annotated[str, Field(description="The study's NCT ID, e.g. NCT02013167.")]
SiteOffsetArg = Annotated[
    int,
    Field(ge=0, description="First site to return (0 = the first), to page long site lists."),
    Number,
]
SiteLimitArg = Annotated[
    int,
    Field(ge=1, le=MAX_SITE_LIMIT, description="Most sites to return in this call."),
    Number,
]


def _filter_argument(info: Filter, hint: object) -> inspect.Parameter:
    """One search filter as a tool argument: JSON's types, described for an assistant."""
    if info.repeatable:
        kind: object = Values | None
    else:
        # JSON has no tuples: a place is text here; (lat, lon) is for Python callers.
        kinds = tuple(k for k in get_args(hint) or (hint,) if get_origin(k) is not tuple)
        kind = Union[kinds]  # noqa: UP007 - made from a tuple of types at run time
    metadata: list[object] = [Field(description=info.describe)]
    if info.number:
        metadata.append(Number)
    return inspect.Parameter(
        info.name,
        inspect.Parameter.KEYWORD_ONLY,
        # None status means open, as in the library; a flag keeps its own default.
        default=info.default if info.flag else None,
        annotation=cast(Any, Annotated)[(kind, *metadata)],
    )


def search_arguments(
    condition: ConditionArg = None,
    intervention: InterventionArg = None,
    term: TermArg = None,
    limit: LimitArg = DEFAULT_LIMIT,
    **filters: Any,
) -> None:
    """The arguments of the search tools: :func:`trialfinder.search`'s, typed for JSON Schema.

    The filters come from :data:`trialfinder.filterspec.FILTERS`, between ``term`` and
    ``limit`` (see :func:`_with_filters`); :func:`_takes` gives them to each tool.
    """


def _with_filters(arguments: Callable[..., None]) -> None:
    """Put the filters into the signature and annotations of ``arguments``."""
    own = list(inspect.signature(arguments, eval_str=True).parameters.values())
    hints = get_type_hints(SearchFilters)
    filters = [_filter_argument(info, hints[info.name]) for info in FILTERS]
    words = [p.replace(kind=p.KEYWORD_ONLY) for p in own if p.kind is not p.VAR_KEYWORD]
    parameters = [*words[:-1], *filters, words[-1]]
    arguments.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    arguments.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}


_with_filters(search_arguments)


F = TypeVar("F", bound=Callable[..., Any])


def _takes(arguments: Callable[..., Any], *, without: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a tool method taking ``**arguments`` the signature of ``arguments`` (less
    ``without``), which the SDK reads for the tool's input schema and validation."""

    def decorate(method: F) -> F:
        own = inspect.signature(method, eval_str=True)
        self_parameter = next(iter(own.parameters.values()))
        taken = inspect.signature(arguments, eval_str=True).parameters.values()
        kept = [p.replace(kind=p.KEYWORD_ONLY) for p in taken if p.name not in without]
        method.__signature__ = own.replace(parameters=[self_parameter, *kept])  # type: ignore[attr-defined]
        return method

    return decorate


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

    @_takes(search_arguments)
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
            searched=render.searched_lines(result),
            reminder=render.DISCLAIMER,
        )

    @_takes(search_arguments, without=("sort", "limit"))
    def count_trials(self, **arguments: Any) -> TrialCount:
        """Count the clinical trials that match, with one small request (no study is read).

        Takes the same arguments as search_trials, but for sort and limit.
        """
        with self._library_call():
            plan = explain_search(**arguments)
            total = count_studies(**arguments, client=self.client)
        return TrialCount(
            total_count=total, searched=render.searched_lines(plan), search_url=plan.search_url
        )

    @_takes(search_arguments)
    def explain_search(self, **arguments: Any) -> SearchExplained:
        """Say what search_trials would send for these arguments, without sending anything.

        Returns the API parameters, every expansion of what was typed (ALL → acute
        lymphoblastic leukemia), the filters in plain words and the same search on the
        website. Use it to check a search with the user before running it.
        """
        with self._library_call():
            plan = explain_search(**arguments, fields=LIST_FIELDS)
        return SearchExplained(**_plan_of(plan), searched=render.searched_lines(plan))

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
            reminder=render.STUDY_DISCLAIMER,
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
            _ArgumentCheckedTool.from_function(
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


class _ArgumentCheckedTool(Tool):
    """A tool that refuses unknown arguments and says in one line which argument was wrong.

    The SDK would ignore an unknown argument and report a bad one as pydantic's report over
    several lines; an assistant fixes its call faster from one line naming the argument.
    """

    async def run(
        self, arguments: dict[str, Any], context: Any, convert_result: bool = False
    ) -> Any:
        known = list(self.parameters.get("properties", {}))
        unknown = [name for name in arguments if name not in known]
        if unknown:
            raise ToolError(
                f"Unknown argument '{unknown[0]}' for {self.name}: use {', '.join(known)}."
            )
        try:
            return await super().run(arguments, context, convert_result)
        except UnexpectedToolError:
            raise
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError):
                raise ToolError(argument_message(cause)) from None
            if isinstance(cause, ToolError):
                raise ToolError(str(cause)) from None  # the library's message, as the CLI says it
            raise


def argument_message(error: ValidationError) -> str:
    """One line naming each argument that failed validation, and why."""
    reasons: dict[str, str] = {}
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "arguments"
        reasons.setdefault(name, str(item["msg"]))
    return (
        "; ".join(
            f"Bad argument '{name}': {reason[:1].lower()}{reason[1:]}"
            for name, reason in reasons.items()
        )
        + "."
    )


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
