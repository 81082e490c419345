"""An on-disk cache of the API's answers, so that a repeated search costs no request.

Built on requests-cache (SQLite in the user cache directory). Only answers that are
worth keeping are stored: HTTP 200 with a body that parses as JSON.
Errors, HTML pages and bodies cut short are never stored, so never served again. A cache
file that cannot be read does not stop a search: the session falls back to the network
and says so once on stderr.

The same file also holds :class:`ReadPages`, a memo of pages already decoded and
normalized, so that a repeated search skips that work as well as the request.

requests-cache is imported only when a cached session is made, never at ``--help``.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trialfinder.errors import CacheError

CACHE_DIR_ENV = "TRIALFINDER_CACHE_DIR"
#: Seconds an answer is served from the cache: one hour.
DEFAULT_TTL = 3600
CACHE_FILE = "http_cache.sqlite"


def cache_dir() -> Path:
    """Where the cache lives: ``$TRIALFINDER_CACHE_DIR``, else ``$XDG_CACHE_HOME/trialfinder``,
    else ``~/.cache/trialfinder``."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "trialfinder"


def cache_path(directory: Path | None = None) -> Path:
    """The cache's SQLite file."""
    return (directory or cache_dir()) / CACHE_FILE


def is_cacheable(response: Any) -> bool:
    """True for a whole, successful JSON answer: status 200 and a body that parses as JSON."""
    if getattr(response, "status_code", None) != 200:
        return False
    if getattr(response, "from_cache", False):
        return True  # checked when it was stored (requests-cache asks again on every hit)
    from trialfinder.client import decode_json

    try:
        decode_json(response)  # kept on the response: the client does not decode it again
    except ValueError:
        return False
    return True


class ReadPages:
    """A memo of pages already read, kept in the cache file beside the HTTP answers.

    The HTTP cache saves the request; this saves the work after it. Decoding and
    normalizing a page of 1,000 studies costs several times more than reading it back, so a
    repeated large search would otherwise be held up by work already done. Entries are keyed
    by a digest of the page's body (:func:`trialfinder.client.page_key`), so an entry is
    right whether the body came from the network or the cache; like the answers, entries
    older than the time-to-live are not used, and they are deleted as new ones are stored.
    The memo is only a shortcut: when its table cannot be read or written it stops being
    used and the pages are read as usual.
    """

    def __init__(self, path: Path, ttl: float) -> None:
        self.ttl = ttl
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(path, timeout=5, check_same_thread=False)
            with self._db:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS read_pages "
                    "(key TEXT PRIMARY KEY, stored REAL NOT NULL, page BLOB NOT NULL)"
                )
        except sqlite3.Error:
            self.close()

    def get(self, key: str) -> bytes | None:
        """The stored page for ``key``, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT page FROM read_pages WHERE key = ? AND stored >= ?",
                (key, time.time() - self.ttl),
            ).fetchone()
        except sqlite3.Error:
            self.close()
            return None
        return bytes(row[0]) if row else None

    def put(self, key: str, page: bytes) -> None:
        """Store a page read from a body, and delete entries older than the time-to-live."""
        if self._db is None:
            return
        now = time.time()
        try:
            with self._db:
                self._db.execute("DELETE FROM read_pages WHERE stored < ?", (now - self.ttl,))
                self._db.execute(
                    "INSERT OR REPLACE INTO read_pages VALUES (?, ?, ?)", (key, now, page)
                )
        except sqlite3.Error:
            self.close()

    def close(self) -> None:
        """Stop using the memo."""
        if self._db is not None:
            self._db.close()
        self._db = None


def _stderr_notice(message: str) -> None:
    print(f"trialfinder: notice: {message}", file=sys.stderr)


def cached_session(
    ttl: float = DEFAULT_TTL,
    directory: Path | None = None,
    *,
    notice: Callable[[str], None] = _stderr_notice,
) -> Any:
    """A ``requests.Session`` that answers repeated GETs from the disk for ``ttl`` seconds.

    Pass it to :class:`~trialfinder.client.Client` as ``session=``. The session also keeps,
    as ``read_pages``, a :class:`ReadPages` memo that the client uses so that a repeated page
    is not decoded and normalized again. When the cache cannot be opened, or later fails to
    read or write, the session goes to the network instead and ``notice`` is called once
    with a one-line explanation.

    Args:
        ttl: seconds an answer stays fresh (default one hour).
        directory: where the cache file lives (default :func:`cache_dir`).
        notice: receives the one-line message when the cache is unusable.
    """
    import requests
    from requests_cache import CachedSession

    path = cache_path(directory)

    class _SafeCachedSession(CachedSession):  # type: ignore[misc,unused-ignore]
        broken = False
        read_pages: ReadPages | None = None

        def close(self) -> None:
            super().close()  # type: ignore[no-untyped-call,unused-ignore]
            if self.read_pages is not None:
                self.read_pages.close()

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
        path.parent.mkdir(parents=True, exist_ok=True)
        session = _SafeCachedSession(
            str(path),
            backend="sqlite",
            expire_after=ttl,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            filter_fn=is_cacheable,
            stale_if_error=False,
        )
    except (sqlite3.Error, OSError) as exc:
        notice(
            f"the response cache at {path} cannot be opened ({type(exc).__name__}); "
            "searching without it"
        )
        return requests.Session()
    session.read_pages = ReadPages(path, ttl)
    return session


def cache_info(directory: Path | None = None) -> dict[str, Any]:
    """What the cache holds: its file, size in bytes, stored answers and pages kept read.

    Raises:
        CacheError: the file exists but cannot be read.
    """
    path = cache_path(directory)
    info: dict[str, Any] = {
        "path": str(path),
        "exists": path.exists(),
        "bytes": 0,
        "responses": 0,
        "read_pages": 0,
    }
    if not path.exists():
        return info
    info["bytes"] = path.stat().st_size
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            for table in ("responses", "read_pages"):
                if table in tables:
                    info[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
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
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            try:
                size = candidate.stat().st_size
                candidate.unlink()
            except OSError as exc:
                raise CacheError(f"Could not delete {candidate}: {exc.strerror}.") from None
            freed += size
    return freed
