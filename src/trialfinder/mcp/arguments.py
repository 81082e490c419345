"""The tools' arguments: the library's names, typed for JSON Schema, and checked in one line."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.mcpserver.tools import Tool
from pydantic import BeforeValidator, Field, Strict, ValidationError
from pydantic_core import PydanticCustomError

from trialfinder.defaults import DEFAULT_LIMIT
from trialfinder.filterspec import FILTERS, Filter, SearchFilters

#: The most studies one search_trials call returns: a long list helps no assistant.
MAX_LIMIT = 100
#: Sites of one study returned per get_trial call, unless asked otherwise.
DEFAULT_SITE_LIMIT = 50
MAX_SITE_LIMIT = 500

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
    # As in the library: "20" or 20.0 is not a whole number of studies.
    Strict(),
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
    if info.flag:
        # Left lax, pydantic would read "no", "off" or 0 as False, which the library refuses.
        metadata.append(Strict())
    annotated_args = (kind, *metadata)  # not starred in the subscript: Python 3.10 and mypy
    return inspect.Parameter(
        info.name,
        inspect.Parameter.KEYWORD_ONLY,
        # None status means open, as in the library; a flag keeps its own default.
        default=info.default if info.flag else None,
        annotation=cast(Any, Annotated)[annotated_args],
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
    ``limit`` (see :func:`_with_filters`); :func:`takes` gives them to each tool.
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


def takes(arguments: Callable[..., Any], *, without: tuple[str, ...] = ()) -> Callable[[F], F]:
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


class ArgumentCheckedTool(Tool):
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
