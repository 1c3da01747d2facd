"""MySQL and MariaDB: InnoDB's implicit FK indexes, pre-5.0 UUID columns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db.backends.base.base import BaseDatabaseWrapper

from ..constraints import FOREIGN_KEY, INDEX, UNIQUE, Sig
from .base import TypeSpec, Vendor

if TYPE_CHECKING:
    from ..context import CompareContext

_AUTO_INCREMENT = re.compile(r"\s+AUTO_INCREMENT\b", re.IGNORECASE)


class MySQLVendor(Vendor):
    name = "mysql"

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
