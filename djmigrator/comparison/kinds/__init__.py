"""One module per kind of schema object: its models' side, live side and comparison.

Each module exposes an alembic table comparator (``compare``) that appends
``ObjectOp`` operations; ``diff`` registers every comparator listed in
``TABLE_COMPARATORS`` with its alembic plugin, and turns each ``ObjectOp``
into the discrepancy it carries.
"""

from __future__ import annotations

from typing import Any

from . import checks, keys

#: (alembic comparator name, comparator), registered in this order.
TABLE_COMPARATORS: tuple[tuple[str, Any], ...] = (
    ("primary_key", keys.compare),
    ("checks", checks.compare),
)

__all__ = ["TABLE_COMPARATORS"]
