"""Each statement of a sync waits at most ``DJMIGRATOR["LOCK_TIMEOUT"]`` for a lock.

Left to the server's defaults, a sync behind another session's lock waits for
ever on PostgreSQL (``lock_timeout = 0``) and a day on MySQL/MariaDB
(``lock_wait_timeout = 86400``), queueing every later query on the table behind
its own ``ALTER TABLE``; on SQLite it fails after the driver's busy timeout
(5 s) with a traceback.  While ``bounded_lock_waits`` is entered, the sync's
session waits at most ``LOCK_TIMEOUT`` seconds for each lock:

- PostgreSQL: ``lock_timeout`` (at least 1 ms: 0 would mean no limit);
- MySQL/MariaDB: ``lock_wait_timeout`` (metadata locks, DDL) and
  ``innodb_lock_wait_timeout`` (row locks), whole seconds, at least 1;
- SQLite: the busy timeout (SQLite locks the whole database).

A statement that times out becomes a ``DjmigratorError`` naming the table it
waited for; a migration it was part of is rolled back (or, where DDL cannot
be rolled back, recorded as part-done for the next sync to continue).  The
session's own settings are restored on the way out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import DatabaseError, connections

from ..aliases import AliasContext, resolve
from ..errors import DjmigratorError

#: MySQL/MariaDB "Lock wait timeout exceeded" (metadata and row locks)
_MYSQL_LOCK_WAIT = 1205
#: PostgreSQL lock_not_available ("canceling statement due to lock timeout")
_PG_LOCK_NOT_AVAILABLE = "55P03"
#: SQLite SQLITE_BUSY, SQLITE_LOCKED
_SQLITE_BUSY = (5, 6)

_IDENT = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[\w$]+)'
_NAME = rf"({_IDENT}(?:\s*\.\s*{_IDENT})?)"
#: where a statement names the table it locks, most specific first
_TARGETS = [
    re.compile(rf"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+(?:ONLY\s+)?{_NAME}", re.I | re.S),
    re.compile(
        rf"^\s*(?:ALTER|DROP|CREATE|TRUNCATE|LOCK)\s+TABLE\s+(?:ONLY\s+)?"
        rf"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?{_NAME}",
        re.I,
    ),
    re.compile(rf"^\s*COMMENT\s+ON\s+(?:TABLE|COLUMN)\s+{_NAME}", re.I),
    re.compile(rf"^\s*RENAME\s+TABLE\s+{_NAME}", re.I),
    re.compile(rf"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+{_NAME}", re.I),
    re.compile(rf"\bFROM\s+{_NAME}", re.I),
]
_REFERENCES = re.compile(rf"\bREFERENCES\s+{_NAME}", re.I)


@contextmanager
def bounded_lock_waits(target: str | AliasContext) -> Iterator[None]:
    """Within, each statement on the alias waits at most ``LOCK_TIMEOUT`` for a lock."""
    resolved = resolve(target)
    alias, connection, timeout = resolved.alias, resolved.connection, resolved.lock_timeout
    restore = _set(connection, timeout)
    try:
        with connection.execute_wrapper(_Translate(alias, timeout)):
            try:
                yield
            except DjmigratorError:
                raise
            except Exception as exc:  # a lock wait outside Django's cursors (SQLAlchemy)
                if _is_lock_timeout(exc):
                    raise DjmigratorError(
                        _message(alias, timeout, getattr(exc, "statement", None))
                    ) from exc
                raise
    finally:
        with suppress(Exception):  # a broken connection keeps nothing of its session
            restore()


def _set(connection: Any, timeout: float) -> Callable[[], None]:
    """Bound the session's lock waits; returns what puts them back."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('lock_timeout')")
            before = cursor.fetchone()[0]
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, false)",
                [f"{max(1, round(timeout * 1000))}ms"],
            )

            def restore() -> None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, false)", [before])

            return restore
        if connection.vendor == "mysql":
            cursor.execute("SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout")
            metadata, rows = cursor.fetchone()
            seconds = max(1, math.ceil(timeout))
            cursor.execute(
                "SET SESSION lock_wait_timeout = %s, SESSION innodb_lock_wait_timeout = %s",
                [seconds, seconds],
            )

            def restore() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET SESSION lock_wait_timeout = %s, SESSION innodb_lock_wait_timeout = %s",
                        [int(metadata), int(rows)],
                    )

            return restore
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            before = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA busy_timeout = {round(timeout * 1000):d}")

            def restore() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {before:d}")

            return restore
    return lambda: None


class _Translate:
    """A Django execute wrapper: a statement that timed out waiting for a lock
    raises ``DjmigratorError`` naming its table."""

    def __init__(self, alias: str, timeout: float) -> None:
        self.alias, self.timeout = alias, timeout

    def __call__(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            if _is_lock_timeout(exc):
                raise DjmigratorError(_message(self.alias, self.timeout, sql)) from exc
            raise


def _is_lock_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` (or the driver error under it) is a lock wait that timed out."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
            return True
        args = getattr(current, "args", ())
        if args and args[0] == _MYSQL_LOCK_WAIT:
            return True
        if getattr(current, "sqlite_errorcode", None) in _SQLITE_BUSY:
            return True
        if type(current).__module__ == "sqlite3" and str(current) in (
            "database is locked",
            "database table is locked",
        ):
            return True
        current = current.__cause__ or getattr(current, "orig", None) or current.__context__
    return False


def _message(alias: str, timeout: float, sql: Any) -> str:
    connection = connections[alias]
    where = f"on database '{alias}' ({connection.vendor})"
    waited = f"waited {timeout:g}s, DJMIGRATOR['LOCK_TIMEOUT']"
    forward = "run smart_makemigrations again once it is released, or raise LOCK_TIMEOUT."
    tables = _tables(str(sql or ""))
    if not tables:
        if connection.vendor == "sqlite":
            return (
                f"Database '{alias}' ({connection.settings_dict.get('NAME')}) is locked by "
                f"another session ({waited}); {forward}"
            )
        return f"A table {where} is locked by another session ({waited}); {forward}"
    table, *referenced = tables
    also = f" (or {', '.join(referenced)}, which it references)" if referenced else ""
    return f"Table {table}{also} {where} is locked by another session ({waited}); {forward}"


def _tables(sql: str) -> list[str]:
    """The table a statement locks (then the tables it references), unquoted."""
    for pattern in _TARGETS:
        match = pattern.search(sql)
        if match:
            table = _unquote(match.group(1))
            if table.casefold().startswith(("sqlite_", "information_schema.", "pg_catalog.")):
                return []
            others = [_unquote(m) for m in _REFERENCES.findall(sql)]
            return [table, *dict.fromkeys(t for t in others if t != table)]
    return []


def _unquote(name: str) -> str:
    parts = re.findall(_IDENT, name)
    out = []
    for part in parts:
        if part[0] in '"`':
            part = part[1:-1].replace(part[0] * 2, part[0])
        elif part[0] == "[":
            part = part[1:-1]
        out.append(part)
    return ".".join(out)
