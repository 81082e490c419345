"""Typed, flat records of studies, read tolerantly from API v2 documents.

A v2 study nests its data in modules (``protocolSection.statusModule.overallStatus`` …).
Each record field says where it sits (its ``validation_alias``), and is read on its own: a
missing module, an unknown key or a value of the wrong type gives an empty value for that
field only. A record is rejected (:class:`~trialfinder.errors.InvalidStudy`) only when it
has no usable NCT ID, since without one it cannot be linked or told apart from the others.
:func:`read_page_json` reads a page's bytes in one pass; :func:`parse_study` reads one
decoded document.

Values are kept as the registry has them: statuses, phases and types outside the known
lists are kept, and partial dates such as ``2024-05`` stay partial.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar, cast

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
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import core_schema
from typing_extensions import TypedDict

from trialfinder.errors import InvalidQuery, InvalidResponse, InvalidStudy
from trialfinder.ids import normalize_nct_id, study_url
from trialfinder.models.markup import unescape_markup
from trialfinder.query.expand import Expansion

#: ClinicalTrials.gov's placeholder for an unknown enrollment.
ENROLLMENT_UNKNOWN = 99999999


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


class Intervention(_RegistryRecord):
    """A treatment studied: drug, device, procedure, radiation…"""

    type: Text = None
    name: Text = None
    description: Markup = None
    other_names: Texts = Field(default_factory=list, validation_alias="otherNames")
    arm_labels: Texts = Field(default_factory=list, validation_alias="armGroupLabels")


class Arm(_RegistryRecord):
    """A group of participants and the interventions it receives."""

    label: Text = None
    type: Text = None
    description: Markup = None
    intervention_names: Texts = Field(default_factory=list, validation_alias="interventionNames")


class Contact(_RegistryRecord):
    """A person to contact about a study or one of its sites."""

    name: Text = None
    role: Text = None
    phone: Text = None
    email: Text = None


_Latitude = Annotated[float | None, Strict(), Field(allow_inf_nan=False, ge=-90, le=90), _OrEmpty()]
_Longitude = Annotated[
    float | None, Strict(), Field(allow_inf_nan=False, ge=-180, le=180), _OrEmpty()
]


class Location(_RegistryRecord):
    """A site where the study runs, with its own recruitment status.

    ``latitude`` and ``longitude`` (degrees, city-level: the registry's ``geoPoint``) are,
    in a study read from the API, both given or both None.
    """

    facility: Text = None
    status: Text = None
    city: Text = None
    state: Text = None
    zip: Text = None
    country: Text = None
    latitude: _Latitude = Field(None, validation_alias=AliasPath("geoPoint", "lat"))
    longitude: _Longitude = Field(None, validation_alias=AliasPath("geoPoint", "lon"))
    contacts: _Records[Contact] = Field(default_factory=list)


class Eligibility(_RegistryRecord):
    """Who may take part, as the registry states it. Only the study team decides eligibility."""

    criteria: Markup = Field(None, validation_alias="eligibilityCriteria")
    minimum_age: Text = Field(None, validation_alias="minimumAge")
    maximum_age: Text = Field(None, validation_alias="maximumAge")
    sex: Text = None
    healthy_volunteers: Annotated[bool | None, Strict(), _OrEmpty()] = Field(
        None, validation_alias="healthyVolunteers"
    )
    std_ages: Texts = Field(default_factory=list, validation_alias="stdAges")


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


class Study(_RegistryRecord):
    """One clinical study, flattened from the API's v2 document.

    Text is as the registry has it; a field the record lacks, or gives as a value of the
    wrong kind, is empty (None, or an empty list). ``enrollment`` is None when unknown.
    """

    nct_id: _NctId = Field(validation_alias=_p("identificationModule", "nctId"))
    #: The study's page for people; made from ``nct_id`` when not given.
    url: str = ""
    title: Text = Field(None, validation_alias=_p("identificationModule", "briefTitle"))
    official_title: Text = Field(None, validation_alias=_p("identificationModule", "officialTitle"))
    acronym: Text = Field(None, validation_alias=_p("identificationModule", "acronym"))
    status: Text = Field(None, validation_alias=_p("statusModule", "overallStatus"))
    why_stopped: Markup = Field(None, validation_alias=_p("statusModule", "whyStopped"))
    phases: Texts = Field(default_factory=list, validation_alias=_p("designModule", "phases"))
    study_type: Text = Field(None, validation_alias=_p("designModule", "studyType"))
    conditions: Texts = Field(
        default_factory=list, validation_alias=_p("conditionsModule", "conditions")
    )
    keywords: Texts = Field(
        default_factory=list, validation_alias=_p("conditionsModule", "keywords")
    )
    interventions: _Records[Intervention] = Field(
        default_factory=list, validation_alias=_p("armsInterventionsModule", "interventions")
    )
    arms: _Records[Arm] = Field(
        default_factory=list, validation_alias=_p("armsInterventionsModule", "armGroups")
    )
    lead_sponsor: Text = Field(
        None, validation_alias=_p("sponsorCollaboratorsModule", "leadSponsor", "name")
    )
    collaborators: _Names = Field(
        default_factory=list,
        validation_alias=_p("sponsorCollaboratorsModule", "collaborators"),
    )
    start_date: Text = Field(None, validation_alias=_date_at("statusModule", "startDateStruct"))
    primary_completion_date: Text = Field(
        None, validation_alias=_date_at("statusModule", "primaryCompletionDateStruct")
    )
    completion_date: Text = Field(
        None, validation_alias=_date_at("statusModule", "completionDateStruct")
    )
    first_posted: Text = Field(
        None, validation_alias=_date_at("statusModule", "studyFirstPostDateStruct")
    )
    last_updated: Text = Field(
        None, validation_alias=_date_at("statusModule", "lastUpdatePostDateStruct")
    )
    status_verified: Text = Field(None, validation_alias=_p("statusModule", "statusVerifiedDate"))
    #: Participants; None when unknown (the registry's placeholder 99999999 included).
    enrollment: Annotated[int | None, Strict(), Field(ge=0, lt=ENROLLMENT_UNKNOWN), _OrEmpty()] = (
        Field(None, validation_alias=_p("designModule", "enrollmentInfo", "count"))
    )
    #: ``ACTUAL`` (participants enrolled) or ``ESTIMATED`` (the target), as registered.
    enrollment_type: Text = Field(
        None, validation_alias=_p("designModule", "enrollmentInfo", "type")
    )
    eligibility: Annotated[Eligibility, _OrEmpty(Eligibility())] = Field(
        default_factory=Eligibility, validation_alias=_p("eligibilityModule")
    )
    locations: _Records[Location] = Field(
        default_factory=list, validation_alias=_p("contactsLocationsModule", "locations")
    )
    central_contacts: _Records[Contact] = Field(
        default_factory=list, validation_alias=_p("contactsLocationsModule", "centralContacts")
    )
    brief_summary: Markup = Field(None, validation_alias=_p("descriptionModule", "briefSummary"))
    has_results: Annotated[bool | None, Strict(), _OrEmpty()] = Field(
        None, validation_alias="hasResults"
    )

    @model_validator(mode="after")
    def _complete(self) -> Study:
        # The record is new and not yet shared: finishing it in place is safe, and cheaper
        # than a validator on each of a thousand sites.
        if not self.url and self.nct_id:  # here, not a default factory: one call a study
            object.__setattr__(self, "url", study_url(self.nct_id))
        if self.title is None and self.official_title is not None:
            object.__setattr__(self, "title", self.official_title)
        for site in self.locations:
            if (site.latitude is None) != (site.longitude is None):
                # A coordinate is only useful as a valid pair.
                object.__setattr__(site, "latitude", None)
                object.__setattr__(site, "longitude", None)
        return self


_Site = TypeVar("_Site", bound="_SiteAddress")


class _SiteAddress(_Record):
    """A site as registered: where it is and its own recruitment status."""

    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None

    @classmethod
    def of(cls: type[_Site], loc: Location, **fields: Any) -> _Site:
        """This record for a registry site, with ``fields`` besides its address and status."""
        address = {k: getattr(loc, k) for k in ("facility", "city", "state", "zip", "country")}
        return cls(**address, status=loc.status, **fields)


class NearestSite(_SiteAddress):
    """One site of a study placed near the person, at city-level precision.

    Attributes:
        facility, city, state, zip, country: the site as registered.
        status: the site's own recruitment status as registered; None when not given.
        study_status: the study's overall status. The site counts as
            :func:`trialfinder.status.site_status_in_study` says: its own status, never more
            open than the study's, the study's when it gives none.
        miles: great-circle distance from the person, rounded to 0.1 mile.
        located_by: where the site's coordinates come from: ``geo_point`` (the registry's,
            city-level), ``zip_code`` or ``city`` (placed offline from the site's address,
            because the registry gives no coordinates for it).
    """

    study_status: str | None = None
    miles: float
    located_by: Literal["geo_point", "zip_code", "city"] = "geo_point"


class UnplacedSite(_SiteAddress):
    """A site that could not be placed: no coordinates, and its address leads to no one place.

    Attributes:
        facility, city, state, zip, country: the site as registered.
        status: the site's own recruitment status as registered; None when not given.
    """


class NearestSiteNote(_Record):
    """The sites of one study nearest the person (see :mod:`trialfinder.notes.nearest`).

    Attributes:
        radius_miles: the search radius.
        nearest: the nearest site taking participants now (at any distance): its status, as
            :func:`trialfinder.status.site_status_in_study` combines it with the study's
            overall status, is recruiting or enrolling by invitation. A site that says
            "Recruiting" in a study that is not (completed, suspended, unknown) is not one.
        nearer_not_yet: a not-yet-recruiting site nearer than ``nearest`` (or the nearest
            one when no site takes participants now).
        nearest_listed: when no site taking participants is within the radius, the nearest
            site of any status, so the note can say what there is.
        not_placed: how many sites could not be placed (no coordinates, and the address did
            not lead to one place); they may be nearer.
        not_placed_enrolling: those of them taking participants now, by the same rule as
            ``nearest``: while there are any, no absence of a recruiting site near the
            person can be claimed.
        study_status: the study's overall status, which bounds every site's.
    """

    radius_miles: float
    nearest: NearestSite | None = None
    nearer_not_yet: NearestSite | None = None
    nearest_listed: NearestSite | None = None
    not_placed: int = 0
    not_placed_enrolling: list[UnplacedSite] = Field(default_factory=list)
    study_status: str | None = None

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
            or ``not_verified_in_a_year`` (status last verified over a year ago) or
            ``verified_date_not_given`` (the record gives no status-verified date) or
            ``verified_date_unreadable`` (it gives one that is not a date, such as
            ``garbage`` or ``2025-13``): in both, how current its status is cannot be told.
        status_verified: when the sponsor last verified the status, as registered; partial
            dates (``2025-11``) stay partial.
        verified_through: the last day ``status_verified`` can mean (a partial date is read
            as the end of its month or year, so a record is never called stale too early);
            None when the record gives no date or one that could not be read.
        days_since: days from ``verified_through`` to the day of the check.
    """

    reason: Literal[
        "status_unknown",
        "not_verified_in_a_year",
        "verified_date_not_given",
        "verified_date_unreadable",
    ]
    status_verified: str | None = None
    verified_through: date | None = None
    days_since: int | None = None


