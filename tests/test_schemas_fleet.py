"""A fleet of schemas (PostgreSQL): drift reported exactly where it is, the
round trips independent of the number of schemas, digests never hiding a
difference.

The schemas hold the ``drift`` app's tables as migrate creates them, under a
unique prefix, and are dropped at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from django.db import connections

import djmigrator
from djmigrator.comparison.tenants import schema_digests
from djmigrator.connection import get_engine

from .conftest import run_sql
from .drift_helpers import rows
from .test_schemas_pattern import make_schema

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif("postgresql" not in connections, reason="PostgreSQL not listed"),
]

PG = "postgresql"

#: (which tenant, the damage, what it is reported as)
DRIFT = [
    (
        "ALTER TABLE {s}.drift_book DROP COLUMN isbn",
        [("missing_column", "drift_book", "isbn", ("isbn",), None, "drift", "Book", "isbn")],
    ),
    (
        "DROP INDEX {s}.drift_book_pages_title",
        [
            (
                "missing_index",
                "drift_book",
                None,
                ("pages", "title"),
                "drift_book_pages_title",
                "drift",
                "Book",
                None,
            )
        ],
    ),
    (
        "ALTER TABLE {s}.drift_author ADD COLUMN nick varchar(10) NULL",
        [("extra_column", "drift_author", "nick", ("nick",), None, "drift", "Author", None)],
    ),
    (
        "ALTER TABLE {s}.drift_book ALTER COLUMN pages TYPE bigint",
        [("type_mismatch", "drift_book", "pages", ("pages",), None, "drift", "Book", "pages")],
    ),
    (
        "DROP TABLE {s}.drift_shelf CASCADE",
        [("missing_table", "drift_shelf", None, (), None, "drift", "Shelf", None)],
    ),
]


class Fleet:
    def __init__(self) -> None:
        self.prefix = f"djm_{uuid.uuid4().hex[:8]}"
        self.names: list[str] = []

    def grow(self, count: int) -> None:
        for _ in range(count):
            name = f"{self.prefix}_t{len(self.names):03d}"
            self.names.append(name)
            make_schema(name)

    def drop(self) -> None:
        for name in self.names:
            run_sql(PG, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def fleet() -> Iterator[Fleet]:
    made = Fleet()
    try:
        yield made
    finally:
        made.drop()


def counted_check(fleet: Fleet) -> tuple[Any, int]:
    """The comparison of every schema of ``fleet``, and its round trips."""
    count = 0

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    def on_execute(*args: Any) -> None:
        nonlocal count
        count += 1

    engine = get_engine(PG)
    sa.event.listen(engine, "before_cursor_execute", on_execute)
    try:
        with connections[PG].execute_wrapper(wrapper):
            report = djmigrator.compare(PG, ["drift"], schemas=[f"{fleet.prefix}_*"])
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
    return report, count


def test_drift_in_five_tenants_at_two_fleet_sizes(fleet: Fleet) -> None:
    fleet.grow(8)
    damaged = {fleet.names[i]: drift for i, drift in zip((1, 2, 4, 5, 7), DRIFT, strict=True)}
    for name, (sql, _) in damaged.items():
        run_sql(PG, sql.format(s=f'"{name}"'))
    counted_check(fleet)  # the first comparison also reads the server's settings
    report, small = counted_check(fleet)
    assert [db.schema for db in report.databases] == fleet.names
    for db in report.databases:
        assert rows(db) == (damaged[db.schema][1] if db.schema in damaged else []), db.schema

    fleet.grow(16)  # three times the schemas, the same drift
    report, large = counted_check(fleet)
    assert len(report.databases) == 24
    for db in report.databases:
        assert rows(db) == (damaged[db.schema][1] if db.schema in damaged else []), db.schema
    assert large == small, (small, large)


#: Changes a comparison sees (or may see, as the comparators grow): each must
#: change the schema's digest.
CHANGES = [
    "ALTER TABLE {s}.drift_author ALTER COLUMN name DROP NOT NULL",
    "ALTER TABLE {s}.drift_author ALTER COLUMN name SET DEFAULT 'x'",
    "COMMENT ON COLUMN {s}.drift_author.name IS 'who'",
    "COMMENT ON TABLE {s}.drift_author IS 'authors'",
    'ALTER TABLE {s}.drift_author ALTER COLUMN name TYPE varchar(100) COLLATE "C"',
    "ALTER TABLE {s}.drift_author ALTER COLUMN name TYPE varchar(101)",
    "ALTER TABLE {s}.drift_author ADD CONSTRAINT c_name CHECK (length(name) > 0)",
    "ALTER TABLE {s}.drift_author RENAME COLUMN name TO name2",
    "ALTER TABLE {s}.drift_shelf RENAME TO drift_shelf2",
    "ALTER INDEX {s}.drift_book_pages_title RENAME TO drift_book_pages_title2",
    "DROP INDEX {s}.drift_book_pages_title; "
    "CREATE INDEX drift_book_pages_title ON {s}.drift_book (pages DESC, title)",
    "DROP INDEX {s}.drift_book_pages_title; "
    "CREATE INDEX drift_book_pages_title ON {s}.drift_book (pages, title) WHERE pages > 1",
    "DROP INDEX {s}.drift_book_pages_title; "
    "CREATE INDEX drift_book_pages_title ON {s}.drift_book USING hash (pages)",
    "DROP INDEX {s}.drift_book_pages_title; "
    "CREATE UNIQUE INDEX drift_book_pages_title ON {s}.drift_book (pages, title)",
    "ALTER TABLE {s}.drift_book DROP CONSTRAINT {fk}; "
    "ALTER TABLE {s}.drift_book ADD CONSTRAINT {fk} FOREIGN KEY (author_id) "
    "REFERENCES {s}.drift_author (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE {s}.drift_book DROP CONSTRAINT {fk}; "
    "ALTER TABLE {s}.drift_book ADD CONSTRAINT {fk} FOREIGN KEY (author_id) "
    "REFERENCES public.drift_author (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE {s}.drift_author ALTER COLUMN id DROP IDENTITY",
    "CREATE TABLE {s}.drift_extra (id int)",
]


def test_every_catalog_difference_changes_the_digest(fleet: Fleet) -> None:
    fleet.grow(2 + len(CHANGES))
    base, twin, *changed = fleet.names
    connection = connections[PG]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = %s::regclass AND conkey = ARRAY[("
            "SELECT attnum FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'author_id')]",
            [f'"{base}".drift_book', f'"{base}".drift_book'],
        )
        (fk,) = cursor.fetchone()
    for name, change in zip(changed, CHANGES, strict=True):
        run_sql(PG, *change.format(s=f'"{name}"', fk=fk).split("; "))
    digests = schema_digests(connection, fleet.names)
    assert digests[base] == digests[twin]  # made alike, digested alike
    for name, change in zip(changed, CHANGES, strict=True):
        assert digests[name] != digests[base], change
    assert len(set(digests.values())) == len(CHANGES) + 1


def test_the_models_are_planned_once_for_the_whole_fleet(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three distinct schemas, three comparisons, one plan of each table."""
    from djmigrator.comparison import expected as metadata

    fleet.grow(3)
    for name, (sql, _) in zip(fleet.names[1:], DRIFT, strict=False):
        run_sql(PG, sql.format(s=f'"{name}"'))
    planned: list[str] = []
    plan = metadata._Planner.plan

    def counting(self: Any, model: Any, *rest: Any) -> Any:
        planned.append(model._meta.db_table)
        return plan(self, model, *rest)

    monkeypatch.setattr(metadata._Planner, "plan", counting)
    report = djmigrator.compare(PG, ["drift"], schemas=[f"{fleet.prefix}_*"])
    assert [len(rows(db)) for db in report.databases] == [0, 1, 1]
    assert planned and sorted(planned) == sorted(set(planned)), planned
