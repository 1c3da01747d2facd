"""``--dry-run`` lists every action a sync would take (files it would write,
migrations it would fake or apply, repairs), with their SQL, and changes
nothing; the sync that follows does just that."""

from __future__ import annotations

from .synctools import (  # noqa: F401
    Project,
    create_model,
    dropped_databases_fixture,
    initial_migration,
    project_fixture,
)

INITIAL = initial_migration(
    create_model("Item", '("name", models.CharField(max_length=50))'),
    create_model("Tag", '("label", models.CharField(db_index=True, max_length=20))'),
)


def _add(name: str, after: str) -> str:
    return f"""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "{after}")]
    operations = [
        migrations.AddField(model_name="item", name="{name}", field=models.IntegerField(null=True)),
    ]
"""


MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    a = models.IntegerField(null=True)
    b = models.IntegerField(null=True)
    c = models.IntegerField(null=True)


class Tag(models.Model):
    label = models.CharField(max_length=20, db_index=True)
"""


def test_dry_run_changes_nothing_and_lists_every_action(project: Project) -> None:
    project.app(
        "shop",
        MODELS,
        {
            "0001_initial": INITIAL,
            "0002_a": _add("a", "0001_initial"),
            "0003_b": _add("b", "0002_a"),
        },
    )
    project.migrate("shop", "0001")
    project.execute(
        "INSERT INTO shop_item (id, name) VALUES (1, 'one'), (2, 'two')",
        "INSERT INTO shop_tag (id, label) VALUES (1, 'red')",
        "ALTER TABLE shop_item ADD COLUMN a integer NULL",  # 0002 is there already
        "UPDATE shop_item SET a = 5",
    )
    # the index on Tag.label, dropped behind the applied 0001: a repair
    # (on PostgreSQL, two: its varchar_pattern_ops twin too)
    indexes = [n for n, cols, _ in project.schema_of("shop_tag")["indexes"] if cols == ("label",)]
    assert len(indexes) == (2 if project.vendor == "postgresql" else 1), indexes
    for index in indexes:
        project.execute(
            f"DROP INDEX {index}" + (" ON shop_tag" if project.vendor == "mysql" else "")
        )
    before = (
        project.schema(),
        project.file_hashes(),
        project.history(),
        project.rows("SELECT id, name, a FROM shop_item ORDER BY id"),
    )

    dry = project.sync("--dry-run")

    assert dry.code == 1, str(dry)  # the drift is still there
    assert dry.report["in_sync"] is False
    assert dry.actions == [
        ("makemigrations", "shop", "0004_item_c"),
        ("fake", "shop", "0002_a"),
        ("apply", "shop", "0003_b"),
        ("apply", "shop", "0004_item_c"),
        *[("repair", "shop", None)] * (2 if project.vendor == "postgresql" else 1),
    ]
    actions = dry.report["actions"]
    assert actions[0]["detail"] == "would write shop/migrations/0004_item_c.py"
    assert actions[1]["sql"] == []
    for action, column in ((actions[2], "b"), (actions[3], "c")):
        sql = " ".join(action["sql"]).lower()
        assert "alter table" in sql and "shop_item" in sql and column in sql, action
    for action in actions[4:]:
        sql = " ".join(action["sql"]).lower()
        assert "create index" in sql and "shop_tag" in sql and "label" in sql, action
    after = (
        project.schema(),
        project.file_hashes(),
        project.history(),
        project.rows("SELECT id, name, a FROM shop_item ORDER BY id"),
    )
    assert after == before
    assert project.migration_files("shop") == ["0001_initial", "0002_a", "0003_b"]

    # The sync does what the dry run said.
    real = project.sync()

    assert real.code == 0, str(real)
    assert real.report["in_sync"] is True, real.report["discrepancies"]
    assert real.actions == dry.actions
    assert project.migration_files("shop") == ["0001_initial", "0002_a", "0003_b", "0004_item_c"]
    assert [n for _, n in project.history("shop")] == [
        "0001_initial",
        "0002_a",
        "0003_b",
        "0004_item_c",
    ]
    assert project.rows("SELECT id, name, a, b, c FROM shop_item ORDER BY id") == [
        (1, "one", 5, None, None),
        (2, "two", 5, None, None),
    ]
    assert project.rows("SELECT id, label FROM shop_tag") == [(1, "red")]
