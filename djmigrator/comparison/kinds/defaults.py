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

from .column_live import LiveTable
from .columns import ColumnDiff

if TYPE_CHECKING:
    from ..context import CompareContext

KIND = "default_mismatch"


#: what PostgreSQL prints for an identity column Django did not make
ALWAYS = "GENERATED ALWAYS AS IDENTITY"


def _text(ctx: CompareContext, default: str | None, auto: bool, always: bool = False) -> str | None:
    parts = []
    if ctx.vendor.canonical_sql(default) is not None:
        parts.append(f"DEFAULT {default}")
    if auto:
        parts.append(ALWAYS if always else ctx.vendor.autoincrement_sql)
    return " ".join(parts) or None


def compare(ctx: CompareContext, table: sa.Table, live: LiveTable) -> Iterator[ColumnDiff]:
    canonical = ctx.vendor.canonical_sql
    for column in table.columns:
        got = live.columns.get(column.name)
        if got is None or column.info.get("generated") or got.generated:
            continue
        default = column.info.get("db_default")
        auto = bool(column.info.get("autoincrement"))
        if (
            canonical(default) == canonical(got.default)
            and auto == got.autoincrement
            and not got.identity_always
        ):
            continue
        expected = _text(ctx, default, auto)
        actual = _text(ctx, got.default, got.autoincrement, got.identity_always)
        yield ColumnDiff(
            KIND,
            column.name,
            expected,
            actual,
            f"column {table.name}.{column.name} has {actual or 'no default'}, "
            f"expected {expected or 'no default'}",
        )
