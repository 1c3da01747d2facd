"""A SQLAlchemy connection on top of a Django alias's own database connection.

djmigrator never opens a second connection with a second set of credentials:
the SQLAlchemy engine for an alias hands out Django's DBAPI connection for that
alias (in the calling thread), wrapped so that SQLAlchemy can neither close it
nor commit or roll back Django's transaction.  Reflection therefore sees exactly
what Django sees, including uncommitted DDL inside ``atomic()`` blocks and
in-memory SQLite test databases.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.pool import NullPool

from .errors import DjmigratorError

#: Django vendor -> SQLAlchemy dialect URL (driver matches Django's).
_DIALECT_URLS = {
    "sqlite": "sqlite+pysqlite://",
    "postgresql": "postgresql+psycopg://",
    "mysql": "mysql+mysqldb://",
}

_engines: dict[tuple[str, str, int], sa.Engine] = {}
_lock = threading.Lock()


class _BorrowedConnection:
    """Django's DBAPI connection, minus close/commit/rollback.

    SQLAlchemy must not end Django's transaction or close its connection; every
    other attribute is passed through to the driver's connection object.
    """

    __slots__ = ("_djm_alias",)

    def __init__(self, alias: str) -> None:
        object.__setattr__(self, "_djm_alias", alias)

    @property
    def _djm_target(self) -> Any:
        return connections[self._djm_alias].connection

    def close(self) -> None:  # the connection belongs to Django
        pass

    def commit(self) -> None:  # the transaction belongs to Django
        pass

    def rollback(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._djm_target, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._djm_target, name, value)


def _driver_version(vendor: str) -> int:
    if vendor == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return 2
        return 3
    return 0


def get_engine(alias: str) -> sa.Engine:
    """The (cached) SQLAlchemy engine that borrows ``alias``'s connection."""
    dj = connections[alias]
    key = (alias, dj.vendor, id(dj.settings_dict))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _make_engine(alias, dj)
            _engines[key] = engine
    return engine


def _make_engine(alias: str, dj: BaseDatabaseWrapper) -> sa.Engine:
    url = _DIALECT_URLS.get(dj.vendor)
    if url is None:
        raise DjmigratorError(
            f"Database '{alias}' uses the {dj.vendor!r} backend, which djmigrator "
            "does not support; use SQLite, PostgreSQL, MySQL or MariaDB."
        )
    if dj.vendor == "postgresql" and not _uses_psycopg3(dj):
        url = "postgresql+psycopg2://"
    kwargs: dict[str, Any] = {}
    if dj.vendor == "postgresql":
        # psycopg's type lookup insists on its own Connection class; reflection
        # does not need hstore adaptation.
        kwargs["use_native_hstore"] = False
    engine = sa.create_engine(
        url,
        creator=lambda: _BorrowedConnection(alias),
        **kwargs,
        poolclass=NullPool,
        pool_reset_on_return=None,
    )
    from .vendors import get_vendor

    vendor = get_vendor(dj.vendor)
    base = getattr(engine.dialect, "inspector", Inspector)
    engine.dialect.inspector = vendor.inspector_class(base)  # type: ignore[attr-defined]
    vendor.prepare_dialect(engine.dialect)
    return engine


def _uses_psycopg3(dj: BaseDatabaseWrapper) -> bool:
    module = type(dj.connection).__module__ if dj.connection is not None else ""
    return module.startswith("psycopg") and not module.startswith("psycopg2")


@contextmanager
def sa_connection(alias: str) -> Iterator[sa.Connection]:
    """A SQLAlchemy ``Connection`` over Django's connection for ``alias``."""
    ensure_connected(alias)
    engine = get_engine(alias)
    with engine.connect() as conn:
        yield conn


def ensure_connected(alias: str) -> BaseDatabaseWrapper:
    """Open Django's connection for ``alias`` or raise a one-line error."""
    if alias not in connections.settings:
        known = ", ".join(sorted(connections.settings)) or "none"
        raise DjmigratorError(
            f"The database alias '{alias}' is not in DATABASES (known: {known}); "
            "pass one of those to --database."
        )
    dj = connections[alias]
    try:
        dj.ensure_connection()
    except Exception as exc:  # the driver's own error type varies
        raise DjmigratorError(
            f"Cannot connect to database '{alias}' ({describe(dj)}): "
            f"{connect_reason(exc)}. Check that the server is running and that "
            f"DATABASES['{alias}'] is right."
        ) from exc
    return dj


def describe(dj: BaseDatabaseWrapper) -> str:
    """Vendor, host and database name: never the user or the password."""
    s = dj.settings_dict
    if dj.vendor == "sqlite":
        return f"sqlite {s.get('NAME')}"
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"{dj.vendor} at {host}{port}, database {s.get('NAME')!r}"


#: What a driver says when a connection cannot be made -> what we say
#: (the user's name and the password are never repeated).
_CONNECT_REASONS = (
    ("connection refused", "the connection was refused"),
    ("can't connect to", "the connection was refused"),
    ("timeout expired", "the connection timed out"),
    ("timed out", "the connection timed out"),
    ("password authentication failed", "the server rejected the user or password"),
    ("access denied for user", "the server rejected the user or password"),
    ("role ", "the server rejected the user or password"),
    ("no pg_hba.conf entry", "the server does not accept this user from this host"),
    ("failed to resolve host", "the host name is not known"),
    ("unknown server host", "the host name is not known"),
    ("could not translate host name", "the host name is not known"),
    ("unknown database", "the database does not exist"),
    ("does not exist", "the database does not exist"),
)


def connect_reason(exc: BaseException) -> str:
    """Why a connection could not be made, from the driver's error: a known
    reason in our words, else the driver's first line (passwords removed)."""
    driver = exc.__cause__ or exc  # Django re-raises the driver's error as its own
    text = str(driver).lower()
    for needle, reason in _CONNECT_REASONS:
        if needle in text:
            return f"{reason} ({type(driver).__name__})"
    return driver_reason(driver)


def driver_reason(exc: BaseException) -> str:
    """``Class: first line`` of a driver's error, passwords removed."""
    return f"{type(exc).__name__}: {first_line(exc)}"


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message; a configured password that appears
    in it as a whole token (not inside a host name or a number) is replaced."""
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    for settings_dict in connections.settings.values():
        password = settings_dict.get("PASSWORD")
        if password:
            line = redact(line, str(password))
    return line.rstrip(".")


#: What may stand right before or after a password quoted in a message.
_EDGE = r"""\s'"`()\[\]{}<>=:,;"""


def redact(text: str, password: str) -> str:
    """``text`` with every whole-token occurrence of ``password`` as ``***``."""
    pattern = rf"(?:(?<=[{_EDGE}])|^){re.escape(password)}(?=[{_EDGE}]|\.?$|\.\s)"
    return re.sub(pattern, "***", text)
