"""missing_unique and extra_unique: unique=True, unique_together, and both
spellings of an extra one (a UNIQUE constraint, a unique index)."""

from __future__ import annotations

import pytest
from django.db import connections

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import constraint_name, create_index, replace_once, rows, sqlite_rebuild, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def drop_unique(alias: str, table: str, name: str) -> None:
    """Drop a unique constraint or unique index the way its vendor needs."""
    if vendor(alias) == "mysql":
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} DROP INDEX {qn(alias, name)}")
    elif vendor(alias) == "postgresql":
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} DROP CONSTRAINT {qn(alias, name)}")
    else:
        run_sql(alias, f"DROP INDEX {qn(alias, name)}")


def unique_name(alias: str, table: str, column: str) -> str:
    """The name the database gave an unnamed (inline) UNIQUE on ``column``."""
    if vendor(alias) != "sqlite":
        return constraint_name(alias, table, [column], unique=True)
    with connections[alias].cursor() as cursor:  # Django's introspection makes one up
        cursor.execute(f"PRAGMA index_list({qn(alias, table)})")
        names = [r[1] for r in cursor.fetchall() if r[3] == "u"]
        for name in names:
            cursor.execute(f"PRAGMA index_info({qn(alias, name)})")
            if [r[2] for r in cursor.fetchall()] == [column]:
                return str(name)
    raise AssertionError(f"no inline UNIQUE on {table}.{column}")


def test_dropped_unique_field(alias: str, fresh_app) -> None:
    fresh_app("drift")
    if vendor(alias) == "sqlite":  # an inline UNIQUE: only a rebuild removes it
        sqlite_rebuild(
            alias,
            "drift_author",
            replace_once('"email" varchar(200) NOT NULL UNIQUE', '"email" varchar(200) NOT NULL'),
        )
    else:
        drop_unique(
            alias, "drift_author", constraint_name(alias, "drift_author", ["email"], unique=True)
        )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_unique", "drift_author", None, ("email",), None, "drift", "Author", "email"),
    ]


def test_dropped_unique_together(alias: str, fresh_app) -> None:
    fresh_app("drift")
    name = constraint_name(alias, "drift_book", ["title", "author_id"], unique=True)
    drop_unique(alias, "drift_book", name)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_unique", "drift_book", None, ("title", "author_id"), name, "drift", "Book", None),
    ]


def test_dropped_unique_of_auto_created_m2m_table(alias: str, fresh_app) -> None:
    fresh_app("drift")
    name = constraint_name(alias, "drift_book_authors", ["book_id", "author_id"], unique=True)
    if vendor(alias) == "mysql":
        # InnoDB uses this index for the book_id foreign key: give it another
        # first, as a user would have to.
        create_index(alias, "drift_book_authors_book_idx", "drift_book_authors", ["book_id"])
        expected_extra = [
            (
                "extra_index",
                "drift_book_authors",
                None,
                ("book_id",),
                "drift_book_authors_book_idx",
                "drift",
                "Book",
                "authors",
            ),
        ]
    else:
        expected_extra = []
    drop_unique(alias, "drift_book_authors", name)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        *expected_extra,
        (
            "missing_unique",
            "drift_book_authors",
            None,
            ("book_id", "author_id"),
            name,
            "drift",
            "Book",
            "authors",
        ),
    ]


def test_extra_unique_index(alias: str, fresh_app) -> None:
    fresh_app("drift")
    create_index(alias, "drift_book_isbn_uniq", "drift_book", ["isbn"], unique=True)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_unique",
            "drift_book",
            None,
            ("isbn",),
            "drift_book_isbn_uniq",
            "drift",
            "Book",
            "isbn",
        ),
    ]


def test_extra_unique_constraint(alias: str, fresh_app) -> None:
    fresh_app("drift")
    if vendor(alias) == "sqlite":
        sqlite_rebuild(
            alias,
            "drift_book",
            replace_once('"editor_ref" bigint NULL', '"editor_ref" bigint NULL UNIQUE'),
        )
    else:
        table, name, column = (
            qn(alias, n) for n in ("drift_book", "drift_book_editor_uniq", "editor_ref")
        )
        run_sql(alias, f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({column})")
    name = unique_name(alias, "drift_book", "editor_ref")
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("extra_unique", "drift_book", None, ("editor_ref",), name, "drift", "Book", "editor_ref"),
    ]


def test_extra_multi_column_unique(alias: str, fresh_app) -> None:
    fresh_app("drift")
    create_index(alias, "drift_book_isbn_author", "drift_book", ["isbn", "author_id"], unique=True)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_unique",
            "drift_book",
            None,
            ("isbn", "author_id"),
            "drift_book_isbn_author",
            "drift",
            "Book",
            None,
        ),
    ]
