"""unique_mismatch: a unique constraint on the same columns whose
deferrability or NULLS [NOT] DISTINCT differs is reported once, with both
definitions (PostgreSQL: the only vendor where Django creates either)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import django
import pytest
from django.db import connections

import djmigrator

from .conftest import ALIASES, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PG = [a for a in ALIASES if connections[a].vendor == "postgresql"]


@contextmanager
def redefined(alias: str, table: str, name: str, definition: str, original: str) -> Iterator[None]:
    """The unique ``name`` re-made as ``UNIQUE definition``, then as it was."""

    def readd(text: str) -> None:
        run_sql(
            alias,
            f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}", '
            f'ADD CONSTRAINT "{name}" UNIQUE {text}',
        )

    readd(definition)
    try:
        yield
    finally:
        readd(original)


def mismatches(alias: str, label: str) -> list[tuple[str, str, tuple[str, ...], str, str]]:
    report = djmigrator.compare(alias, [label])
    return [
        (d.kind, d.table, d.columns, d.expected or "", d.actual or "") for d in report.discrepancies
    ]


@pytest.mark.parametrize("alias", PG)
def test_deferred_unique_made_immediate(alias: str) -> None:
    with redefined(
        alias,
        "kitchen_allfields",
        "kitchen_url_deferred_uniq",
        "(url)",
        "(url) DEFERRABLE INITIALLY DEFERRED",
    ):
        found = mismatches(alias, "kitchen")
    assert found == [
        (
            "unique_mismatch",
            "kitchen_allfields",
            ("url",),
            "UNIQUE (url) DEFERRABLE INITIALLY DEFERRED",
            "UNIQUE (url)",
        )
    ]


@pytest.mark.parametrize("alias", PG)
def test_initially_immediate_made_initially_deferred(alias: str) -> None:
    with redefined(
        alias,
        "kitchen_allfields",
        "kitchen_url_immediate_uniq",
        "(url_default) DEFERRABLE INITIALLY DEFERRED",
        "(url_default) DEFERRABLE INITIALLY IMMEDIATE",
    ):
        found = mismatches(alias, "kitchen")
    assert found == [
        (
            "unique_mismatch",
            "kitchen_allfields",
            ("url_default",),
            "UNIQUE (url_default) DEFERRABLE",
            "UNIQUE (url_default) DEFERRABLE INITIALLY DEFERRED",
        )
    ]


@pytest.mark.parametrize("alias", PG)
def test_nulls_not_distinct_made_distinct(alias: str) -> None:
    if django.VERSION < (5, 0) or connections[alias].pg_version < 150000:
        pytest.skip("NULLS NOT DISTINCT needs PostgreSQL 15+")
    with redefined(
        alias,
        "kitchen5_nullsnotdistinct",
        "kitchen5_maybe_nd_uniq",
        "(maybe)",
        "NULLS NOT DISTINCT (maybe)",
    ):
        found = mismatches(alias, "kitchen5")
    assert found == [
        (
            "unique_mismatch",
            "kitchen5_nullsnotdistinct",
            ("maybe",),
            "UNIQUE NULLS NOT DISTINCT (maybe)",
            "UNIQUE (maybe)",
        )
    ]
