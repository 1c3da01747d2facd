# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""A migration that fails mid-way: exit 2 with one clear line, database and
history consistent (rolled back where DDL is transactional; on MariaDB the
message says what stays), and after fixing the cause a second run completes."""

from __future__ import annotations

import re

from .synctools import (  # noqa: F401
    Project,
    create_model,
    dropped_databases_fixture,
    initial_migration,
    project_fixture,
)

INITIAL = initial_migration(create_model("Item", '("code", models.CharField(max_length=10))'))

UNIQUE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="note", field=models.CharField(max_length=20, null=True)),
        migrations.AddConstraint(
            model_name="item", constraint=models.UniqueConstraint(fields=["code"], name="shop_item_code_uniq")
        ),
    ]
"""

MODELS_UNIQUE = """
class Item(models.Model):
    code = models.CharField(max_length=10)
    note = models.CharField(max_length=20, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code"], name="shop_item_code_uniq")]
"""

RUNSQL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="note", field=models.CharField(max_length=20, null=True)),
        migrations.RunSQL("UPDATE shop_item SET note = code WHERE {where}", migrations.RunSQL.noop),
    ]
"""

MODELS_RUNSQL = """
class Item(models.Model):
    code = models.CharField(max_length=10)
    note = models.CharField(max_length=20, null=True)
"""


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_failure_midway_then_rerun_completes(project: Project) -> None:
    project.app("shop", MODELS_UNIQUE, {"0001_initial": INITIAL, "0002_unique": UNIQUE})
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, code) VALUES (1, 'a'), (2, 'b'), (3, 'a')")
    files = project.file_hashes()

    failed = project.sync()

    assert failed.code == 2, str(failed)
    assert failed.out == ""
    message = _one_line(failed.err)
    assert "Migration shop.0002_unique failed:" in message, message
    assert "run smart_makemigrations again" in message, message
    assert project.history("shop") == [("shop", "0001_initial")]
    assert project.file_hashes() == files
    if project.vendor == "mysql":  # no transactional DDL: the AddField stays, and is reported
        assert "MariaDB cannot roll DDL back" in message, message
        assert "these are in the database now: Add field note to item." in message, message
        assert project.columns("shop_item") == ["id", "code", "note"]
    else:
        assert "cannot roll DDL back" not in message, message
        assert project.columns("shop_item") == ["id", "code"]

    project.execute("UPDATE shop_item SET code = 'c' WHERE id = 3")  # the fix
    again = project.sync()

    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True, again.report["discrepancies"]
    assert again.actions == [("apply", "shop", "0002_unique")]
    if project.vendor == "mysql":
        assert "1 of 2 operations applied" in again.report["actions"][0]["detail"]
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_unique")]
    assert project.rows("SELECT id, code, note FROM shop_item ORDER BY id") == [
        (1, "a", None),
        (2, "b", None),
        (3, "c", None),
    ]
    assert project.schema_of("shop_item")["uniques"] or any(
        u for _, cols, u in project.schema_of("shop_item")["indexes"] if cols == ("code",)
    )


def test_runsql_failure(project: Project) -> None:
    broken = RUNSQL.replace("{where}", "no_such_column = 1")
    project.app("shop", MODELS_RUNSQL, {"0001_initial": INITIAL, "0002_note": broken})
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, code) VALUES (1, 'a'), (2, 'b')")

    failed = project.sync()

    assert failed.code == 2, str(failed)
    message = _one_line(failed.err)
    assert "Migration shop.0002_note failed:" in message, message
    assert "no_such_column" in message, message
    assert project.history("shop") == [("shop", "0001_initial")]
    assert project.tables() >= {"shop_item", "django_migrations"}

    if project.vendor == "mysql":
        # The AddField stayed: the message says so, and the next run continues
        # after it from the progress row it leaves.
        # (the server's own words vary with its version)
        server = (
            re.escape("(1054, \"Unknown column 'no_such_column' in '") + ".+" + re.escape("'\")")
        )
        assert re.fullmatch(
            re.escape("CommandError: Migration shop.0002_note failed: ")
            + server
            + re.escape(
                ". MariaDB cannot roll DDL back: of its operations, these are in the database "
                "now: Add field note to item. Fix the cause and run smart_makemigrations again; "
                "it continues from here."
            ),
            message,
        ), message
        assert project.columns("shop_item") == ["id", "code", "note"]
        assert project.rows("SELECT app, name, done FROM djmigrator_progress") == [
            ("shop", "0002_note", 1)
        ]
    else:
        server = {
            "sqlite": "no such column: no_such_column",
            "postgresql": 'column "no_such_column" does not exist',
        }[project.vendor]
        assert message == (
            f"CommandError: Migration shop.0002_note failed: {server}. Fix the cause and run "
            "smart_makemigrations again; it continues from here."
        ), message
        assert project.columns("shop_item") == ["id", "code"]
        assert "djmigrator_progress" not in project.tables()
    # an unrelated look meanwhile: the progress table is never drift
    checked = project.manage("smart_makemigrations", "--check", "--format", "json")
    assert checked.code == (0 if project.vendor == "mysql" else 1), str(checked)
    assert "djmigrator_progress" not in checked.out, checked.out

    project.app("shop", MODELS_RUNSQL, {"0002_note": RUNSQL.replace("{where}", "id > 0")})
    if project.vendor == "mysql":  # a dry run shows the continuation and keeps the record
        dry = project.sync("--dry-run")
        assert dry.actions == [("apply", "shop", "0002_note")], str(dry)
        assert dry.report["actions"][0]["sql"] == ["UPDATE shop_item SET note = code WHERE id > 0;"]
        assert project.rows("SELECT done FROM djmigrator_progress") == [(1,)]
    again = project.sync()

    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True, again.report["discrepancies"]
    assert again.actions == [("apply", "shop", "0002_note")]
    if project.vendor == "mysql":
        detail = again.report["actions"][0]["detail"]
        assert "1 of 2 operations applied" in detail, detail
        assert "already there: Add field note to item" in detail, detail
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_note")]
    assert project.rows("SELECT id, code, note FROM shop_item ORDER BY id") == [
        (1, "a", "a"),
        (2, "b", "b"),
    ]
    assert "djmigrator_progress" not in project.tables()
    project.assert_django_clean()


THREE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    {atomic}dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="note", field=models.CharField(max_length=20, null=True)),
        migrations.RunSQL("UPDATE shop_item SET note = code WHERE {first}", migrations.RunSQL.noop),
        migrations.AddField(model_name="item", name="size", field=models.IntegerField(null=True)),
        migrations.RunSQL("UPDATE shop_item SET size = id WHERE {second}", migrations.RunSQL.noop),
    ]
"""

