"""Tests for trialfinder.http.client: exact requests, retries, pacing, errors (responses)."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from conftest import load_json, load_text
from trialfinder.api import get_study, iter_studies, search
from trialfinder.errors import (
    ApiConnectionError,
    ApiStatusError,
    ApiTimeout,
    BadRequest,
    ConfigError,
    InvalidQuery,
    InvalidResponse,
    RateLimited,
    ServerError,
    StudyNotFound,
    TrialFinderError,
    UnexpectedHtml,
)
from trialfinder.http.client import USER_AGENT, Client
from trialfinder.http.failures import RetryWait

API = "https://clinicaltrials.gov/api/v2"
STUDIES = f"{API}/studies"
PAGE1 = "search_myeloma_radiation_pembrolizumab_page1_of_3.json"
PAGE2 = "search_myeloma_radiation_pembrolizumab_page2_of_3_with_duplicate.json"
PAGE3 = "search_myeloma_radiation_pembrolizumab_page3_of_3.json"
EMPTY = "search_page_empty_with_token.json"
OPEN = "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"


class Sleeps(list[float]):
    """A stand-in for time.sleep that records each wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def quiet_client(**kwargs: object) -> Client:
    """A client that neither paces nor backs off, recording its sleeps."""
    options: dict[str, object] = {"min_interval": 0, "backoff": 0, "sleep": Sleeps()}
    options.update(kwargs)
    return Client(**options)  # type: ignore[arg-type]


def first_params(**extra: str) -> dict[str, str]:
    params = {
        "query.cond": "multiple myeloma",
        "query.intr": "radiation AND pembrolizumab",
        "filter.overallStatus": OPEN,
        "sort": "@relevance",
        "pageSize": "1000",
        "countTotal": "true",
    }
    params.update(extra)
    return params


@responses.activate
def test_seed_query_sends_exact_params_and_headers() -> None:
    """It sends the seed query's exact parameters, a User-Agent and a (connect, read) timeout."""
    responses.get(
        STUDIES,
        json=load_json("search_all_blinatumomab_single_page.json"),
        match=[
            matchers.query_param_matcher(
                {
                    "query.cond": (
                        '"acute lymphoblastic leukemia" OR "acute lymphocytic leukemia" OR "B-ALL" '
                        'OR "T-ALL" OR "Ph+ ALL" OR "pre-B ALL"'
                    ),
                    "query.intr": "blinatumomab",
                    "filter.overallStatus": OPEN,
                    "sort": "@relevance",
                    "pageSize": "20",
                    "countTotal": "true",
                }
            ),
            matchers.header_matcher({"User-Agent": USER_AGENT}),
            matchers.request_kwargs_matcher({"timeout": (10.0, 30.0)}),
        ],
    )
    result = search(condition="ALL", intervention="blinatumomab", client=quiet_client())
    assert [s.nct_id for s in result.studies] == ["NCT03914625", "NCT04994717"]
    assert result.total_count == 2
    assert not result.truncated
    assert result.search_url == (
        "https://clinicaltrials.gov/search?cond=%22acute%20lymphoblastic%20leukemia%22%20OR%20"
        "%22acute%20lymphocytic%20leukemia%22%20OR%20%22B-ALL%22%20OR%20%22T-ALL%22%20OR%20"
        "%22Ph%2B%20ALL%22%20OR%20%22pre-B%20ALL%22&intr=blinatumomab&aggFilters=status:rec%20not"
    )
    assert "trialfinder/" in USER_AGENT


@pytest.mark.parametrize(("total", "calls"), [(5, 3), (None, 4)])
@responses.activate
def test_three_pages_identical_params_duplicates_dropped_empty_last_page(
    total: int | None, calls: int
) -> None:
    """It follows tokens with the same params and drops a repeated study.

    It stops once the API's total is reached; without a total, at the empty page that the
    API's last token points to.
    """
    first = load_json(PAGE1)
    first["totalCount"] = total
    responses.get(STUDIES, json=first, match=[matchers.query_param_matcher(first_params())])
    for token, page in (("page2", PAGE2), ("page3", PAGE3), ("page4", EMPTY)):
        responses.get(
            STUDIES,
            json=load_json(page),
            match=[
                matchers.query_param_matcher(first_params(pageToken=f"NF0g5JGBlPMq-token-{token}"))
            ],
        )
    client = quiet_client()
    result = search("multiple myeloma", ["radiation", "pembrolizumab"], limit=None, client=client)
    ids = [s.nct_id for s in result.studies]
    assert ids == ["NCT02013167", "NCT03104439", "NCT04425434", "NCT05099003", "NCT06000005"]
    assert len(ids) == len(set(ids))
    assert result.total_count == total
    assert len(responses.calls) == calls
    assert client.requests_sent == calls


