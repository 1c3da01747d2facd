"""missing_check, extra_check and check_mismatch, injected with raw SQL on each vendor.

Checks are matched by condition, never by name; conditions are compared as
the server stores them (a renamed or re-spelt check is in sync), and a check
of the same name with another condition is one ``check_mismatch``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import djmigrator

from .conftest import qn, run_sql
from .drift_helpers import rows, sqlite_rebuild, vendor

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

TABLE = "objects13_gadget"
META_CHECK = "objects13_price_qty"


def cut_check(start: str) -> Callable[[str], str]:
    """A ``sqlite_rebuild`` edit removing the CHECK that begins with ``start``
    (and the comma before it, for a table constraint)."""

    def edit(sql: str) -> str:
        assert sql.count(start) == 1, (start, sql)
        begin = sql.index(start)
        i = sql.index("CHECK", begin) + len("CHECK")
        i = sql.index("(", i)
        depth = 0
        for end in range(i, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        head = sql[:begin].rstrip()
        if start.startswith("CONSTRAINT") and head.endswith(","):
            head = head[:-1]
        return head + sql[end + 1 :]

    return edit


def drop_constraint(alias: str, table: str, name: str) -> None:
    run_sql(alias, f"ALTER TABLE {qn(alias, table)} DROP CONSTRAINT {qn(alias, name)}")


def add_check(alias: str, table: str, name: str, condition: str) -> None:
    if vendor(alias) == "sqlite":

        def edit(sql: str) -> str:
            return sql[: sql.rindex(")")] + f", CONSTRAINT {qn(alias, name)} CHECK ({condition}))"

        sqlite_rebuild(alias, table, edit)
    else:
        run_sql(
            alias,
            f"ALTER TABLE {qn(alias, table)} ADD CONSTRAINT {qn(alias, name)} CHECK ({condition})",
        )


def drop_meta_check(alias: str) -> None:
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, TABLE, cut_check(f'CONSTRAINT "{META_CHECK}"'))
    else:
        drop_constraint(alias, TABLE, META_CHECK)


def test_fresh_app_is_in_sync(alias: str, fresh_app) -> None:
    """What Django wrote and what the server printed back compare equal (on
    PostgreSQL, ``NOT ("name" = '')`` was stored as ``NOT ((name)::text = ''::text)``)."""
    fresh_app("objects13")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == []
    assert report[alias].notes == ()


def test_dropped_meta_check(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    drop_meta_check(alias)
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("missing_check", TABLE, None, ("price", "qty"), META_CHECK, "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert d.expected is not None and d.expected.startswith("CHECK (")
    assert d.actual is None


def test_dropped_positive_integer_check(alias: str, fresh_app) -> None:
    """The ``>= 0`` check Django writes itself for a PositiveIntegerField."""
    fresh_app("objects13")
    if vendor(alias) == "sqlite":
        sqlite_rebuild(alias, TABLE, cut_check('CHECK ("qty" >= 0)'))
    elif vendor(alias) == "mysql":  # a column's own CHECK goes with its definition
        run_sql(alias, f"ALTER TABLE {TABLE} MODIFY qty integer UNSIGNED NOT NULL")
    else:
        drop_constraint(alias, TABLE, "objects13_gadget_qty_check")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("missing_check", TABLE, None, ("qty",), None, "objects13", "Gadget", "qty"),
    ]


def test_json_valid_check_mariadb(alias: str, fresh_app) -> None:
    if vendor(alias) != "mysql":
        pytest.skip("MariaDB adds JSON_VALID to a JSONField's column by itself")
    fresh_app("objects13")
    # what ``json`` stands for, without the CHECK MariaDB adds to it
    run_sql(
        alias,
        f"ALTER TABLE {TABLE} MODIFY data longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL",
    )
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("missing_check", TABLE, None, ("data",), None, "objects13", "Gadget", "data"),
    ]


def test_changed_meta_check_is_one_mismatch(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    drop_meta_check(alias)
    q = lambda c: qn(alias, c)  # noqa: E731
    add_check(alias, TABLE, META_CHECK, f"{q('price')} >= 1 AND {q('qty')} <= 1000")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        ("check_mismatch", TABLE, None, ("price", "qty"), META_CHECK, "objects13", "Gadget", None),
    ]
    (d,) = report.discrepancies
    assert d.expected is not None and d.actual is not None
    assert ">= 0" in d.expected and ">= 1" in d.actual, (d.expected, d.actual)
    assert d.message.endswith(f"is {d.actual}, expected {d.expected}")


def test_extra_check(alias: str, fresh_app) -> None:
    fresh_app("objects13")
    add_check(alias, TABLE, "objects13_hand_made", f"{qn(alias, 'price')} < 100000")
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == [
        (
            "extra_check",
            TABLE,
            None,
            ("price",),
            "objects13_hand_made",
            "objects13",
            "Gadget",
            "price",
        ),
    ]
    assert report.discrepancies[0].actual is not None
    assert report.discrepancies[0].expected is None


def test_renamed_and_respelt_check_is_in_sync(alias: str, fresh_app) -> None:
    """Another name, other spaces, case, quotes and (on the servers) parentheses:
    the same condition, so no drift."""
    fresh_app("objects13")
    drop_meta_check(alias)
    if vendor(alias) == "sqlite":  # kept as written: only spelling is forgiven
        condition = 'price>=0  and "QTY"<=1000'
    else:
        condition = "((price >= (0))) AND (qty <= 1000)"
    add_check(alias, TABLE, "objects13_renamed", condition)
    report = djmigrator.compare(alias, ["objects13"])
    assert rows(report) == []
    assert not [n for n in report[alias].notes if "CHECK" in n]


def test_read_only_session_gets_the_same_answer_postgresql(alias: str, fresh_app) -> None:
    """A hot standby is a session with default_transaction_read_only = on: the
    server still prints both sides' conditions (EXPLAIN creates nothing)."""
    if vendor(alias) != "postgresql":
        pytest.skip("PostgreSQL's read-only session")
    fresh_app("objects13")
    drop_meta_check(alias)
    add_check(alias, TABLE, META_CHECK, "price >= 1 AND qty <= 1000")
    add_check(alias, TABLE, "objects13_respelt", "((price >= (0))) AND (qty <= 1000)")
    owner = rows(djmigrator.compare(alias, ["objects13"]))
    run_sql(alias, "SET default_transaction_read_only = on")
    try:
        read_only = rows(djmigrator.compare(alias, ["objects13"]))
    finally:
        run_sql(alias, "SET default_transaction_read_only = off")
    # the re-spelt one is the models' check; the other is extra
    assert (
        owner
        == read_only
        == [
            ("extra_check", TABLE, None, ("price", "qty"), META_CHECK, "objects13", "Gadget", None),
        ]
    )
