"""Indexes, unique constraints and foreign keys as signatures, matched by columns.

Django names indexes with a hash of their history, so names cannot be compared;
what identifies an index is what it does: its columns (in order), whether it is
unique, its operator classes and access method (PostgreSQL), and for a foreign
key its target.  Indexes whose definition the server rewrites (expressions,
partial conditions, INCLUDE columns) are matched by name, the one thing Django
requires them to have.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
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
    #: Django's DDL that creates it (models' side only): what a repair runs;
    #: rendered with ``str()`` when a discrepancy needs it.
    sql: Any = dataclasses.field(default="", compare=False)

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.kind, self.columns, self.detail)

    def describe(self) -> str:
        cols = ", ".join(self.columns)
        if self.kind == FOREIGN_KEY:
            ref_table, ref_cols = self.detail
            return f"FOREIGN KEY ({cols}) REFERENCES {ref_table} ({', '.join(ref_cols)})"
        word = "UNIQUE" if self.kind == UNIQUE else "INDEX"
        extra = ""
        if self.kind == INDEX and self.detail:
            opclasses, method, *order = self.detail
            if method and method != "btree":
                extra += f" USING {method}"
            if any(opclasses):
                extra += " (" + ", ".join(o or "default" for o in opclasses) + ")"
            if order:
                flags = zip(self.columns, order[0], strict=True)
                cols = ", ".join(f"{c} DESC" if d else c for c, d in flags)
        if self.by_name:
            return f"{word} {self.name}" + (f" {self.text}" if self.text else "")
        return f"{word} ({cols}){extra}"


def _column_names(element: Any) -> tuple[str, ...] | None:
    """Column names of an index or constraint, or None if it has expressions."""
    names: list[str] = []
    exprs = getattr(element, "expressions", None)
    items = list(exprs) if exprs is not None else list(element.columns)
    for item in items:
        item = _undirected(item)
        if isinstance(item, sa.Column):
            names.append(item.name)
        elif isinstance(item, str):
            names.append(item)
        else:
            return None
    return tuple(names)


def _undirected(item: Any) -> Any:
    """The column of ``col DESC`` / ``col ASC`` (reflection's ``column_sorting``)."""
    if isinstance(item, UnaryExpression) and item.modifier in (operators.desc_op, operators.asc_op):
        return item.element
    return item


def _descending(element: Any) -> tuple[bool, ...]:
    exprs = getattr(element, "expressions", None) or ()
    return tuple(isinstance(e, UnaryExpression) and e.modifier is operators.desc_op for e in exprs)


def _dialect_option(element: Any, dialect: str, key: str) -> Any:
    # ``dialect_options`` fills in a dialect's defaults on first lookup (all
    # None or empty for the keys read here): skip a dialect never set.
    options = element.dialect_options
    if dialect not in options:
        return None
    try:
        return options[dialect][key]
    except (KeyError, TypeError):
        return None


def index_sig(index: sa.Index, *, with_method: bool, expected: bool) -> Sig:
    columns = _column_names(index)
    kind = UNIQUE if index.unique else INDEX
    info = index.info or {}
    by_name = bool(info.get("by_name")) if expected else False
    if not expected:
        for dialect in ("postgresql", "sqlite", "mysql"):
            if _dialect_option(index, dialect, "where") is not None:
                by_name = True
        if _dialect_option(index, "postgresql", "include"):
            by_name = True
    if columns is None:
        by_name = True
        columns = ()
    detail: tuple[Any, ...] = ()
    if kind == INDEX and with_method and not by_name:
        ops = _dialect_option(index, "postgresql", "ops") or {}
        method = (_dialect_option(index, "postgresql", "using") or "btree").lower()
        detail = (tuple(ops.get(c) or None for c in columns), method)
        # PostgreSQL's reflection reports column order (SQLite's and MySQL's
        # do not): a DESC column is part of what the index is.
        descending = _descending(index)
        if any(descending):
            detail += (descending,)
    if by_name:
        detail = ()
    return Sig(
        kind,
        columns,
        detail,
        name=str(index.name) if index.name else None,
        by_name=by_name,
        field=info.get("field"),
        text=str(info.get("django_sql", "")) if by_name else "",
        sql=info.get("django_sql", "") if expected else "",
    )


def unique_sig(constraint: sa.UniqueConstraint) -> Sig:
    columns = tuple(c.name for c in constraint.columns)
    info = constraint.info or {}
    return Sig(
        UNIQUE,
        columns,
        name=str(constraint.name) if constraint.name else None,
        field=info.get("field"),
        sql=info.get("django_sql", ""),
    )


def fk_sig(fk: sa.ForeignKeyConstraint) -> Sig:
    ref_table, ref_cols = "", []
    for element in fk.elements:
        table, _, column = element.target_fullname.rpartition(".")
        ref_table = table.rpartition(".")[2]
        ref_cols.append(column)
    info = fk.info or {}
    return Sig(
        FOREIGN_KEY,
        tuple(fk.column_keys),
        (ref_table, tuple(ref_cols)),
        name=str(fk.name) if fk.name else None,
        field=info.get("field"),
        sql=info.get("django_sql", ""),
    )


def table_sigs(
    table: sa.Table, *, with_method: bool, expected: bool, uniques: list[Sig] | None = None
) -> list[Sig]:
    """Every index / unique / FK signature of a (model or reflected) table.

    ``uniques`` replaces the table's own unique constraints where a vendor
    reflects them itself.
    """
    sigs: list[Sig] = []
    seen_names: set[str] = set()
    if uniques is None:
        for constraint in table.constraints:
            if isinstance(constraint, sa.UniqueConstraint):
                sig = unique_sig(constraint)
                sigs.append(sig)
                if sig.name:
                    seen_names.add(sig.name)
    else:
        sigs.extend(uniques)
        seen_names.update(s.name for s in uniques if s.name)
    for index in table.indexes:
        sig = index_sig(index, with_method=with_method, expected=expected)
        if sig.name and sig.name in seen_names and not expected:
            continue  # the index that backs a reflected unique constraint
        sigs.append(sig)
    for fk in table.foreign_key_constraints:
        sigs.append(fk_sig(fk))
    return sigs


def match(expected: list[Sig], live: list[Sig]) -> tuple[list[Sig], list[Sig]]:
    """(missing, extra): multiset difference by signature, by name where needed."""
    remaining_live = list(live)
    missing: list[Sig] = []
    by_name = [s for s in expected if s.by_name]
    by_cols = [s for s in expected if not s.by_name]
    for sig in by_name:
        hit = next(
            (
                s
                for s in remaining_live
                if s.name == sig.name and (s.kind == sig.kind or s.kind != FOREIGN_KEY)
            ),
            None,
        )
        if hit is None:
            missing.append(sig)
        else:
            remaining_live.remove(hit)
    pool: dict[tuple[Any, ...], list[Sig]] = defaultdict(list)
    for s in remaining_live:
        if not s.by_name:
            pool[s.key].append(s)
    matched: set[int] = set()
    for sig in by_cols:
        candidates = pool.get(sig.key)
        if candidates:
            # several alike: the one of the same name, so the extra is the other
            same = [i for i, c in enumerate(candidates) if sig.name and c.name == sig.name]
            matched.add(id(candidates.pop(same[0] if same else 0)))
        else:
            missing.append(sig)
    extra = [s for s in remaining_live if id(s) not in matched]
    return missing, extra
