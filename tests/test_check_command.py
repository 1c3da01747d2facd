"""``smart_makemigrations --check``: exit 0 in sync, 1 on drift; ``--format json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connections

from .cmd_helpers import call, run_manage
from .conftest import qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

SPEC_DISCREPANCY_KEYS = {
    "kind",
    "table",
    "column",
    "columns",
    "name",
    "app_label",
    "model",
    "field",
    "expected",
    "actual",
    "message",
    "source",
    "migration",
}
SPEC_DATABASE_KEYS = {"alias", "vendor", "in_sync", "discrepancies", "actions"}

#: the line of ``isbn = models.CharField(...)`` in the drift app's models.py
ISBN_LINE = (Path(__file__).parent / "apps" / "drift" / "models.py").read_text().splitlines().index(
    "    isbn = models.CharField(max_length=20, null=True)"
) + 1

DROPPED_ISBN = {
    "kind": "missing_column",
    "table": "drift_book",
    "column": "isbn",
    "columns": ["isbn"],
    "name": None,
    "app_label": "drift",
    "model": "Book",
    "field": "isbn",
    "expected": "varchar(20) NULL",
    "actual": None,
    "message": "drift.Book.isbn: column drift_book.isbn is missing",
    # where Book.isbn is written, and the CreateModel of Book (the third
    # operation of drift's 0001_initial, which the test database has applied)
    "source": {"file": "tests/apps/drift/models.py", "line": ISBN_LINE},
    "migration": {"app_label": "drift", "name": "0001_initial", "operation": 2, "applied": True},
}


def drop_isbn(alias: str) -> None:
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}")


def parse_one_document(stdout: str) -> dict:
    """The whole of stdout is one JSON object (json.loads refuses trailing data)."""
    document = json.loads(stdout)
    assert isinstance(document, dict)
    assert set(document) == {"djmigrator", "databases"}
    assert isinstance(document["djmigrator"], str) and document["djmigrator"]
    for db in document["databases"]:
        assert SPEC_DATABASE_KEYS <= set(db), db
        assert db["in_sync"] is (db["discrepancies"] == [])
        assert db["actions"] == []  # --check
        for d in db["discrepancies"]:
            assert set(d) == SPEC_DISCREPANCY_KEYS, d
            assert d["table"] and isinstance(d["columns"], list)
    return document


def test_call_command_exit_status(alias: str, fresh_app) -> None:
    fresh_app("drift")
    code, out, _ = call("--check", "--database", alias, "drift")
    assert code == 0
    assert out.strip().splitlines() == [
        f"No schema drift on '{alias}' ({connections[alias].vendor})."
    ]
    drop_isbn(alias)
    code, out, _ = call("--check", "--database", alias, "drift")
    assert code == 1
    assert "drift.Book.isbn: column drift_book.isbn is missing" in out


def test_call_command_json(alias: str, fresh_app) -> None:
    fresh_app("drift")
    drop_isbn(alias)
    code, out, _ = call("--check", "--format", "json", "--database", alias, "drift")
    assert code == 1
    document = parse_one_document(out)
    [db] = document["databases"]
    assert (db["alias"], db["vendor"], db["in_sync"]) == (alias, connections[alias].vendor, False)
    assert db["discrepancies"] == [DROPPED_ISBN]


def test_subprocess_exit_status_and_json(alias: str, fresh_app) -> None:
    fresh_app("drift")
    done = run_manage("--check", "--database", alias, "drift")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert len(done.stdout.strip().splitlines()) == 1

    done = run_manage("--check", "--format", "json", "--database", alias, "drift")
    assert (done.returncode, done.stderr) == (0, "")
    [db] = parse_one_document(done.stdout)["databases"]
    assert (db["alias"], db["in_sync"], db["discrepancies"]) == (alias, True, [])

    drop_isbn(alias)
    done = run_manage("--check", "--database", alias, "drift")
    assert (done.returncode, done.stderr) == (1, ""), done.stderr
    assert "drift.Book.isbn: column drift_book.isbn is missing" in done.stdout

    done = run_manage("--check", "--format", "json", "--database", alias, "drift")
    assert (done.returncode, done.stderr) == (1, "")
    [db] = parse_one_document(done.stdout)["databases"]
    assert (db["alias"], db["in_sync"], db["discrepancies"]) == (alias, False, [DROPPED_ISBN])
