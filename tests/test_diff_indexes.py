"""missing_index and extra_index, injected with raw SQL on each vendor.

Indexes are matched by what they do (columns, unique, operator classes), never
by name: a renamed index is no drift.
"""

from __future__ import annotations

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import constraint_names, create_index, rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def plain_indexes(alias: str, table: str, columns: list[str]) -> list[str]:
    return constraint_names(alias, table, columns, index=True, unique=False, foreign_key=False)


def drop_index(alias: str, table: str, name: str) -> None:
    if vendor(alias) == "mysql":
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} DROP INDEX {qn(alias, name)}")
    else:
        run_sql(alias, f"DROP INDEX {qn(alias, name)}")


def test_dropped_meta_index(alias: str, fresh_app) -> None:
    fresh_app("drift")
    drop_index(alias, "drift_book", "drift_book_pages_title")
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "missing_index",
            "drift_book",
            None,
            ("pages", "title"),
            "drift_book_pages_title",
            "drift",
            "Book",
            None,
        ),
    ]


def test_dropped_db_index(alias: str, fresh_app) -> None:
    fresh_app("drift")
    # PostgreSQL also has the varchar_pattern_ops ``_like`` index on title
    (name,) = [n for n in plain_indexes(alias, "drift_book", ["title"]) if not n.endswith("_like")]
    drop_index(alias, "drift_book", name)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_index", "drift_book", None, ("title",), name, "drift", "Book", "title"),
    ]


def test_dropped_pattern_ops_index_postgresql(alias: str, fresh_app) -> None:
    if vendor(alias) != "postgresql":
        pytest.skip("only PostgreSQL has Django's _like (pattern ops) indexes")
    fresh_app("drift")
    (name,) = [n for n in plain_indexes(alias, "drift_book", ["title"]) if n.endswith("_like")]
    drop_index(alias, "drift_book", name)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_index", "drift_book", None, ("title",), name, "drift", "Book", "title"),
    ]
    assert "varchar_pattern_ops" in (report.discrepancies[0].expected or "")


def test_dropped_index_on_auto_created_m2m_table(alias: str, fresh_app) -> None:
    if vendor(alias) == "mysql":
        pytest.skip("InnoDB refuses to drop the index its foreign key needs")
    fresh_app("drift")
    (name,) = plain_indexes(alias, "drift_book_authors", ["author_id"])
    drop_index(alias, "drift_book_authors", name)
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "missing_index",
            "drift_book_authors",
            None,
            ("author_id",),
            name,
            "drift",
            "Book",
            "authors",
        ),
    ]


def test_extra_index(alias: str, fresh_app) -> None:
    fresh_app("drift")
    create_index(alias, "drift_book_isbn_extra", "drift_book", ["isbn"])
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_index",
            "drift_book",
            None,
            ("isbn",),
            "drift_book_isbn_extra",
            "drift",
            "Book",
            "isbn",
        ),
    ]


def test_extra_multi_column_index(alias: str, fresh_app) -> None:
    fresh_app("drift")
    create_index(alias, "drift_book_isbn_pages", "drift_book", ["isbn", "pages"])
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_index",
            "drift_book",
            None,
            ("isbn", "pages"),
            "drift_book_isbn_pages",
            "drift",
            "Book",
            None,
        ),
    ]


def test_index_with_columns_in_another_order(alias: str, fresh_app) -> None:
    """(title, pages) is not the models' (pages, title): one missing, one extra."""
    fresh_app("drift")
    drop_index(alias, "drift_book", "drift_book_pages_title")
    create_index(alias, "drift_book_pages_title", "drift_book", ["title", "pages"])
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "missing_index",
            "drift_book",
            None,
            ("pages", "title"),
            "drift_book_pages_title",
            "drift",
            "Book",
            None,
        ),
        (
            "extra_index",
            "drift_book",
            None,
            ("title", "pages"),
            "drift_book_pages_title",
            "drift",
            "Book",
            None,
        ),
    ]


def test_renamed_index_is_not_drift(alias: str, fresh_app) -> None:
    fresh_app("drift")
    drop_index(alias, "drift_book", "drift_book_pages_title")
    create_index(alias, "some_other_name", "drift_book", ["pages", "title"])
    assert rows(djmigrator.compare(alias, ["drift"])) == []
