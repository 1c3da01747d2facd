"""MySQL/MariaDB types compared without the right to create anything: a user
without ``CREATE TEMPORARY TABLES`` gets the owner's answer, types included
(``vendors/mysql_types``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connections

import djmigrator
from djmigrator.comparison.context import CompareContext
from djmigrator.connection import sa_connection
from djmigrator.vendors import get_vendor, mysql_types

from .conftest import connected_alias, rebuild_app, run_sql
from .drift_helpers import rows

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

MY = "mysql"
PASSWORD = "djm-offline-types"


@pytest.fixture
def my() -> Iterator[str]:
    if MY not in connections:
        pytest.skip("needs MySQL/MariaDB (DJM_TEST_DATABASES)")
    rebuild_app(MY, "drift")
    yield MY
    rebuild_app(MY, "drift")


def _django_types(connection: Any) -> list[str]:
    """Every type text Django writes on this server: each installed model's
    fields, and each entry of the backend's ``data_types``."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.can_migrate(connection):  # PostgreSQL's own apps
            continue
        for field in model._meta.local_fields:
            text = field.db_parameters(connection)["type"]
            if text:
                found.add(text)
    params = {"max_length": 20, "max_digits": 10, "decimal_places": 2}
    for text in connection.data_types.values():
        if text:
            found.add(text % params if "%" in text else text)
    return sorted(found)


def test_every_django_type_reads_as_the_probe_shows_it(my: str) -> None:
    connection = connections[my]
    texts = _django_types(connection)
    assert len(texts) > 20
    with sa_connection(my) as conn:
        vendor = get_vendor(connection.vendor)
        ctx = CompareContext(my, connection, conn, vendor)
        probed = vendor.resolve_types(ctx, [(t, "") for t in texts])
        offline = vendor.resolve_types_without_probe(ctx, [(t, "") for t in texts])
        assert not ctx.notes
        for text in texts:
            expected, got = probed[(text, "")], offline[(text, "")]
            assert expected is not None and got is not None, text
            assert vendor.type_key(ctx, got) == vendor.type_key(ctx, expected), text


@pytest.mark.parametrize(
    ("text", "mariadb", "version", "printed"),
    [
        ("integer", True, (10, 11), "int(11)"),
        ("integer UNSIGNED", True, (10, 11), "int(10) unsigned"),
        ("bigint AUTO_INCREMENT", False, (8, 0, 18), "bigint(20)"),
        ("bigint AUTO_INCREMENT", False, (8, 0, 36), "bigint"),
        ("bool", False, (8, 4), "tinyint(1)"),
        ("smallint UNSIGNED", False, (8, 4), "smallint unsigned"),
        ("json", True, (10, 11), "longtext"),
        ("json", False, (8, 4), "json"),
        ("numeric(10, 2)", True, (10, 11), "decimal(10,2)"),
        ("double precision", True, (10, 11), "double"),
        ("varchar(20) COLLATE utf8mb4_bin", True, (10, 11), "varchar(20)"),
        ("point", True, (10, 11), "point"),
        ("geometry_of_my_own", True, (10, 11), None),
        ("tsvector(3) whatever", True, (10, 11), None),
        ("varchar(None)", True, (10, 11), None),
    ],
)
def test_server_text(
    text: str, mariadb: bool, version: tuple[int, ...], printed: str | None
) -> None:
    assert mysql_types.server_text(text, mariadb=mariadb, version=version) == printed


@pytest.fixture
def no_temp(my: str) -> Iterator[str]:
    """A second connection to the test database as a user that may only read it."""
    user = f"djm_ro_{uuid.uuid4().hex[:8]}"
    db = connections[my].settings_dict["NAME"]
    hosts = ("%", "localhost")
    for host in hosts:
        run_sql(
            my,
            f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{PASSWORD}'",
            f"GRANT SELECT ON `{db}`.* TO '{user}'@'{host}'",
        )
    settings = dict(connections[my].settings_dict)
    settings.update(USER=user, PASSWORD=PASSWORD, TEST={"MIRROR": my})
    try:
        with connected_alias("my_restricted", settings) as alias:
            yield alias
    finally:
        for host in hosts:
            run_sql(my, f"DROP USER '{user}'@'{host}'")


def test_user_without_temporary_tables_gets_the_owners_answer(my: str, no_temp: str) -> None:
    run_sql(my, "ALTER TABLE drift_book MODIFY pages bigint NOT NULL")
    labels = [
        label
        for label in ("drift", "kitchen", "kitchen5", "kitchen61", "colkinds")
        if label in apps.app_configs
    ]
    owner = djmigrator.compare(my, labels)
    assert [(d.kind, d.table, d.column) for d in owner.discrepancies] == [
        ("type_mismatch", "drift_book", "pages")
    ]
    with pytest.raises(DatabaseError):
        run_sql(no_temp, "CREATE TEMPORARY TABLE djm_t (x integer)")
    report = djmigrator.compare(no_temp, labels)
    assert rows(report) == rows(owner)
    assert [(d.expected, d.actual) for d in report.discrepancies] == [
        (d.expected, d.actual) for d in owner.discrepancies
    ]
    assert report[no_temp].notes == owner[my].notes


def test_parse_reads_what_reflection_reads() -> None:
    from sqlalchemy.dialects import mysql

    dialect = mysql.dialect()
    assert repr(mysql_types.parse(dialect, "int(11) unsigned")) == (
        "INTEGER(display_width=11, unsigned=True)"
    )
    assert mysql_types.parse(dialect, "nosuchtype") is None
