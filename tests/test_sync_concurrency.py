"""Two syncs started at once on one database (and one project directory) do
not interleave: each ends in sync (or the second stops with the lock message),
the work is done once, no row is lost."""

from __future__ import annotations

import fcntl
import json
from contextlib import ExitStack

from .synctools import Project, Result, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Team(models.Model):
    name = models.CharField(max_length=40)


class Player(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    number = models.IntegerField()
"""

LOCK_MESSAGE = "Another smart_makemigrations sync is running on database 'default'"


def test_two_syncs_at_once(project: Project) -> None:
    # No migration files, one of the two tables there with rows: each sync has
    # to write 0001, then apply it in part.
    project.app("club", MODELS)
    project.execute(
        project.ddl("CREATE TABLE club_team (id {pk}, name varchar(40) NOT NULL)"),
        "INSERT INTO club_team (id, name) VALUES (1, 'Reds'), (2, 'Blues')",
    )
    args = ("smart_makemigrations", "--noinput", "--format", "json")
    procs = [project.popen(*args), project.popen(*args)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(Result(proc.returncode, out, err))

    for result in results:
        if result.code == 2:
            assert LOCK_MESSAGE in result.err, str(result)
            continue
        assert result.code == 0, str(result)
        data = json.loads(result.out)["databases"][0]
        assert data["in_sync"] is True, data
    done = [r for r in results if r.code == 0]
    assert done, [str(r) for r in results]
    # The work was done once: one process wrote and applied, the other found it done.
    assert sorted(a for r in done for a in r.actions) == [
        ("apply", "club", "0001_initial"),
        ("makemigrations", "club", "0001_initial"),
    ], [str(r) for r in results]
    assert project.migration_files("club") == ["0001_initial"]
    assert project.history("club") == [("club", "0001_initial")]
    assert project.rows("SELECT id, name FROM club_team ORDER BY id") == [(1, "Reds"), (2, "Blues")]
    assert project.columns("club_player") == ["id", "number", "team_id"]
    project.assert_django_clean()


def test_sync_gives_up_while_another_holds_the_lock(project: Project) -> None:
    from djmigrator.synchronization.locks import LOCK_NAME, _pg_key

    project.app("club", MODELS)
    project.settings(LOCK_TIMEOUT=1)
    name = f"{LOCK_NAME}:{project.database['NAME']}"
    with ExitStack() as held:  # another sync, as the lock sees it
        if project.vendor == "postgresql":
            project.execute(f"SELECT pg_advisory_lock({_pg_key(name)})")
        elif project.vendor == "mysql":
            assert project.rows(f"SELECT GET_LOCK('{name[:64]}', 0)") == [(1,)]
        else:
            handle = held.enter_context(open(f"{project.database['NAME']}.djmigrator.lock", "a+"))
            fcntl.flock(handle, fcntl.LOCK_EX)

        result = project.sync()

    assert result.code == 2, str(result)
    assert result.out == ""
    assert result.err.strip() == (
        f"CommandError: {LOCK_MESSAGE} (waited 1s); try again when it has finished."
    )
    assert project.migration_files("club") == []
    assert project.tables() <= {"django_migrations"}
