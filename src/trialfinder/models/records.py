"""Typed, flat records of studies, read tolerantly from API v2 documents.

A v2 study nests its data in modules (``protocolSection.statusModule.overallStatus`` …).
Each record field says where it sits (its ``validation_alias``), and is read on its own: a
missing module, an unknown key or a value of the wrong type gives an empty value for that
field only. A record is rejected (:class:`~trialfinder.errors.InvalidStudy`) only when it
has no usable NCT ID, since without one it cannot be linked or told apart from the others.
How documents read into fields is in :mod:`trialfinder.models.fields`; pages and single
documents are read by :mod:`trialfinder.models.reading`.

Values are kept as the registry has them: statuses, phases and types outside the known
lists are kept, and partial dates such as ``2024-05`` stay partial.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasPath, Field, Strict, model_validator

from trialfinder.ids import study_url
from trialfinder.models.fields import (
    Markup,
    Text,
    Texts,
    _date_at,
    _Latitude,
    _Longitude,
    _Names,
    _NctId,
    _OrEmpty,
    _p,
    _Records,
    _RegistryRecord,
)

#: ClinicalTrials.gov's placeholder for an unknown enrollment.
ENROLLMENT_UNKNOWN = 99999999


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
