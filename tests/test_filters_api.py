"""The library's search with filters: parameters sent, expansions and notes on the result."""

from __future__ import annotations

import pytest

from replay_server import ReplayServer, Reply
from trialfinder import iter_studies, search
from trialfinder.errors import InvalidQuery
from trialfinder.http.client import Client


@pytest.mark.usefixtures("no_pacing")
def test_search_exposes_expansions_and_notes(server: ReplayServer) -> None:
    """It returns what was searched and per-study notes along with the studies."""
    server.add("/studies", Reply.fixture("search_myeloma_radiation_pembrolizumab_page1_of_3.json"))
    result = search(
        condition="multiple myeloma",
        intervention=["radiation", "Keytruda"],
        age=67,
        near="Rochester, MN",
        limit=2,
        api_url=server.url,
    )
    assert [e.describe() for e in result.expansions] == [
        "Keytruda → Keytruda, pembrolizumab (FDA label: Keytruda)",
    ]
    assert server.requests[0][1]["filter.geo"] == "distance(44.02163,-92.4699,50mi)"
    assert result.near == "Rochester, MN, US, within 50 miles"
    notes = result.notes["NCT02013167"]
    assert notes.combination is not None
    assert notes.combination.together_arms == ["Pembrolizumab + RT"]
    assert notes.nearest_site is not None and notes.nearest_site.nearest is not None
    assert notes.nearest_site.nearest.miles == 0.0
    assert notes.age_check is not None and notes.age_check.verdict == "within"
    assert notes.sex_check is None


@pytest.mark.usefixtures("no_pacing")
def test_iter_studies_takes_the_same_filters(server: ReplayServer) -> None:
    """It streams with the same filters as search."""
    server.add("/studies", Reply.fixture("search_no_results.json"))
    with Client(server.url) as client:
        assert list(iter_studies("myeloma", phase="3", status="recruiting", client=client)) == []
    sent = server.requests[0][1]
    assert sent["filter.overallStatus"] == "RECRUITING"
    assert sent["filter.advanced"] == "AREA[Phase]PHASE3"


def test_bad_values_raise_before_any_request(server: ReplayServer) -> None:
    """It raises InvalidQuery for a bad filter, and TypeError for an unknown keyword."""
    with pytest.raises(InvalidQuery, match="Unknown sex"):
        search("myeloma", sex="x", api_url=server.url)
    with Client(server.url) as client, pytest.raises(TypeError, match="phases"):
        iter_studies("myeloma", phases="3", client=client)
    assert server.requests == []
