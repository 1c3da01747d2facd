"""Repair: recreate what the models have and the database lacks.

After the migrations are applied, whatever an applied migration should have
created but the database lacks (a table, column, index, unique constraint or
foreign key dropped by hand) is created again with Django's own schema editor,
so the DDL is exactly what ``migrate`` would have run.  Nothing is dropped.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import connections

from .comparator import compare_alias
from .report import Action, AliasReport, Discrepancy

REPAIRABLE = (
    "missing_table",
    "missing_column",
    "missing_index",
    "missing_unique",
    "missing_foreign_key",
    "missing_check",
)


def _models_by_table() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in global_apps.get_models(include_auto_created=True):
        found.setdefault(model._meta.db_table, model)
    return found


def repair(
    alias: str, labels: list[str] | None, dry_run: bool, skip_tables: set[str]
) -> tuple[list[Action], AliasReport | None]:
    """Recreate, with Django's schema editor, what the models have and the DB lacks.

    Returns the actions, and the comparison that found them while it still
    describes the database (nothing was changed: nothing to do, or a dry run).
    """
    report = compare_alias(alias, app_labels=labels)
    todo = [d for d in report.discrepancies if d.kind in REPAIRABLE and d.table not in skip_tables]
    if not todo:
        return [], report
    connection = connections[alias]
    models = _models_by_table()
    actions: list[Action] = []
    with connection.schema_editor(collect_sql=dry_run, atomic=True) as editor:
        for d in todo:
            sql_before = len(editor.collected_sql) if dry_run else 0
            done = _repair_one(editor, connection, models, d)
            if done:
                sql = editor.collected_sql[sql_before:] if dry_run else [done]
                actions.append(Action("repair", d.app_label, None, d.message, sql=tuple(sql)))
    return actions, report if dry_run else None


def _repair_one(editor: Any, connection: Any, models: dict[str, Any], d: Discrepancy) -> str:
    model = models.get(d.table)
    if model is None:
        return ""
    if d.kind == "missing_table":
        sql, params = editor.table_sql(model)
        editor.execute(sql, params or None)
        editor.deferred_sql.extend(editor._model_indexes_sql(model))
        return str(sql)
    if d.kind == "missing_column":
        field = next(f for f in model._meta.local_fields if f.column == d.column)
        editor.add_field(model, field)
        return f"add column {d.table}.{d.column}"
    if d.repair_sql:
        editor.execute(d.repair_sql)
        return d.repair_sql
    return ""  # e.g. a foreign key SQLite can only add by rebuilding the table
