"""Which pieces of a study record to ask the API for (``fields=``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from trialfinder.errors import InvalidQuery

#: The piece names (``fields=``) that list views need: what the table, CSV, Markdown and
#: JSON listings show, plus what the site and arm displays read (locations with their
#: geoPoint, arm groups, intervention details, eligibility ages and sex). Every name is a
#: piece of ``GET /studies/metadata``; extend this one tuple when a list view shows more.
#: ``show`` and ``--full`` fetch whole records instead.
LIST_FIELDS: tuple[str, ...] = (
    "NCTId",
    "BriefTitle",
    "OfficialTitle",
    "Acronym",
    "OverallStatus",
    "WhyStopped",
    "Phase",
    "StudyType",
    "Condition",
    "InterventionType",
    "InterventionName",
    "InterventionOtherName",
    "InterventionDescription",
    "InterventionArmGroupLabel",
    "ArmGroupLabel",
    "ArmGroupType",
    "ArmGroupInterventionName",
    "LeadSponsorName",
    "StartDate",
    "PrimaryCompletionDate",
    "CompletionDate",
    "StudyFirstPostDate",
    "LastUpdatePostDate",
    "StatusVerifiedDate",
    "EnrollmentCount",
    "MinimumAge",
    "MaximumAge",
    "Sex",
    "HealthyVolunteers",
    "StdAge",
    "LocationFacility",
    "LocationStatus",
    "LocationCity",
    "LocationState",
    "LocationZip",
    "LocationCountry",
    "LocationGeoPoint",
    "CentralContactName",
    "CentralContactPhone",
    "CentralContactEMail",
    "HasResults",
)
_PIECE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def fields_param(fields: Iterable[str] | None) -> str | None:
    """The ``fields`` parameter for a list of piece names; None (whole records) for None.

    Raises:
        InvalidQuery: a name is not a piece name (letters and digits), the list is empty,
            or ``fields`` is neither text nor a list of texts.
    """
    if fields is None:
        return None
    # Bytes iterate as numbers and a mapping as its keys: neither is a list of names.
    if isinstance(fields, (bytes, bytearray, memoryview, Mapping)) or not isinstance(
        fields, Iterable
    ):
        raise InvalidQuery(
            "fields takes piece names: text, or a list of texts such as LIST_FIELDS; "
            f"not {type(fields).__name__}."
        )
    names = [fields] if isinstance(fields, str) else list(fields)
    if not names:
        raise InvalidQuery("Give at least one field name, or None for whole records.")
    for name in names:
        if not isinstance(name, str) or not _PIECE_RE.match(name):
            raise InvalidQuery(
                f"{name!r} is not a field piece name such as NCTId or BriefTitle "
                "(see GET /studies/metadata)."
            )
    return ",".join(dict.fromkeys(names))
