"""Which migration's operation last created or changed each object.

The migration graph of the project (``MigrationLoader``, which has already
put squashed migrations in place of the ones they replace where ``migrate``
would) is walked in the order ``migrate`` applies it: each leaf's
``forwards_plan`` in turn, every node once.  Each operation records itself
as the last step of what it creates or changes; renames carry the record
over to the new name, removals forget it.  ``SeparateDatabaseAndState``
counts by its state operations (what the models say), and the ``RunSQL``
of each migration is kept to say when it touches the object's table.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.models.options import normalize_together

MigrationKey = tuple[str, str]
#: (app_label, model_name in lower case)
ModelKey = tuple[str, str]


@dataclass(frozen=True)
class Step:
    """One operation of one migration."""

    app_label: str
    name: str
    #: 0-based index in ``Migration.operations``
    operation: int
    #: the operation's class name (``AddField``)
    kind: str


@dataclass
class ModelHistory:
    """The last step of a model's table and of each thing on it."""

    table: Step | None = None
    table_comment: Step | None = None
    fields: dict[str, Step] = field(default_factory=dict)
    indexes: dict[str, Step] = field(default_factory=dict)
    constraints: dict[str, Step] = field(default_factory=dict)
    #: ("unique" | "index", field names) -> step
    together: dict[tuple[str, tuple[str, ...]], Step] = field(default_factory=dict)


def _names(sql: str, table: str) -> bool:
    """Does ``sql`` (lower case) name ``table`` as a whole word?"""
    return re.search(rf"(?<![\w$]){re.escape(table.lower())}(?![\w$])", sql) is not None


@dataclass
class History:
    """The last step per object, after the whole graph."""

    models: dict[ModelKey, ModelHistory] = field(default_factory=dict)
    #: the SQL of each migration's RunSQL operations, in lower case
    run_sql: dict[MigrationKey, str] = field(default_factory=dict)
    #: what each squashed migration replaces
    replaces: dict[MigrationKey, tuple[MigrationKey, ...]] = field(default_factory=dict)

    def model(self, key: ModelKey) -> ModelHistory:
        found = self.models.get(key)
        if found is None:
            found = self.models[key] = ModelHistory()
        return found

    def runs_sql_on(self, step: Step, table: str) -> bool:
        """Does the migration of ``step`` also hold RunSQL naming ``table``?"""
        sql = self.run_sql.get((step.app_label, step.name))
        return sql is not None and _names(sql, table)

    def last_run_sql_on(self, table: str) -> MigrationKey | None:
        """The last migration (in ``migrate``'s order) whose RunSQL names ``table``."""
        for key in reversed(self.run_sql):
            if _names(self.run_sql[key], table):
                return key
        return None

    def applied(self, step: Step, recorded: Collection[MigrationKey]) -> bool:
        """Is the migration of ``step`` recorded as applied?  A squashed one is
        when it is, or when every migration it replaces is (as ``migrate``
        counts it)."""
        key = (step.app_label, step.name)
        if key in recorded:
            return True
        replaced = self.replaces.get(key, ())
        return bool(replaced) and all(r in recorded for r in replaced)


def migrate_order(loader: MigrationLoader, app_labels: Collection[str] | None) -> list[Migration]:
    """The migrations of ``app_labels`` (all: None) in the order ``migrate``
    applies them."""
    graph = loader.graph
    seen: set[MigrationKey] = set()
    order: list[Migration] = []
    for leaf in sorted(graph.leaf_nodes()):
        for key in graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            if app_labels is None or key[0] in app_labels:
                order.append(graph.nodes[key])
    return order


def walk(migrations: Iterable[Migration]) -> History:
    history = History()
    for migration in migrations:
        key = (migration.app_label, migration.name)
        if migration.replaces:
            history.replaces[key] = tuple((r[0], r[1]) for r in migration.replaces or ())
        sql: list[str] = []
        for index, operation in enumerate(migration.operations):
            step = Step(migration.app_label, migration.name, index, type(operation).__name__)
            for op in _state_operations(operation):
                _record(history, migration.app_label, op, step)
            sql.extend(_sql_texts(operation))
        if sql:
            history.run_sql[key] = "\n".join(sql).lower()
    return history


