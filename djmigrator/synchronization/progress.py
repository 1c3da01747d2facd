"""How far a failed migration got, where its work could not be rolled back.

On a vendor without transactional DDL (MySQL, MariaDB), or for a migration
declared ``atomic = False``, a migration that fails after some of its
operations leaves those operations in the database.  The sync then writes one
row to ``djmigrator_progress``: the migration, how many of its operations are
done, a fingerprint of those operations and when.  The row is written before
each operation (``Tracker``), so that a process killed mid-migration leaves it
too.  The next sync continues
that migration after them, records it in ``django_migrations`` and deletes the
row; the table is dropped when its last row goes, so a finished database holds
nothing of ours.  The table is created only when such a migration runs.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from django.apps.registry import Apps
from django.db import models
from django.db.migrations.migration import Migration
from django.db.migrations.writer import OperationWriter
from django.utils.timezone import now

TABLE = "djmigrator_progress"

#: (app_label, migration name) -> (operations done, fingerprint of those operations)
Recorded = dict[tuple[str, str], tuple[int, str]]


@cache
def _model() -> Any:
    """The row's model, in a registry of its own (as Django's MigrationRecorder)."""

    class Progress(models.Model):
        id = models.AutoField(primary_key=True)
        app = models.CharField(max_length=255)
        name = models.CharField(max_length=255)
        done = models.IntegerField()
        fingerprint = models.CharField(max_length=64)
        updated = models.DateTimeField(default=now)

        class Meta:
            apps = Apps()
            app_label = "djmigrator"
            db_table = TABLE

    return Progress


def fingerprint(migration: Migration, done: int) -> str:
    """sha256 of the source of the migration's first ``done`` operations."""
    digest = hashlib.sha256()
    for operation in migration.operations[:done]:
        _feed(digest, operation)
    return digest.hexdigest()


def _feed(digest: Any, operation: Any) -> None:
    try:
        text, _ = OperationWriter(operation, indentation=0).serialize()
    except Exception:  # e.g. a RunPython lambda: its class and description then
        text = f"{type(operation).__qualname__}: {operation.describe()}"
    digest.update(text.encode())
    digest.update(b"\0")


class Tracker:
    """The progress row of a migration applied step by step, kept up to date
    *before* each step: a process killed (SIGKILL) at any point of the
    migration leaves a row saying which operations were done before the one
    it was in, and the next sync continues from there (see plan.resume)."""

    def __init__(self, connection: Any, migration: Migration) -> None:
        self.connection, self.migration = connection, migration
        self._digest = hashlib.sha256()
        self._hashed = 0
        self._saved = False
        self._has_table = _has_table(connection)

    def mark(self, done: int) -> None:
        """The first ``done`` operations are in the database (step ``done`` is next)."""
        while self._hashed < done:
            _feed(self._digest, self.migration.operations[self._hashed])
            self._hashed += 1
        if not self._has_table:
            _create_table(self.connection)
            self._has_table = True
        _write(self.connection, self.migration, done, self._digest.hexdigest())
        self._saved = True

    def forget(self) -> None:
        """The migration is recorded as applied (or nothing of it was done)."""
        if self._saved:
            _model().objects.using(self.connection.alias).filter(
                app=self.migration.app_label, name=self.migration.name
            ).delete()
            self._saved = False


def _has_table(connection: Any) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)


def read(connection: Any) -> Recorded:
    """Every migration an earlier sync left part-done on this database."""
    if not _has_table(connection):
        return {}
    rows = _model().objects.using(connection.alias).order_by("id")
    return {(r.app, r.name): (r.done, r.fingerprint) for r in rows}


def save(connection: Any, migration: Migration, done: int) -> None:
    """Record that the first ``done`` operations of ``migration`` are in the database."""
    if not _has_table(connection):
        _create_table(connection)
    _write(connection, migration, done, fingerprint(migration, done))


def _create_table(connection: Any) -> None:
    with connection.schema_editor(atomic=False) as editor:
        editor.create_model(_model())


def _write(connection: Any, migration: Migration, done: int, mark: str) -> None:
    rows = _model().objects.using(connection.alias)
    key = {"app": migration.app_label, "name": migration.name}
    values = {"done": done, "fingerprint": mark, "updated": now()}
    if not rows.filter(**key).update(**values):
        rows.create(**key, **values)


def clear(connection: Any, keys: set[tuple[str, str]]) -> None:
    """Forget these migrations (recorded as applied now); drop the table once empty."""
    if not keys or not _has_table(connection):
        return
    model = _model()
    rows = model.objects.using(connection.alias)
    for app, name in keys:
        rows.filter(app=app, name=name).delete()
    if not rows.exists():
        with connection.schema_editor(atomic=False) as editor:
            editor.delete_model(model)


def tidy(connection: Any) -> None:
    """Drop the table if no row is left in it (the sync's migrations are done)."""
    if _has_table(connection) and not _model().objects.using(connection.alias).exists():
        with connection.schema_editor(atomic=False) as editor:
            editor.delete_model(_model())
