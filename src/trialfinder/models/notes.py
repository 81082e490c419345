"""The notes' records: what trialfinder works out per study (sites, pre-checks, staleness, arms)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import Field

from trialfinder.models.fields import _Record
from trialfinder.models.records import Location

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
