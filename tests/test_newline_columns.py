"""A column named with a line feed (``db_column="line1\\nline2"``) is compared
like any other.  MariaDB: SQLAlchemy's ``SHOW CREATE TABLE`` parser read the
statement line by line and dropped such columns, so they were reported missing
and a sync added them again ("Duplicate column name"); the MySQL vendor module
hides those line feeds from the parser (``vendors.mysql.prepare_dialect``)."""

from __future__ import annotations

from .synctools import Project, dropped_databases_fixture, project_fixture

__all__ = ["dropped_databases_fixture", "project_fixture"]

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50, db_column="line1\\nline2", db_index=True)
    note = models.IntegerField(null=True, db_column="note\\nx")
    parent = models.ForeignKey("self", models.CASCADE, null=True, db_column="fk\\nid")
"""


def quote(project: Project, name: str) -> str:
    return f"`{name}`" if project.vendor == "mysql" else f'"{name}"'


def test_line_feed_in_column_names(project: Project) -> None:
    project.app("shop", MODELS)
    assert project.manage("makemigrations", "shop").code == 0
    project.migrate()
    name, note = quote(project, "line1\nline2"), quote(project, "note\nx")
    project.execute(f"INSERT INTO shop_item ({name}) VALUES ('a')")
    result = project.sync("--check")
    assert (result.code, result.kinds) == (0, []), str(result)
    # a sync has nothing to do (it used to add the columns again, and crash)
    result = project.sync()
    assert (result.code, result.actions, result.kinds) == (0, [], []), str(result)

    project.execute(f"ALTER TABLE shop_item DROP COLUMN {note}")
    result = project.sync("--check")
    assert result.code == 1, str(result)
    assert result.kinds == [("missing_column", "shop_item", ("note\nx",))]
    result = project.sync()
    assert result.code == 0 and result.actions == [("repair", "shop", None)], str(result)
    assert project.rows(f"SELECT {note} FROM shop_item") == [(None,)]  # it is back

    # adoption: the history lost, the tables all there -> faked
    project.execute("DELETE FROM django_migrations WHERE app = 'shop'")
    result = project.sync()
    assert result.code == 0 and result.actions == [("fake", "shop", "0001_initial")], str(result)
    assert project.rows("SELECT COUNT(*) FROM shop_item") == [(1,)]
    project.assert_django_clean()
