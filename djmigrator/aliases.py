"""One ``DATABASES`` alias, resolved once: its connection, vendor, routing and
``DJMIGRATOR`` settings.

A comparison or a sync resolves its alias here once, in the thread that uses
it (Django's connections are per thread), and passes the ``AliasContext`` down:
the comparator, the fleet, the sync's lock, lock waits, plan and repair read
it instead of looking the alias up again.  Every function that takes one also
takes a plain alias name (the library's entry points, and tests), which it
resolves on the spot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.backends.base.base import BaseDatabaseWrapper

from . import conf
from .connection import ensure_connected

if TYPE_CHECKING:
    from .vendors.base import Vendor


@dataclass(frozen=True)
class AliasContext:
    alias: str
    connection: BaseDatabaseWrapper
    vendor: Vendor
    #: the alias whose routing decides what belongs here: a test mirror is a
    #: replica of another alias, and holds what the router sends there
    routing: str
    #: ``DJMIGRATOR`` for this alias (its ``DATABASES`` entry over the top level)
    ignore_tables: tuple[str, ...]
    ignored_kinds: frozenset[str]
    lock_timeout: float
    workers: int | None

    @property
    def is_mirror(self) -> bool:
        return self.routing != self.alias


def resolve(alias: str | AliasContext) -> AliasContext:
    """``alias`` resolved (connected; an ``AliasContext`` is returned as is)."""
    if isinstance(alias, AliasContext):
        return alias
    from .vendors import get_vendor  # the vendors import the comparison's modules

    connection = ensure_connected(alias)
    mirror = (connection.settings_dict.get("TEST") or {}).get("MIRROR")
    workers = conf.get("WORKERS", alias)
    return AliasContext(
        alias=alias,
        connection=connection,
        vendor=get_vendor(connection.vendor),
        routing=str(mirror) if mirror else alias,
        ignore_tables=tuple(conf.get("IGNORE_TABLES", alias)),
        ignored_kinds=frozenset(conf.ignored_kinds(alias)),
        lock_timeout=float(conf.get("LOCK_TIMEOUT", alias)),
        workers=None if workers is None else int(workers),
    )