@responses.activate
def test_limit_stops_paging() -> None:
    """It asks for no more pages once the limit is reached."""
    params = first_params(pageSize="3")
    responses.get(STUDIES, json=load_json(PAGE1), match=[matchers.query_param_matcher(params)])
    responses.get(
        STUDIES,
        json=load_json(PAGE2),
        match=[matchers.query_param_matcher({**params, "pageToken": "NF0g5JGBlPMq-token-page2"})],
    )
    result = search(
        "multiple myeloma", ["radiation", "pembrolizumab"], limit=3, client=quiet_client()
    )
    assert [s.nct_id for s in result.studies] == ["NCT02013167", "NCT03104439", "NCT04425434"]
    assert result.truncated
    assert len(responses.calls) == 2


@responses.activate
def test_repeated_token_does_not_loop() -> None:
    """It stops when the API hands back a token it already followed."""
    page = {"studies": load_json(PAGE1)["studies"], "nextPageToken": "same"}
    responses.get(STUDIES, json=page)
    result = search(condition="x", limit=None, client=quiet_client())
    assert len(result.studies) == 2
    assert len(responses.calls) == 2


@responses.activate
def test_malformed_study_is_skipped_and_named() -> None:
    """It returns the good studies of a page and lists the one it could not read."""
    responses.get(STUDIES, json=load_json("search_page_one_malformed_study.json"))
    result = search(condition="ALL", client=quiet_client())
    assert [s.nct_id for s in result.studies] == ["NCT03914625", "NCT04994717"]
    assert result.skipped == ["record #2"]


@responses.activate
def test_iter_studies_streams() -> None:
    """It yields studies lazily and reports the total once the first page arrived."""
    responses.get(STUDIES, json=load_json("search_all_blinatumomab_single_page.json"))
    stream = iter_studies(condition="ALL", client=quiet_client())
    assert stream.total_count is None and len(responses.calls) == 0
    first = next(iter(stream))
    assert first.nct_id == "NCT03914625" and stream.total_count == 2


@responses.activate
def test_get_study_normalizes_id_and_parses() -> None:
    """It fetches /studies/NCT… with the canonical ID."""
    responses.get(
        f"{STUDIES}/NCT02013167",
        json=load_json("study_NCT02013167_pembrolizumab_radiation_myeloma.json"),
    )
    study = get_study("nct02013167", client=quiet_client())
    assert study.nct_id == "NCT02013167"
    assert responses.calls[0].request.url == f"{STUDIES}/NCT02013167"


@responses.activate
def test_get_study_bad_id_sends_nothing() -> None:
    """It rejects a malformed ID before any request."""
    with pytest.raises(InvalidQuery):
        get_study("NCT123", client=quiet_client())
    assert len(responses.calls) == 0


@responses.activate
def test_404_is_study_not_found() -> None:
    """It reports an unknown study by its ID, without retrying."""
    responses.get(
        f"{STUDIES}/NCT99999999", body=load_text("error_404_study_not_found.txt"), status=404
    )
    with pytest.raises(StudyNotFound, match=r"No study with ID NCT99999999"):
        get_study("NCT99999999", client=quiet_client())
    assert len(responses.calls) == 1


@responses.activate
def test_400_text_is_shown_and_not_retried() -> None:
    """It shows the API's plain-text reason with a hint, and never retries a 400."""
    responses.get(
        STUDIES,
        body=load_text("error_400_intervention_query_parse.txt"),
        status=400,
        content_type="text/plain",
    )
    with pytest.raises(BadRequest) as caught:
        search(intervention="pembrolizumab)", client=quiet_client())
    message = str(caught.value)
    assert "Error parsing query in Intervention / treatment" in message
    assert "parentheses" in message
    assert "\n" not in message
    assert caught.value.status_code == 400
    assert len(responses.calls) == 1


@responses.activate
def test_retries_429_honouring_retry_after() -> None:
    """It waits as long as Retry-After asks, then succeeds."""
    responses.get(STUDIES, status=429, headers={"Retry-After": "2"})
    responses.get(STUDIES, status=429, headers={"Retry-After": "1"})
    responses.get(STUDIES, json=load_json("search_all_blinatumomab_single_page.json"))
    client = quiet_client()
    result = search(condition="ALL", client=client)
    assert len(result.studies) == 2
    assert client._sleep == [2.0, 1.0]  # type: ignore[comparison-overlap]


