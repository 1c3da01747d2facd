"""The one error type the library raises for problems a user must fix."""

from __future__ import annotations


class DjmigratorError(Exception):
    """Bad input or an unreachable database: the message says what to do.

    The management command turns it into exit status 2.
    """
