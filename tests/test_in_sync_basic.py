from __future__ import annotations

import pytest

import djmigrator

from .conftest import kinds, qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_migrated_database_is_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias)
    assert kinds(report) == []


def test_extra_column_is_reported(alias: str, fresh_app) -> None:
    fresh_app("drift")
    table, column = qn(alias, "drift_author"), qn(alias, "nick")
    run_sql(alias, f"ALTER TABLE {table} ADD COLUMN {column} varchar(10) NULL")
    report = djmigrator.compare(alias, ["drift"])
    assert kinds(report) == [("extra_column", "drift_author", ("nick",))]
    d = report.discrepancies[0]
    assert (d.app_label, d.model, d.field) == ("drift", "Author", None)
