"""``--format github``: GitHub Actions workflow commands for a Report.

One ``::error`` per discrepancy (``::warning`` for the extras, which a sync
only reports), with ``file=`` and ``line=`` where the owning model or field is
defined, so that a pull request shows the difference on that line; then one
``::notice`` summary line per database.  Values are escaped exactly as
GitHub's toolkit does (``@actions/core``, ``command.ts``).
"""

from __future__ import annotations

from ..report import EXTRA_KINDS, AliasReport, Discrepancy, Report


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF escaped (``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as ``escape_data``, plus ``:`` and ``,`` (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int | None], message: str) -> str:
    """``::name key=value,key=value::message``; empty properties are left out,
    as the toolkit leaves them out."""
    pairs = [f"{k}={escape_property(str(v))}" for k, v in properties.items() if v not in (None, "")]
    head = f"::{name}" + (f" {','.join(pairs)}" if pairs else "")
    return f"{head}::{escape_data(message)}"


def annotation(d: Discrepancy) -> str:
    """The workflow command for one discrepancy."""
    level = "warning" if d.kind in EXTRA_KINDS else "error"
    source = d.source
    return command(
        level,
        {
            "file": source.file if source is not None else None,
            "line": source.line if source is not None else None,
            "title": d.kind,
        },
        d.message,
    )


def summary(db: AliasReport) -> str:
    """``::notice`` with the alias, schema, vendor and the count of differences."""
    where = f"'{db.alias}' ({db.vendor})"
    if db.schema is not None:
        where += f", schema {db.schema}"
    count = len(db.discrepancies)
    state = "in sync" if db.in_sync else f"{count} difference{'' if count == 1 else 's'}"
    return command("notice", {"title": "djmigrator"}, f"{where}: {state}")


def render_github(report: Report) -> list[str]:
    """The lines to write: each database's annotations, then its summary."""
    lines: list[str] = []
    for db in report.databases:
        lines.extend(annotation(d) for d in db.discrepancies)
        lines.append(summary(db))
    return lines
