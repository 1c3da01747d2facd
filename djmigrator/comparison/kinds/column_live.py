"""The database's side of the column kinds, as each vendor module reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class LiveColumn:
    """What a live column carries besides its type and nullability."""

    #: the default's SQL text as the server prints it; None: no default
    default: str | None = None
    #: PostgreSQL identity (or a serial's sequence), AUTO_INCREMENT, AUTOINCREMENT
    autoincrement: bool = False
    #: PostgreSQL ``GENERATED ALWAYS AS IDENTITY`` (Django makes BY DEFAULT)
    identity_always: bool = False
    #: a generated column's (expression, stored)
    generated: tuple[str, bool] | None = None
    collation: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class LiveTable:
    """A live table's comment and its columns' ``LiveColumn``."""

    columns: dict[str, LiveColumn]
    comment: str | None = None
    #: MySQL/MariaDB: the table's default collation (what a column without
    #: ``db_collation`` gets)
    collation: str | None = None


def from_reflection(conn_table: sa.Table) -> LiveTable:
    """SQLAlchemy's reflection, which holds all of it on PostgreSQL."""
    columns: dict[str, LiveColumn] = {}
    for col in conn_table.columns:
        arg: Any = getattr(col.server_default, "arg", None)
        default = None if arg is None else str(getattr(arg, "text", arg))
        auto = col.autoincrement is True or col.identity is not None
        if default is not None and default.startswith("nextval("):
            default, auto = None, True  # a serial column (Django before 4.1)
        generated = None
        if col.computed is not None:
            generated = (str(col.computed.sqltext), bool(col.computed.persisted))
        columns[col.name] = LiveColumn(
            default=default,
            autoincrement=auto,
            identity_always=col.identity is not None and bool(col.identity.always),
            generated=generated,
            collation=getattr(col.type, "collation", None),
            comment=col.comment,
        )
    return LiveTable(columns, comment=conn_table.comment)
