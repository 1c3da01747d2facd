"""The ``DJMIGRATOR`` setting, read on every call so ``override_settings`` works.

Example::

    DJMIGRATOR = {
        "IGNORE_TABLES": ["legacy_*"],          # glob patterns, both sides
        "IGNORE_KINDS": ["extra_index"],        # discrepancy kinds to drop
        "DATABASES": {                          # per alias, replaces the above
            "analytics": {"IGNORE_TABLES": ["tmp_*"]},
        },
        "LOCK_TIMEOUT": 60,                     # seconds a sync waits for another
        "WORKERS": None,                        # processes for a large comparison
    }

A malformed setting is never half-applied: every accessor raises
``DjmigratorError`` (exit status 2 in the command) naming what is wrong, and
the system check ``djmigrator.E001`` lists the same problems (``problems()``).
"""

from __future__ import annotations

import fnmatch
from typing import Any

from django.conf import settings
from django.db import connections

from .errors import DjmigratorError
from .report import KINDS

DEFAULTS: dict[str, Any] = {
    "IGNORE_TABLES": [],
    "IGNORE_KINDS": [],
    "DATABASES": {},
    "LOCK_TIMEOUT": 60,
    "WORKERS": None,
}

#: The keys an entry of ``DJMIGRATOR["DATABASES"]`` may set for its alias.
PER_ALIAS_KEYS: tuple[str, ...] = ("IGNORE_TABLES", "IGNORE_KINDS", "LOCK_TIMEOUT", "WORKERS")


def _user_setting() -> Any:
    value = getattr(settings, "DJMIGRATOR", None)
    return {} if value is None else value


def problems() -> list[str]:
    """Everything wrong with the ``DJMIGRATOR`` setting, one sentence each."""
    value = _user_setting()
    if not isinstance(value, dict):
        return [f"DJMIGRATOR must be a dict, not {type(value).__name__}."]
    found = _scope_problems("DJMIGRATOR", value, tuple(DEFAULTS))
    per_alias = value.get("DATABASES", {})
    if not isinstance(per_alias, dict):
        found.append(
            f"DJMIGRATOR['DATABASES'] must be a dict of alias -> settings, "
            f"not {type(per_alias).__name__}."
        )
        return found
    known_aliases = list(connections.settings)
    for alias, scope in per_alias.items():
        where = f"DJMIGRATOR['DATABASES'][{alias!r}]"
        if alias not in known_aliases:
            found.append(
                f"{where} names a database alias that is not in DATABASES "
                f"(known: {', '.join(known_aliases)})."
            )
        if not isinstance(scope, dict):
            found.append(f"{where} must be a dict, not {type(scope).__name__}.")
            continue
        found.extend(_scope_problems(where, scope, PER_ALIAS_KEYS))
    return found


def _scope_problems(where: str, scope: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    unknown = sorted(str(k) for k in set(scope) - set(allowed))
    if unknown:
        found.append(
            f"{where} has unknown keys: {', '.join(unknown)} (known: {', '.join(allowed)})."
        )
    for key in ("IGNORE_TABLES", "IGNORE_KINDS"):
        if key not in scope:
            continue
        items = scope[key]
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            found.append(f"{where}['{key}'] must be a list of strings, not {items!r}.")
            continue
        if key == "IGNORE_KINDS":
            bad = sorted(set(items) - set(KINDS))
            if bad:
                found.append(
                    f"{where}['IGNORE_KINDS'] names unknown kinds: {', '.join(bad)} "
                    f"(known: {', '.join(KINDS)})."
                )
    if "LOCK_TIMEOUT" in scope:
        timeout = scope["LOCK_TIMEOUT"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            found.append(
                f"{where}['LOCK_TIMEOUT'] must be a number of seconds >= 0, not {timeout!r}."
            )
    if "WORKERS" in scope:
        workers = scope["WORKERS"]
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
        ):
            found.append(
                f"{where}['WORKERS'] must be None (as many as the CPUs allow) or a "
                f"number of processes >= 1, not {workers!r}."
            )
    return found


def get(name: str, alias: str | None = None) -> Any:
    """A setting's value for ``alias``: per-alias entry, then global, then default.

    Raises ``DjmigratorError`` when the setting is malformed.
    """
    wrong = problems()
    if wrong:
        raise DjmigratorError(
            "The DJMIGRATOR setting is malformed: "
            + " ".join(wrong)
            + " Fix it in your settings ('manage.py check' lists the problems as djmigrator.E001)."
        )
    user: dict[str, Any] = _user_setting()
    if alias is not None:
        per_alias = user.get("DATABASES", {}).get(alias, {})
        if name in per_alias:
            return per_alias[name]
    return user.get(name, DEFAULTS[name])


def ignored_table(table: str, alias: str) -> bool:
    """Does an ``IGNORE_TABLES`` glob (case-sensitive) in force on ``alias`` match ``table``?"""
    return any(fnmatch.fnmatchcase(table, pattern) for pattern in get("IGNORE_TABLES", alias))


def ignored_kinds(alias: str) -> frozenset[str]:
    return frozenset(get("IGNORE_KINDS", alias))
