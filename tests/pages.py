"""Pages of studies made on demand, and the ``fields=`` filter of the real API, for tests.

:class:`PagedApi` answers ``GET /studies`` like the API: ``pageSize`` (at most 1000),
``pageToken``, ``totalCount`` on the first page and, when asked, only the requested
fields. It records the parameters of every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SHARED_CTGOV = Path(__file__).parent.parent.parent / "shared" / "ctgov"
METADATA = SHARED_CTGOV / "metadata" / "studies-metadata.json"


def piece_paths(metadata: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Piece name → path of keys in a study document, from a ``/studies/metadata`` body."""
    pieces: dict[str, tuple[str, ...]] = {}

    def walk(nodes: list[dict[str, Any]], path: tuple[str, ...]) -> None:
        for node in nodes:
            here = (*path, node["name"])
            if "piece" in node:
                pieces[node["piece"]] = here
            walk(node.get("children", []), here)

    walk(metadata, ())
    return pieces


def _project(node: Any, path: tuple[str, ...]) -> Any:
    """The part of ``node`` on ``path``, keeping the shape (lists stay lists)."""
    if not path:
        return node
    if isinstance(node, list):
        kept = [_project(item, path) for item in node]
        if all(item is None for item in kept):
            return None
        # Items without the field stay as {} so that lists of several fields line up.
        return [{} if item is None else item for item in kept]
    if not isinstance(node, dict) or path[0] not in node:
        return None
    inner = _project(node[path[0]], path[1:])
    return None if inner is None else {path[0]: inner}


def _merge(into: Any, part: Any) -> Any:
    if isinstance(into, dict) and isinstance(part, dict):
        for key, value in part.items():
            into[key] = _merge(into[key], value) if key in into else value
        return into
    if isinstance(into, list) and isinstance(part, list):
        return [_merge(a, b) for a, b in zip(into, part, strict=False)]
    return part


def filter_record(
    record: dict[str, Any], pieces: Iterable[str], paths: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """What the API returns for ``record`` with ``fields=`` the given piece names."""
    out: dict[str, Any] = {}
    for piece in pieces:
        part = _project(record, paths[piece])
        if part is not None:
            out = _merge(out, part)
    return out


def minimal_study(number: int) -> dict[str, Any]:
    """A small valid study record with NCT ID ``number``."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": f"NCT{number:08d}", "briefTitle": f"Study {number}"},
            "statusModule": {"overallStatus": "RECRUITING"},
        }
    }


class PagedApi:
    """``GET /studies`` over ``total`` studies, for a ``responses`` callback.

    Args:
        total: how many studies match.
        make_study: builds the record of study number n (default :func:`minimal_study`).
        token_on_full_last_page: like the live API, offer a token after an exactly full
            last page (the page it leads to is empty).
    """

    def __init__(
        self,
        total: int,
        make_study: Callable[[int], dict[str, Any]] = minimal_study,
        *,
        token_on_full_last_page: bool = False,
    ) -> None:
        self.total = total
        self.make_study = make_study
        self.token_on_full_last_page = token_on_full_last_page
        self.requests: list[dict[str, str]] = []

    def page(self, params: dict[str, str]) -> dict[str, Any]:
        """The page answering ``params``."""
        self.requests.append(params)
        size = min(int(params.get("pageSize", "10")), 1000)
        start = int(params.get("pageToken", "0"))
        end = min(start + size, self.total)
        body: dict[str, Any] = {
            "studies": [self.make_study(n) for n in range(start + 1, end + 1)],
        }
        if end < self.total or (self.token_on_full_last_page and end - start == size):
            body["nextPageToken"] = str(end)
        if "pageToken" not in params and params.get("countTotal") == "true":
            body["totalCount"] = self.total
        return body

    def callback(self, request: Any) -> tuple[int, dict[str, str], str]:
        """A ``responses.add_callback`` handler."""
        params = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
        return 200, {"Content-Type": "application/json"}, json.dumps(self.page(params))
