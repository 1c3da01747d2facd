"""SQLite virtual tables (FTS5, R*Tree): a model on one is compared by its
columns' names only, its shadow tables are never extra, and one note names it.

The ``fts`` app keeps its search table as an FTS5 virtual table on SQLite (its
migration creates it with SQL, as wagtail's search app does) and as an
ordinary table elsewhere, where everything is compared as usual.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections

import djmigrator

from .conftest import ALIASES, run_sql
from .drift_helpers import rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

SQLITE = [a for a in ALIASES if connections[a].vendor == "sqlite"]
FTS = "CREATE VIRTUAL TABLE fts_entry_fts USING fts5({})"
AS_MIGRATED = FTS.format("autocomplete, body, title")
NOTE = (
    "fts_entry_fts: SQLite virtual table (fts5, with shadow tables fts_entry_fts_config, "
    "fts_entry_fts_content, fts_entry_fts_data, fts_entry_fts_docsize, fts_entry_fts_idx); "
    "only the names of its columns are compared"
)


@pytest.fixture
def search_table(request: pytest.FixtureRequest) -> Iterator[str]:
    """An SQLite alias; the search table is made as migrated again afterwards."""
    alias = str(request.param)
    yield alias
    run_sql(alias, "DROP TABLE fts_entry_fts", AS_MIGRATED)


def test_migrated_virtual_table_is_in_sync_with_one_note(alias: str) -> None:
    report = djmigrator.compare(alias, ["fts"])
    assert rows(report) == []
    if connections[alias].vendor == "sqlite":
        assert report[alias].notes == (NOTE,)
    else:
        assert report[alias].notes == ()


@pytest.mark.parametrize("search_table", SQLITE, indirect=True)
def test_a_column_dropped_from_the_virtual_table(search_table: str) -> None:
    alias = search_table
    run_sql(alias, "DROP TABLE fts_entry_fts", FTS.format("autocomplete, title"))
    report = djmigrator.compare(alias, ["fts"])
    assert rows(report) == [
        ("missing_column", "fts_entry_fts", "body", ("body",), None, "fts", "EntryFTS", "body"),
    ]


@pytest.mark.parametrize("search_table", SQLITE, indirect=True)
def test_a_column_added_to_the_virtual_table(search_table: str) -> None:
    alias = search_table
    run_sql(alias, "DROP TABLE fts_entry_fts", FTS.format("autocomplete, body, title, tags"))
    report = djmigrator.compare(alias, ["fts"])
    assert rows(report) == [
        ("extra_column", "fts_entry_fts", "tags", ("tags",), None, "fts", "EntryFTS", None),
    ]


@pytest.mark.parametrize("search_table", SQLITE, indirect=True)
def test_a_sync_reports_what_it_cannot_add_to_a_virtual_table(search_table: str) -> None:
    """ALTER TABLE cannot add a column to a virtual table: reported, exit 1."""
    from .cmd_helpers import call

    alias = search_table
    run_sql(alias, "DROP TABLE fts_entry_fts", FTS.format("autocomplete, title"))
    code, out, err = call("--database", alias, "--noinput", "fts")
    assert (code, err) == (1, "")
    assert "missing_column: fts.EntryFTS.body: column fts_entry_fts.body is missing" in out
    assert [c for c in out.splitlines() if "repair" in c] == []


@pytest.mark.parametrize("sqlite", SQLITE)
def test_a_virtual_table_without_a_model_is_one_extra_table(sqlite: str) -> None:
    run_sql(sqlite, "CREATE VIRTUAL TABLE fts_notes USING fts5(text)")
    run_sql(sqlite, "CREATE VIRTUAL TABLE fts_places USING rtree(id, minx, maxx)")
    try:
        report = djmigrator.compare(sqlite, ["fts"])
        assert rows(report) == [
            ("extra_table", "fts_notes", None, (), None, None, None, None),
            ("extra_table", "fts_places", None, (), None, None, None, None),
        ]
    finally:
        run_sql(sqlite, "DROP TABLE fts_notes", "DROP TABLE fts_places")
