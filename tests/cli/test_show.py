"""Tests for trialfinder.cli.show: what the show command asks the API for."""

from __future__ import annotations

import responses
from click.testing import CliRunner

from conftest import API
from pages import PagedApi
from trialfinder.cli.main import cli


def test_show_asks_for_the_whole_record(no_pacing: None) -> None:
    """It fetches one study without a fields parameter."""
    record = PagedApi(1).make_study(2013167)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, API + "/studies/NCT02013167", json=record)
        result = CliRunner().invoke(cli, ["show", "NCT02013167", "--no-cache"])
        sent = rsps.calls[0].request.url
    assert result.exit_code == 0, result.output
    assert sent == API + "/studies/NCT02013167"
