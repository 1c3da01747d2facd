"""primary_key_mismatch: the primary key dropped, or a CompositePrimaryKey's
columns in another order, reported once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connections

import djmigrator

from .conftest import run_sql
from .drift_helpers import replace_once, rows, sqlite_rebuild, vendor

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif("kitchen5" not in apps.app_configs, reason="CompositePrimaryKey: 5.2+"),
]

TABLE = "kitchen5_tenantcode"
SQLITE_KEY = 'PRIMARY KEY ("tenant", "code")'


def remake_key(alias: str, columns: str | None) -> None:
    """Make the table's key ``columns`` (None: no key)."""
    if vendor(alias) == "sqlite":
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [TABLE])
            now = re.search(r", PRIMARY KEY \([^)]*\)", cursor.fetchone()[0])
        old = now.group() if now else ""
        new = ""
        if columns:
            quoted = ", ".join(f'"{c.strip()}"' for c in columns.split(","))
            new = f", PRIMARY KEY ({quoted})"
        if old == new:
            return
        if old:
            edit = replace_once(old, new)
        else:

            def edit(sql: str) -> str:
                return sql[: sql.rindex(")")] + new + ")"

        sqlite_rebuild(alias, TABLE, edit)
        return
    steps = []
    if _keyed(alias):
        steps.append(
            "DROP PRIMARY KEY" if vendor(alias) == "mysql" else f"DROP CONSTRAINT {TABLE}_pkey"
        )
    if columns:
        steps.append(f"ADD PRIMARY KEY ({columns})")
    run_sql(alias, f"ALTER TABLE {TABLE} {', '.join(steps)}")


def _keyed(alias: str) -> bool:
    """Has the table a primary key now (read from the catalog, not cached)?"""
    with connections[alias].cursor() as cursor:
        if vendor(alias) == "mysql":
            cursor.execute(f"SHOW KEYS FROM {TABLE} WHERE Key_name = 'PRIMARY'")
        else:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                [TABLE],
            )
        return bool(cursor.fetchall())


@pytest.fixture
def restored_key(alias: str) -> Iterator[None]:
    """kitchen5 holds a model Django makes only on some vendors, so the app is not
    rebuilt (``fresh_app``): the key is put back as ``migrate`` made it."""
    yield
    remake_key(alias, "tenant, code")


def test_composite_primary_key_reordered(alias: str, restored_key: None) -> None:
    remake_key(alias, "code, tenant")
    report = djmigrator.compare(alias, ["kitchen5"])
    assert rows(report) == [
        (
            "primary_key_mismatch",
            TABLE,
            None,
            ("tenant", "code"),
            None,
            "kitchen5",
            "TenantCode",
            None,
        ),
    ]
    (d,) = report.discrepancies
    assert (d.expected, d.actual) == ("PRIMARY KEY (tenant, code)", "PRIMARY KEY (code, tenant)")


def test_primary_key_dropped(alias: str, restored_key: None) -> None:
    remake_key(alias, None)
    report = djmigrator.compare(alias, ["kitchen5"])
    assert [(d.kind, d.table, d.columns, d.expected, d.actual) for d in report.discrepancies] == [
        ("primary_key_mismatch", TABLE, ("tenant", "code"), "PRIMARY KEY (tenant, code)", None),
    ]
