"""Real third-party apps, migrated by their own histories, report in sync.

A long migration history (AlterField after AlterField, unique_together turned
into constraints, index_together renamed into Meta.indexes, expression and
partial indexes, columns made nullable, max_length changed) leaves the
database in a state that differs in names and in DDL order from a fresh
``create_model``: exactly where a comparator's false positives hide.

- django-allauth: account, socialaccount, mfa, usersessions, idp.oidc
  (9 models, 22 migrations; conditional UniqueConstraint, Upper() index).
- django-oauth-toolkit: oauth2_provider (6 models, 22 migrations, 82 AlterField).
- django-taggit: taggit (2 models, 6 migrations; RenameIndex from index_together).
- django-filer: filer, easy_thumbnails (10 models, 21 migrations, one of them
  squashed; multi-table inheritance whose parent link is the primary key).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

import djmigrator

from .conftest import kinds

pytestmark = pytest.mark.django_db(databases="__all__")

THIRD_PARTY = {
    "account": 9,
    "socialaccount": 6,
    "mfa": 3,
    "usersessions": 1,
    "allauth_idp_oidc": 3,
    "oauth2_provider": 22,
    "taggit": 6,
    "filer": 18,
    "easy_thumbnails": 2,
}


@pytest.mark.parametrize("label", sorted(THIRD_PARTY))
def test_app_migrated_by_its_history_is_in_sync(alias: str, label: str) -> None:
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    # the test database really went through the app's whole history
    assert len([key for key in applied if key[0] == label]) >= THIRD_PARTY[label]
    assert list(apps.get_app_config(label).get_models())
    report = djmigrator.compare(alias, [label])
    assert kinds(report) == []


def test_third_party_apps_together_are_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias, sorted(THIRD_PARTY))
    assert kinds(report) == []


def test_whole_project_is_in_sync(alias: str) -> None:
    report = djmigrator.compare(alias)
    assert kinds(report) == []
