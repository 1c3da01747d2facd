"""System checks (ids are stable and listed in the README).

- ``djmigrator.E001``: the ``DJMIGRATOR`` setting is malformed (one per problem).
- ``djmigrator.W001``: schema drift on a database alias (``check --database``),
  one per discrepancy, limited to the apps ``check APP_LABEL ...`` names.
- ``djmigrator.W002``: an alias ``check --database`` names cannot be compared
  (unreachable, unsupported vendor, malformed settings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core import checks
from django.db import DatabaseError

from . import conf


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            problem,
            hint="See the DJMIGRATOR settings in djmigrator's README.",
            id="djmigrator.E001",
        )
        for problem in conf.problems()
    ]


@checks.register(checks.Tags.database)
def check_drift(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Iterable[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """Warn about schema drift on each alias ``check --database`` names.

    Silent while migrations are unapplied on the alias: ``migrate`` runs the
    database checks before applying them, and their effects are not drift.
    """
    from .api import compare
    from .errors import DjmigratorError

    labels = [config.label for config in app_configs] if app_configs is not None else None
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        try:
            if _migrations_pending(alias):
                # ``migrate`` runs this check before it applies them: their
                # effects are not drift yet.
                continue
            report = compare(alias, labels, schemas=_tenant_schema(alias), explain=False)
        except (DjmigratorError, DatabaseError) as exc:
            messages.append(
                checks.Warning(
                    f"Database '{alias}' could not be compared with the models: {exc}",
                    id="djmigrator.W002",
                )
            )
            continue
        for d in report.discrepancies:
            messages.append(
                checks.Warning(
                    f"Schema drift on database '{alias}': {d.message}",
                    hint=(
                        f"Run 'manage.py smart_makemigrations --check --database {alias}' "
                        "for the full report."
                    ),
                    obj=_owner(d.app_label, d.model) or f"database '{alias}'",
                    id="djmigrator.W001",
                )
            )
    return messages


def _tenant_schema(alias: str) -> list[str] | None:
    """With django-tenants, only the schema the connection is on: ``migrate_schemas``
    runs ``migrate`` (and so this check) once per schema."""
    import glob

    from django.db import connections

    from .comparison.tenants import uses_django_tenants

    connection = connections[alias]
    if not uses_django_tenants(connection):
        return None
    return [glob.escape(str(connection.schema_name))]  # type: ignore[attr-defined]


def _migrations_pending(alias: str) -> bool:
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _owner(app_label: str | None, model: str | None) -> Any:
    """The model a discrepancy belongs to, so the check prints ``app.Model:``."""
    if app_label is None or model is None:
        return None
    try:
        return global_apps.get_model(app_label, model)
    except LookupError:
        return None
