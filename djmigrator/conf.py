"""The ``DJMIGRATOR`` setting, read on every call so ``override_settings`` works.

Example::

    DJMIGRATOR = {
        "IGNORE_TABLES": ["legacy_*"],          # glob patterns, both sides
        "IGNORE_KINDS": ["extra_index"],        # discrepancy kinds to drop
        "DATABASES": {                          # per alias, replaces the above
            "analytics": {"IGNORE_TABLES": ["tmp_*"]},
        },
        "LOCK_TIMEOUT": 60,                     # seconds a sync waits for another
    }
"""

from __future__ import annotations

import fnmatch
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "IGNORE_TABLES": [],
    "IGNORE_KINDS": [],
    "DATABASES": {},
    "LOCK_TIMEOUT": 60,
}


def get(name: str, alias: str | None = None) -> Any:
    """A setting's value for ``alias``: per-alias entry, then global, then default."""
    user: dict[str, Any] = getattr(settings, "DJMIGRATOR", None) or {}
    if alias is not None:
        per_alias = (user.get("DATABASES") or {}).get(alias) or {}
        if name in per_alias:
            return per_alias[name]
    return user.get(name, DEFAULTS[name])


def ignored_table(table: str, alias: str) -> bool:
    return any(fnmatch.fnmatchcase(table, pattern) for pattern in get("IGNORE_TABLES", alias))


def ignored_kinds(alias: str) -> frozenset[str]:
    return frozenset(get("IGNORE_KINDS", alias))
