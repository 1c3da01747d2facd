"""django-tenants: shared apps against the public schema, tenant apps against
every tenant's schema, with real tenants created through django-tenants.

These run in a throwaway project (``tenants_project``): django-tenants' own
backend and router cannot share the test session's settings.  PostgreSQL
listed and unreachable fails them (the database cannot be created).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from .synctools import _DROPS, VENDORS, dropped_databases_fixture  # noqa: F401
from .tenants_project import SHOP_MODELS, TenantProject, kinds

pytestmark = pytest.mark.skipif("postgresql" not in VENDORS, reason="PostgreSQL not listed")


@pytest.fixture
def tenants(tmp_path: Path, dropped_databases: list[Future[None]]) -> Iterator[TenantProject]:
    proj = TenantProject(tmp_path / "proj")
    proj.create_database()
    try:
        proj.setup("acme", "globex", "initech")
        yield proj
    finally:
        proj.close()
        dropped_databases.append(_DROPS.submit(proj.drop_database))


def test_fleet_in_sync_then_drift_in_one_tenant(tenants: TenantProject) -> None:
    code, found, err = tenants.check()
    assert code == 0, (found, err)
    assert list(found) == ["public", "acme", "globex", "initech"]
    tables = {
        s: tenants.rows(
            f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{s}'"
        )
        for s in found
    }
    assert ("shop_item",) in tables["acme"] and ("shop_item",) not in tables["public"]
    assert ("customers_client",) in tables["public"]

    tenants.execute(
        "ALTER TABLE globex.shop_item DROP COLUMN note",
        "ALTER TABLE initech.shop_order ADD COLUMN coupon varchar(10) NULL",
        "ALTER TABLE public.customers_client ADD COLUMN plan varchar(10) NULL",
    )
    code, found, _ = tenants.check()
    assert code == 1
    assert {s: kinds(e) for s, e in found.items()} == {
        "public": [("extra_column", "customers_client", ("plan",))],
        "acme": [],
        "globex": [("missing_column", "shop_item", ("note",))],
        "initech": [("extra_column", "shop_order", ("coupon",))],
    }

    # --schema narrows the tenants
    code, found, _ = tenants.check("--schema", "acme", "--schema", "glob*")
    assert code == 1
    assert {s: kinds(e) for s, e in found.items()} == {
        "acme": [],
        "globex": [("missing_column", "shop_item", ("note",))],
    }
    code, found, err = tenants.check("--schema", "nosuchtenant")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "nosuchtenant" in err


def test_text_summary(tenants: TenantProject) -> None:
    tenants.execute("ALTER TABLE acme.shop_item DROP COLUMN price")
    result = tenants.manage("smart_makemigrations", "--check")
    assert result.code == 1, str(result)
    lines = result.out.splitlines()
    assert lines[0] == "3 schemas in sync, 1 with drift: acme"
    assert lines[1] == "Schema drift on 'default' (postgresql), schema acme: 1 difference"
    quiet = tenants.manage("smart_makemigrations", "--check", "-v", "0")
    assert (quiet.code, quiet.out) == (1, "")


def history(proj: TenantProject, schema: str) -> list[str]:
    return [
        r[0]
        for r in proj.rows(
            f"SELECT name FROM {schema}.django_migrations WHERE app = 'shop' ORDER BY id"
        )
    ]


def columns(proj: TenantProject, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in proj.rows(
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_schema = '{schema}' AND table_name = '{table}' ORDER BY ordinal_position"
        )
    ]


def test_sync_per_schema(tenants: TenantProject) -> None:
    tenants.models(
        "shop",
        SHOP_MODELS.replace(
            "    note = models.CharField(max_length=20, null=True)\n",
            "    note = models.CharField(max_length=20, null=True)\n"
            "    color = models.CharField(max_length=10, null=True)\n",
        ),
    )
    # globex got the column by hand already: its migration is faked there
    tenants.execute("ALTER TABLE globex.shop_item ADD COLUMN color varchar(10) NULL")
    synced = tenants.sync()
    assert synced.code == 0, str(synced)
    entries = {d["schema"]: d for d in json.loads(synced.out)["databases"]}
    assert list(entries) == ["public", "acme", "globex", "initech"]
    done = {
        s: [(a["action"], a["migration"]) for a in e["actions"] if a["app_label"] == "shop"]
        for s, e in entries.items()
    }
    assert done["public"][0] == ("makemigrations", "0002_item_color")
    assert done["acme"] == [("apply", "0002_item_color")]
    assert done["globex"] == [("fake", "0002_item_color")]
    assert done["initech"] == [("apply", "0002_item_color")]
    for schema in ("acme", "globex", "initech"):
        assert history(tenants, schema) == ["0001_initial", "0002_item_color"], schema
        assert "color" in columns(tenants, schema, "shop_item"), schema
    assert columns(tenants, "public", "shop_item") == []  # never touched

    # a sync of one tenant only (a run that stops half-way) ...
    tenants.models(
        "shop",
        SHOP_MODELS.replace(
            "    note = models.CharField(max_length=20, null=True)\n",
            "    note = models.CharField(max_length=20, null=True)\n"
            "    color = models.CharField(max_length=10, null=True)\n"
            "    size = models.IntegerField(null=True)\n",
        ),
    )
    part = tenants.sync("--schema", "acme")
    assert part.code == 0, str(part)
    assert [d["schema"] for d in json.loads(part.out)["databases"]] == ["acme"]
    assert history(tenants, "acme")[-1] == "0003_item_size"
    assert history(tenants, "globex")[-1] == "0002_item_color"
    code, found, _ = tenants.check()
    assert code == 1
    assert {s: kinds(e) for s, e in found.items()} == {
        "public": [],
        "acme": [],
        "globex": [("missing_column", "shop_item", ("size",))],
        "initech": [("missing_column", "shop_item", ("size",))],
    }
    # ... is finished by the next
    rest = tenants.sync()
    assert rest.code == 0, str(rest)
    entries = {d["schema"]: d for d in json.loads(rest.out)["databases"]}
    assert [a["migration"] for a in entries["acme"]["actions"]] == []
    assert [(a["action"], a["migration"]) for a in entries["globex"]["actions"]] == [
        ("apply", "0003_item_size")
    ]
    assert tenants.check()[0] == 0


def test_a_tenant_that_lost_its_history_is_adopted(tenants: TenantProject) -> None:
    """One tenant's django_migrations dropped: its migrations are faked there
    (contenttypes' 0002 included: its RunPython runs only backwards), and the
    other schemas have nothing to do."""
    before = history(tenants, "globex")
    tenants.execute("DROP TABLE globex.django_migrations")
    synced = tenants.sync()
    assert synced.code == 0, str(synced)
    entries = {d["schema"]: d for d in json.loads(synced.out)["databases"]}
    done = {s: [(a["action"], a["app_label"]) for a in e["actions"]] for s, e in entries.items()}
    assert done["acme"] == [] and done["initech"] == [] and done["public"] == []
    assert ("fake", "shop") in done["globex"] and ("fake", "contenttypes") in done["globex"]
    assert {verb for verb, _ in done["globex"]} <= {"fake", "apply"}
    assert history(tenants, "globex") == before
    code, found, err = tenants.check()
    assert code == 0, (found, err)
