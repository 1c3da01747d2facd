"""Shared by the column kinds' drift tests (``colkinds`` app): one column's
definition changed with raw SQL on each vendor."""

from __future__ import annotations

from django.db import connections

from .conftest import qn, run_sql
from .drift_helpers import replace_once, sqlite_rebuild, vendor

PRICED = "colkinds_priced"
SUMMED = "colkinds_summed"


def change(alias: str, table: str, *, sqlite: tuple[str, str], mysql: str, pg: str) -> None:
    """SQLite: swap ``sqlite[0]`` for ``sqlite[1]`` in the CREATE TABLE text;
    MySQL/MariaDB: ``ALTER TABLE <table> <mysql>``; PostgreSQL: ``ALTER TABLE <table> <pg>``."""
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, table, replace_once(*sqlite))
    else:
        clause = mysql if vendor(alias) == "mysql" else pg
        run_sql(alias, f"ALTER TABLE {qn(alias, table)} {clause}")


def sqlite_recreate(alias: str, table: str, old: str, new: str) -> None:
    """Create empty SQLite ``table`` again from its CREATE TABLE text with ``old``
    replaced by ``new`` (a generated column's rows cannot be copied over)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        (sql,) = cursor.fetchone()
    assert sql.count(old) == 1, (old, sql)
    run_sql(alias, f"DROP TABLE {qn(alias, table)}", sql.replace(old, new))


def now_sql(alias: str) -> str:
    """How Django writes ``Now()`` as a default on ``alias``."""
    return {
        "sqlite": "(STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'))",
        "postgresql": "(STATEMENT_TIMESTAMP())",
        "mysql": "(CURRENT_TIMESTAMP(6))",
    }[connections[alias].vendor]
