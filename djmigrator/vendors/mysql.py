"""MySQL and MariaDB: InnoDB's implicit FK indexes, pre-5.0 UUID columns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from ..constraints import FOREIGN_KEY, INDEX, UNIQUE, Sig
from ..objects.base import Check
from ..reflection import UNREAD_REFLECTION, scoped_cache
from .base import TypeSpec, Vendor
from .linefeeds import hide_line_feeds, unhide_line_feeds

if TYPE_CHECKING:
    from ..context import CompareContext

_MARKER = re.compile(r" AS `djm(\d+)`(?:,| from )")
_AUTO_INCREMENT = re.compile(r"\s+AUTO_INCREMENT\b", re.IGNORECASE)


_CHECKS_CACHE_KEY = "djmigrator_mysql_checks"


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

    def probe_type_sql(self, spec: TypeSpec) -> str:
        # An AUTO_INCREMENT column must be a key; the probe only needs the type.
        return _AUTO_INCREMENT.sub("", super().probe_type_sql(spec))

    def drop_probe_sql(self, quote: Any, name: str) -> str:
        return f"DROP TEMPORARY TABLE {quote(name)}"

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
                added.append(Sig(INDEX, sig.columns, (), field=sig.field))
                covering.append(sig.columns)
        return sigs + added

    def fold_extra_sigs(self, ctx: CompareContext, extra: list[Sig]) -> list[Sig]:
        """An extra FK's own index is part of that FK, not an extra index.

        InnoDB creates an index on exactly a foreign key's columns when no index
        starts with them; for an FK the models lack, that index came with it.
        """
        fk_columns = [s.columns for s in extra if s.kind == FOREIGN_KEY]
        kept = []
        for sig in extra:
            if sig.kind == INDEX and not sig.by_name and sig.columns in fk_columns:
                fk_columns.remove(sig.columns)
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
