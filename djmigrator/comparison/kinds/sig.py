"""Indexes, unique constraints and foreign keys as signatures, matched by columns.

Django names indexes with a hash of their history, so names cannot be compared;
what identifies an index is what it does: its columns (in order), whether it is
unique, its operator classes and access method (PostgreSQL), and for a foreign
key its target.  Indexes whose definition the server rewrites (expressions,
partial conditions, INCLUDE columns) are matched by name, the one thing Django
requires them to have.

This module is the record the three kinds share (``indexes``, ``uniques``,
``foreign_keys``) and what reads a SQLAlchemy index or constraint; ``matching``
pairs the two sides' signatures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

INDEX, UNIQUE, FOREIGN_KEY = "index", "unique", "foreign_key"


@dataclass(frozen=True)
class Sig:
    """One index, unique constraint or foreign key of a table."""

    kind: str
    columns: tuple[str, ...]
    detail: tuple[Any, ...] = ()
    name: str | None = None
    by_name: bool = False
    field: str | None = None
    text: str = ""
    #: a partial index's condition and a covering index's INCLUDE columns
    #: (indexes matched by name): compared once matched
    condition: str = dataclasses.field(default="", compare=False)
    include: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    #: Django's DDL that creates it (models' side only): what a repair runs;
    #: rendered with ``str()`` when a discrepancy needs it.
    sql: Any = dataclasses.field(default="", compare=False)

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.kind, self.columns, self.detail)

    @property
    def target(self) -> tuple[Any, ...] | None:
        """What it is on: a difference of definition there is one ``*_mismatch``."""
        if not self.columns:
            return None
        return (self.kind, self.columns)

    def describe(self) -> str:
        cols = ", ".join(self.columns)
        if self.kind == FOREIGN_KEY:
            ref_table, ref_cols, *rest = self.detail
            text = f"FOREIGN KEY ({cols}) REFERENCES {ref_table} ({', '.join(ref_cols)})"
            on_delete, deferrable = [*rest, None, None][:2]
            if on_delete:
                text += f" ON DELETE {on_delete}"
            if deferrable:
                text += f" {deferrable}"
            return text
        word = "UNIQUE" if self.kind == UNIQUE else "INDEX"
        extra = ""
        if self.kind == UNIQUE and self.detail and not self.by_name:
            nulls_not_distinct, deferrable = self.detail
            if nulls_not_distinct:
                word += " NULLS NOT DISTINCT"
            if deferrable:
                extra += f" {deferrable}"
        if self.kind == INDEX and self.detail:
            opclasses, method, descending, prefixes = (*self.detail, (), (), (), ())[:4]
            if method and method != "btree":
                extra += f" USING {method}"
            if opclasses and any(opclasses):
                extra += " (" + ", ".join(o or "default" for o in opclasses) + ")"
            parts = []
            for i, column in enumerate(self.columns):
                part = column
                if prefixes and prefixes[i]:
                    part += f"({prefixes[i]})"
                if descending and descending[i]:
                    part += " DESC"
                parts.append(part)
            cols = ", ".join(parts)
        if self.by_name:
            return f"{word} {self.name}" + (f" {self.text}" if self.text else "")
        return f"{word} ({cols}){extra}"


def column_names(element: Any) -> tuple[str, ...] | None:
    """Column names of an index or constraint, or None if it has expressions."""
    names: list[str] = []
    exprs = getattr(element, "expressions", None)
    items = list(exprs) if exprs is not None else list(element.columns)
    for item in items:
        item = undirected(item)
        if isinstance(item, sa.Column):
            names.append(item.name)
        elif isinstance(item, str):
            names.append(item)
        else:
            return None
    return tuple(names)


def undirected(item: Any) -> Any:
    """The column of ``col DESC`` / ``col ASC`` (reflection's ``column_sorting``)."""
    if isinstance(item, UnaryExpression) and item.modifier in (operators.desc_op, operators.asc_op):
        return item.element
    return item


def descending(element: Any) -> tuple[bool, ...]:
    exprs = getattr(element, "expressions", None) or ()
    return tuple(isinstance(e, UnaryExpression) and e.modifier is operators.desc_op for e in exprs)


def dialect_option(element: Any, dialect: str, key: str) -> Any:
    # ``dialect_options`` fills in a dialect's defaults on first lookup (all
    # None or empty for the keys read here): skip a dialect never set.
    options = element.dialect_options
    if dialect not in options:
        return None
    try:
        return options[dialect][key]
    except (KeyError, TypeError):
        return None
