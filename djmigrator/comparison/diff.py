"""alembic ``compare_metadata`` -> the SPEC's discrepancies, in Django terms.

alembic's own table and column comparison finds missing and extra tables and
columns.  Types, nullability, indexes, uniques and foreign keys are compared by
the comparators of the ``djmigrator.compare`` alembic plugin below, which use
the vendor module's rules; alembic's name-based index comparison and its
server-default comparison are not loaded.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.runtime.plugins import Plugin
from alembic.util import PriorityDispatchResult

from ..report import Discrepancy
from .constraints import FOREIGN_KEY, UNIQUE, Sig, match, pair_mismatches, table_sigs
from .context import CompareContext
from .kinds import TABLE_COMPARATORS
from .kinds.base import text_key
from .kinds.columns import ColumnDiff, compare_columns

PLUGIN_NAME = "djmigrator.compare"
PLUGINS = [
    "alembic.autogenerate.schemas",
    "alembic.autogenerate.tables",
    PLUGIN_NAME,
]


class SigOp(ops.MigrateOperation):
    """An index / unique / FK that is missing from, or extra in, the database,
    or (``mismatch``) on the same columns with another definition (``live``)."""

    def __init__(self, side: str, table: str, sig: Sig, live: Sig | None = None) -> None:
        self.side = side
        self.table = table
        self.sig = sig
        self.live = live

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("djmigrator", self.side, self.table, self.sig, self.live)

    def reverse(self) -> SigOp:
        return SigOp("extra" if self.side == "missing" else "missing", self.table, self.sig)


def _ctx(autogen_context: Any) -> CompareContext:
    ctx: CompareContext = autogen_context.opts["djmigrator"]
    return ctx


def _compare_type(
    autogen_context: Any,
    alter_column_op: ops.AlterColumnOp,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> PriorityDispatchResult:
    ctx = _ctx(autogen_context)
    alter_column_op.existing_type = conn_col.type
    expected = ctx.vendor.expected_type_key(ctx, metadata_col)
    live = ctx.vendor.live_type_key(ctx, tname, conn_col)
    if expected is None or live is None or expected == live:
        return PriorityDispatchResult.CONTINUE
    leftover = ctx.vendor.leftover(ctx, metadata_col.table, metadata_col, conn_col)
    if leftover:
        ctx.note(leftover)
    else:
        alter_column_op.modify_type = metadata_col.type
    return PriorityDispatchResult.CONTINUE


def _compare_nullable(
    autogen_context: Any,
    alter_column_op: ops.AlterColumnOp,
    schema: str | None,
    tname: str,
    cname: str,
    conn_col: sa.Column[Any],
    metadata_col: sa.Column[Any],
) -> PriorityDispatchResult:
    alter_column_op.existing_nullable = conn_col.nullable
    ctx = _ctx(autogen_context)
    note = ctx.vendor.column_note(ctx, metadata_col, conn_col)
    if note:
        ctx.note(note)
    if bool(conn_col.nullable) != bool(metadata_col.nullable):
        alter_column_op.modify_nullable = metadata_col.nullable
    return PriorityDispatchResult.CONTINUE


def _compare_constraints(
    autogen_context: Any,
    modify_table_ops: ops.ModifyTableOps,
    schema: str | None,
    tname: str,
    conn_table: sa.Table | None,
    metadata_table: sa.Table | None,
) -> PriorityDispatchResult:
    if conn_table is None or metadata_table is None:
        return PriorityDispatchResult.CONTINUE  # the whole table is the difference
    ctx = _ctx(autogen_context)
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
    mismatched += [(e, s) for e, s in named if _redefined(ctx, tname, e, s)]
    modify_table_ops.ops.extend(SigOp("missing", tname, s) for s in missing)
    modify_table_ops.ops.extend(SigOp("extra", tname, s) for s in extra)
    modify_table_ops.ops.extend(SigOp("mismatch", tname, e, s) for e, s in mismatched)
    return PriorityDispatchResult.CONTINUE


def _compare_column_kinds(
    autogen_context: Any,
    modify_table_ops: ops.ModifyTableOps,
    schema: str | None,
    tname: str,
    conn_table: sa.Table | None,
    metadata_table: sa.Table | None,
) -> PriorityDispatchResult:
    """Defaults, generated columns, collations, comments (``columns``)."""
    if conn_table is not None and metadata_table is not None:
        modify_table_ops.ops.extend(
            compare_columns(_ctx(autogen_context), metadata_table, conn_table)
        )
    return PriorityDispatchResult.CONTINUE


def _redefined(ctx: CompareContext, table: str, expected: Sig, live: Sig) -> bool:
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
    ours = _items(_expressions(expected))
    theirs = _items(_expressions(live))
    if not ours or not theirs:
        return False
    vendor = ctx.vendor
    if len(ours) != len(theirs):
        return True
    # an expression's direction: only where the live text is the DDL as
    # written (SQLite); SQLAlchemy keeps it apart from the expression elsewhere
    if vendor.stores_conditions_as_written and [d for _, d in ours] != [d for _, d in theirs]:
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
        words = item.rsplit(None, 1)
        descending = len(words) == 2 and words[1].upper() == "DESC"
        if len(words) == 2 and words[1].upper() in ("ASC", "DESC"):
            item = words[0]
        found.append((item, descending))
    return found


def _setup(plugin: Plugin) -> None:
    plugin.add_autogenerate_comparator(_compare_type, "column", "types")
    plugin.add_autogenerate_comparator(_compare_nullable, "column", "nullable")
    plugin.add_autogenerate_comparator(_compare_constraints, "table", "indexes")
    for name, comparator in TABLE_COMPARATORS:
        plugin.add_autogenerate_comparator(comparator, "table", name)
    plugin.add_autogenerate_comparator(_compare_column_kinds, "table", "column_kinds")


try:
    _setup(Plugin(PLUGIN_NAME))
except ValueError:  # already registered (module re-imported)
    pass


def run_alembic(
    ctx: CompareContext,
    metadata: sa.MetaData,
    *,
    include_table: Any,
    include_metadata_table: Any,
) -> list[Any]:
    """alembic's diff of ``metadata`` against the live database."""

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        if type_ == "table":
            return bool(include_table(name))
        return True

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        if type_ == "table" and not reflected:
            return bool(include_metadata_table(name))
        return True

    mc = MigrationContext.configure(
        ctx.sa_conn,
        opts={
            "autogenerate_plugins": PLUGINS,
            "include_name": include_name,
            "include_object": include_object,
            "djmigrator": ctx,
        },
    )
    return list(compare_metadata(mc, metadata))


