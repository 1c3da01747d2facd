"""``--check`` writes nothing: schema, rows and migration files stay byte-for-byte."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from .cmd_helpers import call, run_manage
from .conftest import qn, run_sql
from .drift_helpers import schema_dump, table_rows, tree_digest, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def migration_dirs() -> list[Path]:
    """The migrations package of every installed app that has one."""
    dirs = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.migrations")
        except ImportError:
            continue
        dirs.extend(Path(p) for p in module.__path__)
    return dirs


def snapshot(alias: str) -> dict[str, object]:
    return {
        "schema": schema_dump(alias),
        "django_migrations rows": table_rows(alias, "django_migrations"),
        "drift_author rows": table_rows(alias, "drift_author"),
        "migration files": tree_digest(*migration_dirs()),
    }


def assert_unchanged(alias: str, before: dict[str, object]) -> None:
    after = snapshot(alias)
    files_before, files_after = before["migration files"], after["migration files"]
    assert isinstance(files_before, dict) and isinstance(files_after, dict)
    changed = sorted(
        path
        for path in set(files_before) | set(files_after)
        if files_before.get(path) != files_after.get(path)
    )
    assert changed == [], "migration files written or changed"
    for key in before:
        assert after[key] == before[key], f"{key} changed"


def damage(alias: str) -> None:
    """Drift that a sync would act on: things to create, a table to adopt."""
    q = lambda name: qn(alias, name)  # noqa: E731
    run_sql(
        alias,
        f"INSERT INTO {q('drift_author')} ({q('name')}, {q('email')}) VALUES ('A', 'a@b.example')",
        f"ALTER TABLE {q('drift_book')} DROP COLUMN {q('isbn')}",
        f"DROP TABLE {q('drift_book_authors')}",
        f"DROP TABLE {q('drift_shelf')}",
        f"CREATE TABLE {q('drift_legacy')} (id integer NOT NULL PRIMARY KEY)",
    )
    if vendor(alias) == "mysql":
        run_sql(alias, f"ALTER TABLE {q('drift_book')} DROP INDEX {q('drift_book_pages_title')}")
    else:
        run_sql(alias, f"DROP INDEX {q('drift_book_pages_title')}")


def test_check_leaves_everything_as_it_was(alias: str, fresh_app) -> None:
    fresh_app("drift")
    damage(alias)
    before = snapshot(alias)
    assert len(before["migration files"]) > 10  # type: ignore[arg-type]

    code, out, _ = call("--check", "--database", alias)
    assert code == 1 and "drift_book.isbn" in out
    assert_unchanged(alias, before)

    code, _, _ = call("--check", "--format", "json", "--database", alias, "drift")
    assert code == 1
    assert_unchanged(alias, before)

    done = run_manage("--check", "--database", alias, "-v", "2")
    assert done.returncode == 1, done.stderr
    assert_unchanged(alias, before)
