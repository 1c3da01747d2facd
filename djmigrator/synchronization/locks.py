"""One sync at a time per database: an advisory lock held for the whole sync.

PostgreSQL ``pg_advisory_lock``, MySQL/MariaDB ``GET_LOCK``, SQLite an exclusive
lock on a file beside the database (``flock``; on Windows ``msvcrt.locking``).
A second sync waits up to ``DJMIGRATOR["LOCK_TIMEOUT"]`` seconds, then stops
with a clear error.
"""

from __future__ import annotations

import hashlib
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.db import connections

from ..aliases import AliasContext, resolve
from ..comparison.tenants import current_schema
from ..errors import DjmigratorError

LOCK_NAME = "djmigrator.sync"


def _pg_key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def sync_lock(target: str | AliasContext) -> Iterator[None]:
    resolved = resolve(target)
    alias, conn, timeout = resolved.alias, resolved.connection, resolved.lock_timeout
    busy = DjmigratorError(
        f"Another smart_makemigrations sync is running on database '{alias}' "
        f"(waited {timeout:g}s); try again when it has finished."
    )
    if conn.vendor == "postgresql":
        # one lock per schema in a per-schema sync (``schemasync``)
        schema = current_schema()
        where = conn.settings_dict["NAME"] + (f":{schema}" if schema is not None else "")
        key = _pg_key(f"{LOCK_NAME}:{where}")
        deadline = time.monotonic() + timeout
        with conn.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise busy
                time.sleep(0.2)
        _hold(conn, "SELECT pg_backend_pid()")
        try:
            yield
        finally:
            _unlock(conn, "SELECT pg_advisory_unlock(%s)", [key])
    elif conn.vendor == "mysql":
        name = f"{LOCK_NAME}:{conn.settings_dict['NAME']}"[:64]
        with conn.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [name, int(timeout)])
            if cursor.fetchone()[0] != 1:
                raise busy
        _hold(conn, "SELECT CONNECTION_ID()")
        try:
            yield
        finally:
            _unlock(conn, "SELECT RELEASE_LOCK(%s)", [name])
    else:
        name = str(conn.settings_dict["NAME"])
        if conn.is_in_memory_db() if hasattr(conn, "is_in_memory_db") else name == ":memory:":
            yield
            return
        path, read_only = sqlite_file(conn.settings_dict)
        try:
            handle = open(f"{path}.djmigrator.lock", "a+")
        except OSError as exc:
            if read_only:  # a read-only connection changes nothing: no one to keep out
                yield
                return
            raise DjmigratorError(
                f"Cannot create the sync lock file {path}.djmigrator.lock for database "
                f"'{alias}' ({exc.strerror or exc}); make its directory writable."
            ) from exc
        with handle:
            deadline = time.monotonic() + timeout
            while not _try_lock_file(handle):
                if time.monotonic() >= deadline:
                    raise busy
                time.sleep(0.2)
            try:
                yield
            finally:
                _unlock_file(handle)


#: what the Django connection wrapper that took the lock keeps of it
_HOLDER = "_djmigrator_lock_holder"


def _hold(conn: Any, session_sql: str) -> None:
    """Remember the session that took the lock: the driver's connection object
    and the server's id of the session."""
    with conn.cursor() as cursor:
        cursor.execute(session_sql)
        session = cursor.fetchone()[0]
    setattr(conn, _HOLDER, (conn.connection, session, session_sql))


def _release(conn: Any) -> bool:
    """Forget the holder; True if its session is still the one in use (the lock
    is to be released), False if it is gone (the lock went with it)."""
    holder = getattr(conn, _HOLDER, None)
    if holder is None:
        return False
    delattr(conn, _HOLDER)
    return conn.connection is holder[0] and not getattr(conn.connection, "closed", False)


def _unlock(conn: Any, sql: str, params: list[Any]) -> None:
    """Release the lock if its session is still the one in use (else it went
    with the session, and a new one must not release another sync's lock)."""
    if not _release(conn):
        return
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
    except Exception:  # the session died at the very end: the lock went with it
        pass


def check_held(alias: str) -> None:
    """Stop (exit 2) unless the session that took this sync's lock is still the
    one Django uses for ``alias``.

    A server that ends the session (``pg_terminate_backend``, ``KILL``, a
    restart, a network cut) releases its advisory lock / ``GET_LOCK`` with it,
    and another sync may take it; Django, for its part, opens a new connection
    on the next query once it has closed a broken one.  Before each migration
    and each step the sync checks that the driver connection is the very one
    that took the lock and that the server still knows its session.  SQLite
    (a file lock held by this process) and syncs without a lock: nothing to do.
    """
    conn = connections[alias]
    holder = getattr(conn, _HOLDER, None)
    if holder is None:
        return
    dbapi, session, session_sql = holder
    lost = DjmigratorError(
        f"The connection to database '{alias}' that held this sync's lock was lost "
        f"(session {session}); the sync stopped before doing anything more. Run "
        "smart_makemigrations again: it continues from where this one stopped."
    )
    if conn.connection is not dbapi:
        raise lost
    try:
        with conn.cursor() as cursor:
            cursor.execute(session_sql)
            now = cursor.fetchone()[0]
    except Exception as exc:  # the driver's error for a dead session varies
        raise lost from exc
    if now != session:  # the driver reconnected by itself
        raise lost


def sqlite_file(settings_dict: dict[str, Any]) -> tuple[str, bool]:
    """The file of a SQLite database, and whether it is opened read-only.

    ``NAME`` is a path, or with ``OPTIONS["uri"]`` a ``file:`` URI whose query
    (``mode=ro``, ``immutable=1``, ...) is no part of the file's name.
    """
    name = str(settings_dict["NAME"])
    if not (name.startswith("file:") and (settings_dict.get("OPTIONS") or {}).get("uri")):
        return name, False
    parts = urllib.parse.urlsplit(name)
    query = urllib.parse.parse_qs(parts.query)
    read_only = query.get("mode") == ["ro"] or query.get("immutable") == ["1"]
    return urllib.parse.unquote(parts.path), read_only


def _try_lock_file(handle: IO[str]) -> bool:
    """Take the file's exclusive lock without waiting; False if another holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)  # the lock covers the file's first byte (it may lie past the end)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock_file(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle, fcntl.LOCK_UN)
