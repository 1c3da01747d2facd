"""What to do about each difference: the one-line hint the text output shows
under it, and, for ``type_mismatch``, ``nullability_mismatch``,
``extra_column`` and ``extra_table``, the field or model definition that would
match the database, written by Django's own ``inspectdb`` (its type mapping,
its naming).

``hint_lines`` only formats (no database access); ``with_suggestions`` reads
the live columns and fills ``Discrepancy.suggestion``: the command calls it
before rendering.
"""

from __future__ import annotations

import ast
import dataclasses
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.apps import apps as global_apps
from django.db import connections, models

from ..report import AliasReport, Discrepancy, Report
from ..synchronization.restore import RESTORED_KINDS, restorable
from ..vendors import get_vendor

#: kinds a sync always restores (SPEC "Discrepancy kinds")
RESTORED = frozenset(
    {
        "missing_table",
        "missing_column",
        "missing_index",
        "missing_unique",
        "missing_check",
        "missing_foreign_key",
    }
)

#: kinds whose hint shows the definition that would match the database
SUGGESTED_KINDS = frozenset(
    {"type_mismatch", "nullability_mismatch", "extra_column", "extra_table"}
)

SYNC = "run `manage.py smart_makemigrations` to restore it"
#: a missing object that no migration creates yet: the sync writes one
WRITE = "run `manage.py smart_makemigrations` to write its migration and apply it"
#: a missing object whose migration is not applied on this database
APPLY = "run `manage.py smart_makemigrations` to apply {}"

#: for the report-only kinds: the two ways out (the database by hand, or the model)
WAYS_OUT: dict[str, str] = {
    "extra_table": "drop the table by hand, or add a model for it",
    "extra_column": "drop the column by hand, or add a field for it to the model",
    "type_mismatch": "alter the column by hand to the field's type, "
    "or change the field to match the database",
    "nullability_mismatch": "alter the column's NULL / NOT NULL by hand, "
    "or change the field's null to match the database",
    "collation_mismatch": "alter the column's collation by hand, "
    "or set the field's db_collation to the database's",
    "default_mismatch": "change the column's default by hand, "
    "or the field's db_default to match the database",
    "generated_mismatch": "rebuild the column by hand as the model says, "
    "or change the GeneratedField to match the database",
    "primary_key_mismatch": "change the primary key by hand, "
    "or the model's primary key to match the database",
    "extra_index": "drop the index by hand, or declare it in the model's Meta.indexes",
    "index_mismatch": "recreate the index by hand as the model declares it, "
    "or change its declaration to match the database",
    "extra_unique": "drop the unique constraint by hand, "
    "or declare it in the model (unique=True, Meta.constraints)",
    "unique_mismatch": "recreate the unique constraint by hand as the model declares it, "
    "or change its declaration to match the database",
    "extra_foreign_key": "drop the foreign key by hand, "
    "or make the column a ForeignKey in the model",
    "foreign_key_mismatch": "recreate the foreign key by hand as the model declares it, "
    "or change the ForeignKey to match the database",
    "extra_check": "drop the check constraint by hand, "
    "or declare it in the model's Meta.constraints",
    "check_mismatch": "recreate the check constraint by hand as the model declares it, "
    "or change its CheckConstraint to match the database",
}

#: the ways out when a definition matching the database can be shown
WITH_SUGGESTION: dict[str, str] = {
    "extra_table": "drop the table by hand, or add this model (as inspectdb writes it; "
    "remove `managed = False` to let Django manage the table):",
    "extra_column": "drop the column by hand, or add this field to the model: `{}`",
    "type_mismatch": "alter the column by hand to the field's type, or change the field to `{}`",
    "nullability_mismatch": "alter the column's NULL / NOT NULL by hand, "
    "or change the field to `{}`",
}


def restored_by_sync(d: Discrepancy, vendor: str) -> bool:
    """Whether a sync restores ``d`` (a missing object, a missing ``db_default``
    or auto-increment, a comment) rather than only reporting it."""
    if not d.restorable:
        return False  # e.g. a column of a virtual table
    if d.kind in RESTORED:
        return True
    if d.kind in RESTORED_KINDS:
        return restorable(d, get_vendor(vendor).autoincrement_sql)
    return False


def hint(d: Discrepancy, vendor: str) -> str:
    """The one line saying what to do about ``d`` (without the suggestion)."""
    if restored_by_sync(d, vendor):
        if d.kind.startswith("missing_") and d.migration is None:
            return WRITE
        if d.kind.startswith("missing_") and d.migration is not None and not d.migration.applied:
            return APPLY.format(f"{d.migration.app_label}.{d.migration.name}")
        return SYNC
    return WAYS_OUT.get(d.kind, "change the database by hand, or the model to match it")


