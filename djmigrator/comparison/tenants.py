"""Which PostgreSQL schemas an alias holds, and how a comparison works in one.

Without django-tenants, ``--schema PATTERN`` selects schemas by name (glob);
with it (``TENANT_MODEL``, ``SHARED_APPS``, ``TENANT_APPS`` or multi-type
``TENANT_TYPES``, and its ``postgresql_backend``), the public schema and
every tenant's schema, read from the tenant model (with each tenant's type),
are compared, ``--schema`` narrowing them.

``schema_scope`` makes a schema the first one of the connection's
``search_path`` (then the alias's own path), the way django-tenants does for
a tenant; ``tables_in_schema`` is what a comparison then reflects, so that a
table the schema lacks is missing even where another schema on the path has
it.

``schema_digests`` lets most schemas of a fleet share one comparison: the
server computes, per schema, an md5 digest over every catalog fact a
comparison reads (relations, columns with their types, nullability,
defaults, identity, generation, collation and comments; indexes; constraints
with their columns and targets), with the schema's own name factored out
only where a reference points back into the schema itself.  Whatever could
differ between two schemas that the digest does not factor out (a type or a
function qualified with the schema's name) makes their digests differ: the
digest may split schemas that are alike, never join schemas that differ.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from ..errors import DjmigratorError

#: Schemas the server itself keeps: never selected by a pattern.
SYSTEM_SCHEMA = re.compile(r"^(pg_.*|information_schema)$")

#: Schemas whose digests one query computes (bounds the memory of a fleet).
DIGEST_BATCH = 1000

#: The schema ``schema_scope`` has made current in this thread, if any.
_CURRENT: ContextVar[str | None] = ContextVar("djmigrator_schema", default=None)


def current_schema() -> str | None:
    """The schema a per-schema sync (or comparison) is working in now."""
    return _CURRENT.get()


_QUALIFIED = re.compile(r'^"([^"]+)"\."([^"]+)"$')


def split_qualified(db_table: str) -> tuple[str | None, str]:
    """``'"other"."mytable"'`` -> ``("other", "mytable")``; else ``(None, db_table)``.

    Django passes a ``db_table`` that is already quoted through untouched, so
    on PostgreSQL this is how a model lives in a schema of its own.
    """
    match = _QUALIFIED.match(db_table)
    if match is None:
        return None, db_table
    return match[1], match[2]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def uses_django_tenants(connection: BaseDatabaseWrapper) -> bool:
    """Is ``connection`` django-tenants' backend, with its settings (one type of
    tenant: ``SHARED_APPS`` / ``TENANT_APPS``; several: ``TENANT_TYPES``)?"""
    return (
        connection.vendor == "postgresql"
        and hasattr(connection, "set_schema")
        and hasattr(connection, "set_tenant")
        and bool(getattr(settings, "TENANT_MODEL", None))
        and (
            (hasattr(settings, "SHARED_APPS") and hasattr(settings, "TENANT_APPS")) or _multi_type()
        )
    )


def _multi_type() -> bool:
    """django-tenants' multi-type tenants: each type has its own apps."""
    return bool(getattr(settings, "HAS_MULTI_TYPE_TENANTS", False)) and bool(
        getattr(settings, "TENANT_TYPES", None)
    )


#: alias -> each tenant schema's type (multi-type tenants), as last read
_TYPES: dict[str, dict[str, str]] = {}


def tenant_type(connection: BaseDatabaseWrapper, schema: str) -> str | None:
    """The django-tenants type of ``schema``'s tenant (None: one type only,
    or the public schema, whose apps the router knows by its name)."""
    return _TYPES.get(connection.alias, {}).get(schema)


def public_schema() -> str:
    return str(getattr(settings, "PUBLIC_SCHEMA_NAME", "public"))


def tenant_schemas(connection: BaseDatabaseWrapper) -> list[str]:
    """Every tenant's schema, from the tenant model (public first)."""
    from django.apps import apps

    model: Any = apps.get_model(str(getattr(settings, "TENANT_MODEL", "")))
    public = public_schema()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field("schema_name").column)
    kind = "NULL"
    if _multi_type():  # the router needs each tenant's type to know its apps
        field = str(getattr(settings, "MULTI_TYPE_DATABASE_FIELD", "") or "type")
        kind = quote(model._meta.get_field(field).column)
    with _public(connection), connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, {kind} FROM {table} ORDER BY {column}")
        rows = [(str(row[0]), row[1]) for row in cursor.fetchall()]
    _TYPES[connection.alias] = {n: str(t) for n, t in rows if t is not None and n != public}
    return [public, *(n for n, _ in rows if n != public)]


