"""Django models -> ``sqlalchemy.MetaData``, as Django's schema editor creates them.

Every decision that differs per vendor is taken by asking Django itself: column
types come from ``field.db_parameters(connection)``, indexes from the schema
editor's ``_model_indexes_sql`` (which includes PostgreSQL's ``_like`` indexes and
MySQL's InnoDB rules), unique constraints from ``_create_unique_sql`` and
``UniqueConstraint.create_sql``.  The statements those return are read, never
executed, so the MetaData mirrors the DDL that ``migrate`` would have run.

Column types are left as ``NullType`` here with Django's type text in
``column.info["django_type"]``; the vendor module resolves them to the types
that reflection of the live database yields (see ``vendors.base``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

# Importing the dialect registers the ``postgresql_*`` keyword arguments that
# expected indexes carry (operator classes, access method).
import sqlalchemy.dialects.postgresql
from django.apps.registry import Apps
from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Columns, Statement
from django.db.models import CheckConstraint, Field, Model, UniqueConstraint

from .kinds.column_expected import column_facts
from .kinds.uniques import deferrable_text
from .tenants import split_qualified

ModelType = type[Model]


#: What builds one compared table: the model, the model owning it (an
#: auto-created many-to-many table's), and that many-to-many field.
Source = tuple[ModelType, ModelType | None, Any]


@dataclass
class ExpectedSchema:
    """The models' side of a comparison for one alias.

    Planned for every model at once, built into SQLAlchemy tables a batch at a
    time (``build``), so that a comparison never holds every table's objects.
    """

    connection: BaseDatabaseWrapper
    #: tables that belong to models djmigrator does not compare (unmanaged,
    #: proxy, swapped, not creatable on this vendor): never reported as extra.
    ignored_tables: set[str] = field(default_factory=set)
    #: app label of each compared table (auto-created M2M tables included).
    app_of_table: dict[str, str] = field(default_factory=dict)
    #: how to build each compared table, in the models' order
    sources: dict[str, Source] = field(default_factory=dict)

    #: schemas named by models' ``db_table`` ('"schema"."table"') not planned
    #: here, with the labels of the apps whose models name them
    other_schemas: dict[str, set[str]] = field(default_factory=dict)

    #: tables planned ahead (``plan``)
    plans: dict[str, TablePlan] = field(default_factory=dict)
    #: keep what ``build`` plans (the schemas of a fleet build from one plan)
    keep_plans: bool = False

    def plan(self, tables: Iterable[str]) -> None:
        """Ask Django about ``tables`` now; ``build`` then touches no model or field.

        Before forking comparison workers (``parallel``): a process that
        touches an object writes its reference count, which unshares the
        memory page the object sits on, so workers building from Django's
        models would each copy most of them.
        """
        planner = _Planner(self.connection)
        for name in tables:
            if name not in self.plans:
                self.plans[name] = planner.plan(*self.sources[name])

    def build(self, tables: Iterable[str]) -> sa.MetaData:
        """A new MetaData holding the compared ``tables``."""
        metadata = sa.MetaData()
        planner: _Planner | None = None
        for name in tables:
            plan = self.plans.get(name)
            if plan is None:  # planned as it is built, and not kept (unless asked)
                planner = planner or _Planner(self.connection)
                plan = planner.plan(*self.sources[name])
                if self.keep_plans:
                    self.plans[name] = plan
            if plan.name not in metadata.tables:
                _make_table(plan, metadata)
        return metadata


def model_is_compared(model: ModelType, alias: str) -> bool:
    """Would ``migrate`` create this model's table on ``alias``?

    The same test as Django's ``Operation.allow_migrate_model``: the model must
    be migratable there (managed, not proxy/swapped, ``required_db_vendor`` and
    ``required_db_features`` met) and the routers must allow it.
    """
    return model._meta.can_migrate(alias) and bool(router.allow_migrate_model(alias, model))


def iter_models(apps: Apps, app_labels: Iterable[str] | None = None) -> Iterator[ModelType]:
    labels = set(app_labels) if app_labels is not None else None
    for model in apps.get_models(include_auto_created=False):
        if labels is None or model._meta.app_label in labels:
            yield model


def build_expected(
    connection: BaseDatabaseWrapper,
    apps: Apps,
    alias: str,
    only_tables: set[str] | None = None,
    qualified_schema: str | None = None,
) -> ExpectedSchema:
    """Plan the tables of every model that ``migrate`` creates on ``alias``.

    ``only_tables``: just the models owning these tables (a sync's
    per-migration comparison), skipping the cost of the others.

    On PostgreSQL a ``db_table`` like ``'"other"."mytable"'`` puts a model in
    a schema of its own: such models are planned only when
    ``qualified_schema`` names their schema (and then only they are), under
    their bare table name; the others' schemas are listed in
    ``other_schemas``.
    """
    schema = ExpectedSchema(connection)
    from ..vendors import get_vendor  # vendors import this module

    stored = get_vendor(connection.vendor).stored_name
    postgresql = connection.vendor == "postgresql"
    for model in iter_models(apps):
        opts = model._meta
        if only_tables is not None and not _owns_any(model, only_tables):
            continue
        in_schema = split_qualified(opts.db_table)[0] if postgresql else None
        if in_schema != qualified_schema:
            if in_schema is not None and model_is_compared(model, alias):
                schema.other_schemas.setdefault(in_schema, set()).add(opts.app_label)
            continue
        if model_is_compared(model, alias):
            units: list[Source] = [(model, None, None)]
            for m2m in opts.local_many_to_many:
                through: Any = m2m.remote_field.through
                if through._meta.auto_created:
                    units.append((through, model, m2m))
            for unit in units:
                db_table = unit[0]._meta.db_table
                table = stored(split_qualified(db_table)[1] if postgresql else db_table)
                if table not in schema.sources:
                    schema.sources[table] = unit
                    schema.app_of_table[table] = (unit[1] or unit[0])._meta.app_label
        elif not opts.managed or opts.proxy or opts.swapped or not opts.can_migrate(connection):
            bare = split_qualified(opts.db_table)[1] if postgresql else opts.db_table
            schema.ignored_tables.add(stored(bare))
            for m2m in opts.local_many_to_many:
                schema.ignored_tables.add(stored(m2m.m2m_db_table()))
    return schema


class LazySQL:
    """Django's DDL for one constraint, rendered only if a repair needs it."""

    __slots__ = ("_args", "_make", "_text")

    def __init__(self, make: Any, *args: Any) -> None:
        self._make, self._args = make, args
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = str(self._make(*self._args) or "")
        return self._text

    def __reduce__(self) -> tuple[Any, ...]:
        # sent from a comparison worker (``parallel``) as the text itself
        return (str, (str(self),))


