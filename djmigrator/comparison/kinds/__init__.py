"""Every kind of schema object, one module each: its models' side, live side
and comparison.  Adding a kind means adding its module and one line here.

Table-level kinds are alembic comparators of the ``djmigrator.compare`` plugin
(``diff``); each appends ``base.ObjectOp``\\ s that ``diff.to_discrepancies``
turns into discrepancies once tables are known in Django terms.

- ``tables``: missing and extra tables and columns (alembic's own comparison),
  a column's type and nullability;
- ``matching``: indexes (``indexes``), unique constraints (``uniques``) and
  foreign keys (``foreign_keys``), matched by signature (``sig``);
- ``keys``: primary keys;
- ``checks``: CHECK constraints;
- ``columns``: the column-level kinds below, run per table.

Column-level kinds (``COLUMN_KINDS``) yield ``columns.ColumnDiff``\\ s:
``defaults`` (``db_default``, identity and auto-increment), ``generated``
(``GeneratedField``), ``collations``, ``comments`` (``db_comment`` and
``db_table_comment``).
"""

from __future__ import annotations

from typing import Any

from . import checks, collations, columns, comments, defaults, generated, keys, matching, tables

#: (alembic comparator name, comparator) of a column, registered in this order.
COLUMN_COMPARATORS: tuple[tuple[str, Any], ...] = (
    ("types", tables.compare_type),
    ("nullable", tables.compare_nullable),
)

#: (alembic comparator name, comparator) of a table, registered in this order.
TABLE_COMPARATORS: tuple[tuple[str, Any], ...] = (
    ("indexes", matching.compare),
    ("primary_key", keys.compare),
    ("checks", checks.compare),
    ("column_kinds", columns.compare),
)

#: the column-level kinds ``columns.compare`` runs, in the order they report.
COLUMN_KINDS: tuple[Any, ...] = (defaults, generated, collations, comments)

__all__ = ["COLUMN_COMPARATORS", "COLUMN_KINDS", "TABLE_COMPARATORS"]
