"""Shared fixtures: one parametrised ``alias`` per vendor under test, and helpers
that rebuild a test app's tables exactly as ``migrate`` creates them.

Every vendor listed in ``DJM_TEST_DATABASES`` is required: a server that cannot
be reached makes the tests fail (the test database cannot be created), never
skip.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections

ALIASES = list(settings.DATABASES)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave nothing behind: a sync on SQLite keeps its lock file beside the
    database file (``djmigrator.synchronization.locks``); the test databases are gone by now."""
    for config in settings.DATABASES.values():
        if "sqlite" not in config["ENGINE"]:
            continue
        for name in (config.get("NAME"), (config.get("TEST") or {}).get("NAME")):
            if name and not str(name).startswith((":memory:", "file:")):
                with contextlib.suppress(OSError):
                    os.remove(f"{name}.djmigrator.lock")


@pytest.fixture(params=ALIASES, ids=lambda a: connections[a].vendor)
def alias(request: pytest.FixtureRequest) -> str:
    """Each database alias under test (sqlite 'default', 'postgresql', 'mysql')."""
    return str(request.param)


def qn(alias: str, name: str) -> str:
    return str(connections[alias].ops.quote_name(name))


def run_sql(alias: str, *statements: str) -> None:
    """Execute raw SQL on ``alias`` (the drift tests' way to damage a schema)."""
    with connections[alias].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def app_tables(label: str) -> list[str]:
    tables: list[str] = []
    for model in apps.get_app_config(label).get_models():
        tables.append(model._meta.db_table)
        for m2m in model._meta.local_many_to_many:
            tables.append(m2m.m2m_db_table())
    return tables


def rebuild_app(alias: str, label: str, extra_prefix: str | None = None) -> None:
    """Drop every table of app ``label`` (and ``<label>_*`` leftovers), then create
    its models again with Django's schema editor, as ``migrate`` does."""
    conn = connections[alias]
    prefix = extra_prefix or f"{label}_"
    existing = set(conn.introspection.table_names())
    doomed = [t for t in existing if t.startswith(prefix) or t in app_tables(label)]
    with conn.constraint_checks_disabled():
        for table in sorted(doomed, key=len, reverse=True):
            cascade = " CASCADE" if conn.vendor == "postgresql" else ""
            run_sql(alias, f"DROP TABLE {qn(alias, table)}{cascade}")
    with conn.schema_editor() as editor:
        for model in apps.get_app_config(label).get_models():
            editor.create_model(model)


@pytest.fixture
def fresh_app(alias: str) -> Iterator[Callable[[str], None]]:
    """``fresh_app("drift")`` rebuilds that app on ``alias`` now and after the test."""
    used: list[str] = []

    def build(label: str) -> None:
        used.append(label)
        rebuild_app(alias, label)

    yield build
    for label in used:
        rebuild_app(alias, label)


def kinds(report: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(d.kind, d.table, d.columns) for d in report.discrepancies]


@contextlib.contextmanager
def connected_alias(prefix: str, settings: dict[str, Any]) -> Iterator[str]:
    """A temporary alias with ``settings`` (a second connection to a test
    database), connected, then closed and removed."""
    alias = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connections.settings[alias] = settings
    wrapper = connections[alias]
    # connected while the alias is not configured: the test case then takes
    # it for a dynamically created connection, which it allows
    del connections.settings[alias]
    wrapper.ensure_connection()
    connections.settings[alias] = settings
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
