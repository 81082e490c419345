"""Reading API pages and study documents into records, each study on its own.

:func:`read_page_json` reads a page's bytes in one pass; :func:`parse_study` reads one
decoded document. A record is rejected only when it has no usable NCT ID.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from trialfinder.errors import InvalidQuery, InvalidResponse, InvalidStudy
from trialfinder.ids import normalize_nct_id
from trialfinder.models.fields import _FROM_API, Text, _OrEmpty, _p, _Record, _RegistryRecord
from trialfinder.models.records import Study


class _Unreadable(_RegistryRecord):
    """What is kept of a study that cannot be read: its NCT ID as given, to name it."""

    nct_id: Text = Field(None, validation_alias=_p("identificationModule", "nctId"))


# A study, else the NCT ID of one that cannot be read, else any other JSON value.
_Item = Annotated[Study | _Unreadable | Any, Field(union_mode="left_to_right")]


class _ApiPage(TypedDict, total=False):
    studies: list[_Item]
    totalCount: Annotated[int | None, Strict(), _OrEmpty()]
    nextPageToken: Text


_PAGE = TypeAdapter(_ApiPage)
# Built on first use: only get_study and parse_study need it, not a search.
_ITEMS = TypeAdapter(list[_Item], config=ConfigDict(defer_build=True))


def nct_id_of(raw: object) -> str | None:
    """The NCT ID of a raw record when it can be found, for naming a record that failed."""
    value = raw.get("protocolSection") if isinstance(raw, dict) else None
    value = value.get("identificationModule") if isinstance(value, dict) else None
    value = value.get("nctId") if isinstance(value, dict) else None
    try:
        return normalize_nct_id(value)
    except InvalidQuery:
        return None


def parse_study(raw: object) -> Study:
    """Normalize one decoded v2 study document (full, or partial as returned with ``fields=``).

    Each field is read on its own: a missing module, an unknown key or a value of the wrong
    type gives an empty value for that field only.

    Raises:
        InvalidStudy: the record is not a JSON object or has no usable NCT ID.
    """
    if not isinstance(raw, dict):
        raise InvalidStudy(f"a study record is a {type(raw).__name__}, not an object")
    return _study_or_raise(_ITEMS.validate_python([raw], context=_FROM_API)[0])


def _study_or_raise(item: object) -> Study:
    if isinstance(item, Study):
        return item
    if not isinstance(item, _Unreadable):
        raise InvalidStudy(f"a study record is a {type(item).__name__}, not an object")
    if item.nct_id is None:
        raise InvalidStudy("a study record has no NCT ID")
    name = _name_of(item)
    if name:  # pragma: no cover - every field but the NCT ID reads as something
        raise InvalidStudy(f"study {name} could not be read")
    raise InvalidStudy(f"a study record has an unusable NCT ID: {item.nct_id[:40]!r}")


@dataclass(frozen=True)
class UnreadableStudy:
    """A study record on a page that could not be read, kept so that it is named, not lost.

    Attributes:
        nct_id: its NCT ID when the record has a usable one, else None.
    """

    nct_id: str | None = None


class StudyPage(_Record):
    """One page of ``GET /studies``, read.

    Attributes:
        records: the page's studies in order; a record that cannot be read is an
            :class:`UnreadableStudy` in its place.
        total_count: how many studies match in all (``totalCount``), when the page says.
        next_page_token: the token that asks for the next page, when there is one.
    """

    # Made with model_construct by read_page_json: the validator is built only if asked for.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    records: list[Annotated[Study | UnreadableStudy, Field(union_mode="left_to_right")]] = []
    total_count: int | None = None
    next_page_token: str | None = None


def read_page_json(body: bytes | str) -> StudyPage:
    """Read the body of a ``GET /studies`` answer, each study on its own, in one pass.

    Only the fields that :class:`Study` keeps become Python objects. A study that cannot be
    read (see :func:`parse_study`) is named in :attr:`StudyPage.records`, never dropped with
    its neighbours: when the page is valid JSON that pydantic's parser refuses (a lone
    surrogate escape), it is decoded by :mod:`json` and each study is read apart.

    Raises:
        InvalidResponse: the body is not JSON, or not a page of studies.
    """
    with _collector_paused():
        return _read_page_json(body)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # The collector trick kept, for the benchmark row that justifies it (docs/performance.md:
    # it halves the time of a cached repeat). A page makes some 40,000 objects that all stay
    # alive, and the cyclic collector would scan them, and every earlier page's, again and
    # again while they are made. Reference counting frees them either way.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                # Move what was made straight to the oldest generation: scanning it all as
                # young objects at the next allocation would cost a third of the saving.
                # Skipped when the program has frozen objects, since unfreeze would free them.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _read_page_json(body: bytes | str) -> StudyPage:
    try:
        page = _PAGE.validate_json(body, context=_FROM_API)
    except ValidationError as exc:
        if not _is_json_error(exc):
            raise InvalidResponse("The API's answer is not a page of studies.") from None
        return read_page(_loads(body))
    return _study_page(page)


def read_page(document: object) -> StudyPage:
    """Read a decoded ``GET /studies`` answer, each study on its own (see :func:`parse_study`).

    Raises:
        InvalidResponse: the answer is not a page of studies.
    """
    try:
        page = _PAGE.validate_python(document, context=_FROM_API)
    except ValidationError:
        raise InvalidResponse("The API's answer is not a page of studies.") from None
    return _study_page(page)


def _study_page(page: _ApiPage) -> StudyPage:
    records: list[Study | UnreadableStudy] = [
        item if isinstance(item, Study) else UnreadableStudy(_name_of(item))
        for item in page.get("studies", ())
    ]
    return StudyPage.model_construct(
        records=records,
        total_count=page.get("totalCount"),
        next_page_token=page.get("nextPageToken"),
    )


def _name_of(item: object) -> str | None:
    if isinstance(item, _Unreadable) and item.nct_id is not None:
        try:
            return normalize_nct_id(item.nct_id)
        except InvalidQuery:
            pass
    return None


def _is_json_error(exc: ValidationError) -> bool:
    return any(error["type"] == "json_invalid" for error in exc.errors(include_url=False))


def _loads(body: bytes | str) -> Any:
    import json

    try:
        return json.loads(body)
    except ValueError:
        raise InvalidResponse(
            f"The API's answer is not valid JSON ({len(body)} bytes, possibly cut short); "
            "try again later."
        ) from None
