"""Compare one alias: expected MetaData, reflection, alembic, discrepancies."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import fnmatch
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

from ..aliases import AliasContext, resolve
from ..connection import ensure_connected, sa_connection
from ..report import AliasReport, Discrepancy
from . import virtualtables
from .context import CompareContext
from .diff import run_alembic, to_discrepancies
from .expected import ExpectedSchema, build_expected, iter_models, model_is_compared
from .gcpause import one_batch
from .parallel import fork_safe, run_shares, worker_count
from .reflection import shared_reflection
from .tenants import current_schema, quote_ident, schema_scope, split_qualified, tables_in_schema

#: Tables Django itself keeps, and djmigrator's own (progress.py); never compared.
DJANGO_TABLES = frozenset({"django_migrations", "djmigrator_progress"})

#: Tables built and compared at once (bounds memory; see ``compare_alias``).
BATCH_TABLES = 100


def compare_alias(
    alias: str | AliasContext,
    *,
    apps: Apps | None = None,
    app_labels: Collection[str] | None = None,
    tables: Collection[str] | None = None,
    report_extra_tables: bool | None = None,
    standalone: bool = False,
    schema: str | None = None,
) -> AliasReport:
    """Compare the models of ``apps`` (default: the installed ones) with ``alias``.

    ``app_labels`` limits the comparison to those apps' tables (plus tables
    named ``<label>_*`` that no model owns); ``tables`` limits it to exactly
    those table names.

    ``standalone``: the comparison is all its process does for now (a check,
    ``djmigrator.compare``).  A large one may then be shared between forked
    processes (``djmigrator.comparison.parallel``), and the collector is managed around
    its batches (``gcpause``).  A sync leaves it off: it holds session state
    on the connection (its lock), and objects of its own that a freeze would
    keep from the collector.

    ``schema`` (PostgreSQL): compare against that schema, with ``search_path``
    set to it and then the alias's own path (``tenants.schema_scope``); only
    the tables that schema holds are reflected.  Models whose ``db_table``
    names a schema (``'"other"."mytable"'``) are compared against it, with
    the alias's own path.
    """
    target = resolve(alias)
    connection = target.connection
    options: dict[str, Any] = {
        "apps": apps,
        "app_labels": app_labels,
        "standalone": standalone,
    }
    if schema is None:
        schema = current_schema()  # a per-schema sync's own comparisons
    if schema is not None:
        scope: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if current_schema() != schema:
            scope = schema_scope(connection, schema)
        with scope:
            report, _ = _compare(
                target,
                tables=tables,
                report_extra_tables=report_extra_tables,
                live_schema=schema,
                **options,
            )
        return dataclasses.replace(report, schema=schema)
    report, others = _compare(
        target, tables=tables, report_extra_tables=report_extra_tables, **options
    )
    found, notes = list(report.discrepancies), list(report.notes)
    for other in sorted(others):
        if tables is None:
            named: set[str] | None = None
        else:
            named = {t for s, t in map(split_qualified, tables) if s == other}
            if not named:
                continue
        with schema_scope(connection, other):
            part, _ = _compare(
                target,
                tables=named,
                report_extra_tables=False,
                live_schema=other,
                qualified_schema=other,
                **options,
            )
        found += (_qualified(d, other) for d in part.discrepancies)
        notes += (n for n in part.notes if n not in notes)
    if not others:
        return report
    kept = sorted(found, key=Discrepancy.sort_key)
    return dataclasses.replace(report, discrepancies=tuple(kept), notes=tuple(notes))


def _qualified(d: Discrepancy, schema: str) -> Discrepancy:
    """``d`` of a table in ``schema``, named as its model's ``db_table`` names it."""
    name = f"{quote_ident(schema)}.{quote_ident(d.table)}"
    who, sep, what = d.message.partition(": ")
    if not sep:
        who, what = "", d.message
    bare = re.compile(rf"(?<![\w.\"]){re.escape(d.table)}(?=[.\s(]|$)")
    what = bare.sub(lambda _: name, what)
    return dataclasses.replace(d, table=name, message=f"{who}{sep}{what}")


