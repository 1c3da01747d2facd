"""Zero false positives: what Django's own ``migrate`` created is in sync.

The kitchen apps (``tests/apps/kitchen*``, ``tests/apps/pgonly``) use every
built-in field class and schema option; the test databases are created by
``migrate``.  Variants Django itself does not create on a vendor are listed in
each app's models module; Django skips them there, and so must djmigrator.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connections

import djmigrator

from .conftest import kinds, qn, run_sql

# Each test runs inside a transaction on every alias (djmigrator borrows
# Django's connection, so it sees exactly what the test sees): nothing here
# writes outside it, which spares a flush of three databases after every test.
pytestmark = pytest.mark.django_db(databases="__all__")

KITCHEN_APPS = [
    label
    for label in (
        "kitchen",
        "kitchen5",
        "kitchen61",
        "kitchen_image",
        "kitchen_history",
        "pgonly",
    )
    if label in apps.app_configs
]
CONTRIB_APPS = [
    label
    for label in (
        "auth",
        "contenttypes",
        "sessions",
        "admin",
        "sites",
        "flatpages",
        "redirects",
        "postgres",
    )
    if label in apps.app_configs
]

#: The only notes a freshly migrated database may carry: Django's named leftovers.
LEFTOVER_NOTE = re.compile(
    r"auto-created many-to-many table is \w+(\(\d+\))?, the models say \w+[^;]*; "
    r"Django does not migrate it when the auto field changes \(ticket #32674\); not drift$"
    r"|char\(32\) UUID column from before Django 5\.0 on MariaDB"
    # the fts app's search table (``test_virtual_tables``)
    r"|^fts_entry_fts: SQLite virtual table \(fts5, with shadow tables [^)]*\); only the names"
    # the fkcover app's history (``test_fk_cover_leftover``)
    r"|^fkcover_book\.\w+: index on \(author_id\) that Django's schema editor adds to keep "
    r"the foreign key author_id covered when a unique that began with it is removed; "
)


def table_names(alias: str) -> set[str]:
    return set(connections[alias].introspection.table_names())


def test_whole_project_is_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias)
    assert kinds(report) == []
    assert report.in_sync


@pytest.mark.parametrize("label", KITCHEN_APPS)
def test_each_kitchen_app_is_in_sync(alias: str, label: str) -> None:
    report = djmigrator.compare(alias, [label])
    assert kinds(report) == []
    notes = report[alias].notes
    if label == "kitchen_history" and connections[alias].vendor != "sqlite":
        # Its app's default_auto_field (AutoField) differs from the project's
        # DEFAULT_AUTO_FIELD: the M2M table's id is bigint, the named leftover.
        assert len(notes) == 1
        assert notes[0].startswith("kitchen_history_books_labels.id: ")
        assert "(ticket #32674); not drift" in notes[0]
    else:
        assert notes == ()


def test_kitchen_apps_together_are_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, KITCHEN_APPS)
    assert kinds(report) == []


def test_contrib_apps_are_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, CONTRIB_APPS)
    assert kinds(report) == []


def test_all_aliases_at_once_are_in_sync() -> None:
    report = djmigrator.compare(all_databases=True)
    assert [db.alias for db in report.databases] == list(connections.settings)
    assert kinds(report) == []


def test_kitchen_tables_exist_as_migrate_made_them(alias: str) -> None:
    """The comparison above is about real tables: the ones the vendor can hold exist,
    the vendor-specific, unmanaged and proxy ones do not."""
    vendor = connections[alias].vendor
    tables = table_names(alias)
    for table in (
        "kitchen_allfields",
        "kitchen_custom_category",
        "kitchen_item_tags",
        "kitchen_item_tag_custom",
        "kitchen_item_related",
        "kitchen_group_role",
        "kitchen_receipt_table",
        "kitchen_pizzeria",
    ):
        assert table in tables
    for other in ("sqlite", "postgresql", "mysql"):
        table = f"kitchen_collated{'postgres' if other == 'postgresql' else other}"
        assert (table in tables) == (other == vendor)
    assert "kitchen_legacy_view" not in tables
    assert "kitchen_legacy_view_tags" not in tables
    assert "kitchen_proxyitem" not in tables
    assert ("pgonly_pgfields" in tables) == (vendor == "postgresql")
    if "kitchen5" in apps.app_configs:
        assert "kitchen5_orderline" in tables
        assert ("kitchen5_virtualgenerated" in tables) == (vendor != "postgresql")


def test_check_command_prints_one_line_and_exits_zero(alias: str) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "smart_makemigrations", "--check", database=[alias], stdout=out, stderr=err, verbosity=1
    )
    vendor = connections[alias].vendor
    assert out.getvalue().splitlines() == [f"No schema drift on '{alias}' ({vendor})."]
    assert err.getvalue() == ""


def test_check_command_on_kitchen_apps_exits_zero(alias: str) -> None:
    out = StringIO()
    call_command("smart_makemigrations", *KITCHEN_APPS, "--check", database=[alias], stdout=out)
    assert len(out.getvalue().splitlines()) == 1


def test_notes_name_only_djangos_leftovers(alias: str) -> None:
    """Verbosity 2 lists notes; on a migrated database they can only be the named
    leftovers (a note never stands in for a difference)."""
    report = djmigrator.compare(alias)
    assert [n for n in report[alias].notes if not LEFTOVER_NOTE.search(n)] == []
    out = StringIO()
    call_command("smart_makemigrations", "--check", database=[alias], stdout=out, verbosity=2)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"No schema drift on '{alias}' ({connections[alias].vendor})."
    assert all(line.startswith("  note: ") for line in lines[1:])
    assert [line for line in lines[1:] if not LEFTOVER_NOTE.search(line[8:])] == []


# -- the in-sync answers above are not blind spots ----------------------------
# Each check below damages a kitchen table inside the test's transaction (rolled
# back afterwards), so it runs where DDL is transactional.


def _rollback_ddl_only(alias: str) -> None:
    if not connections[alias].features.can_rollback_ddl:
        pytest.skip("DDL is not transactional here; the drift tests cover this vendor")


def test_expression_index_is_compared_by_name(alias: str) -> None:
    _rollback_ddl_only(alias)
    assert connections[alias].features.supports_expression_indexes
    run_sql(alias, f"DROP INDEX {qn(alias, 'kitchen_lower_char_idx')}")
    report = djmigrator.compare(alias, ["kitchen"])
    assert kinds(report) == [("missing_index", "kitchen_allfields", ())]
    assert report.discrepancies[0].name == "kitchen_lower_char_idx"


def test_descending_index_column_is_compared_on_postgresql(alias: str) -> None:
    """One index_mismatch (the other vendors: tests/test_index_mismatch.py)."""
    if connections[alias].vendor != "postgresql":
        pytest.skip("the DDL is rolled back on PostgreSQL only")
    run_sql(
        alias,
        "DROP INDEX kitchen_dt_desc_idx",
        'CREATE INDEX kitchen_dt_desc_idx ON kitchen_allfields ("datetime")',
    )
    report = djmigrator.compare(alias, ["kitchen"])
    assert kinds(report) == [("index_mismatch", "kitchen_allfields", ("datetime",))]
    assert report.discrepancies[0].expected == "INDEX (datetime DESC)"
    assert report.discrepancies[0].actual == "INDEX (datetime)"
    assert report.discrepancies[0].name == "kitchen_dt_desc_idx"


def test_table_name_truncated_by_postgresql_is_compared(alias: str) -> None:
    if connections[alias].vendor != "postgresql":
        pytest.skip("PostgreSQL-only model")
    table = "pgonly_modelwithaverylongnamethatpostgrestruncatestosixtythreeb"
    assert table in table_names(alias)
    run_sql(alias, f"ALTER TABLE {table} ADD COLUMN extra integer NULL")
    report = djmigrator.compare(alias, ["pgonly"])
    assert kinds(report) == [("extra_column", table, ("extra",))]
    assert report.discrepancies[0].model == (
        "ModelWithAVeryLongNameThatPostgresTruncatesToSixtyThreeBytes"
    )


def test_unmanaged_and_other_vendor_tables_are_never_reported(alias: str) -> None:
    """Their tables may exist (created by hand); they are not the models' business."""
    _rollback_ddl_only(alias)
    vendor = connections[alias].vendor
    other = "kitchen_collatedmysql" if vendor != "mysql" else "kitchen_collatedsqlite"
    run_sql(
        alias,
        f"CREATE TABLE {qn(alias, 'kitchen_legacy_view')} (id integer PRIMARY KEY)",
        f"CREATE TABLE {qn(alias, 'kitchen_legacy_view_tags')} (id integer PRIMARY KEY)",
        f"CREATE TABLE {qn(alias, other)} (id integer PRIMARY KEY)",
    )
    assert kinds(djmigrator.compare(alias, ["kitchen"])) == []


def test_database_level_on_delete_is_in_the_database(alias: str) -> None:
    """Django 6.1's ``DB_CASCADE`` / ``DB_SET_NULL`` / ``DB_SET_DEFAULT``: the
    database carries them out, and the comparison calls it in sync."""
    if "kitchen61" not in apps.app_configs:
        pytest.skip("Django 6.1 or newer")
    from tests.apps.kitchen61.models import CascadeChild, Parent, SetNullChild

    parent = Parent.objects.using(alias).create(name="p")
    CascadeChild.objects.using(alias).create(parent=parent)
    orphan = SetNullChild.objects.using(alias).create(parent=parent)
    with connections[alias].cursor() as cursor:  # behind Django's back: the database acts
        cursor.execute(f"DELETE FROM {qn(alias, 'kitchen61_parent')}")
    assert not CascadeChild.objects.using(alias).exists()
    orphan.refresh_from_db(using=alias)
    assert orphan.parent_id is None
    assert djmigrator.compare(alias, ["kitchen61"]).in_sync
