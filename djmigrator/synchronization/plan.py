"""Per unapplied migration: fake, apply, apply in part, or refuse.

A migration's *effects* are the differences between the schema its pre-state
expects and the one its post-state expects, on the tables it touches.  The
database is compared with both states: what differs from the post-state but
not from the pre-state is an effect still missing; what differs from the
pre-state but not from the post-state is an effect already present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import migrations as dj_migrations
from django.db import router
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from ..aliases import AliasContext, resolve
from ..comparison.comparator import compare_alias
from ..report import AliasReport
from ..vendors import get_vendor

APPLY, FAKE, PARTIAL, REFUSE, SKIP = "apply", "fake", "partial", "refuse", "skip"

#: Operations whose partly present effect the repair step can complete.
ADDITIVE: tuple[type[Operation], ...] = (
    dj_migrations.CreateModel,
    dj_migrations.AddField,
    dj_migrations.AddIndex,
    dj_migrations.AddConstraint,
    dj_migrations.AlterUniqueTogether,
)
if hasattr(dj_migrations, "AlterIndexTogether"):
    ADDITIVE = (*ADDITIVE, dj_migrations.AlterIndexTogether)


@dataclass
class OpStep:
    operation: Operation
    from_state: ProjectState
    to_state: ProjectState
    verdict: str


@dataclass
class Decision:
    migration: Migration
    verdict: str
    detail: str
    steps: list[OpStep] = field(default_factory=list)


def touched_tables(pre: ProjectState, post: ProjectState) -> set[str]:
    """Tables of the models whose state the step changes (M2M tables included)."""
    keys = set(pre.models) | set(post.models)
    changed = [k for k in keys if _differs(pre.models.get(k), post.models.get(k))]
    tables: set[str] = set()
    for state in (pre, post):
        for key in changed:
            if key not in state.models:
                continue
            model = state.apps.get_model(*key)
            tables.add(model._meta.db_table)
            for m2m in model._meta.local_many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    tables.add(m2m.m2m_db_table())
    return tables


def _differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is not b
    if _same_clone(a, b):
        return False
    return bool(a != b)


def _same_clone(a: Any, b: Any) -> bool:
    """Is ``b`` a clone of ``a`` that no operation changed?

    ``ModelState.clone`` keeps the same field objects, and an operation that
    changes a field puts a new one in its place; only a field that is not the
    very same object needs ``ModelState.__eq__``'s costly ``deconstruct()``.
    """
    return (
        a.app_label == b.app_label
        and a.name == b.name
        and a.fields.keys() == b.fields.keys()
        and all(f is b.fields[k] for k, f in a.fields.items())
        and a.options == b.options
        and a.bases == b.bases
        and a.managers == b.managers
    )


def _keys(report: AliasReport) -> set[tuple[Any, ...]]:
    return {
        (d.kind, d.table, d.columns, d.name, d.expected, d.actual) for d in report.discrepancies
    }


def effects(
    alias: str | AliasContext,
    pre: ProjectState,
    post: ProjectState,
    db_names: dict[str, set[str]] | None = None,
) -> tuple[set[Any], set[Any]]:
    """(missing, present) effects of going from ``pre`` to ``post`` on ``alias``.

    ``db_names`` caches the index and constraint names of each table while the
    database does not change (one decision).
    """
    tables = touched_tables(pre, post)
    if not tables:
        return set(), set()
    to_post = _keys(compare_alias(alias, apps=post.apps, tables=tables))
    to_pre = _keys(compare_alias(alias, apps=pre.apps, tables=tables))
    names_pre, names_post = _name_keys(
        alias, pre, post, tables, {} if db_names is None else db_names
    )
    to_post |= names_post
    to_pre |= names_pre
    return to_post - to_pre, to_pre - to_post


def _declared_names(state: ProjectState, tables: set[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for model in state.apps.get_models():
        opts = model._meta
        if opts.db_table in tables and opts.managed and not opts.proxy:
            found.update((opts.db_table, obj.name) for obj in (*opts.indexes, *opts.constraints))
    return found


def _name_keys(
    alias: str | AliasContext,
    pre: ProjectState,
    post: ProjectState,
    tables: set[str],
    db_names: dict[str, set[str]],
) -> tuple[set[Any], set[Any]]:
    """Differences by name of the models' declared indexes and constraints.

    The comparator matches indexes and constraints by columns and does not see
    check constraints, so a RenameIndex, or a CheckConstraint added or removed,
    is invisible to it; their names are looked up here.  Only names that ``pre``
    or ``post`` declares are watched.
    """
    declared_pre, declared_post = _declared_names(pre, tables), _declared_names(post, tables)
    watched = declared_pre | declared_post
    if not watched:
        return set(), set()
    connection = resolve(alias).connection
    stored = get_vendor(connection.vendor).stored_name  # the server's name (63 bytes on PG)
    unknown = {t for t, _ in watched} - set(db_names)
    if unknown:
        present_tables = set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            for table in unknown:
                if stored(table) not in present_tables:
                    db_names[table] = set()
                    continue
                wanted = {stored(n) for t, n in watched if t == table}
                names = _index_names(connection, cursor, stored(table))
                if not wanted <= names:  # a constraint name: ask Django for all of them
                    names = set(connection.introspection.get_constraints(cursor, stored(table)))
                db_names[table] = names
    in_db = {(t, n) for t, n in watched if stored(n) in db_names[t]}

    def keys(declared: set[tuple[str, str]]) -> set[Any]:
        return {
            ("missing_name" if key in declared else "extra_name", *key)
            for key in watched
            if (key in declared) != (key in in_db)
        }

    return keys(declared_pre), keys(declared_post)


def _index_names(connection: Any, cursor: Any, table: str) -> set[str]:
    """The names of ``table``'s indexes, where the server lists them cheaply.

    On SQLite, Django's ``get_constraints`` parses the table's SQL with
    sqlparse (about 30 ms a table), while ``PRAGMA index_list`` names every
    index, those of unique constraints included; on MySQL/MariaDB it runs
    three ``information_schema`` queries (about 150 ms a table on MariaDB),
    while ``SHOW INDEX`` names every index.  A name not among them may still
    be a CHECK constraint's, so the caller then asks ``get_constraints``.
    PostgreSQL: none (its ``get_constraints`` is cheap).
    """
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "sqlite":
        cursor.execute(f"PRAGMA index_list({quoted})")
        return {row[1] for row in cursor.fetchall()}
    if connection.vendor == "mysql":
        cursor.execute(f"SHOW INDEX FROM {quoted}")
        return {row[2] for row in cursor.fetchall()}
    return set()


def _runs_code(operations: list[Operation], alias: str, app_label: str) -> list[str]:
    """The RunPython / RunSQL operations that would run code on ``alias``
    going forwards: not a ``RunPython.noop`` / ``RunSQL.noop`` forwards (the
    contenttypes app's ``0002``, which only has a backwards), nor one the
    routers keep off the alias (as ``database_forwards`` asks them)."""
    found = []
    for op in operations:
        if isinstance(op, dj_migrations.RunPython):
            if op.code is dj_migrations.RunPython.noop:
                continue
        elif isinstance(op, dj_migrations.RunSQL):
            if op.sql in (dj_migrations.RunSQL.noop, [], ()):
                continue
        elif isinstance(op, dj_migrations.SeparateDatabaseAndState):
            found.extend(_runs_code(list(op.database_operations), alias, app_label))
            continue
        else:
            continue
        if router.allow_migrate(alias, app_label, **op.hints):
            found.append(type(op).__name__)
    return found


def decide(
    alias: str | AliasContext, migration: Migration, pre: ProjectState, post: ProjectState
) -> Decision:
    db_names: dict[str, set[str]] = {}
    missing, present = effects(alias, pre, post, db_names)
    name = f"{migration.app_label}.{migration.name}"
    code = _runs_code(list(migration.operations), resolve(alias).alias, migration.app_label)
    if not present:
        return Decision(migration, APPLY, "its schema changes are absent" if missing else "")
    if code and (present or missing):
        return Decision(
            migration,
            REFUSE,
            f"migration {name} runs {', '.join(sorted(set(code)))} and its schema changes "
            "are already (partly) in the database; apply it by hand or fake it with "
            f"'manage.py migrate {migration.app_label} {migration.name} --fake'",
        )
    if not missing:
        return Decision(migration, FAKE, "all its schema changes already exist")
    steps = _decide_operations(alias, migration, pre, db_names)
    refused = [s for s in steps if s.verdict == REFUSE]
    if refused:
        op = refused[0].operation
        return Decision(
            migration,
            REFUSE,
            f"migration {name}: operation {op.describe()!r} is partly done in the "
            "database and cannot be completed safely; finish it by hand, then re-run",
            steps,
        )
    applied = sum(1 for s in steps if s.verdict == APPLY)
    if not applied:  # every operation is (partly) there: the repair step adds the rest
        return Decision(
            migration,
            FAKE,
            "its schema changes already exist, some in part; the repair step adds the rest",
            steps,
        )
    return Decision(
        migration,
        PARTIAL,
        f"{applied} of {len(steps)} operations applied, the others already exist",
        steps,
    )


def op_steps(migration: Migration, pre: ProjectState, verdict: str = APPLY) -> list[OpStep]:
    """Each operation with the states it runs between, as Migration.apply has them."""
    steps: list[OpStep] = []
    state = pre.clone()
    for op in migration.operations:
        to_state = state.clone()
        op.state_forwards(migration.app_label, to_state)
        steps.append(OpStep(op, state, to_state, verdict))
        state = to_state
    return steps


def resume(
    alias: str | AliasContext,
    migration: Migration,
    pre: ProjectState,
    done: int,
    fingerprint_matches: bool,
) -> Decision:
    """A migration an earlier sync left part-done (see progress.py): its first
    ``done`` operations are in the database, the others are applied.

    The earlier sync may have been killed after the next operation's schema
    change and before it could count it: that operation is compared with the
    database, and skipped if its change is there."""
    name = f"{migration.app_label}.{migration.name}"
    steps = op_steps(migration, pre)
    done = min(done, len(steps))
    if not fingerprint_matches:
        return Decision(
            migration,
            REFUSE,
            f"migration {name} was partly applied by an earlier sync ({done} of "
            f"{len(steps)} operations done: "
            f"{'; '.join(s.operation.describe() for s in steps[:done])}), but those "
            "operations have changed since; restore them and re-run, or finish the "
            "migration by hand and fake it with "
            f"'manage.py migrate {migration.app_label} {migration.name} --fake'",
        )
    for step in steps[:done]:
        step.verdict = SKIP
    runs = (
        _runs_code([steps[done].operation], resolve(alias).alias, migration.app_label)
        if done < len(steps)
        else []
    )
    if done < len(steps) and not runs:
        step = steps[done]
        missing, present = effects(alias, step.from_state, step.to_state)
        if present and (not missing or isinstance(step.operation, ADDITIVE)):
            step.verdict = SKIP  # done (the repair step adds any rest)
            done += 1
        elif present:
            return Decision(
                migration,
                REFUSE,
                f"migration {name}: operation {step.operation.describe()!r} is partly done "
                "in the database by an earlier sync that stopped, and cannot be completed "
                "safely; finish it by hand, then fake the migration with "
                f"'manage.py migrate {migration.app_label} {migration.name} --fake'",
                steps,
            )
    applied = sum(1 for s in steps if s.verdict == APPLY)
    if not applied:
        return Decision(
            migration, FAKE, "an earlier sync applied all its operations, then stopped", steps
        )
    return Decision(
        migration,
        PARTIAL,
        f"{applied} of {len(steps)} operations applied; an earlier sync that stopped did the "
        f"first {done}",
        steps,
    )


def _decide_operations(
    alias: str | AliasContext,
    migration: Migration,
    pre: ProjectState,
    db_names: dict[str, set[str]],
) -> list[OpStep]:
    steps: list[OpStep] = []
    state = pre.clone()
    for op in migration.operations:
        to_state = state.clone()
        op.state_forwards(migration.app_label, to_state)
        missing, present = effects(alias, state, to_state, db_names)
        if not present:
            verdict = APPLY
        elif not missing:
            verdict = SKIP
        elif isinstance(op, ADDITIVE):
            verdict = SKIP  # the repair step adds what is still missing
        else:
            verdict = REFUSE
        steps.append(OpStep(op, state, to_state, verdict))
        state = to_state
    return steps
