"""generated_mismatch: a stored GeneratedField's expression changed, made a
plain column, or made virtual, with raw SQL on each vendor."""

from __future__ import annotations

import pytest

import djmigrator

from .column_kinds import SUMMED, sqlite_recreate
from .conftest import run_sql
from .drift_helpers import rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

ROW = ("generated_mismatch", SUMMED, "total", ("total",), None, "colkinds", "Summed", "total")


def report_row(alias: str) -> djmigrator.report.Discrepancy:
    report = djmigrator.compare(alias, ["colkinds"])
    assert rows(report) == [ROW]
    return report.discrepancies[0]


def test_expression_changed(alias: str, fresh_app) -> None:
    fresh_app("colkinds")
    if vendor(alias) == "postgresql":
        # PostgreSQL cannot change a generation expression in place (before 17)
        run_sql(
            alias,
            f"ALTER TABLE {SUMMED} DROP COLUMN total",
            f"ALTER TABLE {SUMMED} ADD COLUMN total integer GENERATED ALWAYS AS (a - b) STORED",
        )
    elif vendor(alias) == "mysql":
        run_sql(
            alias,
            f"ALTER TABLE {SUMMED} DROP COLUMN total",
            f"ALTER TABLE {SUMMED} ADD COLUMN total integer GENERATED ALWAYS AS (a - b) STORED",
        )
    else:
        sqlite_recreate(alias, SUMMED, '("a" + "b")', '("a" - "b")')
    d = report_row(alias)
    assert d.expected is not None and "+" in d.expected and d.expected.endswith("STORED")
    assert d.actual is not None and "-" in d.actual and d.actual.endswith("STORED")


def test_made_a_plain_column(alias: str, fresh_app) -> None:
    fresh_app("colkinds")
    if vendor(alias) == "sqlite":
        sqlite_recreate(alias, SUMMED, ' GENERATED ALWAYS AS (("a" + "b")) STORED', "")
    elif vendor(alias) == "mysql":
        run_sql(alias, f"ALTER TABLE {SUMMED} MODIFY `total` integer NULL")
    else:
        run_sql(alias, f"ALTER TABLE {SUMMED} ALTER COLUMN total DROP EXPRESSION")
    d = report_row(alias)
    assert d.actual is None
    assert d.message.endswith("is not generated, expected " + str(d.expected))


def test_made_virtual(alias: str, fresh_app) -> None:
    if vendor(alias) == "postgresql":
        pytest.skip("PostgreSQL before 18 has no virtual generated columns")
    fresh_app("colkinds")
    if vendor(alias) == "mysql":
        run_sql(
            alias,
            f"ALTER TABLE {SUMMED} DROP COLUMN total",
            f"ALTER TABLE {SUMMED} ADD COLUMN total integer GENERATED ALWAYS AS (a + b) VIRTUAL",
        )
    else:
        sqlite_recreate(alias, SUMMED, '("a" + "b")) STORED', '("a" + "b")) VIRTUAL')
    d = report_row(alias)
    assert d.expected is not None and d.expected.endswith("STORED")
    assert d.actual is not None and d.actual.endswith("VIRTUAL")
