"""A sync per PostgreSQL schema (``--schema``, django-tenants).

Each schema is synced on its own, as django-tenants' ``migrate_schemas``
migrates each tenant: with that schema first on the ``search_path``
(``tenants.schema_scope``), its own ``django_migrations`` (created there if
missing), its own lock (``locks``) and its own record of part-done
migrations (``progress``), deciding per migration with the same fake /
apply / partial / restore rules.  Each schema is one entry of the report,
with what was done there; a run that stops half-way leaves the schemas it
finished recorded as done in their own ``django_migrations``, and the next
run finishes the others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from ..comparison.tenants import own_migration_records, schema_scope, select_schemas
from ..connection import ensure_connected
from ..report import AliasReport


def sync_schemas(
    alias: str,
    patterns: Sequence[str] | None,
    run: Callable[[bool], AliasReport],
    *,
    dry_run: bool,
) -> tuple[AliasReport, ...]:
    """``run(first)`` in each selected schema of ``alias`` (its own path if none)."""
    connection = ensure_connected(alias)
    schemas = select_schemas(alias, connection, patterns)
    if schemas == [None]:
        return (run(True),)
    reports: list[AliasReport] = []
    for index, schema in enumerate(s for s in schemas if s is not None):
        with (
            schema_scope(connection, schema),
            own_migration_records(connection, schema, create=not dry_run),
        ):
            report = run(index == 0)
        reports.append(dataclasses.replace(report, schema=schema))
    return tuple(reports)
