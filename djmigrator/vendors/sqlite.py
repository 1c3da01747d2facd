"""SQLite: declared types are kept verbatim, inline UNIQUE read from PRAGMA."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..comparison.expected import normalise_type_text
from ..comparison.kinds.column_live import LiveColumn, LiveTable
from ..comparison.kinds.indexes import index_detail
from ..comparison.kinds.sig import FOREIGN_KEY, INDEX, UNIQUE, Sig
from ..comparison.kinds.sqltext import sqlite_columns
from ..comparison.reflection import UNREAD_REFLECTION, scoped_cache
from .base import Vendor
from .sqlite_virtual import read_virtual_tables

if TYPE_CHECKING:
    from ..comparison.context import CompareContext
    from ..comparison.virtualtables import VirtualTable

# SQLAlchemy skips expression indexes on SQLite, with a warning (dropped by
# ``libwarnings``); the vendor reads them from PRAGMA index_list
# (``live_unreflected_indexes``).


#: PRAGMAs read once per table and comparison, by SQLAlchemy and by this module.
_SHARED_PRAGMAS = frozenset({"table_xinfo", "table_info", "index_list", "foreign_key_list"})
_CACHE_KEY = "djmigrator_sqlite"
_PRAGMA_CACHE_KEY = "djmigrator_sqlite_pragmas"
_TYPES_CACHE_KEY = "djmigrator_sqlite_types"
_INDEX_SQL_CACHE_KEY = "djmigrator_sqlite_index_sql"


def _pragma(ctx: CompareContext, pragma: str, name: str) -> list[Any]:
    rows: list[Any] = ctx.dialect._get_table_pragma(ctx.sa_conn, pragma, name)  # type: ignore[attr-defined]
    return rows


def _reflection_cache(connection: sa.Connection) -> dict[Any, Any]:
    # NullPool: a new DBAPI record, so a new ``info``, per comparison; nothing
    # read here outlives the comparison that read it.
    cache: dict[Any, Any] = connection.info.setdefault(_CACHE_KEY, {})
    return cache


def share_reflection(dialect: Any) -> None:
    """Make one comparison's SQLite reflection read each thing once.

    SQLAlchemy's SQLite dialect looks up a table's ``CREATE TABLE`` text with
    one scan of ``sqlite_master`` per table and per use (uncached for primary
    and foreign keys), which grows with the square of the table count; it is
    read here for every table in one query.  PRAGMA results are shared between
    SQLAlchemy's reflection and this module's own reads (for as long as the
    reflection scope: ``reflection.scoped_cache``), and read on the DBAPI
    cursor (as SQLAlchemy's method reads them, rows by position) rather than
    through a SQLAlchemy statement execution each: thousands of them at a
    thousand tables.
    """
    table_sql = dialect._get_table_sql

    def _get_table_sql(
        connection: sa.Connection, table_name: str, schema: str | None = None, **kw: Any
    ) -> Any:
        if schema is None:
            cache = _reflection_cache(connection)
            if "sql" not in cache:
                cache["sql"] = dict(
                    connection.exec_driver_sql(
                        "SELECT name, sql FROM main.sqlite_master WHERE type IN ('table', 'view')"
                    ).all()
                )
            if table_name in cache["sql"]:
                return cache["sql"][table_name]
        return table_sql(connection, table_name, schema=schema, **kw)

    def _get_table_pragma(
        connection: sa.Connection, pragma: str, table_name: str, schema: str | None = None
    ) -> Any:
        if pragma not in _SHARED_PRAGMAS:
            return _read_pragma(dialect, connection, pragma, table_name, schema)
        cache = scoped_cache(connection, _PRAGMA_CACHE_KEY)
        key = (pragma, table_name, schema)
        if key not in cache:
            cache[key] = _read_pragma(dialect, connection, pragma, table_name, schema)
        return cache[key]

    dialect._get_table_sql = _get_table_sql
    dialect._get_table_pragma = _get_table_pragma


def _read_pragma(
    dialect: Any, connection: sa.Connection, pragma: str, table_name: str, schema: str | None
) -> list[Any]:
    """``SQLiteDialect._get_table_pragma``, on the DBAPI cursor.

    As there: without a schema, ``main`` first, then ``temp`` (where temporary
    tables live) if ``main`` has nothing.
    """
    quote = dialect.identifier_preparer.quote_identifier
    schemas = [quote(schema)] if schema is not None else ["main", "temp"]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for prefix in schemas:
            cursor.execute(f"PRAGMA {prefix}.{pragma}({quote(table_name)})")
            rows = cursor.fetchall()
            if rows:
                return list(rows)
    finally:
        cursor.close()
    return []


def _index_sql(ctx: CompareContext) -> dict[str, str]:
    """Each index's CREATE INDEX text as SQLite keeps it (as written), read once."""
    cache = scoped_cache(ctx.sa_conn, _INDEX_SQL_CACHE_KEY)
    if "all" not in cache:
        rows = ctx.sa_conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).all()
        cache["all"] = {str(name): str(sql) for name, sql in rows}
    found: dict[str, str] = cache["all"]
    return found


def _index_list(ctx: CompareContext, table: str) -> list[Any]:
    return _pragma(ctx, "index_list", table)


