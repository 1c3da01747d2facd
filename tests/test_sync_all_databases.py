"""A sync of several primaries (``--all-databases``): the migration file is
written once and listed once, under the first alias; each alias applies it."""

from __future__ import annotations

import json
import sqlite3

from .synctools import ITEM_INITIAL, Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
{more}"""

NEW = "0002_item_size"


def _actions(out: str) -> dict[str, list[tuple[str, str, str]]]:
    return {
        db["alias"]: [(a["action"], a["app_label"], a["migration"]) for a in db["actions"]]
        for db in json.loads(out)["databases"]
    }


def test_written_migration_is_listed_under_the_first_alias_only(project: Project) -> None:
    project.add_sqlite_alias("other")
    project.app("shop", MODELS.format(more=""), {"0001_initial": ITEM_INITIAL})
    project.migrate("shop")
    project.migrate("shop", "--database", "other")
    project.models("shop", MODELS.format(more="    size = models.IntegerField(null=True)\n"))
    args = ("smart_makemigrations", "--noinput", "--format", "json", "--all-databases")

    dry = project.manage(*args, "--dry-run")

    assert dry.code == 1, str(dry)  # the new column is missing until the sync runs
    assert _actions(dry.out) == {
        "default": [("makemigrations", "shop", NEW), ("apply", "shop", NEW)],
        "other": [("apply", "shop", NEW)],
    }
    assert project.migration_files("shop") == ["0001_initial"]

    result = project.manage(*args)

    assert result.code == 0, str(result)
    assert _actions(result.out) == {
        "default": [("makemigrations", "shop", NEW), ("apply", "shop", NEW)],
        "other": [("apply", "shop", NEW)],
    }
    assert project.migration_files("shop") == ["0001_initial", NEW]
    assert ("shop", NEW) in project.history("shop")
    other = sqlite3.connect(project.others["other"]["NAME"])
    try:
        assert ("shop", NEW) in other.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        other.close()
