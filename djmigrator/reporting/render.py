"""Text rendering of a Report, in the style of Django's own commands."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from ..report import Action, AliasReport, Discrepancy, Report
from .baseline import render_baseline
from .hints import hint_lines

Style = Any  # django.core.management.color.Style


def render_text(report: Report, style: Style, verbosity: int = 1, mode: str = "check") -> list[str]:
    """The lines to write for ``report``; ``mode`` is check, dry-run or sync."""
    lines: list[str] = []
    if verbosity < 1:
        return lines
    report = escaped(report)  # a name never writes a control character raw
    fleets = _fleets(report)
    for db in report.databases:
        fleet = fleets.get(db.alias)
        if fleet is not None and db is fleet[0]:
            lines.append(_fleet_summary(db.alias, fleet, style, several=len(fleets) > 1))
        if fleet is not None and db.in_sync and not db.stale and not db.actions and verbosity < 2:
            continue  # the summary line says it
        lines.extend(_render_alias(db, style, verbosity, mode))
    return lines


#: Names of schemas with drift a summary line lists before "and N more".
SUMMARY_NAMES = 10


def _fleets(report: Report) -> dict[str, list[AliasReport]]:
    """Aliases compared in several schemas -> their reports."""
    by_alias: dict[str, list[AliasReport]] = {}
    for db in report.databases:
        if db.schema is not None:
            by_alias.setdefault(db.alias, []).append(db)
    return {alias: dbs for alias, dbs in by_alias.items() if len(dbs) > 1}


def _fleet_summary(alias: str, dbs: list[AliasReport], style: Style, several: bool) -> str:
    """``412 schemas in sync, 3 with drift: acme, globex, initech``."""
    drifted = [str(db.schema) for db in dbs if not db.in_sync or db.stale]
    in_sync = len(dbs) - len(drifted)
    text = f"{in_sync} schema{'' if in_sync == 1 else 's'} in sync"
    if drifted:
        names = ", ".join(drifted[:SUMMARY_NAMES])
        if len(drifted) > SUMMARY_NAMES:
            names += f" and {len(drifted) - SUMMARY_NAMES} more"
        text += f", {len(drifted)} with drift: {names}"
    if several:
        text = f"'{alias}': {text}"
    return str(style.MIGRATE_HEADING(text) if drifted else style.SUCCESS(text))


def _render_alias(db: AliasReport, style: Style, verbosity: int, mode: str) -> list[str]:
    lines: list[str] = []
    where = f"'{db.alias}' ({db.vendor})"
    if db.schema is not None:
        where += f", schema {db.schema}"
    if db.actions:
        heading = "Would do" if mode == "dry-run" else "Done"
        lines.append(style.MIGRATE_HEADING(f"{heading} on {where}:"))
        for action in db.actions:
            lines.append(_render_action(action, style, verbosity))
            if verbosity >= 2 or mode == "dry-run":
                lines.extend(f"      {part}" for sql in action.sql for part in sql.split("\n"))
    if db.in_sync:
        lines.append(style.SUCCESS(f"No schema drift on {where}."))
    else:
        count = len(db.discrepancies)
        noun = "difference" if count == 1 else "differences"
        lines.append(style.MIGRATE_HEADING(f"Schema drift on {where}: {count} {noun}"))
        by_app: dict[str, list[str]] = {}
        for d in db.discrepancies:
            by_app.setdefault(d.app_label or "(no model)", []).append(
                f"    - {d.kind}: {d.message}"
                + _detail(d.expected, d.actual, d.kind)
                + _origin(d, verbosity)
            )
            by_app[d.app_label or "(no model)"].extend(hint_lines(d, db.vendor))
        for app, items in by_app.items():
            lines.append(style.MIGRATE_LABEL(f"  {app}"))
            lines.extend(items)
    lines.extend(render_baseline(db, style, verbosity))  # --baseline: accepted, stale
    if verbosity >= 2:
        lines.extend(f"  note: {n}" for n in db.notes)
    return lines


def _detail(expected: str | None, actual: str | None, kind: str) -> str:
    if kind in ("type_mismatch", "nullability_mismatch"):
        return ""  # the message already says both
    if kind == "missing_column" and expected:
        return f" (expected {expected})"
    return ""


def _origin(d: Discrepancy, verbosity: int) -> str:
    """`` (shop/models.py:42; 0007_order_total, applied)``: where ``d`` comes
    from, and a migration's RunSQL on its table; verbosity 2 adds the operation."""
    parts: list[str] = []
    if d.source is not None:
        parts.append(f"{d.source.file}:{d.source.line}")
    ref = d.migration
    if ref is not None:
        name = ref.name if ref.app_label == d.app_label else f"{ref.app_label}.{ref.name}"
        if verbosity >= 2:
            name += f" operation {ref.operation}"
            if ref.operation_name:
                name += f" {ref.operation_name}"
        parts.append(f"{name}, {'applied' if ref.applied else 'not applied'}")
    if d.sql_by is not None:
        # an app may make this on purpose with SQL of its own (a full-text index)
        app_label, sql_name = d.sql_by
        if ref is not None and (ref.app_label, ref.name) == d.sql_by:
            parts.append(f"its migration also runs RunSQL on {d.table}")
        else:
            where = sql_name if app_label == d.app_label else f"{app_label}.{sql_name}"
            parts.append(f"RunSQL on {d.table} in {where}")
    return f" ({'; '.join(parts)})" if parts else ""


def _render_action(action: Any, style: Style, verbosity: int) -> str:
    verb: Callable[[str], str] = style.MIGRATE_LABEL
    name = ".".join(p for p in (action.app_label, action.migration) if p)
    text = f"  {action.action.capitalize()} {name}".rstrip()
    if action.detail:
        text += f": {action.detail}"
    return verb(text) if action.action in ("fake", "apply") else text


#: Control characters (C0, DEL, C1, Unicode line breaks) -> Python's escapes.
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
_ESCAPES = {c: _NAMED.get(c, f"\\x{c:02x}") for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
#: The same, keeping tabs and line feeds (multi-line SQL is printed line by line).
_ESCAPES_SQL = {c: e for c, e in _ESCAPES.items() if c not in (0x09, 0x0A)}

T = TypeVar("T")


def escape(text: str) -> str:
    """``text`` with control characters as ``\\n``, ``\\x1b``, ...: a table or
    column name made by hand can neither forge a report line nor drive the
    terminal."""
    return text.translate(_ESCAPES)


def escaped(value: T) -> T:
    """A copy of a report (or any part of it) with every text ``escape``\\ d;
    an action's SQL keeps its line feeds."""
    if isinstance(value, str):
        return escape(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(escaped(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, Action):
        sql = tuple(s.translate(_ESCAPES_SQL) for s in value.sql)
        changes = {f.name: escaped(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **{**changes, "sql": sql})  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        changes = {f.name: escaped(getattr(value, f.name)) for f in fields if f.init}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value
