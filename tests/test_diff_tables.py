"""missing_table (a model's, an auto-created M2M's) and extra_table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import Row, rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_dropped_table(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(alias, f"DROP TABLE {qn(alias, 'drift_shelf')}")
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_table", "drift_shelf", None, (), None, "drift", "Shelf", None),
    ]


def test_dropped_auto_created_m2m_table(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(alias, f"DROP TABLE {qn(alias, 'drift_book_authors')}")
    report = djmigrator.compare(alias, ["drift"])
    assert rows(report) == [
        ("missing_table", "drift_book_authors", None, (), None, "drift", "Book", "authors"),
    ]


CREATE = "CREATE TABLE {} (id integer NOT NULL PRIMARY KEY, note varchar(10) NULL)"


@contextmanager
def foreign_table(alias: str) -> Iterator[str]:
    """A table that no app's label prefixes and no model owns."""
    name = "legacy_ledger"
    run_sql(alias, CREATE.format(qn(alias, name)))
    try:
        yield name
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, name)}")


def added(before: list[Row], after: list[Row]) -> list[Row]:
    """What a whole-project comparison reports now and did not before.

    The other test apps are not this test's business; the drift injected here
    must be the only new discrepancy, and nothing may have disappeared.
    """
    assert all(r in after for r in before), (before, after)
    return [r for r in after if r not in before]


def test_extra_table_with_app_prefix(alias: str, fresh_app) -> None:
    fresh_app("drift")  # drops drift_* leftovers afterwards
    baseline = rows(djmigrator.compare(alias))
    run_sql(alias, CREATE.format(qn(alias, "drift_legacy")))
    expected = [("extra_table", "drift_legacy", None, (), None, None, None, None)]
    assert rows(djmigrator.compare(alias, ["drift"])) == expected
    assert added(baseline, rows(djmigrator.compare(alias))) == expected
    assert rows(djmigrator.compare(alias, ["auth"])) == []


def test_extra_table_without_app_prefix(alias: str, fresh_app) -> None:
    fresh_app("drift")
    baseline = rows(djmigrator.compare(alias))
    with foreign_table(alias) as name:
        assert added(baseline, rows(djmigrator.compare(alias))) == [
            ("extra_table", name, None, (), None, None, None, None),
        ]
        # limited to apps, only tables named after those apps can be theirs
        assert rows(djmigrator.compare(alias, ["drift"])) == []
