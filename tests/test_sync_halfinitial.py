"""An initial migration half applied (one of its two tables exists, with rows):
the sync creates the other table and records the migration; Django's
``--fake-initial`` fails here ("already exists")."""

from __future__ import annotations

from .synctools import (  # noqa: F401
    Project,
    create_model,
    dropped_databases_fixture,
    initial_migration,
    project_fixture,
)

MODELS = """
class Team(models.Model):
    name = models.CharField(max_length=40)


class Player(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    number = models.IntegerField()
"""

INITIAL = initial_migration(
    create_model("Team", '("name", models.CharField(max_length=40))'),
    create_model(
        "Player",
        '("number", models.IntegerField())',
        '("team", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="club.team"))',
    ),
)


def test_half_applied_initial_migration_completes(project: Project) -> None:
    project.app("club", MODELS, {"0001_initial": INITIAL})
    project.execute(
        project.ddl("CREATE TABLE club_team (id {pk}, name varchar(40) NOT NULL)"),
        "INSERT INTO club_team (id, name) VALUES (1, 'Reds'), (2, 'Blues')",
    )

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    assert result.actions == [("apply", "club", "0001_initial")]
    assert "1 of 2 operations applied" in result.report["actions"][0]["detail"]
    assert project.history("club") == [("club", "0001_initial")]
    assert project.rows("SELECT id, name FROM club_team ORDER BY id") == [(1, "Reds"), (2, "Blues")]
    assert project.columns("club_player") == ["id", "number", "team_id"]
    assert project.schema_of("club_player")["fks"] == [(("team_id",), "club_team", ("id",))]
    project.execute("INSERT INTO club_player (number, team_id) VALUES (9, 2)")
    project.assert_django_clean()