MODELS_THREE = """
class Item(models.Model):
    code = models.CharField(max_length=10)
    note = models.CharField(max_length=20, null=True)
    size = models.IntegerField(null=True)
"""


def _three(first: str, second: str, atomic: bool = True) -> str:
    return THREE.format(atomic="" if atomic else "atomic = False\n    ", first=first, second=second)


def _progress(project: Project) -> list[tuple[str, str, int]]:
    if "djmigrator_progress" not in project.tables():
        return []
    return [
        (a, n, int(d))
        for a, n, d in project.rows("SELECT app, name, done FROM djmigrator_progress")
    ]


def test_failure_while_continuing_a_failed_migration(project: Project) -> None:
    bad, good = "no_such_column = 1", "id > 0"
    project.app("shop", MODELS_THREE, {"0001_initial": INITIAL, "0002_more": _three(bad, bad)})
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, code) VALUES (1, 'a'), (2, 'b')")
    mysql = project.vendor == "mysql"

    first = project.sync()
    assert first.code == 2, str(first)
    message = _one_line(first.err)
    assert "Migration shop.0002_more failed:" in message, message
    assert _progress(project) == ([("shop", "0002_more", 1)] if mysql else [])

    # the first RunSQL fixed: the second run goes on after the AddField, and
    # stops at the second RunSQL, with three operations done
    project.app("shop", MODELS_THREE, {"0002_more": _three(good, bad)})
    second = project.sync()
    assert second.code == 2, str(second)
    message = _one_line(second.err)
    assert "Migration shop.0002_more failed:" in message, message
    assert message.endswith(
        "Fix the cause and run smart_makemigrations again; it continues from here."
    )
    assert project.history("shop") == [("shop", "0001_initial")]
    if mysql:
        assert (
            "MariaDB cannot roll DDL back: of its operations, these are in the database now: "
            "Add field note to item; Raw SQL operation; Add field size to item. Fix"
        ) in message, message
        assert _progress(project) == [("shop", "0002_more", 3)]
        assert project.rows("SELECT id, note, size FROM shop_item ORDER BY id") == [
            (1, "a", None),
            (2, "b", None),
        ]
    else:
        assert "in the database now" not in message, message
        assert project.columns("shop_item") == ["id", "code"]
        assert _progress(project) == []

    project.app("shop", MODELS_THREE, {"0002_more": _three(good, good)})
    third = project.sync()
    assert third.code == 0, str(third)
    assert third.report["in_sync"] is True, third.report["discrepancies"]
    assert third.actions == [("apply", "shop", "0002_more")]
    if mysql:
        assert third.report["actions"][0]["detail"].startswith("1 of 4 operations applied")
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_more")]
    assert project.rows("SELECT id, note, size FROM shop_item ORDER BY id") == [
        (1, "a", 1),
        (2, "b", 2),
    ]
    assert "djmigrator_progress" not in project.tables()
    project.assert_django_clean()


