"""missing_column and extra_column, injected with raw SQL on each vendor."""

from __future__ import annotations

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_dropped_column(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}")
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_column", "drift_book", "isbn", ("isbn",), None, "drift", "Book", "isbn"),
    ]
    d = report.discrepancies[0]
    assert (d.expected, d.actual) == ("varchar(20) NULL", None)


def test_extra_column(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_book')} ADD COLUMN {qn(alias, 'legacy_code')} "
        "integer NOT NULL DEFAULT 0",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_column",
            "drift_book",
            "legacy_code",
            ("legacy_code",),
            None,
            "drift",
            "Book",
            None,
        ),
    ]
    d = report.discrepancies[0]
    assert d.expected is None
    assert d.actual is not None and d.actual.endswith("NOT NULL")


def test_extra_column_on_auto_created_m2m_table(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_book_authors')} ADD COLUMN {qn(alias, 'position')} "
        "integer NULL",
    )
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        (
            "extra_column",
            "drift_book_authors",
            "position",
            ("position",),
            None,
            "drift",
            "Book",
            "authors",
        ),
    ]
