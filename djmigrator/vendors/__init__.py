"""Per-vendor behaviour, behind a registry keyed by ``connection.vendor``."""

from __future__ import annotations

from ..errors import DjmigratorError
from .base import Vendor
from .mysql import MySQLVendor
from .postgresql import PostgreSQLVendor
from .sqlite import SQLiteVendor

REGISTRY: dict[str, type[Vendor]] = {
    "sqlite": SQLiteVendor,
    "postgresql": PostgreSQLVendor,
    "mysql": MySQLVendor,
}


def get_vendor(vendor: str) -> Vendor:
    try:
        return REGISTRY[vendor]()
    except KeyError:
        raise DjmigratorError(
            f"djmigrator does not support the {vendor!r} database backend; "
            "use SQLite, PostgreSQL, MySQL or MariaDB."
        ) from None


__all__ = ["REGISTRY", "Vendor", "get_vendor"]
