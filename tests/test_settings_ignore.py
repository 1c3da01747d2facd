"""``DJMIGRATOR`` ignore settings silence exactly what they name, and nothing more.

Every test starts from the same damaged ``drift`` app (``DAMAGE``) and checks
the full list of what is still reported under a setting.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

import djmigrator

from .conftest import kinds, qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

NICK = ("extra_column", "drift_author", ("nick",))
LEGACY_A = ("extra_table", "drift_legacy_a", ())
LEGACY_B = ("extra_table", "drift_legacy_b", ())
SCRATCH = ("extra_table", "drift_scratch", ())
NO_M2M = ("missing_table", "drift_book_authors", ())
NO_INDEX = ("missing_index", "drift_book", ("pages", "title"))

#: everything the damaged app reports without settings, in report order
DAMAGE = [NICK, NO_INDEX, NO_M2M, LEGACY_A, LEGACY_B, SCRATCH]


def without(*gone: tuple[str, str, tuple[str, ...]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [d for d in DAMAGE if d not in gone]


@pytest.fixture
def damaged(alias: str, fresh_app: Callable[[str], None]) -> str:
    fresh_app("drift")  # also drops the drift_* tables made here, afterwards
    q = lambda name: qn(alias, name)  # noqa: E731
    on = f" ON {q('drift_book')}" if connections[alias].vendor == "mysql" else ""
    run_sql(
        alias,
        f"ALTER TABLE {q('drift_author')} ADD COLUMN {q('nick')} varchar(10) NULL",
        f"DROP INDEX {q('drift_book_pages_title')}{on}",
        f"DROP TABLE {q('drift_book_authors')}",
        f"CREATE TABLE {q('drift_legacy_a')} ({q('id')} integer PRIMARY KEY)",
        f"CREATE TABLE {q('drift_legacy_b')} ({q('id')} integer PRIMARY KEY)",
        f"CREATE TABLE {q('drift_scratch')} ({q('id')} integer PRIMARY KEY)",
    )
    return alias


def found(alias: str, **djmigrator_setting: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    with override_settings(DJMIGRATOR=djmigrator_setting):
        return kinds(djmigrator.compare(alias, ["drift"]))


def other_alias(alias: str) -> str:
    """A second alias name (a per-alias entry for it must not touch ``alias``)."""
    return next((a for a in connections.settings if a != alias), "default")


def test_baseline(damaged: str) -> None:
    assert found(damaged) == DAMAGE


# -- IGNORE_TABLES -------------------------------------------------------------


def test_ignore_tables_glob(damaged: str) -> None:
    assert found(damaged, IGNORE_TABLES=["drift_legacy_*"]) == without(LEGACY_A, LEGACY_B)


def test_ignore_tables_exact_name(damaged: str) -> None:
    assert found(damaged, IGNORE_TABLES=["drift_legacy_a"]) == without(LEGACY_A)


def test_ignore_tables_is_anchored_and_case_sensitive(damaged: str) -> None:
    assert found(damaged, IGNORE_TABLES=["legacy_*", "*_legacy", "DRIFT_LEGACY_*"]) == DAMAGE


def test_ignore_tables_covers_the_models_side(damaged: str) -> None:
    """A model table the glob names is not reported missing, nor its columns extra."""
    # drift_book_* names the M2M table but not drift_book itself
    assert found(damaged, IGNORE_TABLES=["drift_book_*"]) == without(NO_M2M)
    assert found(damaged, IGNORE_TABLES=["drift_author"]) == without(NICK)


def test_several_patterns(damaged: str) -> None:
    assert found(damaged, IGNORE_TABLES=["drift_scratch", "drift_??????_b"]) == without(
        SCRATCH, LEGACY_B
    )


# -- IGNORE_KINDS --------------------------------------------------------------


def test_ignore_kinds(damaged: str) -> None:
    assert found(damaged, IGNORE_KINDS=["extra_table"]) == without(LEGACY_A, LEGACY_B, SCRATCH)
    assert found(damaged, IGNORE_KINDS=["missing_index", "extra_column"]) == without(NO_INDEX, NICK)


def test_ignore_kinds_does_not_silence_the_opposite_kind(damaged: str) -> None:
    assert found(damaged, IGNORE_KINDS=["extra_index", "missing_column"]) == DAMAGE


def test_tables_and_kinds_together(damaged: str) -> None:
    assert found(
        damaged, IGNORE_TABLES=["drift_legacy_*"], IGNORE_KINDS=["missing_table"]
    ) == without(LEGACY_A, LEGACY_B, NO_M2M)


# -- per alias -----------------------------------------------------------------


def test_per_alias_entry_replaces_the_global_one(damaged: str) -> None:
    setting = {
        "IGNORE_TABLES": ["drift_legacy_*"],
        "IGNORE_KINDS": ["missing_index"],
        "DATABASES": {damaged: {"IGNORE_KINDS": ["extra_column"]}},
    }
    # IGNORE_KINDS comes from the alias entry; IGNORE_TABLES, not set there, from the global one
    assert found(damaged, **setting) == without(NICK, LEGACY_A, LEGACY_B)


def test_per_alias_entry_can_turn_a_global_ignore_off(damaged: str) -> None:
    setting = {"IGNORE_KINDS": ["extra_table"], "DATABASES": {damaged: {"IGNORE_KINDS": []}}}
    assert found(damaged, **setting) == DAMAGE


def test_another_alias_entry_does_not_apply(damaged: str) -> None:
    other = other_alias(damaged)
    if other == damaged:
        pytest.skip("needs a second alias (DJM_TEST_DATABASES)")
    setting = {
        "IGNORE_KINDS": ["missing_index"],
        "DATABASES": {other: {"IGNORE_TABLES": ["drift_*"], "IGNORE_KINDS": []}},
    }
    assert found(damaged, **setting) == without(NO_INDEX)


def test_per_alias_settings_in_one_concurrent_run(
    alias: str, fresh_app: Callable[[str], None]
) -> None:
    """Each alias of a multi-alias comparison (run in threads) gets its own entry."""
    other = other_alias(alias)
    if other == alias:
        pytest.skip("needs a second alias (DJM_TEST_DATABASES)")
    fresh_app("drift")
    for a in (alias, other):
        run_sql(a, f"CREATE TABLE {qn(a, 'drift_scratch')} ({qn(a, 'id')} integer PRIMARY KEY)")
    try:
        setting = {"DATABASES": {alias: {"IGNORE_TABLES": ["drift_scratch"]}}}
        with override_settings(DJMIGRATOR=setting):
            report = djmigrator.compare([alias, other], ["drift"])
        assert [kinds(db) for db in report.databases] == [[], [SCRATCH]]
    finally:
        run_sql(other, f"DROP TABLE {qn(other, 'drift_scratch')}")


# -- where the settings show ---------------------------------------------------


def test_command_exit_status_follows_the_settings(damaged: str) -> None:
    everything = {"IGNORE_TABLES": ["drift_legacy_*", "drift_scratch", "drift_book_authors"]}
    everything["IGNORE_KINDS"] = ["extra_column", "missing_index"]  # type: ignore[assignment]
    out = io.StringIO()
    with override_settings(DJMIGRATOR=everything):
        call_command(
            "smart_makemigrations",
            "drift",
            "--database",
            damaged,
            "--check",
            "--format",
            "json",
            stdout=out,
        )  # no SystemExit: exit status 0
    (db,) = json.loads(out.getvalue())["databases"]
    assert (db["in_sync"], db["discrepancies"]) == (True, [])


def test_system_check_follows_the_settings(damaged: str) -> None:
    from django.apps import apps

    def w001(setting: dict[str, Any]) -> int:
        with override_settings(DJMIGRATOR=setting):
            messages = checks.run_checks(
                app_configs=[apps.get_app_config("drift")], databases=[damaged], tags=["database"]
            )
        return sum(m.id == "djmigrator.W001" for m in messages)

    assert w001({}) == len(DAMAGE)
    assert w001({"IGNORE_KINDS": ["extra_table"]}) == len(DAMAGE) - 3
