"""Virtual tables (SQLite FTS5, R*Tree, ...): compared as far as they allow.

Only a migration's SQL can create one (wagtail's search index, for example),
and a model may map onto it.  Its columns carry no type, NULL-ness or key, and
its module keeps its data in shadow tables of its own; so of a virtual table
only the names of its columns are compared, its shadow tables are never extra,
and one note names the virtual table.  The vendor says which tables are
virtual (``Vendor.virtual_tables``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..report import Discrepancy

if TYPE_CHECKING:
    from .context import CompareContext

#: what a virtual table compares: whether each column is there, by name
_COMPARED = frozenset({"missing_column", "extra_column", "extra_table"})


@dataclass(frozen=True)
class VirtualTable:
    name: str
    #: the module that implements it (``fts5``, ``rtree``, ...)
    module: str
    #: tables the module keeps its data in
    shadows: frozenset[str]
    #: columns the module has without declaring them (``rowid``)
    hidden: frozenset[str]

    def note(self) -> str:
        shadows = f", with shadow tables {', '.join(sorted(self.shadows))}" if self.shadows else ""
        return (
            f"{self.name}: SQLite virtual table ({self.module}{shadows}); only the names "
            "of its columns are compared"
        )


def settle(ctx: CompareContext, found: list[Discrepancy]) -> list[Discrepancy]:
    """``found`` without what a virtual table cannot differ in."""
    virtual: dict[str, VirtualTable] = ctx.cache.get("virtual_tables") or {}
    if "virtual_tables" not in ctx.cache:
        virtual = ctx.cache["virtual_tables"] = ctx.vendor.virtual_tables(ctx)
    if not virtual:
        return found
    owner_of = {shadow: table for table in virtual.values() for shadow in table.shadows}
    kept = []
    for d in found:
        table = virtual.get(d.table) or owner_of.get(d.table)
        if table is None:
            kept.append(d)
        elif (
            d.table == table.name
            and d.kind in _COMPARED
            and not (d.kind == "missing_column" and d.column in table.hidden)
        ):
            # ALTER TABLE cannot add a column to a virtual table: its module's
            # SQL makes it anew, which is the migration's to do
            kept.append(dataclasses.replace(d, restorable=False))
        else:
            ctx.note(table.note())
    return kept
