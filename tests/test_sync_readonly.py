"""A read-only user's sync: exit 2 with one line, and the migration file it had
to write for the new field is not left behind (no database was given it), on a
real read-only role (PostgreSQL) / user (MariaDB)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

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


@pytest.fixture(name="reader")
def reader_fixture(project: Project) -> Iterator[str]:
    """A user that may read the project's database and nothing more."""
    if project.vendor == "sqlite":
        pytest.skip("SQLite has no users (read-only SQLite files: test_bad_input)")
    name = f"djm_ro_{uuid.uuid4().hex[:10]}"
    if project.vendor == "postgresql":
        project.execute(
            f"CREATE ROLE {name} LOGIN PASSWORD 'pw'",
            f'GRANT CONNECT ON DATABASE "{project.db_name}" TO {name}',
            f"GRANT USAGE ON SCHEMA public TO {name}",
        )
    else:
        project.execute(
            f"CREATE USER '{name}'@'%' IDENTIFIED BY 'pw'",
            f"GRANT SELECT ON `{project.db_name}`.* TO '{name}'@'%'",
        )
    try:
        yield name
    finally:
        if project.vendor == "postgresql":
            project.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'",
                f"DROP OWNED BY {name}",
                f"DROP ROLE {name}",
            )
        else:
            project.execute(f"DROP USER '{name}'@'%'")


def test_read_only_user_sync_leaves_no_file(project: Project, reader: str) -> None:
    project.app("shop", MODELS, {"0001_initial": ITEM_INITIAL})
    project.migrate()
    if project.vendor == "postgresql":  # the tables exist now
        project.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a')")
    files = project.file_hashes()
    project.log_in_as(reader, "pw")

    result = project.sync()

    assert result.code == 2, str(result)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Migration shop.0002_item_size failed:" in lines[0], lines[0]
    assert project.file_hashes() == files  # 0002_item_size.py is not left behind
    assert project.history("shop") == [("shop", "0001_initial")]
    assert project.columns("shop_item") == ["id", "name"]

    project.log_in_as(None)  # the owner then syncs: the file is written again, applied
    done = project.sync()
    assert done.code == 0, str(done)
    assert done.actions == [
        ("makemigrations", "shop", "0002_item_size"),
        ("apply", "shop", "0002_item_size"),
    ]
    assert project.rows("SELECT id, name, size FROM shop_item") == [(1, "a", None)]
    project.assert_django_clean()
