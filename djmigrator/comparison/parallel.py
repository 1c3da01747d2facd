"""Share a large comparison between forked worker processes.

Building the two sides' SQLAlchemy tables and comparing them is pure Python
work that grows with the number of tables; one process does it on one core.
For a large schema, ``run_shares`` hands all shares but the first to forked
children (each reading the live schema of its own tables over its own database
connection) and works on the first one itself; the children send their results
back pickled through a pipe.

Forking is only safe in a narrow case, which ``fork_safe`` checks: a POSIX
system other than macOS, a single thread in the process (a forked child gets
only the forking thread; a lock another thread held stays locked forever), and
a connection whose view of the schema a second connection shares: not inside
``atomic()`` (a child could not see uncommitted DDL), not an in-memory SQLite
database.  Anything else runs in this process, as before.

A child never closes the database connections it inherits (closing would end
the parent's session on the server): it sets them aside, opens its own, and
leaves with ``os._exit``, which runs no finalizers.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from ..errors import DjmigratorError

T = TypeVar("T")
R = TypeVar("R")

#: Below this many tables per process, a worker costs more than it saves.
MIN_TABLES_PER_WORKER = 250

#: Never more processes than this, whatever the machine has.
MAX_WORKERS = 8


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def worker_count(setting: int | None, tables: int) -> int:
    """Processes for comparing ``tables`` tables; ``setting`` is ``WORKERS``.

    ``None`` (the default) means as many as the CPUs allow, one per
    ``MIN_TABLES_PER_WORKER`` tables; a number is an upper bound.
    """
    limit = min(available_cpus(), MAX_WORKERS) if setting is None else setting
    return max(1, min(limit, tables // MIN_TABLES_PER_WORKER))


def fork_safe(connection: BaseDatabaseWrapper) -> bool:
    """Can a forked child compare what ``connection`` sees, over its own connection?"""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    if threading.active_count() != 1:
        return False
    if connection.in_atomic_block or not connection.get_autocommit():
        return False
    is_in_memory = getattr(connection, "is_in_memory_db", None)
    return not (callable(is_in_memory) and is_in_memory())


def run_shares(
    shares: Sequence[T], work: Callable[[T], R], setup: Callable[[], None] | None = None
) -> list[R]:
    """``[work(share) for share in shares]``, the shares after the first in children.

    ``setup`` runs first in each child, once it has set the parent's database
    connections aside (to open its own and repeat the parent's session state).
    """
    if len(shares) < 2:
        return [work(share) for share in shares]
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for share in shares[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _child(write_end, work, share, setup)
            os.close(write_end)
            children.append((pid, read_end))
        results = [work(shares[0])]
        while children:
            results.append(_collect(*children.pop(0)))
        return results
    finally:
        for pid, read_end in children:  # this process failed: stop the others
            _stop(pid, read_end)


_inherited: list[Any] = []


def _child(
    write_end: int, work: Callable[[Any], Any], share: Any, setup: Callable[[], None] | None
) -> None:
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent reports an interrupt
        for conn in connections.all(initialized_only=True):
            # The parent's session: keep it open and untouched (see above).
            _inherited.append(conn.connection)
            conn.connection = None
        if setup is not None:
            setup()
        payload = pickle.dumps((True, work(share)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # everything goes back to the parent
        status = 1
        payload = pickle.dumps((False, _portable(exc)), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(status)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a DjmigratorError carrying its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return DjmigratorError(f"A comparison worker failed: {text}")
    return exc


def _collect(pid: int, read_end: int) -> Any:
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise DjmigratorError(
            f"A comparison worker process ended without a result "
            f"({_describe_status(status)}); run again with DJMIGRATOR['WORKERS'] = 1."
        )
    ok, value = pickle.loads(data)
    if not ok:
        raise value
    return value


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _stop(pid: int, read_end: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(read_end)
