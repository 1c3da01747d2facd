"""System checks: djmigrator.W001 (drift), W002 (alias not comparable), E001 (bad setting)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import django
import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

import djmigrator
from djmigrator.checks import _migrations_pending

from .conftest import qn, run_sql

#: every test but the unreachable-alias one (which must not run inside a test
#: case: Django's TransactionTestCase forbids connecting to an alias it does not
#: know, and the check would warn for that reason instead).
db = pytest.mark.django_db(databases="__all__", transaction=True)


def ours(messages: list[checks.CheckMessage]) -> list[tuple[str, str]]:
    return [(m.id or "", m.msg) for m in messages if (m.id or "").startswith("djmigrator.")]


def database_checks(alias: str, app_labels: list[str] | None = None) -> list[tuple[str, str]]:
    from django.apps import apps

    configs = [apps.get_app_config(label) for label in app_labels] if app_labels else None
    return ours(checks.run_checks(app_configs=configs, databases=[alias], tags=["database"]))


def _add_nick(alias: str) -> None:
    run_sql(
        alias,
        f"ALTER TABLE {qn(alias, 'drift_author')} ADD COLUMN {qn(alias, 'nick')} varchar(10) NULL",
    )


# -- W001 --------------------------------------------------------------------


@db
def test_silent_when_in_sync(alias: str) -> None:
    assert database_checks(alias) == []


@db
def test_warns_on_drift(alias: str, fresh_app: Callable[[str], None]) -> None:
    fresh_app("drift")
    _add_nick(alias)
    (drift,) = djmigrator.compare(alias).discrepancies
    assert (drift.kind, drift.table, drift.column) == ("extra_column", "drift_author", "nick")
    assert database_checks(alias) == [
        ("djmigrator.W001", f"Schema drift on database '{alias}': {drift.message}")
    ]


@db
def test_warning_names_the_model_and_how_to_see_more(
    alias: str, fresh_app: Callable[[str], None]
) -> None:
    fresh_app("drift")
    _add_nick(alias)
    (warning,) = [
        m
        for m in checks.run_checks(databases=[alias], tags=["database"])
        if m.id == "djmigrator.W001"
    ]
    from tests.apps.drift.models import Author

    assert warning.obj is Author
    assert f"--database {alias}" in (warning.hint or "")


@db
def test_not_run_without_databases(alias: str, fresh_app: Callable[[str], None]) -> None:
    """``check`` without ``--database`` does not touch any database (Django's rule)."""
    fresh_app("drift")
    _add_nick(alias)
    assert ours(checks.run_checks()) == []
    if django.VERSION < (6, 1):
        assert ours(checks.run_checks(tags=["database"])) == []


@db
def test_tag_database_compares_every_alias_on_django_61(
    alias: str, fresh_app: Callable[[str], None]
) -> None:
    """Django 6.1: ``check --tag database`` runs the database checks on every alias
    (``CheckRegistry.run_checks`` defaults ``databases`` to all of them)."""
    if django.VERSION < (6, 1):
        pytest.skip("Django < 6.1 runs database checks only on the aliases named")
    fresh_app("drift")
    _add_nick(alias)
    found = checks.run_checks(tags=["database"])
    pending = {a: _migrations_pending(a) for a in connections}  # then the check is silent
    assert f"database '{alias}'" in " ".join(m.msg for m in found if m.id == "djmigrator.W001"), (
        [(m.id, m.msg) for m in found],
        pending,
    )


@db
def test_limited_to_the_apps_check_names(alias: str, fresh_app: Callable[[str], None]) -> None:
    fresh_app("drift")
    _add_nick(alias)
    assert database_checks(alias, ["kitchen"]) == []
    assert [i for i, _ in database_checks(alias, ["drift"])] == ["djmigrator.W001"]


@db
def test_only_the_aliases_named(alias: str, fresh_app: Callable[[str], None]) -> None:
    from django.conf import settings

    others = [a for a in settings.DATABASES if a != alias]
    if not others:
        pytest.skip("needs a second alias (DJM_TEST_DATABASES)")
    fresh_app("drift")
    _add_nick(alias)
    found = ours(checks.run_checks(databases=others, tags=["database"]))
    assert found == []


@db
def test_check_command_prints_the_warning(alias: str, fresh_app: Callable[[str], None]) -> None:
    fresh_app("drift")
    _add_nick(alias)
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "drift", databases=[alias], stdout=out, stderr=err)
    text = out.getvalue() + err.getvalue()
    assert "drift.Author: (djmigrator.W001) Schema drift on database" in text
    assert "drift_author.nick" in text


# -- W002 --------------------------------------------------------------------


