"""comment_mismatch: db_table_comment / db_comment changed or dropped with raw
SQL (PostgreSQL, MySQL/MariaDB: SQLite has no comments)."""

from __future__ import annotations

import pytest

import djmigrator

from .column_kinds import PRICED
from .conftest import run_sql
from .drift_helpers import rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


@pytest.fixture
def commented(alias: str, fresh_app) -> str:
    if vendor(alias) == "sqlite":
        pytest.skip("SQLite has no comments")
    fresh_app("colkinds")
    return alias


def test_column_comment_changed(commented: str) -> None:
    alias = commented
    if vendor(alias) == "mysql":
        run_sql(
            alias,
            "ALTER TABLE colkinds_priced MODIFY `label` varchar(20) NOT NULL "
            "DEFAULT 'x' COMMENT 'it''s other'",
        )
    else:
        run_sql(alias, "COMMENT ON COLUMN colkinds_priced.label IS 'it''s other'")
    report = djmigrator.compare(alias, ["colkinds"])
    assert rows(report) == [
        ("comment_mismatch", PRICED, "label", ("label",), None, "colkinds", "Priced", "label"),
    ]
    d = report.discrepancies[0]
    assert (d.expected, d.actual) == ("COMMENT 'the label'", "COMMENT 'it''s other'")


def test_table_comment_dropped(commented: str) -> None:
    alias = commented
    if vendor(alias) == "mysql":
        run_sql(alias, "ALTER TABLE colkinds_priced COMMENT = ''")
    else:
        run_sql(alias, "COMMENT ON TABLE colkinds_priced IS NULL")
    report = djmigrator.compare(alias, ["colkinds"])
    assert rows(report) == [
        ("comment_mismatch", PRICED, None, (), None, "colkinds", "Priced", None),
    ]
    d = report.discrepancies[0]
    assert (d.expected, d.actual) == ("COMMENT 'priced things'", None)
    assert d.message == (
        "colkinds.Priced: table colkinds_priced has no comment, expected COMMENT 'priced things'"
    )


def test_extra_column_comment(commented: str) -> None:
    alias = commented
    if vendor(alias) == "mysql":
        run_sql(alias, "ALTER TABLE colkinds_priced MODIFY `code` varchar(20) NOT NULL COMMENT 'c'")
    else:
        run_sql(alias, "COMMENT ON COLUMN colkinds_priced.code IS 'c'")
    report = djmigrator.compare(alias, ["colkinds"])
    assert rows(report) == [
        ("comment_mismatch", PRICED, "code", ("code",), None, "colkinds", "Priced", "code"),
    ]
    assert (report.discrepancies[0].expected, report.discrepancies[0].actual) == (
        None,
        "COMMENT 'c'",
    )
