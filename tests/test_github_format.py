"""``--format github`` (SPEC "JSON report", last paragraph): GitHub Actions
workflow commands, one per discrepancy plus a ``::notice`` per database.

Every line is read back with a parser of the workflow-command syntax written
here from GitHub's runner and toolkit (``@actions/core`` ``command.ts``):
``::name key=value,key=value::data``, where data escapes ``%``, CR and LF and
property values also ``:`` and ``,``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.db import connections

from djmigrator.report import AliasReport, Discrepancy, Report, Source
from djmigrator.reporting.render_github import render_github

from .cmd_helpers import call
from .conftest import qn, run_sql


@dataclass(frozen=True)
class WorkflowCommand:
    name: str
    properties: dict[str, str]
    data: str


_LINE = re.compile(r"::(?P<name>[A-Za-z-]+)(?: (?P<props>[^:]*))?::(?P<data>[^\r\n]*)")
#: the runner's unescaping, ``%25`` last so that ``%253A`` reads as ``%3A``
_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, table: tuple[tuple[str, str], ...]) -> str:
    # one pass, left to right, as a decoder must (no double unescaping)
    codes = dict(table)
    return re.sub("|".join(re.escape(c) for c in codes), lambda m: codes[m.group(0)], text)


def parse(line: str) -> WorkflowCommand:
    """One workflow command; AssertionError if ``line`` is not one."""
    match = _LINE.fullmatch(line)
    assert match, f"not a workflow command: {line!r}"
    props: dict[str, str] = {}
    if match["props"]:
        for pair in match["props"].split(","):
            key, sep, value = pair.partition("=")
            assert sep and key and key not in props, f"bad property {pair!r} in {line!r}"
            props[key] = _unescape(value, _PROPERTY)
    return WorkflowCommand(match["name"], props, _unescape(match["data"], _DATA))


def parse_output(out: str) -> list[WorkflowCommand]:
    """Every line of ``out`` (split on LF only, as the runner reads the log)."""
    assert out.endswith("\n"), repr(out)
    return [parse(line) for line in out[:-1].split("\n")]


# -- the renderer, on reports built by hand ------------------------------------

NASTY = "100% of shop_x.a,b: broken\r\nline two\x1b[2J\x07 end"


def test_parser_rejects_raw_line_breaks_and_bad_properties() -> None:
    for bad in ("::error::a\rb", "no command", "::error file::x", "::error a=1,a=2::x"):
        with pytest.raises(AssertionError):
            parse(bad)
    assert parse("::error file=a%2Cb%3Ac%25,line=3::x%25y%0A") == WorkflowCommand(
        "error", {"file": "a,b:c%", "line": "3"}, "x%y\n"
    )


def test_escaping_round_trips() -> None:
    with_source = Discrepancy(
        kind="missing_column",
        table="shop_x",
        column="a",
        columns=("a",),
        message=NASTY,
        source=Source(file="sh%op/models, v2:x.py", line=42),
    )
    extra = Discrepancy(kind="extra_column", table="shop_x", column="b", message=NASTY)
    db = AliasReport(alias="default", vendor="postgresql", discrepancies=(with_source, extra))
    other = AliasReport(alias="other", vendor="sqlite", schema="acme")
    lines = render_github(Report(databases=(db, other)))
    for line in lines:
        assert "\r" not in line and "\n" not in line, line
    found = [parse(line) for line in lines]
    assert found == [
        WorkflowCommand(
            "error",
            {"file": "sh%op/models, v2:x.py", "line": "42", "title": "missing_column"},
            NASTY,
        ),
        WorkflowCommand("warning", {"title": "extra_column"}, NASTY),
        WorkflowCommand("notice", {"title": "djmigrator"}, "'default' (postgresql): 2 differences"),
        WorkflowCommand(
            "notice", {"title": "djmigrator"}, "'other' (sqlite), schema acme: in sync"
        ),
    ]
    # the properties come in the order SPEC writes them
    assert lines[0].startswith("::error file=sh%25op/models%2C v2%3Ax.py,line=42,title=")


def test_report_only_mismatches_are_errors() -> None:
    kinds = ("type_mismatch", "nullability_mismatch", "extra_table", "extra_index")
    db = AliasReport(
        alias="default",
        vendor="sqlite",
        discrepancies=tuple(Discrepancy(kind=k, table="t", message=k) for k in kinds),
    )
    found = [parse(line) for line in render_github(Report(databases=(db,)))]
    assert [(c.name, c.properties.get("title")) for c in found] == [
        ("error", "type_mismatch"),
        ("error", "nullability_mismatch"),
        ("warning", "extra_table"),
        ("warning", "extra_index"),
        ("notice", "djmigrator"),
    ]


# -- the command, end to end on each vendor ------------------------------------

db_test = pytest.mark.django_db(databases="__all__", transaction=True)


def _location_is_whole(command: WorkflowCommand) -> None:
    """``file`` and ``line`` come together or not at all (no source: neither)."""
    assert set(command.properties) <= {"file", "line", "title"}, command
    assert ("file" in command.properties) == ("line" in command.properties), command
    if "line" in command.properties:
        assert int(command.properties["line"]) > 0
        assert not command.properties["file"].startswith("/"), command


@db_test
def test_dropped_column(alias: str, fresh_app) -> None:
    fresh_app("drift")
    vendor = connections[alias].vendor
    code, out, err = call("--check", "--database", alias, "drift", "--format", "github")
    assert (code, err) == (0, ""), out
    assert parse_output(out) == [
        WorkflowCommand("notice", {"title": "djmigrator"}, f"'{alias}' ({vendor}): in sync")
    ]

    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}")
    code, out, err = call("--check", "--database", alias, "drift", "--format", "github")
    assert (code, err) == (1, ""), out
    error, notice = parse_output(out)
    assert (error.name, error.properties["title"]) == ("error", "missing_column")
    assert error.data == "drift.Book.isbn: column drift_book.isbn is missing"
    _location_is_whole(error)
    assert notice == WorkflowCommand(
        "notice", {"title": "djmigrator"}, f"'{alias}' ({vendor}): 1 difference"
    )


#: a hand-made column whose name holds everything the syntax must escape
COLUMN = "n%ote,a:b\r\nc\x1b[31m"


@db_test
def test_names_that_need_escaping(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN {qn(alias, COLUMN)} integer NULL",
    )
    code, out, _ = call("--check", "--database", alias, "drift", "--format", "github")
    json_code, json_out, _ = call("--check", "--database", alias, "drift", "--format", "json")
    assert code == json_code == 1, out
    (db,) = json.loads(json_out)["databases"]
    (expected,) = db["discrepancies"]
    assert expected["column"] == COLUMN
    warning, notice = parse_output(out)
    assert (warning.name, warning.properties["title"]) == ("warning", "extra_column")
    assert warning.data == expected["message"] and COLUMN in warning.data
    _location_is_whole(warning)
    assert notice.name == "notice" and notice.data.endswith(": 1 difference")
