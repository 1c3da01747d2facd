"""MySQL/MariaDB: the index Django adds to keep a foreign key covered when a
migration removes a unique that began with it is a leftover (a note), not an
extra index; recognised by Django's name for it, and by nothing looser."""

from __future__ import annotations

import pytest
from django.db import connections

import djmigrator

from .conftest import ALIASES, run_sql
from .drift_helpers import rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

MYSQL = [a for a in ALIASES if connections[a].vendor == "mysql"]


def covering_index(alias: str) -> str:
    """The name Django's schema editor gives the index on fkcover_book (author_id)."""
    editor = connections[alias].schema_editor()
    return str(editor._create_index_name("fkcover_book", ["author_id"], suffix=""))


def test_migrated_app_is_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, ["fkcover"])
    assert rows(report) == []
    if connections[alias].vendor == "mysql":
        name = covering_index(alias)
        assert report[alias].notes == (
            f"fkcover_book.{name}: index on (author_id) that Django's schema editor adds to "
            "keep the foreign key author_id covered when a unique that began with it is "
            "removed; a database built from the models has none; not drift",
        )
    else:
        assert report[alias].notes == ()


@pytest.mark.parametrize("mysql", MYSQL)
def test_the_same_index_under_another_name_is_extra(mysql: str) -> None:
    name = covering_index(mysql)
    run_sql(mysql, f"ALTER TABLE fkcover_book RENAME INDEX `{name}` TO `fkcover_book_by_hand`")
    try:
        report = djmigrator.compare(mysql, ["fkcover"])
        assert rows(report) == [
            (
                "extra_index",
                "fkcover_book",
                None,
                ("author_id",),
                "fkcover_book_by_hand",
                "fkcover",
                "Book",
                "author",
            ),
        ]
        assert report[mysql].notes == ()
    finally:
        run_sql(mysql, f"ALTER TABLE fkcover_book RENAME INDEX `fkcover_book_by_hand` TO `{name}`")
