"""Where a difference comes from (SPEC "JSON report": ``source`` and
``migration``), on the drift app the test database has migrated: the model,
a field, the auto-created M2M table (its ``ManyToManyField``), a ``Meta``
index, ``unique_together``, a field's own unique, and no owner at all; then
the text clause (issue 16).  Expected lines are read from the app's file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.db import connections

import djmigrator
from djmigrator.report import MigrationRef, Source

from .cmd_helpers import call
from .conftest import qn, run_sql
from .drift_helpers import constraint_name, replace_once, sqlite_rebuild, vendor
from .test_diff_indexes import drop_index
from .test_diff_uniques import drop_unique
from .test_schemas_pattern import PG, make_schema

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

MODELS = Path(__file__).parent / "apps" / "drift" / "models.py"
FILE = "tests/apps/drift/models.py"  # relative to the working directory (no BASE_DIR)


def line(text: str) -> int:
    """The 1-based line of drift's models.py that starts with ``text``."""
    found = [n for n, ln in enumerate(MODELS.read_text().splitlines(), 1) if ln.startswith(text)]
    assert len(found) == 1, (text, found)
    return found[0]


def at(text: str) -> Source:
    return Source(FILE, line(text))


#: drift's 0001_initial: CreateModel Author, CreateModel Shelf, CreateModel Book
AUTHOR, SHELF, BOOK = (MigrationRef("drift", "0001_initial", n, True) for n in range(3))


def explained(report: djmigrator.Report) -> dict[tuple[str, str, tuple[str, ...]], tuple]:
    return {(d.kind, d.table, d.columns): (d.source, d.migration) for d in report.discrepancies}


def test_each_owner_kind(alias: str, fresh_app) -> None:
    fresh_app("drift")
    unique_together = constraint_name(alias, "drift_book", ["title", "author_id"], unique=True)
    run_sql(
        alias,
        f"DROP TABLE {qn(alias, 'drift_shelf')}",
        f"DROP TABLE {qn(alias, 'drift_book_authors')}",
        f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}",
    )
    drop_index(alias, "drift_book", "drift_book_pages_title")
    drop_unique(alias, "drift_book", unique_together)
    report = djmigrator.compare(alias, ["drift"])
    assert explained(report) == {
        ("missing_table", "drift_shelf", ()): (at("class Shelf("), SHELF),
        # the auto-created table is its ManyToManyField's
        ("missing_table", "drift_book_authors", ()): (at("    authors = "), BOOK),
        ("missing_column", "drift_book", ("isbn",)): (at("    isbn = "), BOOK),
        # a Meta index: the line of its models.Index(...) call
        ("missing_index", "drift_book", ("pages", "title")): (
            at('        indexes = [models.Index(fields=["pages", "title"]'),
            BOOK,
        ),
        ("missing_unique", "drift_book", ("title", "author_id")): (
            at("        unique_together = "),
            BOOK,
        ),
    }
    # the ones compared are equal whatever their explanation
    assert report.discrepancies == djmigrator.compare(alias, ["drift"], explain=False).discrepancies
    assert all(
        d.source is None and d.migration is None
        for d in djmigrator.compare(alias, ["drift"], explain=False).discrepancies
    )


def test_field_unique_and_extras(alias: str, fresh_app) -> None:
    fresh_app("drift")
    if vendor(alias) == "sqlite":  # an inline UNIQUE: only a rebuild removes it
        sqlite_rebuild(
            alias,
            "drift_author",
            replace_once('"email" varchar(200) NOT NULL UNIQUE', '"email" varchar(200) NOT NULL'),
        )
    else:
        drop_unique(
            alias, "drift_author", constraint_name(alias, "drift_author", ["email"], unique=True)
        )
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN {qn(alias, 'legacy')} integer NULL",
        f"CREATE TABLE {qn(alias, 'drift_orphan')} (id integer NOT NULL PRIMARY KEY)",
    )
    try:
        report = djmigrator.compare(alias, ["drift"])
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, 'drift_orphan')}")
    assert explained(report) == {
        # unique=True of the field: the field's line, its CreateModel
        ("missing_unique", "drift_author", ("email",)): (at("    email = "), AUTHOR),
        # an extra column on a model's table: the model; no migration made it
        ("extra_column", "drift_shelf", ("legacy",)): (at("class Shelf("), None),
        # nothing owns an extra table
        ("extra_table", "drift_orphan", ()): (None, None),
    }


def test_text_clause(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}")
    isbn = line("    isbn = ")
    message = "    - missing_column: drift.Book.isbn: column drift_book.isbn is missing"
    expected = " (expected varchar(20) NULL)"
    code, out, _ = call("--check", "--database", alias, "drift")
    assert code == 1
    assert f"{message}{expected} ({FILE}:{isbn}; 0001_initial, applied)" in out.splitlines()
    code, out, _ = call("--check", "--database", alias, "drift", "-v", "2")
    clause = f"({FILE}:{isbn}; 0001_initial operation 2 CreateModel, applied)"
    assert f"{message}{expected} {clause}" in out.splitlines()


def test_applied_per_schema() -> None:
    """PostgreSQL: two schemas with the same drift; one has its own (empty)
    ``django_migrations``, the other finds the alias's own further along its
    path, as ``migrate`` with that search path would."""
    if "postgresql" not in connections:
        pytest.skip("needs PostgreSQL (DJM_TEST_DATABASES)")
    prefix = f"djm_{uuid.uuid4().hex[:8]}"
    own, shared = f"{prefix}_own", f"{prefix}_shared"
    try:
        for name in (own, shared):
            make_schema(name)
            run_sql(PG, f'ALTER TABLE "{name}".drift_book DROP COLUMN isbn')
        run_sql(
            PG,
            f'CREATE TABLE "{own}".django_migrations (id bigserial PRIMARY KEY, '
            "app varchar(255) NOT NULL, name varchar(255) NOT NULL, "
            "applied timestamp with time zone NOT NULL)",
        )
        report = djmigrator.compare(PG, ["drift"], schemas=[f"{prefix}_*"])
    finally:
        for name in (own, shared):
            run_sql(PG, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    found = {
        db.schema: [(d.source, d.migration) for d in db.discrepancies] for db in report.databases
    }
    isbn = at("    isbn = ")
    assert found == {
        own: [(isbn, MigrationRef("drift", "0001_initial", 2, False))],
        shared: [(isbn, BOOK)],
    }
