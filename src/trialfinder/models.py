"""Typed, flat records of studies, read tolerantly from API v2 documents.

A v2 study nests its data in modules (``protocolSection.statusModule.overallStatus`` …).
:func:`parse_study` pulls each field out on its own: a missing module, an unknown key or a
value of the wrong type gives an empty value for that field only. A record is rejected
(:class:`~trialfinder.errors.InvalidStudy`) only when it has no usable NCT ID, since without
one it cannot be linked or told apart from the others.

Values are kept as the registry has them: statuses, phases and types outside the known
lists are kept, and partial dates such as ``2024-05`` stay partial.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trialfinder.errors import InvalidResponse, InvalidStudy
from trialfinder.expand import Expansion
from trialfinder.markup import unescape_markup
from trialfinder.query import normalize_nct_id, study_url

#: ClinicalTrials.gov's placeholder for an unknown enrollment.
ENROLLMENT_UNKNOWN = 99999999


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Intervention(_Record):
    """A treatment studied: drug, device, procedure, radiation…"""

    type: str | None = None
    name: str | None = None
    description: str | None = None
    other_names: list[str] = []
    arm_labels: list[str] = []


class Arm(_Record):
    """A group of participants and the interventions it receives."""

    label: str | None = None
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = []


class Contact(_Record):
    """A person to contact about a study or one of its sites."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class Location(_Record):
    """A site where the study runs, with its own recruitment status."""

    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contacts: list[Contact] = []


class Eligibility(_Record):
    """Who may take part, as the registry states it. Only the study team decides eligibility."""

    criteria: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    std_ages: list[str] = []


class Study(_Record):
    """One clinical study, flattened from the API's v2 document."""

    nct_id: str
    url: str
    title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    status: str | None = None
    why_stopped: str | None = None
    phases: list[str] = []
    study_type: str | None = None
    conditions: list[str] = []
    keywords: list[str] = []
    interventions: list[Intervention] = []
    arms: list[Arm] = []
    lead_sponsor: str | None = None
    collaborators: list[str] = []
    start_date: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    first_posted: str | None = None
    last_updated: str | None = None
    status_verified: str | None = None
    enrollment: int | None = None
    eligibility: Eligibility = Eligibility()
    locations: list[Location] = []
    central_contacts: list[Contact] = []
    brief_summary: str | None = None
    has_results: bool | None = None

    @classmethod
    def from_api(cls, raw: object) -> Study:
        """Normalize one v2 study document. See :func:`parse_study`."""
        return parse_study(raw)


class NearestSite(_Record):
    """One site of a study placed near the person, at city-level precision.

    Attributes:
        facility, city, state, zip, country: the site as registered.
        status: the site's own recruitment status as registered; None when not given.
        study_status: the study's overall status, which the note leans on when the site
            gives none of its own.
        miles: great-circle distance from the person, rounded to 0.1 mile.
        located_by: where the site's coordinates come from: ``geo_point`` (the registry's,
            city-level), ``zip_code`` or ``city`` (placed offline from the site's address,
            because the registry gives no coordinates for it).
    """

    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    study_status: str | None = None
    miles: float
    located_by: Literal["geo_point", "zip_code", "city"] = "geo_point"


class NearestSiteNote(_Record):
    """The sites of one study nearest the person (see :func:`trialfinder.geo.nearest_sites`).

    Attributes:
        radius_miles: the search radius.
        nearest: the nearest site taking participants now: its own status is recruiting or
            by invitation, or it gives no status in a study that is (at any distance).
        nearer_not_yet: a not-yet-recruiting site nearer than ``nearest`` (or the nearest
            one when no site takes participants now).
        nearest_listed: when no site taking participants is within the radius, the nearest
            site of any status, so the note can say what there is.
        not_placed: sites that could not be placed (no coordinates, and the address did not
            lead to one place); they may be nearer.
    """

    radius_miles: float
    nearest: NearestSite | None = None
    nearer_not_yet: NearestSite | None = None
    nearest_listed: NearestSite | None = None
    not_placed: int = 0

    @property
    def within_radius(self) -> bool:
        """True when a site taking participants now is within the radius."""
        return self.nearest is not None and self.nearest.miles <= self.radius_miles


#: A pre-check's verdict: the asked value is inside the registered limits, outside them, or
#: the record and the question together cannot tell.
Verdict = Literal["within", "outside", "cannot_tell"]


