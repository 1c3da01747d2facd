"""The migrations makemigrations would write for a sync: computed in memory,
questions asked (or refused) up front, files written only when the sync first
needs them."""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemigrations
from django.core.management.utils import run_formatters
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration, swappable_dependency
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import MigrationWriter

from ..errors import DjmigratorError
from ..report import Action


def pending_migrations(
    labels: list[str] | None, interactive: bool, no_answer: str
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
        raise DjmigratorError(question_message(said, no_answer)) from None
    return changes


#: why makemigrations got no answer -> (what happened, the way forward)
_NO_ANSWER = {
    "--noinput": (
        "makemigrations needs an answer it cannot get with --noinput",
        "run makemigrations interactively",
    ),
    "--dry-run": (
        "makemigrations needs an answer, and --dry-run asks no questions",
        "run smart_makemigrations without --dry-run to answer it",
    ),
    "tty": (
        "makemigrations needs an answer, and there is no terminal to ask it on",
        "run smart_makemigrations in a terminal to answer it",
    ),
    "": ("makemigrations stopped without the answer it needs", "answer its question"),
}


def question_message(stream: io.StringIO, no_answer: str) -> str:
    said = " ".join(line.strip() for line in stream.getvalue().splitlines() if line.strip())
    said = said.rstrip(".")
    what, forward = _NO_ANSWER[no_answer]
    return (
        what
        + (f": {said}" if said else "")
        + f". Give the field a default or null=True, or {forward}."
    )


class Writer:
    """Writes the new migration files once, when the sync first needs them.

    The plan runs with the new migrations held in memory; their files are
    written just before the first of them is applied or faked, so a sync that
    stops earlier (a refused migration, a failure) leaves no file behind.  A
    sync that fails after writing them takes back (``withdraw``) the files of
    the migrations no database was given (``used``).
    """

    def __init__(self, write: Callable[[], list[Action]], expected: set[tuple[Any, Any]]) -> None:
        self.write, self.expected = write, expected
        self.done = False
        #: what this run wrote (a concurrent sync may have written some first)
        self.actions: list[Action] = []
        #: the files this run wrote, by migration
        self.paths: dict[tuple[str, str], str] = {}
        #: migrations applied or faked (or left part-done) in some database:
        #: their files stay whatever happens next
        self.used: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            if self.done:
                return
            self.actions = self.write()
            self.done = True
            on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
            for action in self.actions:
                key = (str(action.app_label), str(action.migration))
                module = sys.modules.get(type(on_disk[key]).__module__) if key in on_disk else None
                if module is not None and module.__file__:
                    self.paths[key] = module.__file__
            if not self.expected <= set(on_disk):
                raise DjmigratorError(
                    "makemigrations did not write "
                    + ", ".join(f"{a}.{n}" for a, n in sorted(self.expected - set(on_disk)))
                    + " as expected; run smart_makemigrations again."
                )

    def withdraw(self) -> list[str]:
        """Remove the files this run wrote whose migrations no database was given
        (the sync failed first); the paths of those that could not be removed."""
        kept: list[str] = []
        with self._lock:
            for key, path in sorted(self.paths.items()):
                if key in self.used:
                    continue
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass
                except OSError:
                    kept.append(path)
                    continue
                cached = importlib.util.cache_from_source(path)
                if os.path.exists(cached):
                    try:
                        os.remove(cached)
                    except OSError:
                        pass
                del self.paths[key]
                self.actions = [a for a in self.actions if (a.app_label, a.migration) != key]
            importlib.invalidate_caches()
        return kept


#: A staged migration file's name: not a ``.py`` file, so that neither Django's
#: loader nor makemigrations' "has this app migrations?" ever counts it.
_STAGED = "~{stem}.py.djmigrator-{pid}"
_STAGED_RE = re.compile(r"^~.+\.py\.djmigrator-(\d+)$")


class AtomicMakemigrations(makemigrations.Command):
    """Django's makemigrations, its files written atomically.

    Each file is written (and formatted, as makemigrations formats it) under a
    temporary name in its own migrations directory, flushed to disk, then
    renamed over its final name with ``os.replace``: a process killed at any
    point leaves either no file or the whole file, never a torn one.
    """

    written_files: list[str]  # set by handle()

    def write_migration_files(
        self, changes: dict[str, Any], update_previous_migration_paths: Any = None
    ) -> None:
        if update_previous_migration_paths or self.dry_run:  # --update, --dry-run
            super().write_migration_files(changes, update_previous_migration_paths)
            return
        staged: list[tuple[str, str]] = []  # (temporary path, final path)
        try:
            for app_label, app_migrations in changes.items():
                if self.verbosity >= 1:
                    self.log(self.style.MIGRATE_HEADING(f"Migrations for '{app_label}':"))
                for migration in app_migrations:
                    writer = MigrationWriter(migration, self.include_header)
                    if self.verbosity >= 1:
                        shown = self.get_relative_path(writer.path)
                        self.log(f"  {self.style.MIGRATE_LABEL(shown)}\n")
                        for operation in migration.operations:
                            self.log(f"    {operation.formatted_description()}")
                        if self.scriptable:
                            self.stdout.write(shown)
                    staged.append((_stage(writer.path, writer.as_string()), writer.path))
            if staged:
                run_formatters([temp for temp, _ in staged], stderr=self.stderr)
                for temp, path in staged:
                    _fsync(temp)  # the formatter rewrote it in place
                    os.replace(temp, path)
                    self.written_files.append(path)
                for folder in {os.path.dirname(path) for _, path in staged}:
                    _fsync(folder)
        finally:
            for temp, _ in staged:
                if os.path.exists(temp):
                    os.remove(temp)


def _stage(path: str, text: str) -> str:
    """Write ``text`` to a temporary file beside ``path`` (a name Django's loader
    ignores) and flush it to disk; the migrations package is created if need be."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    init = os.path.join(folder, "__init__.py")
    if not os.path.isfile(init):
        open(init, "a").close()
    _remove_stale(folder)
    stem = os.path.splitext(os.path.basename(path))[0]
    temp = os.path.join(folder, _STAGED.format(stem=stem, pid=os.getpid()))
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
    _fsync(temp)
    return temp


def _remove_stale(folder: str) -> None:
    """Remove staged files a killed sync left behind (their process is gone)."""
    for name in os.listdir(folder):
        found = _STAGED_RE.match(name)
        if found is None or _alive(int(found.group(1))):
            continue
        try:
            os.remove(os.path.join(folder, name))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours (PermissionError), or no way to tell
        return True
    return True


def _fsync(path: str) -> None:
    """Flush a file (or, on POSIX, a directory's entries) to disk."""
    if os.path.isdir(path) and sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory
        pass
    finally:
        os.close(fd)


class HeldMakemigrations(AtomicMakemigrations):
    """Django's makemigrations, run through call_command (its questions asked
    on the terminal), that holds the migrations it would write in memory until
    ``write_held()``."""

    held: dict[str, list[Migration]] = {}
    holding = True

    def write_migration_files(
        self, changes: dict[str, Any], update_previous_migration_paths: Any = None
    ) -> None:
        if self.holding:
            self.held = changes
            return
        super().write_migration_files(changes, update_previous_migration_paths)

    def write_held(self) -> list[Action]:
        """Write the held migrations, as makemigrations would have."""
        before = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        self.holding = False
        self.write_migration_files(self.held)
        return _written_since(before)


def ask_makemigrations(labels: list[str] | None) -> HeldMakemigrations:
    """Run makemigrations interactively: its questions and prompts go to the
    terminal (stderr, as with ``--scriptable``); nothing is written yet."""
    command = HeldMakemigrations()
    try:
        call_command(command, *(labels or ()), interactive=True, scriptable=True, verbosity=0)
    except SystemExit:  # the user chose to quit at a question
        raise DjmigratorError(question_message(io.StringIO(), "")) from None
    return command


def _written_since(before: set[tuple[str, str]]) -> list[Action]:
    importlib.invalidate_caches()
    after = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [
        Action("makemigrations", key[0], key[1], f"wrote {key[0]}/migrations/{key[1]}.py")
        for key in sorted(set(after) - before)
    ]


def write_migrations(labels: list[str] | None, no_answer: str) -> list[Action]:
    """Run makemigrations without questions: it writes what it detects."""
    before = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            AtomicMakemigrations(),
            *(labels or ()),
            interactive=False,
            verbosity=1,
            stdout=out,
            stderr=err,
        )
    except SystemExit:
        raise DjmigratorError(question_message(err if err.getvalue() else out, no_answer)) from None
    return _written_since(before)


def add_to_graph(loader: MigrationLoader, in_memory: dict[str, list[Migration]]) -> None:
    """Put the migrations makemigrations would write into the loader's graph, as
    if they were on disk."""
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
                parent = _parent(loader, in_memory, dep, app)
                if parent is not None:
                    loader.graph.add_dependency(migration, (app, migration.name), parent)


def _parent(
    loader: MigrationLoader,
    in_memory: dict[str, list[Migration]],
    dependency: tuple[str, str],
    app: str,
) -> tuple[str, str] | None:
    """The graph node a dependency of an in-memory migration names, as Django's
    loader finds it once the file is written: the autodetector's
    ``("__setting__", "AUTH_USER_MODEL")`` is written as
    ``swappable_dependency(settings.AUTH_USER_MODEL)``, i.e. the first migration
    of the swapped-in model's app; ``__first__`` of an app that has only
    in-memory migrations is the first of them."""
    if dependency[0] == "__setting__":
        first = swappable_dependency(getattr(settings, dependency[1]))
        dependency = (first[0], first[1])
    parent = loader.check_key(dependency, app)
    label, name = dependency
    if parent is None and label != app and name == "__first__" and in_memory.get(label):
        return (label, in_memory[label][0].name)
    return parent


def _line_writer(stream: io.StringIO) -> Any:
    def write(text: str) -> None:
        stream.write(f"{text}\n")

    return write
