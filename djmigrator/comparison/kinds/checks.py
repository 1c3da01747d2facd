"""CHECK constraints: ``Meta.constraints``' ``CheckConstraint``s and the checks
Django adds for field types (``db_check``), matched by condition, never by name.

The models' side is the condition Django writes; the live side is what the
server stored (PostgreSQL ``pg_get_constraintdef`` through SQLAlchemy's
reflection, MySQL/MariaDB ``information_schema.CHECK_CONSTRAINTS``, SQLite the
``CREATE TABLE`` text).  Conditions are compared in two steps: a conservative
key that only forgives spelling (``text_key``), then, for what is left on both
sides, the server's own print of both texts where the vendor can ask for it
without creating anything (``Vendor.canonical_conditions``).  A check left on
both sides with the same name is one ``check_mismatch``; the rest are
``missing_check`` / ``extra_check``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ...report import Discrepancy
from .base import Check, Namer, ObjectOp, referenced, table_comparator, text_key

if TYPE_CHECKING:
    from ..context import CompareContext


def expected_checks(ctx: CompareContext, table: sa.Table) -> list[Check]:
    """The models' checks of ``table`` (``metadata``), with the server's own additions."""
    found = []
    for constraint in table.constraints:
        info = constraint.info
        if isinstance(constraint, sa.CheckConstraint) and "text" in info:
            found.append(
                Check(
                    info["text"],
                    name=str(constraint.name) if constraint.name else None,
                    names=tuple(info.get("names", ())),
                    field=info.get("field"),
                    column=info.get("column"),
                    sql=info.get("django_sql", ""),
                )
            )
    return found + ctx.vendor.engine_checks(ctx, table)


def _pair(
    expected: list[Check], live: list[Check], key: Callable[[Check], Hashable]
) -> tuple[list[Check], list[Check]]:
    """What is left of each side once equal keys are paired off (a multiset difference)."""
    pool: dict[Hashable, list[Check]] = {}
    for check in live:
        pool.setdefault(key(check), []).append(check)
    left: list[Check] = []
    for check in expected:
        candidates = pool.get(key(check))
        if candidates:
            same = [i for i, c in enumerate(candidates) if c.name and c.name in check.names]
            candidates.pop(same[0] if same else 0)
        else:
            left.append(check)
    return left, [c for group in pool.values() for c in group]


@table_comparator
def compare(
    ctx: CompareContext, tname: str, metadata_table: sa.Table, conn_table: sa.Table
) -> list[ObjectOp]:
    vendor = ctx.vendor
    expected = expected_checks(ctx, metadata_table)
    live = vendor.live_checks(ctx, conn_table)
    if not expected and not live:
        return []
    fold = vendor.fold_quoted_identifiers

    def spelling(check: Check) -> Hashable:
        return text_key(check.text, fold_quoted=fold)

    left_expected, left_live = _pair(expected, live, spelling)
    if left_expected and left_live and not vendor.stores_conditions_as_written:
        texts = [c.text for c in (*left_expected, *left_live)]
        printed = vendor.canonical_conditions(ctx, tname, texts)
        if printed is None:
            ctx.note(
                f"CHECK constraints of {tname}: conditions compared as written (spaces, "
                "quotes and case aside); the server cannot print them in its own form "
                "here, so an equivalent condition spelled otherwise is reported"
            )
        else:
            canonical = {
                id(c): p for c, p in zip((*left_expected, *left_live), printed, strict=True)
            }

            def served(check: Check) -> Hashable:
                found = canonical.get(id(check))
                return ("server", found) if found is not None else ("own", id(check))

            left_expected, left_live = _pair(left_expected, left_live, served)
    columns = {str(c.name) for c in metadata_table.columns}

    def involved(check: Check) -> tuple[str, ...]:
        if check.column:
            return (check.column,)
        return referenced(check.text, columns, fold_quoted=fold)

    found: list[ObjectOp] = []
    for check in left_expected:
        names = {n for n in (check.name, *check.names) if n}
        hit = next((c for c in left_live if c.name and c.name in names), None)
        if hit is not None:
            left_live.remove(hit)
        cols = involved(check)
        found.append(ObjectOp(tname, cols, _builder(tname, check, hit, cols)))
    for check in left_live:
        cols = involved(check)
        found.append(ObjectOp(tname, cols, _builder(tname, None, check, cols)))
    return found


def _builder(
    table: str, expected: Check | None, actual: Check | None, columns: tuple[str, ...]
) -> Callable[[Namer], Discrepancy]:
    def build(namer: Namer) -> Discrepancy:
        app, model = namer.owner(table)
        fld = expected.field if expected is not None else None
        if fld is None and len(columns) == 1:
            fld = namer.field(table, columns[0])
        who = namer.label(table, field=fld) or table
        exp = f"CHECK ({expected.text})" if expected is not None else None
        act = f"CHECK ({actual.text})" if actual is not None else None
        if expected is not None and actual is not None:
            kind = "check_mismatch"
            name = actual.name
            message = f"{who}: check constraint {name} on {table} is {act}, expected {exp}"
        elif expected is not None:
            kind = "missing_check"
            name = expected.name
            named = f" {name}" if name else ""
            message = f"{who}: check constraint{named} on {table} {exp} is missing"
        else:
            assert actual is not None
            kind = "extra_check"
            name = actual.name
            named = f" {name}" if name else ""
            message = f"{who}: check constraint{named} on {table} {act} is not in the models"
        return Discrepancy(
            kind,
            table,
            columns=columns,
            name=name,
            app_label=app,
            model=model,
            field=fld,
            expected=exp,
            actual=act,
            message=message,
            repair_sql=str(expected.sql) if kind == "missing_check" and expected else "",
        )

    return build