def test_done_operations_changed_since_the_failure(project: Project) -> None:
    if project.vendor != "mysql":  # the failure leaves nothing done elsewhere
        return
    bad, good = "no_such_column = 1", "id > 0"
    project.app("shop", MODELS_THREE, {"0001_initial": INITIAL, "0002_more": _three(bad, good)})
    project.migrate("shop", "0001")
    assert project.sync().code == 2
    assert _progress(project) == [("shop", "0002_more", 1)]
    changed = _three(good, good).replace("max_length=20, null=True", "max_length=30, null=True")
    project.app(
        "shop", MODELS_THREE.replace("max_length=20", "max_length=30"), {"0002_more": changed}
    )
    before = (project.schema(), project.history(), project.file_hashes())

    again = project.sync()

    assert again.code == 2, str(again)
    message = _one_line(again.err)
    assert (
        "migration shop.0002_more was partly applied by an earlier sync (1 of 4 operations "
        "done: Add field note to item), but those operations have changed since" in message
    ), message
    assert "manage.py migrate shop 0002_more --fake" in message, message
    assert (project.schema(), project.history(), project.file_hashes()) == before

    # faked by hand: the next sync forgets the progress row and drops its table
    project.migrate("shop", "0002_more", "--fake")
    project.execute(
        "ALTER TABLE shop_item MODIFY note varchar(30) NULL",
        "ALTER TABLE shop_item ADD COLUMN size integer NULL",
    )
    done = project.sync()
    assert done.code == 0, str(done)
    assert done.report["in_sync"] is True, done.report["discrepancies"]
    assert "djmigrator_progress" not in project.tables()


def test_non_atomic_migration_failure_continues(project: Project) -> None:
    bad, good = "no_such_column = 1", "id > 0"
    project.app(
        "shop",
        MODELS_THREE,
        {"0001_initial": INITIAL, "0002_more": _three(good, bad, atomic=False)},
    )
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, code) VALUES (1, 'a'), (2, 'b')")

    failed = project.sync()

    assert failed.code == 2, str(failed)
    message = _one_line(failed.err)
    why = (
        "MariaDB cannot roll DDL back"
        if project.vendor == "mysql"
        else "The migration is not atomic (atomic = False)"
    )
    assert (
        f"{why}: of its operations, these are in the database now: Add field note to item; "
        "Raw SQL operation; Add field size to item. Fix the cause"
    ) in message, message
    assert _progress(project) == [("shop", "0002_more", 3)]
    assert project.rows("SELECT id, note FROM shop_item ORDER BY id") == [(1, "a"), (2, "b")]

    project.app("shop", MODELS_THREE, {"0002_more": _three(good, good, atomic=False)})
    again = project.sync()

    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True, again.report["discrepancies"]
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_more")]
    assert project.rows("SELECT id, note, size FROM shop_item ORDER BY id") == [
        (1, "a", 1),
        (2, "b", 2),
    ]
    assert "djmigrator_progress" not in project.tables()
