"""Where each difference comes from: the line of code and the migration.

``Explainer(alias, ...).explain(report)`` returns the report with every
discrepancy's ``source`` (``explain.source``: the file and line of the model,
field or ``Meta`` declaration that owns it) and ``migration``
(``explain.migrations``: the migration whose operation last created or
changed the object, and whether it is recorded as applied on the database
and schema compared) filled in.  It runs once per alias report, after the
comparison (and after a sync's final one); one explainer serves every
schema of an alias, so the migration graph is walked once per run.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Collection
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connections
from django.db.migrations.exceptions import BadMigrationError, NodeNotFoundError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from ...comparison.tenants import current_schema, schema_scope, split_qualified
from ...report import EXTRA_KINDS, AliasReport, Discrepancy, MigrationRef, Source
from .migrations import History, MigrationKey, ModelHistory, Step, migrate_order, walk
from .source import (
    Declaration,
    ModelType,
    base_dir,
    declaration_source,
    field_source,
    model_source,
)

__all__ = ["Explainer", "explain_reports"]

#: Kinds about an index or constraint (the Meta declaration, or a field's own).
_INDEX_KINDS = {"missing_index", "index_mismatch", "extra_index"}
_UNIQUE_KINDS = {"missing_unique", "unique_mismatch", "extra_unique"}
_CHECK_KINDS = {"missing_check", "check_mismatch", "extra_check"}
_FK_KINDS = {"missing_foreign_key", "foreign_key_mismatch", "extra_foreign_key"}
_TABLE_KINDS = {"missing_table", "primary_key_mismatch"}
#: What a ``Meta`` declaration can own (extras are in no declaration).
_META_KINDS = (_INDEX_KINDS | _UNIQUE_KINDS | _CHECK_KINDS) - EXTRA_KINDS


@dataclasses.dataclass(frozen=True)
class _Owner:
    model: ModelType
    field: Any  # a Django field, or None
    #: the field is a ManyToManyField and the discrepancy is on its table
    m2m: bool
    declaration: Declaration | None


class Explainer:
    """Fills in ``source`` and ``migration`` for the reports of one alias."""

    def __init__(
        self,
        alias: str,
        *,
        apps: Apps | None = None,
        app_labels: Collection[str] | None = None,
    ) -> None:
        self.alias = alias
        self.registry = apps or global_apps
        self.app_labels = set(app_labels) if app_labels else None
        self._history: History | None = None
        self._loaded = False
        self._recorded: dict[str | None, set[MigrationKey] | None] = {}
        self._notes: list[str] = []

    # -- public --------------------------------------------------------------
    def explain(self, report: AliasReport) -> AliasReport:
        """``report`` with ``source`` and ``migration`` of each discrepancy."""
        if not report.discrepancies:
            return report
        base = base_dir()
        schema = report.schema if report.schema is not None else current_schema()
        found = tuple(self._explained(d, base, schema) for d in report.discrepancies)
        notes = (*report.notes, *(n for n in self._notes if n not in report.notes))
        return dataclasses.replace(report, discrepancies=found, notes=notes)

    # -- one discrepancy ---------------------------------------------------------
    def _explained(self, d: Discrepancy, base: Path, schema: str | None) -> Discrepancy:
        d = self._with_sql_by(d)
        owner = self._owner(d)
        if owner is None:
            return d
        source = _source(owner, base)
        migration = None
        if d.kind not in EXTRA_KINDS:
            step = self._step(owner, d)
            if step is not None:
                migration = self._reference(step, d, schema)
        if source is None and migration is None:
            return d
        return dataclasses.replace(d, source=source, migration=migration)

    def _with_sql_by(self, d: Discrepancy) -> Discrepancy:
        """``d`` with the last migration whose RunSQL names its table (an app
        that changes its own tables on purpose: a full-text index, a column
        type), if any migration of the project does."""
        history = self._walked()
        if history is None or not history.run_sql:
            return d
        found = history.last_run_sql_on(split_qualified(d.table)[1])
        return dataclasses.replace(d, sql_by=found) if found else d

    def _owner(self, d: Discrepancy) -> _Owner | None:
        if d.app_label is None or d.model is None:
            return None
        try:
            model: ModelType = self.registry.get_model(d.app_label, d.model)
        except LookupError:
            return None
        field: Any = None
        if d.field:
            try:
                field = model._meta.get_field(d.field)
            except FieldDoesNotExist:
                field = None
        m2m = field is not None and bool(field.many_to_many) and not field.concrete
        declaration = None
        if not m2m and d.kind in _META_KINDS:
            declaration = _named(model, d, self.alias)
            if declaration is None and not _field_level(d, field):
                declaration = _by_columns(model, d)
        return _Owner(model, field, m2m, declaration)

    def _step(self, owner: _Owner, d: Discrepancy) -> Step | None:
        history = self._walked()
        if history is None:
            return None
        opts = owner.model._meta
        model = history.models.get((opts.app_label, opts.model_name or ""))
        if model is None:
            return None
        if owner.m2m:  # the auto-created table is its field's
            return model.fields.get(owner.field.name)
        if owner.declaration is not None:
            return _declared(model, owner.declaration)
        if owner.field is not None:
            return model.fields.get(owner.field.name)
        if d.kind == "comment_mismatch":
            return model.table_comment or model.table
        if d.kind in _TABLE_KINDS:
            return model.table
        return None

    def _reference(self, step: Step, d: Discrepancy, schema: str | None) -> MigrationRef | None:
        recorded = self._applied(schema)
        history = self._history
        if recorded is None or history is None:
            return None
        table = split_qualified(d.table)[1]
        return MigrationRef(
            step.app_label,
            step.name,
            step.operation,
            history.applied(step, recorded),
            operation_name=step.kind,
            runs_sql=history.runs_sql_on(step, table),
        )

    # -- the migrations ------------------------------------------------------------
    def _walked(self) -> History | None:
        """The graph, walked once (lazily: a report in sync needs none)."""
        if self._loaded:
            return self._history
        self._loaded = True
        connection = connections[self.alias]
        try:
            try:
                loader = MigrationLoader(connection, ignore_no_migrations=True)
            except DatabaseError as exc:
                self._unreadable(exc)
                loader = MigrationLoader(None, ignore_no_migrations=True)
        except (BadMigrationError, NodeNotFoundError, ImportError, SyntaxError) as exc:
            self._notes.append(
                f"the migration files could not be loaded ({exc}): "
                "no difference names its migration"
            )
            return None
        self._history = walk(migrate_order(loader, self.app_labels))
        return self._history

    def _applied(self, schema: str | None) -> set[MigrationKey] | None:
        """The migrations recorded in ``django_migrations`` of the database
        (and schema) compared; None when it cannot be read."""
        if schema in self._recorded:
            return self._recorded[schema]
        connection = connections[self.alias]
        scope: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if schema is not None and current_schema() != schema:
            scope = schema_scope(connection, schema)
        recorded: set[MigrationKey] | None
        try:
            with scope:
                recorded = set(MigrationRecorder(connection).applied_migrations())
        except DatabaseError as exc:
            self._unreadable(exc)
            recorded = None
        self._recorded[schema] = recorded
        return recorded

    def _unreadable(self, exc: DatabaseError) -> None:
        from ...failures import translate

        error = translate(exc, self.alias)
        if error is not None:  # the connection is gone, the file unreadable, ...
            raise error from exc
        note = (
            f"the migration history of '{self.alias}' could not be read "
            f"({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}): "
            "no difference says whether its migration is applied"
        )
        if note not in self._notes:
            self._notes.append(note)


def explain_reports(
    reports: tuple[AliasReport, ...],
    alias: str,
    *,
    apps: Apps | None = None,
    app_labels: Collection[str] | None = None,
) -> tuple[AliasReport, ...]:
    """Each of ``alias``'s reports (one per schema) explained, with one explainer."""
    explainer = Explainer(alias, apps=apps, app_labels=app_labels)
    return tuple(explainer.explain(report) for report in reports)


