"""Primary keys: the models' key (a field's ``primary_key``, or Django 5.2's
``CompositePrimaryKey`` in its own order) against the reflected one, in order.

A key that is missing, covers other columns, or lists them in another order
is one ``primary_key_mismatch``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from ...report import Discrepancy
from ..context import CompareContext
from .base import Namer, ObjectOp, table_comparator


def _text(columns: tuple[str, ...]) -> str | None:
    return f"PRIMARY KEY ({', '.join(columns)})" if columns else None


@table_comparator
def compare(
    ctx: CompareContext, tname: str, metadata_table: sa.Table, conn_table: sa.Table
) -> list[ObjectOp]:
    expected = tuple(str(c.name) for c in metadata_table.primary_key.columns)
    live = tuple(str(c.name) for c in conn_table.primary_key.columns)
    if expected == live:
        return []
    involved = tuple(dict.fromkeys(expected + live))
    return [ObjectOp(tname, involved, _builder(tname, expected, live))]


def _builder(
    table: str, expected: tuple[str, ...], live: tuple[str, ...]
) -> Callable[[Namer], Discrepancy]:
    def build(namer: Namer) -> Discrepancy:
        app, model = namer.owner(table)
        fld = namer.field(table, expected[0]) if len(expected) == 1 else None
        who = namer.label(table, field=fld) or table
        exp, act = _text(expected), _text(live)
        if not live:
            message = f"{who}: primary key of {table} ({', '.join(expected)}) is missing"
        else:
            message = f"{who}: primary key of {table} is {act}, expected {exp}"
        return Discrepancy(
            "primary_key_mismatch",
            table,
            columns=expected or live,
            app_label=app,
            model=model,
            field=fld,
            expected=exp,
            actual=act,
            message=message,
        )

    return build
