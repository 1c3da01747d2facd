"""SQLite table rebuilds that keep what Django does not know.

SQLite alters a table in few ways, so Django's schema editor rebuilds the whole
table for many operations (``_remake_table``: create ``new__<table>`` from the
model, copy the model's columns, drop the old table, rename, create the
model's indexes).  On its own that rebuild keeps only what the model knows: a
column, an index or a trigger made by hand on the table would be lost, with
its data.

While a sync runs (``keeping_hand_made``), the connection's schema editors
rebuild tables the way SQLite documents it (lang_altertable.html, "Making
Other Kinds Of Table Schema Changes"), keeping everything that was there:

1. the live table's ``CREATE TABLE`` and its indexes and triggers are read
   from ``sqlite_master``;
2. ``new__<table>`` is created with the model's columns plus the live columns
   the model does not know, with their definitions as written;
3. every row is copied, the hand-made columns' values included;
4. the old table is dropped and the new one renamed (Django's steps);
5. the indexes the old table had and the rebuild did not make again (hand-made
   ones; not those of the model the operation removes) and all its triggers
   (Django makes none) are created again from their own SQL; so are the views
   that name the table (and other tables' triggers that do), dropped before the
   rebuild because SQLite checks them when the new table is renamed;
6. Django's schema editor checks the foreign keys when it closes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..errors import DjmigratorError

_CREATED = re.compile(
    r'^\s*CREATE\s+(?:UNIQUE\s+)?(?:INDEX|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?"([^"]+)"',
    re.IGNORECASE,
)
_TABLE_CONSTRAINT = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


@dataclass
class _Live:
    """What the live table has that a rebuild from the model would lose."""

    table: str
    #: definitions of the columns the model does not know, as written
    definitions: list[str] = field(default_factory=list)
    #: those of them that hold values to copy (not generated)
    copied: list[str] = field(default_factory=list)
    #: (kind, name, sql) of the indexes and triggers to create again
    objects: list[tuple[str, str, str]] = field(default_factory=list)
    #: names the rebuild itself created (Django's own indexes)
    created: set[str] = field(default_factory=set)
    #: (kind, name, sql) of the views (and their triggers) and the other tables'
    #: triggers that name the table: SQLite checks them when the new table is
    #: renamed, so they are dropped first and created again after
    dependents: list[tuple[str, str, str]] = field(default_factory=list)


@contextmanager
def keeping_hand_made(connection: Any) -> Iterator[None]:
    """While inside, table rebuilds by ``connection``'s schema editors keep the
    columns, rows, indexes and triggers the models do not know (SQLite only)."""
    if connection.vendor != "sqlite" or getattr(
        connection.SchemaEditorClass, "keeps_hand_made", False
    ):
        yield
        return
    had = "SchemaEditorClass" in vars(connection)
    previous = vars(connection).get("SchemaEditorClass")
    connection.SchemaEditorClass = _keeping_class(connection.SchemaEditorClass)
    try:
        yield
    finally:
        if had:
            connection.SchemaEditorClass = previous
        else:
            del connection.SchemaEditorClass


_CLASSES: dict[type, type] = {}


def _keeping_class(base: type) -> type:
    if base not in _CLASSES:
        _CLASSES[base] = type(f"Keeping{base.__name__}", (_KeepingMixin, base), {})
    return _CLASSES[base]


class _KeepingMixin:
    """A SQLite schema editor whose table rebuilds keep what the model lacks."""

    keeps_hand_made = True
    _keeping: _Live | None = None

    # the attributes and methods of Django's SQLite DatabaseSchemaEditor used here
    connection: Any
    deferred_sql: list[Any]

    def _remake_table(
        self,
        model: Any,
        create_field: Any = None,
        delete_field: Any = None,
        alter_fields: Any = None,
    ) -> None:
        live = _read_live(self, model)
        parent: Any = super()
        if live is None:
            parent._remake_table(model, create_field, delete_field, alter_fields)
            return
        for kind, name, _ in reversed(live.dependents):
            parent.execute(f"DROP {kind.upper()} IF EXISTS {_quote(name)}", None)
        outer, self._keeping = self._keeping, live
        try:
            parent._remake_table(model, create_field, delete_field, alter_fields)
        finally:
            self._keeping = outer
        django_made = _django_index_names(self, model)
        for kind, name, sql in [*live.objects, *live.dependents]:
            if name in live.created or (kind == "index" and name in django_made):
                continue  # made again by the rebuild, or removed by the operation
            try:
                parent.execute(sql, None)
            except Exception as exc:
                raise DjmigratorError(
                    f"rebuilding table {live.table} on SQLite, its {kind} {name} (made by "
                    f"hand) cannot be created again ({str(exc).strip()}); drop or change "
                    f"it by hand"
                ) from exc

    def execute(self, sql: Any, params: Any = ()) -> Any:
        parent: Any = super()
        live = self._keeping
        if live is not None:
            text = str(sql)
            sql = _with_kept_columns(text, params, live)
            made = _CREATED.match(text)
            if made:
                live.created.add(made.group(1))
        return parent.execute(sql, params)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_live(editor: Any, model: Any) -> _Live | None:
    """What the live table of ``model`` has beyond the model (None: nothing)."""
    table = model._meta.db_table
    with editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name",
            [table],
        )
        rows = [(str(t), str(n), str(s)) for t, n, s in cursor.fetchall()]
        create = next((s for t, n, s in rows if t == "table" and n == table), None)
        if create is None:
            return None
        cursor.execute(f"PRAGMA table_xinfo({_quote(table)})")
        columns = [(str(r[1]), str(r[2] or ""), r[3], r[4], int(r[6])) for r in cursor.fetchall()]
        cursor.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid"
        )
        others = [(str(t), str(n), str(o), str(s)) for t, n, o, s in cursor.fetchall()]
    known = {f.column.casefold() for f in model._meta.local_concrete_fields if f.column}
    written = _column_definitions(create)
    live = _Live(table)
    for name, type_, notnull, default, hidden in columns:
        if name.casefold() in known or hidden == 1:
            continue
        definition = written.get(name.casefold())
        if definition is None:  # not read from the CREATE TABLE: from PRAGMA
            definition = " ".join(
                part
                for part in (
                    _quote(name),
                    type_,
                    "NOT NULL" if notnull else "",
                    f"DEFAULT {default}" if default is not None else "",
                )
                if part
            )
        live.definitions.append(definition)
        if hidden == 0:
            live.copied.append(name)
    live.objects = [(t, n, s) for t, n, s in rows if t in ("index", "trigger")]
    live.dependents = _dependents(table, others)
    if not live.definitions and not live.objects and not live.dependents:
        return None
    return live


def _dependents(table: str, others: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
    """The views naming ``table`` (or such a view), their triggers, and the other
    tables' triggers naming them, in the order they were created."""
    names = {table.casefold()}
    chosen: set[str] = set()
    grown = True
    while grown:
        grown = False
        for kind, name, on, sql in others:
            if name in chosen or (kind == "trigger" and on.casefold() == table.casefold()):
                continue  # a trigger of the table itself is one of its objects
            if on.casefold() in names - {table.casefold()} or any(_names(sql, n) for n in names):
                chosen.add(name)
                if kind == "view":
                    names.add(name.casefold())
                grown = True
    return [(kind, name, sql) for kind, name, _, sql in others if name in chosen]


