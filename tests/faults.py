"""Fault injection for sync tests: run ``manage.py`` killed (SIGKILL) right
after its N-th write to the database.

A *write* is a statement that changes something (INSERT, UPDATE, DELETE,
CREATE, ALTER, DROP, RENAME) run through Django's cursor, or a commit; the
process kills itself just after it, as ``kill -9``, the OOM killer or a lost
container would, at points spread over every phase of the sync: DDL,
progress rows, history rows, data migrations, repairs, post_migrate.
"""

from __future__ import annotations

import subprocess
import sys

from .synctools import Project, Result

#: ``python kill_after.py N manage.py-args...``: manage.py killed after write N.
KILL_AFTER = """\
import atexit, os, runpy, signal, sys

limit = int(sys.argv[1])
seen = [0]
if os.environ.get("DJM_FAULTS_COUNT"):  # where to leave the number of writes seen
    atexit.register(lambda: open(os.environ["DJM_FAULTS_COUNT"], "w").write(str(seen[0])))
WRITES = {"insert", "update", "delete", "create", "alter", "drop", "rename", "replace"}


def hit():
    seen[0] += 1
    if seen[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)


def writes(sql):
    words = str(sql).split(None, 1)
    return bool(words) and words[0].lower() in WRITES


from django.db.backends import utils
from django.db.backends.base.base import BaseDatabaseWrapper

real_execute, real_executemany = utils.CursorWrapper._execute, utils.CursorWrapper._executemany
real_commit = BaseDatabaseWrapper.commit


def _execute(self, sql, *args):
    result = real_execute(self, sql, *args)
    if writes(sql):
        hit()
    return result


def _executemany(self, sql, *args):
    result = real_executemany(self, sql, *args)
    if writes(sql):
        hit()
    return result


def commit(self):
    real_commit(self)
    hit()


utils.CursorWrapper._execute = _execute
utils.CursorWrapper._executemany = _executemany
BaseDatabaseWrapper.commit = commit
sys.argv = ["manage.py", *sys.argv[2:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def sync_killed_after(project: Project, writes: int, *args: str) -> Result:
    """``smart_makemigrations --noinput --format json`` killed after ``writes``
    writes (it may finish first)."""
    script = project.root / "kill_after.py"
    if not script.exists():
        script.write_text(KILL_AFTER)
    proc = subprocess.run(
        [
            sys.executable,
            "kill_after.py",
            str(writes),
            "smart_makemigrations",
            "--noinput",
            "--format",
            "json",
            *args,
        ],
        cwd=project.root,
        env=project.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
