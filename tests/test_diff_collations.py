"""collation_mismatch: a column's collation set by hand (SQLite COLLATE NOCASE,
PostgreSQL "C", MariaDB utf8mb4_bin): one discrepancy, not a type_mismatch."""

from __future__ import annotations

import pytest

import djmigrator

from .column_kinds import PRICED, change
from .drift_helpers import rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

COLLATION = {"sqlite": "NOCASE", "postgresql": "C", "mysql": "utf8mb4_bin"}


def test_collation_set_by_hand(alias: str, fresh_app) -> None:
    fresh_app("colkinds")
    change(
        alias,
        PRICED,
        sqlite=('"code" varchar(20) NOT NULL', '"code" varchar(20) COLLATE NOCASE NOT NULL'),
        mysql="MODIFY `code` varchar(20) COLLATE utf8mb4_bin NOT NULL",
        pg='ALTER COLUMN "code" TYPE varchar(20) COLLATE "C"',
    )
    report = djmigrator.compare(alias, ["colkinds"])
    assert rows(report) == [
        ("collation_mismatch", PRICED, "code", ("code",), None, "colkinds", "Priced", "code"),
    ]
    d = report.discrepancies[0]
    collation = COLLATION[vendor(alias)]
    assert d.actual == f"varchar(20) COLLATE {collation}"
    if vendor(alias) == "mysql":  # the table's collation, what the column had
        assert d.expected is not None and d.expected.startswith("varchar(20) COLLATE utf8mb4_")
    else:
        assert d.expected == "varchar(20)"
    assert d.message.endswith(
        f"has COLLATE {collation}, expected "
        + (
            d.expected.removeprefix("varchar(20) ")
            if vendor(alias) == "mysql"
            else "the default collation"
        )
    )
