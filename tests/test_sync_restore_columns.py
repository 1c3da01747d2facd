"""Sync's repair step restores a missing db_default, a missing auto-increment
and comments with Django's schema editor; another default stays reported."""

from __future__ import annotations

import pytest

import djmigrator
from djmigrator.synchronization.repair import repair

from .column_kinds import PRICED, change
from .conftest import run_sql
from .drift_helpers import rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_missing_db_default_and_auto_increment_are_restored(alias: str, fresh_app) -> None:
    fresh_app("colkinds")
    change(
        alias,
        PRICED,
        sqlite=('"number" integer DEFAULT 42 NOT NULL', '"number" integer NOT NULL'),
        mysql="ALTER COLUMN `number` DROP DEFAULT",
        pg='ALTER COLUMN "number" DROP DEFAULT',
    )
    change(
        alias,
        PRICED,
        sqlite=("PRIMARY KEY AUTOINCREMENT", "PRIMARY KEY"),
        mysql="MODIFY `id` bigint NOT NULL",
        pg='ALTER COLUMN "id" DROP IDENTITY',
    )
    before = djmigrator.compare(alias, ["colkinds"])
    assert [(d.kind, d.column) for d in before.discrepancies] == [
        ("default_mismatch", "id"),
        ("default_mismatch", "number"),
    ]
    actions, _ = repair(alias, ["colkinds"], dry_run=False, skip_tables=set())
    assert [a.action for a in actions] == ["repair", "repair"]
    assert djmigrator.compare(alias, ["colkinds"]).discrepancies == ()
    run_sql(alias, f"INSERT INTO {PRICED} (plain, code) VALUES (5, 'c')")  # id, defaults


def test_other_default_is_reported_not_changed(alias: str, fresh_app) -> None:
    fresh_app("colkinds")
    change(
        alias,
        PRICED,
        sqlite=("DEFAULT 'x'", "DEFAULT 'y'"),
        mysql="ALTER COLUMN `label` SET DEFAULT 'y'",
        pg="ALTER COLUMN \"label\" SET DEFAULT 'y'",
    )
    actions, _ = repair(alias, ["colkinds"], dry_run=False, skip_tables=set())
    assert actions == []
    assert [d.kind for d in djmigrator.compare(alias, ["colkinds"]).discrepancies] == [
        "default_mismatch"
    ]


def test_comments_are_set_to_the_models(alias: str, fresh_app) -> None:
    if vendor(alias) == "sqlite":
        pytest.skip("SQLite has no comments")
    fresh_app("colkinds")
    if vendor(alias) == "mysql":
        run_sql(
            alias,
            f"ALTER TABLE {PRICED} COMMENT = ''",
            f"ALTER TABLE {PRICED} MODIFY `label` varchar(20) NOT NULL DEFAULT 'x' COMMENT 'o'",
        )
    else:
        run_sql(
            alias,
            f"COMMENT ON TABLE {PRICED} IS NULL",
            f"COMMENT ON COLUMN {PRICED}.label IS 'o'",
        )
    assert len(rows(djmigrator.compare(alias, ["colkinds"]))) == 2
    actions, _ = repair(alias, ["colkinds"], dry_run=False, skip_tables=set())
    assert len(actions) == 2
    assert djmigrator.compare(alias, ["colkinds"]).discrepancies == ()
