"""Types and the column kinds compared without the right to create anything
(PostgreSQL): a session with ``default_transaction_read_only = on`` (what a hot
standby is) and a role without TEMP get the owner's answer, types included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connections

import djmigrator

from .conftest import connected_alias, rebuild_app, run_sql
from .drift_helpers import rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PG = "postgresql"


@pytest.fixture
def pg() -> Iterator[str]:
    """PostgreSQL, with the drift and colkinds tables as ``migrate`` makes them."""
    if PG not in connections:
        pytest.skip("needs PostgreSQL (DJM_TEST_DATABASES)")
    for label in ("drift", "colkinds"):
        rebuild_app(PG, label)
    yield PG
    for label in ("drift", "colkinds"):
        rebuild_app(PG, label)


def _alias_with(options: str, role: str | None = None) -> Iterator[str]:
    """A second connection to the test database, its session set up by ``options``."""
    settings = dict(connections[PG].settings_dict)
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "options": options}
    settings["TEST"] = {"MIRROR": PG}
    with connected_alias("pg_restricted", settings) as alias:
        if role is not None:
            run_sql(alias, f"SET ROLE {role}")
        yield alias


@pytest.fixture
def read_only(pg: str) -> Iterator[str]:
    yield from _alias_with("-c default_transaction_read_only=on")


@pytest.fixture
def no_temp(pg: str) -> Iterator[str]:
    """A role that may read the tables but not create a temporary table."""
    role = f"djm_notemp_{uuid.uuid4().hex[:10]}"
    db = connections[PG].settings_dict["NAME"]
    run_sql(
        PG,
        f"CREATE ROLE {role} NOLOGIN",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        f'REVOKE TEMPORARY ON DATABASE "{db}" FROM PUBLIC',
    )
    try:
        yield from _alias_with("", role=role)
    finally:
        run_sql(
            PG,
            f'GRANT TEMPORARY ON DATABASE "{db}" TO PUBLIC',
            f"DROP OWNED BY {role}",
            f"DROP ROLE {role}",
        )


def _drift(alias: str) -> None:
    run_sql(
        alias,
        'ALTER TABLE drift_book ALTER COLUMN "pages" TYPE bigint',
        "ALTER TABLE colkinds_priced ALTER COLUMN \"label\" SET DEFAULT 'y'",
        'ALTER TABLE colkinds_priced ALTER COLUMN "code" TYPE varchar(20) COLLATE "C"',
    )


EXPECTED = [
    (
        "collation_mismatch",
        "colkinds_priced",
        "code",
        ("code",),
        None,
        "colkinds",
        "Priced",
        "code",
    ),
    (
        "default_mismatch",
        "colkinds_priced",
        "label",
        ("label",),
        None,
        "colkinds",
        "Priced",
        "label",
    ),
    ("type_mismatch", "drift_book", "pages", ("pages",), None, "drift", "Book", "pages"),
]


@pytest.mark.parametrize("session", ["read_only", "no_temp"])
def test_restricted_session_gets_the_owners_answer(
    pg: str, session: str, request: pytest.FixtureRequest
) -> None:
    _drift(pg)
    owner = djmigrator.compare(pg, ["drift", "colkinds"])
    assert rows(owner) == EXPECTED
    alias = request.getfixturevalue(session)
    if session == "no_temp":  # the probe table is refused here
        with pytest.raises(DatabaseError):
            run_sql(alias, "CREATE TEMPORARY TABLE djm_t (x integer)")
    report = djmigrator.compare(alias, ["drift", "colkinds"])
    assert rows(report) == EXPECTED
    assert [(d.expected, d.actual) for d in report.discrepancies] == [
        (d.expected, d.actual) for d in owner.discrepancies
    ]
    assert not [n for n in report[alias].notes if "not compared" in n]
