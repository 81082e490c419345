"""How ``trialfinder show`` prints one study in full, as text or as JSON."""

from __future__ import annotations

import sys

import click

from trialfinder.cli.calls import make_client
from trialfinder.cli.feedback import echo_text


def run_show(nct_id: str, fmt: str, api_url: str | None, timeout: float, retries: int) -> None:
    """Run ``trialfinder show`` with the values its options were given (see its --help)."""
    from trialfinder.ids import normalize_nct_id
    from trialfinder.query.values import check_api_url

    nct_id = normalize_nct_id(nct_id)
    if api_url is not None:
        check_api_url(api_url)

    import json

    from trialfinder.api import get_study
    from trialfinder.models.notes import StudyNotes
    from trialfinder.notes.annotate import staleness
    from trialfinder.render.formats import study_dict
    from trialfinder.render.study import render_study
    from trialfinder.render.term import output_width
    from trialfinder.render.words import STUDY_DISCLAIMER

    with make_client(api_url, timeout, retries) as client:
        study = get_study(nct_id, client=client)
    stale = staleness(study)
    if fmt.lower() == "json":
        notes = StudyNotes(stale=stale).model_dump(mode="json")
        doc = {**study_dict(study), "notes": notes}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        echo_text(STUDY_DISCLAIMER, err=True)
    else:
        text = render_study(study, output_width(sys.stdout), stale)
        echo_text(text, nl=False)
