"""Indexes, uniques and foreign keys of one table, matched by signature.

The three kinds are compared together because they overlap: a unique index
and a unique constraint are one object to the server, and MySQL's index that
covers a foreign key is an index.  Each kind's signature is its own module's
(``indexes``, ``uniques``, ``foreign_keys``); here they are paired, a missing
and an extra one on the same columns become one ``*_mismatch``, and each
difference becomes its discrepancy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...report import Discrepancy
from ..context import CompareContext
from .base import Namer, ObjectOp, table_comparator
from .foreign_keys import fk_sig
from .indexes import definition, expressions, index_sig, redefined
from .sig import FOREIGN_KEY, UNIQUE, Sig
from .uniques import unique_sig


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


@table_comparator
def compare(
    ctx: CompareContext, tname: str, metadata_table: sa.Table, conn_table: sa.Table
) -> list[ObjectOp]:
    vendor = ctx.vendor
    expected = table_sigs(metadata_table, with_method=vendor.index_method, expected=True)
    expected = vendor.adjust_expected_sigs(ctx, expected, metadata_table)
    live = table_sigs(
        conn_table,
        with_method=vendor.index_method,
        expected=False,
        uniques=vendor.live_uniques(ctx, conn_table),
    )
    live = vendor.refine_live_sigs(ctx, conn_table, live)
    live += vendor.live_unreflected_indexes(ctx, conn_table)
    named: list[tuple[Sig, Sig]] = []
    missing, extra = match(expected, live, named)
    extra = vendor.fold_extra_sigs(ctx, tname, expected, extra)
    missing, extra, mismatched = pair_mismatches(missing, extra)
    mismatched += [(e, s) for e, s in named if redefined(ctx, tname, e, s)]
    found: list[tuple[str, Sig, Sig | None]] = [("missing", s, None) for s in missing]
    found += [("extra", s, None) for s in extra]
    found += [("mismatch", e, s) for e, s in mismatched]
    return [
        ObjectOp(tname, sig.columns, _builder(side, tname, sig, live)) for side, sig, live in found
    ]


def _builder(side: str, table: str, sig: Sig, live: Sig | None) -> Callable[[Namer], Discrepancy]:
    def build(namer: Namer) -> Discrepancy:
        return _discrepancy(namer, side, table, sig, live)

    return build


_WORD = {"index": "index", UNIQUE: "unique constraint", FOREIGN_KEY: "foreign key"}


def _discrepancy(
    namer: Namer, side: str, table: str, sig: Sig, live: Sig | None = None
) -> Discrepancy:
    app, model = namer.owner(table)
    fld = sig.field
    if fld is None and len(sig.columns) == 1:
        fld = namer.field(table, sig.columns[0])
    if namer.table(table) is not None and namer.table(table).info.get("m2m_field"):  # type: ignore[union-attr]
        fld = namer.table(table).info["m2m_field"]  # type: ignore[union-attr]
    who = namer.label(table, field=fld) or table
    cols = ", ".join(sig.columns) if sig.columns else expressions(sig)
    what = _WORD[sig.kind]
    named = f" {sig.name}" if sig.name and (side == "extra" or sig.by_name) else ""
    if side == "mismatch" and live is not None:
        if sig.by_name:
            expected, actual = definition(sig), definition(live)
        else:
            expected, actual = sig.describe(), live.describe()
        return Discrepancy(
            f"{sig.kind}_mismatch",
            table,
            columns=sig.columns,
            name=live.name,
            app_label=app,
            model=model,
            field=fld,
            expected=expected,
            actual=actual,
            message=f"{who}: {what} {live.name or ''} on {table} ({cols}) is {actual}, "
            f"expected {expected}".replace("  ", " "),
        )
    if side == "missing":
        message = f"{who}: {what}{named} on {table} ({cols}) is missing"
    else:
        message = f"{who}: {what}{named} on {table} ({cols}) is not in the models"
    return Discrepancy(
        f"{side}_{sig.kind}",
        table,
        columns=sig.columns,
        name=sig.name,
        app_label=app,
        model=model,
        field=fld,
        expected=sig.describe() if side == "missing" else None,
        actual=sig.describe() if side == "extra" else None,
        message=message,
        repair_sql=str(sig.sql) if side == "missing" else "",
    )
