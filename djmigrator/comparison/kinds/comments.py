"""``comment_mismatch``: the table's ``db_table_comment`` or a column's
``db_comment`` (PostgreSQL, MySQL/MariaDB; SQLite has no comments)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .column_live import LiveTable
from .columns import ColumnDiff

if TYPE_CHECKING:
    from ..context import CompareContext

KIND = "comment_mismatch"


def _text(comment: str | None) -> str | None:
    if not comment:
        return None
    return "COMMENT '" + comment.replace("'", "''") + "'"


def _said(comment: str | None) -> str:
    return _text(comment) or "no comment"


def compare(ctx: CompareContext, table: sa.Table, live: LiveTable) -> Iterator[ColumnDiff]:
    if not ctx.connection.features.supports_comments:
        return
    expected = table.info.get("comment") or None
    if expected != (live.comment or None):
        yield ColumnDiff(
            KIND,
            None,
            _text(expected),
            _text(live.comment),
            f"table {table.name} has {_said(live.comment)}, expected {_said(expected)}",
        )
    for column in table.columns:
        got = live.columns.get(column.name)
        if got is None or (column.comment or None) == (got.comment or None):
            continue
        yield ColumnDiff(
            KIND,
            column.name,
            _text(column.comment),
            _text(got.comment),
            f"column {table.name}.{column.name} has {_said(got.comment)}, "
            f"expected {_said(column.comment)}",
        )
