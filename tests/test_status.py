"""The one definition of "open", and how a site's status and its study's combine."""

from __future__ import annotations

import pytest

from trialfinder.status import STATUSES, is_enrolling, is_open, site_status_in_study


@pytest.mark.parametrize(
    ("site", "study", "counts_as"),
    [
        # A site is never more open than its study: the study's status bounds it.
        ("RECRUITING", "COMPLETED", "COMPLETED"),
        ("RECRUITING", "SUSPENDED", "SUSPENDED"),
        ("RECRUITING", "UNKNOWN", "UNKNOWN"),
        ("RECRUITING", "ACTIVE_NOT_RECRUITING", "ACTIVE_NOT_RECRUITING"),
        ("RECRUITING", None, None),
        ("RECRUITING", "NOT_YET_RECRUITING", "NOT_YET_RECRUITING"),
        ("RECRUITING", "ENROLLING_BY_INVITATION", "ENROLLING_BY_INVITATION"),
        ("ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING", "NOT_YET_RECRUITING"),
        # A site less open than its study keeps its own status.
        ("RECRUITING", "RECRUITING", "RECRUITING"),
        ("NOT_YET_RECRUITING", "RECRUITING", "NOT_YET_RECRUITING"),
        ("COMPLETED", "RECRUITING", "COMPLETED"),
        ("WITHDRAWN", "COMPLETED", "WITHDRAWN"),
        ("ENROLLING_BY_INVITATION", "RECRUITING", "ENROLLING_BY_INVITATION"),
        # A site without a status of its own takes the study's.
        (None, "RECRUITING", "RECRUITING"),
        (None, "COMPLETED", "COMPLETED"),
        (None, None, None),
    ],
)
def test_a_site_is_never_more_open_than_its_study(
    site: str | None, study: str | None, counts_as: str | None
) -> None:
    """It combines a site's own status with the study's overall status one way."""
    assert site_status_in_study(site, study) == counts_as


@pytest.mark.parametrize("study", [*STATUSES, None])
def test_a_recruiting_site_takes_participants_only_in_an_enrolling_study(
    study: str | None,
) -> None:
    """It counts a site saying Recruiting as taking participants only when its study does."""
    assert is_enrolling(site_status_in_study("RECRUITING", study)) == is_enrolling(study)
    assert is_open(site_status_in_study("RECRUITING", study)) == is_open(study)
