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

from . import conf
from .errors import DjmigratorError
from .tenants import current_schema

LOCK_NAME = "djmigrator.sync"


def _pg_key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def sync_lock(alias: str) -> Iterator[None]:
    conn = connections[alias]
    timeout = float(conf.get("LOCK_TIMEOUT", alias))
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
        try:
            yield
        finally:
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    elif conn.vendor == "mysql":
        name = f"{LOCK_NAME}:{conn.settings_dict['NAME']}"[:64]
        with conn.cursor() as cursor:
            cursor.execute("SELECT GET_LOCK(%s, %s)", [name, int(timeout)])
            if cursor.fetchone()[0] != 1:
                raise busy
        try:
            yield
        finally:
            with conn.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
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
