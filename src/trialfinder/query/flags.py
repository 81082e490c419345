"""How the command line names the library's arguments: the one map from one to the other.

Library messages name arguments as the library does (``near=``, see
:class:`trialfinder.errors.TrialFinderError`); the command line shows them as its options
with this map. Light to import: no third-party modules.
"""

from __future__ import annotations

from trialfinder.errors import ARGUMENTS, TrialFinderError
from trialfinder.filterspec import FILTERS

#: Library argument → command-line option.
FLAGS: dict[str, str] = {
    "condition": "-c/--condition",
    "intervention": "-i/--intervention",
    "term": "-t/--term",
    "limit": "-n/--limit",
    **{f.name: f.option[0] for f in FILTERS if not f.flag},
    "api_url": "--api-url",
    "timeout": "--timeout",
    "max_attempts": "--retries",
    "path": "--db",
    "replace": "--replace",
}
assert set(FLAGS) == ARGUMENTS, "every argument a message may name has its option"


def in_cli_words(error: TrialFinderError) -> str:
    """The error's message with the command line's option names."""
    return error.message_with(FLAGS)