def _together(value: Any) -> tuple[tuple[str, ...], ...]:
    """``unique_together`` / ``index_together`` as a tuple of tuples."""
    return tuple(tuple(names) for names in normalize_together(value or ()))


def _state_operations(operation: Any) -> Iterator[Any]:
    if isinstance(operation, ops.SeparateDatabaseAndState):
        for inner in operation.state_operations:
            yield from _state_operations(inner)
    else:
        yield operation


def _sql_texts(operation: Any) -> Iterator[str]:
    if isinstance(operation, ops.SeparateDatabaseAndState):
        for inner in operation.database_operations:
            yield from _sql_texts(inner)
    elif isinstance(operation, ops.RunSQL):
        statements = operation.sql
        if isinstance(statements, str):
            statements = [statements]
        for statement in statements or ():
            if isinstance(statement, list | tuple):
                statement = statement[0] if statement else ""
            yield str(statement)


def _record(history: History, app: str, op: Any, step: Step) -> None:
    if isinstance(op, ops.CreateModel):
        model = history.models[(app, op.name_lower)] = ModelHistory(table=step)
        for name, _field in op.fields:
            model.fields[name] = step
        options = op.options
        for index in options.get("indexes", ()):
            model.indexes[index.name] = step
        for constraint in options.get("constraints", ()):
            model.constraints[constraint.name] = step
        for option, word in (("unique_together", "unique"), ("index_together", "index")):
            for names in _together(options.get(option)):
                model.together[(word, tuple(names))] = step
        if options.get("order_with_respect_to"):
            model.fields["_order"] = step
    elif isinstance(op, ops.DeleteModel):
        history.models.pop((app, op.name_lower), None)
    elif isinstance(op, ops.RenameModel):
        moved = history.models.pop((app, op.old_name_lower), None) or ModelHistory()
        moved.table = step
        history.models[(app, op.new_name_lower)] = moved
    elif isinstance(op, ops.AlterModelTable):
        history.model((app, op.name_lower)).table = step
    elif isinstance(op, ops.AlterModelTableComment):
        history.model((app, op.name_lower)).table_comment = step
    elif isinstance(op, ops.AddField | ops.AlterField):
        history.model((app, op.model_name_lower)).fields[op.name] = step
    elif isinstance(op, ops.RemoveField):
        history.model((app, op.model_name_lower)).fields.pop(op.name, None)
    elif isinstance(op, ops.RenameField):
        model = history.model((app, op.model_name_lower))
        model.fields.pop(op.old_name, None)
        model.fields[op.new_name] = step
        for key in [k for k in model.together if op.old_name in k[1]]:
            names = tuple(op.new_name if n == op.old_name else n for n in key[1])
            model.together[(key[0], names)] = model.together.pop(key)
    elif isinstance(op, ops.AddIndex):
        history.model((app, op.model_name_lower)).indexes[op.index.name] = step
    elif isinstance(op, ops.RemoveIndex):
        history.model((app, op.model_name_lower)).indexes.pop(op.name, None)
    elif isinstance(op, ops.RenameIndex):
        model = history.model((app, op.model_name_lower))
        if op.old_name:
            model.indexes.pop(op.old_name, None)
        if op.old_fields:
            model.together.pop(("index", tuple(op.old_fields)), None)
        model.indexes[op.new_name] = step
    elif isinstance(op, ops.AddConstraint):
        history.model((app, op.model_name_lower)).constraints[op.constraint.name] = step
    elif isinstance(op, ops.RemoveConstraint):
        history.model((app, op.model_name_lower)).constraints.pop(op.name, None)
    elif isinstance(op, ops.AlterUniqueTogether | ops.AlterIndexTogether):
        model = history.model((app, op.name_lower))
        word = "unique" if op.option_name == "unique_together" else "index"
        wanted = {tuple(names) for names in _together(op.option_value)}
        for key in [k for k in model.together if k[0] == word and k[1] not in wanted]:
            del model.together[key]
        for names in wanted:
            model.together.setdefault((word, names), step)
    elif isinstance(op, ops.AlterOrderWithRespectTo):
        model = history.model((app, op.name_lower))
        if op.order_with_respect_to:
            model.fields["_order"] = step
        else:
            model.fields.pop("_order", None)
