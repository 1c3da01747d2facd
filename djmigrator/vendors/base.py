"""What every vendor shares: type resolution by probe, type keys, live uniques."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from sqlalchemy.engine.reflection import Inspector

from ..comparison.kinds.base import Check
from ..comparison.kinds.column_live import LiveTable, from_reflection
from ..comparison.kinds.sig import Sig
from ..comparison.kinds.sqltext import canonical
from ..comparison.kinds.uniques import unique_sig
from ..comparison.reflection import UNREAD_REFLECTION, lean_inspector

if TYPE_CHECKING:
    from ..comparison.context import CompareContext
    from ..comparison.virtualtables import VirtualTable

#: How many columns one probe table holds before it is split.
PROBE_CHUNK = 48

TypeSpec = tuple[str, str]  # (Django type text, COLLATE clause or "")


class Vendor:
    """The default behaviour; subclasses override what their vendor does differently."""

    name = "base"
    #: compare the index access method (btree, gin, ...) and operator classes
    index_method = False
    #: reflection keys alembic need not fetch (see ``UNREAD_REFLECTION``)
    unread_reflection: tuple[str, ...] = UNREAD_REFLECTION
    #: SQLAlchemy reads any number of tables with one query per kind of thing
    #: (``get_multi_*``): reflect a comparison's tables at once, not a batch
    #: at a time (``reflection``)
    reflects_in_bulk = False
    #: a quoted identifier equals the same name unquoted in any case
    #: (identifiers are case-insensitive); else only a lower-case one does
    fold_quoted_identifiers = True
    #: ``ALTER TABLE ... ADD CONSTRAINT ... CHECK`` exists (a missing check is restorable)
    can_add_check = True
    #: the server keeps a CHECK's condition as written: the text is its stored form
    stores_conditions_as_written = False
    #: an expression index's key directions are read (``kinds.indexes``)
    reads_expression_directions = False

    @contextmanager
    def building(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """Around the building of the models' tables for one comparison."""
        yield

    def session_state(self, connection: BaseDatabaseWrapper) -> Any:
        """What of this session a comparison worker's own connection repeats (``parallel``)."""
        return None

    def restore_session_state(self, connection: BaseDatabaseWrapper, state: Any) -> None:
        """Repeat ``session_state`` on a worker's new connection."""

    def prepare_dialect(self, dialect: sa.Dialect) -> None:
        """Adjust the comparison engine's dialect (once per engine)."""

    def inspector_class(self, base: type[Inspector]) -> type[Inspector]:
        """The Inspector class the comparison's engine uses."""
        return lean_inspector(base, self.unread_reflection)

    # -- tables -------------------------------------------------------------
    def is_internal_table(self, name: str) -> bool:
        """Tables the database engine itself owns."""
        return False

    def virtual_tables(self, ctx: CompareContext) -> dict[str, VirtualTable]:
        """The live virtual tables (SQLite), by name (``virtualtables``)."""
        return {}

    def stored_name(self, name: str) -> str:
        """The identifier the server stores when Django writes ``name``."""
        return name

    # -- types --------------------------------------------------------------
    def probe_type_sql(self, spec: TypeSpec) -> str:
        type_text, collate = spec
        return f"{type_text} {collate}".strip()

    def create_probe_sql(self, quote: Any, name: str, coldefs: str) -> str:
        return f"CREATE TEMPORARY TABLE {quote(name)} ({coldefs})"

    def drop_probe_sql(self, quote: Any, name: str) -> str:
        return f"DROP TABLE {quote(name)}"

    def resolve_types(
        self, ctx: CompareContext, specs: list[TypeSpec]
    ) -> dict[TypeSpec, sa.types.TypeEngine[Any] | None]:
        """Let the server canonicalise Django's column types.

        Django's type texts are created as columns of a temporary table, which
        is reflected with the same Inspector as the live tables, so both sides
        of the type comparison come from one reflection path.  Where temporary
        tables are refused (a read-only replica), types stay unresolved and are
        not compared; a note says so.
        """
        result: dict[TypeSpec, sa.types.TypeEngine[Any] | None] = {}
        pending = sorted(set(specs))
        chunks = [pending[i : i + PROBE_CHUNK] for i in range(0, len(pending), PROBE_CHUNK)]
        while chunks:
            chunk = chunks.pop()
            probed = self._probe(ctx, chunk)
            if probed is not None:
                result.update(probed)
            elif len(chunk) > 1:
                # A type the server rejects also fails the chunk: only a probe
                # of a plain integer tells a refused temporary table apart.
                if self._probe(ctx, [("integer", "")]) is None:
                    left = [spec for spec in pending if spec not in result]
                    offline = self.resolve_types_without_probe(ctx, left)
                    if offline is None:
                        ctx.note(
                            "column types were not compared: the database refused a "
                            "temporary table (read-only?)"
                        )
                        offline = {spec: None for spec in left}
                    result.update(offline)
                    return result
                half = len(chunk) // 2
                chunks.extend([chunk[:half], chunk[half:]])
            else:
                ctx.note(f"column type {chunk[0][0]!r} was not compared: the server rejected it")
                result[chunk[0]] = None
        return result

    def resolve_types_without_probe(
        self, ctx: CompareContext, specs: list[TypeSpec]
    ) -> dict[TypeSpec, sa.types.TypeEngine[Any] | None] | None:
        """Where temporary tables are refused: the types as the server would
        print them, by the vendor's rules, or None where it has none."""
        return None

    def _probe(
        self, ctx: CompareContext, specs: list[TypeSpec]
    ) -> dict[TypeSpec, sa.types.TypeEngine[Any]] | None:
        quote = ctx.connection.ops.quote_name
        name = f"djm_probe_{uuid.uuid4().hex[:12]}"
        coldefs = ", ".join(
            f"{quote(f'c{i}')} {self.probe_type_sql(spec)}" for i, spec in enumerate(specs)
        )
        try:
            with transaction.atomic(using=ctx.alias):
                with ctx.connection.cursor() as cursor:
                    cursor.execute(self.create_probe_sql(quote, name, coldefs))
                    try:
                        columns = sa.inspect(ctx.sa_conn).get_columns(name)
                    finally:
                        cursor.execute(self.drop_probe_sql(quote, name))
        except DatabaseError:
            return None
        by_name = {c["name"]: c["type"] for c in columns}
        return {spec: by_name[f"c{i}"] for i, spec in enumerate(specs)}

    def type_key(self, ctx: CompareContext, type_: sa.types.TypeEngine[Any]) -> str | None:
        if isinstance(type_, sa.types.NullType):
            return None
        if getattr(type_, "collation", None):
            # a collation (and the character set it implies on MySQL) is its
            # own kind (``columns.collations``)
            type_ = copy.copy(type_)
            type_.collation = None  # type: ignore[attr-defined]
            if getattr(type_, "charset", None):
                type_.charset = None  # type: ignore[attr-defined]
        try:
            return str(type_.compile(dialect=ctx.dialect)).lower()
        except Exception:  # a reflected type the dialect cannot render
            return repr(type_).lower()

    def expected_type_key(self, ctx: CompareContext, column: sa.Column[Any]) -> str | None:
        return self.type_key(ctx, column.type)

    def live_type_key(self, ctx: CompareContext, table: str, column: sa.Column[Any]) -> str | None:
        return self.type_key(ctx, column.type)

    def live_type_text(self, ctx: CompareContext, table: str, column: sa.Column[Any]) -> str:
        return self.live_type_key(ctx, table, column) or str(column.type).lower()

    # -- column kinds (``columns``) -----------------------------------------
    #: how the report writes an auto-increment
    autoincrement_sql = "GENERATED BY DEFAULT AS IDENTITY"
    #: string literals escape with backslashes
    backslash_strings = False

    def live_table(self, ctx: CompareContext, conn_table: sa.Table) -> LiveTable:
        """Defaults, auto-increment, generated columns, collations, comments."""
        return from_reflection(conn_table)

    def canonical_sql(self, text: str | None) -> str | None:
        """An expression in the form both sides share (``columns.sqltext``)."""
        return canonical(text, backslashes=self.backslash_strings)

    def expected_collation(self, column: sa.Column[Any], live: LiveTable) -> str | None:
        """The collation the models give ``column`` (None: the default)."""
        collation: str | None = column.info.get("collation")
        return collation

    def collation_key(self, name: str | None) -> str | None:
        return name or None

    # -- constraints --------------------------------------------------------
    def live_uniques(self, ctx: CompareContext, table: sa.Table) -> list[Sig] | None:
        """Unique constraints of a reflected table; None: use the reflection."""
        return None

    def refine_live_sigs(self, ctx: CompareContext, table: sa.Table, sigs: list[Sig]) -> list[Sig]:
        """Complete what SQLAlchemy's reflection leaves out of the live signatures."""
        return sigs

    def live_unreflected_indexes(self, ctx: CompareContext, table: sa.Table) -> list[Sig]:
        """Indexes of a reflected table that SQLAlchemy's reflection skipped."""
        return []

    def adjust_expected_sigs(
        self, ctx: CompareContext, sigs: list[Sig], table: sa.Table | None = None
    ) -> list[Sig]:
        """Add what the engine creates by itself alongside Django's DDL.

        ``table``: the models' table the signatures belong to.
        """
        return sigs

    def fold_extra_sigs(
        self, ctx: CompareContext, table: str, expected: list[Sig], extra: list[Sig]
    ) -> list[Sig]:
        """Drop extras the engine made by itself for another extra (reported once),
        and those Django's own migrations leave behind (a note each)."""
        return extra

    # -- checks -------------------------------------------------------------
    def inline_check_names(
        self, connection: BaseDatabaseWrapper, table: str, column: str
    ) -> tuple[str, ...]:
        """The name(s) the server gives a column's inline ``CHECK``."""
        return ()

    def engine_checks(self, ctx: CompareContext, table: sa.Table) -> list[Check]:
        """CHECKs the server adds by itself to what Django creates."""
        return []

    def live_checks(self, ctx: CompareContext, table: sa.Table) -> list[Check]:
        """The CHECK constraints of a reflected table."""
        return [
            Check(str(c.sqltext), name=str(c.name) if c.name else None)
            for c in table.constraints
            if isinstance(c, sa.CheckConstraint)
        ]

    def canonical_conditions(
        self, ctx: CompareContext, table: str, texts: list[str]
    ) -> list[str | None] | None:
        """``texts`` (conditions on ``table``'s columns) as the server prints them,
        one per text (None where the server rejects it); None if the server
        cannot do it without creating something."""
        return None

    # -- Django's own leftovers ---------------------------------------------
    def column_note(
        self, ctx: CompareContext, expected: sa.Column[Any], live: sa.Column[Any]
    ) -> str | None:
        """A verbosity-2 note on a column that matches but shows Django's past."""
        return None

    def leftover(
        self,
        ctx: CompareContext,
        table: sa.Table,
        expected: sa.Column[Any],
        live: sa.Column[Any],
    ) -> str | None:
        """Name a type difference that Django's own ``migrate`` leaves behind."""
        if (
            table.info.get("auto_created")
            and expected.primary_key
            and isinstance(expected.type, sa.Integer)
            and isinstance(live.type, sa.Integer)
        ):
            live_text = self.live_type_text(ctx, table.name, live)
            model_text = expected.info.get("django_type", "")
            return (
                f"{table.name}.{expected.name}: the id of this auto-created many-to-many "
                f"table is {live_text}, the models say {model_text}; Django does not "
                "migrate it when the auto field changes (ticket #32674); not drift"
            )
        return None


def unique_sigs_from_reflection(table: sa.Table) -> list[Sig]:
    return [unique_sig(c) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