@contextmanager
def _public(connection: BaseDatabaseWrapper) -> Iterator[None]:
    if not uses_django_tenants(connection):
        yield
        return
    previous = connection.tenant  # type: ignore[attr-defined]
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.set_tenant(previous)  # type: ignore[attr-defined]


def all_schemas(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace ORDER BY nspname")
        return [str(r[0]) for r in cursor.fetchall() if not SYSTEM_SCHEMA.match(str(r[0]))]


def select_schemas(
    alias: str, connection: BaseDatabaseWrapper, patterns: Sequence[str] | None
) -> list[str | None]:
    """The schemas to compare on ``alias``: ``[None]`` for its own search path only."""
    tenants = uses_django_tenants(connection)
    if not patterns and not tenants:
        return [None]
    if connection.vendor != "postgresql":
        raise DjmigratorError(
            f"--schema works on PostgreSQL only; database '{alias}' is {connection.vendor}: "
            "leave --schema out for it."
        )
    names = tenant_schemas(connection) if tenants else all_schemas(connection)
    if not patterns:
        return list(names)
    chosen: list[str | None] = []
    for pattern in patterns:
        matched = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
        if not matched:
            what = "tenant schema" if tenants else "schema"
            raise DjmigratorError(
                f"No {what} of database '{alias}' matches --schema {pattern!r}; "
                f"list them with \\dn in psql and pass an existing name or pattern."
            )
        chosen += (n for n in matched if n not in chosen)
    return chosen


@contextmanager
def schema_scope(connection: BaseDatabaseWrapper, schema: str) -> Iterator[None]:
    """``search_path`` = ``schema``, then the alias's own path, for the block."""
    token = _CURRENT.set(schema)
    try:
        with _search_path(connection, schema):
            yield
    finally:
        _CURRENT.reset(token)


@contextmanager
def _search_path(connection: BaseDatabaseWrapper, schema: str) -> Iterator[None]:
    if uses_django_tenants(connection):
        previous = connection.tenant  # type: ignore[attr-defined]
        include_public = connection.include_public_schema  # type: ignore[attr-defined]
        connection.set_schema(schema, tenant_type=tenant_type(connection, schema))  # type: ignore[attr-defined]
        with connection.cursor():
            pass  # django-tenants sets the path as a cursor is made
        try:
            yield
        finally:
            connection.set_tenant(previous, include_public)  # type: ignore[attr-defined]
            with connection.cursor():
                pass
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        own = str(cursor.fetchone()[0])
        path = quote_ident(schema) + (f", {own}" if own.strip() else "")
        cursor.execute("SELECT set_config('search_path', %s, false)", [path])
    try:
        yield
    finally:
        if not connection.needs_rollback and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('search_path', %s, false)", [own])


@contextmanager
def own_migration_records(
    connection: BaseDatabaseWrapper, schema: str, *, create: bool
) -> Iterator[None]:
    """Inside ``schema_scope``: make sure ``schema`` has its own ``django_migrations``.

    As django-tenants' ``migrate_schemas`` does: the table is looked for (and
    created) with only ``schema`` on the path, so that another schema's table
    further along the path is never taken for it.
    """
    from django.db.migrations.recorder import MigrationRecorder

    if create:
        if uses_django_tenants(connection):
            kind = tenant_type(connection, schema)
            connection.set_schema(schema, include_public=False, tenant_type=kind)  # type: ignore[attr-defined]
            try:
                MigrationRecorder(connection).ensure_schema()
            finally:
                connection.set_schema(schema, tenant_type=kind)  # type: ignore[attr-defined]
                with connection.cursor():
                    pass
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('search_path')")
                path = str(cursor.fetchone()[0])
                cursor.execute("SELECT set_config('search_path', %s, false)", [quote_ident(schema)])
            try:
                MigrationRecorder(connection).ensure_schema()
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('search_path', %s, false)", [path])
    yield


def tables_in_schema(connection: BaseDatabaseWrapper, schema: str) -> set[str]:
    """The names of the relations ``schema`` holds (what a comparison reflects there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            [schema],
        )
        return {str(r[0]) for r in cursor.fetchall()}


def schema_exists(connection: BaseDatabaseWrapper, schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s", [schema])
        return cursor.fetchone() is not None


# Every value is written with quote_nullable, so no two different sets of
# facts make the same text.  References into the schema itself are written
# as '=', references elsewhere with the other schema's name.  Indexes and
# constraints are digested whole (their pg_catalog rows as JSON, less the
# object ids of the row itself, its table and its schema): columns appear as
# attribute numbers, which the columns' own lines pin to names, expressions
# as the server's node trees, whose object ids (a type, a function, a
# sequence of the schema's own) differ between schemas wherever they name
# different objects.
_Q = "quote_nullable"
#: a node tree without the positions of its nodes in the statement's text
#: (where the DDL happened to stand in a script: no fact about the schema)
_LOC = "' :location -?[0-9]+'"
DIGEST_SQL = f"""
WITH ns AS (
    SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY(%s)
), rel AS NOT MATERIALIZED (
    SELECT c.oid, c.relnamespace AS ns, c.relname, c.relkind, c.relpersistence,
        c.reloptions, c.relispartition, c.relrowsecurity
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace IN (SELECT oid FROM ns)
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
), line AS (
    SELECT r.ns, concat_ws('|', 'R', {_Q}(r.relname), {_Q}(r.relkind::text),
        {_Q}(r.relpersistence::text), {_Q}(r.reloptions::text),
        {_Q}(r.relispartition::text), {_Q}(r.relrowsecurity::text),
        {_Q}(ds.description)) AS text
    FROM rel r
    LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = r.oid
        AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
    UNION ALL
    SELECT r.ns, concat_ws('|', 'C', {_Q}(r.relname), {_Q}(a.attnum::text),
        {_Q}(a.attname), {_Q}(pg_catalog.format_type(a.atttypid, a.atttypmod)),
        {_Q}(a.attnotnull::text), {_Q}(a.attidentity::text), {_Q}(a.attgenerated::text),
        {_Q}(regexp_replace(d.adbin::text, {_LOC}, '', 'g')),
        {_Q}(CASE WHEN co.oid IS NULL THEN NULL
             WHEN co.collnamespace = r.ns THEN '=' || co.collname
             ELSE con.nspname || '.' || co.collname END),
        {_Q}(ds.description), {_Q}(a.attndims::text), {_Q}(a.attstorage::text)) AS text
    FROM rel r
    JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
    LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = r.oid
        AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum
    UNION ALL
    SELECT r.ns, concat_ws('|', 'I', {_Q}(r.relname), {_Q}(ic.relname), {_Q}(am.amname),
        {_Q}(i.indisunique::text), {_Q}(i.indisprimary::text),
        {_Q}(i.indisexclusion::text), {_Q}(i.indimmediate::text), {_Q}(i.indisvalid::text),
        {_Q}(i.indnkeyatts::text), {_Q}(i.indkey::text), {_Q}(i.indclass::text),
        {_Q}(i.indoption::text), {_Q}(i.indcollation::text),
        {{nulls_not_distinct}}
        {_Q}(regexp_replace(i.indexprs::text, {_LOC}, '', 'g')),
        {_Q}(regexp_replace(i.indpred::text, {_LOC}, '', 'g')),
        {_Q}(ic.reloptions::text)) AS text
    FROM rel r
    JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid = ic.relam
    UNION ALL
    SELECT r.ns, concat_ws('|', 'K', {_Q}(r.relname),
        {_Q}(k.conname), {_Q}(k.contype::text), {_Q}(k.condeferrable::text),
        {_Q}(k.condeferred::text), {_Q}(k.convalidated::text), {_Q}(k.conkey::text),
        {_Q}(k.confkey::text), {_Q}(k.confupdtype::text), {_Q}(k.confdeltype::text),
        {_Q}(k.confmatchtype::text), {_Q}(k.conislocal::text), {_Q}(k.coninhcount::text),
        {_Q}(k.connoinherit::text), {_Q}(k.conexclop::text),
        {_Q}(regexp_replace(k.conbin::text, {_LOC}, '', 'g')),
        {_Q}(CASE WHEN fc.oid IS NULL THEN NULL
             WHEN fc.relnamespace = r.ns THEN '=' || fc.relname
             ELSE fn.nspname || '.' || fc.relname END)) AS text
    FROM rel r
    JOIN pg_catalog.pg_constraint k ON k.conrelid = r.oid
    LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
    LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
)
SELECT ns.nspname, md5(coalesce(string_agg(line.text, E'\\n' ORDER BY line.text COLLATE "C"), ''))
FROM ns LEFT JOIN line ON line.ns = ns.oid
GROUP BY ns.nspname
"""


def schema_digests(connection: BaseDatabaseWrapper, schemas: Sequence[str]) -> dict[str, str]:
    """``{schema: digest}``, one query per ``DIGEST_BATCH`` schemas (see above)."""
    digests: dict[str, str] = {}
    # NULLS NOT DISTINCT is PostgreSQL 15's
    version = int(getattr(connection, "pg_version", 0) or 0)
    nulls = f"{_Q}(i.indnullsnotdistinct::text)," if version >= 150000 else ""
    sql = DIGEST_SQL.replace("{nulls_not_distinct}", nulls)
    with connection.cursor() as cursor:
        for start in range(0, len(schemas), DIGEST_BATCH):
            batch = list(schemas[start : start + DIGEST_BATCH])
            cursor.execute(sql, [batch])
            digests.update((str(name), str(digest)) for name, digest in cursor.fetchall())
    return digests
