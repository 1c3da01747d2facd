"""A sync waits at most ``DJMIGRATOR["LOCK_TIMEOUT"]`` for each table lock.

Another session holds a lock on the table the sync must alter: PostgreSQL an
``ACCESS EXCLUSIVE`` lock, MariaDB a metadata lock (an open transaction that
read the table), SQLite a write lock (``BEGIN IMMEDIATE``) or the whole
database (``BEGIN EXCLUSIVE``).  The sync stops with exit 2 and one line naming
the table, within seconds, having changed nothing; once the lock is gone the
next sync completes.  (Left to the servers' defaults it waits for ever on
PostgreSQL and a day on MariaDB; on SQLite it died with a traceback.)
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings

from djmigrator.synchronization.lockwait import bounded_lock_waits

from .synctools import (  # noqa: F401
    Project,
    create_model,
    dropped_databases_fixture,
    initial_migration,
    project_fixture,
)

INITIAL = initial_migration(create_model("Item", '("code", models.CharField(max_length=10))'))
MODELS = "class Item(models.Model):\n    code = models.CharField(max_length=10)\n"
NOTE = "    note = models.CharField(max_length=10, null=True)\n"

HOLD = {
    "postgresql": ["BEGIN", "LOCK TABLE shop_item IN ACCESS EXCLUSIVE MODE"],
    "mysql": ["START TRANSACTION", "SELECT * FROM shop_item"],
    "sqlite": ["BEGIN IMMEDIATE"],
}


def _locked_sync(project: Project, hold: list[str]) -> tuple[int, str, str, float]:
    project.execute(*hold)
    try:
        start = time.monotonic()
        proc = project.popen("smart_makemigrations", "--noinput")
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError("the sync still waited for the lock after 60s") from None
        return proc.returncode, out, err, time.monotonic() - start
    finally:
        project.execute("ROLLBACK")


def _setup(project: Project) -> None:
    project.app("shop", MODELS, {"0001_initial": INITIAL})
    project.migrate("shop")
    project.execute("INSERT INTO shop_item (id, code) VALUES (1, 'a')")
    project.settings(LOCK_TIMEOUT=1)
    project.models("shop", MODELS + NOTE)


def test_sync_stops_behind_a_table_lock_naming_the_table(project: Project) -> None:
    _setup(project)

    code, out, err, took = _locked_sync(project, HOLD[project.vendor])

    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert (
        f"Table shop_item on database 'default' ({project.vendor}) is locked by another "
        "session (waited 1s, DJMIGRATOR['LOCK_TIMEOUT']); run smart_makemigrations again "
        "once it is released, or raise LOCK_TIMEOUT" in lines[0]
    ), lines[0]
    assert lines[0].startswith("CommandError: Migration shop.0002_item_note failed: "), lines[0]
    assert took < 30, took
    assert project.columns("shop_item") == ["id", "code"]
    assert project.history("shop") == [("shop", "0001_initial")]

    again = project.sync()  # the lock is gone: the next run completes

    assert again.code == 0, str(again)
    assert project.columns("shop_item") == ["id", "code", "note"]
    assert project.rows("SELECT id, code FROM shop_item") == [(1, "a")]
    project.assert_django_clean()


def test_sqlite_database_locked_whole(project: Project) -> None:
    if project.vendor != "sqlite":
        return  # SQLite only: the others lock tables
    _setup(project)
    before = (project.schema(), project.history())

    code, out, err, took = _locked_sync(project, ["BEGIN EXCLUSIVE"])

    assert code == 2, (out, err)
    assert err.strip().splitlines() == [
        f"CommandError: Database 'default' ({project.database['NAME']}) is locked by another "
        "session (waited 1s, DJMIGRATOR['LOCK_TIMEOUT']); run smart_makemigrations again "
        "once it is released, or raise LOCK_TIMEOUT."
    ], err
    assert took < 30, took
    assert (project.schema(), project.history()) == before


def _session_timeouts(alias: str) -> tuple[Any, ...]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('lock_timeout')")
        elif connection.vendor == "mysql":
            cursor.execute("SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout")
        else:
            cursor.execute("PRAGMA busy_timeout")
        return tuple(cursor.fetchone())


@pytest.mark.django_db(databases="__all__")
@override_settings(DJMIGRATOR={"LOCK_TIMEOUT": 2.5})
def test_the_session_waits_bounded_inside_and_as_before_after(alias: str) -> None:
    before = _session_timeouts(alias)
    with bounded_lock_waits(alias):
        inside = _session_timeouts(alias)
    assert _session_timeouts(alias) == before
    expected = {"postgresql": ("2500ms",), "mysql": (3, 3), "sqlite": (2500,)}
    assert inside == expected[connections[alias].vendor]