@responses.activate
def test_hostile_retry_after_is_capped() -> None:
    """It never waits longer than the cap, whatever the server asks."""
    responses.get(STUDIES, status=503, headers={"Retry-After": "86400"})
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    client = quiet_client(max_retry_after=5.0)
    search(condition="x", client=client)
    assert client._sleep == [5.0]  # type: ignore[comparison-overlap]


@pytest.mark.parametrize(
    ("status", "exc", "attempts"),
    [
        (429, RateLimited, 4),
        (502, ServerError, 4),
        (503, ServerError, 4),
        (504, ServerError, 4),
        (500, ServerError, 2),
        (400, BadRequest, 1),
        (403, ApiStatusError, 1),
        (404, ApiStatusError, 1),
    ],
)
@responses.activate
def test_retry_policy_by_status(status: int, exc: type[Exception], attempts: int) -> None:
    """It retries only transient statuses, a 500 only once, and raises the last error itself."""
    responses.get(STUDIES, status=status, body="nope")
    with pytest.raises(exc):
        search(condition="x", client=quiet_client())
    assert len(responses.calls) == attempts


@responses.activate
def test_max_attempts_configurable() -> None:
    """It tries as many times as configured."""
    responses.get(STUDIES, status=503)
    with pytest.raises(ServerError):
        search(condition="x", client=quiet_client(max_attempts=2))
    assert len(responses.calls) == 2


@responses.activate
def test_backoff_is_exponential_with_jitter() -> None:
    """It waits longer after each failure, never the same fixed amount."""
    responses.get(STUDIES, status=503)
    client = quiet_client(backoff=1.0)
    with pytest.raises(ServerError):
        search(condition="x", client=client)
    waits = client._sleep  # type: ignore[attr-defined]
    assert len(waits) == 3
    for n, wait in enumerate(waits):
        assert 2**n <= wait <= 2**n + 1


@responses.activate
def test_html_instead_of_json_is_retried() -> None:
    """It treats a 200 HTML page as a passing fault and tries again."""
    responses.get(
        STUDIES, body=load_text("error_503_html_maintenance.html"), content_type="text/html"
    )
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    result = search(condition="x", client=quiet_client(), explain_empty=False)
    assert result.studies == [] and result.total_count == 0
    assert len(responses.calls) == 2


@responses.activate
def test_html_every_time_is_unexpected_html() -> None:
    """It gives up on HTML after the configured attempts with a clear error."""
    responses.get(STUDIES, body="<html><body>busy</body></html>", content_type="text/html")
    with pytest.raises(UnexpectedHtml, match="web page instead of data"):
        search(condition="x", client=quiet_client())
    assert len(responses.calls) == 4


@pytest.mark.parametrize(
    "body", [b'{"studies": [{"protocolSection": ', b"not json", b"\xff\xfe", b""]
)
@responses.activate
def test_unreadable_body_is_invalid_response(body: bytes) -> None:
    """It reports a truncated or non-JSON body without retrying."""
    responses.get(STUDIES, body=body, content_type="application/json")
    with pytest.raises(InvalidResponse, match="not valid JSON"):
        search(condition="x", client=quiet_client())
    assert len(responses.calls) == 1


@pytest.mark.parametrize("body", [[], {"studies": "x"}, 42])
@responses.activate
def test_wrong_shape_is_invalid_response(body: object) -> None:
    """It reports JSON that is not a page of studies."""
    responses.get(STUDIES, json=body)
    with pytest.raises(InvalidResponse, match="not a page of studies"):
        search(condition="x", client=quiet_client())


@pytest.mark.parametrize(
    ("error", "exc"),
    [
        (requests.ConnectTimeout("t"), ApiTimeout),
        (requests.ReadTimeout("t"), ApiTimeout),
        (requests.ConnectionError("refused"), ApiConnectionError),
        (requests.exceptions.ChunkedEncodingError("cut"), ApiConnectionError),
        (requests.exceptions.TooManyRedirects("loop"), ApiConnectionError),
    ],
)
@responses.activate
def test_network_errors_are_wrapped_and_retried(error: Exception, exc: type[Exception]) -> None:
    """It wraps every requests exception in its own error type, after retrying."""
    responses.get(STUDIES, body=error)
    with pytest.raises(exc) as caught:
        search(condition="x", client=quiet_client())
    assert isinstance(caught.value, TrialFinderError)
    assert not isinstance(caught.value, requests.RequestException)
    assert len(responses.calls) == 4


