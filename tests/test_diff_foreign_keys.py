"""missing_foreign_key and extra_foreign_key, matched by column; the same column
with another target is one foreign_key_mismatch."""

from __future__ import annotations

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import constraint_name, replace_once, rows, sqlite_rebuild, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

AUTHOR_FK = (
    '"author_id" bigint NOT NULL REFERENCES "drift_author" ("id") DEFERRABLE INITIALLY DEFERRED'
)


def deferred(alias: str) -> str:
    """Django makes its keys deferrable where the vendor can."""
    return "" if vendor(alias) == "mysql" else " DEFERRABLE INITIALLY DEFERRED"


def drop_fk(alias: str, table: str, column: str, sqlite_old: str, sqlite_new: str) -> None:
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, table, replace_once(sqlite_old, sqlite_new))
        return
    name = constraint_name(alias, table, [column], foreign_key=True)
    what = "FOREIGN KEY" if vendor(alias) == "mysql" else "CONSTRAINT"
    run_sql(alias, f"ALTER TABLE {qn(alias, table)} DROP {what} {qn(alias, name)}")


def add_fk(alias: str, table: str, column: str, name: str, target: str, sqlite_old: str) -> None:
    ref = f"REFERENCES {qn(alias, target)} ({qn(alias, 'id')})"
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, table, replace_once(sqlite_old, f"{sqlite_old} {ref}"))
    else:
        run_sql(
            alias,
            f"ALTER TABLE {qn(alias, table)} ADD CONSTRAINT {qn(alias, name)} "
            f"FOREIGN KEY ({qn(alias, column)}) {ref}",
        )


def test_dropped_foreign_key(alias: str, fresh_app) -> None:
    fresh_app("drift")
    drop_fk(alias, "drift_book", "author_id", AUTHOR_FK, '"author_id" bigint NOT NULL')
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "missing_foreign_key",
            "drift_book",
            None,
            ("author_id",),
            None,
            "drift",
            "Book",
            "author",
        ),
    ]
    assert report.discrepancies[
        0
    ].expected == "FOREIGN KEY (author_id) REFERENCES drift_author (id)" + deferred(alias)


def test_dropped_foreign_key_of_auto_created_m2m_table(alias: str, fresh_app) -> None:
    fresh_app("drift")
    drop_fk(
        alias,
        "drift_book_authors",
        "book_id",
        '"book_id" bigint NOT NULL REFERENCES "drift_book" ("id") DEFERRABLE INITIALLY DEFERRED',
        '"book_id" bigint NOT NULL',
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "missing_foreign_key",
            "drift_book_authors",
            None,
            ("book_id",),
            None,
            "drift",
            "Book",
            "authors",
        ),
    ]


def test_extra_foreign_key(alias: str, fresh_app) -> None:
    fresh_app("drift")
    add_fk(
        alias,
        "drift_book",
        "editor_ref",
        "drift_book_editor_fk",
        "drift_author",
        '"editor_ref" bigint NULL',
    )
    name = None if vendor(alias) == "sqlite" else "drift_book_editor_fk"  # SQLite FKs have no name
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_foreign_key",
            "drift_book",
            None,
            ("editor_ref",),
            name,
            "drift",
            "Book",
            "editor_ref",
        ),
    ]
    assert report.discrepancies[0].actual == "FOREIGN KEY (editor_ref) REFERENCES drift_author (id)"


def test_foreign_key_to_another_table(alias: str, fresh_app) -> None:
    """Same column, other target: one foreign_key_mismatch with both definitions."""
    fresh_app("drift")
    drop_fk(alias, "drift_book", "author_id", AUTHOR_FK, '"author_id" bigint NOT NULL')
    add_fk(
        alias,
        "drift_book",
        "author_id",
        "drift_book_author_shelf",
        "drift_shelf",
        '"author_id" bigint NOT NULL',
    )
    name = None if vendor(alias) == "sqlite" else "drift_book_author_shelf"
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "foreign_key_mismatch",
            "drift_book",
            None,
            ("author_id",),
            name,
            "drift",
            "Book",
            "author",
        ),
    ]
    (d,) = report.discrepancies
    assert d.expected == "FOREIGN KEY (author_id) REFERENCES drift_author (id)" + deferred(alias)
    assert d.actual == "FOREIGN KEY (author_id) REFERENCES drift_shelf (id)"
