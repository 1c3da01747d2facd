"""A large comparison shared between forked processes (``djmigrator.comparison.parallel``).

The drift app is made "large" by shrinking the thresholds: one table per
batch, one table per worker, three workers.  Every test checks that the forked
run really forked (``forks``), and that it reports exactly what a run in one
process reports.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import override_settings

import djmigrator
from djmigrator.comparison import comparator, parallel
from djmigrator.errors import DjmigratorError

from .conftest import qn, rebuild_app, run_sql
from .drift_helpers import constraint_names, rows, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Share every comparison between three processes; list the children forked."""
    import threading
    import time

    # workers fork only while this is the process's one thread (``fork_safe``):
    # let threads an earlier test started finish first, and name any that stay
    deadline = time.monotonic() + 30
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    assert not others, f"threads left running by earlier tests: {others}"
    monkeypatch.setattr(comparator, "BATCH_TABLES", 1)
    monkeypatch.setattr(parallel, "MIN_TABLES_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 3)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    yield forked
    with pytest.raises(ChildProcessError):  # every child was waited for
        os.waitpid(-1, os.WNOHANG)


def serial(alias: str, labels: list[str]) -> Any:
    with override_settings(DJMIGRATOR={"WORKERS": 1}):
        return djmigrator.compare(alias, labels)


def damage(alias: str) -> None:
    """One drift in each of three tables, and an extra table."""
    run_sql(
        alias,
        f"CREATE TABLE {qn(alias, 'drift_scratch')} (id integer NOT NULL PRIMARY KEY)",
    )
    (index,) = constraint_names(alias, "drift_book", ["pages", "title"], index=True)
    on_table = f" ON {qn(alias, 'drift_book')}" if vendor(alias) == "mysql" else ""
    run_sql(alias, f"DROP INDEX {qn(alias, index)}{on_table}")
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN spare integer NULL")
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_author')} ADD COLUMN nickname integer NULL")


def test_forked_comparison_reports_what_one_process_reports(
    alias: str, fresh_app: Any, forks: list[int]
) -> None:
    fresh_app("drift")
    try:
        damage(alias)
        expected = serial(alias, ["drift"])
        assert forks == []
        report = djmigrator.compare(alias, ["drift"])
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, 'drift_scratch')}")
    assert len(forks) == 2
    assert rows(report) == rows(expected)
    assert [r[:2] for r in rows(report)] == [
        ("extra_column", "drift_author"),
        ("missing_index", "drift_book"),
        ("extra_table", "drift_scratch"),
        ("extra_column", "drift_shelf"),
    ]
    assert report.databases[0].notes == expected.databases[0].notes
    # the repair DDL a child rendered comes back as text
    missing_index = report.discrepancies[1]
    assert isinstance(missing_index.repair_sql, str)
    assert "drift_book_pages_title" in missing_index.repair_sql
    assert missing_index.repair_sql == str(expected.discrepancies[1].repair_sql)


def test_in_sync_with_forks(alias: str, fresh_app: Any, forks: list[int]) -> None:
    fresh_app("drift")
    assert djmigrator.compare(alias, ["drift"]).in_sync
    assert len(forks) == 2


def test_the_callers_session_survives(alias: str, fresh_app: Any, forks: list[int]) -> None:
    """A child never closes the connection it inherits: that would end this session."""
    fresh_app("drift")
    run_sql(alias, f"CREATE TEMPORARY TABLE {qn(alias, 'djm_session_probe')} (x integer)")
    try:
        assert djmigrator.compare(alias, ["drift"]).in_sync
        assert len(forks) == 2
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(alias, 'djm_session_probe')}")
            assert cursor.fetchone() == (0,)
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, 'djm_session_probe')}")


def test_no_fork_inside_atomic(alias: str, fresh_app: Any, forks: list[int]) -> None:
    """A child could not see the uncommitted DDL."""
    fresh_app("drift")
    with transaction.atomic(using=alias):
        run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_author')} ADD COLUMN nickname integer NULL")
        report = djmigrator.compare(alias, ["drift"])
        transaction.set_rollback(True, using=alias)
    assert forks == []
    if connections[alias].features.can_rollback_ddl:
        assert [r[:2] for r in rows(report)] == [("extra_column", "drift_author")]


