"""PostgreSQL: indexes also differ by access method and operator classes."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db import DatabaseError, transaction

try:  # SQLAlchemy 2.1
    from sqlalchemy.dialects.postgresql.base import _NamedTypeLoader
except ImportError:  # SQLAlchemy 2.0: _reflect_type takes the domains and enums
    _NamedTypeLoader = None  # type: ignore[misc, assignment]

from ..comparison.kinds.indexes import with_directions
from ..comparison.kinds.sig import UNIQUE, Sig
from ..comparison.kinds.uniques import deferrable_text, unique_detail
from ..comparison.reflection import UNREAD_REFLECTION, scoped_cache
from .base import TypeSpec, Vendor
from .linefeeds import hide_line_feeds, unhide_line_feeds

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from ..comparison.context import CompareContext


_DEFERRABLE_CACHE_KEY = "djmigrator_pg_deferrable_uniques"
_DEFERRABLE_UNIQUES = """
    SELECT n.nspname, r.relname, c.conname, c.condeferred
    FROM pg_catalog.pg_constraint c
    JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    WHERE c.contype = 'u' AND c.condeferrable
"""


#: The key directions of every expression index with a DESC key (bit 1 of
#: ``indoption``): SQLAlchemy applies them to plain columns only.
_EXPRESSION_DIRECTIONS = """
    SELECT n.nspname, r.relname, c.relname,
           (SELECT array_agg((o & 1) = 1 ORDER BY k)
            FROM unnest(i.indoption::int2[]) WITH ORDINALITY AS u(o, k)
            WHERE k <= i.indnkeyatts)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    JOIN pg_catalog.pg_class r ON r.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    WHERE i.indexprs IS NOT NULL
      AND EXISTS (SELECT FROM unnest(i.indoption::int2[]) AS o WHERE (o & 1) = 1)