class SQLiteVendor(Vendor):
    name = "sqlite"
    # Unique constraints are read from PRAGMA index_list (``live_uniques``),
    # not parsed out of the CREATE TABLE text.
    unread_reflection = (*UNREAD_REFLECTION, "unique_constraints")
    # CHECKs live in the CREATE TABLE text exactly as Django wrote them (read
    # back by SQLAlchemy's reflection); ALTER TABLE cannot add one.
    stores_conditions_as_written = True
    reads_expression_directions = True
    can_add_check = False

    def prepare_dialect(self, dialect: sa.Dialect) -> None:
        share_reflection(dialect)

    def is_internal_table(self, name: str) -> bool:
        return name.startswith("sqlite_")

    def virtual_tables(self, ctx: CompareContext) -> dict[str, VirtualTable]:
        return read_virtual_tables(ctx.sa_conn)

    # SQLite stores a column's declared type as written, and SQLAlchemy folds
    # unknown names into an affinity (``smallint unsigned`` -> INTEGER), so the
    # declared text is what is compared.
    def expected_type_key(self, ctx: CompareContext, column: sa.Column[Any]) -> str | None:
        return normalise_type_text(column.info["django_type"])

    def live_type_key(self, ctx: CompareContext, table: str, column: sa.Column[Any]) -> str | None:
        cache: dict[str, dict[str, str]] = scoped_cache(ctx.sa_conn, _TYPES_CACHE_KEY)
        if table not in cache:
            cache[table] = {
                row[1]: normalise_type_text(row[2] or "")
                for row in _pragma(ctx, "table_xinfo", table)
            }
        return cache[table].get(column.name)

    autoincrement_sql = "AUTOINCREMENT"

    def live_table(self, ctx: CompareContext, conn_table: sa.Table) -> LiveTable:
        """From the table's CREATE TABLE text: SQLite keeps it as written
        (SQLAlchemy reads neither collations nor AUTOINCREMENT, and misreads a
        generated column followed by another)."""
        sql = ctx.dialect._get_table_sql(ctx.sa_conn, conn_table.name)  # type: ignore[attr-defined]
        columns: dict[str, LiveColumn] = {}
        for name, facts in sqlite_columns(sql or "").items():
            columns[name] = LiveColumn(
                default=facts["default"],  # type: ignore[arg-type]
                autoincrement=bool(facts["autoincrement"]),
                generated=facts["generated"],  # type: ignore[arg-type]
                collation=facts["collation"],  # type: ignore[arg-type]
            )
        return LiveTable(columns)

    def collation_key(self, name: str | None) -> str | None:
        key = name.lower() if name else None
        return None if key == "binary" else key

    def live_uniques(self, ctx: CompareContext, table: sa.Table) -> list[Sig] | None:
        """Inline UNIQUE constraints (PRAGMA origin 'u').

        SQLAlchemy parses them out of the CREATE TABLE text, which misses an
        inline UNIQUE on any column but the first; the index list is exact.
        """
        sigs = []
        for row in _index_list(ctx, table.name):
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
        for row in _index_list(ctx, table.name):
            _seq, name, unique, origin = row[:4]
            if origin == "c" and name not in reflected:
                kind = UNIQUE if unique else INDEX
                text = _index_sql(ctx).get(str(name), "")
                sigs.append(Sig(kind, (), name=name, by_name=True, text=text))
        return sigs

    def refine_live_sigs(self, ctx: CompareContext, table: sa.Table, sigs: list[Sig]) -> list[Sig]:
        """What SQLAlchemy's SQLite reflection leaves out: each index's column
        order (``PRAGMA index_xinfo``), and a foreign key's ON DELETE (``PRAGMA
        foreign_key_list``) and DEFERRABLE (the CREATE TABLE text)."""
        refined = []
        on_delete: dict[tuple[str, ...], str | None] | None = None
        for sig in sigs:
            if sig.kind == INDEX and not sig.by_name and sig.name:
                keys = [r for r in _pragma(ctx, "index_xinfo", sig.name) if r[5]]
                if len(keys) == len(sig.columns):
                    descending = tuple(bool(r[3]) for r in keys)
                    sig = dataclasses.replace(sig, detail=index_detail((), None, descending, ()))
            elif sig.kind == FOREIGN_KEY and len(sig.columns) == 1:
                if on_delete is None:
                    on_delete = {}
                    for row in _pragma(ctx, "foreign_key_list", table.name):
                        action = str(row[6]).upper()
                        on_delete[(str(row[3]),)] = None if action == "NO ACTION" else action
                ref_table, ref_cols = sig.detail[:2]
                deferrable = _deferrable(ctx, table.name, sig.columns[0])
                detail = (ref_table, ref_cols, on_delete.get(sig.columns), deferrable)
                sig = dataclasses.replace(sig, detail=detail)
            refined.append(sig)
        return refined


def _deferrable(ctx: CompareContext, table: str, column: str) -> str | None:
    """DEFERRABLE [INITIALLY DEFERRED] of ``column``'s REFERENCES clause."""
    sql = ctx.dialect._get_table_sql(ctx.sa_conn, table) or ""  # type: ignore[attr-defined]
    quoted = re.escape(column)
    match = re.search(
        rf'(?:^|[(,])\s*(?:"{quoted}"|`{quoted}`|\[{quoted}\]|{quoted})\s[^,]*?\bREFERENCES\b'
        r"[^,]*?\)(?P<rest>[^,]*)",
        sql,
        re.IGNORECASE,
    )
    if match is None:
        return None
    rest = " ".join(match.group("rest").upper().split())
    if "NOT DEFERRABLE" in rest or "DEFERRABLE" not in rest:
        return None
    return "DEFERRABLE INITIALLY DEFERRED" if "INITIALLY DEFERRED" in rest else "DEFERRABLE"
