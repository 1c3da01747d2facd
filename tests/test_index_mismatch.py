"""index_mismatch: an index on the same columns whose definition differs is
reported once, with both definitions; expression indexes print their expression."""

from __future__ import annotations

import pytest
from django.db import connections

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

TABLE = "objects13_gadget"


def drop_index(alias: str, name: str) -> None:
    on = f" ON {qn(alias, TABLE)}" if vendor(alias) == "mysql" else ""
    run_sql(alias, f"DROP INDEX {qn(alias, name)}{on}")


def remake_index(alias: str, name: str, definition: str, using: str = "") -> None:
    drop_index(alias, name)
    run_sql(alias, f"CREATE INDEX {qn(alias, name)} ON {qn(alias, TABLE)}{using} ({definition})")


def test_descending_index_made_ascending(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    remake_index(alias, "objects13_name_desc", qn(alias, "name"))
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "index_mismatch",
            TABLE,
            None,
            ("name",),
            "objects13_name_desc",
            "objects13",
            "Gadget",
            "name",
        ),
    ]
    (d,) = report.discrepancies
    assert (d.expected, d.actual) == ("INDEX (name DESC)", "INDEX (name)")
    assert d.message == (
        "objects13.Gadget.name: index objects13_name_desc on objects13_gadget (name) "
        "is INDEX (name), expected INDEX (name DESC)"
    )


def test_index_with_another_access_method_postgresql(alias: str, fresh_app) -> None:
    if vendor(alias) != "postgresql":
        pytest.skip("access methods are PostgreSQL's")
    fresh_app("objects13")
    remake_index(alias, "objects13_price_qty_idx", "price, qty", using=" USING brin")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "index_mismatch",
            TABLE,
            None,
            ("price", "qty"),
            "objects13_price_qty_idx",
            "objects13",
            "Gadget",
            None,
        ),
    ]
    (d,) = report.discrepancies
    assert (d.expected, d.actual) == ("INDEX (price, qty)", "INDEX (price, qty) USING brin")


def test_prefix_length_mysql(alias: str, fresh_app) -> None:
    if vendor(alias) != "mysql":
        pytest.skip("prefix lengths are MySQL's and MariaDB's")
    fresh_app("objects13")
    remake_index(alias, "objects13_name_desc", "`name`(10) DESC")
    report = djmigrator.compare(alias, ["objects13"])
    assert [(d.kind, d.expected, d.actual) for d in report.discrepancies] == [
        ("index_mismatch", "INDEX (name DESC)", "INDEX (name(10) DESC)"),
    ]


def test_dropped_expression_index_prints_its_expression(alias: str, fresh_app) -> None:
    if not connections[alias].features.supports_expression_indexes:
        pytest.skip("Django makes no expression index here")
    fresh_app("objects13")
    drop_index(alias, "objects13_lower_name")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("missing_index", TABLE, None, (), "objects13_lower_name", "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert "LOWER(" in d.message.upper() and "()" not in d.message, d.message


def test_extra_expression_index_prints_its_expression_postgresql(alias: str, fresh_app) -> None:
    if vendor(alias) != "postgresql":
        pytest.skip("SQLAlchemy reflects expression indexes on PostgreSQL")
    fresh_app("objects13")
    run_sql(alias, f"CREATE INDEX objects13_upper_name ON {TABLE} (upper(name))")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("extra_index", TABLE, None, (), "objects13_upper_name", "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert "upper(" in d.message and "()" not in d.message.replace("upper(", ""), d.message


def test_partial_index_condition_changed(alias: str, fresh_app) -> None:
    if vendor(alias) == "mysql":
        pytest.skip("MySQL/MariaDB have no partial indexes")
    fresh_app("objects13")
    drop_index(alias, "objects13_qty_partial")
    run_sql(alias, f'CREATE INDEX objects13_qty_partial ON {TABLE} ("qty") WHERE "price" > 5')
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "index_mismatch",
            TABLE,
            None,
            ("qty",),
            "objects13_qty_partial",
            "objects13",
            "Gadget",
            "qty",
        ),
    ]
    (d,) = report.discrepancies
    assert d.expected == 'INDEX (qty) WHERE "price" > 0'
    assert d.actual is not None and d.actual.startswith("INDEX (qty) WHERE ")
    assert "> 5" in d.actual


def test_partial_index_respelt_is_in_sync(alias: str, fresh_app) -> None:
    if vendor(alias) == "mysql":
        pytest.skip("MySQL/MariaDB have no partial indexes")
    fresh_app("objects13")
    drop_index(alias, "objects13_qty_partial")
    run_sql(alias, f"CREATE INDEX objects13_qty_partial ON {TABLE} (qty) WHERE (PRICE>0)")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == []


def test_expression_index_with_another_expression(alias: str, fresh_app) -> None:
    """The same name on another expression: one index_mismatch, both expressions."""
    if not connections[alias].features.supports_expression_indexes:
        pytest.skip("Django makes no expression index here")
    if vendor(alias) == "mysql":
        pytest.skip("MySQL/MariaDB expression indexes: not compared by expression yet")
    fresh_app("objects13")
    remake_index(alias, "objects13_lower_name", f"UPPER({qn(alias, 'name')})")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("index_mismatch", TABLE, None, (), "objects13_lower_name", "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert "LOWER(" in (d.expected or "").upper() and "UPPER(" in (d.actual or "").upper(), d


def _expression_directions(alias: str) -> None:
    if not connections[alias].features.supports_expression_indexes:
        pytest.skip("Django makes no expression index here")
    if vendor(alias) == "mysql":
        pytest.skip("MySQL's expression indexes: not compared by expression yet")


def test_expression_index_made_descending(alias: str, fresh_app) -> None:
    _expression_directions(alias)
    fresh_app("objects13")
    remake_index(alias, "objects13_lower_name", f"LOWER({qn(alias, 'name')}) DESC")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("index_mismatch", TABLE, None, (), "objects13_lower_name", "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert " DESC)" in (d.actual or "") and "DESC" not in (d.expected or ""), d


def test_descending_expression_index_made_ascending(alias: str, fresh_app) -> None:
    """PostgreSQL reads the direction from pg_index (SQLAlchemy leaves it out)."""
    _expression_directions(alias)
    fresh_app("objects13")
    assert rows(djmigrator.compare(alias, ["objects13"])) == []  # DESC as Django made it
    remake_index(
        alias, "objects13_lower_name_desc", f"LOWER({qn(alias, 'name')}), {qn(alias, 'price')}"
    )
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "index_mismatch",
            TABLE,
            None,
            (),
            "objects13_lower_name_desc",
            "objects13",
            "Gadget",
            None,
        ),
    ]
    (d,) = report.discrepancies
    assert "DESC" in (d.expected or "") and "DESC" not in (d.actual or ""), d