class AgeCheck(_Record):
    """An asked age against the registered age limits. Not an eligibility decision.

    Attributes:
        asked: the age asked, as a whole unit (``67 years`` is any age from 67 up to 68).
        verdict: ``within`` (the whole asked age is inside the limits), ``outside`` (none of
            it is) or ``cannot_tell``.
        minimum_age, maximum_age: the limits as registered (``28 Days``); None when none is
            stated (no limit).
        reason: why it cannot tell: ``limit_inside_age`` (a limit falls inside the asked
            whole year, month…) or ``limit_unreadable`` (a limit the registry gave in an
            unknown form).
    """

    asked: str
    verdict: Verdict
    minimum_age: str | None = None
    maximum_age: str | None = None
    reason: Literal["limit_inside_age", "limit_unreadable"] | None = None


class SexCheck(_Record):
    """An asked sex against the registered one. Not an eligibility decision.

    Attributes:
        asked: ``FEMALE`` or ``MALE``.
        verdict: ``within`` (registered ALL or the same sex), ``outside`` (the other sex) or
            ``cannot_tell`` (not stated, or a value the registry did not use before).
        registered: the record's ``sex`` as registered; None when not stated.
    """

    asked: str
    verdict: Verdict
    registered: str | None = None


class Staleness(_Record):
    """Why a record may be out of date.

    Attributes:
        reason: ``status_unknown`` (overall status UNKNOWN: the sponsor has not confirmed it)
            or ``not_verified_in_a_year`` (status last verified over a year ago).
        status_verified: when the sponsor last verified the status, as registered; partial
            dates (``2025-11``) stay partial.
        verified_through: the last day ``status_verified`` can mean (a partial date is read
            as the end of its month or year, so a record is never called stale too early).
        days_since: days from ``verified_through`` to the day of the check.
    """

    reason: Literal["status_unknown", "not_verified_in_a_year"]
    status_verified: str | None = None
    verified_through: date | None = None
    days_since: int | None = None


class Combination(_Record):
    """Which requested interventions a study has, and whether one arm gives them together.

    Attributes:
        found: requested intervention → the study's interventions that match it.
        missing: requested interventions the study does not list.
        together_arms: arms that give every requested intervention.
        arms: requested intervention → arms that give it.
        summary: one line for people.
    """

    found: dict[str, list[str]] = {}
    missing: list[str] = []
    together_arms: list[str] = []
    arms: dict[str, list[str]] = {}
    summary: str = ""


class StudyNotes(_Record):
    """What trialfinder worked out about one study for this search (not registry data).

    Each note is data; :mod:`trialfinder.render` words it.

    Attributes:
        combination: the requested interventions in the study's arms.
        nearest_site: the sites nearest ``near``, with their own statuses.
        age_check: the asked age against the registered limits; not an eligibility check.
        sex_check: the asked sex against the registered one; not an eligibility check.
        stale: why the record may be out of date, if it may be.
    """

    combination: Combination | None = None
    nearest_site: NearestSiteNote | None = None
    age_check: AgeCheck | None = None
    sex_check: SexCheck | None = None
    stale: Staleness | None = None


class Loosening(_Record):
    """How many studies match with one filter removed, to say which filter to loosen.

    Attributes:
        without: the filter removed, in plain words (``the status filter (recruiting)``).
        arguments: the :func:`trialfinder.search` arguments that set it (``status``).
        count: how many studies match without it; None when the API did not say.
    """

    without: str
    arguments: tuple[str, ...] = ()
    count: int | None = None


class SearchPlan(_Record):
    """What a search asks for, worked out before anything is sent.

    Made by :func:`trialfinder.api.explain_search` on its own, and part of every
    :class:`SearchResult`.

    Attributes:
        params: the query parameters of the first page of ``GET /studies``.
        search_url: the same search on the ClinicalTrials.gov website.
        expansions: how what was typed was rewritten (``ALL`` → acute lymphoblastic leukemia).
        near: the place searched around and the radius, when ``near`` was given.
        filters: the filters applied, in plain words (``status: recruiting``).
    """

    params: dict[str, str] = {}
    search_url: str = ""
    expansions: list[Expansion] = []
    near: str | None = None
    filters: list[str] = []


