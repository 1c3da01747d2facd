"""A sync whose connection is killed by the server (``pg_terminate_backend`` /
``KILL`` from another connection) while it holds the sync lock stops with exit 2
before doing anything more: the lock went with the session, and carrying on over
a new connection would run unlocked beside another sync.  The next sync ends in
sync with no duplicate history row."""

from __future__ import annotations

import time

import pytest

from .synctools import (  # noqa: F401
    ITEM_INITIAL,
    Project,
    Result,
    dropped_databases_fixture,
    project_fixture,
)

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    size = models.IntegerField(null=True)
    note = models.CharField(max_length=20, null=True)
"""

#: ``shop`` 0002: adds ``Item.size`` and fills it; once its work is committed,
#: the sync's own session is killed from a second (admin) connection (once: when
#: the file ``kill-session`` exists in the project).
KILL_SESSION = """
import os
import time

from django.db import migrations, models, transaction


def kill_session(connection):
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
        else:
            cursor.execute("SELECT CONNECTION_ID()")
        session = cursor.fetchone()[0]

    def kill():
        if connection.vendor == "postgresql":
            import psycopg

            with psycopg.connect(
                host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                password=settings["PASSWORD"] or None, dbname="postgres", autocommit=True,
            ) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [session])
        else:
            import MySQLdb

            admin = MySQLdb.connect(
                host=settings["HOST"], port=int(settings["PORT"]), user=settings["USER"],
                password=settings["PASSWORD"],
            )
            admin.cursor().execute(f"KILL {int(session)}")
            admin.close()

    transaction.on_commit(kill, using=connection.alias)


def fill(apps, schema_editor):
    apps.get_model("shop", "Item").objects.update(size=3)
    if os.path.exists("kill-session"):
        os.remove("kill-session")
        if os.path.exists("wait-for-second"):  # another sync is to wait for the lock first
            open("in-migration", "w").close()
            for _ in range(600):
                if os.path.exists("second-waits"):
                    break
                time.sleep(0.1)
        kill_session(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="size", field=models.IntegerField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
"""

NOTE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_kill")]
    operations = [
        migrations.AddField(
            model_name="item", name="note", field=models.CharField(max_length=20, null=True)
        ),
    ]
"""


def test_connection_killed_while_holding_the_lock(project: Project) -> None:
    if project.vendor == "sqlite":
        pytest.skip("SQLite's sync lock is a file lock of the process, not of a session")
    project.app(
        "shop", MODELS, {"0001_initial": ITEM_INITIAL, "0002_kill": KILL_SESSION, "0003_note": NOTE}
    )
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a'), (2, 'b')")
    (project.root / "kill-session").touch()

    stopped = project.sync()

    assert stopped.code == 2, str(stopped)
    lines = stopped.err.strip().splitlines()
    assert len(lines) == 1, stopped.err
    assert "that held this sync's lock was lost" in lines[0], lines[0]
    assert "stopped before doing anything more" in lines[0], lines[0]
    assert "note" not in project.columns("shop_item")  # 0003 was not applied
    assert ("shop", "0003_note") not in project.history()

    again = project.sync()

    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True, again.report["discrepancies"]
    history = project.history("shop")
    assert history == [("shop", "0001_initial"), ("shop", "0002_kill"), ("shop", "0003_note")]
    assert project.rows("SELECT id, name, size FROM shop_item ORDER BY id") == [
        (1, "a", 3),
        (2, "b", 3),
    ]
    assert "djmigrator_progress" not in project.tables()
    project.assert_django_clean()


def test_connection_killed_while_a_second_sync_waits(project: Project) -> None:
    if project.vendor == "sqlite":
        pytest.skip("SQLite's sync lock is a file lock of the process, not of a session")
    project.app(
        "shop", MODELS, {"0001_initial": ITEM_INITIAL, "0002_kill": KILL_SESSION, "0003_note": NOTE}
    )
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a'), (2, 'b')")
    for marker in ("kill-session", "wait-for-second"):
        (project.root / marker).touch()
    args = ("smart_makemigrations", "--noinput", "--format", "json")

    first = project.popen(*args)
    for _ in range(600):  # the first sync holds the lock, inside 0002
        if (project.root / "in-migration").exists() or first.poll() is not None:
            break
        time.sleep(0.1)
    second = project.popen(*args)
    time.sleep(4)  # the second sync has started and waits for the lock
    (project.root / "second-waits").touch()
    results = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=120)
        results.append(Result(proc.returncode, out, err))

    stopped, done = results
    assert stopped.code == 2, str(stopped)
    assert "that held this sync's lock was lost" in stopped.err, str(stopped)
    assert done.code == 0, str(done)
    history = project.history("shop")
    assert len(history) == len(set(history)), history  # no duplicate row
    assert history == [("shop", "0001_initial"), ("shop", "0002_kill"), ("shop", "0003_note")]
    assert project.rows("SELECT id, name, size, note FROM shop_item ORDER BY id") == [
        (1, "a", 3, None),
        (2, "b", 3, None),
    ]
    assert "djmigrator_progress" not in project.tables()
    again = project.sync()
    assert again.code == 0, str(again)
    assert again.actions == []
    project.assert_django_clean()
