"""An error during the repair step: exit 2, one line saying what could not be
restored, why, what stays and what to do; nothing more is changed.

Here a unique constraint dropped by hand cannot come back: duplicate rows were
written meanwhile.  On PostgreSQL and SQLite the repair is one transaction, so
the index repaired before it is rolled back too; MariaDB cannot roll DDL back,
so there the repairs run one at a time and the message lists the one kept.
Once the duplicates are gone, the next sync restores everything.
"""

from __future__ import annotations

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Hall(models.Model):
    name = models.CharField(max_length=20, db_index=True)


class Seat(models.Model):
    row = models.CharField(max_length=2)
    number = models.IntegerField()

    class Meta:
        unique_together = [("row", "number")]
"""

SEATS = "SELECT id, row, number FROM cin_seat ORDER BY id"


def _indexes(project: Project, table: str) -> list[tuple[str, bool]]:
    """(name, unique) of the table's secondary indexes and unique constraints."""
    if project.vendor == "sqlite":
        rows = project.rows(
            "SELECT name, sql LIKE 'CREATE UNIQUE%' FROM sqlite_master "
            f"WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL"
        )
    elif project.vendor == "postgresql":
        rows = project.rows(
            "SELECT indexname, indexdef LIKE 'CREATE UNIQUE%' FROM pg_indexes "
            f"WHERE tablename = '{table}' AND indexname NOT LIKE '%pkey'"
        )
    else:
        rows = project.rows(
            "SELECT DISTINCT index_name, non_unique = 0 FROM information_schema.statistics "
            f"WHERE table_schema = DATABASE() AND table_name = '{table}' "
            "AND index_name <> 'PRIMARY'"
        )
    return sorted((str(n), bool(u)) for n, u in rows)


def _drop(project: Project, table: str, name: str, unique: bool) -> None:
    if project.vendor == "postgresql" and unique:
        project.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    elif project.vendor == "mysql":
        project.execute(f"DROP INDEX {name} ON {table}")
    else:
        project.execute(f"DROP INDEX {name}")


def test_repair_the_database_refuses_is_one_line_exit_2(project: Project) -> None:
    project.app("cin", MODELS)
    assert project.manage("makemigrations", "cin").code == 0
    project.migrate()
    halls, seats = _indexes(project, "cin_hall"), _indexes(project, "cin_seat")
    assert halls and all(not u for _, u in halls) and [u for _, u in seats] == [True]
    for name, unique in halls + seats:  # dropped by hand behind the applied migration
        _drop(project, "cin_hall" if (name, unique) in halls else "cin_seat", name, unique)
    project.execute(
        "INSERT INTO cin_hall (id, name) VALUES (1, 'Main')",
        "INSERT INTO cin_seat (id, row, number) VALUES (1, 'A', 1), (2, 'A', 1), (3, 'B', 1)",
    )
    history, files = project.history(), project.file_hashes()

    result = project.sync()

    assert result.code == 2, str(result)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    line = lines[0]
    assert line.startswith("CommandError: Restoring unique constraint cin_seat_row_number_"), line
    assert " on cin_seat (row, number) on database 'default' failed: " in line, line
    reason = {
        "sqlite": "UNIQUE constraint failed: cin_seat.row, cin_seat.number.",
        "postgresql": '(Key ("row", number)=(A, 1) is duplicated).',
        "mysql": "Duplicate entry 'A-1' for key 'cin_seat_row_number_",
    }[project.vendor]
    assert reason in line, line
    assert line.endswith(
        "Fix what the error names (e.g. duplicate or orphan rows), or make the model say "
        "what the database has, then run smart_makemigrations again."
    ), line
    assert "Traceback" not in result.err
    if project.vendor == "mysql":  # no transactional DDL: the index before it stays
        assert ". Restored before it, and kept: index cin_hall_name_" in line, line
        assert _indexes(project, "cin_hall") == halls
    else:
        assert ". Nothing of the repair was changed. Fix what" in line, line
        assert _indexes(project, "cin_hall") == []
    assert _indexes(project, "cin_seat") == []
    assert project.rows(SEATS) == [(1, "A", 1), (2, "A", 1), (3, "B", 1)]
    assert (project.history(), project.file_hashes()) == (history, files)

    project.execute("DELETE FROM cin_seat WHERE id = 2")
    again = project.sync()

    assert again.code == 0, str(again)
    assert _indexes(project, "cin_hall") == halls
    assert [u for _, u in _indexes(project, "cin_seat")] == [True]
    assert project.rows(SEATS) == [(1, "A", 1), (3, "B", 1)]
    project.assert_django_clean()
