"""Accepted differences: the baseline file of ``--baseline`` / ``--update-baseline``.

A team commits the differences it accepts (a ``RunSQL`` that adds a FULLTEXT
index, a column another tool owns) so that CI fails only on new drift::

    {"accepted": [{"alias": "default", "schema": null, "kind": "extra_index",
                   "table": "blog_post", "columns": ["body"],
                   "reason": "FULLTEXT index made by 0004_search (RunSQL)"}]}

An entry is matched on everything but ``reason``: alias, schema, kind, table
and the columns in order.  ``apply_baseline`` moves the differences an entry
matches from ``discrepancies`` to ``accepted``, and lists the entries of each
compared alias / schema that matched nothing under ``stale``.

``in_sync`` stays what the SPEC defines it as (``discrepancies`` empty): a
stale entry is not a difference between the models and the database.  The
SPEC also says stale entries "count as drift, so the file cannot rot": that is
the exit status (``Report.stale``; the command exits 1 when there are any).

Entries of aliases or schemas the run did not compare (or, with app labels,
of tables outside those apps) are neither stale nor dropped by
``write_baseline``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps

from ..errors import DjmigratorError
from ..report import KINDS, AliasReport, BaselineEntry, Discrepancy, Report

#: The keys of an entry, in the order the file is written.
ENTRY_KEYS: tuple[str, ...] = ("alias", "schema", "kind", "table", "columns", "reason")

Style = Any  # django.core.management.color.Style

Key = tuple[str, "str | None", str, str, tuple[str, ...]]
#: ``accepted(alias, schema, discrepancy)``: whether a baseline accepts it
Accepted = Callable[[str, "str | None", Discrepancy], bool]


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline file (``entries`` empty for a file not written yet)."""

    path: str
    entries: tuple[BaselineEntry, ...] = ()

    def keys(self) -> set[Key]:
        return {e.key() for e in self.entries}

    def accepts(self, alias: str, schema: str | None, d: Discrepancy) -> bool:
        """Whether ``d``, found on ``alias`` (``schema``), is accepted."""
        return key_of(alias, schema, d) in self.keys()


def key_of(alias: str, schema: str | None, d: Discrepancy) -> Key:
    return (alias, schema, d.kind, d.table, tuple(d.columns))


def _redo(path: str) -> str:
    return (
        f"fix it, or write it again with 'smart_makemigrations --check "
        f"--baseline {path} --update-baseline'"
    )


