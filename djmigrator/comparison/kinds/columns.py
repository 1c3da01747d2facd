"""Column-level kinds: each module holds one kind's expected side, live side
reading and comparison (``defaults``, ``comments``, ``generated``,
``collations``); ``compare_columns`` runs them all for one table, as a
comparator of the ``djmigrator.compare`` alembic plugin (``diff``).

The models' side comes from Django's schema editor (``expected``, stored in
each expected column's ``info``), the live side from the vendor module's
``live_table`` (``live.LiveTable``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic.operations import ops

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


class ColumnDiffOp(ops.MigrateOperation):
    """A column kind's difference, carried through alembic's diff."""

    def __init__(self, table: str, diff: ColumnDiff) -> None:
        self.table = table
        self.diff = diff

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("djmigrator_column", self.table, self.diff)

    def reverse(self) -> ColumnDiffOp:
        return self


def comparisons() -> tuple[Comparison, ...]:
    """Every column kind's comparison, in the order they report."""
    from . import collations, comments, defaults, generated

    return (
        defaults.compare,
        generated.compare,
        collations.compare,
        comments.compare,
    )


def compare_columns(
    ctx: CompareContext, metadata_table: sa.Table, conn_table: sa.Table
) -> list[ColumnDiffOp]:
    """Every column kind's differences of one table present on both sides."""
    live = ctx.vendor.live_table(ctx, conn_table)
    name = metadata_table.name
    return [
        ColumnDiffOp(name, d)
        for compare in comparisons()
        for d in compare(ctx, metadata_table, live)
    ]
