"""SQLite's virtual tables and their shadow tables, read from the catalog."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..comparison.virtualtables import VirtualTable

_MODULE = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s.*?\bUSING\s+([A-Za-z0-9_]+)", re.I | re.S)

#: the shadow tables of the modules SQLite ships, for SQLite < 3.37 (whose
#: ``PRAGMA table_list`` does not mark them)
_SHADOW_SUFFIXES = {
    "fts5": ("data", "idx", "content", "docsize", "config"),
    "fts4": ("content", "segments", "segdir", "docsize", "stat"),
    "fts3": ("content", "segments", "segdir", "docsize", "stat"),
    "rtree": ("node", "parent", "rowid"),
    "rtree_i32": ("node", "parent", "rowid"),
    "geopoly": ("node", "parent", "rowid"),
}

#: columns a module has without declaring them
_HIDDEN = {"fts3": ("docid",), "fts4": ("docid",), "fts5": ("rank",)}


def read_virtual_tables(conn: sa.Connection) -> dict[str, VirtualTable]:
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    ).all()
    modules = {}
    for name, sql in rows:
        match = _MODULE.match(sql or "")
        modules[str(name)] = match.group(1).lower() if match else "unknown"
    if not modules:
        return {}
    tables = {
        str(name)
        for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    marked = _marked_shadows(conn)
    found = {}
    for name, module in modules.items():
        if marked is not None:
            # a shadow table belongs to the longest virtual name it extends
            shadows = {
                s
                for s in marked
                if s.startswith(f"{name}_")
                and not any(len(o) > len(name) and s.startswith(f"{o}_") for o in modules)
            }
        else:
            shadows = {f"{name}_{suffix}" for suffix in _SHADOW_SUFFIXES.get(module, ())}
        hidden = {"rowid", *_HIDDEN.get(module, ())}
        if module == "fts5":
            hidden.add(name)  # the column named after the table, for its commands
        found[name] = VirtualTable(name, module, frozenset(shadows & tables), frozenset(hidden))
    return found


def _marked_shadows(conn: sa.Connection) -> set[str] | None:
    """Tables ``PRAGMA table_list`` marks as shadow (SQLite 3.37+), else None."""
    try:
        rows = conn.exec_driver_sql("PRAGMA main.table_list").all()
    except sa.exc.DBAPIError:
        return None
    if not rows:
        return None  # an older SQLite ignores an unknown pragma
    return {str(row[1]) for row in rows if row[2] == "shadow"}
