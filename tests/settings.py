"""Test settings: SQLite always; PostgreSQL and MySQL/MariaDB when asked for.

``DJM_TEST_DATABASES`` lists the vendors (comma separated, default ``sqlite``);
each server vendor becomes an alias of that name.  Every run uses uniquely named
databases (``DJM_RUN_ID``), which the test runner creates and drops.

Server settings come from the environment, defaulting to this project's
docker-compose services: ``DJM_PG_HOST``/``PORT``/``USER``/``PASSWORD`` and
``DJM_MYSQL_HOST``/``PORT``/``USER``/``PASSWORD``.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from importlib.util import find_spec as _find_spec

from django import VERSION as _django_version

RUN_ID = os.environ.setdefault("DJM_RUN_ID", uuid.uuid4().hex[:10])
_listed = os.environ.get("DJM_TEST_DATABASES", "sqlite").split(",")
VENDORS = [v.strip() for v in _listed if v.strip()]
_unknown = set(VENDORS) - {"sqlite", "postgresql", "mysql"}
if _unknown:
    raise RuntimeError(f"DJM_TEST_DATABASES: unknown vendor(s) {sorted(_unknown)}")

SECRET_KEY = "djmigrator-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_tmp = tempfile.gettempdir()
DATABASES: dict[str, dict[str, object]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(_tmp, f"djm_{RUN_ID}.sqlite3"),
        "TEST": {"NAME": os.path.join(_tmp, f"test_djm_{RUN_ID}.sqlite3")},
    },
}
if "postgresql" in VENDORS:
    DATABASES["postgresql"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"djm_{RUN_ID}",
        "HOST": os.environ.get("DJM_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJM_PG_PORT", "5432"),
        "USER": os.environ.get("DJM_PG_USER", "postgres"),
        "PASSWORD": os.environ.get("DJM_PG_PASSWORD", ""),
        "TEST": {"NAME": f"test_djm_{RUN_ID}"},
    }
if "mysql" in VENDORS:
    DATABASES["mysql"] = {
        "ENGINE": "django.db.backends.mysql",
        "NAME": f"djm_{RUN_ID}",
        "HOST": os.environ.get("DJM_MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJM_MYSQL_PORT", "3306"),
        "USER": os.environ.get("DJM_MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("DJM_MYSQL_PASSWORD", ""),
        "OPTIONS": {"charset": "utf8mb4"},
        "TEST": {"NAME": f"test_djm_{RUN_ID}", "CHARSET": "utf8mb4"},
    }
if os.environ.get("DJM_USE_TEST_NAMES") == "1":
    # a command run by a test as a subprocess: work on that run's test databases
    for _db in DATABASES.values():
        _db["NAME"] = _db["TEST"]["NAME"]  # type: ignore[index]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    # third-party apps with real migration histories (tests/test_in_sync_thirdparty.py)
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.idp.oidc",
    "oauth2_provider",
    "taggit",
    "easy_thumbnails",
    "filer",
    "djmigrator",
    "tests.apps.kitchen",
    "tests.apps.drift",
    "tests.apps.routed",
    "tests.apps.objects13",
    "tests.apps.fts",  # an SQLite FTS5 virtual table under a model, as wagtail's search
    "tests.apps.fkcover",  # a unique that began with an FK, replaced (MySQL's covering index)
]
if "postgresql" in VENDORS:
    INSTALLED_APPS.append("django.contrib.postgres")
    INSTALLED_APPS.append("tests.apps.pgonly")  # PostgreSQL-only fields/indexes
    INSTALLED_APPS.append("tests.apps.pgschema")  # a model in another schema
if _django_version >= (5, 2):
    INSTALLED_APPS.append("tests.apps.kitchen5")  # db_default, GeneratedField, composite pk
    INSTALLED_APPS.append("tests.apps.colkinds")  # defaults, comments, generated, collations
if _django_version >= (6, 1):
    INSTALLED_APPS.append("tests.apps.kitchen61")  # database-level on_delete (DB_CASCADE, ...)
INSTALLED_APPS.append("tests.apps.kitchen_history")  # renames/alterations in migrations
if _find_spec("PIL") is not None:
    INSTALLED_APPS.append("tests.apps.kitchen_image")  # ImageField needs Pillow

SITE_ID = 1
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
ROOT_URLCONF = "tests.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.request",
            ]
        },
    }
]
