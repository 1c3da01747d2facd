"""type_mismatch and nullability_mismatch, injected with raw SQL on each vendor."""

from __future__ import annotations

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import replace_once, rows, sqlite_rebuild, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def alter_column(
    alias: str, table: str, column: str, old: str, new: str, mysql: str, pg: str
) -> None:
    """Change one column's definition: SQLite ``old`` -> ``new`` in the CREATE
    TABLE text, MySQL ``MODIFY column <mysql>``, PostgreSQL ``ALTER COLUMN <pg>``."""
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, table, replace_once(old, new))
    elif vendor(alias) == "mysql":
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} MODIFY {qn(alias, column)} {mysql}")
    else:
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} ALTER COLUMN {qn(alias, column)} {pg}")


def test_varchar_length(alias: str, fresh_app) -> None:
    fresh_app("drift")
    alter_column(
        alias,
        "drift_author",
        "name",
        '"name" varchar(100) NOT NULL',
        '"name" varchar(150) NOT NULL',
        mysql="varchar(150) NOT NULL",
        pg="TYPE varchar(150)",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("type_mismatch", "drift_author", "name", ("name",), None, "drift", "Author", "name"),
    ]
    d = report.discrepancies[0]
    assert d.expected == "varchar(100)"
    assert d.actual is not None and "varchar(150)" in d.actual


def test_integer_to_bigint(alias: str, fresh_app) -> None:
    fresh_app("drift")
    alter_column(
        alias,
        "drift_book",
        "pages",
        '"pages" integer NOT NULL',
        '"pages" bigint NOT NULL',
        mysql="bigint NOT NULL",
        pg="TYPE bigint",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("type_mismatch", "drift_book", "pages", ("pages",), None, "drift", "Book", "pages"),
    ]
    d = report.discrepancies[0]
    assert d.expected == "integer"
    assert d.actual is not None and d.actual.startswith("bigint")


def test_not_null_column_made_nullable(alias: str, fresh_app) -> None:
    fresh_app("drift")
    alter_column(
        alias,
        "drift_author",
        "name",
        '"name" varchar(100) NOT NULL',
        '"name" varchar(100) NULL',
        mysql="varchar(100) NULL",
        pg="DROP NOT NULL",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "nullability_mismatch",
            "drift_author",
            "name",
            ("name",),
            None,
            "drift",
            "Author",
            "name",
        ),
    ]
    d = report.discrepancies[0]
    assert (d.expected, d.actual) == ("NOT NULL", "NULL")


def test_nullable_column_made_not_null(alias: str, fresh_app) -> None:
    fresh_app("drift")
    alter_column(
        alias,
        "drift_book",
        "isbn",
        '"isbn" varchar(20) NULL',
        '"isbn" varchar(20) NOT NULL',
        mysql="varchar(20) NOT NULL",
        pg="SET NOT NULL",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("nullability_mismatch", "drift_book", "isbn", ("isbn",), None, "drift", "Book", "isbn"),
    ]
    d = report.discrepancies[0]
    assert (d.expected, d.actual) == ("NULL", "NOT NULL")
