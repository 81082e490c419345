"""Real responses recorded from the live API (../shared/ctgov) read without loss.

Skipped when that folder is absent; its files are read in place, never copied here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SHARED_CTGOV
from trialfinder.http.paging import StudyStream
from trialfinder.models.reading import parse_study, read_page
from trialfinder.query.build import SearchQuery

pytestmark = pytest.mark.skipif(not SHARED_CTGOV.is_dir(), reason="../shared/ctgov is not here")


def files(folder: str) -> list[Path]:
    return sorted((SHARED_CTGOV / folder).glob("*.json")) if SHARED_CTGOV.is_dir() else []


def check(raw: dict[str, object]) -> None:
    expected_id = raw["protocolSection"]["identificationModule"]["nctId"]  # type: ignore[index]
    study = parse_study(raw)
    assert study.nct_id == expected_id
    assert study.title
    assert study.url == f"https://clinicaltrials.gov/study/{expected_id}"
    status = raw["protocolSection"].get("statusModule", {}).get("overallStatus")  # type: ignore[attr-defined]
    assert study.status == status


@pytest.mark.parametrize("path", files("search"), ids=lambda p: p.name)
def test_search_pages(path: Path) -> None:
    """It reads every study of every recorded search page with ID, title, status and link."""
    page = json.loads(path.read_text(encoding="utf-8"))
    assert page["studies"]
    for raw in page["studies"]:
        check(raw)


@pytest.mark.parametrize("path", files("studies"), ids=lambda p: p.name)
def test_single_studies(path: Path) -> None:
    """It reads every recorded single-study record, full or partial."""
    check(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", files("collections"), ids=lambda p: p.name)
def test_collections_keep_partial_dates(path: Path) -> None:
    """It keeps dates as precise as the registry gave them."""
    for raw in json.loads(path.read_text(encoding="utf-8")):
        check(raw)
        study = parse_study(raw)
        given = raw["protocolSection"]["statusModule"].get("startDateStruct", {}).get("date")
        assert study.start_date == given


def test_real_page_total_count_and_stream() -> None:
    """It takes totalCount from a real first page and stops at the page's end."""
    page = json.loads(
        (SHARED_CTGOV / "search" / "biomcp_search_cond_phelan_pageSize5_page1.json").read_text()
    )

    class OnePage:
        def iter_pages(self, params: dict[str, str]):  # type: ignore[no-untyped-def]
            yield read_page({k: v for k, v in page.items() if k != "nextPageToken"})

    stream = StudyStream(SearchQuery.build(condition="Phelan-McDermid Syndrome"), OnePage())  # type: ignore[arg-type]
    studies = list(stream)
    assert stream.total_count == 21
    assert len(studies) == 5 and stream.skipped == []


def test_recorded_error_bodies_become_clear_messages() -> None:
    """It shows the API's own 400 text (an unknown parameter named in backticks)."""
    import responses

    from trialfinder.errors import BadRequest
    from trialfinder.http.client import Client

    body = (SHARED_CTGOV / "errors" / "http400_unknown_parameter_query.recrs.txt").read_text()
    with responses.RequestsMock() as mock:
        mock.get("https://clinicaltrials.gov/api/v2/studies", body=body, status=400)
        with pytest.raises(BadRequest, match=r"`query\.recrs` is unknown parameter"):
            Client(min_interval=0).get_json("/studies")
