"""Bad input and bad state: exit 2, one line naming the file or database and
what to do, no traceback, nothing changed, for ``--check``, ``--dry-run`` and
a sync (SPEC "Exit status").  Real projects run as subprocesses
(``tests/synctools.py``) on every vendor where the case can happen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .synctools import (
    ITEM_INITIAL,
    Project,
    Result,
    dropped_databases_fixture,
    project_fixture,
)

__all__ = ["dropped_databases_fixture", "project_fixture"]

MODES = (("--check",), ("--dry-run",), ())
ITEM = "class Item(models.Model):\n    name = models.CharField(max_length=50)\n"

#: An app whose connection the server drops (outside any migration): right
#: after Django opens it (``WHEN = "connect"``; the first use fails, a lock or
#: the history query), or right after the first read of django_migrations
#: (``WHEN = "history"``; the comparison's reflection, through SQLAlchemy, fails).
DROPPER_APPS = """\
from django.apps import AppConfig
from django.db.backends.signals import connection_created

WHEN = {when!r}


def kill(connection):
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        pid = connection.connection.info.backend_pid
        with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"],
                             password=s["PASSWORD"] or None, dbname=s["NAME"],
                             autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    elif connection.vendor == "mysql":
        import MySQLdb

        admin = MySQLdb.connect(host=s["HOST"], port=int(s["PORT"]), user=s["USER"],
                                password=s["PASSWORD"])
        admin.cursor().execute("KILL %d" % connection.connection.thread_id())
        admin.close()


def created(sender, connection, **kwargs):
    if WHEN == "connect":
        kill(connection)
        return
    done = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not done and "django_migrations" in sql and sql.lstrip().upper().startswith("SELECT"):
            done.append(sql)
            kill(connection)
        return result

    connection.execute_wrappers.append(wrapper)


class DropperConfig(AppConfig):
    name = "dropper"

    def ready(self):
        connection_created.connect(created)
"""


def one_line(result: Result) -> str:
    assert result.code == 2, str(result)
    assert "Traceback" not in result.err, str(result)
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, str(result)
    assert result.out == "", str(result)
    return lines[0]


def state(project: Project) -> tuple[Any, ...]:
    """What a run must leave as it was: files, schema, history."""
    return project.file_hashes(), project.schema(), project.history()


def shop(project: Project) -> None:
    project.app("shop", ITEM, {"0001_initial": ITEM_INITIAL})


BROKEN = {
    "syntax-error": (
        "from django.db import migrations\nclass Migration(migrations.Migration:\n",
        "line 2",
    ),
    "no-migration-class": ("x = 1\n", "has no Migration class"),
    "import-error": ("from shop.nosuchmodule import thing\n", "line 1"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_migration_file_that_does_not_load(project: Project, case: str) -> None:
    if case != "syntax-error" and project.vendor != "sqlite":
        pytest.skip("the file is loaded before any database is used: SQLite shows it")
    source, words = BROKEN[case]
    shop(project)
    project.migrate()
    project.models("shop", ITEM + "    size = models.IntegerField(null=True)\n")
    (project.root / "shop" / "migrations" / "0002_broken.py").write_text(source)
    before = state(project)
    for mode in MODES:
        line = one_line(project.sync(*mode))
        assert "0002_broken" in line and words in line, line
        assert "fix" in line, line
        assert state(project) == before


def test_inconsistent_history(project: Project) -> None:
    shop(project)
    post = "class Post(models.Model):\n    item = models.ForeignKey('shop.Item', models.CASCADE)\n"
    project.app("blog", post)
    assert project.manage("makemigrations", "blog").code == 0
    project.migrate()
    project.execute("DELETE FROM django_migrations WHERE app = 'shop'")
    project.models("blog", post + "    n = models.IntegerField(null=True)\n")
    before = state(project)
    for mode in MODES:
        line = one_line(project.sync(*mode))
        assert "blog.0001_initial is applied before its dependency shop.0001_initial" in line
        assert "django_migrations" in line and "'default'" in line, line
        assert state(project) == before


@pytest.mark.parametrize("when", ["connect", "history"])
def test_connection_dropped_by_the_server(project: Project, when: str) -> None:
    if project.vendor == "sqlite":
        pytest.skip("SQLite has no server to drop the connection")
    shop(project)
    project.migrate()
    project.models("shop", ITEM + "    size = models.IntegerField(null=True)\n")
    before = state(project)
    project.app("dropper", "")
    (project.root / "dropper" / "apps.py").write_text(DROPPER_APPS.format(when=when))
    for mode in MODES:
        line = one_line(project.sync(*mode))
        assert "Lost the connection to database 'default'" in line, line
        assert project.db_name in line and "Nothing was changed" in line, line
        assert "run smart_makemigrations again" in line, line
    assert {k: v for k, v in state(project)[0].items() if not k.startswith("dropper")} == before[0]
    assert state(project)[1:] == before[1:]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_sqlite_file(project: Project, damage: str) -> None:
    if project.vendor != "sqlite":
        pytest.skip("a SQLite file")
    shop(project)
    project.migrate()
    project.models("shop", ITEM + "    size = models.IntegerField(null=True)\n")
    path = Path(project.database["NAME"])
    data = path.read_bytes()
    path.write_bytes(b"not a database " * 500 if damage == "garbage" else data[: len(data) // 3])
    files, damaged = project.file_hashes(), path.read_bytes()
    reason = "file is not a database" if damage == "garbage" else "database disk image is malformed"
    for mode in MODES:
        line = one_line(project.sync(*mode))
        assert str(path) in line and reason in line and "backup" in line, line
        assert project.file_hashes() == files and path.read_bytes() == damaged


@pytest.mark.parametrize("lock_file", ["beside", "not-creatable"])
def test_read_only_sqlite_uri(project: Project, lock_file: str) -> None:
    """NAME "file:...?mode=ro" with OPTIONS uri=True: the lock file is the
    file's, not the URI's (a sync died on FileNotFoundError); where it cannot
    be created, a read-only connection needs none."""
    if project.vendor != "sqlite":
        pytest.skip("a SQLite URI")
    shop(project)
    project.migrate()
    folder = project.root / "data"
    folder.mkdir()
    path = folder / "db.sqlite3"
    Path(project.database["NAME"]).rename(path)
    if lock_file == "not-creatable":
        (folder / "db.sqlite3.djmigrator.lock").mkdir()  # open() fails on it
    with (project.root / "settings.py").open("a") as settings:
        settings.write(
            f'DATABASES["default"]["NAME"] = "file:{path}?mode=ro"\n'
            'DATABASES["default"]["OPTIONS"] = {"uri": True}\n'
        )
    for mode in MODES:
        result = project.sync(*mode)
        assert result.code == 0 and result.report["in_sync"], str(result)
    assert (folder / "db.sqlite3.djmigrator.lock").exists()
    # a sync that must write stops with one line; the database is untouched
    project.models("shop", ITEM + "    size = models.IntegerField(null=True)\n")
    data = path.read_bytes()
    line = one_line(project.sync())
    assert "readonly database" in line, line
    assert path.read_bytes() == data