def _compare(
    target: AliasContext,
    *,
    apps: Apps | None,
    app_labels: Collection[str] | None,
    tables: Collection[str] | None,
    report_extra_tables: bool | None,
    standalone: bool,
    live_schema: str | None = None,
    qualified_schema: str | None = None,
) -> tuple[AliasReport, set[str]]:
    alias, connection, vendor = target.alias, target.connection, target.vendor
    registry = apps or global_apps
    # A test mirror is a replica of another alias: it holds what the router
    # sends to that alias, not what it would send to the mirror itself.
    routing = target.routing
    ignore_patterns = target.ignore_tables

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in ignore_patterns)

    if tables is not None:
        # Django's names, and the names the server stores for them (PostgreSQL
        # truncates identifiers at 63 bytes): a caller may give either
        tables = {*tables, *(vendor.stored_name(t) for t in tables)}
    expected = _expected(
        connection,
        registry,
        routing,
        only_tables=set(tables) if tables is not None else None,
        qualified_schema=qualified_schema,
    )
    # in a schema, only what it holds is reflected (the path goes on to others)
    live = tables_in_schema(connection, live_schema) if live_schema is not None else None
    selected = _selected_tables(expected.app_of_table, app_labels, tables)
    selected = {t for t in selected if not ignored(t)}
    prefixes = tuple(f"{label}_" for label in app_labels or ())
    if report_extra_tables is None:
        report_extra_tables = tables is None

    def extra_candidate(name: str) -> bool:
        """A live table without a compared model that is reported if present."""
        if tables is not None and name in tables:
            # a table the caller names is compared even without a model
            # (a migration's DeleteModel): present means extra.
            return name not in expected.ignored_tables and not ignored(name)
        if (
            not report_extra_tables
            or name in expected.app_of_table
            or name in expected.ignored_tables
            or name in DJANGO_TABLES
            or vendor.is_internal_table(name)
            or ignored(name)
        ):
            return False
        return app_labels is None or name.startswith(prefixes)

    # Tables are built, reflected and compared a batch at a time, so that
    # memory stays bounded however many models there are; where the dialect
    # reads in bulk, the live schema is read once per process instead (see
    # ``reflection``).  A large
    # schema is shared between processes (``parallel``), each taking whole
    # batches; extra tables are compared with the last batch.
    order = [t for t in expected.sources if t in selected]
    batches = [order[i : i + BATCH_TABLES] for i in range(0, len(order), BATCH_TABLES)] or [[]]
    workers = 1
    if standalone:
        workers = worker_count(target.workers, len(order))
        if workers > 1 and not fork_safe(connection):
            workers = 1
    shares = _shares(batches, workers)
    session = None
    if len(shares) > 1:
        session = vendor.session_state(connection)
        if expected.keep_plans:  # planned once for a fleet's schemas: before the fork
            with vendor.building(connection):
                expected.plan(order)
        # else each process plans its own share: in parallel, at the cost of
        # copying the memory pages of the models it touches
        with sa_connection(alias):
            pass  # the dialect reads the server's settings once, here: workers inherit them

    def worker_setup() -> None:
        vendor.restore_session_state(ensure_connected(alias), session)

    # A check manages the collector around its batches (``gcpause``); a sync
    # leaves it to its schedule.
    batch_context = one_batch if standalone else contextlib.nullcontext

    def work(share: list[list[str]]) -> tuple[list[Discrepancy], list[str]]:
        with_extras = share is shares[-1]
        # What one reflection reads: the whole share where the dialect reads
        # in bulk, else one batch at a time (``reflection``).
        scopes = [share] if vendor.reflects_in_bulk else [[batch] for batch in share]
        found: list[Discrepancy] = []
        with sa_connection(alias) as sa_conn, vendor.building(connection):
            ctx = CompareContext(alias, connection, sa_conn, vendor)
            for scope in scopes:
                scope_tables = {t for batch in scope for t in batch}
                scope_extras = with_extras and scope is scopes[-1]

                def reflected(
                    name: str, tables: set[str] = scope_tables, extras: bool = scope_extras
                ) -> bool:
                    return name in tables or (extras and extra_candidate(name))

                with shared_reflection(sa_conn, reflected):
                    for batch in scope:
                        last = scope_extras and batch is scope[-1]
                        with batch_context():
                            found += compare_batch(ctx, batch, last)
        return found, ctx.notes

    def compare_batch(ctx: CompareContext, batch: list[str], last: bool) -> list[Discrepancy]:
        batch_set = set(batch)
        metadata = expected.build(batch)
        _resolve_types(ctx, metadata.tables.values())

        def include_table(name: str) -> bool:
            if live is not None and name not in live:
                return False  # another schema's, further along the search path
            # extra tables are compared with the last batch
            if name in batch_set:
                return True
            return last and name not in selected and extra_candidate(name)

        diffs = run_alembic(
            ctx,
            metadata,
            include_table=include_table,
            include_metadata_table=batch_set.__contains__,
        )
        return virtualtables.settle(ctx, to_discrepancies(ctx, metadata, diffs))

    found: list[Discrepancy] = []
    notes: list[str] = []
    for share_found, share_notes in run_shares(shares, work, worker_setup):
        found += share_found
        notes += (n for n in share_notes if n not in notes)
    ignored_kinds = target.ignored_kinds
    kept = sorted((d for d in found if d.kind not in ignored_kinds), key=Discrepancy.sort_key)
    report = AliasReport(
        alias=alias,
        vendor=_vendor_label(connection),
        discrepancies=tuple(kept),
        notes=tuple(notes),
    )
    # the other schemas that hold tables of the apps compared here
    others = {
        name
        for name, labels in expected.other_schemas.items()
        if app_labels is None or labels.intersection(app_labels)
    }
    return report, others


