"""Two aliases on different vendors, a router sending an app to each.

The router (tests/routers.py ``AppRouter``) sends app ``drift`` to alias A only
and app ``routed`` to alias B only; every other app has no route and lives on
every alias.  Pairs: every two aliases under test (SQLite + PostgreSQL, SQLite +
MariaDB, PostgreSQL + MariaDB when all three vendors run).

The test databases were migrated *without* a router, so every alias starts
with the tables of every app.  Two situations are therefore tested explicitly:

- as created: a routed-away app's tables are present, and are ``extra_table``
  on that alias (and nothing else is reported);
- as ``migrate`` would have laid them out under the router (fixture
  ``routed_layout``: each alias loses the tables of the apps routed elsewhere,
  and gets them back after the test): every alias is in sync, the models
  routed away are not reported missing, and a drift injected on an alias is
  reported under that alias only.

The comparisons are limited to the two routed apps (``LABELS``): tables named
``drift_*``/``routed_*`` that no model routed to an alias owns are still extra
there, and the rest of the project's apps are the in-sync tests' business.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

import djmigrator

from .conftest import app_tables, qn, rebuild_app, run_sql
from .routers import AppRouter

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

ALIASES = list(connections.settings)
PAIRS = [
    (a, b)
    for a, b in itertools.combinations(ALIASES, 2)
    if connections.settings[a]["ENGINE"] != connections.settings[b]["ENGINE"]
]

LABELS = ["drift", "routed"]

#: app label -> the one alias its tables belong on, for a pair (A, B).
Routes = dict[str, str]


def _pair_id(pair: tuple[str, str]) -> str:
    return "+".join(connections[a].vendor for a in pair)


@pytest.fixture(params=PAIRS, ids=_pair_id)
def pair(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def routes(pair: tuple[str, str]) -> Iterator[Routes]:
    """``drift`` -> A, ``routed`` -> B, installed as the project's router."""
    a, b = pair
    table = {"drift": a, "routed": b}
    with override_settings(DATABASE_ROUTERS=[AppRouter(table)]):
        yield table


@pytest.fixture
def routed_layout(routes: Routes) -> Iterator[Routes]:
    """Each alias holds only the routed apps' tables that the router sends it.

    Afterwards every alias gets every routed app back as ``migrate`` created it
    (the tests also damage the apps on their home alias).
    """
    try:
        for alias in ALIASES:
            for label, home in routes.items():
                if alias != home:
                    _drop_app(alias, label)
        yield routes
    finally:
        for alias in ALIASES:
            for label in routes:
                rebuild_app(alias, label)


def _drop_app(alias: str, label: str) -> None:
    conn = connections[alias]
    present = set(conn.introspection.table_names())
    cascade = " CASCADE" if conn.vendor == "postgresql" else ""
    with conn.constraint_checks_disabled():
        for table in sorted(set(app_tables(label)) & present, key=len, reverse=True):
            run_sql(alias, f"DROP TABLE {qn(alias, table)}{cascade}")


def rows(report: Any) -> list[tuple[str, str, str | None]]:
    return [(d.kind, d.table, d.column) for d in report.discrepancies]


def by_alias(report: Any) -> dict[str, list[tuple[str, str, str | None]]]:
    return {db.alias: rows(db) for db in report.databases}


def _inject_drift(a: str, b: str) -> None:
    """An extra column on A's ``drift`` app, a dropped column on B's ``routed`` app."""
    run_sql(a, f"ALTER TABLE {qn(a, 'drift_author')} ADD COLUMN {qn(a, 'nick')} varchar(10) NULL")
    run_sql(b, f"ALTER TABLE {qn(b, 'routed_entry')} DROP COLUMN {qn(b, 'memo')}")


A_DRIFT = [("extra_column", "drift_author", "nick")]
B_DRIFT = [("missing_column", "routed_entry", "memo")]


# -- as the test runner created them: every app's tables on every alias -----


def test_routed_away_tables_present_are_extra_there(routes: Routes, pair: tuple[str, str]) -> None:
    report = djmigrator.compare(ALIASES, LABELS)
    expected = {
        alias: sorted(
            ("extra_table", table, None)
            for label, home in routes.items()
            if home != alias
            for table in app_tables(label)
        )
        for alias in ALIASES
    }
    assert by_alias(report) == expected
    a, b = pair
    # the tables each alias keeps are compared there, and nowhere else
    assert {t for _, t, _ in expected[a]} == set(app_tables("routed"))
    assert {t for _, t, _ in expected[b]} == set(app_tables("drift"))
    extra = {d.table: d for d in report.databases[ALIASES.index(a)].discrepancies}
    assert extra["routed_entry"].app_label is None  # no model owns it on A
    assert extra["routed_entry"].model is None


def test_without_a_router_both_apps_are_compared_everywhere() -> None:
    report = djmigrator.compare(ALIASES, LABELS)
    assert by_alias(report) == {alias: [] for alias in ALIASES}


# -- laid out as migrate would under the router ------------------------------