# -- from alembic's diff tuples to discrepancies ---------------------------


def _flat(diffs: list[Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for item in diffs:
        if isinstance(item, list):
            out.extend(_flat(item))
        else:
            out.append(item)
    return out


class _Namer:
    """Resolves tables and columns to app label, model and field."""

    def __init__(self, ctx: CompareContext, metadata: sa.MetaData) -> None:
        self.ctx = ctx
        self.metadata = metadata

    def table(self, name: str) -> sa.Table | None:
        return self.metadata.tables.get(name)

    def owner(self, table: str) -> tuple[str | None, str | None]:
        t = self.table(table)
        if t is None:
            return None, None
        return t.info.get("app_label"), t.info.get("model")

    def field(self, table: str, column: str | None) -> str | None:
        t = self.table(table)
        if t is None or column is None:
            return None
        if t.info.get("m2m_field"):
            return str(t.info["m2m_field"])
        if column in t.c:
            return t.c[column].info.get("field")
        return None

    def label(self, table: str, column: str | None = None, field: str | None = None) -> str:
        app, model = self.owner(table)
        if app is None:
            return ""
        path = f"{app}.{model}"
        fld = field or self.field(table, column)
        return f"{path}.{fld}" if fld else path

    def expected_column_text(self, table: str, column: str) -> str:
        col = self.metadata.tables[table].c[column]
        text = col.info["django_type"]
        return f"{text} {'NULL' if col.nullable else 'NOT NULL'}"


def to_discrepancies(
    ctx: CompareContext, metadata: sa.MetaData, diffs: list[Any]
) -> list[Discrepancy]:
    namer = _Namer(ctx, metadata)
    flat = _flat(diffs)
    missing_cols: dict[str, set[str]] = defaultdict(set)
    extra_cols: dict[str, set[str]] = defaultdict(set)
    for d in flat:
        if d[0] == "add_column":
            missing_cols[d[2]].add(d[3].name)
        elif d[0] == "remove_column":
            extra_cols[d[2]].add(d[3].name)

    out: list[Discrepancy] = []
    for d in flat:
        op = d[0]
        if op in ("add_table", "remove_table"):
            out.append(_table_discrepancy(namer, op, d[1]))
        elif op in ("add_column", "remove_column"):
            out.append(_column_discrepancy(ctx, namer, op, d[2], d[3]))
        elif op in ("modify_type", "modify_nullable"):
            out.append(_alter_discrepancy(ctx, namer, op, d))
        elif op == "djmigrator_column":
            out.append(_column_kind_discrepancy(namer, d[1], d[2]))
        elif op == "djmigrator":
            _side, side, table, sig, live = d
            touched = missing_cols[table] | extra_cols[table]
            if touched.intersection(sig.columns):
                continue  # the column's own discrepancy covers it
            out.append(_sig_discrepancy(namer, side, table, sig, live))
        elif op == "djmigrator_object":
            _op, table, obj = d
            if (missing_cols[table] | extra_cols[table]).intersection(obj.columns):
                continue  # the column's own discrepancy covers it
            out.append(obj.build(namer))
    return out


def _table_discrepancy(namer: _Namer, op: str, table: sa.Table) -> Discrepancy:
    name = table.name
    if op == "add_table":
        app, model = namer.owner(name)
        m2m = namer.table(name).info.get("m2m_field") if namer.table(name) is not None else None  # type: ignore[union-attr]
        who = namer.label(name, field=m2m)
        return Discrepancy(
            "missing_table",
            name,
            app_label=app,
            model=model,
            field=m2m,
            expected="table",
            message=f"{who}: table {name} is missing",
        )
    return Discrepancy(
        "extra_table",
        name,
        actual="table",
        message=f"table {name} has no model",
    )


def _column_discrepancy(
    ctx: CompareContext, namer: _Namer, op: str, table: str, column: sa.Column[Any]
) -> Discrepancy:
    app, model = namer.owner(table)
    if op == "add_column":
        fld = namer.field(table, column.name)
        return Discrepancy(
            "missing_column",
            table,
            column=column.name,
            columns=(column.name,),
            app_label=app,
            model=model,
            field=fld,
            expected=namer.expected_column_text(table, column.name),
            message=f"{namer.label(table, column.name)}: column {table}.{column.name} is missing",
        )
    actual = ctx.vendor.live_type_text(ctx, table, column)
    actual += " NULL" if column.nullable else " NOT NULL"
    # no field owns an extra column, but an auto-created M2M table is its field's
    fld = namer.field(table, column.name)
    return Discrepancy(
        "extra_column",
        table,
        column=column.name,
        columns=(column.name,),
        app_label=app,
        model=model,
        field=fld,
        actual=actual,
        message=(
            f"{namer.label(table, field=fld) or table}: column {table}.{column.name} has no field"
        ),
    )


def _alter_discrepancy(
    ctx: CompareContext, namer: _Namer, op: str, d: tuple[Any, ...]
) -> Discrepancy:
    _op, _schema, table, column, _existing, conn_value, model_value = d
    app, model = namer.owner(table)
    fld = namer.field(table, column)
    who = namer.label(table, column)
    if op == "modify_type":
        expected = namer.metadata.tables[table].c[column].info["django_type"]
        live_col = sa.Column(column, conn_value)
        actual = ctx.vendor.live_type_text(ctx, table, live_col)
        kind = "type_mismatch"
        message = f"{who}: column {table}.{column} is {actual}, expected {expected}"
    else:
        expected = "NULL" if model_value else "NOT NULL"
        actual = "NULL" if conn_value else "NOT NULL"
        kind = "nullability_mismatch"
        message = f"{who}: column {table}.{column} is {actual}, expected {expected}"
    return Discrepancy(
        kind,
        table,
        column=column,
        columns=(column,),
        app_label=app,
        model=model,
        field=fld,
        expected=expected,
        actual=actual,
        message=message,
    )


def _column_kind_discrepancy(namer: _Namer, table: str, diff: ColumnDiff) -> Discrepancy:
    app, model = namer.owner(table)
    column = diff.column
    fld = namer.field(table, column) if column else None
    who = namer.label(table, column) if column else namer.label(table)
    return Discrepancy(
        diff.kind,
        table,
        column=column,
        columns=(column,) if column else (),
        app_label=app,
        model=model,
        field=fld,
        expected=diff.expected,
        actual=diff.actual,
        message=f"{who or table}: {diff.detail}",
    )


_WORD = {"index": "index", UNIQUE: "unique constraint", FOREIGN_KEY: "foreign key"}


def _sig_discrepancy(
    namer: _Namer, side: str, table: str, sig: Sig, live: Sig | None = None
) -> Discrepancy:
    app, model = namer.owner(table)
    fld = sig.field
    if fld is None and len(sig.columns) == 1:
        fld = namer.field(table, sig.columns[0])
    if namer.table(table) is not None and namer.table(table).info.get("m2m_field"):  # type: ignore[union-attr]
        fld = namer.table(table).info["m2m_field"]  # type: ignore[union-attr]
    who = namer.label(table, field=fld) or table
    cols = ", ".join(sig.columns) if sig.columns else _expressions(sig)
    what = _WORD[sig.kind]
    named = f" {sig.name}" if sig.name and (side == "extra" or sig.by_name) else ""
    if side == "mismatch" and live is not None:
        if sig.by_name:
            expected, actual = _definition(sig), _definition(live)
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


def _expressions(sig: Sig) -> str:
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


def _definition(sig: Sig) -> str:
    """An index matched by name, as its definition: ``INDEX (qty) WHERE price > 0``."""
    word = "UNIQUE" if sig.kind == UNIQUE else "INDEX"
    text = f"{word} ({', '.join(sig.columns) if sig.columns else _expressions(sig)})"
    if sig.include:
        text += f" INCLUDE ({', '.join(sig.include)})"
    if sig.condition:
        text += f" WHERE {sig.condition}"
    return text
