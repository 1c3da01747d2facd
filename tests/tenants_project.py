"""A throwaway django-tenants project (the real django-tenants, from PyPI).

django-tenants needs its own database backend, router and settings, which
cannot share a process with ``tests/settings.py``: like the sync tests
(``synctools``), each test gets a project in a temporary directory with its
own uniquely named PostgreSQL database, runs ``manage.py`` in subprocesses
and drops the database at the end.  Tenants are created through
django-tenants itself (``Client(...).save()`` creates and migrates the
schema, as in a real project).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .synctools import PG, Project

TENANT_SETTINGS = """\
SECRET_KEY = "djmigrator-tenant-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SHARED_APPS = ["django_tenants", "customers", "django.contrib.contenttypes", "djmigrator"]
TENANT_APPS = ["django.contrib.contenttypes", {tenant_apps}]
INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]
TENANT_MODEL = "customers.Client"
TENANT_DOMAIN_MODEL = "customers.Domain"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DATABASES = {{"default": {database!r}}}
DJMIGRATOR = {djmigrator!r}
"""

CUSTOMERS_MODELS = """
from django_tenants.models import DomainMixin, TenantMixin


class Client(TenantMixin):
    name = models.CharField(max_length=100)
    auto_create_schema = True


class Domain(DomainMixin):
    pass
"""

SHOP_MODELS = """
class Item(models.Model):
    name = models.CharField(max_length=50, db_index=True)
    price = models.IntegerField()
    note = models.CharField(max_length=20, null=True)


class Order(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    quantity = models.IntegerField()
"""

#: Run inside the project: create tenants through django-tenants.
CREATE_TENANTS = """\
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
import django
django.setup()
from customers.models import Client, Domain

for name in sys.argv[1:]:
    tenant = Client(schema_name=name, name=name.title())
    tenant.save()  # creates the schema and migrates it (migrate_schemas)
    Domain(domain=f"{name}.example.com", tenant=tenant, is_primary=True).save()
"""


class TenantProject(Project):
    """A django-tenants project: ``customers`` (shared) and ``shop`` (tenant)."""

    def __init__(self, root: Path) -> None:
        self.tenant_apps = ["shop"]
        super().__init__(root, "postgresql")
        (root / "create_tenants.py").write_text(CREATE_TENANTS)

    @property
    def database(self) -> dict[str, Any]:
        return {"ENGINE": "django_tenants.postgresql_backend", "NAME": self.db_name, **PG}

    def _write_settings(self) -> None:
        if not hasattr(self, "tenant_apps"):
            return
        text = TENANT_SETTINGS.format(
            tenant_apps=", ".join(repr(a) for a in self.tenant_apps),
            database=self.database,
            djmigrator=self.djmigrator,
        )
        (self.root / "settings.py").write_text(text)

    def setup(self, *tenants: str) -> None:
        """The apps, their migrations (makemigrations), the public schema, tenants."""
        self.app("customers", CUSTOMERS_MODELS)
        self.app("shop", SHOP_MODELS)
        self._write_settings()
        made = self.manage("makemigrations", "customers", "shop")
        assert made.code == 0, str(made)
        done = self.manage("migrate_schemas", "--shared", "--noinput")
        assert done.code == 0, str(done)
        self.create_tenants(*tenants)

    def create_tenants(self, *names: str) -> None:
        if not names:
            return
        proc = subprocess.run(
            [sys.executable, "create_tenants.py", *names],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr

    def check(self, *args: str) -> tuple[int, dict[str, Any], str]:
        """``smart_makemigrations --check --format json``: (exit, {schema: entry}, stderr)."""
        result = self.manage("smart_makemigrations", "--check", "--format", "json", *args)
        if result.code == 2:
            return result.code, {}, result.err
        data = json.loads(result.out)
        return result.code, {d["schema"]: d for d in data["databases"]}, result.err


def kinds(entry: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(d["kind"], d["table"], tuple(d["columns"])) for d in entry["discrepancies"]]
