# ruff: noqa: E501  (the migration below is written as makemigrations writes it)
"""PostgreSQL: a model whose ``db_table`` names another schema
(``'"djm_pgschema"."pgschema_widget"'``) is compared against that schema.

``tests/apps/pgschema`` (PostgreSQL only) has ``Widget`` there and ``Gadget``,
in the alias's own schema, with a foreign key into it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections

import djmigrator

from .conftest import run_sql
from .drift_helpers import rows
from .synctools import _DROPS, Project, dropped_databases_fixture  # noqa: F401

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif("postgresql" not in connections, reason="PostgreSQL not listed"),
]

PG = "postgresql"
WIDGET = '"djm_pgschema"."pgschema_widget"'


def rebuild() -> None:
    """Both tables again, exactly as migrate creates them."""
    from django.apps import apps

    run_sql(PG, f"DROP TABLE IF EXISTS pgschema_gadget, {WIDGET} CASCADE")
    with connections[PG].schema_editor() as editor:
        for model in apps.get_app_config("pgschema").get_models():
            editor.create_model(model)


@pytest.fixture
def fresh() -> Iterator[None]:
    rebuild()
    yield
    rebuild()


def test_migrated_is_in_sync(fresh: None) -> None:
    assert rows(djmigrator.compare(PG, ["pgschema"])) == []
    whole = djmigrator.compare(PG)
    assert [r for r in rows(whole) if "pgschema" in r[1]] == []


def test_dropped_column_in_the_other_schema(fresh: None) -> None:
    run_sql(PG, f"ALTER TABLE {WIDGET} DROP COLUMN size")
    report = djmigrator.compare(PG, ["pgschema"])
    assert rows(report) == [
        ("missing_column", WIDGET, "size", ("size",), None, "pgschema", "Widget", "size"),
    ]
    assert report.discrepancies[0].message == (
        f"pgschema.Widget.size: column {WIDGET}.size is missing"
    )


def test_dropped_index_and_added_column(fresh: None) -> None:
    with connections[PG].cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'djm_pgschema' "
            "AND indexname LIKE '%%name%%' AND indexname NOT LIKE '%%like'"
        )
        (index,) = cursor.fetchone()
    run_sql(
        PG,
        f'DROP INDEX "djm_pgschema"."{index}"',
        f"ALTER TABLE {WIDGET} ADD COLUMN note text NULL",
    )
    assert rows(djmigrator.compare(PG, ["pgschema"])) == [
        ("extra_column", WIDGET, "note", ("note",), None, "pgschema", "Widget", None),
        ("missing_index", WIDGET, None, ("name",), index, "pgschema", "Widget", "name"),
    ]


def test_dropped_table_is_missing_even_where_the_search_path_has_one(fresh: None) -> None:
    # a table of the same name in the alias's own schema is not the model's
    run_sql(
        PG,
        f"DROP TABLE {WIDGET} CASCADE",
        "CREATE TABLE pgschema_widget (id bigint PRIMARY KEY)",
    )
    try:
        found = rows(djmigrator.compare(PG, ["pgschema"]))
    finally:
        run_sql(PG, "DROP TABLE pgschema_widget")
    # the model's table is missing; the other one is an extra table of the
    # app's; the foreign key of Gadget went with the CASCADE
    assert [r[:2] for r in found] == [
        ("missing_table", WIDGET),
        ("missing_foreign_key", "pgschema_gadget"),
        ("extra_table", "pgschema_widget"),
    ]


def test_type_change_in_the_other_schema(fresh: None) -> None:
    run_sql(PG, f"ALTER TABLE {WIDGET} ALTER COLUMN size TYPE bigint")
    assert rows(djmigrator.compare(PG, ["pgschema"])) == [
        ("type_mismatch", WIDGET, "size", ("size",), None, "pgschema", "Widget", "size"),
    ]


# -- a sync, in a throwaway project -----------------------------------------

OTHER_MODELS = """
class Widget(models.Model):
    name = models.CharField(max_length=40, db_index=True)
    size = models.IntegerField(null=True)

    class Meta:
        db_table = '"other"."shop_widget"'


class Gadget(models.Model):
    widget = models.ForeignKey(Widget, on_delete=models.CASCADE)
"""

OTHER_INITIAL = """
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunSQL('CREATE SCHEMA IF NOT EXISTS "other"', migrations.RunSQL.noop),
        migrations.CreateModel(
            name="Widget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(db_index=True, max_length=40)),
                ("size", models.IntegerField(null=True)),
            ],
            options={"db_table": '"other"."shop_widget"'},
        ),
        migrations.CreateModel(
            name="Gadget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("widget", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.widget")),
            ],
        ),
    ]
"""


@pytest.fixture
def pg_project(tmp_path, dropped_databases) -> Iterator[Project]:
    proj = Project(tmp_path / "proj", "postgresql")
    proj.create_database()
    try:
        yield proj
    finally:
        proj.close()
        dropped_databases.append(_DROPS.submit(proj.drop_database))


@pytest.mark.django_db(databases=[])
def test_sync_in_another_schema(pg_project: Project) -> None:
    proj = pg_project
    proj.app("shop", OTHER_MODELS, {"0001_initial": OTHER_INITIAL})
    proj.migrate()
    check = proj.sync("--check")
    assert check.code == 0, str(check)
    assert check.report["schema"] is None
    proj.execute('ALTER TABLE "other"."shop_widget" DROP COLUMN size')
    check = proj.sync("--check")
    assert check.code == 1, str(check)
    assert check.kinds == [("missing_column", '"other"."shop_widget"', ("size",))]
    synced = proj.sync()
    assert synced.code == 0, str(synced)
    assert synced.report["discrepancies"] == []
    assert [a["action"] for a in synced.report["actions"]] == ["repair"]
    assert ("size",) in [
        (r[0],)
        for r in proj.rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'other' AND table_name = 'shop_widget'"
        )
    ]
    assert proj.sync("--check").code == 0
