# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""A migration that fails mid-way: exit 2 with one clear line, database and
history consistent (rolled back where DDL is transactional; on MariaDB the
message says what stays), and after fixing the cause a second run completes."""

from __future__ import annotations

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

INITIAL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=10)),
            ],
        ),
    ]
"""

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

    project.app("shop", MODELS_RUNSQL, {"0002_note": RUNSQL.replace("{where}", "id > 0")})
    again = project.sync()

    if project.vendor == "mysql":
        # The AddField stayed; a migration that runs code with its schema change
        # already there is not decided silently: the message says what to do.
        assert "these are in the database now: Add field note to item." in message, message
        assert again.code == 2, str(again)
        refusal = _one_line(again.err)
        assert "shop.0002_note runs RunSQL" in refusal, refusal
        assert "manage.py migrate shop 0002_note --fake" in refusal, refusal
        assert project.history("shop") == [("shop", "0001_initial")]
        return
    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True, again.report["discrepancies"]
    assert again.actions == [("apply", "shop", "0002_note")]
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_note")]
    assert project.rows("SELECT id, code, note FROM shop_item ORDER BY id") == [
        (1, "a", "a"),
        (2, "b", "b"),
    ]