class SearchResult(SearchPlan):
    """The studies found by a search, and what was asked (the fields of :class:`SearchPlan`).

    Attributes:
        studies: matching studies in the API's order, without duplicates, at most ``limit``.
        total_count: how many studies match in all, as the API counted them.
        limit: the limit asked for (None: no limit).
        skipped: studies that could not be read (their NCT ID when known).
        notes: per NCT ID, combinations, nearest open site, pre-checks and staleness.
        loosen: when nothing matched, the counts with each filter removed.
    """

    studies: list[Study] = []
    total_count: int | None = None
    limit: int | None = None
    skipped: list[str] = []
    notes: dict[str, StudyNotes] = {}
    loosen: list[Loosening] = []

    @property
    def truncated(self) -> bool:
        """True when the limit cut the list: more studies match than the limit let through."""
        if self.limit is None or len(self.studies) < self.limit:
            return False
        return self.total_count is None or self.total_count > len(self.studies)


# -- tolerant extraction ------------------------------------------------------------------


def _dig(node: object, *path: str) -> object:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _markup(value: object) -> str | None:
    # The API's markup fields are CommonMark: people and programs get the text as typed.
    text = _text(value)
    return None if text is None else unescape_markup(text)


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [text for text in map(_text, value) if text is not None]


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _date(struct: object) -> str | None:
    # Dates come as {"date": "2024-05", "type": "ESTIMATED"}; some documents give the bare string.
    return _text(struct) if not isinstance(struct, dict) else _text(struct.get("date"))


