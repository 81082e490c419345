"""What a search worked out about a study (arms, nearest site, limits, staleness), in words."""

from __future__ import annotations

from trialfinder.models.notes import (
    AgeCheck,
    NearestSite,
    NearestSiteNote,
    SexCheck,
    Staleness,
    StudyNotes,
)
from trialfinder.render.safe import clean
from trialfinder.render.words import site_status_text, status_label
from trialfinder.status import is_open


def age_text(text: str | None) -> str:
    """A registered age with its unit, in lower case: ``28 Days`` → ``28 days``."""
    return clean(text).lower()


def age_range_text(minimum: str | None, maximum: str | None) -> str:
    """Both ends of a registered age range, each with its unit: ``6 months–2 years``."""
    low = age_text(minimum) if minimum and minimum.strip().upper() != "N/A" else "no minimum"
    high = age_text(maximum) if maximum and maximum.strip().upper() != "N/A" else "no maximum"
    return f"{low}–{high}"


def age_check_text(check: AgeCheck) -> str:
    """``age 67 years: within 18 years–80 years (as registered)``, or why it cannot tell."""
    shown = age_range_text(check.minimum_age, check.maximum_age)
    if check.verdict in ("within", "outside"):
        return f"age {check.asked}: {check.verdict} {shown} (as registered)"
    if check.reason == "limit_unreadable":
        return f"age {check.asked}: cannot tell; the registered limits ({shown}) could not be read"
    unit = check.asked.split()[-1].rstrip("s")
    return f"age {check.asked}: cannot tell from a whole-{unit} age ({shown}, as registered)"


def sex_check_text(check: SexCheck) -> str:
    """``sex: all``, ``sex: male only (you asked for female)`` or ``sex: not stated``."""
    registered = clean(check.registered).lower()
    if check.verdict == "within":
        return f"sex: {registered}"
    if check.verdict == "outside":
        return f"sex: {registered} only (you asked for {check.asked.lower()})"
    return f"sex: {registered or 'not stated'}, cannot tell"


def site_text(site: NearestSite) -> str:
    """One placed site: where, how far, its status (and the study's) and how it was placed."""
    place = ", ".join(clean(p) for p in (site.facility, site.city, site.state, site.country) if p)
    status = site_status_text(site.status, site.study_status)
    how = {
        "geo_point": "city-level",
        "zip_code": "placed by its ZIP code, city-level",
        "city": "placed by its city, city-level",
    }[site.located_by]
    return f"{place or '(site not named)'}: {site.miles:,.1f} miles ({status}; {how})"


#: Sites that could not be placed named in a note; the rest are counted.
UNPLACED_NAMED = 3


def _not_placed_text(note: NearestSiteNote, shown_any: bool) -> list[str]:
    """Sites that could not be placed: those taking participants now by name, others counted."""
    parts = []
    enrolling = note.not_placed_enrolling
    if enrolling:
        names = [
            ", ".join(clean(p) for p in (s.facility, s.city, s.state, s.country) if p)
            or "(site not named)"
            for s in enrolling[:UNPLACED_NAMED]
        ]
        statuses = [site_status_text(s.status, note.study_status) for s in enrolling]
        listed = "; ".join(f"{n} ({st})" for n, st in zip(names, statuses, strict=False))
        more = len(enrolling) - UNPLACED_NAMED
        listed += f"; and {more} more" if more > 0 else ""
        noun = "site" if len(enrolling) == 1 else "sites"
        # A site giving no status of its own is not called recruiting: its words say why.
        kind = "recruiting " if all(s.status for s in enrolling) else ""
        nearer = " and may be nearer" if shown_any else ""
        parts.append(f"{len(enrolling)} {kind}{noun} could not be placed{nearer}: {listed}")
    others = note.not_placed - len(enrolling)
    if others > 0:
        noun = "site" if others == 1 else "sites"
        other = "other " if enrolling else ""
        parts.append(f"{others} {other}{noun} could not be placed and may be nearer")
    return parts


def nearest_site_text(note: NearestSiteNote) -> str:
    """The nearest-site note in one line; says plainly when no site takes participants near.

    It claims no absence it cannot know: while a site taking participants now could not be
    placed, the note says "no placed site" and names it; when the study itself is not open,
    it says so with the study's status.
    """
    parts: list[str] = []
    shown: list[NearestSite] = []
    if note.within_radius and note.nearest is not None:
        parts.append(site_text(note.nearest))
        shown.append(note.nearest)
    else:
        radius = f"{note.radius_miles:,.0f}"
        if not is_open(note.study_status):
            study_words = status_label(clean(note.study_status)).lower()
            parts.append(f"No site recruiting now: study {study_words}")
        elif note.not_placed_enrolling:
            parts.append(f"No placed site recruiting now within {radius} miles")
        else:
            parts.append(f"No site recruiting now within {radius} miles")
        if note.nearest_listed is not None:
            parts.append(f"nearest listed: {site_text(note.nearest_listed)}")
            shown.append(note.nearest_listed)
        if note.nearest is not None and note.nearest not in shown:
            parts.append(f"nearest recruiting now: {site_text(note.nearest)}")
            shown.append(note.nearest)
    if note.nearer_not_yet is not None and note.nearer_not_yet not in shown:
        parts.append(f"nearer, not yet recruiting: {site_text(note.nearer_not_yet)}")
    parts += _not_placed_text(note, bool(shown))
    return "; ".join(parts)


def staleness_text(stale: Staleness) -> str:
    """Why the record may be out of date, with the verified date as registered."""
    verified = clean(stale.status_verified)
    unreadable = f"status-verified date '{verified}' could not be read"
    if stale.reason == "status_unknown":
        if not verified:
            since = ""
        elif stale.verified_through is None:
            since = f" (its {unreadable})"
        else:
            since = f" (status last verified {verified})"
        return f"status UNKNOWN: the sponsor has not confirmed it{since}; ask the study team"
    if stale.reason == "verified_date_unreadable":
        return (
            f"the record's {unreadable}, so how current its status is cannot be told; "
            "ask the study team"
        )
    if stale.reason == "verified_date_not_given":
        return "the record does not say when its status was last verified; ask the study team"
    return f"status last verified {verified}, over a year ago"


def note_lines(notes: StudyNotes | None) -> list[tuple[str, str]]:
    """(label, text) pairs of what this search worked out about a study."""
    if notes is None:
        return []
    out = []
    if notes.combination is not None:
        # Loaded for a search of treatments only, with the treatment vocabulary it reads.
        from trialfinder.render.combotext import combination_label, combination_text

        label = combination_label(notes.combination)
        out.append((f"{label}: ", combination_text(notes.combination)))
    if notes.nearest_site is not None:
        out.append(("Nearest site: ", nearest_site_text(notes.nearest_site)))
    checks = [age_check_text(notes.age_check)] if notes.age_check else []
    checks += [sex_check_text(notes.sex_check)] if notes.sex_check else []
    if checks:
        out.append(("Registered limits: ", "; ".join(checks)))
    if notes.stale:
        out.append(("May be out of date: ", staleness_text(notes.stale)))
    return out