def _owns_any(model: ModelType, tables: set[str]) -> bool:
    opts = model._meta
    if opts.db_table in tables or split_qualified(opts.db_table)[1] in tables:
        return True
    return any(m2m.m2m_db_table() in tables for m2m in opts.local_many_to_many)


def _unquote(name: str) -> str:
    name = str(name)
    if len(name) >= 2 and name[0] == name[-1] and name[0] in '"`[':
        return name[1:-1]
    return name


#: One column: stored name, primary key, nullable, comment, then its info:
#: field name, Django's type text, collation, COLLATE clause, many-to-many field,
#: and the column kinds' expected facts (``columns.expected``).
ColumnPlan = tuple[str, bool, bool, Any, str, str, Any, str, Any, dict[str, Any]]


@dataclass(slots=True)
class TablePlan:
    """What one table is built from: plain values, and Django's statements for repairs.

    Building a table from its plan touches no Django model or field (see
    ``ExpectedSchema.plan``).
    """

    name: str
    info: dict[str, Any]
    columns: list[ColumnPlan] = field(default_factory=list)
    #: a composite primary key, in the key's order
    primary_key: list[str] | None = None
    #: constraints and indexes in the order Django declares them:
    #: ("unique", columns, name, info),
    #: ("index", name, [(column, descending)], unique, info, dialect kwargs),
    #: ("expression_index", name, SQL text, unique, info),
    #: ("foreign_key", column, "table.column", info),
    #: ("check", name, condition SQL, info)
    items: list[tuple[Any, ...]] = field(default_factory=list)


