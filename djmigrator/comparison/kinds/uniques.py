"""Unique constraints: ``unique=True``, ``unique_together`` and
``UniqueConstraint`` (with ``nulls_distinct`` and ``deferrable``), as
signatures (``sig``); a unique index of the same columns is the same thing to
the server, so ``matching`` pairs them with the indexes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .sig import UNIQUE, Sig, dialect_option


def unique_detail(nulls_not_distinct: bool, deferrable: str | None) -> tuple[Any, ...]:
    """A unique constraint's definition beyond its columns; plain is empty, so
    that a vendor that has neither compares equal."""
    return (nulls_not_distinct, deferrable) if nulls_not_distinct or deferrable else ()


def deferrable_text(deferrable: bool, initially_deferred: bool) -> str | None:
    """``DEFERRABLE [INITIALLY DEFERRED]`` (INITIALLY IMMEDIATE is the default)."""
    if not deferrable:
        return None
    return "DEFERRABLE INITIALLY DEFERRED" if initially_deferred else "DEFERRABLE"


def unique_sig(constraint: sa.UniqueConstraint) -> Sig:
    """A unique constraint: ``info`` on the models' side; reflected otherwise,
    where PostgreSQL's NULLS NOT DISTINCT comes with the reflection and its
    deferrability from the vendor (``refine_live_sigs``)."""
    columns = tuple(c.name for c in constraint.columns)
    info = constraint.info or {}
    if "nulls_not_distinct" in info:
        detail = unique_detail(info["nulls_not_distinct"], info.get("deferrable"))
    else:
        detail = unique_detail(
            bool(dialect_option(constraint, "postgresql", "nulls_not_distinct")), None
        )
    return Sig(
        UNIQUE,
        columns,
        detail,
        name=str(constraint.name) if constraint.name else None,
        field=info.get("field"),
        sql=info.get("django_sql", ""),
    )
