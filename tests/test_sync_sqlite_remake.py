# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""On SQLite, Django rebuilds a whole table for many operations (an AlterField
here); the rebuilt table has only the columns and indexes the migrations know.
A column or index made by hand on that table is never lost: the sync stops
(exit 2, one line) with nothing changed.  PostgreSQL and MariaDB alter the
table in place: the same sync completes and the hand-made column keeps its
data (an extra, reported: exit 1)."""

from __future__ import annotations

from .synctools import (  # noqa: F401
    Project,
    create_model,
    dropped_databases_fixture,
    initial_migration,
    project_fixture,
)

INITIAL = initial_migration(
    create_model(
        "Item",
        '("code", models.CharField(max_length=10))',
        '("size", models.IntegerField(default=0))',
    )
)

WIDER = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AlterField(model_name="item", name="code", field=models.CharField(max_length=20)),
    ]
"""

MODELS = """
class Item(models.Model):
    code = models.CharField(max_length={code})
    size = models.IntegerField(default=0)
{more}"""

LEGACY = "    legacy = models.CharField(max_length=30, null=True, db_index=True)\n"


def _by_hand(project: Project) -> None:
    keep = "CONCAT('keep', id)" if project.vendor == "mysql" else "'keep' || id"
    project.execute(
        "INSERT INTO shop_item (id, code, size) VALUES (1, 'a', 1), (2, 'b', 2)",
        "ALTER TABLE shop_item ADD COLUMN legacy varchar(30) NULL",
        f"UPDATE shop_item SET legacy = {keep}",
        "CREATE INDEX shop_item_legacy_idx ON shop_item (legacy)",
    )


def _state(project: Project) -> tuple[object, ...]:
    return (
        project.schema(),
        project.history(),
        project.file_hashes(),
        project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id"),
    )


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


KEPT = [(1, "a", 1, "keep1"), (2, "b", 2, "keep2")]


def test_rebuild_would_lose_a_hand_made_column(project: Project) -> None:
    project.app(
        "shop", MODELS.format(code=20, more=""), {"0001_initial": INITIAL, "0002_wider": WIDER}
    )
    project.migrate("shop", "0001")
    _by_hand(project)
    before = _state(project)

    result = project.sync()

    if project.vendor == "sqlite":
        assert result.code == 2, str(result)
        assert result.out == ""
        message = _one_line(result.err)
        assert message == (
            "CommandError: Migration shop.0002_wider cannot run on SQLite without losing data: "
            "its operation 'Alter field code on item' rebuilds table shop_item, and the rebuilt "
            "table keeps only what the migrations know, not column legacy; index "
            "shop_item_legacy_idx (made by hand). Nothing was changed. Copy what they hold "
            "elsewhere and drop them by hand, or declare them in the model and in a migration "
            "that runs before this one, then run smart_makemigrations again."
        ), message
        assert _state(project) == before
        # a dry run says the same
        dry = project.sync("--dry-run")
        assert (dry.code, _one_line(dry.err)) == (2, message), str(dry)
        assert _state(project) == before
        return
    assert result.code == 1, str(result)  # the extras stay, and are reported
    assert result.actions == [("apply", "shop", "0002_wider")]
    assert ("extra_column", "shop_item", ("legacy",)) in result.kinds
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_wider")]
    assert project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id") == KEPT
    assert ("legacy",) in project.index_columns("shop_item")


def test_migration_the_sync_writes_is_checked_before_it_is_written(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=""), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    project.models("shop", MODELS.format(code=20, more=""))
    before = _state(project)

    result = project.sync()

    if project.vendor == "sqlite":
        assert result.code == 2, str(result)
        message = _one_line(result.err)
        assert "Migration shop.0002_alter_item_code cannot run on SQLite" in message, message
        assert "not column legacy; index shop_item_legacy_idx (made by hand)" in message, message
        assert _state(project) == before  # no migration file written either
        assert project.migration_files("shop") == ["0001_initial"]
        return
    assert result.code == 1, str(result)
    assert project.migration_files("shop") == ["0001_initial", "0002_alter_item_code"]
    assert project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id") == KEPT


def test_declared_in_the_model_the_column_survives_the_rebuild(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=""), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    # the way forward: the model declares them; makemigrations puts its AddField first
    project.models("shop", MODELS.format(code=20, more=LEGACY))

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    assert project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id") == KEPT
    assert ("legacy",) in project.index_columns("shop_item")
    project.assert_django_clean()


def test_repair_would_lose_a_hand_made_column(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=""), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    # a column of the model dropped by hand: adding it back (NOT NULL DEFAULT 0)
    # rebuilds the table on SQLite
    project.execute("ALTER TABLE shop_item DROP COLUMN size")
    before = (project.schema(), project.history(), project.file_hashes())

    result = project.sync()

    if project.vendor == "sqlite":
        assert result.code == 2, str(result)
        message = _one_line(result.err)
        assert message.startswith(
            "CommandError: Column shop_item.size is missing, and adding it back on SQLite "
            "rebuilds table shop_item, which keeps only what the models know, not column "
            "legacy; index shop_item_legacy_idx (made by hand). Nothing was changed."
        ), message
        assert (project.schema(), project.history(), project.file_hashes()) == before
        return
    assert result.code == 1, str(result)
    assert [a[0] for a in result.actions] == ["repair"]
    assert project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id") == [
        (1, "a", 0, "keep1"),
        (2, "b", 0, "keep2"),
    ]