#: How the record names one requested treatment (see :class:`AgentCheck`).
AgentState = Literal["named", "placebo_only", "not_named", "cannot_check"]
#: What the record says about the requested treatments together (see :class:`Combination`).
CombinationVerdict = Literal[
    "one_treatment", "together", "different_arms", "not_stated", "not_all_named", "cannot_check"
]


class AgentCheck(_Record):
    """One requested treatment in a study's arms and interventions, with the evidence.

    Facts from the record only: an arm is listed when the record ties the treatment to it
    (the intervention's arm labels, or the arm's own list of interventions).

    Attributes:
        agent: the treatment as asked for (a whole value, or one treatment of a value that
            held several).
        value: the value it came from, as typed.
        state: ``named`` (the record names it as a real treatment), ``placebo_only`` (only a
            placebo, sham or vehicle imitating it), ``not_named`` (the record's arms and
            interventions do not name it; the study may still involve it) or ``cannot_check``
            (a value of several words that the record names only part of, or a treatment the
            record only mentions: see ``mentioned_names``).
        arms: labels of the arms that give it (not as a placebo), in the record's order.
        not_stated: the record's interventions that give it but are tied to no arm: which arm
            gets it, the record does not say.
        placebo_arms: labels of arms that give a placebo imitating it.
        matched_names: the record's names that matched (intervention names, other names, or
            arm entries), as the record writes them; a match in a description is quoted
            after the intervention's name (``Step 0 (description: "Undergo EBRT")``).
        placebo_names: the record's placebo names that mention it.
        either_names: the record's names that give it or its placebo (``Nivolumab/Placebo``):
            who gets which, the record does not say.
        either_arms: labels of the arms given one of ``either_names``.
        arm_names: for each arm of ``arms``, ``placebo_arms`` and ``either_arms``, the
            record's names that tie the treatment (or its placebo) to that arm.
        partial_names: for ``cannot_check``, the record's names holding part of the value.
        partial_words: for ``cannot_check`` of a value of several words, the words of the
            value that ``partial_names`` hold.
        mentioned_names: the record's names that mention it without saying it is given (an
            education session, a planning scan, care during it): evidence of nothing.
        searched: the names looked for (typed, generic, brand and code names, or the words of
            a kind of treatment).
        treatment_type: ``radiation``, ``surgery``, ``chemotherapy``… when a kind of
            treatment was asked for (vocabulary in ``trialfinder/notes/data/treatment_types.json``).
    """

    agent: str
    value: str
    state: AgentState
    arms: list[str] = []
    not_stated: list[str] = []
    placebo_arms: list[str] = []
    matched_names: list[str] = []
    placebo_names: list[str] = []
    either_names: list[str] = []
    either_arms: list[str] = []
    arm_names: dict[str, list[str]] = {}
    partial_names: list[str] = []
    partial_words: list[str] = []
    mentioned_names: list[str] = []
    searched: list[str] = []
    treatment_type: str | None = None


