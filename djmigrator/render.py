"""Text rendering of a Report, in the style of Django's own commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .report import AliasReport, Report

Style = Any  # django.core.management.color.Style


def render_text(report: Report, style: Style, verbosity: int = 1, mode: str = "check") -> list[str]:
    """The lines to write for ``report``; ``mode`` is check, dry-run or sync."""
    lines: list[str] = []
    if verbosity < 1:
        return lines
    for db in report.databases:
        lines.extend(_render_alias(db, style, verbosity, mode))
    return lines


def _render_alias(db: AliasReport, style: Style, verbosity: int, mode: str) -> list[str]:
    lines: list[str] = []
    where = f"'{db.alias}' ({db.vendor})"
    if db.actions:
        heading = "Would do" if mode == "dry-run" else "Done"
        lines.append(style.MIGRATE_HEADING(f"{heading} on {where}:"))
        for action in db.actions:
            lines.append(_render_action(action, style, verbosity))
            if verbosity >= 2 or mode == "dry-run":
                lines.extend(f"      {sql}" for sql in action.sql)
    if db.in_sync:
        lines.append(style.SUCCESS(f"No schema drift on {where}."))
    else:
        count = len(db.discrepancies)
        noun = "difference" if count == 1 else "differences"
        lines.append(style.MIGRATE_HEADING(f"Schema drift on {where}: {count} {noun}"))
        by_app: dict[str, list[str]] = {}
        for d in db.discrepancies:
            by_app.setdefault(d.app_label or "(no model)", []).append(
                f"    - {d.kind}: {d.message}" + _detail(d.expected, d.actual, d.kind)
            )
        for app, items in by_app.items():
            lines.append(style.MIGRATE_LABEL(f"  {app}"))
            lines.extend(items)
    if verbosity >= 2:
        lines.extend(f"  note: {n}" for n in db.notes)
    return lines


def _detail(expected: str | None, actual: str | None, kind: str) -> str:
    if kind in ("type_mismatch", "nullability_mismatch"):
        return ""  # the message already says both
    if kind == "missing_column" and expected:
        return f" (expected {expected})"
    return ""


def _render_action(action: Any, style: Style, verbosity: int) -> str:
    verb: Callable[[str], str] = style.MIGRATE_LABEL
    name = ".".join(p for p in (action.app_label, action.migration) if p)
    text = f"  {action.action.capitalize()} {name}".rstrip()
    if action.detail:
        text += f": {action.detail}"
    return verb(text) if action.action in ("fake", "apply") else text
