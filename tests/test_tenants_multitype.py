"""django-tenants with several types of tenant (``HAS_MULTI_TYPE_TENANTS``):
each tenant's schema is compared with the apps of its own type, and two
tenants of different types never share a comparison, whatever their
catalogs.  The real django-tenants, tenants created through it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from .synctools import _DROPS, VENDORS, dropped_databases_fixture  # noqa: F401
from .tenants_project import SHOP_MODELS, TenantProject, kinds

pytestmark = pytest.mark.skipif("postgresql" not in VENDORS, reason="PostgreSQL not listed")

MULTI_TYPE_SETTINGS = """\
SECRET_KEY = "djmigrator-tenant-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
HAS_MULTI_TYPE_TENANTS = True
MULTI_TYPE_DATABASE_FIELD = "type"
TENANT_TYPES = {{
    "public": {{"APPS": ["django_tenants", "customers", "django.contrib.contenttypes",
                        "djmigrator"]}},
    "shop": {{"APPS": ["django.contrib.contenttypes", "shop"]}},
    "blog": {{"APPS": ["django.contrib.contenttypes", "blog"]}},
}}
INSTALLED_APPS = ["django_tenants", "customers", "django.contrib.contenttypes", "djmigrator",
                  "shop", "blog"]
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
    type = models.CharField(max_length=10, default="shop")
    auto_create_schema = True


class Domain(DomainMixin):
    pass
"""

BLOG_MODELS = """
class Post(models.Model):
    title = models.CharField(max_length=50)
"""

#: name:type ... -> tenants created (and migrated) through django-tenants
CREATE_TENANTS = """\
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
import django
django.setup()
from customers.models import Client, Domain

for spec in sys.argv[1:]:
    name, kind = spec.split(":")
    tenant = Client(schema_name=name, name=name.title(), type=kind)
    tenant.save()
    Domain(domain=f"{name}.example.com", tenant=tenant, is_primary=True).save()
"""


class MultiTypeProject(TenantProject):
    def _write_settings(self) -> None:
        if not hasattr(self, "tenant_apps"):
            return
        text = MULTI_TYPE_SETTINGS.format(database=self.database, djmigrator=self.djmigrator)
        (self.root / "settings.py").write_text(text)

    def setup(self, *tenants: str) -> None:
        self.app("customers", CUSTOMERS_MODELS)
        self.app("shop", SHOP_MODELS)
        self.app("blog", BLOG_MODELS)
        self._write_settings()
        made = self.manage("makemigrations", "customers", "shop", "blog")
        assert made.code == 0, str(made)
        done = self.manage("migrate_schemas", "--shared", "--noinput")
        assert done.code == 0, str(done)
        (self.root / "create_typed_tenants.py").write_text(CREATE_TENANTS)
        proc = subprocess.run(
            [sys.executable, "create_typed_tenants.py", *tenants],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr


@pytest.fixture
def fleet(tmp_path: Path, dropped_databases: list[Future[None]]) -> Iterator[MultiTypeProject]:
    proj = MultiTypeProject(tmp_path / "proj")
    proj.create_database()
    try:
        proj.setup("acme:shop", "globex:shop", "news:blog")
        yield proj
    finally:
        proj.close()
        dropped_databases.append(_DROPS.submit(proj.drop_database))


def test_each_tenant_is_compared_with_its_types_apps(fleet: MultiTypeProject) -> None:
    code, found, err = fleet.check()
    assert code == 0, (found, err)
    assert list(found) == ["public", "acme", "globex", "news"]
    tables = fleet.rows(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_name IN ('shop_item', 'blog_post') ORDER BY 1, 2"
    )
    assert tables == [("acme", "shop_item"), ("globex", "shop_item"), ("news", "blog_post")]

    fleet.execute(
        "ALTER TABLE globex.shop_item DROP COLUMN note",
        "ALTER TABLE news.blog_post ADD COLUMN teaser varchar(10) NULL",
    )
    code, found, _ = fleet.check()
    assert code == 1
    assert {s: kinds(e) for s, e in found.items()} == {
        "public": [],
        "acme": [],
        "globex": [("missing_column", "shop_item", ("note",))],
        "news": [("extra_column", "blog_post", ("teaser",))],
    }


def test_a_blog_tenant_holding_a_shops_tables_is_compared_as_a_blog(
    fleet: MultiTypeProject,
) -> None:
    """Its type decides its apps, not what its schema holds: the shop's tables
    are extra there, and the blog's missing."""
    fleet.execute(
        "DROP TABLE news.blog_post",
        "CREATE TABLE news.shop_item (LIKE acme.shop_item INCLUDING ALL)",
        "CREATE TABLE news.shop_order (LIKE acme.shop_order INCLUDING ALL)",
    )
    code, found, _ = fleet.check("--schema", "news", "--schema", "acme")
    assert code == 1
    assert kinds(found["acme"]) == []
    assert kinds(found["news"]) == [
        ("missing_table", "blog_post", ()),
        ("extra_table", "shop_item", ()),
        ("extra_table", "shop_order", ()),
    ]
