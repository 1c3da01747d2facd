"""The frozen records a comparison or a sync returns, and their JSON form."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: Every discrepancy kind, in the order reports list them.
KINDS: tuple[str, ...] = (
    "missing_table",
    "extra_table",
    "missing_column",
    "extra_column",
    "type_mismatch",
    "nullability_mismatch",
    "collation_mismatch",
    "default_mismatch",
    "generated_mismatch",
    "comment_mismatch",
    "primary_key_mismatch",
    "missing_index",
    "extra_index",
    "index_mismatch",
    "missing_unique",
    "extra_unique",
    "unique_mismatch",
    "missing_foreign_key",
    "extra_foreign_key",
    "foreign_key_mismatch",
    "missing_check",
    "extra_check",
    "check_mismatch",
)

#: Kinds that describe something the database has and the models lack.
EXTRA_KINDS: frozenset[str] = frozenset(k for k in KINDS if k.startswith("extra_"))


@dataclass(frozen=True)
class Source:
    """Where the model or field that owns a discrepancy is defined."""

    #: path relative to the project's base directory, with ``/`` separators
    file: str
    line: int


@dataclass(frozen=True)
class MigrationRef:
    """The migration whose operation last created or changed an object."""

    app_label: str
    name: str
    #: 0-based index of the operation in the migration's ``operations``
    operation: int
    #: recorded as applied on the database (and schema) compared
    applied: bool
    #: the operation's class name (``AddField``); text output only, not in the JSON
    operation_name: str = dataclasses.field(default="", compare=False)
    #: the migration also runs RunSQL naming the object's table (text output only)
    runs_sql: bool = dataclasses.field(default=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "app_label": self.app_label,
            "name": self.name,
            "operation": self.operation,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class Discrepancy:
    """One difference between the models and the live schema."""

    kind: str
    table: str
    column: str | None = None
    columns: tuple[str, ...] = ()
    name: str | None = None
    app_label: str | None = None
    model: str | None = None
    field: str | None = None
    expected: str | None = None
    actual: str | None = None
    message: str = ""
    #: Django's DDL that would create the missing thing (not part of the JSON).
    repair_sql: str = dataclasses.field(default="", compare=False, repr=False)
    #: False where a sync cannot restore it even though its kind is restored
    #: (a virtual table's column); not part of the JSON.
    restorable: bool = dataclasses.field(default=True, compare=False, repr=False)
    #: where the owner is defined; None where no model owns the thing.  Not
    #: part of the difference itself, so not compared.
    source: Source | None = dataclasses.field(default=None, compare=False)
    #: the migration that last created or changed the object; None for extras
    migration: MigrationRef | None = dataclasses.field(default=None, compare=False)
    #: the last migration whose ``RunSQL`` names the table, as (app_label,
    #: name): what may have made the difference on purpose (text output only)
    sql_by: tuple[str, str] | None = dataclasses.field(default=None, compare=False, repr=False)
    #: the field or model definition, as ``inspectdb`` writes it, that would
    #: match the database (``hints.with_suggestions``); text output only
    suggestion: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.table, KINDS.index(self.kind), self.columns, self.name or "")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = list(self.columns)
        del data["repair_sql"], data["restorable"], data["sql_by"], data["suggestion"]
        # asdict() already turned source into a dict (or left None)
        data["migration"] = None if self.migration is None else self.migration.as_dict()
        return data


@dataclass(frozen=True)
class Action:
    """One step a sync took (or, under ``--dry-run``, would take)."""

    action: str
    app_label: str | None
    migration: str | None
    detail: str = ""
    sql: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sql"] = list(self.sql)
        return data


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted difference of a baseline file (``--baseline``).

    Matched on everything but ``reason`` (``djmigrator.reporting.baseline``).
    """

    alias: str
    schema: str | None
    kind: str
    table: str
    columns: tuple[str, ...] = ()
    reason: str = ""

    def key(self) -> tuple[str, str | None, str, str, tuple[str, ...]]:
        return (self.alias, self.schema, self.kind, self.table, self.columns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "schema": self.schema,
            "kind": self.kind,
            "table": self.table,
            "columns": list(self.columns),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AliasReport:
    """The result for one ``DATABASES`` alias."""

    alias: str
    vendor: str
    discrepancies: tuple[Discrepancy, ...] = ()
    actions: tuple[Action, ...] = ()
    notes: tuple[str, ...] = ()
    #: the PostgreSQL schema compared (``--schema``, a tenant), None for the
    #: alias's own search path
    schema: str | None = None
    #: with ``--baseline``: the differences the baseline accepts (not counted
    #: in ``discrepancies``), and its entries for this alias / schema that
    #: matched nothing; None (and left out of the JSON) without a baseline
    accepted: tuple[Discrepancy, ...] | None = None
    stale: tuple[BaselineEntry, ...] | None = None

    @property
    def in_sync(self) -> bool:
        return not self.discrepancies

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "alias": self.alias,
            "schema": self.schema,
            "vendor": self.vendor,
            "in_sync": self.in_sync,
            "discrepancies": [d.as_dict() for d in self.discrepancies],
        }
        if self.accepted is not None:
            data["accepted"] = [d.as_dict() for d in self.accepted]
        if self.stale is not None:
            data["stale"] = [e.as_dict() for e in self.stale]
        data["actions"] = [a.as_dict() for a in self.actions]
        data["notes"] = list(self.notes)
        return data


@dataclass(frozen=True)
class Report:
    """The result for every alias a run looked at."""

    databases: tuple[AliasReport, ...] = field(default_factory=tuple)

    @property
    def in_sync(self) -> bool:
        return all(db.in_sync for db in self.databases)

    @property
    def discrepancies(self) -> tuple[Discrepancy, ...]:
        return tuple(d for db in self.databases for d in db.discrepancies)

    @property
    def stale(self) -> tuple[BaselineEntry, ...]:
        """The baseline entries no longer found (``--baseline``): drift too, for
        the exit status, so that the file cannot rot."""
        return tuple(e for db in self.databases for e in db.stale or ())

    def __getitem__(self, alias: str) -> AliasReport:
        for db in self.databases:
            if db.alias == alias:
                return db
        raise KeyError(alias)

    def as_dict(self) -> dict[str, Any]:
        from . import __version__

        return {
            "djmigrator": __version__,
            "databases": [db.as_dict() for db in self.databases],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent, sort_keys=False)