def _make_table(plan: TablePlan, metadata: sa.MetaData) -> None:
    table = sa.Table(plan.name, metadata, info=plan.info)
    for (
        name,
        is_pk,
        nullable,
        comment,
        fld,
        type_text,
        collation,
        collate,
        m2m,
        facts,
    ) in plan.columns:
        info = {
            "field": fld,
            "django_type": type_text,
            "collation": collation,
            "collate_sql": collate,
            "m2m_field": m2m,
            **facts,
        }
        table.append_column(
            sa.Column(
                name,
                sa.types.NullType(),
                primary_key=is_pk,
                nullable=nullable,
                autoincrement=False,
                comment=comment,
                info=info,
            )
        )
    if plan.primary_key:
        table.append_constraint(sa.PrimaryKeyConstraint(*plan.primary_key))
    for item in plan.items:
        kind = item[0]
        if kind == "unique":
            _, columns, name, info = item
            table.append_constraint(sa.UniqueConstraint(*columns, name=name, info=info))
        elif kind == "index":
            _, name, elements, unique, info, kwargs = item
            # Columns are given by name, with the table: SQLAlchemy resolves
            # names several times faster than it coerces Column objects.
            columns = [table.c[c].desc() if desc else c for c, desc in elements]
            sa.Index(name, *columns, unique=unique, info=info, _table=table, **kwargs)
        elif kind == "expression_index":
            _, name, text, unique, info = item
            sa.Index(name, sa.text(text), unique=unique, info=info, _table=table)
        elif kind == "check":
            # the condition stays in ``info`` as Django wrote it (``objects.checks``)
            _, name, text, info = item
            table.append_constraint(sa.CheckConstraint(sa.true(), name=name, info=info))
        else:  # foreign_key
            _, column, target, info = item
            table.append_constraint(
                sa.ForeignKeyConstraint([column], [target], use_alter=True, info=info)
            )