def test_each_alias_in_sync_within_its_routing(routed_layout: Routes) -> None:
    report = djmigrator.compare(ALIASES, LABELS)
    assert by_alias(report) == {alias: [] for alias in ALIASES}
    assert report.in_sync


def test_routed_away_models_are_never_reported_missing(
    routed_layout: Routes, pair: tuple[str, str]
) -> None:
    a, b = pair
    # naming the app routed away does not make its models expected there
    report = djmigrator.compare([a, b], LABELS)
    assert by_alias(report) == {a: [], b: []}
    assert by_alias(djmigrator.compare(a, ["routed"])) == {a: []}
    assert by_alias(djmigrator.compare(b, ["drift"])) == {b: []}


def test_drift_in_each_alias_is_reported_under_that_alias_only(
    routed_layout: Routes, pair: tuple[str, str]
) -> None:
    a, b = pair
    _inject_drift(a, b)
    report = djmigrator.compare(ALIASES, LABELS)
    expected = {alias: [] for alias in ALIASES}
    expected[a] = A_DRIFT
    expected[b] = B_DRIFT
    assert by_alias(report) == expected
    assert [db.alias for db in report.databases] == ALIASES
    assert not report.in_sync
    a_report, b_report = (report.databases[ALIASES.index(x)] for x in (a, b))
    assert (a_report.vendor, b_report.vendor) == (connections[a].vendor, connections[b].vendor)
    assert [(d.app_label, d.model, d.field) for d in b_report.discrepancies] == [
        ("routed", "Entry", "memo")
    ]


def _command(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("smart_makemigrations", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_all_databases_check_json_names_both(
    routed_layout: Routes, pair: tuple[str, str]
) -> None:
    a, b = pair
    _inject_drift(a, b)
    status, out, err = _command(*LABELS, "--all-databases", "--check", "--format", "json")
    assert status == 1, err
    document = json.loads(out)
    assert [db["alias"] for db in document["databases"]] == ALIASES
    found = {
        db["alias"]: [(d["kind"], d["table"], d["column"]) for d in db["discrepancies"]]
        for db in document["databases"]
    }
    expected = {alias: [] for alias in ALIASES}
    expected[a] = A_DRIFT
    expected[b] = B_DRIFT
    assert found == expected
    flags = {db["alias"]: db["in_sync"] for db in document["databases"]}
    assert flags == {alias: alias not in (a, b) for alias in ALIASES}
    assert all(db["actions"] == [] for db in document["databases"])


def test_command_exit_status_covers_every_alias(
    routed_layout: Routes, pair: tuple[str, str]
) -> None:
    a, b = pair
    assert _command(*LABELS, "--database", a, "--database", b, "--check")[0] == 0
    run_sql(b, f"ALTER TABLE {qn(b, 'routed_entry')} DROP COLUMN {qn(b, 'memo')}")
    status, out, _ = _command(
        *LABELS, "--database", a, "--database", b, "--check", "--format", "json"
    )
    assert status == 1
    flags = {db["alias"]: db["in_sync"] for db in json.loads(out)["databases"]}
    assert flags == {a: True, b: False}


def test_command_text_output_groups_per_alias(routed_layout: Routes, pair: tuple[str, str]) -> None:
    a, b = pair
    _inject_drift(a, b)
    status, out, _ = _command(*LABELS, "--database", a, "--database", b, "--check", "--no-color")
    assert status == 1
    lines = out.splitlines()
    head_a = lines.index(f"Schema drift on '{a}' ({connections[a].vendor}): 1 difference")
    head_b = lines.index(f"Schema drift on '{b}' ({connections[b].vendor}): 1 difference")
    assert head_a < head_b
    section_a, section_b = lines[head_a:head_b], lines[head_b:]
    assert any("drift_author.nick" in line for line in section_a)
    assert not any("routed_entry" in line for line in section_a)
    assert any("routed_entry.memo" in line for line in section_b)
    assert not any("drift_author" in line for line in section_b)


# -- sync on two aliases, each within its own routing ----------------------


def test_sync_brings_both_aliases_in_sync_within_their_routing(
    routed_layout: Routes, pair: tuple[str, str]
) -> None:
    from djmigrator.synchronization.sync import sync

    a, b = pair
    run_sql(a, f"ALTER TABLE {qn(a, 'drift_book')} DROP COLUMN {qn(a, 'isbn')}")
    run_sql(b, f"ALTER TABLE {qn(b, 'routed_entry')} DROP COLUMN {qn(b, 'memo')}")
    report = sync([a, b], LABELS)
    assert by_alias(report) == {a: [], b: []}
    repairs = {
        db.alias: [act.detail for act in db.actions if act.action == "repair"]
        for db in report.databases
    }
    assert repairs == {
        a: ["drift.Book.isbn: column drift_book.isbn is missing"],
        b: ["routed.Entry.memo: column routed_entry.memo is missing"],
    }
    # nothing routed elsewhere was created on either alias
    assert "routed_entry" not in connections[a].introspection.table_names()
    assert "drift_book" not in connections[b].introspection.table_names()