def _names(sql: str, name: str) -> bool:
    """Whether ``sql`` mentions the identifier ``name`` (quoted or not)."""
    return bool(re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", sql, re.IGNORECASE))


def _with_kept_columns(sql: str, params: Any, live: _Live) -> str:
    """Django's ``CREATE TABLE "new__t"`` and ``INSERT INTO "new__t"`` statements
    of the rebuild, with the kept columns added."""
    if not live.definitions:
        return sql
    new, old = _quote(f"new__{live.table}"), _quote(live.table)

    def escaped(text: str) -> str:  # Django formats the statement when params is not None
        return text.replace("%", "%%") if params is not None else text

    if sql.startswith(f"CREATE TABLE {new} (") and sql.endswith(")"):
        return sql[:-1] + ", " + escaped(", ".join(live.definitions)) + ")"
    suffix = f" FROM {old}"
    if live.copied and sql.startswith(f"INSERT INTO {new} (") and sql.endswith(suffix):
        head, select, tail = sql.partition(") SELECT ")
        if select:
            names = escaped(", ".join(_quote(c) for c in live.copied))
            return f"{head}, {names}{select}{tail[: -len(suffix)]}, {names}{suffix}"
    return sql


def _django_index_names(editor: Any, model: Any) -> set[str]:
    """Names of the indexes Django makes with ``model``'s table (the old model's:
    one of them missing after the rebuild was removed by the operation)."""
    names = {i.name for i in model._meta.indexes if i.name}
    names |= {c.name for c in model._meta.constraints if c.name}
    saved = list(editor.deferred_sql)
    try:
        editor.table_sql(model)  # defers unique_together's indexes
        statements = [*editor.deferred_sql[len(saved) :], *editor._model_indexes_sql(model)]
    finally:
        editor.deferred_sql = saved
    for statement in statements:
        made = _CREATED.match(str(statement))
        if made:
            names.add(made.group(1))
    return names


# -- reading a CREATE TABLE statement -----------------------------------------


def _column_definitions(create: str) -> dict[str, str]:
    """Column name (casefolded) -> its definition, from a ``CREATE TABLE``."""
    parts = _body_parts(create)
    found: dict[str, str] = {}
    for part in parts:
        name, rest = _leading_name(part)
        if name is None or (rest is None and name.upper() in _TABLE_CONSTRAINT):
            continue
        found.setdefault(name.casefold(), part.strip())
    return found


def _leading_name(part: str) -> tuple[str | None, str | None]:
    """The first identifier of a definition; ``rest`` is None when it was bare
    (a bare word may be a keyword such as CONSTRAINT)."""
    text = part.lstrip()
    if not text:
        return None, None
    closing = {'"': '"', "`": "`", "[": "]"}.get(text[0])
    if closing is not None:
        out, i = [], 1
        while i < len(text):
            if text[i] == closing:
                if closing != "]" and text[i + 1 : i + 2] == closing:
                    out.append(closing)
                    i += 2
                    continue
                return "".join(out), text[i + 1 :]
            out.append(text[i])
            i += 1
        return None, None
    match = re.match(r"[^\s(,]+", text)
    return (match.group(0), None) if match else (None, None)


def _body_parts(create: str) -> list[str]:
    """The comma-separated definitions between a CREATE TABLE's outer parentheses."""
    parts: list[str] = []
    depth, start, i, n = 0, -1, 0, len(create)
    while i < n:
        ch = create[i]
        if ch in "'\"`[":
            closing = "]" if ch == "[" else ch
            j = i + 1
            while j < n:
                if create[j] == closing:
                    if closing != "]" and create[j + 1 : j + 2] == closing:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            continue
        if create.startswith("--", i):
            end = create.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if create.startswith("/*", i):
            end = create.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == "(":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                parts.append(create[start:i])
                return parts
        elif ch == "," and depth == 1:
            parts.append(create[start:i])
            start = i + 1
        i += 1
    return []
