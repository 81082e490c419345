"""Every error trialfinder raises, rooted in one class.

::

    TrialFinderError
    ├── InvalidQuery          bad input, caught before anything is sent (also a ValueError)
    ├── ConfigError           the user's configuration file is unreadable or wrong
    ├── NetworkError          the API could not be reached
    │   ├── ApiConnectionError
    │   └── ApiTimeout
    ├── ApiStatusError        the API answered with an HTTP error status
    │   ├── BadRequest        400: the API rejected the request (its text is kept)
    │   ├── StudyNotFound     404
    │   ├── RateLimited       429
    │   └── ServerError       5xx
    ├── InvalidResponse       the body was not JSON, or not shaped like the API's answers
    │   └── UnexpectedHtml    an HTML page arrived where JSON was expected
    ├── InvalidStudy          one study record could not be normalized
    ├── WatchError            saved searches (``trialfinder watch``)
    │   ├── InvalidWatch      a bad name, a name already taken, or saved options this version lacks
    │   ├── UnknownWatch      no saved search has this name
    │   └── WatchStoreError   the database of saved searches cannot be read or written
    ├── CacheError            the response cache cannot be read or cleared
    ├── MissingDependency     an optional library is not installed (the message says how)
    └── ExportError           a dataset folder cannot be written (``trialfinder export``)
        └── ExportDirectoryNotEmpty  the folder holds files and replacing was not allowed

No exception of requests, json or pydantic leaves the library: each is wrapped where it occurs.

A message names the caller's arguments in the library's words (``near=``, ``timeout=``); a
front end that calls them something else (the command line's ``--near``) shows its own names
with :meth:`TrialFinderError.message_with`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from trialfinder.filterspec import FILTERS, SEARCH_WORDS

#: The arguments a message may name, written ``{name}`` in the message.
ARGUMENTS = frozenset(
    {
        *SEARCH_WORDS,
        # A flag (healthy_volunteers, expand) takes no value a message could find wrong.
        *(f.name for f in FILTERS if not f.flag),
        "api_url",
        "timeout",
        "max_attempts",
        "path",
        "replace",
    }
)
_ARGUMENT = re.compile(r"\{(" + "|".join(sorted(ARGUMENTS)) + r")\}")


class TrialFinderError(Exception):
    """Base class of every error raised by trialfinder.

    Args:
        message: what went wrong and how to fix it. An argument of the call is written
            ``{name}`` (one of :data:`ARGUMENTS`): ``str(error)`` shows it as ``name=``.
    """

    def __str__(self) -> str:
        return self.message_with({})

    def message_with(self, names: Mapping[str, str]) -> str:
        """The message with each argument called by its name in ``names`` (else ``name=``)."""
        text = super().__str__()
        return _ARGUMENT.sub(lambda m: names.get(m.group(1), m.group(1) + "="), text)


class InvalidQuery(TrialFinderError, ValueError):
    """The search or study ID given by the caller cannot be sent; the message says how to fix it."""


class ConfigError(TrialFinderError):
    """The configuration file cannot be read or holds an unknown or mistyped setting."""


class NetworkError(TrialFinderError):
    """The API could not be reached or did not answer in time."""


class ApiConnectionError(NetworkError):
    """The connection failed or was closed before an answer arrived."""


class ApiTimeout(NetworkError):
    """The API did not answer within the timeout."""


class ApiStatusError(TrialFinderError):
    """The API answered with an HTTP error status.

    Attributes:
        status_code: the HTTP status.
        url: the URL that was requested.
        body: the start of the response body, trimmed (the API's errors are plain text).
        retry_after: seconds the server asked us to wait, when it said so.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        url: str,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url
        self.body = body
        self.retry_after = retry_after


class BadRequest(ApiStatusError):
    """HTTP 400: the API rejected the request, usually the syntax of a search term."""


class StudyNotFound(ApiStatusError):
    """HTTP 404: no study has this ID."""


class RateLimited(ApiStatusError):
    """HTTP 429: too many requests."""


class ServerError(ApiStatusError):
    """HTTP 5xx: the API failed or is temporarily unavailable."""


class InvalidResponse(TrialFinderError):
    """The API's answer could not be read: not JSON, truncated, or not the expected shape."""


class UnexpectedHtml(InvalidResponse):
    """An HTML page (often a proxy's error page) arrived where JSON was expected."""


class InvalidStudy(TrialFinderError):
    """A single study record could not be normalized (for example, it has no NCT ID)."""


class WatchError(TrialFinderError):
    """A problem with saved searches or the database that keeps them."""


class InvalidWatch(WatchError, ValueError):
    """A saved search cannot be made as asked: bad name, name taken, or unusable options."""


class UnknownWatch(WatchError):
    """No saved search has the given name."""


class WatchStoreError(WatchError):
    """The database of saved searches is unreadable, foreign, too new, locked or not writable.

    Nothing is changed or overwritten when this is raised; the message says what to do.
    """


class CacheError(TrialFinderError):
    """The on-disk response cache cannot be read or cleared (``trialfinder cache``)."""


class MissingDependency(TrialFinderError):
    """An optional library that this feature needs is not installed.

    Attributes:
        package: the library missing (``pyarrow``).
        extra: the trialfinder extra that installs it (``parquet``).
    """

    def __init__(self, message: str, *, package: str, extra: str) -> None:
        super().__init__(message)
        self.package = package
        self.extra = extra


class ExportError(TrialFinderError):
    """A dataset folder cannot be created or written."""


class ExportDirectoryNotEmpty(ExportError):
    """The dataset folder holds files, and replacing them was not allowed (``force``).

    Attributes:
        path: the folder.
        entries: the names it holds, sorted.
    """

    def __init__(self, path: object, entries: list[str]) -> None:
        self.path = path
        self.entries = entries
        super().__init__(
            f"{path} is not empty ({self.summary()}); choose an empty or new folder, "
            "or pass force=True to write into it, replacing an earlier export there."
        )

    def summary(self) -> str:
        """``3 entries: a, b, c`` (at most three names)."""
        shown = ", ".join(self.entries[:3]) + (", …" if len(self.entries) > 3 else "")
        count = len(self.entries)
        return f"{count} {'entry' if count == 1 else 'entries'}: {shown}"
