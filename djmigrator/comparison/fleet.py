"""Compare one alias across its PostgreSQL schemas (``--schema``, django-tenants).

Each selected schema is one ``AliasReport`` with ``schema`` set.  Most
schemas of a fleet are identical: the server computes a digest of each
schema's catalog in bulk (``tenants.schema_digests``, a query per
``DIGEST_BATCH`` schemas), and schemas with the same digest (and the same
models to compare, see ``_role``) share one comparison: its discrepancies are
exactly theirs, since the digest covers every catalog fact the comparison
reads and the schema's name appears in no discrepancy.  The cost then follows
the number of distinct schemas, not the number of schemas.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.apps.registry import Apps

from ..aliases import AliasContext, resolve
from ..report import AliasReport
from .comparator import compare_alias, shared_expected
from .tenants import (
    public_schema,
    schema_digests,
    select_schemas,
    tenant_type,
    uses_django_tenants,
)


def compare_schemas(
    alias: str | AliasContext,
    patterns: Sequence[str] | None,
    *,
    apps: Apps | None = None,
    app_labels: Collection[str] | None = None,
    standalone: bool = False,
    compare: Callable[..., AliasReport] = compare_alias,
) -> tuple[AliasReport, ...]:
    """The reports of ``alias``'s selected schemas (its own path alone if none)."""
    target = resolve(alias)
    connection = target.connection
    schemas = select_schemas(target.alias, connection, patterns)
    if schemas == [None]:
        return (compare(target, apps=apps, app_labels=app_labels, standalone=standalone),)
    named = [s for s in schemas if s is not None]
    digests = schema_digests(connection, named)
    tenants = uses_django_tenants(connection)
    shared: dict[tuple[str, str], AliasReport] = {}
    reports: list[AliasReport] = []
    with shared_expected():  # the models' side planned once for every schema
        for schema in named:
            key = (digests[schema], _role(connection, schema, tenants))
            report = shared.get(key)
            if report is None:
                report = compare(
                    target, apps=apps, app_labels=app_labels, standalone=standalone, schema=schema
                )
                shared[key] = report
            reports.append(dataclasses.replace(report, schema=schema))
    return tuple(reports)


def _role(connection: Any, schema: str, tenants: bool) -> str:
    """Which models a schema is compared with: with django-tenants, the public
    schema holds the shared apps and every other schema the tenant apps (of
    its tenant's type, with multi-type tenants)."""
    if tenants and schema == public_schema():
        return "public"
    kind = tenant_type(connection, schema) if tenants else None
    return "schema" if kind is None else f"schema of type {kind}"