"""


class PostgreSQLVendor(Vendor):
    name = "postgresql"
    reads_expression_directions = True
    # Django adds ``varchar_pattern_ops`` / ``text_pattern_ops`` ``_like``
    # indexes next to plain ones on the same column; only operator classes
    # tell them apart.
    index_method = True
    reflects_in_bulk = True
    # "Price" and price are two names
    fold_quoted_identifiers = False
    #: table comments are compared (``columns.comments``): one query for all tables
    unread_reflection = tuple(k for k in UNREAD_REFLECTION if k != "table_comment")

    #: NAMEDATALEN - 1: longer identifiers are truncated by the server.
    max_identifier_bytes = 63

    def session_state(self, connection: BaseDatabaseWrapper) -> Any:
        """The ``search_path``: which schema reflection reads (a ``SET`` in this
        session, or a tenant switch, is not in the settings a worker connects with)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('search_path')")
            return cursor.fetchone()[0]

    def restore_session_state(self, connection: BaseDatabaseWrapper, state: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('search_path', %s, false)", [state])

    def prepare_dialect(self, dialect: sa.Dialect) -> None:
        """A foreign key on a column named with a line feed: SQLAlchemy's parse
        of ``pg_get_constraintdef`` stops at the line feed (see ``linefeeds``)."""
        parse_fk = dialect._parse_fk  # type: ignore[attr-defined]

        def parse_fk_keeping_line_feeds(condef: str) -> Any:
            hidden = hide_line_feeds(condef, '"')
            if hidden is None:
                return parse_fk(condef)
            return unhide_line_feeds(parse_fk(hidden))

        dialect._parse_fk = parse_fk_keeping_line_feeds  # type: ignore[attr-defined]

    def resolve_types(
        self, ctx: CompareContext, specs: list[TypeSpec]
    ) -> dict[TypeSpec, sa.types.TypeEngine[Any] | None]:
        """Let the server canonicalise Django's column types without creating anything.

        ``SELECT NULL::<type>, ...`` describes each type's OID and modifier
        (what a column of that type stores), and ``format_type()`` prints
        them as reflection reads a column's: both go through the dialect's
        ``_reflect_type``.  Works read-only, on a hot standby, and for a role
        without TEMP.  Needs psycopg 3's result description; with another
        driver, the probe table (``Vendor.resolve_types``).
        """
        texts = sorted({type_text for type_text, _collate in specs})
        described = self._describe(ctx, texts)
        if described is None:
            return super().resolve_types(ctx, specs)
        rejected = [t for t in texts if t not in described]
        for text in rejected:
            ctx.note(f"column type {text!r} was not compared: the server rejected it")
        # Django's types are built in: no domain or enum to look up
        named: tuple[Any, ...] = (
            ({}, {})
            if _NamedTypeLoader is None
            else (_NamedTypeLoader(ctx.dialect, ctx.sa_conn, {}),)  # type: ignore[arg-type]
        )
        types: dict[str, sa.types.TypeEngine[Any]] = {}
        for text, format_type in described.items():
            types[text] = ctx.dialect._reflect_type(  # type: ignore[attr-defined]
                format_type, *named, type_description=f"type {text!r}", collation=None
            )
        return {spec: types.get(spec[0]) for spec in specs}

    def _describe(self, ctx: CompareContext, texts: list[str]) -> dict[str, str] | None:
        """``format_type()`` of each type text the server accepts; None: no psycopg 3."""
        found: dict[str, str] = {}
        pending = [texts] if texts else []
        while pending:
            chunk = pending.pop()
            try:
                with transaction.atomic(using=ctx.alias):
                    with ctx.connection.cursor() as cursor:
                        cursor.execute("SELECT " + ", ".join(f"NULL::{t}" for t in chunk))
                        result = getattr(cursor.cursor, "pgresult", None)
                        if result is None:
                            return None
                        oids = [result.ftype(i) for i in range(len(chunk))]
                        mods = [result.fmod(i) for i in range(len(chunk))]
                        cursor.execute(
                            "SELECT format_type(o, m) FROM unnest(%s::oid[], "
                            "%s::int[]) WITH ORDINALITY AS u(o, m, n) ORDER BY n",
                            [oids, mods],
                        )
                        found.update(zip(chunk, (r[0] for r in cursor.fetchall()), strict=True))
            except DatabaseError:
                if len(chunk) > 1:
                    half = len(chunk) // 2
                    pending.extend([chunk[:half], chunk[half:]])
        return found

    def stored_name(self, name: str) -> str:
        """PostgreSQL silently truncates identifiers to 63 bytes.

        Django shortens only the names it generates, and by the limit of the
        *default* alias; an explicit ``db_table``/``db_column``, or a generated
        name on a non-default PostgreSQL alias, can be longer.
        """
        data = name.encode()
        if len(data) <= self.max_identifier_bytes:
            return name
        # cut on a character boundary, as the server's pg_mbcliplen does
        return data[: self.max_identifier_bytes].decode(errors="ignore")

    def column_note(
        self, ctx: CompareContext, expected: sa.Column[Any], live: sa.Column[Any]
    ) -> str | None:
        """``serial`` primary keys made by Django before 4.1 (identity since)."""
        # alembic's PostgreSQL reflection turns a sequence default into
        # autoincrement=True; an identity column carries ``identity`` instead.
        arg = getattr(live.server_default, "arg", None)
        default = "" if arg is None else str(arg)
        serial = live.autoincrement is True and live.identity is None
        if expected.primary_key and (serial or default.startswith("nextval(")):
            return (
                f"{expected.table.name}.{expected.name}: serial column from before "
                "Django 4.1 (Django now creates identity columns); not drift"
            )
        return None

    def refine_live_sigs(self, ctx: CompareContext, table: sa.Table, sigs: list[Sig]) -> list[Sig]:
        """What SQLAlchemy does not reflect, read from the catalogs once per
        comparison: a unique constraint's deferrability (pg_constraint), and
        the direction of an expression index's keys (pg_index)."""
        if not any(s.name and (s.kind == UNIQUE or s.by_name) for s in sigs):
            return sigs
        cache = scoped_cache(ctx.sa_conn, _DEFERRABLE_CACHE_KEY)
        if "schema" not in cache:
            rows = ctx.sa_conn.exec_driver_sql(_DEFERRABLE_UNIQUES).all()
            cache["schema"] = ctx.sa_conn.exec_driver_sql("SELECT current_schema()").scalar()
            cache["all"] = {(n, r, c): deferrable_text(True, d) for n, r, c, d in rows}
            rows = ctx.sa_conn.exec_driver_sql(_EXPRESSION_DIRECTIONS).all()
            cache["directions"] = {(n, r, c): tuple(d) for n, r, c, d in rows}
        schema = table.schema or cache["schema"]
        found: dict[tuple[str, str, str], str | None] = cache["all"]
        directions: dict[tuple[str, str, str], tuple[bool, ...]] = cache["directions"]
        refined = []
        for sig in sigs:
            key = (schema, table.name, sig.name or "")
            deferrable = found.get(key)
            if sig.kind == UNIQUE and deferrable and not sig.by_name:
                nulls_not_distinct = bool(sig.detail and sig.detail[0])
                sig = dataclasses.replace(sig, detail=unique_detail(nulls_not_distinct, deferrable))
            elif sig.by_name and key in directions:
                sig = dataclasses.replace(sig, text=with_directions(sig.text, directions[key]))
            refined.append(sig)
        return refined

    # -- checks -------------------------------------------------------------
    def inline_check_names(
        self, connection: BaseDatabaseWrapper, table: str, column: str
    ) -> tuple[str, ...]:
        return (self.stored_name(f"{table}_{column}_check"),)

    def canonical_conditions(
        self, ctx: CompareContext, table: str, texts: list[str]
    ) -> list[str | None] | None:
        """The planner's print of each condition, as a column of a query on ``table``.

        ``EXPLAIN (VERBOSE)`` deparses its output columns with the same code
        that prints a stored constraint, after the same parse analysis (casts
        made explicit, names resolved): both sides go through it, so that what
        Django wrote and what ``pg_get_constraintdef`` printed compare equal.
        Nothing is created or run: a read-only user, a role without TEMP and
        a hot standby get the same answer.  One statement for all of a
        table's conditions; one per condition if the server rejects it (a
        condition on a column the table lacks).
        """
        if not texts:
            return []
        whole = self._explain_outputs(ctx, table, texts)
        if whole is not None:
            return list(whole)
        found: list[str | None] = []
        for text in texts:
            one = self._explain_outputs(ctx, table, [text])
            found.append(one[0] if one else None)
        return found

    def _explain_outputs(
        self, ctx: CompareContext, table: str, texts: list[str]
    ) -> list[str] | None:
        quote = ctx.connection.ops.quote_name
        targets = ", ".join(f"({text})" for text in texts)
        sql = f"EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) SELECT {targets} FROM {quote(table)} t"
        try:
            with transaction.atomic(using=ctx.alias), ctx.connection.cursor() as cursor:
                cursor.execute(sql)
                (plan,) = cursor.fetchone()
        except DatabaseError:
            return None
        if isinstance(plan, str):
            plan = json.loads(plan)
        outputs = plan[0]["Plan"].get("Output") or []
        if len(outputs) != len(texts):
            return None
        return [str(o) for o in outputs]
