"""The public functions: ``compare`` and ``sync`` (its work is in ``djmigrator.sync``).

The management command is a thin shell over these; they return frozen
dataclasses (``djmigrator.report``) and never print.  What SQLAlchemy and
alembic warn about meanwhile becomes notes of the report (``libwarnings``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import connections

from .comparison.comparator import compare_alias
from .comparison.fleet import compare_schemas
from .comparison.gcpause import older_objects_frozen
from .errors import DjmigratorError
from .failures import reported
from .libwarnings import captured
from .report import AliasReport, Report
from .reporting.explain import explain_reports


def resolve_aliases(
    using: str | Sequence[str] | None = None, *, all_databases: bool = False
) -> list[str]:
    """The aliases to work on, checked against ``DATABASES``."""
    if all_databases:
        return list(connections.settings)
    if using is None:
        aliases = ["default"]
    elif isinstance(using, str):
        aliases = [using]
    else:
        aliases = list(dict.fromkeys(using)) or ["default"]
    known = list(connections.settings)
    for alias in aliases:
        if alias not in known:
            raise DjmigratorError(
                f"The database alias '{alias}' is not in DATABASES "
                f"(known: {', '.join(known)}); pass one of those to --database."
            )
    return aliases


def check_app_labels(app_labels: Collection[str] | None, apps: Apps | None = None) -> None:
    registry = apps or global_apps
    for label in app_labels or ():
        try:
            registry.get_app_config(label)
        except LookupError:
            raise DjmigratorError(
                f"App '{label}' could not be found. Is it in INSTALLED_APPS?"
            ) from None


def _run_per_alias(aliases: list[str], fn: object) -> tuple[AliasReport, ...]:
    """Run ``fn(alias)`` for each alias, concurrently when there are several.

    Django connections are per thread: each worker opens its own and closes it.
    """
    assert callable(fn)
    with older_objects_frozen():
        return _per_alias(aliases, fn)


def _per_alias(aliases: list[str], fn: Any) -> tuple[AliasReport, ...]:
    def run(alias: str) -> AliasReport | tuple[AliasReport, ...]:
        with reported(alias):  # a dropped connection, a corrupt file: one line
            result: AliasReport | tuple[AliasReport, ...] = fn(alias)
        return result

    if len(aliases) == 1 or any(connections[a].in_atomic_block for a in aliases):
        # Inside the caller's atomic() only the caller's own connections see
        # its uncommitted work: stay in this thread.
        return _flat(run(alias) for alias in aliases)

    def work(alias: str) -> AliasReport | tuple[AliasReport, ...]:
        try:
            return run(alias)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=min(len(aliases), 8)) as pool:
        return _flat(pool.map(work, aliases))


def _flat(results: Iterable[AliasReport | tuple[AliasReport, ...]]) -> tuple[AliasReport, ...]:
    """One report per alias, or several (one per schema: ``fleet``)."""
    out: list[AliasReport] = []
    for result in results:
        out.extend(result if isinstance(result, tuple) else (result,))
    return tuple(out)


def compare(
    using: str | Sequence[str] | None = "default",
    app_labels: Collection[str] | None = None,
    *,
    all_databases: bool = False,
    apps: Apps | None = None,
    schemas: Sequence[str] | None = None,
    explain: bool = True,
) -> Report:
    """Compare the models with the live schema of one or more aliases.

    ``schemas`` (PostgreSQL): glob patterns of the schemas to compare, each
    one entry of ``databases``; with django-tenants every tenant's schema is
    compared, the patterns narrowing them (see ``djmigrator.comparison.tenants``).

    ``explain``: fill in each discrepancy's ``source`` and ``migration``
    (``djmigrator.reporting.explain``); off, both stay None.

    >>> report = compare("default")
    >>> report.in_sync, [d.kind for d in report.discrepancies]
    """
    aliases = resolve_aliases(using, all_databases=all_databases)
    labels = list(app_labels) if app_labels else None
    check_app_labels(labels, apps)
    patterns = list(schemas) if schemas else None

    def one(alias: str) -> tuple[AliasReport, ...]:
        reports = compare_schemas(
            alias, patterns, apps=apps, app_labels=labels, standalone=True, compare=compare_alias
        )
        if not explain:
            return reports
        return explain_reports(reports, alias, apps=apps, app_labels=labels)

    return _quietly(lambda: Report(databases=_run_per_alias(aliases, one)))


def sync(
    using: str | Sequence[str] | None = "default",
    app_labels: Collection[str] | None = None,
    **options: Any,
) -> Report:
    """Bring the database(s) in line with the models (``djmigrator.synchronization``)."""
    from .synchronization.sync import sync as _sync

    return _quietly(lambda: _sync(using, app_labels, **options))


def _quietly(run: Callable[[], Report]) -> Report:
    """``run()``, with the libraries' warnings as notes of each alias's report."""
    notes: list[str] = []
    with captured(notes):
        report = run()
    if not notes:
        return report
    return dataclasses.replace(
        report,
        databases=tuple(
            dataclasses.replace(db, notes=(*db.notes, *(n for n in notes if n not in db.notes)))
            for db in report.databases
        ),
    )
