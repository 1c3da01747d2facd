"""Column-level kinds, run for each table present on both sides: each module
(``defaults``, ``generated``, ``collations``, ``comments``, listed in
``COLUMN_KINDS``) holds one kind's expected side, live side reading and
comparison, and yields ``ColumnDiff``\\ s, which ``compare`` carries through
alembic's diff.

The models' side comes from Django's schema editor (``column_expected``, stored
in each expected column's ``info``), the live side from the vendor module's
``live_table`` (``column_live.LiveTable``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ...report import Discrepancy
from .base import Namer, ObjectOp, table_comparator
from .column_live import LiveTable

if TYPE_CHECKING:
    from ..context import CompareContext


@dataclass(frozen=True, slots=True)
class ColumnDiff:
    """One column's (or, with ``column`` None, the table's) difference."""

    kind: str
    column: str | None
    expected: str | None
    actual: str | None
    #: the message after "<app>.<Model>.<field>: "
    detail: str


Comparison = Callable[["CompareContext", sa.Table, LiveTable], Iterable[ColumnDiff]]


@table_comparator
def compare(
    ctx: CompareContext, tname: str, metadata_table: sa.Table, conn_table: sa.Table
) -> list[ObjectOp]:
    """Every column kind's differences of one table present on both sides."""
    from . import COLUMN_KINDS  # the registry imports this module

    live = ctx.vendor.live_table(ctx, conn_table)
    return [
        ObjectOp(tname, (d.column,) if d.column else (), _builder(tname, d))
        for kind in COLUMN_KINDS
        for d in kind.compare(ctx, metadata_table, live)
    ]


def _builder(table: str, diff: ColumnDiff) -> Callable[[Namer], Discrepancy]:
    def build(namer: Namer) -> Discrepancy:
        app, model = namer.owner(table)
        column = diff.column
        fld = namer.field(table, column) if column else None
        who = namer.label(table, column) if column else namer.label(table)
        return Discrepancy(
            diff.kind,
            table,
            column=column,
            columns=(column,) if column else (),
            app_label=app,
            model=model,
            field=fld,
            expected=diff.expected,
            actual=diff.actual,
            message=f"{who or table}: {diff.detail}",
        )

    return build
