# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""On SQLite, Django rebuilds a whole table for many operations (an AlterField,
a RemoveField of an indexed column, an AddField of a NOT NULL column); on its
own the rebuilt table has only the columns and indexes the migrations know
(and a view on the table makes the rebuild fail).  During a sync the rebuild
keeps everything that was there: a column made by hand with its values, a
hand-made index, a trigger and a view (remake.py).  PostgreSQL
and MariaDB alter the table in place: the same syncs complete as well.  The
hand-made things stay extras, reported (exit 1)."""

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
        '("tag", models.CharField(db_index=True, default="", max_length=5))',
    )
)

#: both operations rebuild the table on SQLite; the second drops a Django index
WIDER = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AlterField(model_name="item", name="code", field=models.CharField(max_length=20)),
        migrations.RemoveField(model_name="item", name="tag"),
    ]
"""

MODELS = """
class Item(models.Model):
    code = models.CharField(max_length={code})
    size = models.IntegerField(default=0)
{more}"""

TAG = '    tag = models.CharField(db_index=True, default="", max_length=5)\n'
LEGACY = "    legacy = models.CharField(max_length=30, null=True, db_index=True)\n"

TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER shop_item_log AFTER INSERT ON shop_item "
        "BEGIN INSERT INTO shop_log (item_id) VALUES (NEW.id); END"
    ],
    "postgresql": [
        "CREATE FUNCTION shop_item_log() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO shop_log (item_id) VALUES (NEW.id); RETURN NEW; END $$",
        "CREATE TRIGGER shop_item_log AFTER INSERT ON shop_item "
        "FOR EACH ROW EXECUTE FUNCTION shop_item_log()",
    ],
    "mysql": [
        "CREATE TRIGGER shop_item_log AFTER INSERT ON shop_item "
        "FOR EACH ROW INSERT INTO shop_log (item_id) VALUES (NEW.id)"
    ],
}


def _by_hand(project: Project) -> None:
    """A column (with values), an index and a trigger made by hand."""
    keep = "CONCAT('keep', id)" if project.vendor == "mysql" else "'keep' || id"
    project.execute(
        "CREATE TABLE shop_log (item_id integer NOT NULL)",
        *TRIGGER[project.vendor],
        "INSERT INTO shop_item (id, code, size, tag) VALUES (1, 'a', 1, 't'), (2, 'b', 2, 't')",
        "ALTER TABLE shop_item ADD COLUMN legacy varchar(30) NULL",
        f"UPDATE shop_item SET legacy = {keep}",
        "CREATE INDEX shop_item_legacy_idx ON shop_item (legacy)",
        # SQLite checks views when the rebuilt table is renamed
        "CREATE VIEW shop_item_legacy AS SELECT id, legacy FROM shop_item",
    )


def _state(project: Project) -> tuple[object, ...]:
    return (
        project.schema(),
        project.history(),
        project.file_hashes(),
        project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id"),
    )


def _assert_kept(project: Project, rows: list[tuple[object, ...]]) -> None:
    """The hand-made column keeps its values, its index stays, the trigger fires."""
    assert project.rows("SELECT id, code, size, legacy FROM shop_item ORDER BY id") == rows
    assert ("legacy",) in project.index_columns("shop_item")
    assert project.rows("SELECT id, legacy FROM shop_item_legacy ORDER BY id") == [
        (id_, legacy) for id_, _, _, legacy in rows
    ]
    assert project.rows("SELECT item_id FROM shop_log ORDER BY item_id") == [(1,), (2,)]
    tag = ", tag" if "tag" in project.columns("shop_item") else ""
    project.execute(
        f"INSERT INTO shop_item (id, code, size{tag}) VALUES (3, 'c', 3{tag and ', 1'})"
    )
    assert project.rows("SELECT item_id FROM shop_log ORDER BY item_id") == [(1,), (2,), (3,)]


def _extras(result: object) -> set[tuple[str, str, tuple[str, ...]]]:
    return set(result.kinds)  # type: ignore[attr-defined]


#: (the index on the extra column is not reported apart from it)
HAND_MADE = {("extra_column", "shop_item", ("legacy",)), ("extra_table", "shop_log", ())}

KEPT = [(1, "a", 1, "keep1"), (2, "b", 2, "keep2")]