@responses.activate
def test_pacing_spaces_requests_but_not_the_first() -> None:
    """It waits before a second request so that it sends about one a second."""
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    sleeps = Sleeps()
    client = Client(min_interval=1.0, sleep=sleeps)
    client.get_json("/studies")
    assert sleeps == []
    client.get_json("/studies")
    assert len(sleeps) == 1 and 0.5 < sleeps[0] <= 1.0


@responses.activate
@pytest.mark.usefixtures("real_waits")
def test_by_default_it_paces_one_a_second_and_backs_off_from_one_second() -> None:
    """Without settings it spaces requests 1 s apart and waits 1-2 s, then 2-3 s, to retry."""
    for name in (PAGE1, PAGE2, PAGE3):
        responses.get(STUDIES, json=load_json(name))
    sleeps = Sleeps()
    client = Client(sleep=sleeps)
    assert (client.min_interval, client.backoff, client.max_retry_after) == (1.0, 1.0, 30.0)
    search(condition="multiple myeloma", intervention="radiation AND pembrolizumab", client=client)
    assert len(sleeps) == 2 and all(0.5 < wait <= 1.0 for wait in sleeps)
    responses.reset()
    responses.get(STUDIES, status=503)
    sleeps.clear()
    with pytest.raises(ServerError):
        Client(sleep=sleeps, min_interval=0).get_json("/studies")
    assert len(sleeps) == 3
    for n, wait in enumerate(sleeps):
        assert 2**n <= wait <= 2**n + 1


@pytest.mark.usefixtures("real_waits")
def test_wait_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """It reads the waits from TRIALFINDER_MIN_INTERVAL, _BACKOFF and _MAX_RETRY_AFTER."""
    local = "http://127.0.0.1:9/api/v2"
    monkeypatch.setenv("TRIALFINDER_MIN_INTERVAL", "0")
    monkeypatch.setenv("TRIALFINDER_BACKOFF", " 0.25 ")
    monkeypatch.setenv("TRIALFINDER_MAX_RETRY_AFTER", "2")
    client = Client(local)
    assert (client.min_interval, client.backoff, client.max_retry_after) == (0.0, 0.25, 2.0)
    explicit = Client(local, min_interval=3, backoff=4, max_retry_after=5)
    assert (explicit.min_interval, explicit.backoff, explicit.max_retry_after) == (3, 4, 5)
    monkeypatch.setenv("TRIALFINDER_BACKOFF", "")
    assert Client(local).backoff == 1.0