# -- owners ------------------------------------------------------------------------


def _source(owner: _Owner, base: Path) -> Source | None:
    found = None
    if owner.declaration is not None:
        found = declaration_source(owner.model, owner.declaration, base)
    elif owner.field is not None:
        found = field_source(owner.model, owner.field.name, base)
    return found or model_source(owner.model, base)


def _field_level(d: Discrepancy, field: Any) -> bool:
    """Is the index or constraint of ``d`` the field's own (``db_index``,
    ``unique``, the index of a foreign key, a type's CHECK)?"""
    if field is None or len(d.columns) > 1:
        return False
    if d.kind in _INDEX_KINDS:
        return bool(field.db_index) or bool(field.is_relation)
    if d.kind in _UNIQUE_KINDS:
        return bool(field.unique)
    return d.kind in _CHECK_KINDS


def _named(model: ModelType, d: Discrepancy, alias: str) -> Declaration | None:
    """The ``Meta`` index or constraint named as ``d`` names its object."""
    if not d.name:
        return None
    from ...vendors import get_vendor

    stored = get_vendor(connections[alias].vendor).stored_name
    opts = model._meta
    for index in opts.indexes:
        if index.name and d.name in (index.name, stored(index.name)):
            return Declaration("indexes", index.name, tuple(index.fields))
    for constraint in opts.constraints:
        if d.name in (constraint.name, stored(constraint.name)):
            fields = tuple(getattr(constraint, "fields", ()) or ())
            return Declaration("constraints", constraint.name, fields)
    return None


def _by_columns(model: ModelType, d: Discrepancy) -> Declaration | None:
    """The ``Meta`` index, constraint or ``unique_together`` entry on ``d``'s columns."""
    if not d.columns or d.kind in _CHECK_KINDS:
        return None
    opts = model._meta
    want = tuple(d.columns)
    if d.kind in _INDEX_KINDS:
        for index in opts.indexes:
            if index.fields and _columns(model, index.fields) == want:
                return Declaration("indexes", index.name, tuple(index.fields))
        return None
    for constraint in opts.constraints:
        fields = tuple(getattr(constraint, "fields", ()) or ())
        if fields and _columns(model, fields) == want:
            return Declaration("constraints", constraint.name, fields)
    for names in opts.unique_together:
        if _columns(model, names) == want:
            return Declaration("unique_together", None, tuple(names))
    return None


def _columns(model: ModelType, names: Collection[str]) -> tuple[str, ...] | None:
    columns: list[str] = []
    for name in names:
        try:
            field: Any = model._meta.get_field(name.lstrip("-"))
        except FieldDoesNotExist:
            return None
        columns.append(str(field.column))
    return tuple(columns)


def _declared(model: ModelHistory, declaration: Declaration) -> Step | None:
    if declaration.option == "indexes" and declaration.name:
        return model.indexes.get(declaration.name)
    if declaration.option == "constraints" and declaration.name:
        return model.constraints.get(declaration.name)
    word = "unique" if declaration.option == "unique_together" else "index"
    return model.together.get((word, declaration.fields))
