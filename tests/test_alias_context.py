"""An alias is resolved once (connection, vendor, routing, settings) and the
context passed down: a sync's lock, plan, repair and comparisons never look it
up again (``djmigrator.aliases``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

import djmigrator
from djmigrator import aliases

pytestmark = pytest.mark.django_db(databases="__all__")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = aliases.ensure_connected

    def counted(alias: str) -> Any:
        calls.append(alias)
        return real(alias)

    monkeypatch.setattr(aliases, "ensure_connected", counted)
    return calls


def test_a_sync_resolves_its_alias_once(alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    report = djmigrator.sync(alias, ["drift"], dry_run=True)
    assert report[alias].in_sync
    assert calls == [alias]


def test_a_check_resolves_its_alias_once(alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    assert djmigrator.compare(alias, ["drift"]).in_sync
    assert calls == [alias]


def test_the_context_carries_the_alias_settings(alias: str) -> None:
    setting = {
        "LOCK_TIMEOUT": 5,
        "DATABASES": {alias: {"IGNORE_TABLES": ["legacy_*"], "IGNORE_KINDS": ["extra_index"]}},
    }
    with override_settings(DJMIGRATOR=setting):
        target = aliases.resolve(alias)
    assert target.alias == alias and target.routing == alias and not target.is_mirror
    assert target.vendor.name == target.connection.vendor
    assert target.ignore_tables == ("legacy_*",)
    assert target.ignored_kinds == frozenset({"extra_index"})
    assert target.lock_timeout == 5.0
    assert aliases.resolve(target) is target
