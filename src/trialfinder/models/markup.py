"""Registry text without CommonMark's backslash escapes.

The API sends its ``markup`` fields (eligibility criteria, summaries, descriptions, why
stopped; see ``/studies/metadata``) as CommonMark, where punctuation that would otherwise be
markup is escaped: ``Age \\>= 18``, ``\\[optional\\]``. People and programs want the text the
submitter typed, so the models read these fields through :func:`unescape_markup`; the
Markdown and HTML pages escape again for their own format.

Plain ``text`` fields (titles, conditions, names) are not escaped by the API and are left
alone: a backslash there is the registry's own character.
"""

from __future__ import annotations

import re

# CommonMark 0.28, "Backslash escapes": any ASCII punctuation character may be escaped;
# a backslash before any other character (a letter, a space, a line break) is literal.
# Code spans, where escapes stay literal, do not occur: the registry's backticks come escaped.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markup(text: str) -> str:
    """``text`` with each CommonMark backslash escape replaced by the character it escapes.

    ``\\>=`` gives ``>=`` and ``\\\\`` one backslash; a backslash before anything other than
    ASCII punctuation (``C:\\temp``, ``\\é``, a backslash at the end) is kept as it is.
    The registry's list markers (``*``, ``1.``) are not escapes and stay, so lists still
    read as lists.
    """
    if "\\" not in text:
        return text
    return _ESCAPE.sub(r"\1", text)
