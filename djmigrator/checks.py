"""System checks (ids are stable and listed in the README).

- ``djmigrator.E001``: the ``DJMIGRATOR`` setting is malformed.
- ``djmigrator.W001``: schema drift on a database alias (``check --database``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks

from . import conf
from .report import KINDS


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    from django.conf import settings

    value = getattr(settings, "DJMIGRATOR", {})
    if not isinstance(value, dict):
        return [checks.Error("DJMIGRATOR must be a dict.", id="djmigrator.E001")]
    unknown = set(value) - set(conf.DEFAULTS)
    if unknown:
        errors.append(
            checks.Error(
                f"DJMIGRATOR has unknown keys: {', '.join(sorted(unknown))}.",
                hint=f"Known keys: {', '.join(conf.DEFAULTS)}.",
                id="djmigrator.E001",
            )
        )
    scopes = [value] + list((value.get("DATABASES") or {}).values())
    for scope in scopes:
        bad = set(scope.get("IGNORE_KINDS") or ()) - set(KINDS)
        if bad:
            errors.append(
                checks.Error(
                    f"DJMIGRATOR IGNORE_KINDS names unknown kinds: {', '.join(sorted(bad))}.",
                    hint=f"Known kinds: {', '.join(KINDS)}.",
                    id="djmigrator.E001",
                )
            )
    return errors


@checks.register(checks.Tags.database)
def check_drift(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn about schema drift on each alias ``check --database`` names."""
    from .api import compare
    from .errors import DjmigratorError

    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        try:
            report = compare(alias)
        except DjmigratorError as exc:
            messages.append(checks.Warning(str(exc), id="djmigrator.W002"))
            continue
        for d in report.discrepancies:
            messages.append(
                checks.Warning(
                    f"Schema drift on database '{alias}': {d.message}",
                    hint="Run 'manage.py smart_makemigrations --check' for the full report.",
                    id="djmigrator.W001",
                )
            )
    return messages
