"""Migration files are written atomically: a sync killed (SIGKILL) while writing
a new migration file leaves no torn file (``has no Migration class``), and the
next sync writes it whole and completes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .synctools import Project

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
"""

#: Runs ``manage.py`` with every write of a file (but ``__init__.py``) in a migrations
#: directory cut short: half the text reaches the disk, then the process is
#: killed with SIGKILL (as a user's kill -9 or the OOM killer would).
KILLED_WHILE_WRITING = """\
import builtins, os, runpy, signal, sys

real_open = builtins.open


class Torn:
    def __init__(self, handle):
        self.handle = handle

    def write(self, text):
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        os.fsync(self.handle.fileno())
        os.kill(os.getpid(), signal.SIGKILL)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def __getattr__(self, name):
        return getattr(self.handle, name)


def torn_open(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    name = str(file)
    parts = name.replace(os.sep, "/").split("/")
    if ("w" in mode or "x" in mode) and "migrations" in parts[-2:-1] and (
        not name.endswith("__init__.py")
    ):
        return Torn(handle)
    return handle


builtins.open = torn_open
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def test_killed_while_writing_leaves_no_torn_file(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", "sqlite")
    project.app("shop", MODELS)
    (project.root / "killed_while_writing.py").write_text(KILLED_WHILE_WRITING)

    killed = subprocess.run(
        [sys.executable, "killed_while_writing.py", "smart_makemigrations", "--noinput"],
        cwd=project.root,
        env=project.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert project.migration_files("shop") == []  # no file, rather than a torn one
    result = project.sync()
    assert result.code == 0, str(result)
    assert result.actions == [
        ("makemigrations", "shop", "0001_initial"),
        ("apply", "shop", "0001_initial"),
    ]
    folder = project.root / "shop" / "migrations"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [
        "0001_initial.py",
        "__init__.py",
    ]  # the killed run's staged file is gone too
    assert "class Migration(migrations.Migration):" in (folder / "0001_initial.py").read_text()
    project.assert_django_clean()
