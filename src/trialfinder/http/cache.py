"""An on-disk cache of the API's answers, so that a repeated search costs no request.

Built on requests-cache (SQLite in the user cache directory, readable by its owner only: the
answers name the conditions and treatments searched for). Only answers that are
worth keeping are stored: HTTP 200 with a body that parses as JSON.
Errors, HTML pages and bodies cut short are never stored, so never served again. A cache
file that cannot be read does not stop a search: the session falls back to the network
and says so once on stderr.

requests-cache is imported only when a cached session is made, never at ``--help``.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from trialfinder import paths
from trialfinder.defaults import DEFAULT_CACHE_TTL, MAX_CACHE_TTL
from trialfinder.errors import CacheError
from trialfinder.query.values import check_seconds

#: Seconds an answer is served from the cache: one hour.
DEFAULT_TTL = DEFAULT_CACHE_TTL


def cache_dir() -> Path:
    """Where the cache lives: ``$TRIALFINDER_CACHE_DIR``, else ``$XDG_CACHE_HOME/trialfinder``,
    else the platform's cache folder (``~/.cache/trialfinder`` on Linux; see
    :func:`trialfinder.paths.cache_dir`)."""
    return paths.cache_dir()


def cache_path(directory: Path | None = None) -> Path:
    """The cache's SQLite file."""
    return paths.cache_file(directory)


def is_cacheable(response: Any) -> bool:
    """True for a whole, successful JSON answer: status 200 and a JSON object as the body."""
    if getattr(response, "status_code", None) != 200:
        return False
    if getattr(response, "from_cache", False):
        return True  # checked when it was stored (requests-cache asks again on every hit)
    return is_json_object(response.content)


def is_json_object(body: bytes) -> bool:
    """True when ``body`` is one whole JSON object (checked without building Python objects)."""
    from pydantic import ValidationError

    try:
        _json_object_check().validate_json(body)
    except ValidationError:
        return False
    return True


@lru_cache(maxsize=1)
def _json_object_check() -> Any:
    from pydantic import TypeAdapter
    from typing_extensions import TypedDict

    class AnyObject(TypedDict, total=False):
        pass  # no keys kept: pydantic checks the whole text and makes no Python objects

    return TypeAdapter(AnyObject)


def _stderr_notice(message: str) -> None:
    print(f"trialfinder: notice: {message}", file=sys.stderr)


def cached_session(
    ttl: float = DEFAULT_TTL,
    directory: Path | None = None,
    *,
    notice: Callable[[str], None] = _stderr_notice,
    yaml_serializer: bool = True,
) -> Any:
    """A ``requests.Session`` that answers repeated GETs from the disk for ``ttl`` seconds.

    Pass it to :class:`trialfinder.Client` as ``session=``. When the cache cannot be
    opened, or later fails to read or write, the session goes to the network instead and
    ``notice`` is called once with a one-line explanation.

    Args:
        ttl: seconds an answer stays fresh (default one hour, at most a year).
        directory: where the cache file lives (default :func:`cache_dir`).
        notice: receives the one-line message when the cache is unusable.
        yaml_serializer: False when the process needs no requests-cache session but this
            one (the command line): requests-cache is then imported, if not yet, without
            its optional YAML serializer, whose PyYAML takes some 20 ms to load. This
            cache stores pickles and never needs it.

    Raises:
        InvalidQuery: ``ttl`` is not a number of seconds from 0 up to a year.
    """
    # NaN, infinity or centuries would fail at the first answer stored, past the fallback.
    ttl = check_seconds(ttl, "ttl", most=MAX_CACHE_TTL)
    import requests

    if not yaml_serializer:
        _import_without_yaml()
    from requests_cache import CachedSession

    path = cache_path(directory)

    class _SafeCachedSession(CachedSession):  # type: ignore[misc,unused-ignore]
        broken = False

        def _fall_back(self, exc: BaseException) -> None:
            self.broken = True
            notice(
                f"the response cache at {path} is unusable ({type(exc).__name__}); "
                "searching without it (run 'trialfinder cache clear' to reset it)"
            )

        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            if not self.broken:
                try:
                    return super().send(request, **kwargs)
                except (sqlite3.Error, OSError) as exc:
                    if isinstance(exc, requests.RequestException):
                        raise
                    self._fall_back(exc)
            return requests.Session.send(self, request, **kwargs)

    try:
        # A folder someone named (the variable, ``directory``) that exists is left as it is.
        paths.private_folder(path.parent, tighten=paths.is_app_folder(path.parent))
        paths.private_file(path)
        session = _SafeCachedSession(
            str(path),
            backend="sqlite",
            expire_after=ttl,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            filter_fn=is_cacheable,
            stale_if_error=False,
        )
    except paths.WrongKindError as exc:
        notice(f"the response cache cannot be kept at {path}: {exc}; searching without it")
        return requests.Session()
    except (sqlite3.Error, OSError) as exc:
        notice(
            f"the response cache at {path} cannot be opened ({type(exc).__name__}); "
            "searching without it"
        )
        return requests.Session()
    return session


def _import_without_yaml() -> None:
    if "requests_cache" in sys.modules or "yaml" in sys.modules:
        return
    # A module set to None cannot be imported: requests-cache then leaves out its YAML
    # serializer, as when PyYAML is not installed. Later imports of yaml work as usual.
    sys.modules["yaml"] = None  # type: ignore[assignment]
    try:
        import requests_cache  # noqa: F401
    finally:
        if sys.modules.get("yaml", ...) is None:
            del sys.modules["yaml"]


def cache_info(directory: Path | None = None) -> dict[str, Any]:
    """What the cache holds: its file, size in bytes and stored answers.

    Raises:
        CacheError: the file exists but cannot be read.
    """
    path = cache_path(directory)
    info: dict[str, Any] = {
        "path": str(path),
        "exists": path.exists(),
        "bytes": 0,
        "responses": 0,
    }
    if not path.exists():
        return info
    info["bytes"] = path.stat().st_size
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "responses" in tables:
                info["responses"] = int(db.execute("SELECT count(*) FROM responses").fetchone()[0])
    except sqlite3.Error as exc:
        raise CacheError(
            f"The cache file {path} cannot be read ({exc}); run 'trialfinder cache clear'."
        ) from None
    return info


def clear_cache(directory: Path | None = None) -> int:
    """Delete the cache file (and SQLite's side files). Returns the bytes freed.

    Raises:
        CacheError: the file exists but cannot be deleted.
    """
    path = cache_path(directory)
    freed = 0
    for candidate in (path, *(Path(f"{path}{side}") for side in paths.SQLITE_SIDE_SUFFIXES)):
        if candidate.exists():
            try:
                size = candidate.stat().st_size
                candidate.unlink()
            except OSError as exc:
                raise CacheError(f"Could not delete {candidate}: {exc.strerror}.") from None
            freed += size
    return freed
