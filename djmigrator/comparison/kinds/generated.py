"""``generated_mismatch``: a ``GeneratedField``'s expression or storage
(stored / virtual), or a column generated on one side only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .column_live import LiveTable
from .columns import ColumnDiff

if TYPE_CHECKING:
    from ..context import CompareContext

KIND = "generated_mismatch"


def _text(generated: tuple[str, bool] | None) -> str | None:
    if generated is None:
        return None
    expression, stored = generated
    expression = expression.strip()
    if not (expression.startswith("(") and expression.endswith(")")):
        expression = f"({expression})"
    return f"GENERATED ALWAYS AS {expression} {'STORED' if stored else 'VIRTUAL'}"


def compare(ctx: CompareContext, table: sa.Table, live: LiveTable) -> Iterator[ColumnDiff]:
    canonical = ctx.vendor.canonical_sql
    for column in table.columns:
        got = live.columns.get(column.name)
        if got is None:
            continue
        expected: tuple[str, bool] | None = column.info.get("generated")
        actual = got.generated
        if expected is None and actual is None:
            continue
        if (
            expected is not None
            and actual is not None
            and expected[1] == actual[1]
            and canonical(expected[0]) == canonical(actual[0])
        ):
            continue
        want, have = _text(expected), _text(actual)
        yield ColumnDiff(
            KIND,
            column.name,
            want,
            have,
            f"column {table.name}.{column.name} is {have or 'not generated'}, "
            f"expected {want or 'a plain column'}",
        )
