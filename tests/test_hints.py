"""The one-line hint under each difference in the text output, and the
``inspectdb``-style definition that would match the database (issue 16).

The suggestion is checked the only way that matters: pasted into the model of
a throwaway project, it makes the difference go away.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys

import pytest
from django.core.management.color import no_style
from django.db import connections

import djmigrator
from djmigrator.report import KINDS, Discrepancy, MigrationRef
from djmigrator.reporting.hints import SYNC, WAYS_OUT, WRITE, hint, hint_lines, with_suggestions
from djmigrator.reporting.render import render_text

from .conftest import qn, run_sql
from .synctools import Project, dropped_databases_fixture, project_fixture

__all__ = ["dropped_databases_fixture", "project_fixture"]


# -- the hint line per kind -----------------------------------------------------


def test_every_kind_has_a_hint() -> None:
    for kind in KINDS:
        d = Discrepancy(kind=kind, table="t", column="c")
        text = hint(d, "postgresql")
        if kind.startswith("missing_"):
            assert text == WRITE, kind  # no migration creates it yet
        elif kind in ("comment_mismatch",):
            assert text == SYNC  # a sync sets the model's comment
        else:
            assert text == WAYS_OUT[kind] and "by hand" in text and ", or " in text, kind


def test_default_mismatch_hint_depends_on_what_sync_restores() -> None:
    missing = Discrepancy(
        kind="default_mismatch", table="t", column="c", expected="DEFAULT 3", actual=None
    )
    other = Discrepancy(
        kind="default_mismatch", table="t", column="c", expected="DEFAULT 3", actual="DEFAULT 4"
    )
    assert hint(missing, "sqlite") == SYNC
    assert hint(other, "sqlite") == WAYS_OUT["default_mismatch"]


def test_what_a_sync_cannot_restore_gets_the_ways_out() -> None:
    # e.g. a column of a virtual table: its kind is restored, this one is not
    d = Discrepancy(kind="missing_column", table="t", column="c", restorable=False)
    text = hint(d, "sqlite")
    assert text != SYNC and "by hand" in text


def test_hint_lines_layout() -> None:
    field = Discrepancy(kind="type_mismatch", table="t", column="c", suggestion=("c = x()",))
    model = Discrepancy(kind="extra_table", table="t", suggestion=("class T:", "    pass"))
    assert hint_lines(field, "sqlite") == [
        "      hint: alter the column by hand to the field's type, or change the field to `c = x()`"
    ]
    lead, *block = hint_lines(model, "sqlite")
    assert lead.startswith("      hint: drop the table by hand, or add this model (")
    assert block == ["          class T:", "              pass"]
    plain = Discrepancy(kind="missing_column", table="t", column="c")
    assert hint_lines(plain, "mysql") == [f"      hint: {WRITE}"]


def test_a_missing_objects_hint_follows_its_migration() -> None:
    """Restored when its migration is applied, applied when it is not, written
    when no migration creates it."""
    made = MigrationRef("shop", "0007_order_total", 2, applied=True)
    pending = MigrationRef("shop", "0007_order_total", 2, applied=False)
    d = Discrepancy(kind="missing_column", table="t", column="c")
    assert hint(dataclasses.replace(d, migration=made), "sqlite") == SYNC
    assert hint(dataclasses.replace(d, migration=pending), "sqlite") == (
        "run `manage.py smart_makemigrations` to apply shop.0007_order_total"
    )
    assert hint(d, "sqlite") == WRITE


# -- suggestions, pasted into a real project -------------------------------------

ITEM = """\
class Item(models.Model):
    name = models.CharField(max_length=50)
    pages = models.IntegerField()
    isbn = models.CharField(max_length=20, null=True)
"""

#: the name of a quoted, mixed-case column (inspectdb writes db_column for it)
MIXED = "Weight"

SUGGESTIONS = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
import django
django.setup()
import djmigrator
from djmigrator.reporting.hints import with_suggestions

report = with_suggestions(djmigrator.compare("default"))
print(json.dumps([[d.kind, d.table, d.column, list(d.suggestion)] for d in report.discrepancies]))
"""


#: a decimal column: on SQLite, as Django writes it there (no precision, which
#: introspection cannot read: inspectdb's guess); elsewhere with one
DECIMAL = {
    "sqlite": (
        "decimal",
        "price = models.DecimalField(max_digits=10, decimal_places=5, blank=True, null=True)"
        "  # max_digits and decimal_places have been guessed.",
    ),
    "postgresql": (
        "numeric(10, 2)",
        "price = models.DecimalField(max_digits=10, decimal_places=2, blank=True, null=True)",
    ),
}
DECIMAL["mysql"] = DECIMAL["postgresql"]


def _code(line: str) -> str:
    """A suggested line without its comment."""
    return line.split("  # ")[0]