def hint_lines(d: Discrepancy, vendor: str, indent: str = "      ") -> list[str]:
    """The text lines under ``d``: ``hint: ...`` and a multi-line suggestion
    (a model) indented beneath it."""
    text = hint(d, vendor)
    suggestion = d.suggestion if d.kind in SUGGESTED_KINDS and text != SYNC else ()
    if len(suggestion) == 1:
        return [f"{indent}hint: " + WITH_SUGGESTION[d.kind].format(suggestion[0])]
    if suggestion:
        lead = f"{indent}hint: {WITH_SUGGESTION[d.kind]}"
        return [lead, *(f"{indent}    {line}".rstrip() for line in suggestion)]
    return [f"{indent}hint: {text}"]


# -- suggestions: what inspectdb writes for the live table -------------------


def with_suggestions(report: Report) -> Report:
    """``report`` with ``suggestion`` filled in where one can be written:
    the field line for ``type_mismatch`` / ``nullability_mismatch`` /
    ``extra_column``, the model for ``extra_table``.  Reads the database
    (Django's introspection, as ``inspectdb``); never writes.  Names that
    could not be pasted into Python as they are (control characters) get none."""
    databases = []
    for db in report.databases:
        if any(d.kind in SUGGESTED_KINDS for d in db.discrepancies):
            try:
                db = _with_suggestions(db)
            except Exception:  # a hint never fails the command: the report as it was
                pass
        databases.append(db)
    return dataclasses.replace(report, databases=tuple(databases))


def _scope(db: AliasReport) -> AbstractContextManager[Any]:
    if db.schema is None:
        return nullcontext()
    from ..comparison.tenants import schema_scope

    return schema_scope(connections[db.alias], db.schema)


def _with_suggestions(db: AliasReport) -> AliasReport:
    inspected: dict[str, list[str]] = {}
    changed: list[Discrepancy] = []
    with _scope(db):
        for d in db.discrepancies:
            suggestion: tuple[str, ...] = ()
            if d.kind in SUGGESTED_KINDS and _pastable(d):
                if d.table not in inspected:
                    inspected[d.table] = _inspect(db.alias, d.table)
                suggestion = _suggest(d, inspected[d.table])
            changed.append(dataclasses.replace(d, suggestion=suggestion) if suggestion else d)
    return dataclasses.replace(db, discrepancies=tuple(changed))


def _pastable(d: Discrepancy) -> bool:
    names = [d.table, *([d.column] if d.column is not None else [])]
    return all(name.isprintable() for name in names)


def _inspect(alias: str, table: str) -> list[str]:
    """The model ``inspectdb`` writes for ``table``: ``class ...`` to the end."""
    from django.core.management.commands.inspectdb import Command as InspectDB

    options = {
        "database": alias,
        "table": [table],
        "include_partitions": True,
        "include_views": False,
    }
    try:
        lines = list(InspectDB().handle_inspection(options))
    except Exception:
        return []
    start = next((i for i, line in enumerate(lines) if line.startswith("class ")), None)
    if start is None:
        return []  # "# Unable to inspect table ..."
    block = lines[start:]
    while block and not block[-1].strip():
        block.pop()
    return block


def _suggest(d: Discrepancy, block: list[str]) -> tuple[str, ...]:
    if not block:
        return ()
    if d.kind == "extra_table":
        block = [_precise(line) for line in block]
        return tuple(block) if _parses("\n".join(block)) else ()
    entry = _field_lines(block).get(d.column or "")
    if entry is None:
        return ()
    inspected, note = entry
    call, guessed = _with_precision(inspected, d.actual)
    if call is None:
        return ()
    note = " ".join(n for n in (note, guessed) if n)
    model = _model(d)
    if d.kind == "extra_column":
        line = _extra_field(d, call, model)
    else:
        line = _changed_field(d, call, model)
    if line is None:
        return ()
    if note:
        line += f"  # {note}"
    return (line,) if _parses(line) else ()


