# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""Repair: what applied migrations say exists but was dropped by hand comes
back; what was added by hand (with its rows) stays untouched."""

from __future__ import annotations

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Author(models.Model):
    name = models.CharField(max_length=100)
    bio = models.CharField(max_length=200, null=True)

    class Meta:
        indexes = [models.Index(fields=["name"], name="lib_author_name_ix")]


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)


class Shelf(models.Model):
    code = models.CharField(max_length=10, unique=True)
"""

INITIAL = """
import django.db.models.deletion
from django.db import migrations, models


def auto():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[
                ("id", auto()),
                ("name", models.CharField(max_length=100)),
                ("bio", models.CharField(max_length=200, null=True)),
            ],
            options={"indexes": [models.Index(fields=["name"], name="lib_author_name_ix")]},
        ),
        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", auto()),
                ("title", models.CharField(max_length=100)),
                ("author", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="lib.author")),
            ],
        ),
        migrations.CreateModel(
            name="Shelf",
            fields=[("id", auto()), ("code", models.CharField(max_length=10, unique=True))],
        ),
    ]
"""

AUTHORS = "SELECT id, name, nickname FROM lib_author ORDER BY id"
BOOKS = "SELECT id, title, author_id FROM lib_book ORDER BY id"
EXTRA = "SELECT id, what FROM lib_legacy_notes ORDER BY id"


def test_dropped_things_come_back_and_extras_stay(project: Project) -> None:
    project.app("lib", MODELS, {"0001_initial": INITIAL})
    project.migrate()
    project.execute(
        "INSERT INTO lib_author (id, name, bio) VALUES (1, 'Ann', 'x'), (2, 'Ben', NULL)",
        "INSERT INTO lib_book (id, title, author_id) VALUES (1, 'B1', 1), (2, 'B2', 2)",
        "INSERT INTO lib_shelf (id, code) VALUES (1, 'S1')",
        # dropped by hand behind the applied migration:
        "ALTER TABLE lib_author DROP COLUMN bio",
        "DROP INDEX lib_author_name_ix" + (" ON lib_author" if project.vendor == "mysql" else ""),
        "DROP TABLE lib_shelf",
        # added by hand, with data:
        "ALTER TABLE lib_author ADD COLUMN nickname varchar(30) NULL",
        "UPDATE lib_author SET nickname = 'nick' WHERE id = 1",
        "CREATE TABLE lib_legacy_notes (id integer NOT NULL PRIMARY KEY, what varchar(20))",
        "INSERT INTO lib_legacy_notes (id, what) VALUES (1, 'keep me'), (2, 'me too')",
    )
    authors, books, extra = project.rows(AUTHORS), project.rows(BOOKS), project.rows(EXTRA)
    history = project.history()
    files = project.file_hashes()

    result = project.sync()

    assert result.code == 1, str(result)  # the extras remain, and are reported
    assert result.kinds == [
        ("extra_column", "lib_author", ("nickname",)),
        ("extra_table", "lib_legacy_notes", ()),
    ]
    assert [(a[0], a[1]) for a in result.actions] == [("repair", "lib")] * 3
    assert project.columns("lib_author") == ["id", "name", "nickname", "bio"]
    assert ("name",) in project.index_columns("lib_author")
    assert project.columns("lib_shelf") == ["id", "code"]
    shelf = project.schema_of("lib_shelf")
    assert {u[1] for u in shelf["uniques"]} | {i[1] for i in shelf["indexes"] if i[2]} == {
        ("code",)
    }
    assert project.rows(AUTHORS) == authors
    assert project.rows("SELECT bio FROM lib_author") == [(None,), (None,)]
    assert project.rows(BOOKS) == books
    assert project.rows(EXTRA) == extra
    assert project.columns("lib_legacy_notes") == ["id", "what"]
    assert project.history() == history
    assert project.file_hashes() == files
    project.assert_django_clean()

    # The project says to leave those extras alone: now the sync is clean.
    project.settings(IGNORE_TABLES=["lib_legacy_*"], IGNORE_KINDS=["extra_column"])
    again = project.sync()
    assert again.code == 0, str(again)
    assert again.report["in_sync"] is True
    assert again.actions == []
    assert project.rows(AUTHORS) == authors
    assert project.rows(EXTRA) == extra
