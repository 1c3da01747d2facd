# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""A squashed migration (``replaces``) is decided like any other, and the
history ends as ``migrate`` leaves it: the replaced migrations and the squashed
one recorded."""

from __future__ import annotations

from .synctools import AUTO_ID, Project, dropped_databases_fixture, project_fixture  # noqa: F401

FIRST = f"""
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="Item", fields=[{AUTO_ID}, ("name", models.CharField(max_length=50))]),
    ]
"""

SECOND = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="a", field=models.IntegerField(null=True)),
    ]
"""

SQUASHED = f"""
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("shop", "0001_initial"), ("shop", "0002_a")]
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Item",
            fields=[{AUTO_ID}, ("name", models.CharField(max_length=50)), ("a", models.IntegerField(null=True))],
        ),
    ]
"""

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    a = models.IntegerField(null=True)
"""

FULL_HISTORY = [("shop", "0001_initial"), ("shop", "0002_a"), ("shop", "0001_squashed_0002_a")]
ROWS = "SELECT id, name, a FROM shop_item ORDER BY id"


def test_squashed_migration(project: Project) -> None:
    project.app(
        "shop", MODELS, {"0001_initial": FIRST, "0002_a": SECOND, "0001_squashed_0002_a": SQUASHED}
    )
    project.execute(
        project.ddl("CREATE TABLE shop_item (id {pk}, name varchar(50) NOT NULL, a integer NULL)"),
        "INSERT INTO shop_item (id, name, a) VALUES (1, 'one', 1), (2, 'two', NULL)",
    )
    rows = project.rows(ROWS)

    # Nothing recorded, everything there: the squashed migration is faked.
    fresh = project.sync()

    assert fresh.code == 0, str(fresh)
    assert fresh.report["in_sync"] is True, fresh.report["discrepancies"]
    assert fresh.actions == [("fake", "shop", "0001_squashed_0002_a")]
    assert sorted(project.history("shop")) == sorted(FULL_HISTORY)

    # Half of it recorded (0001 only): the replaced 0002 is decided on its own.
    project.execute("DELETE FROM django_migrations WHERE name <> '0001_initial'")
    half = project.sync()

    assert half.code == 0, str(half)
    assert half.actions == [("fake", "shop", "0002_a")]
    assert sorted(project.history("shop")) == sorted(FULL_HISTORY)
    assert project.rows(ROWS) == rows
    project.assert_django_clean()
