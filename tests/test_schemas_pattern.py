"""``--schema PATTERN`` (PostgreSQL): the models compared against each matching schema.

Each test makes three schemas with uniquely named prefixes holding the
``drift`` app's tables exactly as migrate creates them there, damages one,
and drops them all at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connections

import djmigrator
from djmigrator.comparison.tenants import schema_scope
from djmigrator.errors import DjmigratorError

from .cmd_helpers import call, run_manage
from .conftest import run_sql
from .drift_helpers import rows

pytestmark = [
    pytest.mark.django_db(databases="__all__", transaction=True),
    pytest.mark.skipif("postgresql" not in connections, reason="PostgreSQL not listed"),
]

PG = "postgresql"


def make_schema(name: str) -> None:
    connection = connections[PG]
    run_sql(PG, f'CREATE SCHEMA "{name}"')
    with schema_scope(connection, name), connection.schema_editor() as editor:
        for model in apps.get_app_config("drift").get_models():
            editor.create_model(model)


@pytest.fixture
def fleet() -> Iterator[list[str]]:
    prefix = f"djm_{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}_{n}" for n in ("acme", "globex", "initech")]
    try:
        for name in names:
            make_schema(name)
        yield names
    finally:
        for name in names:
            run_sql(PG, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def test_each_schema_is_one_entry(fleet: list[str]) -> None:
    acme, globex, initech = fleet
    run_sql(PG, f'ALTER TABLE "{globex}".drift_author ADD COLUMN nick varchar(10) NULL')
    run_sql(PG, f'ALTER TABLE "{initech}".drift_book DROP COLUMN isbn')
    prefix = acme.rsplit("_", 1)[0]
    report = djmigrator.compare(PG, ["drift"], schemas=[f"{prefix}_*"])
    assert [(db.alias, db.schema) for db in report.databases] == [
        (PG, acme),
        (PG, globex),
        (PG, initech),
    ]
    assert [rows(db) for db in report.databases] == [
        [],
        [("extra_column", "drift_author", "nick", ("nick",), None, "drift", "Author", None)],
        [("missing_column", "drift_book", "isbn", ("isbn",), None, "drift", "Book", "isbn")],
    ]
    # the alias's own schema is not damaged, and not part of this answer
    assert rows(djmigrator.compare(PG, ["drift"])) == []


def test_a_table_only_further_on_the_path_is_missing(fleet: list[str]) -> None:
    acme = fleet[0]
    run_sql(PG, f'DROP TABLE "{acme}".drift_shelf CASCADE')
    report = djmigrator.compare(PG, ["drift"], schemas=[acme])
    # public has drift_shelf: it is not this schema's
    assert rows(report) == [
        ("missing_table", "drift_shelf", None, (), None, "drift", "Shelf", None),
    ]
    assert report.databases[0].schema == acme


def test_patterns_repeat_and_do_not_duplicate(fleet: list[str]) -> None:
    acme, globex, _ = fleet
    report = djmigrator.compare(PG, ["drift"], schemas=[globex, acme, "*_globex"])
    assert [db.schema for db in report.databases] == [globex, acme]


def test_identical_schemas_share_one_comparison(
    fleet: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from djmigrator import api

    acme, globex, _initech = fleet
    run_sql(PG, f'ALTER TABLE "{globex}".drift_author ADD COLUMN nick varchar(10) NULL')
    seen: list[str | None] = []
    real = api.compare_alias

    def counted(alias: str, **kwargs: object) -> object:
        seen.append(kwargs.get("schema"))  # type: ignore[arg-type]
        return real(alias, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "compare_alias", counted)
    report = djmigrator.compare(PG, ["drift"], schemas=fleet)
    assert sorted(seen) == sorted([acme, globex])  # initech is acme's twin
    assert [len(db.discrepancies) for db in report.databases] == [0, 1, 0]


def test_no_match_and_other_vendors_are_errors(fleet: list[str]) -> None:
    with pytest.raises(DjmigratorError, match="No schema of database 'postgresql' matches"):
        djmigrator.compare(PG, schemas=["djm_no_such_schema_*"])
    with pytest.raises(DjmigratorError, match="PostgreSQL only"):
        djmigrator.compare("default", schemas=["public"])


def test_command_output(fleet: list[str]) -> None:
    acme, globex, initech = fleet
    prefix = acme.rsplit("_", 1)[0]
    run_sql(PG, f'ALTER TABLE "{initech}".drift_book DROP COLUMN isbn')
    code, out, err = call("drift", "--check", "--database", PG, "--schema", f"{prefix}_*")
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0] == f"2 schemas in sync, 1 with drift: {initech}"
    assert lines[1] == f"Schema drift on '{PG}' (postgresql), schema {initech}: 1 difference"
    assert acme not in out and globex not in out.split(lines[0])[1]
    code, out, _ = call("drift", "--check", "--database", PG, "--schema", f"{prefix}_*", "-v", "0")
    assert (code, out) == (1, "")
    code, out, _ = call(
        "drift", "--check", "--database", PG, "--schema", f"{prefix}_*", "--format", "json"
    )
    data = json.loads(out)
    assert [(d["alias"], d["schema"], d["in_sync"]) for d in data["databases"]] == [
        (PG, acme, True),
        (PG, globex, True),
        (PG, initech, False),
    ]


def test_command_errors_are_one_line(fleet: list[str]) -> None:
    proc = run_manage("--check", "--database", PG, "--schema", "djm_no_such_schema")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "djm_no_such_schema" in proc.stderr
    proc = run_manage("--check", "--database", "default", "--schema", "public")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "PostgreSQL only" in proc.stderr
