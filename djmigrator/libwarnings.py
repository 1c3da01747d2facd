"""The warnings SQLAlchemy and alembic raise while djmigrator reads a schema.

They are about djmigrator's own use of those libraries, not about the user's
code, so none of them reaches the user's terminal: each is either dropped,
where djmigrator reads the thing itself, or said in our own words as a note of
the report.  Any other warning raised meanwhile (Django's, the project's) is
passed on untouched.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

#: (pattern of a library's message, our note; None drops it).  The first match wins.
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    # SQLite: djmigrator reads expression indexes and partial predicates itself
    # (``vendors.sqlite.live_unreflected_indexes``).
    (re.compile(r"Skipped unsupported reflection of expression-based index"), None),
    (re.compile(r"Failed to look up filter predicate of partial index"), None),
    (
        re.compile(r"Did not recognize type '(?P<type>[^']*)' of (?:column )?'?(?P<col>[^']*)'?"),
        "column {col} has type {type}, which SQLAlchemy cannot read: "
        "that column's type is not compared",
    ),
    (
        re.compile(r"Could not parse CHECK constraint text: (?P<text>.*)"),
        "a CHECK constraint could not be read back ({text}): it is not compared",
    ),
)


def _ours(category: type[Warning], filename: str) -> bool:
    if issubclass(category, sa.exc.SAWarning):
        return True
    return "alembic" in filename.replace("\\", "/").split("/")


def note_for(message: str) -> str | None:
    """Our words for a library's warning ``message`` (None: nothing to say)."""
    for pattern, template in _TRANSLATIONS:
        found = pattern.search(message)
        if found:
            return template.format(**found.groupdict()) if template else None
    return f"the schema reader warned: {message}"


@contextmanager
def captured(notes: list[str]) -> Iterator[None]:
    """Collect SQLAlchemy's and alembic's warnings into ``notes`` (our words).

    Enter it once, in the caller's thread, around a whole comparison or sync:
    the threads it starts share the process's warning filters.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa.exc.SAWarning)
        yield
    for item in caught:
        if _ours(item.category, item.filename):
            text = note_for(str(item.message))
            if text and text not in notes:
                notes.append(text)
        else:  # not ours to hide: shown as it would have been
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