def _with_precision(call: ast.Call, actual: str | None) -> tuple[ast.Call | None, str]:
    """A ``DecimalField`` whose precision introspection cannot read (SQLite,
    where Django's column is a plain ``decimal``) gets inspectdb's former
    guess, 10 digits and 5 places, and its note; None where the column states a
    precision no field writes there (``decimal(10, 2)`` on SQLite)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "DecimalField"):
        return call, ""
    if {"max_digits", "decimal_places"} <= {k.arg for k in call.keywords}:
        return call, ""
    if "(" in (actual or ""):
        return None, ""
    keywords = [k for k in call.keywords if k.arg not in ("max_digits", "decimal_places")]
    keywords[:0] = [
        ast.keyword(arg="max_digits", value=ast.Constant(10)),
        ast.keyword(arg="decimal_places", value=ast.Constant(5)),
    ]
    guessed = "max_digits and decimal_places have been guessed."
    return ast.Call(func=call.func, args=call.args, keywords=keywords), guessed


def _precise(line: str) -> str:
    """A field line of inspectdb's model, its ``DecimalField`` completed as
    ``_with_precision`` does (a field without ``max_digits`` does not load)."""
    if "models.DecimalField(" not in line or "max_digits=" in line:
        return line
    code, _sep, comment = line.partition("  # ")
    try:
        (statement,) = ast.parse(code.strip()).body
    except (SyntaxError, ValueError):
        return line
    if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
        return line
    call, guessed = _with_precision(statement.value, None)
    if call is None or not guessed:
        return line
    notes = " ".join(n for n in (comment, guessed) if n)
    indent = code[: len(code) - len(code.lstrip())]
    return f"{indent}{ast.unparse(statement.targets[0])} = {ast.unparse(call)}  # {notes}"


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


#: a field line of inspectdb's, read back: its Call and the note worth keeping
_Entry = tuple[ast.Call, str]


def _field_lines(block: list[str]) -> dict[str, _Entry]:
    """Column name -> inspectdb's field for it (relations and the composite
    primary key left out: a suggestion never names another model)."""
    found: dict[str, _Entry] = {}
    for line in block[1:]:
        if line.strip() == "class Meta:" or not line.startswith("    "):
            break
        try:
            (statement,) = ast.parse(line.strip()).body
        except (SyntaxError, ValueError):
            continue
        if not (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Call)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            continue
        call = statement.value
        kind = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if kind in ("ForeignKey", "OneToOneField", "CompositePrimaryKey"):
            continue
        column = statement.targets[0].id
        for keyword in call.keywords:
            if keyword.arg == "db_column" and isinstance(keyword.value, ast.Constant):
                column = str(keyword.value.value)
        note = "This field type is a guess." if "This field type is a guess." in line else ""
        found[column] = (call, note)
    return found


def _model(d: Discrepancy) -> Any:
    if not (d.app_label and d.model):
        return None
    try:
        return global_apps.get_model(d.app_label, d.model)
    except LookupError:
        return None


def _with_column(call: ast.Call, name: str, column: str) -> ast.Call:
    """``call`` with ``db_column`` set where the column is not the field's name."""
    keywords = [k for k in call.keywords if k.arg != "db_column"]
    if column != name:
        keywords.insert(0, ast.keyword(arg="db_column", value=ast.Constant(column)))
    return ast.Call(func=call.func, args=call.args, keywords=keywords)


def _line(name: str, call: ast.Call) -> str:
    return f"{name} = {ast.unparse(call)}"


def _extra_field(d: Discrepancy, call: ast.Call, model: Any) -> str | None:
    """A field to add: inspectdb's, named clear of the model's own names."""
    from django.core.management.commands.inspectdb import Command as InspectDB

    used: list[str] = []
    if model is not None:
        for f in model._meta.get_fields(include_hidden=True):
            used.extend(n for n in (f.name, getattr(f, "attname", None)) if n)
    name, _params, _notes = InspectDB().normalize_col_name(str(d.column), used, False)
    return _line(name, _with_column(call, name, str(d.column)))


#: a model field's ``db_default`` that can be written as a literal
_LITERALS = (bool, int, float, str)


def _changed_field(d: Discrepancy, call: ast.Call, model: Any) -> str | None:
    """The model's field as the database has it: inspectdb's type, length,
    NULL, unique / primary key, comment and collation, under the field's own
    name, keeping the field's index and database default."""
    if model is None:
        return None
    field = next((f for f in model._meta.local_fields if f.column == d.column), None)
    if field is None or field.is_relation:
        return None  # a foreign key's column type follows the model it points to
    call = _with_column(call, field.name, field.column)
    given = {k.arg for k in call.keywords}
    if field.db_default is not models.NOT_PROVIDED:
        value = getattr(field.db_default, "value", None)
        if not isinstance(field.db_default, models.Value) or not isinstance(value, _LITERALS):
            return None  # an expression: no faithful one-line rewrite
        call.keywords.append(ast.keyword(arg="db_default", value=ast.Constant(value)))
    if field.db_index and not given & {"unique", "primary_key"}:
        call.keywords.append(ast.keyword(arg="db_index", value=ast.Constant(True)))
    return _line(field.name, call)
