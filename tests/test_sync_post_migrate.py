"""post_migrate (content types, permissions) is emitted by every sync, as by
``migrate``, also when it finds nothing left to apply: a sync killed right after
recording its last migration left the new model without its content type and
permissions, and the re-run creates them."""

from __future__ import annotations

from pathlib import Path

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

OWNERS = Path(__file__).resolve().parent / "apps" / "sync_owners"


def test_rerun_with_nothing_to_apply_emits_post_migrate(project: Project) -> None:
    project.use_auth()
    project.copy_app("owners", OWNERS)
    first = project.sync()
    assert first.code == 0, str(first)
    assert project.rows("SELECT model FROM django_content_type WHERE app_label = 'owners'") == [
        ("board",)
    ]
    # what a sync killed after recording owners.0001 (before post_migrate) leaves
    project.execute(
        "DELETE FROM auth_permission WHERE content_type_id IN "
        "(SELECT id FROM django_content_type WHERE app_label = 'owners')",
        "DELETE FROM django_content_type WHERE app_label = 'owners'",
    )

    again = project.sync()

    assert again.code == 0, str(again)
    assert again.actions == []  # nothing left to apply
    assert project.rows("SELECT model FROM django_content_type WHERE app_label = 'owners'") == [
        ("board",)
    ]
    codenames = project.rows(
        "SELECT p.codename FROM auth_permission p JOIN django_content_type c "
        "ON c.id = p.content_type_id WHERE c.app_label = 'owners' ORDER BY p.codename"
    )
    assert codenames == [
        ("add_board",),
        ("change_board",),
        ("delete_board",),
        ("view_board",),
    ]
