"""Interactive sync (a terminal, no --noinput): makemigrations asks its
questions first, but the file it would write is held until the plan needs it,
so a refusal that follows leaves no file behind."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from .synctools import (  # noqa: F401
    ITEM_FILL,
    ITEM_INITIAL,
    Project,
    Result,
    dropped_databases_fixture,
    project_fixture,
)

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    size = models.IntegerField(null=True)
    weight = models.IntegerField()
"""

#: makemigrations' question about ``weight``: a one-off default (1), which is 7
ANSWERS = "1\n7\n"


def _interactive(project: Project, answers: str) -> Result:
    """``smart_makemigrations`` with a terminal on stdin, answering its questions."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "smart_makemigrations"],
            cwd=project.root,
            env=project.env(),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(master, answers.encode())
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    return Result(proc.returncode, out, err)


def test_refusal_after_the_questions_writes_no_file(project: Project) -> None:
    project.app("shop", MODELS, {"0001_initial": ITEM_INITIAL, "0002_fill": ITEM_FILL})
    project.migrate("shop", "0001")
    project.execute(
        "INSERT INTO shop_item (id, name) VALUES (1, 'a')",
        "ALTER TABLE shop_item ADD COLUMN size integer NULL",  # 0002's effect, by hand
    )
    before = (project.schema(), project.history(), project.file_hashes())

    result = _interactive(project, ANSWERS)

    assert result.code == 2, str(result)
    assert "It is impossible to add a non-nullable field 'weight'" in result.err, str(result)
    assert "migration shop.0002_fill runs RunPython" in result.err, str(result)
    assert (project.schema(), project.history(), project.file_hashes()) == before
    assert project.migration_files("shop") == ["0001_initial", "0002_fill"]


def test_answered_question_then_the_file_is_written_and_applied(project: Project) -> None:
    project.app("shop", MODELS, {"0001_initial": ITEM_INITIAL, "0002_fill": ITEM_FILL})
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a')")

    result = _interactive(project, ANSWERS)

    assert result.code == 0, str(result)
    files = project.migration_files("shop")
    assert len(files) == 3 and files[2].startswith("0003_"), files
    assert project.history("shop") == [("shop", name) for name in files]
    assert project.rows("SELECT id, name, size, weight FROM shop_item") == [(1, "a", 3, 7)]
    project.assert_django_clean()
