"""Carry a sync out: makemigrations, then apply / fake / partly apply, then repair.

Nothing that exists is dropped or altered: extra tables, columns and indexes
and all rows stay; type and nullability differences are reported only.
"""

from __future__ import annotations

import importlib
import io
import sys
import threading
from collections.abc import Collection, Sequence
from typing import Any

from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState

from .api import _run_per_alias, check_app_labels, resolve_aliases
from .comparator import compare_alias
from .connection import ensure_connected, first_line
from .errors import DjmigratorError
from .locks import sync_lock
from .plan import APPLY, FAKE, PARTIAL, REFUSE, Decision, _decide_operations, decide
from .repair import repair
from .report import Action, AliasReport, Report


def sync(
    using: str | Sequence[str] | None = "default",
    app_labels: Collection[str] | None = None,
    *,
    all_databases: bool = False,
    dry_run: bool = False,
    interactive: bool = False,
    verbosity: int = 1,
) -> Report:
    """Bring the database(s) in line with the models; see the SPEC's "Sync".

    With ``dry_run`` nothing is written: the report's actions say what a sync
    would do, with the SQL of each step.
    """
    # With no terminal to answer on, makemigrations' questions become an exit-2
    # error naming the field (as with --noinput), not an EOFError traceback.
    interactive = interactive and sys.stdin is not None and sys.stdin.isatty()
    aliases = resolve_aliases(using, all_databases=all_databases)
    labels = sorted(app_labels) if app_labels else None
    check_app_labels(labels)
    for alias in aliases:
        ensure_connected(alias)
    # Mirrors (replicas) are compared only, and after their primaries are done.
    primaries = [a for a in aliases if not _is_mirror(a)]
    mirrors = [a for a in aliases if _is_mirror(a)]
    new_migrations = _pending_migrations(labels, interactive and not dry_run) if primaries else {}
    written: list[Action] = []
    writer: _Writer | None = None
    if new_migrations is None or (new_migrations and interactive and not dry_run):
        # makemigrations asks its questions (a rename?) now, and writes what it is told
        written = _write_migrations(labels, interactive)
    elif new_migrations:  # written when the plan first needs them (see _Writer)
        verb = "would write" if dry_run else "wrote"
        written = [
            Action("makemigrations", app, m.name, f"{verb} {app}/migrations/{m.name}.py")
            for app, migs in new_migrations.items()
            for m in migs
        ]
        if not dry_run:
            writer = _Writer(labels, interactive, {(a.app_label, a.migration) for a in written})

    def one(alias: str) -> AliasReport:
        return _sync_alias(
            alias,
            labels,
            dry_run=dry_run,
            verbosity=verbosity,
            written=written,
            in_memory=new_migrations if dry_run or writer else None,
            writer=writer,
        )

    by_alias: dict[str, AliasReport] = {}
    if primaries:
        by_alias.update(zip(primaries, _run_per_alias(primaries, one), strict=True))
    by_alias.update({a: one(a) for a in mirrors})
    if writer is not None and primaries:
        writer()  # no migration needed applying: the files are still written
    return Report(databases=tuple(by_alias[a] for a in aliases))


def _is_mirror(alias: str) -> bool:
    return bool((connections[alias].settings_dict.get("TEST") or {}).get("MIRROR"))


# -- makemigrations --------------------------------------------------------