def load_baseline(path: str | os.PathLike[str], *, missing_ok: bool = False) -> Baseline:
    """Read and check the baseline file at ``path``.

    Raises ``DjmigratorError`` (exit 2) naming the file and what to do when it
    is missing (unless ``missing_ok``), unreadable, not JSON, or not of the
    documented shape.
    """
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Baseline(name)
        raise DjmigratorError(
            f"Baseline file '{name}' does not exist: write it with "
            f"'smart_makemigrations --check --baseline {name} --update-baseline', "
            "or check the path."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DjmigratorError(f"Baseline file '{name}' cannot be read ({why}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DjmigratorError(
            f"Baseline file '{name}' is not valid JSON (line {exc.lineno} column "
            f"{exc.colno}: {exc.msg}): {_redo(name)}."
        ) from None
    return Baseline(name, _entries(name, data))


def _entries(name: str, data: Any) -> tuple[BaselineEntry, ...]:
    def bad(what: str) -> DjmigratorError:
        return DjmigratorError(f"Baseline file '{name}': {what}; {_redo(name)}.")

    if not isinstance(data, dict) or set(data) != {"accepted"}:
        raise bad('it must be a JSON object with one key, "accepted"')
    items = data["accepted"]
    if not isinstance(items, list):
        raise bad('"accepted" must be a list of entries')
    entries: list[BaselineEntry] = []
    for number, item in enumerate(items, 1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            raise bad(f"{where} must be an object with the keys {', '.join(ENTRY_KEYS)}")
        unknown = sorted(str(k) for k in set(item) - set(ENTRY_KEYS))
        if unknown:
            raise bad(
                f"{where} has unknown keys: {', '.join(unknown)} (known: {', '.join(ENTRY_KEYS)})"
            )
        missing = [k for k in ENTRY_KEYS if k not in item and k != "reason"]
        if missing:
            raise bad(f"{where} lacks {', '.join(missing)}")
        alias, schema, kind = item["alias"], item["schema"], item["kind"]
        table, columns, reason = item["table"], item["columns"], item.get("reason", "")
        if not isinstance(alias, str) or not alias:
            raise bad(f'{where}: "alias" must be a database alias, not {alias!r}')
        if schema is not None and not isinstance(schema, str):
            raise bad(f'{where}: "schema" must be a schema name or null, not {schema!r}')
        if kind not in KINDS:
            raise bad(f"{where} has an unknown kind {kind!r} (known: {', '.join(KINDS)})")
        if not isinstance(table, str) or not table:
            raise bad(f'{where}: "table" must be a table name, not {table!r}')
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise bad(f'{where}: "columns" must be a list of column names, not {columns!r}')
        if not isinstance(reason, str):
            raise bad(f'{where}: "reason" must be a string, not {reason!r}')
        entries.append(BaselineEntry(alias, schema, kind, table, tuple(columns), reason))
    return tuple(entries)


# -- applying ----------------------------------------------------------------


def _scope(report: Report, app_labels: Collection[str] | None) -> Callable[[BaselineEntry], bool]:
    """Whether an entry is about something this run compared: its alias and
    schema were compared, and (with app labels) its table belongs to one of
    those apps (a model's table, an auto-created M2M table, or ``<label>_*``
    as the comparison's own extra tables)."""
    compared = {(db.alias, db.schema) for db in report.databases}
    if not app_labels:
        return lambda e: (e.alias, e.schema) in compared
    tables: set[str] = set()
    for label in app_labels:
        for model in global_apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table.lower())
    prefixes = tuple(f"{label}_" for label in app_labels)

    def in_scope(entry: BaselineEntry) -> bool:
        table = entry.table.lower()
        return (entry.alias, entry.schema) in compared and (
            table in tables or table.startswith(prefixes)
        )

    return in_scope


def apply_baseline(
    report: Report, baseline: Baseline, app_labels: Collection[str] | None = None
) -> Report:
    """``report`` with the differences ``baseline`` accepts under ``accepted``
    and its unmatched entries (of what this run compared) under ``stale``."""
    in_scope = _scope(report, app_labels)
    entries = [e for e in baseline.entries if in_scope(e)]
    dbs: list[AliasReport] = []
    for db in report.databases:
        mine = {e.key(): e for e in entries if (e.alias, e.schema) == (db.alias, db.schema)}
        kept: list[Discrepancy] = []
        accepted: list[Discrepancy] = []
        matched: set[Key] = set()
        for d in db.discrepancies:
            key = key_of(db.alias, db.schema, d)
            if key in mine:
                accepted.append(d)
                matched.add(key)
            else:
                kept.append(d)
        stale = tuple(e for k, e in mine.items() if k not in matched)
        dbs.append(
            dataclasses.replace(
                db, discrepancies=tuple(kept), accepted=tuple(accepted), stale=stale
            )
        )
    return dataclasses.replace(report, databases=tuple(dbs))


# -- writing -----------------------------------------------------------------


def _sort_key(e: BaselineEntry) -> tuple[Any, ...]:
    return (e.alias, e.schema or "", e.table, KINDS.index(e.kind), e.columns)


def updated_entries(
    report: Report, previous: Baseline, app_labels: Collection[str] | None = None
) -> tuple[BaselineEntry, ...]:
    """Today's differences as entries, each keeping the ``reason`` an entry of
    ``previous`` gave it ("" for a new one), plus ``previous``'s entries about
    what this run did not compare; sorted, one entry per key."""
    in_scope = _scope(report, app_labels)
    reasons = {e.key(): e.reason for e in previous.entries}
    found: dict[Key, BaselineEntry] = {}
    for db in report.databases:
        for d in (*db.discrepancies, *(db.accepted or ())):
            key = key_of(db.alias, db.schema, d)
            found.setdefault(
                key,
                BaselineEntry(
                    db.alias, db.schema, d.kind, d.table, tuple(d.columns), reasons.get(key, "")
                ),
            )
    for entry in previous.entries:
        if not in_scope(entry):
            found.setdefault(entry.key(), entry)
    return tuple(sorted(found.values(), key=_sort_key))


def dumps(entries: Iterable[BaselineEntry]) -> str:
    """The file's text: one entry per block, its columns on one line, so that
    a change to the file reads well in a diff."""
    blocks = [
        "    {\n"
        + ",\n".join(
            f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in e.as_dict().items()
        )
        + "\n    }"
        for e in entries
    ]
    if not blocks:
        return '{\n  "accepted": []\n}\n'
    return '{\n  "accepted": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"


def write_baseline(
    report: Report,
    path: str | os.PathLike[str],
    previous: Baseline | None = None,
    app_labels: Collection[str] | None = None,
) -> Baseline:
    """Write ``path`` (``--update-baseline``) with ``updated_entries``, atomically:
    a temporary file in the same directory, then ``os.replace``."""
    name = os.fspath(path)
    entries = updated_entries(report, previous or Baseline(name), app_labels)
    text = dumps(entries)
    directory = os.path.dirname(os.path.abspath(name))
    try:
        fd, temp = tempfile.mkstemp(prefix=".djmigrator-baseline-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            if os.path.exists(name):  # keep the file's permissions
                os.chmod(temp, os.stat(name).st_mode & 0o7777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temp, 0o666 & ~umask)
            os.replace(temp, name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise DjmigratorError(
            f"Baseline file '{name}' cannot be written ({exc.strerror or exc}); "
            "it is unchanged. Check the directory's permissions."
        ) from None
    return Baseline(name, entries)


# -- text --------------------------------------------------------------------


def render_baseline(db: AliasReport, style: Style, verbosity: int) -> list[str]:
    """The lines about ``db``'s accepted differences and stale entries (``db``
    already escaped by ``render_text``)."""
    lines: list[str] = []
    accepted = db.accepted or ()
    if accepted:
        count = len(accepted)
        noun = "difference" if count == 1 else "differences"
        lines.append(f"  {count} accepted {noun} (baseline){':' if verbosity >= 2 else ''}")
        if verbosity >= 2:
            lines.extend(f"    - {d.kind}: {d.message}" for d in accepted)
    stale = db.stale or ()
    if stale:
        count = len(stale)
        noun = "entry" if count == 1 else "entries"
        lines.append(style.MIGRATE_HEADING(f"  {count} stale baseline {noun} (no longer found):"))
        lines.extend(f"    - {_describe(e)}" for e in stale)
    return lines


def _describe(e: BaselineEntry) -> str:
    columns = f" ({', '.join(e.columns)})" if e.columns else ""
    reason = f": {e.reason}" if e.reason else ""
    return f"{e.kind}: {e.table}{columns}{reason}"


def stale_hint(path: str) -> str:
    """The line after a report with stale entries."""
    from .render import escape

    return escape(
        f"The differences these baseline entries accepted are gone: run "
        f"'smart_makemigrations --check --baseline {path} --update-baseline' to drop "
        f"them from {path}, or fix the file."
    )


def summary(written: Baseline, previous: Baseline) -> str:
    """``Wrote djmigrator-baseline.json: 3 entries (1 new, 1 dropped).``"""
    from .render import escape

    before, after = previous.keys(), written.keys()
    count = len(written.entries)
    noun = "entry" if count == 1 else "entries"
    return escape(
        f"Wrote {written.path}: {count} {noun} ({len(after - before)} new, "
        f"{len(before - after)} dropped)."
    )


def accepted_filter(baseline: Baseline | None) -> Accepted | None:
    """What a sync leaves alone: the differences ``baseline`` accepts."""
    if baseline is None:
        return None
    keys = baseline.keys()
    return lambda alias, schema, d: key_of(alias, schema, d) in keys


def github_stale(report: Report, path: str) -> list[str]:
    """``--format github``: one ``::error`` on the baseline file per stale entry
    (the run fails for them; without a line, the annotations would not say why)."""
    from .render_github import command

    return [
        command(
            "error",
            {"file": path, "title": "stale baseline entry"},
            f"'{e.alias}'{f', schema {e.schema}' if e.schema else ''}: {_describe(e)} is no "
            f"longer found; run 'smart_makemigrations --check --baseline {path} "
            "--update-baseline' to drop it, or fix the file.",
        )
        for e in report.stale
    ]
