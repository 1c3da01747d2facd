"""Helpers for the drift tests: damage a schema the way a user would, read it back.

SQLite's ALTER TABLE cannot drop or change a constraint or a column type, so
``sqlite_rebuild`` does what its documentation tells users to do: create the
new table, copy the rows, drop the old one, rename, recreate the indexes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import connections

from .conftest import qn, run_sql

#: (kind, table, column, columns, name, app_label, model, field)
Row = tuple[Any, ...]


def rows(report: Any) -> list[Row]:
    """Every discrepancy of ``report`` as the tuple the drift tests assert."""
    return [
        (d.kind, d.table, d.column, d.columns, d.name, d.app_label, d.model, d.field)
        for d in report.discrepancies
    ]


def vendor(alias: str) -> str:
    return str(connections[alias].vendor)


def constraint_names(alias: str, table: str, columns: Iterable[str], **flags: bool) -> list[str]:
    """The constraints / indexes of ``table`` on exactly ``columns`` with ``flags``
    (e.g. ``unique=True``, ``foreign_key=True``), as Django's introspection sees them."""
    conn = connections[alias]
    with conn.cursor() as cursor:
        found = conn.introspection.get_constraints(cursor, table)
    wanted = list(columns)
    return sorted(
        str(name)
        for name, info in found.items()
        if info["columns"] == wanted
        and not info.get("primary_key")
        and all(bool(info.get(k)) == bool(v) for k, v in flags.items())
    )


def constraint_name(alias: str, table: str, columns: Iterable[str], **flags: bool) -> str:
    """The one constraint / index that :func:`constraint_names` finds."""
    names = constraint_names(alias, table, columns, **flags)
    assert len(names) == 1, (table, columns, flags, names)
    return names[0]


def sqlite_rebuild(alias: str, table: str, edit: Callable[[str], str]) -> None:
    """Rebuild SQLite ``table`` from its CREATE TABLE text passed through ``edit``.

    Rows are copied column by column (the columns both versions share); the
    table's indexes are created again unless they name a column that is gone.
    """
    conn = connections[alias]
    with conn.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        (create_sql,) = cursor.fetchone()
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        index_sql = [r[0] for r in cursor.fetchall()]
        old_columns = [c.name for c in conn.introspection.get_table_description(cursor, table)]
    new_sql = edit(create_sql)
    assert new_sql != create_sql, "the edit changed nothing"
    temp = f"{table}__new"
    quoted = qn(alias, table)
    head = f"CREATE TABLE {quoted}"
    assert new_sql.startswith(head), new_sql
    with conn.constraint_checks_disabled():
        run_sql(alias, f"CREATE TABLE {qn(alias, temp)}" + new_sql[len(head) :])
        with conn.cursor() as cursor:
            new_columns = [c.name for c in conn.introspection.get_table_description(cursor, temp)]
        shared = ", ".join(qn(alias, c) for c in old_columns if c in new_columns)
        run_sql(
            alias,
            f"INSERT INTO {qn(alias, temp)} ({shared}) SELECT {shared} FROM {quoted}",
            f"DROP TABLE {quoted}",
            f"ALTER TABLE {qn(alias, temp)} RENAME TO {quoted}",
        )
        for sql in index_sql:
            gone = [c for c in old_columns if c not in new_columns]
            if not any(qn(alias, c) in sql for c in gone):
                run_sql(alias, sql)


def create_index(
    alias: str, name: str, table: str, columns: Iterable[str], *, unique: bool = False
) -> None:
    cols = ", ".join(qn(alias, c) for c in columns)
    word = "UNIQUE INDEX" if unique else "INDEX"
    run_sql(alias, f"CREATE {word} {qn(alias, name)} ON {qn(alias, table)} ({cols})")


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """An ``edit`` for :func:`sqlite_rebuild` that swaps one exact piece of DDL."""

    def edit(sql: str) -> str:
        assert sql.count(old) == 1, (old, sql)
        return sql.replace(old, new)

    return edit


# -- snapshots for "writes nothing" -----------------------------------------


def schema_dump(alias: str) -> str:
    """Every table's full DDL-level definition as the server reports it."""
    conn = connections[alias]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            )
            return repr(cursor.fetchall())
        if conn.vendor == "postgresql":
            parts = []
            for query in (
                "SELECT table_name, column_name, data_type, character_maximum_length, "
                "numeric_precision, numeric_scale, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "ORDER BY table_name, ordinal_position",
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() ORDER BY tablename, indexname",
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                "ORDER BY 1, 2",
                "SELECT relname, relkind FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace ORDER BY relname",
            ):
                cursor.execute(query)
                parts.append(repr(cursor.fetchall()))
            return "\n".join(parts)
        cursor.execute("SHOW FULL TABLES")
        tables = sorted(r[0] for r in cursor.fetchall())
        parts = []
        for table in tables:
            cursor.execute(f"SHOW CREATE TABLE {qn(alias, table)}")
            parts.append(cursor.fetchone()[1])
        return "\n".join(parts)


def table_rows(alias: str, table: str) -> list[Any]:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT * FROM {qn(alias, table)} ORDER BY 1")
        return list(cursor.fetchall())


def tree_digest(*roots: Path) -> dict[str, str]:
    """sha256 of every file under ``roots`` (the migration files)."""
    out: dict[str, str] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
