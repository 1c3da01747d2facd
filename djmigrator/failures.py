"""Bad input and bad state met while working, as one-line ``DjmigratorError``\\ s.

A migration file that does not load, an inconsistent migration history, a
connection the server dropped, a SQLite file that is not a database (or is
read-only): these are the user's to fix, not bugs, so the command exits 2 with
one line naming the file or database and what to do, instead of a traceback.
Anything not recognised here is left alone (a traceback, exit 1: a bug).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import sqlalchemy as sa
from django.db import DatabaseError, connections
from django.db.migrations.exceptions import (
    BadMigrationError,
    InconsistentMigrationHistory,
    NodeNotFoundError,
)
from django.db.migrations.loader import MigrationLoader

from .connection import describe, driver_reason, ensure_connected
from .errors import DjmigratorError

#: SQLite result codes (primary) that mean "this file is not a usable database"
_SQLITE_CORRUPT = {11: "database disk image is malformed", 26: "file is not a database"}
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14


@contextmanager
def reported(alias: str | None = None, done: str = "") -> Iterator[None]:
    """Turn what ``translate`` recognises into a ``DjmigratorError``.

    ``done`` says what the run changed before the error (empty: nothing).
    """
    try:
        yield
    except DjmigratorError:
        raise
    except Exception as exc:
        error = translate(exc, alias, done)
        if error is None:
            raise
        raise error from exc


def check_migrations(aliases: list[str]) -> None:
    """Load the project's migration files and check each alias's history
    against them, as ``migrate`` does first; raise what ``reported`` words.

    A history that cannot be read (a user without rights on django_migrations)
    is not checked: the comparison does not need it.
    """
    with reported():
        loader = MigrationLoader(None, ignore_no_migrations=True)
    for alias in aliases:
        connection = ensure_connected(alias)
        with reported(alias):
            try:
                loader.check_consistent_history(connection)
            except DatabaseError as exc:
                if _database_error(exc, alias, "") is not None:
                    raise


def translate(exc: BaseException, alias: str | None, done: str = "") -> DjmigratorError | None:
    """The one-line error for ``exc``, or None when it is not bad input or state."""
    if isinstance(exc, SyntaxError):
        where = _relative(exc.filename or "?")
        return DjmigratorError(
            f"{where}, line {exc.lineno}: {exc.msg} (a Python syntax error); "
            "fix that file or remove it, then run smart_makemigrations again."
        )
    if isinstance(exc, BadMigrationError):
        return DjmigratorError(
            f"{str(exc).rstrip('.')}; fix that migration file or remove it, "
            "then run smart_makemigrations again."
        )
    if isinstance(exc, NodeNotFoundError):
        return DjmigratorError(
            f"{str(exc).rstrip('.')}; fix that migration's dependencies "
            "(or restore the missing file), then run smart_makemigrations again."
        )
    if isinstance(exc, ImportError):
        frame = _migration_frame(exc.__traceback__)
        if frame is not None:
            return DjmigratorError(
                f"{frame}: {str(exc).rstrip('.')}; fix that migration file's imports, "
                "then run smart_makemigrations again."
            )
        return None
    if isinstance(exc, InconsistentMigrationHistory):
        return DjmigratorError(
            f"{str(exc).rstrip('.')}: the history in django_migrations does not match "
            "the migration files; fix those rows (record the dependency if its schema "
            "is there, or remove the rows of the migrations that need it), "
            "then run smart_makemigrations again."
        )
    if alias is None or alias not in connections.settings:
        return None
    return _database_error(exc, alias, done)


def _database_error(exc: BaseException, alias: str, done: str) -> DjmigratorError | None:
    dj = connections[alias]
    changed = done or "Nothing was changed"
    if dj.vendor == "sqlite":
        error = _find(exc, sqlite3.Error)
        if error is None:
            return None
        code = _sqlite_code(error)
        where = f"Database '{alias}' ({describe(dj)})"
        if code in _SQLITE_CORRUPT:
            return DjmigratorError(
                f"{where} is not a readable SQLite database ({_SQLITE_CORRUPT[code]}); "
                f"restore it from a backup or fix DATABASES['{alias}']['NAME']. {changed}."
            )
        if code == _SQLITE_READONLY:
            return DjmigratorError(
                f"{where} is read-only (attempt to write a readonly database); a sync "
                f"writes to it: make it writable, or compare only with --check. {changed}."
            )
        if code == _SQLITE_CANTOPEN:
            return DjmigratorError(
                f"{where} cannot be opened (unable to open database file); check that "
                f"DATABASES['{alias}']['NAME'] names a file this user can read. {changed}."
            )
        return None
    if _disconnected(exc, alias):
        return DjmigratorError(
            f"Lost the connection to database '{alias}' ({describe(dj)}): "
            f"{_root_reason(exc)}. {changed}; run smart_makemigrations again "
            "when the server is reachable."
        )
    return None


def _disconnected(exc: BaseException, alias: str) -> bool:
    """Whether ``exc`` (or what caused it) is the server dropping the connection.

    SQLAlchemy's dialects know each driver's ways of saying so; the driver's
    connection itself says whether it is closed or broken.
    """
    from .connection import get_engine

    dj = connections[alias]
    raw = dj.connection
    try:
        dialect = get_engine(alias).dialect
        dbapi_error = dialect.loaded_dbapi.Error
    except Exception:  # an unsupported backend: nothing to say
        return False
    for error in _chain(exc):
        if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, sa.exc.PendingRollbackError) and "invalid" in str(error):
            return True
        if isinstance(error, dbapi_error) and dialect.is_disconnect(error, raw, None):
            return True
    if raw is not None and isinstance(_find(exc, dbapi_error), dbapi_error):
        # a driver error on a connection the driver now knows is gone
        closed = getattr(raw, "closed", False)
        return bool(closed) or bool(getattr(raw, "broken", False))
    return False


def _root_reason(exc: BaseException) -> str:
    """The innermost driver error, as ``Class: first line`` without secrets."""
    chain = list(_chain(exc))
    inner = next((e for e in reversed(chain) if not isinstance(e, sa.exc.SQLAlchemyError)), exc)
    return driver_reason(inner)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)  # SQLAlchemy's wrapped DBAPI error
        if isinstance(orig, BaseException) and id(orig) not in seen:
            yield orig
            seen.add(id(orig))
        current = current.__cause__ or current.__context__


def _find(
    exc: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]
) -> BaseException | None:
    return next((e for e in _chain(exc) if isinstance(e, kind)), None)


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF  # the primary code of an extended one
    text = str(error)
    for number, message in _SQLITE_CORRUPT.items():
        if message in text:
            return number
    if "readonly database" in text:
        return _SQLITE_READONLY
    if "unable to open database file" in text:
        return _SQLITE_CANTOPEN
    return None


def _relative(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def _migration_frame(tb: TracebackType | None) -> str | None:
    """The last migration file (``.../migrations/*.py``) in the traceback."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        parts = filename.replace("\\", "/").split("/")
        if len(parts) > 1 and parts[-2] == "migrations" and "/django/" not in filename:
            found = f"{_relative(filename)}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found