def test_rebuilding_migration_keeps_what_was_made_by_hand(project: Project) -> None:
    project.app(
        "shop", MODELS.format(code=20, more=""), {"0001_initial": INITIAL, "0002_wider": WIDER}
    )
    project.migrate("shop", "0001")
    _by_hand(project)

    result = project.sync()

    assert result.code == 1, str(result)  # the extras stay, and are reported
    assert result.actions == [("apply", "shop", "0002_wider")]
    assert _extras(result) == HAND_MADE, result.kinds
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_wider")]
    columns = project.schema_of("shop_item")["columns"]
    assert [c[0] for c in columns] == ["id", "code", "size", "legacy"]
    assert "20" in columns[1][1], columns
    # the RemoveField dropped tag and its Django index: neither comes back
    assert project.index_columns("shop_item") == [("legacy",)]
    _assert_kept(project, KEPT)
    again = project.sync()
    assert (again.code, again.actions, _extras(again)) == (1, [], HAND_MADE), str(again)
    project.assert_django_clean()


def test_migration_the_sync_writes_keeps_what_was_made_by_hand(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=TAG), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    project.models("shop", MODELS.format(code=20, more=TAG))

    result = project.sync()

    assert result.code == 1, str(result)
    assert project.migration_files("shop") == ["0001_initial", "0002_alter_item_code"]
    assert _extras(result) == HAND_MADE, result.kinds
    _assert_kept(project, KEPT)


def test_dry_run_shows_the_rebuild_that_keeps_them(project: Project) -> None:
    if project.vendor != "sqlite":
        return  # no rebuild elsewhere
    project.app(
        "shop", MODELS.format(code=20, more=""), {"0001_initial": INITIAL, "0002_wider": WIDER}
    )
    project.migrate("shop", "0001")
    _by_hand(project)
    before = _state(project)

    result = project.sync("--dry-run")

    assert result.code == 1, str(result)
    assert _state(project) == before
    (apply,) = [a for a in result.report["actions"] if a["action"] == "apply"]
    sql = "\n".join(apply["sql"])
    assert 'CREATE TABLE "new__shop_item" (' in sql, sql
    assert ", legacy varchar(30) NULL)" in sql, sql
    assert '"tag", "legacy") SELECT ' in sql or '"size", "legacy") SELECT ' in sql, sql
    assert "CREATE INDEX shop_item_legacy_idx ON shop_item (legacy)" in sql, sql
    assert "CREATE TRIGGER shop_item_log AFTER INSERT ON shop_item" in sql, sql
    assert 'DROP VIEW IF EXISTS "shop_item_legacy"' in sql, sql
    assert "CREATE VIEW shop_item_legacy AS SELECT id, legacy FROM shop_item" in sql, sql


def test_declared_in_the_model_the_column_survives_the_rebuild(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=TAG), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    # the model declares the column; makemigrations puts its AddField first
    project.models("shop", MODELS.format(code=20, more=TAG + LEGACY))

    result = project.sync()

    assert result.code == 1, str(result)
    expected = {("extra_table", "shop_log", ())}
    if project.vendor == "sqlite":  # the rebuild makes Django's index; the hand-made one stays
        expected.add(("extra_index", "shop_item", ("legacy",)))
    assert _extras(result) == expected, result.kinds
    _assert_kept(project, KEPT)
    project.assert_django_clean()


def test_restoring_a_dropped_column_keeps_what_was_made_by_hand(project: Project) -> None:
    project.app("shop", MODELS.format(code=10, more=TAG), {"0001_initial": INITIAL})
    project.migrate("shop")
    _by_hand(project)
    # a column of the model dropped by hand: adding it back (NOT NULL DEFAULT 0)
    # rebuilds the table on SQLite
    project.execute("ALTER TABLE shop_item DROP COLUMN size")

    result = project.sync()

    assert result.code == 1, str(result)
    assert [a[0] for a in result.actions] == ["repair"], result.actions
    assert _extras(result) == HAND_MADE, result.kinds
    assert "size" in project.columns("shop_item")
    assert ("tag",) in project.index_columns("shop_item")
    _assert_kept(project, [(1, "a", 0, "keep1"), (2, "b", 0, "keep2")])
    project.assert_django_clean()