def _enrollment(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or value >= ENROLLMENT_UNKNOWN:
        return None
    return int(value)


# The helpers below build plain dicts: pydantic validates the whole study in one call,
# several times faster than making each site and contact a model on its own.


def _contact(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text(raw.get("name")),
        "role": _text(raw.get("role")),
        "phone": _text(raw.get("phone")),
        "email": _text(raw.get("email")),
    }


def _location(raw: dict[str, Any]) -> dict[str, Any]:
    geo = raw.get("geoPoint")
    lat, lon = _number(_dig(geo, "lat")), _number(_dig(geo, "lon"))
    # A coordinate is only useful as a valid pair.
    if lat is None or lon is None or not (abs(lat) <= 90 and abs(lon) <= 180):
        lat = lon = None
    return {
        "facility": _text(raw.get("facility")),
        "status": _text(raw.get("status")),
        "city": _text(raw.get("city")),
        "state": _text(raw.get("state")),
        "zip": _text(raw.get("zip")),
        "country": _text(raw.get("country")),
        "latitude": lat,
        "longitude": lon,
        "contacts": [_contact(c) for c in _dicts(raw.get("contacts"))],
    }


def _nct_id(raw: dict[str, Any]) -> str:
    value = _dig(raw, "protocolSection", "identificationModule", "nctId")
    if value is None:
        raise InvalidStudy("a study record has no NCT ID")
    try:
        return normalize_nct_id(value)
    except Exception:
        raise InvalidStudy(f"a study record has an unusable NCT ID: {str(value)[:40]!r}") from None


def nct_id_of(raw: object) -> str | None:
    """The NCT ID of a raw record when it can be found, for naming a record that failed."""
    try:
        return _nct_id(raw) if isinstance(raw, dict) else None
    except InvalidStudy:
        return None


def parse_study(raw: object) -> Study:
    """Normalize one v2 study document (full, or partial as returned with ``fields=``).

    Raises:
        InvalidStudy: the record is not a JSON object or has no usable NCT ID.
    """
    if not isinstance(raw, dict):
        raise InvalidStudy(f"a study record is a {type(raw).__name__}, not an object")
    nct_id = _nct_id(raw)
    protocol = raw.get("protocolSection")
    ident = _dig(protocol, "identificationModule")
    status = _dig(protocol, "statusModule")
    sponsors = _dig(protocol, "sponsorCollaboratorsModule")
    design = _dig(protocol, "designModule")
    arms_module = _dig(protocol, "armsInterventionsModule")
    elig = _dig(protocol, "eligibilityModule")
    contacts = _dig(protocol, "contactsLocationsModule")
    try:
        return Study.model_validate(
            {
                "nct_id": nct_id,
                "url": study_url(nct_id),
                "title": _text(_dig(ident, "briefTitle")) or _text(_dig(ident, "officialTitle")),
                "official_title": _text(_dig(ident, "officialTitle")),
                "acronym": _text(_dig(ident, "acronym")),
                "status": _text(_dig(status, "overallStatus")),
                "why_stopped": _markup(_dig(status, "whyStopped")),
                "phases": _texts(_dig(design, "phases")),
                "study_type": _text(_dig(design, "studyType")),
                "conditions": _texts(_dig(protocol, "conditionsModule", "conditions")),
                "keywords": _texts(_dig(protocol, "conditionsModule", "keywords")),
                "interventions": [
                    dict(
                        type=_text(i.get("type")),
                        name=_text(i.get("name")),
                        description=_markup(i.get("description")),
                        other_names=_texts(i.get("otherNames")),
                        arm_labels=_texts(i.get("armGroupLabels")),
                    )
                    for i in _dicts(_dig(arms_module, "interventions"))
                ],
                "arms": [
                    dict(
                        label=_text(a.get("label")),
                        type=_text(a.get("type")),
                        description=_markup(a.get("description")),
                        intervention_names=_texts(a.get("interventionNames")),
                    )
                    for a in _dicts(_dig(arms_module, "armGroups"))
                ],
                "lead_sponsor": _text(_dig(sponsors, "leadSponsor", "name")),
                "collaborators": [
                    name
                    for c in _dicts(_dig(sponsors, "collaborators"))
                    if (name := _text(c.get("name")))
                ],
                "start_date": _date(_dig(status, "startDateStruct")),
                "primary_completion_date": _date(_dig(status, "primaryCompletionDateStruct")),
                "completion_date": _date(_dig(status, "completionDateStruct")),
                "first_posted": _date(_dig(status, "studyFirstPostDateStruct")),
                "last_updated": _date(_dig(status, "lastUpdatePostDateStruct")),
                "status_verified": _text(_dig(status, "statusVerifiedDate")),
                "enrollment": _enrollment(_dig(design, "enrollmentInfo", "count")),
                "eligibility": dict(
                    criteria=_markup(_dig(elig, "eligibilityCriteria")),
                    minimum_age=_text(_dig(elig, "minimumAge")),
                    maximum_age=_text(_dig(elig, "maximumAge")),
                    sex=_text(_dig(elig, "sex")),
                    healthy_volunteers=_bool(_dig(elig, "healthyVolunteers")),
                    std_ages=_texts(_dig(elig, "stdAges")),
                ),
                "locations": [_location(loc) for loc in _dicts(_dig(contacts, "locations"))],
                "central_contacts": [
                    _contact(c) for c in _dicts(_dig(contacts, "centralContacts"))
                ],
                "brief_summary": _markup(_dig(protocol, "descriptionModule", "briefSummary")),
                "has_results": _bool(raw.get("hasResults")),
            }
        )
    except (ValidationError, ValueError, TypeError) as exc:  # pragma: no cover - defensive
        raise InvalidStudy(f"study {nct_id} could not be read: {exc}") from None


class StudyPage(_Record):
    """One page of ``GET /studies``, read.

    Attributes:
        records: the page's studies in order; for a record that cannot be read, its NCT ID
            when it has one, else ``""``.
        total_count: how many studies match in all (``totalCount``), when the page says.
        next_page_token: the token that asks for the next page, when there is one.
    """

    records: list[Annotated[Study | str, Field(union_mode="left_to_right")]] = []
    total_count: int | None = None
    next_page_token: str | None = None


def read_page(document: object) -> StudyPage:
    """Read a decoded ``GET /studies`` answer, each study on its own (see :func:`parse_study`).

    Raises:
        InvalidResponse: the answer is not a page of studies.
    """
    if not isinstance(document, dict) or not isinstance(document.get("studies", []), list):
        raise InvalidResponse("The API's answer is not a page of studies.")
    total = document.get("totalCount")
    token = document.get("nextPageToken")
    return StudyPage(
        records=[_record(raw) for raw in document.get("studies") or []],
        total_count=total if isinstance(total, int) and not isinstance(total, bool) else None,
        next_page_token=token if isinstance(token, str) and token else None,
    )


def _record(raw: object) -> Study | str:
    try:
        return parse_study(raw)
    except InvalidStudy:
        return nct_id_of(raw) or ""
