"""A model with a foreign key to ``settings.AUTH_USER_MODEL`` in a migration the
sync writes: the in-memory migration's swappable dependency
(``("__setting__", "AUTH_USER_MODEL")``) is resolved as Django's loader resolves
``swappable_dependency(settings.AUTH_USER_MODEL)``; --dry-run and the sync both
work, and the written file keeps the swappable dependency."""

from __future__ import annotations

from pathlib import Path

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

OWNERS = Path(__file__).resolve().parent / "apps" / "sync_owners"


def test_new_model_with_fk_to_user_model(project: Project) -> None:
    project.use_auth()
    project.copy_app("owners", OWNERS)
    project.migrate()  # auth and contenttypes; owners has no migration yet
    project.execute(
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, "
        "last_name, email, is_staff, is_active, date_joined) VALUES "
        "(1, '', false, 'ada', '', '', '', false, true, '2020-01-01 00:00:00')"
    )
    files = project.file_hashes()

    dry = project.sync("--dry-run")

    assert dry.code == 1, str(dry)
    assert dry.actions == [
        ("makemigrations", "owners", "0001_initial"),
        ("apply", "owners", "0001_initial"),
    ]
    assert project.file_hashes() == files
    assert "owners_board" not in project.tables()

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    assert result.actions == [
        ("makemigrations", "owners", "0001_initial"),
        ("apply", "owners", "0001_initial"),
    ]
    written = (project.root / "owners" / "migrations" / "0001_initial.py").read_text()
    assert "migrations.swappable_dependency(settings.AUTH_USER_MODEL)" in written, written
    assert project.history("owners") == [("owners", "0001_initial")]
    fks = project.schema_of("owners_board")["fks"]
    assert (("owner_id",), "auth_user", ("id",)) in fks, fks
    assert project.rows("SELECT id, username FROM auth_user") == [(1, "ada")]
    project.assert_django_clean()
    again = project.sync()
    assert again.code == 0, str(again)
    assert again.actions == []
