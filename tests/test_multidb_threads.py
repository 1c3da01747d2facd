"""Several aliases are compared concurrently, each in a worker thread with its own
Django connection; the caller's own connection and transaction are not used there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections, transaction

import djmigrator
from djmigrator import api

from .conftest import kinds, qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

ALIASES = list(connections.settings)
NICK = ("extra_column", "drift_author", ("nick",))


def _add_nick(alias: str) -> None:
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_author')} ADD COLUMN {qn(alias, 'nick')} varchar(10) NULL",
    )


@pytest.mark.skipif(len(ALIASES) < 2, reason="needs a second alias (DJM_TEST_DATABASES)")
def test_aliases_are_compared_concurrently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every alias waits for the others inside its comparison: only concurrency passes."""
    barrier = threading.Barrier(len(ALIASES), timeout=60)
    threads: set[int] = set()
    real = api.compare_alias

    def meeting(alias: str, **kwargs: Any) -> Any:
        threads.add(threading.get_ident())
        barrier.wait()
        return real(alias, **kwargs)

    monkeypatch.setattr(api, "compare_alias", meeting)
    report = djmigrator.compare(ALIASES, ["drift"])
    assert [db.alias for db in report.databases] == ALIASES
    assert len(threads) == len(ALIASES)
    assert threading.get_ident() not in threads


@pytest.mark.skipif(len(ALIASES) < 2, reason="needs a second alias (DJM_TEST_DATABASES)")
@pytest.mark.parametrize("where", [a for a in ALIASES if connections[a].vendor != "mysql"])
def test_uncommitted_ddl_of_the_caller_is_seen_with_several_aliases(
    where: str, fresh_app_on: Callable[[str, str], None]
) -> None:
    fresh_app_on(where, "drift")
    with transaction.atomic(using=where):
        _add_nick(where)
        alone = kinds(djmigrator.compare(where, ["drift"]))
        together = djmigrator.compare(ALIASES, ["drift"])
        transaction.set_rollback(True, using=where)
    assert alone == [NICK]  # one alias: the caller's connection, its transaction
    assert kinds(together.databases[ALIASES.index(where)]) == [NICK]


@pytest.fixture
def fresh_app_on() -> Any:
    from .conftest import rebuild_app

    used: list[tuple[str, str]] = []

    def build(alias: str, label: str) -> None:
        used.append((alias, label))
        rebuild_app(alias, label)

    yield build
    for alias, label in used:
        rebuild_app(alias, label)
