"""A test mirror (``TEST: {"MIRROR": <primary>}``) is a replica: compared, never synced.

The aliases ``replica_<alias>`` are added for this module only (adding them to
tests/settings.py would put them under every other test's ``alias`` fixture).
Each is configured the way Django's test runner leaves a mirror: the primary's
connection settings, the primary's database NAME, and ``TEST["MIRROR"]``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import pytest
from django.db import connections
from django.test import override_settings

import djmigrator
from djmigrator.synchronization.sync import sync

from .conftest import kinds, qn, run_sql
from .routers import ReplicaRouter

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PRIMARIES = list(connections.settings)


@pytest.fixture(scope="module")
def replicas(django_db_setup: None) -> Iterator[dict[str, str]]:
    """``replica_<alias>`` mirrors each alias (same database, as in a test run).

    Added before the test case class resolves ``databases="__all__"`` (a
    module-scoped fixture runs before pytest-django's per-test one), so the
    replicas are allowed databases; being mirrors, they are never flushed.
    """
    names: dict[str, str] = {}
    for primary in PRIMARIES:
        settings_dict = copy.deepcopy(connections[primary].settings_dict)
        settings_dict["TEST"]["MIRROR"] = primary
        names[primary] = f"replica_{primary}"
        connections.settings[names[primary]] = settings_dict
    try:
        yield names
    finally:
        for name in names.values():
            connections[name].close()
            del connections[name]
            del connections.settings[name]


@pytest.fixture
def replica(alias: str, replicas: dict[str, str]) -> str:
    return replicas[alias]


def _drop_pages_title_index(alias: str) -> None:
    name = "drift_book_pages_title"
    on = f" ON {qn(alias, 'drift_book')}" if connections[alias].vendor == "mysql" else ""
    run_sql(alias, f"DROP INDEX {qn(alias, name)}{on}")


MISSING = [("missing_index", "drift_book", ("pages", "title"))]


def test_mirror_is_compared(alias: str, replica: str, fresh_app: Callable[[str], None]) -> None:
    fresh_app("drift")
    report = djmigrator.compare([alias, replica], ["drift"])
    assert [kinds(db) for db in report.databases] == [[], []]
    _drop_pages_title_index(alias)
    report = djmigrator.compare([alias, replica], ["drift"])
    assert [db.alias for db in report.databases] == [alias, replica]
    assert [kinds(db) for db in report.databases] == [MISSING, MISSING]


def test_mirror_is_compared_with_the_models_routed_to_its_primary(alias: str, replica: str) -> None:
    with override_settings(DATABASE_ROUTERS=[ReplicaRouter(replica)]):
        assert kinds(djmigrator.compare(alias, ["drift"])) == []
        assert kinds(djmigrator.compare(replica, ["drift"])) == []


def test_mirror_is_never_synced(alias: str, replica: str, fresh_app: Callable[[str], None]) -> None:
    fresh_app("drift")
    _drop_pages_title_index(alias)
    report = sync(replica, ["drift"])
    (db,) = report.databases
    assert (db.alias, db.actions) == (replica, ())
    assert kinds(db) == MISSING
    assert any("never synced" in note for note in db.notes)
    # nothing was written to the primary either
    assert kinds(djmigrator.compare(alias, ["drift"])) == MISSING
