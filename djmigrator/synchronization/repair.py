"""Repair: recreate what the models have and the database lacks.

After the migrations are applied, whatever an applied migration should have
created but the database lacks (a table, column, index, unique constraint or
foreign key dropped by hand) is created again with Django's own schema editor,
so the DDL is exactly what ``migrate`` would have run.  Nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps as global_apps

from ..aliases import AliasContext, resolve
from ..comparison.comparator import compare_alias
from ..comparison.tenants import current_schema
from ..connection import first_line
from ..errors import DjmigratorError
from ..failures import translate
from ..report import Action, AliasReport, Discrepancy
from ..reporting.baseline import Accepted
from ..vendors.base import Vendor
from .restore import RESTORED_KINDS, restorable, restore

REPAIRABLE = (
    "missing_table",
    "missing_column",
    "missing_index",
    "missing_unique",
    "missing_foreign_key",
    "missing_check",
)


def _models_by_table(stored: Callable[[str], str]) -> dict[str, Any]:
    """The models by the name the server stores for their table (``stored_name``)."""
    found: dict[str, Any] = {}
    for model in global_apps.get_models(include_auto_created=True):
        found.setdefault(stored(model._meta.db_table), model)
    return found


def repair(
    target: str | AliasContext,
    labels: list[str] | None,
    dry_run: bool,
    skip_tables: set[str],
    accepted: Accepted | None = None,
) -> tuple[list[Action], AliasReport | None]:
    """Recreate, with Django's schema editor, what the models have and the DB lacks.

    ``accepted(alias, schema, d)``: a difference a baseline accepts, left alone.

    Returns the actions, and the comparison that found them while it still
    describes the database (nothing was changed: nothing to do, or a dry run).
    """
    resolved = resolve(target)
    alias, connection, vendor = resolved.alias, resolved.connection, resolved.vendor
    report = compare_alias(resolved, app_labels=labels)
    stored = vendor.stored_name
    skip = {stored(t) for t in skip_tables}
    todo = [
        d
        for d in report.discrepancies
        if (d.kind in REPAIRABLE or _column_kind_restorable(vendor, d))
        and d.restorable
        and d.table not in skip
        and not (accepted is not None and accepted(alias, current_schema(), d))
    ]
    if not todo:
        return [], report
    models = _models_by_table(stored)
    actions: list[Action] = []
    current: list[Discrepancy] = []  # what is being restored, for the error
    kept: list[Discrepancy] = []  # restored for good (one at a time, below)
    # where DDL is transactional (and for a dry run) one transaction for all:
    # a failure leaves nothing of the repair; elsewhere one at a time, so that
    # a failure leaves exactly the repairs before it done
    together = dry_run or connection.features.can_rollback_ddl
    try:
        if together:
            with connection.schema_editor(collect_sql=dry_run, atomic=True) as editor:
                for d in todo:
                    current[:] = [d]
                    _repair_into(editor, connection, models, d, dry_run, actions, vendor)
                current[:] = [d for d in todo if d.kind == "missing_table"]  # deferred SQL
        else:
            for d in todo:
                current[:] = [d]
                with connection.schema_editor(atomic=False) as editor:
                    _repair_into(editor, connection, models, d, dry_run, actions, vendor)
                kept.append(d)
    except Exception as exc:  # the database refused a repair (duplicate rows, ...)
        known = translate(exc, alias, _kept(kept).rstrip(". "))  # e.g. a lost connection
        if known is not None:
            raise known from exc
        raise DjmigratorError(_failure(connection, current, exc, kept)) from exc
    return actions, report if dry_run else None


def _repair_into(
    editor: Any,
    connection: Any,
    models: dict[str, Any],
    d: Discrepancy,
    dry_run: bool,
    actions: list[Action],
    vendor: Vendor,
) -> None:
    sql_before = len(editor.collected_sql) if dry_run else 0
    done = _repair_one(editor, connection, models, d, vendor)
    if done:
        sql = editor.collected_sql[sql_before:] if dry_run else [done]
        actions.append(Action("repair", d.app_label, None, d.message, sql=tuple(sql)))


def _failure(
    connection: Any, failed: list[Discrepancy], exc: Exception, kept: list[Discrepancy]
) -> str:
    """One line: what could not be restored, why, what stays, what to do."""
    what = " and ".join(_what(d) for d in failed) or "what the models lack"
    stays = _kept(kept) or "Nothing of the repair was changed. "
    return (
        f"Restoring {what} on database '{connection.alias}' failed: {_reason(exc)}. {stays}"
        "Fix what the error names (e.g. duplicate or orphan rows), or make the model say what "
        "the database has, then run smart_makemigrations again."
    )


def _kept(kept: list[Discrepancy]) -> str:
    return (
        "Restored before it, and kept: " + "; ".join(_what(d) for d in kept) + ". " if kept else ""
    )


def _reason(exc: BaseException) -> str:
    """The database's words: MySQL's message without its code, PostgreSQL's detail."""
    cause = exc.__cause__ or exc
    args: tuple[Any, ...] = getattr(cause, "args", ())
    if len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str):
        return args[1].strip().rstrip(".")
    reason = first_line(exc)
    detail = getattr(getattr(cause, "diag", None), "message_detail", None)
    if detail and str(detail).strip():
        reason += f" ({str(detail).strip().splitlines()[0].rstrip('.')})"
    return reason


def _what(d: Discrepancy) -> str:
    columns = f" ({', '.join(d.columns)})" if d.columns else ""
    if d.kind == "missing_table":
        return f"table {d.table}"
    if d.kind == "missing_column":
        return f"column {d.table}.{d.column}"
    thing = d.kind.removeprefix("missing_").replace("_", " ")
    if thing == "unique":
        thing = "unique constraint"
    return f"{thing}{f' {d.name}' if d.name else ''} on {d.table}{columns}"


def _column_kind_restorable(vendor: Vendor, d: Discrepancy) -> bool:
    """A missing ``db_default`` / auto-increment, or a comment (``columns.restore``)."""
    return restorable(d, vendor.autoincrement_sql)


def _repair_one(
    editor: Any,
    connection: Any,
    models: dict[str, Any],
    d: Discrepancy,
    vendor: Vendor,
) -> str:
    stored = vendor.stored_name
    model = models.get(d.table)
    if model is None:
        return ""
    if d.kind in RESTORED_KINDS:
        return restore(editor, model, d, vendor.autoincrement_sql)
    if d.kind == "missing_table":
        sql, params = editor.table_sql(model)
        editor.execute(sql, params or None)
        editor.deferred_sql.extend(editor._model_indexes_sql(model))
        return str(sql)
    if d.kind == "missing_column":
        field = next(f for f in model._meta.local_fields if stored(f.column) == d.column)
        editor.add_field(model, field)
        return f"add column {d.table}.{d.column}"
    if d.repair_sql:
        editor.execute(d.repair_sql)
        return d.repair_sql
    return ""  # e.g. a foreign key SQLite can only add by rebuilding the table