def _suggestions(project: Project) -> list[list[object]]:
    """``with_suggestions(compare())`` run inside the project."""
    (project.root / "suggest.py").write_text(SUGGESTIONS)
    proc = subprocess.run(
        [sys.executable, "suggest.py"],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return list(json.loads(proc.stdout.strip().splitlines()[-1]))


def _quote(project: Project, name: str) -> str:
    return f"`{name}`" if project.vendor == "mysql" else f'"{name}"'


def test_pasted_suggestions_remove_the_differences(project: Project) -> None:
    project.app("shop", ITEM)
    made = project.manage("makemigrations", "shop", "--noinput")
    assert made.code == 0, str(made)
    project.migrate()
    # the table as a hand-made change left it: pages bigint, isbn NOT NULL,
    # two columns no field has; and a table no model has
    project.execute(
        "DROP TABLE shop_item",
        project.ddl(
            "CREATE TABLE shop_item (id {pk}, name varchar(50) NOT NULL, "
            "pages bigint NOT NULL, isbn varchar(20) NOT NULL, note integer NULL, "
            f"{_quote(project, MIXED)} smallint NOT NULL, price {DECIMAL[project.vendor][0]} NULL)"
        ),
        project.ddl(
            "CREATE TABLE shop_legacy (id {pk}, label varchar(30) NOT NULL, qty integer NULL, "
            f"rate {DECIMAL[project.vendor][0]} NULL)"
        ),
    )
    before = project.sync("--check")
    assert before.code == 1, str(before)
    assert sorted(before.kinds) == sorted(
        [
            ("type_mismatch", "shop_item", ("pages",)),
            ("nullability_mismatch", "shop_item", ("isbn",)),
            ("extra_column", "shop_item", ("note",)),
            ("extra_column", "shop_item", (MIXED,)),
            ("extra_column", "shop_item", ("price",)),
            ("extra_table", "shop_legacy", ()),
        ]
    ), str(before)

    found = _suggestions(project)
    suggested = {(kind, column or table): lines for kind, table, column, lines in found}
    assert all(suggested.values()), suggested
    pages = suggested[("type_mismatch", "pages")]
    isbn = suggested[("nullability_mismatch", "isbn")]
    note = suggested[("extra_column", "note")]
    weight = suggested[("extra_column", MIXED)]
    price = suggested[("extra_column", "price")]
    legacy = suggested[("extra_table", "shop_legacy")]
    assert pages == ["pages = models.BigIntegerField()"], pages
    assert isbn == ["isbn = models.CharField(max_length=20)"], isbn
    assert note == ["note = models.IntegerField(blank=True, null=True)"], note
    assert weight == [f"weight = models.SmallIntegerField(db_column='{MIXED}')"], weight
    # the code; the note (SQLite's guessed precision) is inspectdb's until
    # Django 6.1 wrote none, ours since
    assert [_code(p) for p in price] == [_code(DECIMAL[project.vendor][1])], price
    # every DecimalField of the model has its precision (inspectdb's guess on SQLite)
    rate = _code(DECIMAL[project.vendor][1]).replace("price", "    rate")
    assert rate in [_code(line) for line in legacy], legacy
    assert legacy[0] == "class ShopLegacy(models.Model):" and "        managed = False" in legacy

    # the text output shows them, one hint line under each difference
    text = project.manage("smart_makemigrations", "--check")
    assert text.code == 1, str(text)
    for line in (*pages, *isbn, *note, *weight, *price):
        assert f"`{line}`" in text.out, text.out
    assert "class ShopLegacy(models.Model):" in text.out
    assert text.out.count("hint: ") == 6, text.out

    item = ITEM.replace("    pages = models.IntegerField()", f"    {pages[0]}")
    item = item.replace("    isbn = models.CharField(max_length=20, null=True)", f"    {isbn[0]}")
    item += f"    {note[0]}\n    {weight[0]}\n    {price[0]}\n\n\n" + "\n".join(legacy) + "\n"
    assert item != ITEM and item.count("\n    ") >= 9
    project.models("shop", item)
    after = project.sync("--check")
    assert (after.code, after.kinds) == (0, []), str(after)


# -- names that cannot be pasted into Python -------------------------------------

db_test = pytest.mark.django_db(databases="__all__", transaction=True)

#: columns on drift_shelf: one with control characters, one plain
ODD = "memo\n\x1b[31m"
PLAIN = "memo"
ODD_TABLE = "drift_odd\r\nx"


@db_test
def test_control_characters_get_no_suggestion(alias: str, fresh_app) -> None:
    fresh_app("drift")
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN {qn(alias, ODD)} integer NULL",
        f"ALTER TABLE {qn(alias, 'drift_shelf')} ADD COLUMN {qn(alias, PLAIN)} integer NULL",
        f"CREATE TABLE {qn(alias, ODD_TABLE)} (id integer NOT NULL PRIMARY KEY)",
    )
    try:
        report = with_suggestions(djmigrator.compare(alias, ["drift"]))
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, ODD_TABLE)}")
    found = {(d.kind, d.column or d.table): d.suggestion for d in report.discrepancies}
    assert set(found) == {
        ("extra_column", ODD),
        ("extra_column", PLAIN),
        ("extra_table", ODD_TABLE),
    }, found
    assert found[("extra_column", ODD)] == ()
    assert found[("extra_table", ODD_TABLE)] == ()
    (line,) = found[("extra_column", PLAIN)]
    assert line == "memo = models.IntegerField(blank=True, null=True)"
    ast.parse(line)
    # the text output: a hint under each, escaped, and no suggestion for the odd ones
    lines = render_text(report, no_style(), verbosity=1, mode="check")
    hints = [line for line in lines if "hint: " in line]
    assert len(hints) == 3, lines
    assert sum("`memo = models.IntegerField" in line for line in hints) == 1, lines
    for char in "\x1b\r":
        assert not any(char in line for line in lines)
    # the JSON report is unchanged: a suggestion is text output only
    data = json.loads(report.to_json())
    assert all("suggestion" not in d for db in data["databases"] for d in db["discrepancies"])
    assert connections[alias].vendor in {db["vendor"] for db in data["databases"]}
