"""SQLite table rebuilds that would lose what Django does not know.

SQLite alters a table in few ways, so Django's schema editor rebuilds the whole
table for many operations (``_remake_table``: create ``new__<table>`` from the
model, copy the model's columns, drop the old table, rename).  The rebuilt
table holds only the columns and indexes the model state knows: a column, an
index or a trigger made by hand on that table would be dropped, with its data.

Before a migration (or a repair) runs on SQLite, its operations are run once
with a ``collect_sql`` schema editor; a ``CREATE TABLE "new__<table>"``
statement among their SQL is a rebuild.  If the live table has columns,
indexes or triggers that the states the rebuild starts from do not know, the
sync stops (exit 2) before anything is changed, naming them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from .errors import DjmigratorError
from .plan import APPLY, OpStep

_NEW_TABLE = re.compile(r'CREATE TABLE "new__([^"]+)"', re.IGNORECASE)
_CREATE_INDEX = re.compile(
    r'CREATE (UNIQUE )?INDEX "([^"]+)" ON "([^"]+)" \((.*?)\)(?: WHERE |;|$)',
    re.IGNORECASE | re.DOTALL,
)

_WAY_FORWARD = (
    "Nothing was changed. Copy what they hold elsewhere and drop them by hand, or declare "
    "them in the model{where}, then run smart_makemigrations again."
)


def remade_tables(statements: Iterable[str]) -> list[str]:
    """The tables these statements rebuild (Django's SQLite ``new__`` copies)."""
    found: list[str] = []
    for sql in statements:
        for table in _NEW_TABLE.findall(str(sql)):
            if table not in found:
                found.append(table)
    return found


def check_migration(
    connection: Any, migration: Migration, steps: Sequence[OpStep], known: Sequence[ProjectState]
) -> None:
    """Stop if an operation to apply would rebuild a table that holds something
    neither ``known`` nor the operation's own pre-state knows (SQLite only)."""
    if connection.vendor != "sqlite":
        return
    todo = [s for s in steps if s.verdict == APPLY and s.operation.reduces_to_sql]
    if not todo:
        return
    live = set(connection.introspection.table_names())
    rebuilds: list[tuple[OpStep, list[str]]] = []
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for step in todo:
            start = len(editor.collected_sql)
            try:
                step.operation.database_forwards(
                    migration.app_label, editor, step.from_state, step.to_state
                )
            except Exception:  # as sqlmigrate would fail: nothing to read the rebuilds from
                continue
            rebuilds.append((step, remade_tables(editor.collected_sql[start:])))
    checked: set[str] = set()
    for step, tables in rebuilds:
        for table in tables:
            if table not in live or table in checked:
                continue
            checked.add(table)
            lost = _unknown(connection, table, _models(table, [*known, step.from_state]))
            if lost:
                raise DjmigratorError(
                    f"Migration {migration.app_label}.{migration.name} cannot run on SQLite "
                    f"without losing data: its operation {step.operation.describe()!r} "
                    f"rebuilds table {table}, and the rebuilt table keeps only what the "
                    f"migrations know, not {lost} (made by hand). "
                    + _WAY_FORWARD.format(where=" and in a migration that runs before this one")
                )


def check_repair(connection: Any, model: Any, field: Any) -> None:
    """Stop if adding the missing ``field`` back would rebuild its table and lose
    something the models do not know of it (SQLite only)."""
    if connection.vendor != "sqlite":
        return
    table = model._meta.db_table
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.add_field(model, field)
    statements = [str(s) for s in editor.collected_sql]  # deferred SQL included
    if table not in remade_tables(statements):
        return
    lost = _unknown(connection, table, [model])
    if lost:
        raise DjmigratorError(
            f"Column {table}.{field.column} is missing, and adding it back on SQLite "
            f"rebuilds table {table}, which keeps only what the models know, not {lost} "
            f"(made by hand). " + _WAY_FORWARD.format(where="")
        )


def _models(table: str, states: Iterable[ProjectState]) -> list[Any]:
    """The models (auto-created M2M ones too) of ``table`` in each state."""
    found: list[Any] = []
    for state in states:
        found.extend(
            m for m in state.apps.get_models(include_auto_created=True) if m._meta.db_table == table
        )
    return found


def _unknown(connection: Any, table: str, models: Sequence[Any]) -> str:
    """What the live table has that none of ``models`` knows, in words ("" if nothing)."""
    columns: set[str] = set()
    index_names: set[str] = set()
    index_shapes: set[tuple[tuple[str, ...], bool]] = set()
    for model in models:
        columns.update(f.column.casefold() for f in model._meta.local_concrete_fields)
        names, shapes = _index_sql(connection, model)
        index_names |= names
        index_shapes |= shapes
    with connection.cursor() as cursor:
        live_columns = [
            c.name for c in connection.introspection.get_table_description(cursor, table)
        ]
        constraints = connection.introspection.get_constraints(cursor, table)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s ORDER BY name",
            [table],
        )
        triggers = [str(row[0]) for row in cursor.fetchall()]
    extra_columns = [c for c in live_columns if c.casefold() not in columns]
    extra_indexes = sorted(
        name
        for name, info in constraints.items()
        if info.get("index")
        and name not in index_names
        and (_shape(info["columns"]), bool(info["unique"])) not in index_shapes
    )
    parts = []
    for singular, plural, found in (
        ("column", "columns", extra_columns),
        ("index", "indexes", extra_indexes),
        ("trigger", "triggers", triggers),
    ):
        if found:
            parts.append(f"{singular if len(found) == 1 else plural} {', '.join(found)}")
    return "; ".join(parts)


def _index_sql(connection: Any, model: Any) -> tuple[set[str], set[tuple[tuple[str, ...], bool]]]:
    """Names and (columns, unique) of the indexes Django creates with ``model``'s table."""
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        editor.create_model(model)
    statements = [str(s) for s in editor.collected_sql]  # deferred SQL included
    names: set[str] = set()
    shapes: set[tuple[tuple[str, ...], bool]] = set()
    for sql in statements:
        for unique, name, table, cols in _CREATE_INDEX.findall(sql):
            if table != model._meta.db_table:
                continue
            names.add(name)
            shapes.add((_shape(re.findall(r'"([^"]+)"', cols)), bool(unique)))
    return names, shapes


def _shape(columns: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(c).casefold() for c in columns)
