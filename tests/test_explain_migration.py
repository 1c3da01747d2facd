"""Which migration made each object, and is it applied (SPEC "JSON report",
``migration``; issue 16), in throwaway projects on every vendor: an applied
migration whose objects were dropped by hand, unapplied ones (an AddField,
an AddIndex, an AddConstraint, a RenameField), a squashed migration (in use,
and set aside once its replaced migrations are only partly recorded), an
inherited field, and a third-party app's column (``auth_user``).  ``source``
is asserted with it, at lines read from the files."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from typing import Any

from .synctools import (
    AUTO_ID,
    Project,
    dropped_databases_fixture,
    project_fixture,
)

__all__ = ["dropped_databases_fixture", "project_fixture"]

MODELS = """\
class Stamped(models.Model):
    created = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class Tag(models.Model):
    label = models.CharField(max_length=20)


class Item(Stamped):
    title = models.CharField(max_length=50)
    size = models.IntegerField(null=True)
    note = models.CharField(max_length=20, null=True)
    tags = models.ManyToManyField(Tag)

    class Meta:
        indexes = [models.Index(fields=["size"], name="item_size_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gte=0), name="item_size_gte_0"),
        ]
"""

HEAD = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"

INITIAL = HEAD + textwrap.indent(
    f"""\
initial = True
dependencies = []
operations = [
    migrations.CreateModel(
        name="Tag",
        fields=[
            {AUTO_ID},
            ("label", models.CharField(max_length=20)),
        ],
    ),
    migrations.CreateModel(
        name="Item",
        fields=[
            {AUTO_ID},
            ("created", models.DateTimeField(null=True)),
            ("name", models.CharField(max_length=50)),
            ("size", models.IntegerField(null=True)),
            ("tags", models.ManyToManyField(to="shop.tag")),
        ],
        options={{"abstract": False}},
    ),
]
""",
    "    ",
)

#: AddField, AddIndex, AddConstraint, and a RunSQL on the same table
SECOND = HEAD + textwrap.indent(
    """\
dependencies = [("shop", "0001_initial")]
operations = [
    migrations.AddField(
        model_name="item", name="note", field=models.CharField(max_length=20, null=True)
    ),
    migrations.AddIndex(
        model_name="item", index=models.Index(fields=["size"], name="item_size_idx")
    ),
    migrations.AddConstraint(
        model_name="item",
        constraint=models.CheckConstraint(
            condition=models.Q(("size__gte", 0)), name="item_size_gte_0"
        ),
    ),
    migrations.RunSQL("UPDATE shop_item SET size = 0 WHERE size IS NULL", migrations.RunSQL.noop),
]
""",
    "    ",
)

THIRD = HEAD + textwrap.indent(
    """\
dependencies = [("shop", "0002_item_note_and_more")]
operations = [
    migrations.RenameField(model_name="item", old_name="name", new_name="title"),
]
""",
    "    ",
)

#: 0001 to 0003 in one: what ``squashmigrations`` writes, RunSQL aside
SQUASHED = HEAD + textwrap.indent(
    f"""\
replaces = [
    ("shop", "0001_initial"),
    ("shop", "0002_item_note_and_more"),
    ("shop", "0003_rename_name_item_title"),
]
initial = True
dependencies = []
operations = [
    migrations.CreateModel(
        name="Tag",
        fields=[
            {AUTO_ID},
            ("label", models.CharField(max_length=20)),
        ],
    ),
    migrations.CreateModel(
        name="Item",
        fields=[
            {AUTO_ID},
            ("created", models.DateTimeField(null=True)),
            ("title", models.CharField(max_length=50)),
            ("size", models.IntegerField(null=True)),
            ("note", models.CharField(max_length=20, null=True)),
            ("tags", models.ManyToManyField(to="shop.tag")),
        ],
        options={{
            "abstract": False,
            "indexes": [models.Index(fields=["size"], name="item_size_idx")],
            "constraints": [
                models.CheckConstraint(
                    condition=models.Q(("size__gte", 0)), name="item_size_gte_0"
                )
            ],
        }},
    ),
]
""",
    "    ",
)

MIGRATIONS = {
    "0001_initial": INITIAL,
    "0002_item_note_and_more": SECOND,
    "0003_rename_name_item_title": THIRD,
}
SQUASH = "0001_squashed_0003_rename_name_item_title"


def shop(project: Project, squashed: bool = False) -> None:
    migrations = dict(MIGRATIONS)
    if squashed:
        migrations[SQUASH] = SQUASHED
    project.app("shop", MODELS, migrations)


def line_of(path: Path, start: str) -> int:
    """The 1-based line of ``path`` that starts with ``start`` (exactly one)."""
    found = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(start)]
    assert len(found) == 1, (path, start, found)
    return found[0]


def at(project: Project, start: str, file: str = "shop/models.py") -> dict[str, Any]:
    return {"file": file, "line": line_of(project.root / "shop" / "models.py", start)}


def ref(name: str, operation: int, applied: bool, app: str = "shop") -> dict[str, Any]:
    return {"app_label": app, "name": name, "operation": operation, "applied": applied}


def explained(project: Project, *args: str) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    """(kind, table, column or name) -> (source, migration) of a ``--check``."""
    result = project.sync("--check", *args)
    assert result.code == 1, str(result)
    return {
        (d["kind"], d["table"], d["column"] or d["name"] or ""): (d["source"], d["migration"])
        for d in result.report["discrepancies"]
    }


def drop_check(project: Project) -> bool:
    """Drop the CHECK by hand where the vendor can (SQLite would rebuild the table)."""
    if project.vendor == "sqlite":
        return False
    project.execute("ALTER TABLE shop_item DROP CONSTRAINT item_size_gte_0")
    return True


def test_applied_migrations_whose_objects_were_dropped_by_hand(project: Project) -> None:
    shop(project)
    project.migrate()
    drop_index = (
        "ALTER TABLE shop_item DROP INDEX item_size_idx"
        if project.vendor == "mysql"
        else "DROP INDEX item_size_idx"
    )
    project.execute(
        "ALTER TABLE shop_item DROP COLUMN note",
        "ALTER TABLE shop_item DROP COLUMN created",
        "DROP TABLE shop_item_tags",
        "DROP TABLE shop_tag",
        drop_index,
    )
    checked = drop_check(project)
    found = explained(project)
    second = "0002_item_note_and_more"
    expected = {
        ("missing_column", "shop_item", "note"): (at(project, "    note = "), ref(second, 0, True)),
        # inherited from the abstract Stamped: its line; Item's CreateModel
        ("missing_column", "shop_item", "created"): (
            at(project, "    created = "),
            ref("0001_initial", 1, True),
        ),
        ("missing_table", "shop_tag", ""): (
            at(project, "class Tag("),
            ref("0001_initial", 0, True),
        ),
        # the auto-created M2M table: the ManyToManyField's line and operation
        ("missing_table", "shop_item_tags", ""): (
            at(project, "    tags = "),
            ref("0001_initial", 1, True),
        ),
        ("missing_index", "shop_item", "item_size_idx"): (
            at(project, "        indexes = [models.Index("),
            ref(second, 1, True),
        ),
    }
    if checked:
        expected[("missing_check", "shop_item", "item_size_gte_0")] = (
            at(project, "            models.CheckConstraint("),
            ref(second, 2, True),
        )
    assert found == expected


def test_unapplied_migrations_and_a_rename(project: Project) -> None:
    shop(project)
    project.migrate("shop", "0001")
    found = explained(project)
    second = "0002_item_note_and_more"
    assert found == {
        ("missing_column", "shop_item", "note"): (
            at(project, "    note = "),
            ref(second, 0, False),
        ),
        # the column still has its old name: the RenameField is what makes it
        ("missing_column", "shop_item", "title"): (
            at(project, "    title = "),
            ref("0003_rename_name_item_title", 0, False),
        ),
        # no field, no migration: the model's line only
        ("extra_column", "shop_item", "name"): (at(project, "class Item("), None),
        ("missing_index", "shop_item", "item_size_idx"): (
            at(project, "        indexes = [models.Index("),
            ref(second, 1, False),
        ),
        ("missing_check", "shop_item", "item_size_gte_0"): (
            at(project, "            models.CheckConstraint("),
            ref(second, 2, False),
        ),
    }
    # the text clause: source, migration and the RunSQL the same migration
    # runs on the table; -v 2 adds the operation
    note = line_of(project.root / "shop" / "models.py", "    note = ")
    message = (
        "    - missing_column: shop.Item.note: column shop_item.note is missing "
        "(expected varchar(20) NULL)"
    )
    text = project.manage("smart_makemigrations", "--check")
    assert text.code == 1, str(text)
    also = "its migration also runs RunSQL on shop_item"
    clause = f"(shop/models.py:{note}; {second}, not applied; {also})"
    assert f"{message} {clause}" in text.out.splitlines(), text.out
    text = project.manage("smart_makemigrations", "--check", "-v", "2")
    clause = (
        f"(shop/models.py:{note}; {second} operation 0 AddField, not applied; "
        "its migration also runs RunSQL on shop_item)"
    )
    assert f"{message} {clause}" in text.out.splitlines(), text.out


def test_squashed_migration(project: Project) -> None:
    shop(project, squashed=True)
    project.migrate()
    # migrate applied the squashed migration and recorded the ones it replaces
    # (and, its replaced ones all applied, the squashed one too: forget that
    # row, so that "applied" must come from the ones it replaces)
    assert set(MIGRATIONS) <= {name for _, name in project.history("shop")}
    project.execute(f"DELETE FROM django_migrations WHERE name = '{SQUASH}'")
    project.execute("ALTER TABLE shop_item DROP COLUMN note")
    # BASE_DIR, where set, is what paths are relative to
    with (project.root / "settings.py").open("a") as settings:
        settings.write(f"BASE_DIR = {str(project.root.parent)!r}\n")
    source = at(project, "    note = ", file="proj/shop/models.py")
    assert explained(project) == {
        ("missing_column", "shop_item", "note"): (source, ref(SQUASH, 1, True)),
    }
    # only part of what it replaces recorded: migrate uses the replaced
    # migrations again, and so does the explanation
    project.execute("DELETE FROM django_migrations WHERE app = 'shop' AND name <> '0001_initial'")
    assert explained(project) == {
        ("missing_column", "shop_item", "note"): (
            source,
            ref("0002_item_note_and_more", 0, False),
        ),
    }


def test_third_party_app_column(project: Project) -> None:
    project.use_auth()
    project.migrate()
    project.execute("ALTER TABLE auth_user DROP COLUMN first_name")
    spec = importlib.util.find_spec("django.contrib.auth.models")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin)
    source = {
        "file": "django/contrib/auth/models.py",  # as its import path spells it
        # inherited from AbstractUser: that class's line
        "line": line_of(path, "    first_name = models.CharField("),
    }
    found = explained(project, "auth")
    assert found == {
        ("missing_column", "auth_user", "first_name"): (
            source,
            ref("0012_alter_user_first_name_max_length", 0, True, app="auth"),
        ),
    }


#: an app that makes its own index with SQL, as wagtail makes its search indexes
SEARCH_INDEX = HEAD + textwrap.indent(
    """\
dependencies = [("shop", "0003_rename_name_item_title")]
operations = [
    migrations.RunSQL(
        "CREATE INDEX shop_item_title_search ON shop_item (title)",
        "DROP INDEX shop_item_title_search",
    ),
]
""",
    "    ",
)


def test_an_index_a_migrations_runsql_made_names_that_migration(project: Project) -> None:
    """An extra made on purpose by a migration's RunSQL: no ``migration`` (an
    extra has none), and the text says which migration's SQL names the table."""
    project.app("shop", MODELS, {**MIGRATIONS, "0004_search": SEARCH_INDEX})
    project.migrate()
    assert explained(project) == {
        ("extra_index", "shop_item", "shop_item_title_search"): (
            at(project, "    title = "),
            None,
        ),
    }
    text = project.manage("smart_makemigrations", "--check")
    assert text.code == 1, str(text)
    title = line_of(project.root / "shop" / "models.py", "    title = ")
    (line,) = [t for t in text.out.splitlines() if "extra_index" in t]
    assert line.endswith(f"(shop/models.py:{title}; RunSQL on shop_item in 0004_search)"), line
