"""How the API's v2 documents read into record fields: tolerant field types and paths.

Each record field says where it sits in a v2 document (its ``validation_alias``), and is read
on its own: a missing module, an unknown key or a value of the wrong type gives an empty
value for that field only.
"""

from __future__ import annotations

from copy import copy
from typing import Annotated, Any, TypeVar, cast

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    OnErrorOmit,
    Strict,
    StringConstraints,
    ValidationInfo,
)
from pydantic_core import core_schema
from typing_extensions import TypedDict

from trialfinder.errors import InvalidQuery
from trialfinder.ids import normalize_nct_id
from trialfinder.models.markup import unescape_markup


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


# -- how the API's documents read into records ----------------------------------------------
#
# The registry records below describe, beside each field, where it sits in a v2 document
# (``validation_alias``), and how a value of the wrong kind reads: as the field's empty value
# (``_OrEmpty``), or, inside a list, left out (``OnErrorOmit``). Pydantic then turns a page's
# bytes into records in one pass (:func:`read_page_json`), making Python objects only of the
# fields kept. Records built by name (``Study(nct_id=..., url=...)``) still work.


class _OrEmpty:
    """A value of the wrong kind reads as ``empty`` (a copy of it) instead of failing."""

    def __init__(self, empty: Any = None) -> None:
        self.empty = empty

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        empty = self.empty
        return core_schema.with_default_schema(
            handler(source), default_factory=lambda: copy(empty), on_error="default"
        )


class _Reads:
    """Read a field as ``shape`` and keep what that gives (a list of names from records…)."""

    def __init__(self, shape: Any) -> None:
        self.shape = shape

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # Checked as the field's own type after: serialized as that type too.
        return core_schema.chain_schema([handler.generate_schema(self.shape), handler(source)])


_NonBlank = Annotated[str, StringConstraints(pattern=r"\S")]
# A whole number where text belongs (a ZIP code given as a number) is the text it spells.
_Word = _NonBlank | Annotated[int, Strict(), AfterValidator(str)]
_OneText = Annotated[_Word, AfterValidator(lambda text: [text])]
#: Text: a non-blank string, or a whole number as text; else None.
Text = Annotated[str | None, _Reads(_Word | None), _OrEmpty()]
#: The registry's list of words (phases, conditions…): a lone string is a list of one, and
#: items that are not text are left out.
Texts = Annotated[list[str], _Reads(list[OnErrorOmit[_Word]] | _OneText), _OrEmpty([])]


# Text without a backslash has no escape to undo: checked in pydantic's core, so most
# markup fields cost no Python call. Any other text or number goes through unescape_markup.
_NoEscape = Annotated[str, StringConstraints(pattern=r"^[^\\]*[^\s\\][^\\]*$")]
_MarkupWord = Annotated[
    _NoEscape | Annotated[_Word, AfterValidator(unescape_markup)],
    Field(union_mode="left_to_right"),
]
#: Markup text (criteria, summaries, descriptions, why stopped): CommonMark in the API, read
#: without its backslash escapes, so people and programs get the text as typed.
Markup = Annotated[str | None, _Reads(_MarkupWord | None), _OrEmpty()]


def _p(*path: str | int) -> AliasPath:
    """Where a field sits in a study document, under ``protocolSection``."""
    return AliasPath("protocolSection", *path)


def _date_at(*path: str) -> AliasChoices:
    # Dates come as {"date": "2024-05", "type": "ESTIMATED"}; some documents give the bare string.
    return AliasChoices(_p(*path, "date"), _p(*path))


class _LeaveOutBadItems:
    """In a list, an item of the wrong kind is left out instead of failing the list."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema: Any = handler(source)
        if schema["type"] == "list":  # what OnErrorOmit does, keeping the field's own type
            schema["items_schema"] = core_schema.with_default_schema(
                schema["items_schema"], on_error="omit"
            )
        return cast(core_schema.CoreSchema, schema)


_T = TypeVar("_T")
#: A list of records: items that are not records of this kind are left out.
_Records = Annotated[list[_T], _LeaveOutBadItems(), _OrEmpty([])]


class _Named(TypedDict):
    name: _NonBlank


def _name(item: _Named) -> str:
    return item["name"]


#: Collaborators: the API's ``[{"name": ...}]`` read as the names (a list of names as is).
_Names = Annotated[
    list[str],
    _Reads(list[OnErrorOmit[_Word | Annotated[_Named, AfterValidator(_name)]]]),
    _OrEmpty([]),
]


class _RegistryRecord(_Record):
    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
    )


_Latitude = Annotated[float | None, Strict(), Field(allow_inf_nan=False, ge=-90, le=90), _OrEmpty()]
_Longitude = Annotated[
    float | None, Strict(), Field(allow_inf_nan=False, ge=-180, le=180), _OrEmpty()
]


#: Validation context of records read from the API: their NCT ID must be usable.
_FROM_API = {"from_api": True}


def _checked_nct_id(value: str, info: ValidationInfo) -> str:
    if not info.context:  # built by name, as a program chose
        return value
    try:
        return normalize_nct_id(value)
    except InvalidQuery:
        raise ValueError(f"a study record has an unusable NCT ID: {value[:40]!r}") from None


#: An NCT ID: one already canonical (almost every record) is checked in pydantic's core,
#: without a Python call; any other goes through :func:`_checked_nct_id`.
_NctId = Annotated[
    str,
    _Reads(
        Annotated[
            Annotated[str, StringConstraints(pattern=r"^NCT[0-9]{8}$")]
            | Annotated[str, AfterValidator(_checked_nct_id)],
            Field(union_mode="left_to_right"),
        ]
    ),
]