def _pending_migrations(
    labels: list[str] | None, interactive: bool
) -> dict[str, list[Migration]] | None:
    """The migrations makemigrations would write (computed, not written).

    None: makemigrations has a question to ask, and may ask it (interactive).
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    said = io.StringIO()
    questioner = NonInteractiveMigrationQuestioner(
        specified_apps=set(labels or ()), dry_run=True, verbosity=1, log=_line_writer(said)
    )
    detector = MigrationAutodetector(
        loader.project_state(), ProjectState.from_apps(global_apps), questioner
    )
    try:
        changes: dict[str, list[Migration]] = detector.changes(
            graph=loader.graph,
            trim_to_apps=set(labels) if labels else None,
            convert_apps=set(labels) if labels else None,
        )
    except SystemExit:
        if interactive:
            return None
        raise DjmigratorError(_question_message(said)) from None
    return changes


def _question_message(stream: io.StringIO) -> str:
    said = " ".join(line.strip() for line in stream.getvalue().splitlines() if line.strip())
    said = said.rstrip(".")
    return (
        "makemigrations needs an answer it cannot get with --noinput"
        + (f": {said}" if said else "")
        + ". Give the field a default or null=True, or run makemigrations interactively."
    )


class _Writer:
    """Writes the new migration files once, when the sync first needs them.

    The plan runs with the new migrations held in memory; their files are
    written just before the first of them is applied or faked, so a sync that
    stops earlier (a refused migration, a failure) leaves no file behind.
    """

    def __init__(
        self, labels: list[str] | None, interactive: bool, expected: set[tuple[Any, Any]]
    ) -> None:
        self.labels, self.interactive, self.expected = labels, interactive, expected
        self.done = False
        #: what this run wrote (a concurrent sync may have written some first)
        self.actions: list[Action] = []
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            if self.done:
                return
            self.actions = _write_migrations(self.labels, self.interactive)
            self.done = True
            on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
            if not self.expected <= on_disk:
                raise DjmigratorError(
                    "makemigrations did not write "
                    + ", ".join(f"{a}.{n}" for a, n in sorted(self.expected - on_disk))
                    + " as expected; run smart_makemigrations again."
                )


def _write_migrations(labels: list[str] | None, interactive: bool) -> list[Action]:
    before = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "makemigrations",
            *(labels or ()),
            interactive=interactive,
            verbosity=1,
            stdout=out,
            stderr=err,
        )
    except SystemExit:
        raise DjmigratorError(_question_message(err if err.getvalue() else out)) from None
    importlib.invalidate_caches()
    after = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [
        Action("makemigrations", key[0], key[1], f"wrote {key[0]}/migrations/{key[1]}.py")
        for key in sorted(set(after) - before)
    ]


# -- applying --------------------------------------------------------------


def _executor(alias: str, in_memory: dict[str, list[Migration]] | None) -> MigrationExecutor:
    executor = MigrationExecutor(connections[alias])
    if in_memory:
        loader = executor.loader
        for app, migs in in_memory.items():
            for migration in migs:
                key = (app, migration.name)
                if key in loader.graph.nodes:  # a concurrent sync wrote it meanwhile
                    continue
                loader.graph.add_node(key, migration)
                loader.disk_migrations[key] = migration
        for app, migs in in_memory.items():
            for migration in migs:
                if loader.graph.nodes[(app, migration.name)] is not migration:
                    continue
                for dep in migration.dependencies:
                    parent = loader.check_key(dep, app)
                    if parent is not None:
                        loader.graph.add_dependency(migration, (app, migration.name), parent)
    return executor


def _sync_alias(
    alias: str,
    labels: list[str] | None,
    *,
    dry_run: bool,
    verbosity: int,
    written: list[Action],
    in_memory: dict[str, list[Migration]] | None,
    writer: _Writer | None = None,
) -> AliasReport:
    connection = ensure_connected(alias)
    mirror = (connection.settings_dict.get("TEST") or {}).get("MIRROR")
    if mirror:  # a replica: compared, never synced
        found = compare_alias(alias, app_labels=labels)
        note = f"'{alias}' mirrors '{mirror}': compared only, never synced"
        return AliasReport(alias, found.vendor, found.discrepancies, (), (*found.notes, note))
    actions: list[Action] = list(written) if writer is None else []
    with sync_lock(alias):
        executor = _executor(alias, in_memory)
        executor.loader.check_consistent_history(connection)
        leaves = executor.loader.graph.leaf_nodes()
        targets = [key for key in leaves if labels is None or key[0] in labels]
        plan = executor.migration_plan(targets)
        # Django's own migrate starts from this state (applied + unmigrated apps).
        state: ProjectState = executor._create_project_state(  # type: ignore[attr-defined]
            with_applied_migrations=True
        )
        touched: set[str] = set()
        for migration, backwards in plan:
            if backwards:  # pragma: no cover - forward targets only
                continue
            post = migration.mutate_state(state, preserve=True)
            decision = decide(alias, migration, state, post)
            if decision.verdict == REFUSE:
                raise DjmigratorError(_refusal(decision, actions))
            if writer is not None and (migration.app_label, migration.name) in writer.expected:
                writer()
            actions.append(_act(executor, decision, state, dry_run, actions))
            from .plan import touched_tables

            touched |= touched_tables(state, post)
            state = post
        if writer is not None:
            writer()
            actions[:0] = writer.actions
        if not dry_run:
            # as migrate does: a squashed migration whose replaced ones are all
            # recorded is recorded too
            executor.check_replacements()
        if plan and not dry_run:
            emit_post_migrate_signal(
                max(verbosity - 1, 0), False, alias, apps=state.apps, plan=plan
            )
        actions.extend(repair(alias, labels, dry_run, skip_tables=touched if dry_run else set()))
    final = compare_alias(alias, app_labels=labels)
    return AliasReport(
        alias=alias,
        vendor=final.vendor,
        discrepancies=final.discrepancies,
        actions=tuple(actions),
        notes=final.notes,
    )


def _refusal(decision: Decision, done: list[Action]) -> str:
    did = [f"{a.action} {a.app_label}.{a.migration}" for a in done if a.action != "makemigrations"]
    return decision.detail + (f" (done before stopping: {', '.join(did)})" if did else "")


def _act(
    executor: MigrationExecutor,
    decision: Decision,
    state: ProjectState,
    dry_run: bool,
    done: list[Action],
) -> Action:
    migration = decision.migration
    connection = executor.connection
    app, name = migration.app_label, migration.name
    try:
        if decision.verdict == FAKE:
            if not dry_run:
                _record(executor, migration)
            return Action("fake", app, name, decision.detail)
        if decision.verdict == APPLY:
            sql = _collect_sql(connection, migration, state, steps=None) if dry_run else []
            if not dry_run:
                executor.apply_migration(state.clone(), migration)  # keeps the pre-state
            return Action("apply", app, name, decision.detail, sql=tuple(sql))
        assert decision.verdict == PARTIAL
        sql = _collect_sql(connection, migration, state, steps=decision) if dry_run else []
        if not dry_run:
            with connection.schema_editor(atomic=migration.atomic) as editor:
                for step in decision.steps:
                    if step.verdict == APPLY:
                        step.operation.database_forwards(
                            app, editor, step.from_state, step.to_state
                        )
                _record(executor, migration)
        skipped = [s.operation.describe() for s in decision.steps if s.verdict != APPLY]
        detail = decision.detail + (f"; already there: {'; '.join(skipped)}" if skipped else "")
        return Action("apply", app, name, detail, sql=tuple(sql))
    except Exception as exc:  # a migration's own code may raise anything
        did = [
            f"{a.action} {a.app_label}.{a.migration}" for a in done if a.action != "makemigrations"
        ]
        stayed = _left_behind(executor, migration, state)
        raise DjmigratorError(
            f"Migration {app}.{name} failed: {first_line(exc)}. "
            + (f"Done before it: {', '.join(did)}. " if did else "")
            + (
                f"{connection.display_name} cannot roll DDL back: of its operations, these are "
                f"in the database now: {'; '.join(stayed)}. "
                if stayed
                else ""
            )
            + "Fix the cause and run smart_makemigrations again; it continues from here."
        ) from exc


def _left_behind(
    executor: MigrationExecutor, migration: Migration, state: ProjectState
) -> list[str]:
    """The operations of a failed migration whose effects stay in the database
    (vendors without transactional DDL: MySQL, MariaDB)."""
    connection = executor.connection
    if connection.features.can_rollback_ddl:
        return []
    try:
        steps = _decide_operations(connection.alias, migration, state, {})
    except Exception:  # the report is informative; the failure itself is what matters
        return []
    return [s.operation.describe() for s in steps if s.verdict != APPLY]


def _collect_sql(
    connection: Any, migration: Migration, state: ProjectState, steps: Decision | None
) -> list[str]:
    """The SQL a migration (or its chosen operations) runs, as sqlmigrate shows it."""
    try:
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            if steps is None:
                migration.apply(state.clone(), editor, collect_sql=True)
            else:
                for step in steps.steps:
                    if step.verdict == APPLY:
                        step.operation.database_forwards(
                            migration.app_label, editor, step.from_state, step.to_state
                        )
        return [str(s) for s in editor.collected_sql]
    except Exception:  # collecting SQL is informative only
        return []


def _record(executor: MigrationExecutor, migration: Migration) -> None:
    """Record a migration as applied, as Django's executor does (squashes too)."""
    for app_label, name in migration.replaces or [(migration.app_label, migration.name)]:
        executor.recorder.record_applied(app_label, name)


def _line_writer(stream: io.StringIO) -> Any:
    def write(text: str) -> None:
        stream.write(f"{text}\n")

    return write
