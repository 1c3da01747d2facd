"""How the live schema is read: in bulk, once per comparison, only what is compared.

alembic's ``compare_metadata`` reflects through an ``Inspector``: it first
reads every table it will compare with the dialect's ``get_multi_*`` methods
(one query per kind of thing on PostgreSQL), then builds each table from that
cache.  The comparison engine's Inspector class (``lean_inspector``) adjusts
that in two ways:

* kinds of things no comparison reads are not fetched at all (table
  options; comments where nothing compares them);
* within ``shared_reflection``, every Inspector made on the connection shares
  one cache, and the bulk reads cover every table of the scope, so that
  comparing the tables a batch at a time (``comparator``) still reads the
  schema once per scope.  Where a dialect reads in bulk (PostgreSQL: one
  query per kind of thing, whatever the number of tables) the scope is the
  whole comparison; elsewhere SQLAlchemy reads table by table anyway, and a
  scope per batch keeps only one batch's reflection in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.reflection import Inspector

#: What alembic reads in bulk (alembic.autogenerate.compare.util._INSP_KEYS).
BULK_KINDS = (
    "columns",
    "pk_constraint",
    "foreign_keys",
    "indexes",
    "unique_constraints",
    "table_comment",
    "check_constraints",
    "table_options",
)

#: What no comparison reads.
UNREAD_REFLECTION = ("table_comment", "table_options")

_SHARED = "djmigrator_shared_reflection"


_TABLE_NAMES = "djmigrator_table_names"


class _Shared:
    def __init__(self, include: Callable[[str], bool], live_names: dict[Any, list[str]]) -> None:
        self.include = include
        self.live_names = live_names
        self.cache: dict[Any, Any] = {}
        self.names: dict[str | None, list[str]] = {}
        #: per-table reads of a vendor module's own (``scoped_cache``)
        self.vendor_caches: dict[str, dict[Any, Any]] = {}

    def tables(self, inspector: Inspector, schema: str | None) -> list[str]:
        if schema not in self.names:
            if schema not in self.live_names:
                self.live_names[schema] = inspector.get_table_names(schema=schema)
            self.names[schema] = [t for t in self.live_names[schema] if self.include(t)]
        return self.names[schema]


@contextmanager
def shared_reflection(conn: sa.Connection, include: Callable[[str], bool]) -> Iterator[None]:
    """Share one reflection of the tables ``include`` accepts, on ``conn``.

    What is read is dropped at the end; the live table names are read once
    per connection (one comparison: see ``connection.sa_connection``).
    """
    conn.info[_SHARED] = _Shared(include, conn.info.setdefault(_TABLE_NAMES, {}))
    try:
        yield
    finally:
        conn.info.pop(_SHARED, None)


def scoped_cache(conn: sa.Connection, key: str) -> dict[Any, Any]:
    """A vendor module's cache of per-table reads, dropped with the shared reflection.

    Outside ``shared_reflection`` it lasts as long as the connection's ``info``.
    """
    shared: _Shared | None = conn.info.get(_SHARED)
    if shared is not None:
        return shared.vendor_caches.setdefault(key, {})
    cache: dict[Any, Any] = conn.info.setdefault(key, {})
    return cache


def _shared(inspector: Inspector) -> _Shared | None:
    info = getattr(inspector.bind, "info", None)
    return info.get(_SHARED) if info is not None else None


def _not_read(key: str) -> Any:
    def method(self: Inspector, *args: Any, **kwargs: Any) -> Any:
        # alembic's pre-cache takes NotImplementedError for "the dialect has
        # no such thing" and reflects the tables without it.
        raise NotImplementedError

    method.__name__ = f"get_multi_{key}"  # alembic looks the dialect's up by name
    return method


def _bulk(base: type[Inspector], key: str) -> Any:
    inherited = getattr(base, f"get_multi_{key}")

    def method(
        self: Inspector, schema: str | None = None, filter_names: Any = None, **kw: Any
    ) -> Any:
        shared = _shared(self)
        if shared is not None and filter_names is not None:
            filter_names = shared.tables(self, schema)
        return inherited(self, schema=schema, filter_names=filter_names, **kw)

    method.__name__ = f"get_multi_{key}"
    return method


def _info_cache(self: Inspector) -> dict[Any, Any]:
    shared = _shared(self)
    if shared is not None:
        return shared.cache
    own: dict[Any, Any] = self.__dict__.setdefault("_djm_own_cache", {})
    return own


def _set_info_cache(self: Inspector, value: dict[Any, Any]) -> None:
    self.__dict__["_djm_own_cache"] = value


def lean_inspector(base: type[Inspector], unread: tuple[str, ...]) -> type[Inspector]:
    """``base`` reading nothing of ``unread``, and sharing its reads (see above)."""
    attrs: dict[str, Any] = {
        f"get_multi_{key}": _not_read(key) if key in unread else _bulk(base, key)
        for key in BULK_KINDS
    }
    attrs["info_cache"] = property(_info_cache, _set_info_cache)
    return type(f"Lean{base.__name__}", (base,), attrs)
