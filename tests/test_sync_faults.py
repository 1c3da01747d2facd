"""Fault injection: a sync of a real backlog (two apps; AddField, AddIndex,
RunPython, AlterField unapplied; new models, one with a foreign key to the user
model, for makemigrations to write) killed with SIGKILL at points spread over
its run, each re-run killed again further on, then run to the end: in sync,
every row intact, the data migrations run once, no duplicate history row,
``migrate --check`` and ``makemigrations --check`` clean.  bench/faults.py runs
many more kill points and prints figures."""

from __future__ import annotations

import signal
from pathlib import Path

from .faults import sync_killed_after
from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

APPS = Path(__file__).resolve().parent / "apps"

#: each run of the chain is killed after this many writes of its own
KILL_POINTS = (3, 11, 6, 15, 9)

TITLES = [f"Book {n} {'x' * (n % 7)}" for n in range(1, 41)]


def prepare_backlog(project: Project) -> None:
    """The backlog on a database where every app's 0001 is applied, with rows."""
    project.use_auth()
    project.copy_app("library", APPS / "backlog_library")
    project.copy_app("shelf", APPS / "backlog_shelf")
    project.migrate("library", "0001")
    project.migrate("shelf", "0001")
    project.migrate("auth")
    project.execute(
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, "
        "last_name, email, is_staff, is_active, date_joined) VALUES "
        "(1, '', false, 'ada', '', '', '', false, true, '2020-01-01 00:00:00')",
        "INSERT INTO library_book (id, title) VALUES "
        + ", ".join(f"({n}, '{title}')" for n, title in enumerate(TITLES, 1)),
        "INSERT INTO shelf_shelf (id, name) VALUES "
        + ", ".join(f"({n}, 'S{n}')" for n in range(1, 11)),
    )


def assert_backlog_done(project: Project) -> None:
    """In sync, rows intact, data migrations run, history once, Django clean."""
    assert project.rows("SELECT id, title, pages FROM library_book ORDER BY id") == [
        (n, title, len(title) * 10) for n, title in enumerate(TITLES, 1)
    ]
    assert project.rows("SELECT id, name, position FROM shelf_shelf ORDER BY id") == [
        (n, f"S{n}", n) for n in range(1, 11)
    ]
    assert project.rows("SELECT id, username FROM auth_user") == [(1, "ada")]
    history = project.history()
    assert len(history) == len(set(history)), history  # no duplicate row
    assert [n for a, n in history if a == "library"] == [
        "0001_initial",
        "0002_book_pages",
        "0003_alter_book_title",
        "0004_loan",
    ]
    assert [n for a, n in history if a == "shelf"] == [
        "0001_initial",
        "0002_shelf_position",
        "0003_bin",
    ]
    assert project.migration_files("library")[-1] == "0004_loan"
    assert project.migration_files("shelf")[-1] == "0003_bin"
    assert "djmigrator_progress" not in project.tables()
    fks = project.schema_of("library_loan")["fks"]
    assert (("borrower_id",), "auth_user", ("id",)) in fks, fks
    assert ("title",) in project.index_columns("library_book")
    project.assert_django_clean()


def test_sync_killed_at_points_then_rerun(project: Project) -> None:
    prepare_backlog(project)

    outcomes = []
    for writes in KILL_POINTS:
        run = sync_killed_after(project, writes)
        outcomes.append(run.code)
        assert run.code in (-signal.SIGKILL, 0), str(run)
    final = project.sync()

    assert final.code == 0, f"{final}\nkilled runs: {outcomes}"
    assert final.report["in_sync"] is True, final.report["discrepancies"]
    assert -signal.SIGKILL in outcomes
    assert_backlog_done(project)