class _Planner:
    """Django's models -> ``TablePlan``, by asking Django's schema editor."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.editor: BaseDatabaseSchemaEditor = connection.SchemaEditorClass(
            connection, collect_sql=True
        )
        from ..vendors import get_vendor  # vendors import this module

        self.vendor = get_vendor(connection.vendor)
        #: table and column names as the server stores them (truncated on PG)
        self.stored = self.vendor.stored_name

    def bare(self, db_table: str) -> str:
        """A table's name without the schema a PostgreSQL ``db_table`` may name."""
        if self.connection.vendor != "postgresql":
            return db_table
        return split_qualified(db_table)[1]

    # -- tables and columns -------------------------------------------------
    def plan(
        self,
        model: ModelType,
        owner: ModelType | None = None,
        m2m_field: Any = None,
    ) -> TablePlan:
        opts = model._meta
        owner_opts = (owner or model)._meta
        plan = TablePlan(
            self.stored(self.bare(opts.db_table)),
            info={
                "app_label": owner_opts.app_label,
                "model": owner_opts.object_name,
                "auto_created": bool(opts.auto_created),
                "m2m_field": m2m_field.name if m2m_field is not None else None,
                "comment": getattr(opts, "db_table_comment", None),
            },
        )
        pk_columns = self._pk_columns(model)
        for fld in opts.local_fields:
            column = self._column(fld, pk_columns, m2m_field)
            if column is not None:
                plan.columns.append(column)
        names = {column[0] for column in plan.columns}
        if len(pk_columns) > 1 and all(self.stored(c) in names for c in pk_columns):
            # in the composite key's order, not the fields' (what InnoDB's
            # implicit FK index rule looks at)
            plan.primary_key = [self.stored(c) for c in pk_columns]
        self._add_uniques(model, plan)
        self._add_checks(model, plan, names)
        self._add_indexes(model, plan)
        self._add_foreign_keys(model, plan, names)
        return plan

    def _pk_columns(self, model: ModelType) -> list[str]:
        pk = model._meta.pk
        if pk is None:
            return []
        columns = getattr(pk, "columns", None)  # CompositePrimaryKey (Django 5.2)
        if columns and not isinstance(columns, str):
            return [c.column if hasattr(c, "column") else str(c) for c in columns]
        return [pk.column]

    def _column(
        self, fld: Field[Any, Any], pk_columns: list[str], m2m_field: Any
    ) -> ColumnPlan | None:
        params = fld.db_parameters(connection=self.connection)
        type_text = params["type"]
        if type_text is None or not fld.concrete:
            return None
        collation = params.get("collation")
        features = self.connection.features
        null = fld.null
        if (
            fld.empty_strings_allowed
            and not fld.primary_key
            and features.interprets_empty_strings_as_nulls
        ):
            null = True
        is_pk = fld.column in pk_columns
        if getattr(fld, "generated", False):
            nullable = True  # Django never writes NOT NULL on a generated column
        else:
            nullable = bool(null) and not is_pk
        collate = str(self.editor._collate_sql(collation)) if collation else ""  # type: ignore[attr-defined]
        return (
            self.stored(fld.column),  # type: ignore[arg-type]
            is_pk,
            nullable,
            getattr(fld, "db_comment", None),
            fld.name,
            type_text,
            collation,
            collate,
            m2m_field.name if m2m_field is not None else None,
            column_facts(self.editor, self.connection, fld, type_text),
        )

    # -- uniques ------------------------------------------------------------
    def _add_uniques(self, model: ModelType, plan: TablePlan) -> None:
        opts = model._meta
        for fld in opts.local_fields:
            if (
                fld.unique
                and not fld.primary_key
                and fld.concrete
                and fld.db_parameters(connection=self.connection)["type"] is not None
            ):
                sql = LazySQL(self.editor._create_unique_sql, model, [fld])  # type: ignore[attr-defined]
                info = {"field": fld.name, "django_sql": sql}
                plan.items.append(("unique", [self.stored(fld.column)], None, info))  # type: ignore[arg-type]
        for field_names in opts.unique_together:
            fields = [opts.get_field(name) for name in field_names]
            self._add_statement(plan, self.editor._create_unique_sql(model, fields))  # type: ignore[attr-defined]
        for constraint in opts.constraints:
            if isinstance(constraint, UniqueConstraint):
                # django-stubs types create_sql() as str; Django returns a Statement.
                self._add_statement(plan, constraint.create_sql(model, self.editor))  # type: ignore[arg-type]

    # -- checks -------------------------------------------------------------
    def _add_checks(self, model: ModelType, plan: TablePlan, columns: set[str]) -> None:
        """A field's own CHECK (``db_check``: ``>= 0`` of positive integers, ...),
        written inline in its column's definition, and ``Meta.constraints``'
        ``CheckConstraint``s."""
        connection = self.connection
        opts = model._meta
        table = opts.db_table
        own_checks = connection.data_type_check_constraints
        can_add = self.vendor.can_add_check
        for fld in opts.local_fields:
            if fld.get_internal_type() not in own_checks:
                continue
            check = fld.db_check(connection)
            column = self.stored(fld.column)  # type: ignore[arg-type]
            if not check or column not in columns:
                continue
            # named by the server (inline), or by Django when AlterField added it
            altered = self.editor._create_index_name(table, [fld.column], suffix="_check")  # type: ignore[attr-defined]
            names = (*self.vendor.inline_check_names(connection, plan.name, column), altered)
            sql: LazySQL | str = ""
            if can_add:
                sql = LazySQL(self.editor._create_check_sql, model, altered, check)  # type: ignore[attr-defined]
            info: dict[str, Any] = {
                "field": fld.name,
                "column": column,
                "text": check,
                "names": names,
                "django_sql": sql,
            }
            plan.items.append(("check", None, check, info))
        if not connection.features.supports_table_check_constraints:
            return
        for constraint in opts.constraints:
            if isinstance(constraint, CheckConstraint):
                text = constraint._get_check_sql(model, self.editor)  # type: ignore[attr-defined]
                name = self.stored(constraint.name)
                sql = LazySQL(constraint.create_sql, model, self.editor) if can_add else ""
                info = {
                    "field": None,
                    "column": None,
                    "text": text,
                    "names": (name,),
                    "django_sql": sql,
                }
                plan.items.append(("check", name, text, info))

    # -- indexes ------------------------------------------------------------
    def _add_indexes(self, model: ModelType, plan: TablePlan) -> None:
        for statement in self.editor._model_indexes_sql(model):  # type: ignore[attr-defined]
            self._add_statement(plan, statement)

    def _add_statement(self, plan: TablePlan, statement: Statement | None) -> None:
        """Record an index / unique statement of Django's schema editor."""
        if statement is None:
            return
        parts = statement.parts
        template = statement.template.upper()
        unique = "UNIQUE" in template
        is_constraint = "CONSTRAINT" in template
        name = self.stored(_unquote(str(parts["name"]))) if parts.get("name") else None
        cols_part = parts.get("columns")
        condition = str(parts.get("condition") or "").strip()
        include = str(parts.get("include") or "").strip()
        using = str(parts.get("using") or "").strip()
        method = using.split()[-1].strip('"').lower() if using else None
        by_name = bool(condition or include) or not isinstance(cols_part, Columns)
        info = {
            "by_name": by_name,
            "django_sql": statement,  # rendered when needed
            # what the vendor's template writes (MySQL's has neither)
            "condition": re.sub(r"(?is)^\s*WHERE\s+", "", condition)
            if "%(condition)s" in statement.template
            else "",
            "include": [self.stored(n) for n in _INCLUDED.findall(include)]
            if "%(include)s" in statement.template
            else [],
        }
        if not isinstance(cols_part, Columns):
            plan.items.append(("expression_index", name, str(cols_part), unique, info))
            return
        names = [self.stored(c) for c in cols_part.columns]
        if unique and is_constraint and not by_name:
            # Django 5.0+: UniqueConstraint(nulls_distinct=False), deferrable=
            nulls = " ".join(str(parts.get("nulls_distinct") or "").upper().split())
            deferrable = " ".join(str(parts.get("deferrable") or "").upper().split())
            info["nulls_not_distinct"] = nulls == "NULLS NOT DISTINCT"
            info["deferrable"] = deferrable_text(
                deferrable.startswith("DEFERRABLE"), deferrable.endswith("INITIALLY DEFERRED")
            )
            plan.items.append(("unique", names, name, info))
            return
        opclasses = list(getattr(cols_part, "opclasses", ()) or ())
        kwargs: dict[str, Any] = {}
        if self.connection.vendor == "postgresql":
            pairs = zip(names, opclasses, strict=False)  # no opclasses: []
            ops = {c: o for c, o in pairs if o}
            if ops:
                kwargs["postgresql_ops"] = ops
            if method:
                kwargs["postgresql_using"] = method
        suffixes = list(getattr(cols_part, "col_suffixes", ()) or ())
        elements = [
            (c, i < len(suffixes) and "DESC" in str(suffixes[i]).upper())
            for i, c in enumerate(names)
        ]
        plan.items.append(("index", name, elements, unique, info, kwargs))

    # -- foreign keys -------------------------------------------------------
    def _on_delete(self, model: ModelType, fld: Any) -> str | None:
        """The ON DELETE Django writes (Django 6.1's ``DB_CASCADE``, ...), or None."""
        make = getattr(self.editor, "_create_on_delete_sql", None)  # Django 6.1+
        text = str(make(model, fld) or "") if make is not None else ""
        text = " ".join(text.split()).upper()
        return text.removeprefix("ON DELETE ") or None

    def _add_foreign_keys(self, model: ModelType, plan: TablePlan, columns: set[str]) -> None:
        features = self.connection.features
        if not (self.editor.sql_create_inline_fk or features.supports_foreign_keys):
            return
        # SQLite writes its keys inline, with DEFERRABLE in the template
        template = "" if self.editor.sql_create_fk else self.editor.sql_create_inline_fk
        written = str(template or self.connection.ops.deferrable_sql()).upper()
        deferrable = None
        if "DEFERRABLE" in written and "NOT DEFERRABLE" not in written:
            deferrable = "DEFERRABLE"
            if "INITIALLY DEFERRED" in written:
                deferrable += " INITIALLY DEFERRED"
        for fld in model._meta.local_fields:
            if not (fld.remote_field and getattr(fld, "db_constraint", False)):
                continue
            if self.stored(fld.column) not in columns:  # type: ignore[arg-type]
                continue
            target = fld.remote_field.model._meta
            to_column = target.get_field(fld.remote_field.field_name).column  # type: ignore[union-attr,arg-type]
            sql: LazySQL | str = ""
            if self.editor.sql_create_fk:
                sql = LazySQL(
                    self.editor._create_fk_sql,  # type: ignore[attr-defined]
                    model,
                    fld,
                    "_fk_%(to_table)s_%(to_column)s",
                )
            info = {
                "field": fld.name,
                "django_sql": sql,
                "on_delete": self._on_delete(model, fld),
                "deferrable": deferrable,
            }
            target_column = f"{self.stored(self.bare(target.db_table))}.{self.stored(to_column)}"  # type: ignore[arg-type]
            plan.items.append(("foreign_key", self.stored(fld.column), target_column, info))  # type: ignore[arg-type]


_SPACES = re.compile(r"\s+")
#: the names of an INCLUDE clause: ``INCLUDE ("a", "b")``
_INCLUDED = re.compile(r'"((?:[^"]|"")*)"')


@functools.lru_cache(maxsize=4096)  # a project has few distinct type texts
def normalise_type_text(text: str) -> str:
    """Lower case, single spaces, none inside parentheses: ``decimal(10,2)``."""
    text = _SPACES.sub(" ", text.strip().lower())
    text = re.sub(r"\s*\(\s*", "(", text)
    text = re.sub(r"\s*\)", ")", text)
    return re.sub(r"\s*,\s*", ",", text)