@pytest.mark.usefixtures("real_waits")
def test_the_environment_never_shortens_waits_on_the_public_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It keeps at least the built-in waits against ClinicalTrials.gov, and allows longer."""
    for name in ("MIN_INTERVAL", "BACKOFF", "MAX_RETRY_AFTER"):
        monkeypatch.setenv(f"TRIALFINDER_{name}", "0")
    client = Client(API)
    assert (client.min_interval, client.backoff, client.max_retry_after) == (1.0, 1.0, 30.0)
    monkeypatch.setenv("TRIALFINDER_MIN_INTERVAL", "2.5")
    monkeypatch.setenv("TRIALFINDER_BACKOFF", "1e9")
    client = Client(API)
    assert (client.min_interval, client.backoff) == (2.5, 30.0)


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_wait_setting_is_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """It names the variable and the value, and sends nothing."""
    monkeypatch.setenv("TRIALFINDER_BACKOFF", value)
    with pytest.raises(ConfigError, match=r"^\$TRIALFINDER_BACKOFF must be a number of seconds"):
        Client("http://127.0.0.1:9/api/v2")


def test_env_var_sets_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """It takes the API URL from TRIALFINDER_API_URL when no argument is given."""
    monkeypatch.setenv("TRIALFINDER_API_URL", "http://127.0.0.1:9999/api/v2/")
    assert Client().api_url == "http://127.0.0.1:9999/api/v2"
    assert Client("http://example.test/v2").api_url == "http://example.test/v2"


def test_bad_api_url_is_invalid_query() -> None:
    """It rejects a malformed API URL before any request."""
    with pytest.raises(InvalidQuery):
        Client("not a url")


def test_client_is_a_context_manager() -> None:
    """It closes its session on exit."""
    closed: list[bool] = []
    session = requests.Session()
    session.close = lambda: closed.append(True)  # type: ignore[method-assign]
    with Client(session=session) as client:
        assert client.api_url == API
        assert closed == []
    assert closed == [True]


@responses.activate
def test_a_404_message_shows_the_url_without_its_query(caplog: pytest.LogCaptureFixture) -> None:
    """It keeps the error to one short line; the full URL goes to the debug log."""
    responses.get("http://127.0.0.1:1/wrong/studies", status=404, body="Not Found")
    client = quiet_client(api_url="http://127.0.0.1:1/wrong")
    with caplog.at_level("DEBUG", logger="trialfinder"), pytest.raises(ApiStatusError) as caught:
        search(condition="x", client=client, fields=["NCTId", "BriefTitle"])
    message = str(caught.value)
    assert "http://127.0.0.1:1/wrong/studies;" in message
    assert "?" not in message and "query.cond" not in message and len(message) < 140
    assert caught.value.url.startswith("http://127.0.0.1:1/wrong/studies?")  # kept whole
    assert any("query.cond=x" in r.getMessage() for r in caplog.records)


@responses.activate
def test_waits_are_announced_then_cleared() -> None:
    """It tells a display why and how long it waits before each retry, then that it is over."""
    responses.get(STUDIES, status=503)
    responses.get(STUDIES, status=503)
    responses.get(STUDIES, json=load_json(PAGE3))
    seen: list[RetryWait | None] = []
    client = quiet_client(on_wait=seen.append, backoff=1.0)
    search(condition="x", client=client, explain_empty=False)
    waits = [w for w in seen if w is not None]
    assert [(w.reason, w.attempt, w.attempts) for w in waits] == [
        ("HTTP 503", 2, 4),
        ("HTTP 503", 3, 4),
    ]
    assert [w.seconds for w in waits] == client._sleep  # type: ignore[attr-defined]
    assert seen[-1] is None and seen.count(None) == 1


@responses.activate
def test_no_wait_no_announcement() -> None:
    """It says nothing to the display when the first attempt succeeds or is not retried."""
    responses.get(STUDIES, json=load_json(PAGE3))
    seen: list[RetryWait | None] = []
    search(condition="x", client=quiet_client(on_wait=seen.append), explain_empty=False)
    responses.replace(responses.GET, STUDIES, status=400, body="bad")
    with pytest.raises(BadRequest):
        search(condition="x", client=quiet_client(on_wait=seen.append))
    assert seen == []


def test_requests_sent_counts_only_requests_on_the_network(no_pacing: None) -> None:
    """It counts each attempt that goes out, retries included."""
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, API + "/version", status=503, body="busy")
        rsps.add(responses.GET, API + "/version", json={"apiVersion": "2.0.5"})
        with Client(API, backoff=0) as client:
            assert client.get_json("/version") == {"apiVersion": "2.0.5"}
            assert (client.requests_sent, client.cache_hits) == (2, 0)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"timeout": (float("nan"), float("nan"))}, "timeout= "),
        ({"timeout": (10.0, float("inf"))}, "timeout= "),
        ({"timeout": float("nan")}, "timeout= "),
        ({"timeout": (0, 30)}, "timeout= "),
        ({"timeout": None}, "timeout= "),
        ({"min_interval": float("nan")}, "min_interval "),
        ({"min_interval": float("inf")}, "min_interval "),
        ({"backoff": float("nan")}, "backoff "),
        ({"max_retry_after": float("inf")}, "max_retry_after "),
        ({"max_retry_after": "30"}, "max_retry_after "),
    ],
)
def test_nan_or_infinite_seconds_are_refused_at_once(kwargs: dict[str, object], named: str) -> None:
    """NaN, infinity or no number for a timeout or a wait is an InvalidQuery naming the
    argument when the client is made, not a ValueError at the first request or a wait
    that never ends."""
    with pytest.raises(InvalidQuery) as caught:
        Client("http://127.0.0.1:9/api/v2", **kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"{named}takes "), caught.value


def test_finite_seconds_are_kept() -> None:
    """One number is both timeouts, as for requests; a negative wait is no wait."""
    client = Client("http://127.0.0.1:9/api/v2", timeout=5, min_interval=-1, backoff=0.5)
    assert (client.timeout, client.min_interval, client.backoff) == ((5.0, 5.0), 0.0, 0.5)


@pytest.mark.parametrize("name", ["MIN_INTERVAL", "BACKOFF", "MAX_RETRY_AFTER"])
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e999"])
def test_every_wait_variable_refuses_nan_and_infinity(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """Each TRIALFINDER_* wait refuses NaN and infinity, naming the variable."""
    monkeypatch.setenv(f"TRIALFINDER_{name}", value)
    with pytest.raises(ConfigError, match=rf"^\$TRIALFINDER_{name} must be a number of seconds"):
        Client("http://127.0.0.1:9/api/v2")