#: while set (``shared_expected``): the models' side, built once and reused by
#: every comparison of the same models (the schemas of a fleet)
_EXPECTED: contextvars.ContextVar[dict[Any, ExpectedSchema] | None] = contextvars.ContextVar(
    "djmigrator_expected", default=None
)


@contextlib.contextmanager
def shared_expected() -> Iterator[None]:
    """Build the models' side once for all comparisons inside (a fleet's
    schemas): each table is planned once, however many schemas differ."""
    token = _EXPECTED.set({})
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def _expected(
    connection: Any,
    registry: Apps,
    routing: str,
    *,
    only_tables: set[str] | None,
    qualified_schema: str | None,
) -> ExpectedSchema:
    memo = _EXPECTED.get()
    if memo is None:
        return build_expected(
            connection,
            registry,
            routing,
            only_tables=only_tables,
            qualified_schema=qualified_schema,
        )
    # which models migrate creates here is the routers' answer, which may
    # depend on the schema (django-tenants: shared apps in public only)
    compared = tuple(m._meta.label for m in iter_models(registry) if model_is_compared(m, routing))
    key = (
        connection.alias,
        id(registry),
        routing,
        frozenset(only_tables) if only_tables is not None else None,
        qualified_schema,
        compared,
    )
    expected = memo.get(key)
    if expected is None:
        expected = memo[key] = build_expected(
            connection,
            registry,
            routing,
            only_tables=only_tables,
            qualified_schema=qualified_schema,
        )
        expected.keep_plans = True  # the next schema builds from the same plans
    return expected


def _shares(batches: list[list[str]], workers: int) -> list[list[list[str]]]:
    """``batches`` in ``workers`` contiguous runs of about equal size."""
    workers = max(1, min(workers, len(batches)))
    size, rest = divmod(len(batches), workers)
    shares, start = [], 0
    for number in range(workers):
        end = start + size + (1 if number < rest else 0)
        shares.append(batches[start:end])
        start = end
    return shares


def _selected_tables(
    app_of_table: dict[str, str],
    app_labels: Collection[str] | None,
    tables: Collection[str] | None,
) -> set[str]:
    chosen = set(app_of_table)
    if app_labels is not None:
        labels = set(app_labels)
        chosen = {t for t in chosen if app_of_table[t] in labels}
    if tables is not None:
        chosen &= set(tables)
    return chosen


def _resolve_types(ctx: CompareContext, tables: Iterable[Any]) -> None:
    columns = [c for t in tables for c in t.columns]
    specs = [(c.info["django_type"], c.info["collate_sql"]) for c in columns]
    # one probe per new set of types, not per batch of tables
    resolved: dict[Any, Any] = ctx.cache.setdefault("resolved_types", {})
    new = [spec for spec in specs if spec not in resolved]
    if new:
        resolved.update(ctx.vendor.resolve_types(ctx, new))
    for column, spec in zip(columns, specs, strict=True):
        type_ = resolved.get(spec)
        if type_ is not None:
            column.type = type_


def _vendor_label(connection: Any) -> str:
    return str(connection.vendor)