class Combination(_Record):
    """Which requested treatments a study names, and whether one arm gives them together.

    Attributes:
        requested: the intervention values as typed.
        agents: one check per requested treatment (a value naming several gives several).
        verdict: ``one_treatment`` (one was asked for: see its check), ``together`` (every
            one is given in each of ``together_arms``), ``different_arms`` (the record ties
            every one to arms and no arm gives them all), ``not_stated`` (the record does not
            say which arm gets which), ``not_all_named`` or ``cannot_check`` (see ``agents``).
        together_arms: labels of the arms giving every requested treatment (none as placebo);
            for one treatment, the arms giving it.
        study_type: the study's type as registered; for ``OBSERVATIONAL`` and
            ``EXPANDED_ACCESS`` the "arms" are groups the study does not assign treatment to.
        only_arm: the study is interventional with exactly one arm group, and an
            intervention the record ties to no arm is listed as given in that arm (every
            listed intervention of a one-arm study is given in it).
    """

    requested: list[str] = []
    agents: list[AgentCheck] = []
    verdict: CombinationVerdict = "one_treatment"
    together_arms: list[str] = []
    study_type: str | None = None
    only_arm: bool = False


class StudyNotes(_Record):
    """What trialfinder worked out about one study for this search (not registry data).

    Each note is data; :mod:`trialfinder.render.notetext` words it.

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
        conditions, interventions, terms: the words searched, as typed.
        notices: what else to know about how the words were searched (words that stay
            required beside an expansion, a class word searched as itself).
        hints: known acronyms typed in lower case, searched as typed, and how to ask for them.
        website_left_out: what of this search the website link cannot carry, in plain
            words; empty when the link is the same search.
    """

    params: dict[str, str] = {}
    search_url: str = ""
    expansions: list[Expansion] = []
    near: str | None = None
    filters: list[str] = []
    conditions: list[str] = []
    interventions: list[str] = []
    terms: list[str] = []
    notices: list[str] = []
    hints: list[str] = []
    website_left_out: list[str] = []


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

    # A search makes its result with model_construct (every part is checked already): the
    # validator is built only when a program makes one itself.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    studies: list[Study] = []
    total_count: int | None = None
    limit: int | None = None
    skipped: list[str] = []
    notes: dict[str, StudyNotes] = {}
    loosen: list[Loosening] = []

    @property
    def truncated(self) -> bool:
        """True when the limit cut the list: more studies match than the limit let through."""
        return cut_by_limit(len(self.studies), self.total_count, self.limit)


def cut_by_limit(returned: int, total_count: int | None, limit: int | None) -> bool:
    """True when ``limit`` cut a list of ``returned`` studies short of ``total_count``."""
    if limit is None or returned < limit:
        return False
    return total_count is None or total_count > returned


# -- reading pages --------------------------------------------------------------------------


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