def test_no_fork_with_another_thread(alias: str, fresh_app: Any, forks: list[int]) -> None:
    fresh_app("drift")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert djmigrator.compare(alias, ["drift"]).in_sync
    finally:
        stop.set()
        other.join()
    assert forks == []


def test_workers_setting_limits_the_processes(alias: str, fresh_app: Any, forks: list[int]) -> None:
    fresh_app("drift")
    with override_settings(DJMIGRATOR={"WORKERS": 2}):
        assert djmigrator.compare(alias, ["drift"]).in_sync
    assert len(forks) == 1


def test_a_childs_error_is_raised_here(
    alias: str, fresh_app: Any, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_app("drift")
    parent = os.getpid()
    real = comparator.to_discrepancies

    def failing(*args: Any) -> Any:
        if os.getpid() != parent:
            raise ValueError("broken in a worker")
        return real(*args)

    monkeypatch.setattr(comparator, "to_discrepancies", failing)
    with pytest.raises(ValueError, match="broken in a worker"):
        djmigrator.compare(alias, ["drift"])
    assert len(forks) == 2
    with connections[alias].cursor() as cursor:  # this session still works
        cursor.execute("SELECT 1")


def test_a_killed_child_is_a_clear_error(
    alias: str, fresh_app: Any, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_app("drift")
    parent = os.getpid()
    real = comparator.to_discrepancies

    def dying(*args: Any) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)
        return real(*args)

    monkeypatch.setattr(comparator, "to_discrepancies", dying)
    with pytest.raises(DjmigratorError, match="killed by signal 9"):
        djmigrator.compare(alias, ["drift"])


@pytest.mark.parametrize(
    ("setting", "tables", "cpus", "expected"),
    [
        (None, 10, 8, 1),  # too few tables
        (None, 1000, 8, 4),  # one per 250 tables
        (None, 1000, 2, 2),  # no more than the CPUs
        (None, 100_000, 64, parallel.MAX_WORKERS),
        (1, 1000, 8, 1),
        (3, 1000, 8, 3),
        (16, 1000, 8, 4),
    ],
)
def test_worker_count(
    setting: int | None, tables: int, cpus: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "available_cpus", lambda: cpus)
    assert parallel.worker_count(setting, tables) == expected


def test_shares_are_contiguous_and_even() -> None:
    batches = [[str(i)] for i in range(7)]
    shares = comparator._shares(batches, 3)
    assert shares == [batches[0:3], batches[3:5], batches[5:7]]
    assert comparator._shares(batches, 1) == [batches]
    assert comparator._shares([[]], 4) == [[[]]]


PG = [a for a in connections if connections[a].vendor == "postgresql"]


@pytest.mark.parametrize("pg", PG)
def test_a_worker_reads_the_schema_this_session_reads(pg: str, forks: list[int]) -> None:
    """A ``SET search_path`` in this session is not in the settings a worker
    connects with: the worker repeats it."""
    rebuild_app(pg, "drift")
    run_sql(
        pg,
        "CREATE SCHEMA djm_other",
        # the model's id, as Django makes it (identity): only the missing column differs
        "CREATE TABLE djm_other.drift_shelf "
        "(id bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY)",
    )
    try:
        run_sql(pg, "SET search_path TO djm_other, public")
        expected = serial(pg, ["drift"])
        report = djmigrator.compare(pg, ["drift"])
    finally:
        run_sql(pg, "SET search_path TO DEFAULT", "DROP SCHEMA djm_other CASCADE")
    assert len(forks) == 2
    assert rows(report) == rows(expected)
    # djm_other.drift_shelf (no code column) hides public.drift_shelf
    assert [r[:3] for r in rows(report)] == [("missing_column", "drift_shelf", "code")]
