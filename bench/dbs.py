"""The benchmark's cached databases: create, reset, drop (bench/run.py).

Per size N and vendor there are two databases, both kept between runs:

* the *migrated* one (``djm_bench_<N>``; SQLite ``bench/.cache/<N>/db.sqlite3``),
  built once by ``migrate``, on which the checks are timed;
* the *adopted legacy* copy (``djm_bench_<N>_legacy``; SQLite
  ``legacy.sqlite3``): the same tables with ``django_migrations`` emptied, as
  in a project that adopts migrations.  The sync and ``migrate --fake-initial``
  each record the migrations; emptying ``django_migrations`` again restores it.

A ``.db-<vendor>`` stamp in the project directory records that the databases
were built from this generated project; without it they are rebuilt.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generate import CACHE_DIR, GENERATOR_VERSION, PYTHON, project_env

VENDORS = ("sqlite", "postgresql", "mysql")
_BENCH_NAME = re.compile(r"^djm_bench_\d+(_legacy)?$")


def db_name(n: int, vendor: str, legacy: bool = False) -> str:
    if vendor == "sqlite":
        return str(CACHE_DIR / str(n) / ("legacy.sqlite3" if legacy else "db.sqlite3"))
    return f"djm_bench_{n}" + ("_legacy" if legacy else "")


@contextmanager
def admin(vendor: str, database: str | None = None) -> Iterator[Any]:
    """An autocommit connection to the server (to ``database``, or to none)."""
    if vendor == "postgresql":
        import psycopg

        conn: Any = psycopg.connect(
            host=os.environ.get("DJM_PG_HOST", "127.0.0.1"),
            port=int(os.environ.get("DJM_PG_PORT", "5432")),
            user=os.environ.get("DJM_PG_USER", "postgres"),
            password=os.environ.get("DJM_PG_PASSWORD", ""),
            dbname=database or "postgres",
            autocommit=True,
        )
    elif vendor == "mysql":
        import MySQLdb  # type: ignore[import-untyped]

        conn = MySQLdb.connect(
            host=os.environ.get("DJM_MYSQL_HOST", "127.0.0.1"),
            port=int(os.environ.get("DJM_MYSQL_PORT", "3306")),
            user=os.environ.get("DJM_MYSQL_USER", "root"),
            password=os.environ.get("DJM_MYSQL_PASSWORD", ""),
            charset="utf8mb4",
            **({"database": database} if database else {}),
        )
        conn.autocommit(True)
    else:
        raise ValueError(vendor)
    try:
        yield conn
    finally:
        conn.close()


def exists(vendor: str, name: str) -> bool:
    if vendor == "sqlite":
        return Path(name).is_file()
    with admin(vendor) as conn:
        cur = conn.cursor()
        if vendor == "postgresql":
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        else:
            cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cur.fetchone() is not None


def drop(vendor: str, name: str) -> None:
    if vendor == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm", ".djmigrator.lock"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    assert _BENCH_NAME.match(name), name
    with admin(vendor) as conn:
        cur = conn.cursor()
        if vendor == "postgresql":
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def create(vendor: str, name: str, template: str | None = None) -> None:
    assert _BENCH_NAME.match(name), name
    with admin(vendor) as conn:
        cur = conn.cursor()
        if vendor == "postgresql":
            clause = f' TEMPLATE "{template}"' if template else ""
            cur.execute(f'CREATE DATABASE "{name}"{clause}')
        else:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")


def bench_databases(vendor: str) -> list[str]:
    """Every cached benchmark database on the server (never anything else)."""
    with admin(vendor) as conn:
        cur = conn.cursor()
        if vendor == "postgresql":
            cur.execute("SELECT datname FROM pg_database")
        else:
            cur.execute("SELECT schema_name FROM information_schema.schemata")
        return sorted(r[0] for r in cur.fetchall() if _BENCH_NAME.match(r[0]))


def clean(vendors: list[str]) -> list[str]:
    """Drop every cached benchmark database and SQLite file; return what went."""
    dropped: list[str] = []
    for vendor in vendors:
        if vendor == "sqlite":
            for path in sorted(CACHE_DIR.glob("*/*.sqlite3")):
                drop("sqlite", str(path))
                dropped.append(str(path))
        else:
            for name in bench_databases(vendor):
                drop(vendor, name)
                dropped.append(f"{vendor}:{name}")
        for stamp in CACHE_DIR.glob(f"*/.db-{vendor}*"):
            stamp.unlink()
    return dropped


def empty_migrations(vendor: str, name: str) -> None:
    """Make ``name`` an adopted legacy database: no migration recorded."""
    if vendor == "sqlite":
        conn = sqlite3.connect(name)
        try:
            with conn:
                conn.execute("DELETE FROM django_migrations")
        finally:
            conn.close()
        return
    with admin(vendor, name) as conn:
        conn.cursor().execute("DELETE FROM django_migrations")


def migrate(project: Path, vendor: str, name: str, timeout: float) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=project,
        env=project_env(project, vendor, name, plain=True),
        check=True,
        timeout=timeout,
    )


def ensure(
    project: Path, n: int, vendor: str, timeout: float, log: Any, legacy: bool = True
) -> None:
    """The migrated (and, with ``legacy``, the legacy) database of ``n``, built if absent."""
    main, copy = db_name(n, vendor), db_name(n, vendor, legacy=True)
    stamp, copy_stamp = project / f".db-{vendor}", project / f".db-{vendor}-legacy"
    if not (_stamped(stamp) and exists(vendor, main)):
        log(f"building the migrated {vendor} database for N={n} (cached for later runs)")
        copy_stamp.unlink(missing_ok=True)
        for name in (main, copy):
            drop(vendor, name)
        if vendor != "sqlite":
            create(vendor, main)
        migrate(project, vendor, main, timeout)
        stamp.write_text(GENERATOR_VERSION + "\n")
    if not legacy or (_stamped(copy_stamp) and exists(vendor, copy)):
        return
    log(f"building the legacy {vendor} copy for N={n} (cached for later runs)")
    drop(vendor, copy)
    if vendor == "sqlite":
        shutil.copyfile(main, copy)
    elif vendor == "postgresql":
        create(vendor, copy, template=main)
    else:  # MariaDB has no template databases: migrate a second one
        create(vendor, copy)
        migrate(project, vendor, copy, timeout)
    empty_migrations(vendor, copy)
    copy_stamp.write_text(GENERATOR_VERSION + "\n")


def _stamped(stamp: Path) -> bool:
    return stamp.is_file() and stamp.read_text().strip() == GENERATOR_VERSION
