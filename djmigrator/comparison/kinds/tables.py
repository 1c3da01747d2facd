"""Tables and columns: alembic's own comparison finds missing and extra tables
and columns; here are the comparators of a column's type (as the vendor reads
it, ``Vendor.expected_type_key`` / ``live_type_key``) and nullability, and the
discrepancies of all six."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from alembic.util import PriorityDispatchResult

from ...report import Discrepancy
from ..context import CompareContext
from .base import Namer, compare_context


def compare_type(
    autogen_context: Any,
    alter_column_op: ops.AlterColumnOp,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> PriorityDispatchResult:
    ctx = compare_context(autogen_context)
    alter_column_op.existing_type = conn_col.type
    expected = ctx.vendor.expected_type_key(ctx, metadata_col)
    live = ctx.vendor.live_type_key(ctx, tname, conn_col)
    if expected is None or live is None or expected == live:
        return PriorityDispatchResult.CONTINUE
    leftover = ctx.vendor.leftover(ctx, metadata_col.table, metadata_col, conn_col)
    if leftover:
        ctx.note(leftover)
    else:
        alter_column_op.modify_type = metadata_col.type
    return PriorityDispatchResult.CONTINUE


def compare_nullable(
    autogen_context: Any,
    alter_column_op: ops.AlterColumnOp,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> PriorityDispatchResult:
    alter_column_op.existing_nullable = conn_col.nullable
    ctx = compare_context(autogen_context)
    note = ctx.vendor.column_note(ctx, metadata_col, conn_col)
    if note:
        ctx.note(note)
    if bool(conn_col.nullable) != bool(metadata_col.nullable):
        alter_column_op.modify_nullable = metadata_col.nullable
    return PriorityDispatchResult.CONTINUE


def table_discrepancy(namer: Namer, op: str, table: sa.Table) -> Discrepancy:
    name = table.name
    if op == "add_table":
        app, model = namer.owner(name)
        m2m = namer.table(name).info.get("m2m_field") if namer.table(name) is not None else None  # type: ignore[union-attr]
        who = namer.label(name, field=m2m)
        return Discrepancy(
            "missing_table",
            name,
            app_label=app,
            model=model,
            field=m2m,
            expected="table",
            message=f"{who}: table {name} is missing",
        )
    return Discrepancy(
        "extra_table",
        name,
        actual="table",
        message=f"table {name} has no model",
    )


def column_discrepancy(
    ctx: CompareContext, namer: Namer, op: str, table: str, column: sa.Column[Any]
) -> Discrepancy:
    app, model = namer.owner(table)
    if op == "add_column":
        fld = namer.field(table, column.name)
        return Discrepancy(
            "missing_column",
            table,
            column=column.name,
            columns=(column.name,),
            app_label=app,
            model=model,
            field=fld,
            expected=namer.expected_column_text(table, column.name),
            message=f"{namer.label(table, column.name)}: column {table}.{column.name} is missing",
        )
    actual = ctx.vendor.live_type_text(ctx, table, column)
    actual += " NULL" if column.nullable else " NOT NULL"
    # no field owns an extra column, but an auto-created M2M table is its field's
    fld = namer.field(table, column.name)
    return Discrepancy(
        "extra_column",
        table,
        column=column.name,
        columns=(column.name,),
        app_label=app,
        model=model,
        field=fld,
        actual=actual,
        message=(
            f"{namer.label(table, field=fld) or table}: column {table}.{column.name} has no field"
        ),
    )


def alter_discrepancy(
    ctx: CompareContext, namer: Namer, op: str, d: tuple[Any, ...]
) -> Discrepancy:
    _op, _schema, table, column, _existing, conn_value, model_value = d
    app, model = namer.owner(table)
    fld = namer.field(table, column)
    who = namer.label(table, column)
    if op == "modify_type":
        expected = namer.metadata.tables[table].c[column].info["django_type"]
        live_col = sa.Column(column, conn_value)
        actual = ctx.vendor.live_type_text(ctx, table, live_col)
        kind = "type_mismatch"
        message = f"{who}: column {table}.{column} is {actual}, expected {expected}"
    else:
        expected = "NULL" if model_value else "NOT NULL"
        actual = "NULL" if conn_value else "NOT NULL"
        kind = "nullability_mismatch"
        message = f"{who}: column {table}.{column} is {actual}, expected {expected}"
    return Discrepancy(
        kind,
        table,
        column=column,
        columns=(column,),
        app_label=app,
        model=model,
        field=fld,
        expected=expected,
        actual=actual,
        message=message,
    )
