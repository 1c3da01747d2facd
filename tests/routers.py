"""Database routers for the multi-database tests.

Install them with ``override_settings(DATABASE_ROUTERS=[...])``: Django's
``setting_changed`` handler (django/test/signals.py, ``clear_routers_cache``)
rebuilds ``django.db.router.routers``, so the override reaches every thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AppRouter:
    """``migrate`` puts each app named in ``routes`` on its alias only.

    Apps not named have no opinion from this router (``None``), so Django's
    default applies: they are migrated on every alias.
    """

    def __init__(self, routes: Mapping[str, str]) -> None:
        self.routes = dict(routes)

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        target = self.routes.get(app_label)
        if target is None:
            return None
        return db == target

    def __repr__(self) -> str:
        return f"AppRouter({self.routes!r})"


class ReplicaRouter:
    """The usual read-replica router: nothing is ever migrated on ``replica``."""

    def __init__(self, replica: str) -> None:
        self.replica = replica

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == self.replica else None
