"""A comparison works a batch of tables at a time (``comparator.BATCH_TABLES``).

Where SQLAlchemy reads the live schema table by table anyway (SQLite, MySQL),
each batch is reflected on its own and forgotten before the next, so memory
holds one batch; PostgreSQL reads every table in bulk, once.  Either way the
report is the one a single batch gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from django.test import override_settings

import djmigrator
from djmigrator.comparison import comparator

from .conftest import qn, run_sql
from .drift_helpers import rows, vendor
from .test_parallel import damage

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def one_process(alias: str) -> Any:
    with override_settings(DJMIGRATOR={"WORKERS": 1}):
        return djmigrator.compare(alias, ["drift"])


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The live drift tables each shared reflection covers, in order."""
    seen: list[set[str]] = []
    real = comparator.shared_reflection

    @contextmanager
    def recording(conn: sa.Connection, include: Callable[[str], bool]) -> Iterator[None]:
        live = sa.inspect(conn).get_table_names()
        seen.append({t for t in live if t.startswith("drift_") and include(t)})
        with real(conn, include):
            yield

    monkeypatch.setattr(comparator, "shared_reflection", recording)
    return seen


def test_one_table_a_batch_reports_what_one_batch_reports(
    alias: str, fresh_app: Any, monkeypatch: pytest.MonkeyPatch, scopes: list[set[str]]
) -> None:
    fresh_app("drift")
    try:
        damage(alias)
        whole = one_process(alias)
        assert len(scopes) == 1
        monkeypatch.setattr(comparator, "BATCH_TABLES", 1)
        scopes.clear()
        batched = one_process(alias)
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, 'drift_scratch')}")
    assert rows(batched) == rows(whole)
    assert [r[:2] for r in rows(batched)] == [
        ("extra_column", "drift_author"),
        ("missing_index", "drift_book"),
        ("extra_table", "drift_scratch"),
        ("extra_column", "drift_shelf"),
    ]
    tables = {t for scope in scopes for t in scope}
    assert "drift_scratch" in tables and "drift_book" in tables
    if vendor(alias) == "postgresql":
        assert len(scopes) == 1  # one bulk read for every batch
    else:
        # a reflection per batch of one table, the extra table with the last
        assert len(scopes) > 3
        assert all(len(scope) == 1 for scope in scopes[:-1])
        assert scopes[-1] - {"drift_scratch"} and len(scopes[-1]) == 2


def test_only_a_check_manages_the_collector(
    alias: str, fresh_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync's comparisons leave the collector to its schedule (``gcpause``)."""
    import gc

    from djmigrator.comparison import gcpause
    from djmigrator.comparison.gcpause import older_objects_frozen

    monkeypatch.setattr(gcpause, "active", True)  # on every Python (bench/gcpause.py)
    fresh_app("drift")
    calls: list[str] = []
    for name in ("freeze", "disable"):
        real = getattr(gc, name)
        monkeypatch.setattr(gc, name, lambda real=real, name=name: (calls.append(name), real())[1])
    with older_objects_frozen():
        calls.clear()
        assert comparator.compare_alias(alias, app_labels=["drift"]).in_sync
        assert calls == []
        assert comparator.compare_alias(alias, app_labels=["drift"], standalone=True).in_sync
        assert calls == ["disable", "freeze"]  # one batch
