"""Indexes: Django's ``db_index``, ``Meta.indexes`` (with conditions, INCLUDE
columns, expressions, operator classes, methods, DESC) and the indexes its schema
editor adds itself (PostgreSQL's ``_like``), as signatures (``sig``); an index
matched by name is compared on its condition, INCLUDE columns and expressions
(``redefined``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from .base import text_key
from .sig import INDEX, UNIQUE, Sig, column_names, descending, dialect_option, undirected

if TYPE_CHECKING:
    from ..context import CompareContext


def index_sig(index: sa.Index, *, with_method: bool, expected: bool) -> Sig:
    columns = column_names(index)
    kind = UNIQUE if index.unique else INDEX
    info = index.info or {}
    by_name = bool(info.get("by_name")) if expected else False
    if not expected:
        for dialect in ("postgresql", "sqlite", "mysql"):
            if dialect_option(index, dialect, "where") is not None:
                by_name = True
        if dialect_option(index, "postgresql", "include"):
            by_name = True
    if columns is None:
        by_name = True
        columns = ()
    detail: tuple[Any, ...] = ()
    if kind == INDEX and not by_name:
        opclasses: tuple[Any, ...] = ()
        method = None
        if with_method:
            ops = dialect_option(index, "postgresql", "ops") or {}
            opclasses = tuple(ops.get(c) or None for c in columns)
            if not any(opclasses):
                opclasses = ()
            method = (dialect_option(index, "postgresql", "using") or "btree").lower()
            if method == "btree":
                method = None
        # a DESC column is part of what the index is (PostgreSQL's reflection
        # reports the order; SQLite's and MySQL's are completed by the vendor)
        directions = descending(index)
        detail = index_detail(opclasses, method, directions, ())
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
            items.append(_plain(undirected(item)))
    text = f"({', '.join(items)})"
    for dialect in ("postgresql", "sqlite", "mysql"):
        include = dialect_option(index, dialect, "include") if dialect == "postgresql" else None
        if include:
            text += f" INCLUDE ({', '.join(str(c) for c in include)})"
        where = dialect_option(index, dialect, "where")
        if where is not None:
            text += f" WHERE {where}"
    return text


def _live_where(index: sa.Index) -> str:
    for dialect in ("postgresql", "sqlite", "mysql"):
        where = dialect_option(index, dialect, "where")
        if where is not None:
            return str(where)
    return ""


def _live_include(index: sa.Index) -> tuple[str, ...]:
    return tuple(str(c) for c in dialect_option(index, "postgresql", "include") or ())


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


# -- an index matched by name: its condition, INCLUDE columns, expressions --


def redefined(ctx: CompareContext, table: str, expected: Sig, live: Sig) -> bool:
    """Does an index matched by name have another condition or INCLUDE columns?

    Conditions are compared as the server prints them (``Vendor.canonical_conditions``)
    where their spelling differs."""
    if expected.include != live.include:
        return True
    if (
        not expected.columns
        and not live.columns
        and _expressions_differ(ctx, table, expected, live)
    ):
        return True
    if not expected.condition and not live.condition:
        return False
    if not expected.condition or not live.condition:
        return True
    vendor = ctx.vendor
    fold = vendor.fold_quoted_identifiers
    if text_key(expected.condition, fold_quoted=fold) == text_key(live.condition, fold_quoted=fold):
        return False
    if vendor.stores_conditions_as_written:
        return True
    printed = vendor.canonical_conditions(ctx, table, [expected.condition, live.condition])
    if printed is None or None in printed:
        ctx.note(
            f"index {live.name} on {table}: conditions compared as written (spaces, quotes "
            "and case aside); the server cannot print them in its own form here"
        )
        return True
    return printed[0] != printed[1]


def _expressions_differ(ctx: CompareContext, table: str, expected: Sig, live: Sig) -> bool:
    """Do two expression indexes of one name index other expressions (or
    directions)?  Compared as the server prints them where it stores them
    rewritten; where it cannot print them (an operator class, a collation in
    the expression list), they are not compared."""
    if "(" not in expected.text or "(" not in live.text:
        return False  # a side that does not say what it indexes
    ours = _items(expressions(expected))
    theirs = _items(expressions(live))
    if not ours or not theirs:
        return False
    vendor = ctx.vendor
    if len(ours) != len(theirs):
        return True
    # an expression's direction, where the vendor reads it (SQLite's DDL as
    # written; PostgreSQL's ``pg_index.indoption``, which SQLAlchemy leaves out)
    if vendor.reads_expression_directions and [d for _, d in ours] != [d for _, d in theirs]:
        return True
    fold = vendor.fold_quoted_identifiers
    texts = [t for t, _ in ours] + [t for t, _ in theirs]
    keys = [text_key(t, fold_quoted=fold) for t in texts]
    if keys[: len(ours)] == keys[len(ours) :]:
        return False
    if vendor.stores_conditions_as_written:
        return True
    printed = vendor.canonical_conditions(ctx, table, texts)
    if printed is None or None in printed:
        return False
    return printed[: len(ours)] != printed[len(ours) :]


def _items(text: str) -> list[tuple[str, bool]]:
    """An index's expression list: each top-level item and whether it is DESC."""
    items, depth, start = [], 0, 0
    quote = ""
    for i, char in enumerate(text + ","):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
    found = []
    for item in items:
        item = _NULLS.sub("", item)  # NULLS FIRST / LAST: not compared
        words = item.rsplit(None, 1)
        descending = len(words) == 2 and words[1].upper() == "DESC"
        if len(words) == 2 and words[1].upper() in ("ASC", "DESC"):
            item = words[0]
        found.append((item, descending))
    return found


_NULLS = re.compile(r"\s+NULLS\s+(?:FIRST|LAST)\s*$", re.IGNORECASE)


def with_directions(text: str, descending: tuple[bool, ...]) -> str:
    """A live index's text ``(a, b) INCLUDE ... WHERE ...`` with each key item's
    direction as the server stores it (``descending``, in key order)."""
    if not text.startswith("("):
        return text
    depth, end = 0, len(text) - 1
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            end = i
            break
    items = _items(text[1:end])
    if len(items) != len(descending):
        return text
    inner = ", ".join(
        f"{item} DESC" if desc else item for (item, _), desc in zip(items, descending, strict=True)
    )
    return f"({inner}){text[end + 1 :]}"


def expressions(sig: Sig) -> str:
    """What an expression index is on, from its DDL: ``CREATE INDEX n ON t (LOWER("x"))``."""
    text = sig.text
    marker = text.find(" ON ")
    start = text.find("(", marker if marker >= 0 else 0)
    if start < 0:
        return sig.name or ""
    depth = 0
    for end in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0:
            return text[start + 1 : end]
    return text[start + 1 :]


def definition(sig: Sig) -> str:
    """An index matched by name, as its definition: ``INDEX (qty) WHERE price > 0``."""
    word = "UNIQUE" if sig.kind == UNIQUE else "INDEX"
    text = f"{word} ({', '.join(sig.columns) if sig.columns else expressions(sig)})"
    if sig.include:
        text += f" INCLUDE ({', '.join(sig.include)})"
    if sig.condition:
        text += f" WHERE {sig.condition}"
    return text
