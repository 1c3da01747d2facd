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
    if kind == INDEX and not by_name:
        opclasses: tuple[Any, ...] = ()
        method = None
        if with_method:
            ops = _dialect_option(index, "postgresql", "ops") or {}
            opclasses = tuple(ops.get(c) or None for c in columns)
            if not any(opclasses):
                opclasses = ()
            method = (_dialect_option(index, "postgresql", "using") or "btree").lower()
            if method == "btree":
                method = None
        # a DESC column is part of what the index is (PostgreSQL's reflection
        # reports the order; SQLite's and MySQL's are completed by the vendor)
        descending = _descending(index)
        detail = index_detail(opclasses, method, descending, ())
    if by_name:
        detail = ()
    return Sig(
        kind,
        columns,
        detail,
        name=str(index.name) if index.name else None,
        by_name=by_name,
        field=info.get("field"),
        text=(str(info.get("django_sql", "")) if expected else _live_text(index))
        if by_name
        else "",
        condition=str(info.get("condition", "")) if expected else _live_where(index),
        include=tuple(info.get("include", ())) if expected else _live_include(index),
        sql=info.get("django_sql", "") if expected else "",
    )


def _live_text(index: sa.Index) -> str:
    """A reflected expression / partial / covering index, as DDL-like text."""
    items = []
    for item in getattr(index, "expressions", None) or list(index.columns):
        if isinstance(item, UnaryExpression) and item.modifier is operators.desc_op:
            items.append(f"{_plain(item.element)} DESC")
        else:
            items.append(_plain(_undirected(item)))
    text = f"({', '.join(items)})"
    for dialect in ("postgresql", "sqlite", "mysql"):
        include = _dialect_option(index, dialect, "include") if dialect == "postgresql" else None
        if include:
            text += f" INCLUDE ({', '.join(str(c) for c in include)})"
        where = _dialect_option(index, dialect, "where")
        if where is not None:
            text += f" WHERE {where}"
    return text


def _live_where(index: sa.Index) -> str:
    for dialect in ("postgresql", "sqlite", "mysql"):
        where = _dialect_option(index, dialect, "where")
        if where is not None:
            return str(where)
    return ""


def _live_include(index: sa.Index) -> tuple[str, ...]:
    return tuple(str(c) for c in _dialect_option(index, "postgresql", "include") or ())


def _plain(item: Any) -> str:
    return str(item.name) if isinstance(item, sa.Column) else str(item)


def index_detail(
    opclasses: tuple[Any, ...],
    method: str | None,
    descending: tuple[bool, ...],
    prefixes: tuple[int | None, ...],
) -> tuple[Any, ...]:
    """An index's definition beyond its columns; what is plain is left empty,
    so that a side that cannot tell (an ascending column, no prefix) compares equal."""
    return (
        opclasses if any(opclasses) else (),
        method,
        descending if any(descending) else (),
        prefixes if any(prefixes) else (),
    )


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
            bool(_dialect_option(constraint, "postgresql", "nulls_not_distinct")), None
        )
    return Sig(
        UNIQUE,
        columns,
        detail,
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
    if "on_delete" in info:  # the models' side
        on_delete, deferrable = info["on_delete"], info["deferrable"]
    else:
        on_delete = (fk.ondelete or "").upper() or None
        deferrable = None
        if fk.deferrable:
            deferrable = "DEFERRABLE"
            if (fk.initially or "").upper() == "DEFERRED":
                deferrable += " INITIALLY DEFERRED"
    if on_delete == "NO ACTION":  # the default, printed or not
        on_delete = None
    return Sig(
        FOREIGN_KEY,
        tuple(fk.column_keys),
        (ref_table, tuple(ref_cols), on_delete, deferrable),
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


def match(
    expected: list[Sig], live: list[Sig], named: list[tuple[Sig, Sig]] | None = None
) -> tuple[list[Sig], list[Sig]]:
    """(missing, extra): multiset difference by signature, by name where needed.

    ``named`` receives the pairs matched by name, whose definitions (condition,
    INCLUDE columns) the caller compares."""
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
            if named is not None:
                named.append((sig, hit))
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


def pair_mismatches(
    missing: list[Sig], extra: list[Sig]
) -> tuple[list[Sig], list[Sig], list[tuple[Sig, Sig]]]:
    """(missing, extra, mismatched): a missing and an extra one on the same
    columns are one thing defined differently, reported once."""
    pairs: list[tuple[Sig, Sig]] = []
    left_extra = list(extra)
    left_missing: list[Sig] = []
    for sig in missing:
        target = sig.target
        hit = None
        if target is not None:
            alike = [s for s in left_extra if s.target == target]
            # several alike: the one of the same name
            hit = next((s for s in alike if sig.name and s.name == sig.name), None)
            hit = hit or (alike[0] if alike else None)
        if hit is None:
            left_missing.append(sig)
        else:
            left_extra.remove(hit)
            pairs.append((sig, hit))
    return left_missing, left_extra, pairs
