"""``collation_mismatch``: a column's collation (``db_collation``, or one set
by hand, e.g. SQLite's ``COLLATE NOCASE``).

The type comparison leaves collations out (``Vendor.type_key``), so that a
changed collation is this one discrepancy, not a type that reads the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .column_live import LiveTable
from .columns import ColumnDiff

if TYPE_CHECKING:
    from ..context import CompareContext

KIND = "collation_mismatch"


def compare(ctx: CompareContext, table: sa.Table, live: LiveTable) -> Iterator[ColumnDiff]:
    vendor = ctx.vendor
    for column in table.columns:
        got = live.columns.get(column.name)
        if got is None:
            continue
        expected = vendor.expected_collation(column, live)
        if vendor.collation_key(expected) == vendor.collation_key(got.collation):
            continue
        want = f"COLLATE {expected}" if expected else "the default collation"
        have = f"COLLATE {got.collation}" if got.collation else "the default collation"
        type_text = column.info.get("django_type", "")
        yield ColumnDiff(
            KIND,
            column.name,
            f"{type_text} {want}" if expected else type_text,
            f"{type_text} {have}" if got.collation else type_text,
            f"column {table.name}.{column.name} has {have}, expected {want}",
        )
