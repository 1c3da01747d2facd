"""foreign_key_mismatch: a foreign key on the same column whose target, ON
DELETE (Django 6.1's DB_CASCADE included) or deferrability differs, reported once."""

from __future__ import annotations

import django
import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import constraint_name, replace_once, rows, sqlite_rebuild, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

REF = '"objects13_gadget" ("id")'
BASE = "FOREIGN KEY (gadget_id) REFERENCES objects13_gadget (id)"


def remake_fk(alias: str, table: str, sqlite_old: str, sqlite_new: str, clauses: str) -> str:
    """The FK on ``table.gadget_id`` made again with ``clauses`` after REFERENCES;
    returns its name (None on SQLite, where it is inline)."""
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, table, replace_once(sqlite_old, sqlite_new))
        return ""
    name = constraint_name(alias, table, ["gadget_id"], foreign_key=True)
    what = "FOREIGN KEY" if vendor(alias) == "mysql" else "CONSTRAINT"
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, table)} DROP {what} {qn(alias, name)}",
        f"ALTER TABLE {qn(alias, table)} ADD CONSTRAINT {qn(alias, name)} "
        f"FOREIGN KEY ({qn(alias, 'gadget_id')}) REFERENCES {qn(alias, 'objects13_gadget')} "
        f"({qn(alias, 'id')}) {clauses}",
    )
    return name


def deferred(alias: str) -> str:
    return "" if vendor(alias) == "mysql" else " DEFERRABLE INITIALLY DEFERRED"


def test_on_delete_cascade_added_by_hand(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    old = f'"gadget_id" bigint NOT NULL REFERENCES {REF} DEFERRABLE INITIALLY DEFERRED'
    new = old.replace(" DEFERRABLE", " ON DELETE CASCADE DEFERRABLE")
    name = remake_fk(alias, "objects13_part", old, new, "ON DELETE CASCADE" + deferred(alias))
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "foreign_key_mismatch",
            "objects13_part",
            None,
            ("gadget_id",),
            name or None,
            "objects13",
            "Part",
            "gadget",
        ),
    ]
    (d,) = report.discrepancies
    assert d.expected == BASE + deferred(alias)
    assert d.actual == BASE + " ON DELETE CASCADE" + deferred(alias)


@pytest.mark.skipif(django.VERSION < (6, 1), reason="DB_CASCADE is Django 6.1's")
def test_db_cascade_lost(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    old = (
        f'"gadget_id" bigint NULL REFERENCES {REF} ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED'
    )
    new = f'"gadget_id" bigint NULL REFERENCES {REF} DEFERRABLE INITIALLY DEFERRED'
    name = remake_fk(alias, "objects13_spare", old, new, deferred(alias).strip())
    report = djmigrator.compare(alias, ["objects13"])
    assert [(d.kind, d.table, d.columns, d.name) for d in report.discrepancies] == [
        ("foreign_key_mismatch", "objects13_spare", ("gadget_id",), name or None),
    ]
    (d,) = report.discrepancies
    assert d.expected is not None and " ON DELETE CASCADE" in d.expected
    assert d.actual is not None and "ON DELETE" not in d.actual


def test_not_deferrable_postgresql(alias: str, fresh_app) -> None:
    if vendor(alias) != "postgresql":
        pytest.skip("Django makes foreign keys deferrable on PostgreSQL (and SQLite)")
    fresh_app("objects13")
    remake_fk(alias, "objects13_part", "", "", "NOT DEFERRABLE")
    report = djmigrator.compare(alias, ["objects13"])
    assert [(d.kind, d.expected, d.actual) for d in report.discrepancies] == [
        (
            "foreign_key_mismatch",
            f"{BASE} DEFERRABLE INITIALLY DEFERRED",
            BASE,
        ),
    ]
