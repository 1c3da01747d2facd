"""Django's own leftovers are notes, named exactly, never discrepancies."""

from __future__ import annotations

import pytest
from django.db import connections

import djmigrator

from .conftest import ALIASES, kinds, rebuild_app, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PG = [a for a in ALIASES if connections[a].vendor == "postgresql"]


@pytest.mark.parametrize("pg", PG)
def test_pre_41_serial_primary_key_is_a_note(pg: str) -> None:
    """A Django < 4.1 ``serial`` id: same type, a sequence default instead of identity."""
    rebuild_app(pg, "drift")
    try:
        run_sql(
            pg,
            "ALTER TABLE drift_author ALTER COLUMN id DROP IDENTITY",
            "CREATE SEQUENCE drift_author_id_seq OWNED BY drift_author.id",
            "ALTER TABLE drift_author ALTER COLUMN id SET DEFAULT nextval('drift_author_id_seq')",
        )
        report = djmigrator.compare(pg, ["drift"])
        assert kinds(report) == []
        assert report[pg].notes == (
            "drift_author.id: serial column from before Django 4.1 "
            "(Django now creates identity columns); not drift",
        )
    finally:
        rebuild_app(pg, "drift")


@pytest.mark.parametrize("pg", PG)
def test_identity_primary_keys_carry_no_note(pg: str) -> None:
    report = djmigrator.compare(pg, ["drift"])
    assert report[pg].notes == ()
