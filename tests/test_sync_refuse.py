"""Refusals: exit 2 with one clear message, and nothing changed (no file, no
row, no DDL, no history).

- a migration that runs code (RunPython) whose schema effect is already there;
- ``--noinput`` and a new non-nullable field without a default.
"""

from __future__ import annotations

from .synctools import ITEM_FILL, ITEM_INITIAL, Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50)
    size = models.IntegerField(null=True)
{more}
"""

ROWS = "SELECT id, name, size FROM shop_item ORDER BY id"


def _state(project: Project) -> tuple[object, ...]:
    return (project.schema(), project.history(), project.file_hashes(), project.rows(ROWS))


def test_runpython_with_its_effect_present_is_refused(project: Project) -> None:
    # The models also have a field no migration has yet: the refusal must come
    # before makemigrations writes anything.
    project.app(
        "shop",
        MODELS.format(more="    colour = models.CharField(max_length=10, null=True)"),
        {"0001_initial": ITEM_INITIAL, "0002_fill": ITEM_FILL},
    )
    project.migrate("shop", "0001")
    project.execute(
        "ALTER TABLE shop_item ADD COLUMN size integer NULL",
        "INSERT INTO shop_item (id, name, size) VALUES (1, 'a', NULL), (2, 'b', 5)",
    )
    before = _state(project)

    result = project.sync()

    assert result.code == 2, str(result)
    assert result.out == ""
    message = result.err.strip()
    assert len(message.splitlines()) == 1, message
    assert "shop.0002_fill" in message and "RunPython" in message, message
    assert "manage.py migrate shop 0002_fill --fake" in message, message
    assert _state(project) == before
    assert project.migration_files("shop") == ["0001_initial", "0002_fill"]


def test_noinput_question_is_a_clear_error(project: Project) -> None:
    project.app("shop", MODELS.format(more=""), {"0001_initial": ITEM_INITIAL})
    project.migrate("shop", "0001")
    project.execute("INSERT INTO shop_item (id, name) VALUES (1, 'a'), (2, 'b')")
    # size (nullable) needs no answer; weight (non-nullable, no default) does.
    project.models("shop", MODELS.format(more="    weight = models.IntegerField()"))
    before = (project.schema(), project.history(), project.file_hashes())
    rows = project.rows("SELECT id, name FROM shop_item")

    result = project.sync()

    assert result.code == 2, str(result)
    assert result.out == ""
    message = result.err.strip()
    assert len(message.splitlines()) == 1, message
    assert "Field 'weight' on model 'item'" in message, message
    assert "--noinput" in message and ".." not in message, message
    assert "size" not in message, message
    assert (project.schema(), project.history(), project.file_hashes()) == before
    assert project.rows("SELECT id, name FROM shop_item") == rows
    assert project.migration_files("shop") == ["0001_initial"]

    # Without --noinput, the message names what kept the question from being
    # asked: --dry-run, or no terminal (the tests' stdin is /dev/null).
    json_args = ("smart_makemigrations", "--format", "json")
    for args, what, forward in (
        (
            ("--dry-run", "--noinput"),
            "makemigrations needs an answer it cannot get with --noinput",
            "run makemigrations interactively.",
        ),
        (
            ("--dry-run",),
            "makemigrations needs an answer, and --dry-run asks no questions",
            "run smart_makemigrations without --dry-run to answer it.",
        ),
        (
            (),
            "makemigrations needs an answer, and there is no terminal to ask it on",
            "run smart_makemigrations in a terminal to answer it.",
        ),
    ):
        other = project.manage(*json_args, *args)
        assert other.code == 2, str(other)
        line = other.err.strip()
        assert len(line.splitlines()) == 1, line
        assert line.startswith(f"CommandError: {what}: "), line
        assert "Field 'weight' on model 'item'" in line, line
        assert line.endswith(f"Give the field a default or null=True, or {forward}"), line
        if "--noinput" not in args:
            assert "--noinput" not in line, line
        assert (project.schema(), project.history(), project.file_hashes()) == before
