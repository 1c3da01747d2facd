"""Text output escapes control characters in names (SPEC "JSON report", last
paragraph): a hand-made table or column name can neither forge a report line
nor drive the terminal (ESC, BEL, CR, LF ... are written as \\x1b, \\x07, \\r,
\\n)."""

from __future__ import annotations

import json

import pytest

from .cmd_helpers import call
from .conftest import qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

#: a table whose name would forge a report line, clear the screen and beep
TABLE = "drift_x\r\n    - forged: no drift\x1b[2J\x07"
#: a hand-made column on a model's table
COLUMN = "note\n\x1b[31m\x07\x08"


def test_control_characters_in_names_are_escaped(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(
        alias,
        f"CREATE TABLE {qn(alias, TABLE)} (id integer NOT NULL PRIMARY KEY)",
        f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN {qn(alias, COLUMN)} integer NULL",
    )
    try:
        code, out, err = call("--check", "--database", alias, "drift")
        json_code, json_out, _ = call("--check", "--database", alias, "drift", "--format", "json")
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, TABLE)}")
    assert code == 1, (out, err)
    for char in "\x1b\x07\x08\r":
        assert char not in out
    lines = out.splitlines()
    assert not any("forged" in line and "extra_table" not in line for line in lines), out
    table_lines = [line for line in lines if "extra_table" in line]
    assert len(table_lines) == 1, out
    assert "drift_x\\r\\n    - forged: no drift\\x1b[2J\\x07" in table_lines[0], out
    column_lines = [line for line in lines if "extra_column" in line]
    assert len(column_lines) == 1 and "note\\n\\x1b[31m\\x07\\x08" in column_lines[0], out
    # JSON keeps the names as they are (JSON escapes them itself)
    assert json_code == 1
    found = {(d["kind"], d["table"], d["column"]) for d in _discrepancies(json_out)}
    assert found == {("extra_table", TABLE, None), ("extra_column", "drift_shelf", COLUMN)}


def _discrepancies(out: str) -> list[dict[str, object]]:
    (db,) = json.loads(out)["databases"]
    return list(db["discrepancies"])
