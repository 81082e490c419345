"""The address the docs gave the response cache before the package was split into folders.

``trialfinder.cache.cached_session`` still works; the cache lives in
:mod:`trialfinder.http.cache`, and :func:`trialfinder.cached_session` is the name to use.
"""

from __future__ import annotations

from trialfinder.http.cache import cached_session

__all__ = ["cached_session"]
