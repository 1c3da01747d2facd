"""PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1, by bytes):
an explicit ``db_table``/``db_column`` longer than that is compared, planned
and repaired under the name the server stores (``vendors.postgresql.stored_name``)."""

from __future__ import annotations

import pytest

from .synctools import Project, dropped_databases_fixture, project_fixture

__all__ = ["dropped_databases_fixture", "project_fixture"]

#: 70 characters, 2-byte ones at the 63-byte boundary (cut on a character)
TABLE = "shop_" + "t" * 57 + "é" * 8
COLUMN = "c" * 62 + "ü" * 8
STORED_TABLE = "shop_" + "t" * 57  # 62 bytes: a 2-byte character does not fit
STORED_COLUMN = "c" * 62
MODELS = f"""
class Item(models.Model):
    name = models.CharField(max_length=50, db_column={COLUMN!r})
    size = models.IntegerField(null=True)

    class Meta:
        db_table = {TABLE!r}
"""


@pytest.fixture
def pg(project: Project) -> Project:
    if project.vendor != "postgresql":
        pytest.skip("PostgreSQL truncates long identifiers; the others refuse them")
    project.app("shop", MODELS)
    assert project.manage("makemigrations", "shop").code == 0
    project.migrate()
    assert project.columns(STORED_TABLE) == ["id", STORED_COLUMN, "size"]
    return project


def test_check_and_repair(pg: Project) -> None:
    result = pg.sync("--check")
    assert (result.code, result.kinds) == (0, []), str(result)
    pg.execute(f'ALTER TABLE "{STORED_TABLE}" DROP COLUMN "{STORED_COLUMN}"')
    result = pg.sync("--check")
    assert result.code == 1, str(result)
    assert result.kinds == [("missing_column", STORED_TABLE, (STORED_COLUMN,))]
    result = pg.sync()
    assert result.code == 0, str(result)
    assert result.actions == [("repair", "shop", None)]
    assert pg.columns(STORED_TABLE) == ["id", "size", STORED_COLUMN]


def test_adoption(pg: Project) -> None:
    """Tables made by migrate, then the history and the migration files lost:
    the sync writes 0001 and fakes it (it used to apply it, and fail with
    'relation ... already exists' on every run)."""
    pg.execute("INSERT INTO " + f'"{STORED_TABLE}" ("{STORED_COLUMN}", size) VALUES (\'a\', 1)')
    pg.execute("DELETE FROM django_migrations WHERE app = 'shop'")
    for path in (pg.root / "shop" / "migrations").glob("0*.py"):
        path.unlink()
    dry = pg.sync("--dry-run")
    assert dry.code == 0, str(dry)
    assert dry.actions == [
        ("makemigrations", "shop", "0001_initial"),
        ("fake", "shop", "0001_initial"),
    ]
    result = pg.sync()
    assert result.code == 0, str(result)
    assert result.actions == dry.actions
    again = pg.sync()
    assert (again.code, again.actions, again.kinds) == (0, [], []), str(again)
    assert pg.rows(f'SELECT "{STORED_COLUMN}", size FROM "{STORED_TABLE}"') == [("a", 1)]
    pg.assert_django_clean()
