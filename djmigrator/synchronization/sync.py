"""Carry a sync out: makemigrations, then apply / fake / partly apply, then repair.

Nothing that exists is dropped or altered: extra tables, columns and indexes
and all rows stay; type and nullability differences are reported only.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from ..aliases import AliasContext, resolve
from ..api import _run_per_alias, check_app_labels, resolve_aliases
from ..comparison.comparator import compare_alias
from ..connection import ensure_connected, first_line
from ..errors import DjmigratorError
from ..failures import translate
from ..report import Action, AliasReport, Report
from ..reporting.baseline import Accepted, Baseline, accepted_filter
from ..reporting.explain import Explainer
from . import lockwait, progress, remake
from .locks import check_held, sync_lock
from .newmigrations import (
    Writer,
    add_to_graph,
    ask_makemigrations,
    pending_migrations,
    write_migrations,
)
from .plan import APPLY, FAKE, PARTIAL, REFUSE, Decision, OpStep, decide, op_steps, resume
from .repair import repair
from .schemasync import sync_schemas


def sync(
    using: str | Sequence[str] | None = "default",
    app_labels: Collection[str] | None = None,
    *,
    all_databases: bool = False,
    dry_run: bool = False,
    interactive: bool = False,
    verbosity: int = 1,
    schemas: Sequence[str] | None = None,
    baseline: Baseline | None = None,
) -> Report:
    """Bring the database(s) in line with the models; see the SPEC's "Sync".

    ``baseline`` (``--baseline``): the differences it accepts are left as
    they are (not restored); pending migrations are applied as usual.

    With ``dry_run`` nothing is written: the report's actions say what a sync
    would do, with the SQL of each step.  ``schemas`` (PostgreSQL) and
    django-tenants: each selected schema is synced on its own
    (``schemasync``), one entry of the report each.
    """
    # With no terminal to answer on, makemigrations' questions become an exit-2
    # error naming the field (as with --noinput), not an EOFError traceback.
    terminal = sys.stdin is not None and sys.stdin.isatty()
    # why makemigrations could not ask its questions (for the message)
    no_answer = (
        "--noinput" if not interactive else "--dry-run" if dry_run else "" if terminal else "tty"
    )
    interactive = interactive and terminal
    aliases = resolve_aliases(using, all_databases=all_databases)
    labels = sorted(app_labels) if app_labels else None
    check_app_labels(labels)
    for alias in aliases:
        ensure_connected(alias)
    # Mirrors (replicas) are compared only, and after their primaries are done.
    primaries = [a for a in aliases if not _is_mirror(a)]
    mirrors = [a for a in aliases if _is_mirror(a)]
    new_migrations = (
        pending_migrations(labels, interactive and not dry_run, no_answer) if primaries else {}
    )
    written: list[Action] = []
    writer: Writer | None = None
    write: Callable[[], list[Action]] = functools.partial(write_migrations, labels, no_answer)
    if new_migrations is None or (new_migrations and interactive and not dry_run):
        # makemigrations asks its questions (a rename? a default?) now, on the
        # terminal; the files it would write are held like the others
        held = ask_makemigrations(labels)
        new_migrations, write = held.held, held.write_held
    if new_migrations:  # written when the plan first needs them (see Writer)
        verb = "would write" if dry_run else "wrote"
        written = [
            Action("makemigrations", app, m.name, f"{verb} {app}/migrations/{m.name}.py")
            for app, migs in new_migrations.items()
            for m in migs
        ]
        if not dry_run:
            writer = Writer(write, {(a.app_label, a.migration) for a in written})

    patterns = list(schemas) if schemas else None

    def one(alias: str) -> tuple[AliasReport, ...]:
        # where each difference left comes from (once the migrations are written)
        explainer = Explainer(alias, app_labels=labels)

        def run(first: bool) -> AliasReport:
            # the files are written once: listed under the first alias
            # (and its first schema) only
            listed = first and bool(primaries) and alias == primaries[0]
            report = _sync_alias(
                alias,
                labels,
                dry_run=dry_run,
                verbosity=verbosity,
                written=written if listed else [],
                in_memory=new_migrations if dry_run or writer else None,
                writer=writer,
                lists_writes=listed,
                accepted=accepted_filter(baseline),
            )
            return explainer.explain(report)  # in the schema's scope: its own history

        return sync_schemas(alias, patterns, run, dry_run=dry_run)

    by_alias: dict[str, list[AliasReport]] = {}
    try:
        if primaries:
            for report in _run_per_alias(primaries, one):
                by_alias.setdefault(report.alias, []).append(report)
        for alias in mirrors:
            by_alias[alias] = list(one(alias))
        if writer is not None and primaries:
            writer()  # no migration needed applying: the files are still written
    except Exception as exc:
        # the files of migrations no database was given go with the failure
        kept = writer.withdraw() if writer is not None else []
        if kept and isinstance(exc, DjmigratorError):
            raise DjmigratorError(
                f"{str(exc).rstrip('.')}. These new migration files stay: {', '.join(kept)}."
            ) from exc
        raise
    return Report(databases=tuple(r for a in aliases for r in by_alias[a]))


def _is_mirror(alias: str) -> bool:
    return bool((connections[alias].settings_dict.get("TEST") or {}).get("MIRROR"))


# -- applying --------------------------------------------------------------


def _executor(
    target: AliasContext, in_memory: dict[str, list[Migration]] | None
) -> MigrationExecutor:
    executor = MigrationExecutor(target.connection)
    if in_memory:
        add_to_graph(executor.loader, in_memory)
    return executor


def _sync_alias(
    alias: str | AliasContext,
    labels: list[str] | None,
    *,
    dry_run: bool,
    verbosity: int,
    written: list[Action],
    in_memory: dict[str, list[Migration]] | None,
    writer: Writer | None = None,
    lists_writes: bool = True,
    accepted: Accepted | None = None,
) -> AliasReport:
    target = resolve(alias)  # once: passed down to the lock, plan, repair
    if target.is_mirror:  # a replica: compared, never synced
        found = compare_alias(target, app_labels=labels)
        note = f"'{target.alias}' mirrors '{target.routing}': compared only, never synced"
        return AliasReport(
            target.alias, found.vendor, found.discrepancies, (), (*found.notes, note)
        )
    actions: list[Action] = list(written) if writer is None else []
    try:
        return _sync_locked(
            target, labels, dry_run, verbosity, in_memory, writer, lists_writes, actions, accepted
        )
    except DjmigratorError:
        raise
    except Exception as exc:  # bad state met on the way: one line, saying what was done
        error = translate(exc, target.alias, _done(actions))
        if error is None:
            raise
        raise error from exc


def _sync_locked(
    target: AliasContext,
    labels: list[str] | None,
    dry_run: bool,
    verbosity: int,
    in_memory: dict[str, list[Migration]] | None,
    writer: Writer | None,
    lists_writes: bool,
    actions: list[Action],
    accepted: Accepted | None = None,
) -> AliasReport:
    alias, connection = target.alias, target.connection
    # on SQLite, table rebuilds keep what was made by hand (see remake.py);
    # each statement waits at most LOCK_TIMEOUT for a table lock (lockwait.py)
    with (
        sync_lock(target),
        remake.keeping_hand_made(connection),
        lockwait.bounded_lock_waits(target),
    ):
        executor = _executor(target, in_memory)
        executor.loader.check_consistent_history(connection)
        # migrations an earlier sync left part-done (see progress.py)
        recorded = progress.read(connection)
        if not dry_run:  # recorded as applied since (e.g. faked by hand): done with
            progress.clear(connection, set(recorded) & set(executor.loader.applied_migrations))
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
            if not dry_run:
                _check_held(alias, actions)
            post = migration.mutate_state(state, preserve=True)
            key = (migration.app_label, migration.name)
            if key in recorded:
                count, mark = recorded[key]
                same = mark == progress.fingerprint(migration, count)
                decision = resume(target, migration, state, count, same)
            else:
                decision = decide(target, migration, state, post)
            if decision.verdict == REFUSE:
                raise DjmigratorError(_refusal(decision, actions))
            if writer is not None and (migration.app_label, migration.name) in writer.expected:
                writer()
            try:
                actions.append(_act(executor, decision, state, dry_run, actions))
            except MigrationFailed as exc:
                if writer is not None and exc.stays:  # the next sync continues it from its file
                    writer.used.add(key)
                raise
            if writer is not None:
                writer.used.add(key)
            if key in recorded and not dry_run:  # recorded as applied now: done with
                progress.clear(connection, {key})
            from .plan import touched_tables

            touched |= touched_tables(state, post)
            state = post
        if writer is not None:
            writer()
            if lists_writes:
                actions[:0] = writer.actions
        if not dry_run:
            _check_held(alias, actions)
            # as migrate does: a squashed migration whose replaced ones are all
            # recorded is recorded too
            executor.check_replacements()
            # every migration done: nothing of ours stays (also an empty table
            # a run killed after its last row went left behind)
            progress.tidy(connection)
        if not dry_run:  # as migrate: also when nothing was left to apply (a killed
            # run may have recorded its last migration and stopped before this)
            emit_post_migrate_signal(
                max(verbosity - 1, 0), False, alias, apps=state.apps, plan=plan
            )
        if not dry_run:
            _check_held(alias, actions)
        try:
            repaired, unchanged = repair(
                target,
                labels,
                dry_run,
                skip_tables=touched if dry_run else set(),
                accepted=accepted,
            )
        except DjmigratorError as exc:  # a repair that would rebuild a SQLite table
            raise DjmigratorError(_with_done(str(exc), actions)) from None
        actions.extend(repaired)
    # the repair's comparison, if the database has not changed since
    final = unchanged or compare_alias(target, app_labels=labels)
    return AliasReport(
        alias=alias,
        vendor=final.vendor,
        discrepancies=final.discrepancies,
        actions=tuple(actions),
        notes=final.notes,
    )


def _check_held(
    alias: str, done: list[Action], cause: Exception | None = None, stays: bool = False
) -> None:
    """Stop (exit 2) if the session that holds the sync lock is gone (locks.py)."""
    try:
        check_held(alias)
    except DjmigratorError as exc:
        raise MigrationFailed(_with_done(str(exc), done), stays=stays) from (cause or exc)


class MigrationFailed(DjmigratorError):
    """A migration failed; ``stays``: some of its operations remain in the
    database (recorded in djmigrator_progress for the next sync to continue)."""

    def __init__(self, message: str, stays: bool = False) -> None:
        super().__init__(message)
        self.stays = stays


def _refusal(decision: Decision, done: list[Action]) -> str:
    return _with_done(decision.detail, done)


def _with_done(message: str, done: list[Action]) -> str:
    did = [f"{a.action} {a.app_label}.{a.migration}" for a in done if a.action != "makemigrations"]
    return message + (f" (done before stopping: {', '.join(did)})" if did else "")


def _done(done: list[Action]) -> str:
    """What a sync stopped by bad state had done ("" when nothing)."""
    did = [f"{a.action} {a.app_label}.{a.migration}" for a in done if a.action != "makemigrations"]
    return f"Done before stopping: {', '.join(did)}" if did else ""


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
    if decision.verdict == FAKE:
        if not dry_run:
            try:
                _record(executor, migration)
            except Exception as exc:
                _check_held(connection.alias, done, exc)
                raise MigrationFailed(_failure(executor, migration, exc, done, [])) from exc
        return Action("fake", app, name, decision.detail)
    steps = decision.steps if decision.verdict == PARTIAL else None
    if dry_run:
        sql = _collect_sql(connection, migration, state, steps=decision if steps else None)
    else:
        sql = []
        if _stepwise(connection, migration):
            _apply_stepwise(executor, migration, steps or op_steps(migration, state), done)
        else:
            try:
                if steps is None:
                    executor.apply_migration(state.clone(), migration)  # keeps the pre-state
                else:
                    with connection.schema_editor(atomic=migration.atomic) as editor:
                        for step in steps:
                            if step.verdict == APPLY:
                                _forwards(editor, migration, step)
                        _record(executor, migration)
            except Exception as exc:  # a migration's own code may raise anything
                _check_held(connection.alias, done, exc)
                raise MigrationFailed(_failure(executor, migration, exc, done, [])) from exc
    detail = decision.detail
    skipped = [s.operation.describe() for s in steps or () if s.verdict != APPLY]
    if skipped:
        detail += f"; already there: {'; '.join(skipped)}"
    return Action("apply", app, name, detail, sql=tuple(sql))


def _stepwise(connection: Any, migration: Migration) -> bool:
    """Whether a failure would leave some of the migration's operations done: the
    vendor cannot roll DDL back (MySQL, MariaDB) or the migration is not atomic."""
    return not (connection.features.can_rollback_ddl and migration.atomic)


def _apply_stepwise(
    executor: MigrationExecutor, migration: Migration, steps: list[OpStep], done: list[Action]
) -> None:
    """Apply the migration operation by operation, each with its own schema editor
    (its deferred SQL runs before the next one starts), so that a failure leaves
    exactly the operations before it done.  Before each operation, how many are
    done is written to djmigrator_progress (progress.Tracker): the next sync
    continues from there, whether this one fails or is killed."""
    connection = executor.connection
    _check_held(connection.alias, done)
    tracker = progress.Tracker(connection, migration)
    count = 0
    try:
        for index, step in enumerate(steps):
            if step.verdict == APPLY:
                _check_held(connection.alias, done)
                tracker.mark(index)
                with connection.schema_editor(atomic=migration.atomic) as editor:
                    _forwards(editor, migration, step)
            count = index + 1
        executor.recorder.ensure_schema()  # DDL: not inside the transaction below
        with transaction.atomic(connection.alias):  # recorded and forgotten at once
            _record(executor, migration)
            tracker.forget()
    except Exception as exc:  # a migration's own code may raise anything
        stays = any(s.verdict == APPLY for s in steps[:count])
        if isinstance(exc, MigrationFailed):  # the lock was lost before a step
            exc.stays = stays
            raise
        # the row written before the failed step stays; nothing more is written
        # without the lock
        _check_held(connection.alias, done, exc, stays)
        unsaved = ""
        try:
            if stays:
                tracker.mark(count)
            else:  # nothing of it was done: the next sync decides afresh
                tracker.forget()
        except Exception as why:  # the report must still say what stays
            unsaved = first_line(why) if stays else ""
        stayed = [s.operation.describe() for s in steps[:count]]
        raise MigrationFailed(
            _failure(executor, migration, exc, done, stayed, unsaved), stays=stays
        ) from exc


def _forwards(editor: Any, migration: Migration, step: OpStep) -> None:
    """One operation forwards, in a transaction of its own where Migration.apply
    would give it one (an atomic operation outside an atomic schema editor)."""
    operation = step.operation
    atomic_operation = operation.atomic or (migration.atomic and operation.atomic is not False)
    if not editor.atomic_migration and atomic_operation:
        with transaction.atomic(editor.connection.alias):
            operation.database_forwards(migration.app_label, editor, step.from_state, step.to_state)
    else:
        operation.database_forwards(migration.app_label, editor, step.from_state, step.to_state)


def _failure(
    executor: MigrationExecutor,
    migration: Migration,
    exc: Exception,
    done: list[Action],
    stayed: list[str],
    unsaved: str = "",
) -> str:
    """The one-line message of a failed migration: what was done, what stays."""
    connection = executor.connection
    did = [f"{a.action} {a.app_label}.{a.migration}" for a in done if a.action != "makemigrations"]
    why = (
        f"{connection.display_name} cannot roll DDL back"
        if not connection.features.can_rollback_ddl
        else "The migration is not atomic (atomic = False)"
    )
    text = (
        f"Migration {migration.app_label}.{migration.name} failed: {first_line(exc)}. "
        + (f"Done before it: {', '.join(did)}. " if did else "")
        + (
            f"{why}: of its operations, these are in the database now: {'; '.join(stayed)}. "
            if stayed
            else ""
        )
    )
    if unsaved:
        return text + (
            f"Recording that progress failed too ({unsaved}): finish the migration by hand, "
            f"then fake it with 'manage.py migrate {migration.app_label} {migration.name} --fake'."
        )
    return text + "Fix the cause and run smart_makemigrations again; it continues from here."


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
