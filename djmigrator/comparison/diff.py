"""alembic ``compare_metadata`` -> the SPEC's discrepancies, in Django terms.

alembic's own table and column comparison finds missing and extra tables and
columns; everything else is compared by the comparators of the kinds
(``kinds``), registered as the ``djmigrator.compare`` alembic plugin, which use
the vendor module's rules.  alembic's name-based index comparison and its
server-default comparison are not loaded.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.runtime.plugins import Plugin

from ..report import Discrepancy
from .context import CompareContext
from .kinds import COLUMN_COMPARATORS, TABLE_COMPARATORS
from .kinds.tables import alter_discrepancy, column_discrepancy, table_discrepancy

PLUGIN_NAME = "djmigrator.compare"
PLUGINS = [
    "alembic.autogenerate.schemas",
    "alembic.autogenerate.tables",
    PLUGIN_NAME,
]


def _setup(plugin: Plugin) -> None:
    for name, comparator in COLUMN_COMPARATORS:
        plugin.add_autogenerate_comparator(comparator, "column", name)
    for name, comparator in TABLE_COMPARATORS:
        plugin.add_autogenerate_comparator(comparator, "table", name)


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


class Namer:
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
    namer = Namer(ctx, metadata)
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
            out.append(table_discrepancy(namer, op, d[1]))
        elif op in ("add_column", "remove_column"):
            out.append(column_discrepancy(ctx, namer, op, d[2], d[3]))
        elif op in ("modify_type", "modify_nullable"):
            out.append(alter_discrepancy(ctx, namer, op, d))
        elif op == "djmigrator_object":
            _op, table, obj = d
            if (missing_cols[table] | extra_cols[table]).intersection(obj.columns):
                continue  # the column's own discrepancy covers it
            out.append(obj.build(namer))
    return out
