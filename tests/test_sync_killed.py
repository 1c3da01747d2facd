"""A sync killed (SIGKILL) inside a migration's RunPython, after the
migration's schema change: the next sync continues it and the data migration
runs.  On MySQL/MariaDB (no transactional DDL) and for ``atomic = False``
migrations the progress row written before each operation says where to go on;
elsewhere the kill rolled the migration back and the re-run applies it whole."""

from __future__ import annotations

import signal

import pytest

from .synctools import (  # noqa: F401
    ITEM_INITIAL,
    Project,
    dropped_databases_fixture,
    project_fixture,
)

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    size = models.IntegerField(null=True)
"""

#: ``shop`` 0002: adds ``Item.size``, then fills it; the RunPython kills its own
#: process (SIGKILL) when the file ``kill-in-runpython`` exists in the project.
KILLING_FILL = """
import os
import signal

from django.db import migrations, models


def fill(apps, schema_editor):
    apps.get_model("shop", "Item").objects.update(size=3)
    if os.path.exists("kill-in-runpython"):
        os.remove("kill-in-runpython")
        os.kill(os.getpid(), signal.SIGKILL)


class Migration(migrations.Migration):
    atomic = {atomic}
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="item", name="size", field=models.IntegerField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
"""


@pytest.mark.parametrize("atomic", [True, False])
def test_killed_in_runpython_then_rerun_runs_it(project: Project, atomic: bool) -> None:
    if not atomic and project.vendor == "mysql":
        pytest.skip("every migration is applied step by step on MySQL: atomic=True covers it")
    project.app(
        "shop",
        MODELS,
        {"0001_initial": ITEM_INITIAL, "0002_fill": KILLING_FILL.replace("{atomic}", str(atomic))},
    )
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a'), (2, 'b')")
    (project.root / "kill-in-runpython").touch()

    killed = project.sync()

    assert killed.code == -signal.SIGKILL, str(killed)
    assert not (project.root / "kill-in-runpython").exists()
    assert project.history("shop") == [("shop", "0001_initial")]

    again = project.sync()

    assert again.code == 0, str(again)
    assert again.actions == [("apply", "shop", "0002_fill")]
    assert project.rows("SELECT id, name, size FROM shop_item ORDER BY id") == [
        (1, "a", 3),
        (2, "b", 3),
    ]
    assert project.history("shop") == [("shop", "0001_initial"), ("shop", "0002_fill")]
    assert "djmigrator_progress" not in project.tables()
    project.assert_django_clean()


def test_empty_progress_table_left_by_a_killed_run_is_dropped(project: Project) -> None:
    # killed after its last progress row went and before the table was dropped
    project.app(
        "shop",
        "class Item(models.Model):\n    name = models.CharField(max_length=50)\n",
        {"0001_initial": ITEM_INITIAL},
    )
    project.migrate()
    project.execute(
        project.ddl(
            "CREATE TABLE djmigrator_progress (id {pk}, app varchar(255) NOT NULL, "
            "name varchar(255) NOT NULL, done integer NOT NULL, "
            "fingerprint varchar(64) NOT NULL, updated {datetime} NOT NULL)"
        )
    )

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.actions == []
    assert "djmigrator_progress" not in project.tables()
