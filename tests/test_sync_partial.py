# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""A migration whose effects are partly in the database: only the missing
operations run, the migration is recorded, the rows stay."""

from __future__ import annotations

from .synctools import ITEM_INITIAL, Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    a = models.IntegerField(null=True)
    b = models.CharField(max_length=10, default="bee")

    class Meta:
        indexes = [models.Index(fields=["name", "a"], name="shop_item_name_a")]


class C(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    label = models.CharField(max_length=20)
"""

SECOND = """
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="a", field=models.IntegerField(null=True)),
        migrations.AddField(
            model_name="item", name="b", field=models.CharField(default="bee", max_length=10)
        ),
        migrations.CreateModel(
            name="C",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=20)),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.item")),
            ],
        ),
        migrations.AddIndex(
            model_name="item", index=models.Index(fields=["name", "a"], name="shop_item_name_a")
        ),
    ]
"""


def test_partly_applied_migration_is_completed(project: Project) -> None:
    project.app("shop", MODELS, {"0001_initial": ITEM_INITIAL, "0002_more": SECOND})
    project.migrate("shop", "0001")
    project.execute(
        "INSERT INTO shop_item (id, name) VALUES (1, 'one'), (2, 'two')",
        "ALTER TABLE shop_item ADD COLUMN a integer NULL",  # by hand, behind Django's back
        "UPDATE shop_item SET a = id * 7",
    )
    files = project.file_hashes()

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    assert result.actions == [("apply", "shop", "0002_more")]
    detail = result.report["actions"][0]["detail"]
    assert "3 of 4 operations applied" in detail, detail
    assert "Add field a to item" in detail, detail
    assert project.file_hashes() == files  # the models match the files: nothing written
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_more")]
    assert project.columns("shop_item") == ["id", "name", "a", "b"]
    assert ("name", "a") in project.index_columns("shop_item")
    assert project.columns("shop_c") == ["id", "label", "item_id"]
    assert project.rows("SELECT id, name, a, b FROM shop_item ORDER BY id") == [
        (1, "one", 7, "bee"),
        (2, "two", 14, "bee"),
    ]
    project.execute("INSERT INTO shop_c (label, item_id) VALUES ('c', 2)")
    project.assert_django_clean()
