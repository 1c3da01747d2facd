"""MySQL and MariaDB: InnoDB's implicit FK indexes, pre-5.0 UUID columns."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from ..comparison.kinds.base import Check
from ..comparison.kinds.column_live import LiveColumn, LiveTable
from ..comparison.kinds.indexes import index_detail
from ..comparison.kinds.sig import FOREIGN_KEY, INDEX, UNIQUE, Sig
from ..comparison.reflection import UNREAD_REFLECTION, scoped_cache
from . import mysql_types
from .base import TypeSpec, Vendor
from .linefeeds import hide_line_feeds, unhide_line_feeds

if TYPE_CHECKING:
    from ..comparison.context import CompareContext

_MARKER = re.compile(r" AS `djm(\d+)`(?:,| from )")
_AUTO_INCREMENT = re.compile(r"\s+AUTO_INCREMENT\b", re.IGNORECASE)
_NUMERIC = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")

#: Every column's default, extra, generation expression, collation and
#: comment, then every table's comment and collation: two queries a comparison.
#: (Joined in one, MariaDB scans every database's tables: 2 s at 1,000 tables,
#: against 0.03 s for the two.)
_COLUMNS_SQL = (
    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, "
    "COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = DATABASE()"
)
_TABLES_SQL = (
    "SELECT TABLE_NAME, TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES "
    "WHERE TABLE_SCHEMA = DATABASE()"
)
_COLUMNS_KEY = "mysql_live_tables"


def _column_default(value: str | None, extra: str, mariadb: bool) -> str | None:
    """``COLUMN_DEFAULT`` as SQL text.

    MariaDB prints SQL (quoted literals, ``NULL``, expressions); MySQL prints a
    literal's bare value and flags an expression with ``DEFAULT_GENERATED``.
    """
    if value is None or mariadb or "default_generated" in extra:
        return value
    if _NUMERIC.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


_CHECKS_CACHE_KEY = "djmigrator_mysql_checks"
_STATISTICS_CACHE_KEY = "djmigrator_mysql_statistics"


def _fk_cover_note(ctx: CompareContext, table: str, sig: Sig) -> str | None:
    """Name the index Django's schema editor adds to keep a foreign key covered.

    When a migration removes a unique (or ``unique_together``) that began with
    a foreign key's column, Django's MySQL schema editor first adds a plain
    index on that column (``_create_missing_fk_index``), named as
    ``_create_index_name(table, [column])`` names it; a database built from
    the models has none where another index already covers the key.
    Recognised by that name only.
    """
    if sig.kind != INDEX or sig.by_name or len(sig.columns) != 1:
        return None
    if sig.detail and sig.detail != index_detail((), None, (False,), (None,)):
        return None  # DESC or a prefix length: not Django's
    names: dict[tuple[str, str], str] = ctx.cache.setdefault("mysql_fk_cover_names", {})
    key = (table, sig.columns[0])
    if key not in names:
        editor: Any = ctx.connection.SchemaEditorClass(ctx.connection)
        names[key] = str(editor._create_index_name(table, list(sig.columns), suffix=""))
    if sig.name != names[key]:
        return None
    column = sig.columns[0]
    return (
        f"{table}.{sig.name}: index on ({column}) that Django's schema editor adds to keep "
        f"the foreign key {column} covered when a unique that began with it is removed; "
        "a database built from the models has none; not drift"
    )


def _is_mariadb(connection: Any) -> bool:
    return bool(getattr(connection, "mysql_is_mariadb", False))


class MySQLVendor(Vendor):
    name = "mysql"
    # SQLAlchemy reads only table-level CHECKs out of SHOW CREATE TABLE (not
    # MariaDB's column-level ones): ``live_checks`` reads information_schema.
    unread_reflection = (*UNREAD_REFLECTION, "check_constraints")

    @contextmanager
    def building(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """Read every table's storage engine in one query.

        Django's MySQL schema editor asks for a table's engine once per
        indexed field (``_field_should_be_indexed``: InnoDB indexes foreign
        keys by itself), one query each; the answers are the same for the
        whole comparison.
        """
        introspection: Any = connection.introspection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, engine FROM information_schema.tables "
                "WHERE table_schema = DATABASE()"
            )
            engines = {name: engine for name, engine in cursor.fetchall()}
        asked = introspection.get_storage_engine

        def get_storage_engine(cursor: Any, table_name: str) -> Any:
            if table_name in engines:
                return engines[table_name]
            return asked(cursor, table_name)  # not there: Django's default

        introspection.get_storage_engine = get_storage_engine
        try:
            yield
        finally:
            del introspection.get_storage_engine

    def prepare_dialect(self, dialect: sa.Dialect) -> None:
        """Names with line feeds survive SQLAlchemy's ``SHOW CREATE TABLE`` parser.

        The parser reads the statement line by line, so a column (or table)
        named ``"line1\\nline2"`` was split in two and dropped: reported
        missing, and a sync added it again.  Line feeds inside backquoted
        identifiers are hidden from the parser and put back in what it read.
        """
        parser: Any = dialect._tabledef_parser  # type: ignore[attr-defined]
        parse = parser.parse

        def parse_keeping_line_feeds(show_create: str, charset: str | None) -> Any:
            hidden = hide_line_feeds(show_create, "`")
            if hidden is None:
                return parse(show_create, charset)
            state = parse(hidden, charset)
            for name in ("columns", "keys", "fk_constraints", "ck_constraints"):
                setattr(state, name, unhide_line_feeds(getattr(state, name)))
            state.table_name = unhide_line_feeds(state.table_name)
            return state

        parser.parse = parse_keeping_line_feeds

    autoincrement_sql = "AUTO_INCREMENT"
    backslash_strings = True

    def live_table(self, ctx: CompareContext, conn_table: sa.Table) -> LiveTable:
        """From ``information_schema`` (SQLAlchemy does not parse every
        ``DEFAULT`` expression of ``SHOW CREATE TABLE``, nor a ``longtext``'s
        collation), read once for every table of the database."""
        tables: dict[str, LiveTable] | None = ctx.cache.get(_COLUMNS_KEY)
        if tables is None:
            tables = self._read_live_tables(ctx)
            ctx.cache[_COLUMNS_KEY] = tables
        return tables.get(conn_table.name) or LiveTable({})

    def _read_live_tables(self, ctx: CompareContext) -> dict[str, LiveTable]:
        mariadb = bool(getattr(ctx.connection, "mysql_is_mariadb", False))
        columns: dict[str, dict[str, LiveColumn]] = {}
        table_facts: dict[str, tuple[str | None, str | None]] = {
            table: (comment or None, collation)
            for table, comment, collation in ctx.sa_conn.exec_driver_sql(_TABLES_SQL)
        }
        for row in ctx.sa_conn.exec_driver_sql(_COLUMNS_SQL):
            table, name, default, extra, expression, collation, comment = row
            extra = (extra or "").lower()
            generated = None
            if "generated" in extra and expression:
                generated = (str(expression), "stored" in extra or "persistent" in extra)
                default = None
            columns.setdefault(table, {})[name] = LiveColumn(
                default=_column_default(default, extra, mariadb),
                autoincrement="auto_increment" in extra,
                generated=generated,
                collation=collation,
                comment=comment or None,
            )
        return {
            table: LiveTable(
                cols,
                comment=table_facts.get(table, (None, None))[0],
                collation=table_facts.get(table, (None, None))[1],
            )
            for table, cols in columns.items()
        }

    def expected_collation(self, column: sa.Column[Any], live: LiveTable) -> str | None:
        """Without ``db_collation`` a text column takes the table's collation
        (a JSON column on MariaDB is ``longtext`` with ``utf8mb4_bin``)."""
        collation: str | None = column.info.get("collation")
        if collation:
            return collation
        got = live.columns.get(column.name)
        if got is None or got.collation is None:
            return None
        if column.info.get("django_type", "").lower() == "json":
            return got.collation
        return live.collation

    def collation_key(self, name: str | None) -> str | None:
        return name.lower() if name else None

    def probe_type_sql(self, spec: TypeSpec) -> str:
        # An AUTO_INCREMENT column must be a key; the probe only needs the type.
        return _AUTO_INCREMENT.sub("", super().probe_type_sql(spec))

    def drop_probe_sql(self, quote: Any, name: str) -> str:
        return f"DROP TEMPORARY TABLE {quote(name)}"

    def resolve_types_without_probe(
        self, ctx: CompareContext, specs: list[TypeSpec]
    ) -> dict[TypeSpec, sa.types.TypeEngine[Any] | None]:
        """A user without ``CREATE TEMPORARY TABLES``: Django's types as the
        server prints them (``mysql_types``)."""
        connection: Any = ctx.connection
        found: dict[TypeSpec, sa.types.TypeEngine[Any] | None] = {}
        for spec in specs:
            text = mysql_types.server_text(
                spec[0], mariadb=connection.mysql_is_mariadb, version=connection.mysql_version
            )
            found[spec] = None if text is None else mysql_types.parse(ctx.dialect, text)
            if found[spec] is None:
                ctx.note(
                    f"column type {spec[0]!r} was not compared: the user may not create "
                    "the temporary table that would show how the server stores it"
                )
        return found

    def adjust_expected_sigs(
        self, ctx: CompareContext, sigs: list[Sig], table: sa.Table | None = None
    ) -> list[Sig]:
        """InnoDB indexes every FK column that no other index starts with.

        Django relies on that and creates no index of its own for a ForeignKey
        on InnoDB (``DatabaseSchemaEditor._field_should_be_indexed``).  The
        primary key is an index too: a OneToOneField primary key (multi-table
        inheritance's parent link) or the first columns of a composite key get
        no second index.
        """
        covering = [s.columns for s in sigs if s.kind in (INDEX, UNIQUE) and not s.by_name]
        if table is not None and len(table.primary_key.columns):
            covering.append(tuple(c.name for c in table.primary_key.columns))
        added = []
        for sig in sigs:
            if sig.kind != FOREIGN_KEY:
                continue
            n = len(sig.columns)
            if not any(cols[:n] == sig.columns for cols in covering):
                plain = index_detail((), None, (), ())
                added.append(Sig(INDEX, sig.columns, plain, field=sig.field))
                covering.append(sig.columns)
        return sigs + added

    def refine_live_sigs(self, ctx: CompareContext, table: sa.Table, sigs: list[Sig]) -> list[Sig]:
        """Each index's column order (ASC/DESC) and prefix lengths, which
        SQLAlchemy does not reflect: information_schema.STATISTICS, read once
        per comparison."""
        cache = scoped_cache(ctx.sa_conn, _STATISTICS_CACHE_KEY)
        if "all" not in cache:
            rows = ctx.sa_conn.exec_driver_sql(
                "SELECT TABLE_NAME, INDEX_NAME, COLLATION, SUB_PART "
                "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
            ).all()
            found: dict[tuple[str, str], list[tuple[bool, int | None]]] = {}
            for table_name, index, collation, sub_part in rows:
                key = (str(table_name), str(index))
                part = int(sub_part) if sub_part is not None else None
                found.setdefault(key, []).append((collation == "D", part))
            cache["all"] = found
        refined = []
        for sig in sigs:
            columns = cache["all"].get((table.name, sig.name or ""))
            if (
                sig.kind == INDEX
                and not sig.by_name
                and columns
                and len(columns) == len(sig.columns)
            ):
                opclasses, method = sig.detail[:2] if sig.detail else ((), None)
                descending = tuple(d for d, _ in columns)
                prefixes = tuple(p for _, p in columns)
                sig = dataclasses.replace(
                    sig, detail=index_detail(opclasses, method, descending, prefixes)
                )
            refined.append(sig)
        return refined

    def fold_extra_sigs(
        self, ctx: CompareContext, table: str, expected: list[Sig], extra: list[Sig]
    ) -> list[Sig]:
        """An extra FK's own index is part of that FK, not an extra index.

        InnoDB creates an index on exactly a foreign key's columns when no index
        starts with them; for an FK the models lack, that index came with it.
        Django's covering index for a foreign key is a leftover (``_fk_cover_note``).
        """
        fk_columns = [s.columns for s in extra if s.kind == FOREIGN_KEY]
        model_fks = {s.columns for s in expected if s.kind == FOREIGN_KEY}
        kept = []
        for sig in extra:
            if sig.kind == INDEX and not sig.by_name and sig.columns in fk_columns:
                fk_columns.remove(sig.columns)
                continue
            note = _fk_cover_note(ctx, table, sig) if sig.columns in model_fks else None
            if note:
                ctx.note(note)
                continue
            kept.append(sig)
        return kept

    def leftover(
        self,
        ctx: CompareContext,
        table: sa.Table,
        expected: sa.Column[Any],
        live: sa.Column[Any],
    ) -> str | None:
        if (
            expected.info.get("django_type", "").lower() == "uuid"
            and isinstance(live.type, sa.CHAR)
            and getattr(live.type, "length", None) == 32
        ):
            return (
                f"{table.name}.{expected.name}: char(32) UUID column from before "
                "Django 5.0 on MariaDB (Django now creates uuid); not drift"
            )
        return super().leftover(ctx, table, expected, live)

    # -- checks -------------------------------------------------------------
    def inline_check_names(
        self, connection: BaseDatabaseWrapper, table: str, column: str
    ) -> tuple[str, ...]:
        # MariaDB names a column's inline CHECK after the column; MySQL
        # numbers them (``<table>_chk_<n>``).
        return (column,) if _is_mariadb(connection) else ()

    def engine_checks(self, ctx: CompareContext, table: sa.Table) -> list[Check]:
        """MariaDB 10.4.3+ adds ``CHECK (json_valid(col))`` to a ``json`` column
        by itself (Django relies on it and writes none: ``data_type_check_constraints``)."""
        connection: Any = ctx.connection
        if not _is_mariadb(connection) or connection.mysql_version < (10, 4, 3):
            return []
        quote = connection.ops.quote_name
        found = []
        for column in table.columns:
            if str(column.info.get("django_type", "")).lower() != "json":
                continue
            name = str(column.name)
            sql = (
                f"ALTER TABLE {quote(table.name)} ADD CONSTRAINT {quote(name)} "
                f"CHECK (json_valid({quote(name)}))"
            )
            found.append(
                Check(
                    f"json_valid({quote(name)})",
                    names=(name,),
                    field=column.info.get("field"),
                    column=name,
                    sql=sql,
                )
            )
        return found

    def live_checks(self, ctx: CompareContext, table: sa.Table) -> list[Check]:
        """Every CHECK of the schema, read once per comparison (MariaDB names
        checks per table; MySQL per schema, so the table comes from
        TABLE_CONSTRAINTS)."""
        cache = scoped_cache(ctx.sa_conn, _CHECKS_CACHE_KEY)
        if "all" not in cache:
            if _is_mariadb(ctx.connection):
                sql = (
                    "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
                    "FROM information_schema.CHECK_CONSTRAINTS "
                    "WHERE CONSTRAINT_SCHEMA = DATABASE()"
                )
            else:
                sql = (
                    "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE "
                    "FROM information_schema.TABLE_CONSTRAINTS tc "
                    "JOIN information_schema.CHECK_CONSTRAINTS cc "
                    "ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                    "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
                    "WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA = DATABASE()"
                )
            by_table: dict[str, list[Check]] = {}
            for table_name, name, clause in ctx.sa_conn.exec_driver_sql(sql).all():
                by_table.setdefault(str(table_name), []).append(Check(str(clause), name=str(name)))
            cache["all"] = by_table
        return list(cache["all"].get(table.name, []))

    def canonical_conditions(
        self, ctx: CompareContext, table: str, texts: list[str]
    ) -> list[str | None] | None:
        """The optimizer's print of each condition, as a column of a query on ``table``.

        ``EXPLAIN`` leaves the statement as the server rewrote it in a note
        (``SHOW WARNINGS``, code 1003), printed by the same code that prints
        a stored CHECK clause: both sides go through it.  Nothing is created
        or run, so a read-only user gets the same answer.
        """
        if not texts:
            return []
        whole = self._explain_note(ctx, table, texts)
        if whole is not None:
            return list(whole)
        found: list[str | None] = []
        for text in texts:
            one = self._explain_note(ctx, table, [text])
            found.append(one[0] if one else None)
        return found

    def _explain_note(self, ctx: CompareContext, table: str, texts: list[str]) -> list[str] | None:
        connection: Any = ctx.connection
        quote = connection.ops.quote_name
        targets = ", ".join(f"({text}) AS `djm{i}`" for i, text in enumerate(texts))
        explain = "EXPLAIN EXTENDED" if _is_mariadb(connection) else "EXPLAIN"
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"{explain} SELECT {targets} FROM {quote(table)}")
                cursor.fetchall()
                cursor.execute("SHOW WARNINGS")
                notes = [row[2] for row in cursor.fetchall() if int(row[1]) == 1003]
        except DatabaseError:
            return None
        if len(notes) != 1:
            return None
        note = str(notes[0])
        start = note.lower().find("select ")
        if start < 0:
            return None
        body = note[start + len("select ") :]
        # names come qualified: `schema`.`table`.`column`
        body = re.sub(r"`(?:[^`]|``)*`\.`(?:[^`]|``)*`\.(?=`)", "", body)
        found: list[str] = []
        position = 0
        for match in _MARKER.finditer(body):
            if int(match.group(1)) != len(found):
                return None
            found.append(body[position : match.start()].strip())
            position = match.end()
        return found if len(found) == len(texts) else None
