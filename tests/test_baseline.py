"""``--baseline FILE`` / ``--update-baseline``: accepted differences, stale entries.

The drift app is damaged by hand (an extra column, a dropped index), the
baseline written, and then: new drift alone fails the check, an accepted
difference that went away is reported stale, a hand-written reason survives
an update, and a bad file stops the run with one line, changing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connections

from djmigrator.api import compare
from djmigrator.reporting.baseline import apply_baseline, load_baseline
from djmigrator.synchronization.sync import sync

from .cmd_helpers import call, run_manage
from .conftest import qn, run_sql
from .test_check_command import ISBN_LINE

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

INDEX = "drift_book_pages_title"


def add_extra_column(alias: str) -> None:
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_book')} ADD COLUMN {qn(alias, 'legacy_note')} "
        "varchar(10) NULL",
    )


def drop_index(alias: str) -> None:
    on = f" ON {qn(alias, 'drift_book')}" if connections[alias].vendor == "mysql" else ""
    run_sql(alias, f"DROP INDEX {qn(alias, INDEX)}{on}")


def create_index(alias: str) -> None:
    run_sql(
        alias,
        f"CREATE INDEX {qn(alias, INDEX)} ON {qn(alias, 'drift_book')} "
        f"({qn(alias, 'pages')}, {qn(alias, 'title')})",
    )


def drop_isbn(alias: str) -> None:
    run_sql(alias, f"ALTER TABLE {qn(alias, 'drift_book')} DROP COLUMN {qn(alias, 'isbn')}")


def entry(alias: str, kind: str, columns: list[str], reason: str = "") -> dict[str, object]:
    return {
        "alias": alias,
        "schema": None,
        "kind": kind,
        "table": "drift_book",
        "columns": columns,
        "reason": reason,
    }


def file_text(entries: list[dict[str, object]]) -> str:
    """Exactly what ``--update-baseline`` writes: JSON, an entry per block, its
    columns on one line."""
    blocks = [
        "    {\n" + ",\n".join(f'      "{k}": {json.dumps(v)}' for k, v in e.items()) + "\n    }"
        for e in entries
    ]
    return '{\n  "accepted": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"


def check(alias: str, path: Path, *extra: str) -> tuple[int, str, str]:
    return call("--check", "--database", alias, "--baseline", str(path), *extra, "drift")


def where(alias: str) -> str:
    return f"'{alias}' ({connections[alias].vendor})"


def test_update_then_accept_then_new_drift_then_stale(alias: str, fresh_app, tmp_path) -> None:
    fresh_app("drift")
    add_extra_column(alias)
    drop_index(alias)
    path = tmp_path / "djmigrator-baseline.json"

    # without a baseline: two differences, exit 1
    code, out, _ = call("--check", "--database", alias, "drift")
    assert code == 1
    assert f"Schema drift on {where(alias)}: 2 differences" in out

    # --update-baseline writes today's differences (sorted: table, kind order)
    code, out, _ = check(alias, path, "--update-baseline")
    assert code == 0, out
    extra = entry(alias, "extra_column", ["legacy_note"])
    missing = entry(alias, "missing_index", ["pages", "title"])
    assert path.read_text(encoding="utf-8") == file_text([extra, missing])
    assert path.read_text(encoding="utf-8").splitlines() == [
        "{",
        '  "accepted": [',
        "    {",
        f'      "alias": "{alias}",',
        '      "schema": null,',
        '      "kind": "extra_column",',
        '      "table": "drift_book",',
        '      "columns": ["legacy_note"],',
        '      "reason": ""',
        "    },",
        "    {",
        f'      "alias": "{alias}",',
        '      "schema": null,',
        '      "kind": "missing_index",',
        '      "table": "drift_book",',
        '      "columns": ["pages", "title"],',
        '      "reason": ""',
        "    }",
        "  ]",
        "}",
    ]
    assert out.splitlines() == [
        f"No schema drift on {where(alias)}.",
        "  2 accepted differences (baseline)",
        f"Wrote {path}: 2 entries (2 new, 0 dropped).",
    ]

    # with the file: in sync, exit 0, the accepted ones counted (listed at -v 2)
    code, out, _ = check(alias, path)
    assert code == 0, out
    assert out.splitlines() == [
        f"No schema drift on {where(alias)}.",
        "  2 accepted differences (baseline)",
    ]
    # JSON: accepted listed, stale empty, discrepancies empty
    code, out, _ = check(alias, path, "--format", "json")
    assert code == 0
    [db] = json.loads(out)["databases"]
    assert (db["in_sync"], db["discrepancies"], db["stale"]) == (True, [], [])
    assert [(d["kind"], d["table"], d["columns"]) for d in db["accepted"]] == [
        ("extra_column", "drift_book", ["legacy_note"]),
        ("missing_index", "drift_book", ["pages", "title"]),
    ]
    assert list(db) == [
        "alias",
        "schema",
        "vendor",
        "in_sync",
        "discrepancies",
        "accepted",
        "stale",
        "actions",
        "notes",
    ]
    code, out, _ = check(alias, path, "--verbosity", "2")
    assert code == 0, out
    assert out.splitlines()[:4] == [
        f"No schema drift on {where(alias)}.",
        "  2 accepted differences (baseline):",
        *(f"    - {d['kind']}: {d['message']}" for d in db["accepted"]),
    ]
    assert db["accepted"][0]["message"] == "drift.Book: column drift_book.legacy_note has no field"

    # new drift: exit 1, only the new difference under discrepancies
    drop_isbn(alias)
    code, out, _ = check(alias, path, "--format", "json")
    assert code == 1
    [db] = json.loads(out)["databases"]
    assert db["in_sync"] is False
    assert [(d["kind"], d["table"], d["columns"]) for d in db["discrepancies"]] == [
        ("missing_column", "drift_book", ["isbn"])
    ]
    assert len(db["accepted"]) == 2 and db["stale"] == []
    code, out, _ = check(alias, path)
    assert code == 1
    assert out.splitlines() == [
        f"Schema drift on {where(alias)}: 1 difference",
        "  drift",
        "    - missing_column: drift.Book.isbn: column drift_book.isbn is missing "
        f"(expected varchar(20) NULL) (tests/apps/drift/models.py:{ISBN_LINE}; "
        "0001_initial, applied)",
        "      hint: run `manage.py smart_makemigrations` to restore it",
        "  2 accepted differences (baseline)",
    ]
    assert path.read_text(encoding="utf-8") == file_text([extra, missing])  # read only

    # the accepted index comes back: its entry is stale, exit 1
    fresh_app("drift")
    add_extra_column(alias)
    code, out, _ = check(alias, path)
    assert code == 1
    assert out.splitlines() == [
        f"No schema drift on {where(alias)}.",
        "  1 accepted difference (baseline)",
        "  1 stale baseline entry (no longer found):",
        "    - missing_index: drift_book (pages, title)",
        "The differences these baseline entries accepted are gone: run "
        f"'smart_makemigrations --check --baseline {path} --update-baseline' to drop "
        f"them from {path}, or fix the file.",
    ]
    code, out, _ = check(alias, path, "--format", "json")
    assert code == 1
    [db] = json.loads(out)["databases"]
    # in_sync is "discrepancies is empty" (SPEC); stale still fails the run
    assert (db["in_sync"], db["discrepancies"]) == (True, [])
    assert db["stale"] == [missing]
    assert [d["kind"] for d in db["accepted"]] == ["extra_column"]

    code, out, _ = check(alias, path, "--format", "github")
    assert code == 1
    assert out.splitlines()[-1] == (
        f"::error file={path},title=stale baseline entry::'{alias}': missing_index: "
        "drift_book (pages, title) is no longer found; run 'smart_makemigrations --check "
        f"--baseline {path} --update-baseline' to drop it, or fix the file."
    )

    # --update-baseline drops the stale entry
    code, out, _ = check(alias, path, "--update-baseline")
    assert code == 0
    assert out.splitlines()[-1] == f"Wrote {path}: 1 entry (0 new, 1 dropped)."
    assert path.read_text(encoding="utf-8") == file_text([extra])
    assert check(alias, path)[0] == 0


def test_reason_and_other_entries_survive_update(alias: str, fresh_app, tmp_path) -> None:
    fresh_app("drift")
    add_extra_column(alias)
    path = tmp_path / "baseline.json"
    assert check(alias, path, "--update-baseline")[0] == 0
    reason = "legacy importer writes it (RunSQL in 0004_import)"
    other_alias = {
        "alias": "nosuchalias",
        "schema": None,
        "kind": "extra_table",
        "table": "elsewhere",
        "columns": [],
        "reason": "another database",
    }
    other_app = {
        "alias": alias,
        "schema": None,
        "kind": "extra_index",
        "table": "auth_user",
        "columns": ["email"],
        "reason": "not the drift app",
    }
    document = json.loads(path.read_text(encoding="utf-8"))
    document["accepted"][0]["reason"] = reason
    document["accepted"] += [other_alias, other_app]
    path.write_text(json.dumps(document), encoding="utf-8")

    # entries for what this run did not compare are neither stale nor dropped
    code, out, _ = check(alias, path, "--format", "json")
    assert code == 0, out
    [db] = json.loads(out)["databases"]
    assert db["stale"] == [] and len(db["accepted"]) == 1

    drop_index(alias)
    code, out, _ = check(alias, path, "--update-baseline")
    assert code == 0, out
    assert out.splitlines()[-1] == f"Wrote {path}: 4 entries (1 new, 0 dropped)."
    assert path.read_text(encoding="utf-8") == file_text(
        [
            other_app,
            entry(alias, "extra_column", ["legacy_note"], reason),
            entry(alias, "missing_index", ["pages", "title"]),
            other_alias,
        ]
        if alias < "nosuchalias"
        else [
            other_alias,
            other_app,
            entry(alias, "extra_column", ["legacy_note"], reason),
            entry(alias, "missing_index", ["pages", "title"]),
        ]
    )
    # the reason is shown with a stale entry
    fresh_app("drift")
    drop_index(alias)
    code, out, _ = check(alias, path)
    assert code == 1
    assert f"    - extra_column: drift_book (legacy_note): {reason}" in out.splitlines()


def test_library_functions(alias: str, fresh_app, tmp_path) -> None:
    fresh_app("drift")
    add_extra_column(alias)
    path = tmp_path / "b.json"
    path.write_text(file_text([entry(alias, "extra_column", ["legacy_note"], "why")]))
    baseline = load_baseline(path)
    report = apply_baseline(compare(alias, ["drift"]), baseline, ["drift"])
    [db] = report.databases
    assert db.in_sync and db.discrepancies == () and report.stale == ()
    assert [(d.kind, d.columns) for d in db.accepted or ()] == [("extra_column", ("legacy_note",))]
    # without a baseline, the report has no accepted / stale keys at all
    plain = compare(alias, ["drift"]).databases[0].as_dict()
    assert "accepted" not in plain and "stale" not in plain


def test_sync_leaves_accepted_differences_alone(alias: str, fresh_app, tmp_path) -> None:
    """A sync restores what the baseline does not accept, and nothing it does."""
    fresh_app("drift")
    drop_index(alias)
    drop_isbn(alias)
    path = tmp_path / "b.json"
    path.write_text(file_text([entry(alias, "missing_index", ["pages", "title"], "on purpose")]))
    code, out, err = call("--database", alias, "--noinput", "--baseline", str(path), "drift")
    assert code == 0, (out, err)
    report = compare(alias, ["drift"])
    assert [(d.kind, d.columns) for d in report.discrepancies] == [
        ("missing_index", ("pages", "title"))
    ]
    assert out.splitlines() == [
        f"Done on {where(alias)}:",
        "  Repair drift: drift.Book.isbn: column drift_book.isbn is missing",
        f"No schema drift on {where(alias)}.",
        "  1 accepted difference (baseline)",
    ]
    # the library function takes the baseline too; without it the index is restored
    report = sync(alias, ["drift"], baseline=load_baseline(path))
    assert [d.kind for d in report.discrepancies] == ["missing_index"]
    assert compare(alias, ["drift"]).discrepancies != ()
    report = sync(alias, ["drift"])
    assert report.discrepancies == ()


BAD_FILES = {
    "not-json": ('{"accepted": [', "is not valid JSON (line 1 column 15"),
    "shape": ('["x"]', 'it must be a JSON object with one key, "accepted"'),
    "kind": (
        '{"accepted": [{"alias": "default", "schema": null, "kind": "missing_colum", '
        '"table": "t", "columns": [], "reason": ""}]}',
        "entry 1 has an unknown kind 'missing_colum' (known: missing_table, ",
    ),
    "columns": (
        '{"accepted": [{"alias": "default", "schema": null, "kind": "extra_table", '
        '"table": "t", "columns": "a", "reason": ""}]}',
        "entry 1: \"columns\" must be a list of column names, not 'a'",
    ),
    "key": (
        '{"accepted": [{"alias": "default", "schema": null, "kind": "extra_table", '
        '"table": "t", "colums": [], "reason": ""}]}',
        "entry 1 has unknown keys: colums",
    ),
}


def refused(*args: str) -> str:
    """The one line of the CommandError (exit 2) that ``args`` end in."""
    with pytest.raises(CommandError) as caught:
        call(*args)
    assert caught.value.returncode == 2
    [line] = str(caught.value).splitlines()
    return line


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_exits_2_one_line_untouched(alias: str, case: str, tmp_path) -> None:
    text, words = BAD_FILES[case]
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    for extra in ((), ("--update-baseline",)):
        line = refused("--check", "--database", alias, "--baseline", str(path), *extra, "drift")
        assert line.startswith(f"Baseline file '{path}'"), line
        assert words in line, line
        assert line.endswith(
            f"fix it, or write it again with 'smart_makemigrations --check "
            f"--baseline {path} --update-baseline'."
        )
        assert path.read_text(encoding="utf-8") == text


def test_bad_file_subprocess_one_line(alias: str, tmp_path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{", encoding="utf-8")
    done = run_manage("--check", "--database", alias, "--baseline", str(path), "drift")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        f"CommandError: Baseline file '{path}' is not valid JSON (line 1 column 2: Expecting "
        "property name enclosed in double quotes): fix it, or write it again with "
        f"'smart_makemigrations --check --baseline {path} --update-baseline'."
    ]
    assert path.read_text(encoding="utf-8") == "{"


def test_missing_file_and_option_misuse(alias: str, tmp_path) -> None:
    path = tmp_path / "nope.json"
    done = run_manage("--check", "--database", alias, "--baseline", str(path), "drift")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        f"CommandError: Baseline file '{path}' does not exist: write it with "
        f"'smart_makemigrations --check --baseline {path} --update-baseline', "
        "or check the path."
    ]
    for args in (
        ["--update-baseline", "--check"],
        ["--update-baseline", "--baseline", str(path)],
        ["--update-baseline", "--dry-run", "--baseline", str(path)],
    ):
        line = refused(*args, "--database", alias, "drift")
        assert line == "--update-baseline needs --check and --baseline FILE (the file to write)."
    assert not path.exists()


def test_schemas_duplicates_and_atomic_write(tmp_path, monkeypatch) -> None:
    """Per (alias, schema) matching, without a database: an entry of a schema
    not compared is left alone; a duplicate entry is one; a failed write
    leaves the old file and no temporary file."""
    from djmigrator.errors import DjmigratorError
    from djmigrator.report import AliasReport, BaselineEntry, Discrepancy, Report
    from djmigrator.reporting.baseline import Baseline, write_baseline

    extra = Discrepancy("extra_column", "t", "c", ("c",), message="column t.c has no field")
    report = Report(
        (
            AliasReport("pg", "postgresql", (extra,), schema="acme"),
            AliasReport("pg", "postgresql", (extra,), schema="globex"),
        )
    )
    acme = BaselineEntry("pg", "acme", "extra_column", "t", ("c",), "acme's own")
    gone = BaselineEntry("pg", "acme", "extra_index", "t", ("c",), "")
    other = BaselineEntry("pg", "initech", "extra_column", "t", ("c",), "not compared")
    baseline = Baseline("b.json", (acme, acme, gone, other))
    a, g = apply_baseline(report, baseline).databases
    assert (a.discrepancies, a.accepted, a.stale) == ((), (extra,), (gone,))
    assert (g.discrepancies, g.accepted, g.stale) == ((extra,), (), ())
    assert apply_baseline(report, baseline).stale == (gone,)

    path = tmp_path / "b.json"
    written = write_baseline(report, path, baseline)
    assert written.entries == (
        acme,
        BaselineEntry("pg", "globex", "extra_column", "t", ("c",), ""),
        other,
    )
    assert load_baseline(path) == written and path.stat().st_mode & 0o777 != 0
    before = path.read_text(encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("djmigrator.reporting.baseline.os.replace", refuse)
    with pytest.raises(DjmigratorError) as caught:
        write_baseline(Report(), path, written)
    assert str(caught.value) == (
        f"Baseline file '{path}' cannot be written (Permission denied); it is unchanged. "
        "Check the directory's permissions."
    )
    assert path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json"]
