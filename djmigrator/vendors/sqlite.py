"""SQLite: declared types are kept verbatim, inline UNIQUE read from PRAGMA."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..constraints import INDEX, UNIQUE, Sig
from ..metadata import normalise_type_text
from .base import Vendor

if TYPE_CHECKING:
    from ..context import CompareContext


# SQLAlchemy skips expression indexes on SQLite, with this warning; the
# vendor reads them from PRAGMA index_list (``live_unreflected_indexes``).
warnings.filterwarnings(
    "ignore",
    message="Skipped unsupported reflection of expression-based index",
    category=sa.exc.SAWarning,
)


def _pragma(ctx: CompareContext, pragma: str, name: str) -> list[Any]:
    quoted = '"' + name.replace('"', '""') + '"'
    return list(ctx.sa_conn.exec_driver_sql(f"PRAGMA main.{pragma}({quoted})"))


class SQLiteVendor(Vendor):
    name = "sqlite"

    def is_internal_table(self, name: str) -> bool:
        return name.startswith("sqlite_")

    # SQLite stores a column's declared type as written, and SQLAlchemy folds
    # unknown names into an affinity (``smallint unsigned`` -> INTEGER), so the
    # declared text is what is compared.
    def expected_type_key(self, ctx: CompareContext, column: sa.Column[Any]) -> str | None:
        return normalise_type_text(column.info["django_type"])

    def live_type_key(self, ctx: CompareContext, table: str, column: sa.Column[Any]) -> str | None:
        cache: dict[str, dict[str, str]] = ctx.cache.setdefault("sqlite_types", {})
        if table not in cache:
            cache[table] = {
                row[1]: normalise_type_text(row[2] or "")
                for row in _pragma(ctx, "table_xinfo", table)
            }
        return cache[table].get(column.name)

    def live_uniques(self, ctx: CompareContext, table: sa.Table) -> list[Sig] | None:
        """Inline UNIQUE constraints (PRAGMA origin 'u').

        SQLAlchemy parses them out of the CREATE TABLE text, which misses an
        inline UNIQUE on any column but the first; the index list is exact.
        """
        sigs = []
        for row in _pragma(ctx, "index_list", table.name):
            _seq, name, _unique, origin, _partial = row[:5]
            if origin != "u":
                continue
            columns = tuple(r[2] for r in _pragma(ctx, "index_info", name))
            sigs.append(Sig(UNIQUE, columns, name=name))
        return sigs

    def live_unreflected_indexes(self, ctx: CompareContext, table: sa.Table) -> list[Sig]:
        """Expression indexes (``CREATE INDEX ... ((LOWER("x")))``), which
        SQLAlchemy does not reflect on SQLite; matched by name, like Django's."""
        reflected = {index.name for index in table.indexes}
        sigs = []
        for row in _pragma(ctx, "index_list", table.name):
            _seq, name, unique, origin = row[:4]
            if origin == "c" and name not in reflected:
                sigs.append(Sig(UNIQUE if unique else INDEX, (), name=name, by_name=True))
        return sigs
