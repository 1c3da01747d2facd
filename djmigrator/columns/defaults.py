"""``default_mismatch``: a column's database default (``db_default``) and its
auto-increment (PostgreSQL identity, ``AUTO_INCREMENT``, SQLite ``AUTOINCREMENT``).

Django's ``default=`` is Python-side: ``migrate`` leaves no database default
for it (``AddField`` sets one and drops it again), so only ``db_default`` is
expected.  A ``NULL`` default is no default.  Generated columns have none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import ColumnDiff
from .live import LiveTable

if TYPE_CHECKING:
    from ..context import CompareContext

KIND = "default_mismatch"


def _text(ctx: CompareContext, default: str | None, auto: bool) -> str | None:
    parts = []
    if ctx.vendor.canonical_sql(default) is not None:
        parts.append(f"DEFAULT {default}")
    if auto:
        parts.append(ctx.vendor.autoincrement_sql)
    return " ".join(parts) or None


def compare(ctx: CompareContext, table: sa.Table, live: LiveTable) -> Iterator[ColumnDiff]:
    canonical = ctx.vendor.canonical_sql
    for column in table.columns:
        got = live.columns.get(column.name)
        if got is None or column.info.get("generated") or got.generated:
            continue
        default = column.info.get("db_default")
        auto = bool(column.info.get("autoincrement"))
        if canonical(default) == canonical(got.default) and auto == got.autoincrement:
            continue
        expected = _text(ctx, default, auto)
        actual = _text(ctx, got.default, got.autoincrement)
        yield ColumnDiff(
            KIND,
            column.name,
            expected,
            actual,
            f"column {table.name}.{column.name} has {actual or 'no default'}, "
            f"expected {expected or 'no default'}",
        )