def test_unreachable_alias_is_a_warning_not_a_crash(django_db_blocker: Any) -> None:
    from django.db import connections

    bad = dict(connections.settings["default"])
    bad.update(
        ENGINE="django.db.backends.postgresql",
        NAME="djm_nowhere",
        HOST="127.0.0.1",
        PORT="1",
        USER="nobody",
        PASSWORD="",
        OPTIONS={"connect_timeout": 2},
    )
    connections.settings["unreachable"] = bad
    try:
        with django_db_blocker.unblock():
            found = ours(checks.run_checks(databases=["unreachable"], tags=["database"]))
    finally:
        connections["unreachable"].close()
        del connections["unreachable"]
        del connections.settings["unreachable"]
    assert [i for i, _ in found] == ["djmigrator.W002"]
    assert "'unreachable'" in found[0][1]


# -- E001 --------------------------------------------------------------------


def settings_errors(value: Any) -> list[str]:
    with override_settings(DJMIGRATOR=value):
        found = ours(checks.run_checks())
    assert {i for i, _ in found} <= {"djmigrator.E001"}
    return [msg for _, msg in found]


def test_valid_settings_are_silent() -> None:
    assert (
        settings_errors(
            {
                "IGNORE_TABLES": ["legacy_*"],
                "IGNORE_KINDS": ["extra_index"],
                "LOCK_TIMEOUT": 5,
                "WORKERS": 2,
                "DATABASES": {
                    "default": {"IGNORE_TABLES": [], "IGNORE_KINDS": ["extra_table"], "WORKERS": 1}
                },
            }
        )
        == []
    )
    assert settings_errors({}) == []
    assert settings_errors(None) == []
    assert settings_errors({"WORKERS": None}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["IGNORE_TABLES"], "DJMIGRATOR must be a dict, not list."),
        (
            {"IGNORE_TABLE": ["x"]},
            "DJMIGRATOR has unknown keys: IGNORE_TABLE "
            "(known: IGNORE_TABLES, IGNORE_KINDS, DATABASES, LOCK_TIMEOUT, WORKERS).",
        ),
        (
            {"IGNORE_TABLES": "legacy_*"},
            "DJMIGRATOR['IGNORE_TABLES'] must be a list of strings, not 'legacy_*'.",
        ),
        (
            {"IGNORE_KINDS": "extra_index"},
            "DJMIGRATOR['IGNORE_KINDS'] must be a list of strings, not 'extra_index'.",
        ),
        (
            {"IGNORE_KINDS": ["extra_indexes"]},
            "DJMIGRATOR['IGNORE_KINDS'] names unknown kinds: extra_indexes (known: ",
        ),
        (
            {"LOCK_TIMEOUT": "60"},
            "DJMIGRATOR['LOCK_TIMEOUT'] must be a number of seconds >= 0, not '60'.",
        ),
        (
            {"WORKERS": 0},
            "DJMIGRATOR['WORKERS'] must be None (as many as the CPUs allow) or a number "
            "of processes >= 1, not 0.",
        ),
        (
            {"DATABASES": {"default": {"WORKERS": True}}},
            "DJMIGRATOR['DATABASES']['default']['WORKERS'] must be None (as many as the CPUs "
            "allow) or a number of processes >= 1, not True.",
        ),
        (
            {"DATABASES": ["default"]},
            "DJMIGRATOR['DATABASES'] must be a dict of alias -> settings, not list.",
        ),
        (
            {"DATABASES": {"defualt": {}}},
            "DJMIGRATOR['DATABASES']['defualt'] names a database alias that is not in DATABASES",
        ),
        (
            {"DATABASES": {"default": {"DATABASES": {}}}},
            "DJMIGRATOR['DATABASES']['default'] has unknown keys: DATABASES "
            "(known: IGNORE_TABLES, IGNORE_KINDS, LOCK_TIMEOUT, WORKERS).",
        ),
        (
            {"DATABASES": {"default": {"IGNORE_KINDS": ["nope"]}}},
            "DJMIGRATOR['DATABASES']['default']['IGNORE_KINDS'] names unknown kinds: nope",
        ),
        (
            {"DATABASES": {"default": "legacy_*"}},
            "DJMIGRATOR['DATABASES']['default'] must be a dict, not str.",
        ),
    ],
)
def test_malformed_settings_are_errors(value: Any, expected: str) -> None:
    (message,) = settings_errors(value)
    assert message.startswith(expected)


def test_every_problem_is_listed() -> None:
    found = settings_errors({"IGNORE_KINDS": ["nope"], "LOCK_TIMEOUT": -1, "EXTRA": 1})
    assert len(found) == 3


@db
def test_malformed_settings_stop_the_comparison(alias: str) -> None:
    """The command skips system checks: the library refuses a half-understood setting."""
    from djmigrator.errors import DjmigratorError

    with override_settings(DJMIGRATOR={"IGNORE_TABLES": "drift_*"}):
        with pytest.raises(DjmigratorError, match=r"DJMIGRATOR setting is malformed"):
            djmigrator.compare(alias, ["drift"])
        found = database_checks(alias, ["drift"])
    assert [i for i, _ in found] == ["djmigrator.W002"]
