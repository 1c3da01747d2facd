"""Zero false positives: what Django's own ``migrate`` created is in sync.

The kitchen apps (``tests/apps/kitchen*``, ``tests/apps/pgonly``) use every
built-in field class and schema option; the test databases are created by
``migrate``.  Variants Django itself does not create on a vendor are listed in
each app's models module; Django skips them there, and so must djmigrator.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connections

import djmigrator

from .conftest import kinds

# Read-only tests: each runs inside a transaction on every alias (djmigrator
# borrows Django's connection, so it sees exactly what the test sees), which
# spares a flush of three databases after every test.
pytestmark = pytest.mark.django_db(databases="__all__")

KITCHEN_APPS = [
    label
    for label in ("kitchen", "kitchen5", "kitchen_image", "pgonly")
    if label in apps.app_configs
]
CONTRIB_APPS = [
    label
    for label in (
        "auth",
        "contenttypes",
        "sessions",
        "admin",
        "sites",
        "flatpages",
        "redirects",
        "postgres",
    )
    if label in apps.app_configs
]

#: The only notes a freshly migrated database may carry: Django's named leftovers.
LEFTOVER_NOTE = re.compile(r"Django ticket #32674|serial column|char\(32\) UUID")


def table_names(alias: str) -> set[str]:
    return set(connections[alias].introspection.table_names())


def test_whole_project_is_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias)
    assert kinds(report) == []
    assert report.in_sync


@pytest.mark.parametrize("label", KITCHEN_APPS)
def test_each_kitchen_app_is_in_sync(alias: str, label: str) -> None:
    report = djmigrator.compare(alias, [label])
    assert kinds(report) == []
    assert report[alias].notes == ()


def test_kitchen_apps_together_are_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, KITCHEN_APPS)
    assert kinds(report) == []


def test_contrib_apps_are_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, CONTRIB_APPS)
    assert kinds(report) == []


def test_all_aliases_at_once_are_in_sync() -> None:
    report = djmigrator.compare(all_databases=True)
    assert [db.alias for db in report.databases] == list(connections.settings)
    assert kinds(report) == []


def test_kitchen_tables_exist_as_migrate_made_them(alias: str) -> None:
    """The comparison above is about real tables: the ones the vendor can hold exist,
    the vendor-specific, unmanaged and proxy ones do not."""
    vendor = connections[alias].vendor
    tables = table_names(alias)
    for table in (
        "kitchen_allfields",
        "kitchen_custom_category",
        "kitchen_item_tags",
        "kitchen_item_tag_custom",
        "kitchen_item_related",
        "kitchen_group_role",
        "kitchen_receipt_table",
        "kitchen_pizzeria",
    ):
        assert table in tables
    for other in ("sqlite", "postgresql", "mysql"):
        table = f"kitchen_collated{'postgres' if other == 'postgresql' else other}"
        assert (table in tables) == (other == vendor)
    assert "kitchen_legacy_view" not in tables
    assert "kitchen_legacy_view_tags" not in tables
    assert "kitchen_proxyitem" not in tables
    assert ("pgonly_pgfields" in tables) == (vendor == "postgresql")
    if "kitchen5" in apps.app_configs:
        assert "kitchen5_orderline" in tables
        assert ("kitchen5_virtualgenerated" in tables) == (vendor != "postgresql")


def test_check_command_prints_one_line_and_exits_zero(alias: str) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "smart_makemigrations", "--check", database=[alias], stdout=out, stderr=err, verbosity=1
    )
    vendor = connections[alias].vendor
    assert out.getvalue().splitlines() == [f"No schema drift on '{alias}' ({vendor})."]
    assert err.getvalue() == ""


def test_check_command_on_kitchen_apps_exits_zero(alias: str) -> None:
    out = StringIO()
    call_command("smart_makemigrations", *KITCHEN_APPS, "--check", database=[alias], stdout=out)
    assert len(out.getvalue().splitlines()) == 1


def test_notes_name_only_djangos_leftovers(alias: str) -> None:
    """Verbosity 2 lists notes; on a migrated database they can only be the named
    leftovers (a note never stands in for a difference)."""
    report = djmigrator.compare(alias)
    assert [n for n in report[alias].notes if not LEFTOVER_NOTE.search(n)] == []
    out = StringIO()
    call_command("smart_makemigrations", "--check", database=[alias], stdout=out, verbosity=2)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"No schema drift on '{alias}' ({connections[alias].vendor})."
    assert all(line.startswith("  note: ") for line in lines[1:])
    assert [line for line in lines[1:] if not LEFTOVER_NOTE.search(line)] == []
