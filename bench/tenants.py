"""A django-tenants fleet: our check over every tenant next to migrate_schemas.

    python bench/tenants.py [--tenants 100,500,1000] [--models 20] [--runs 3]
    python bench/tenants.py --clean

For each T it builds (or reuses) a PostgreSQL database ``djm_bench_tenants_T``
of a django-tenants project (``bench/.cache/tenants/``: shared app
``customers``, tenant app ``fleet`` of M models with ten fields, an FK to an
earlier model, a unique and a two-column index): the public schema migrated
by ``migrate_schemas --shared``, one tenant created and migrated through
django-tenants, and the other T-1 cloned from the SQL Django's schema editor
runs for the tenant apps (collected once, replayed per schema in one round
trip each, with the first tenant's ``django_migrations`` rows), so that every
tenant is exactly what migrate makes.  Then it times, interleaved over
``--runs`` rounds, whole-process wall time of:

* ``smart_makemigrations --check --format json`` (every tenant and public),
* ``migrate_schemas --check`` (Django's ``migrate --check`` per schema),
* ``migrate_schemas`` with nothing to apply (standard executor),
* ``migrate_schemas --executor multiprocessing`` (nothing to apply),
* ``manage.py help`` (the floor: starting Django),

and prints medians, the ratios and the check's round trips
(``bench/count_queries.py``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dbs

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CACHE = BENCH_DIR / ".cache" / "tenants"
PYTHON = os.environ.get("DJM_BENCH_PYTHON", sys.executable)

SETTINGS = """\
import os
SECRET_KEY = "bench"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SHARED_APPS = ["django_tenants", "customers", "django.contrib.contenttypes"]
if not os.environ.get("DJM_BENCH_PLAIN"):  # Django's own commands run without djmigrator
    SHARED_APPS.append("djmigrator")
TENANT_APPS = ["django.contrib.contenttypes", "fleet"]
INSTALLED_APPS = SHARED_APPS + [a for a in TENANT_APPS if a not in SHARED_APPS]
TENANT_MODEL = "customers.Client"
TENANT_DOMAIN_MODEL = "customers.Domain"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DATABASES = {"default": {
    "ENGINE": "django_tenants.postgresql_backend",
    "NAME": os.environ["DJM_BENCH_DB"],
    "HOST": os.environ.get("DJM_PG_HOST", "127.0.0.1"),
    "PORT": os.environ.get("DJM_PG_PORT", "5432"),
    "USER": os.environ.get("DJM_PG_USER", "postgres"),
    "PASSWORD": os.environ.get("DJM_PG_PASSWORD", ""),
}}
"""

MANAGE = """\
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""

CUSTOMERS = """\
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Client(TenantMixin):
    name = models.CharField(max_length=100)
    auto_create_schema = True


class Domain(DomainMixin):
    pass
"""

#: Run in the project: create the first tenant through django-tenants, then
#: print the SQL that migrating the tenant apps runs (collected, not run).
FIRST_TENANT = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from customers.models import Client, Domain

tenant = Client(schema_name="t0000", name="T0000")
tenant.save()
Domain(domain="t0000.example.com", tenant=tenant, is_primary=True).save()

connection.set_schema("t0000")
executor = MigrationExecutor(connection)
plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
state = executor._create_project_state(with_applied_migrations=False)
with connection.schema_editor(collect_sql=True, atomic=False) as editor:
    for migration, _ in plan:
        state = migration.apply(state, editor, collect_sql=True)
print(json.dumps(editor.collected_sql))
"""


def models_source(m: int) -> str:
    lines = ["from django.db import models", ""]
    for i in range(1, m + 1):
        name = f"M{i:02d}"
        lines += [
            "",
            f"class {name}(models.Model):",
            "    name = models.CharField(max_length=100)",
            "    code = models.CharField(max_length=32, unique=True)",
            "    quantity = models.IntegerField(default=0)",
            "    active = models.BooleanField(default=True)",
            "    created = models.DateTimeField(null=True)",
            "    price = models.DecimalField(max_digits=10, decimal_places=2, null=True)",
            "    notes = models.TextField(blank=True)",
            "    ref = models.UUIDField(null=True)",
            "    data = models.JSONField(null=True)",
            "    rank = models.PositiveSmallIntegerField(default=0)",
        ]
        if i > 1:
            lines.append(f"    parent = models.ForeignKey(M{i - 1:02d}, on_delete=models.CASCADE)")
        lines += [
            "",
            "    class Meta:",
            f'        indexes = [models.Index(fields=["name", "quantity"], name="m{i:02d}_nq")]',
            "",
        ]
    return "\n".join(lines)


def env(db: str, plain: bool = False) -> dict[str, str]:
    out = dict(os.environ)
    out.pop("DJM_BENCH_PLAIN", None)
    if plain:
        out["DJM_BENCH_PLAIN"] = "1"
    out["DJANGO_SETTINGS_MODULE"] = "settings"
    out["DJM_BENCH_DB"] = db
    out["PYTHONPATH"] = os.pathsep.join([str(CACHE / "project"), str(REPO_DIR)])
    return out


def manage(
    db: str, *args: str, timeout: float = 3600, plain: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=CACHE / "project",
        env=env(db, plain),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def log(message: str) -> None:
    sys.stderr.write(f"[tenants {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def ensure_project(m: int) -> Path:
    root = CACHE / "project"
    stamp = root / f".models-{m}"
    if stamp.exists():
        return root
    for label, source in (("customers", CUSTOMERS), ("fleet", models_source(m))):
        (root / label / "migrations").mkdir(parents=True, exist_ok=True)
        (root / label / "__init__.py").touch()
        (root / label / "migrations" / "__init__.py").touch()
        for old in (root / label / "migrations").glob("0*.py"):
            old.unlink()
        (root / label / "models.py").write_text(source)
    (root / "settings.py").write_text(SETTINGS)
    (root / "manage.py").write_text(MANAGE)
    (root / "first_tenant.py").write_text(FIRST_TENANT)
    made = manage("unused", "makemigrations", "customers", "fleet")
    assert made.returncode == 0, made.stderr
    for old in root.glob(".models-*"):
        old.unlink()
    stamp.touch()
    return root


def db_name(t: int, m: int) -> str:
    return f"djm_bench_tenants_{t}_{m}"


def ensure_database(t: int, m: int) -> str:
    name = db_name(t, m)
    stamp = CACHE / f".built-{name}"
    if stamp.exists() and _exists(name):
        return name
    start = time.perf_counter()
    with dbs.admin("postgresql") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    shared = manage(name, "migrate_schemas", "--shared", "--noinput")
    assert shared.returncode == 0, shared.stderr
    first = subprocess.run(
        [PYTHON, "first_tenant.py"],
        cwd=CACHE / "project",
        env=env(name),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr
    ddl = ";\n".join(s.rstrip(";") for s in json.loads(first.stdout.strip().splitlines()[-1]))
    with dbs.admin("postgresql", name) as conn:
        for i in range(1, t):
            schema = f"t{i:04d}"
            conn.execute(
                f"CREATE SCHEMA {schema}; SET search_path = {schema};\n{ddl};\n"
                f"CREATE TABLE {schema}.django_migrations "
                "(LIKE t0000.django_migrations INCLUDING ALL);"
                f"INSERT INTO {schema}.django_migrations SELECT * FROM t0000.django_migrations;"
                "SET search_path = public;"
                "INSERT INTO customers_client (schema_name, name) "
                f"VALUES ('{schema}', '{schema.upper()}');"
                "INSERT INTO customers_domain (domain, tenant_id, is_primary) "
                f"SELECT '{schema}.example.com', id, true FROM customers_client "
                f"WHERE schema_name = '{schema}'"
            )
            if i % 100 == 0:
                log(f"{name}: {i + 1} of {t} tenants")
        conn.execute("VACUUM ANALYZE")
    stamp.touch()
    log(f"{name}: built in {time.perf_counter() - start:.0f} s")
    return name


def _exists(name: str) -> bool:
    with dbs.admin("postgresql") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        return found is not None


COMMANDS: dict[str, list[str]] = {
    "check": ["smart_makemigrations", "--check", "--format", "json"],
    "migrate_schemas_check": ["migrate_schemas", "--check"],
    "migrate_schemas": ["migrate_schemas", "--noinput"],
    "migrate_schemas_mp": ["migrate_schemas", "--noinput", "--executor", "multiprocessing"],
    "help": ["help"],
}

LABELS = {
    "check": "smart_makemigrations --check (all tenants)",
    "migrate_schemas_check": "migrate_schemas --check",
    "migrate_schemas": "migrate_schemas (nothing to apply)",
    "migrate_schemas_mp": "  the same, --executor multiprocessing",
    "help": "manage.py help (floor)",
}


def timed(db: str, args: list[str], timeout: float) -> tuple[float, int, str]:
    start = time.perf_counter()
    # Django's commands run without djmigrator installed (its database check
    # would run in every tenant's migrate)
    proc = manage(db, *args, timeout=timeout, plain=args[0] != "smart_makemigrations")
    return time.perf_counter() - start, proc.returncode, proc.stdout


def round_trips(db: str) -> dict[str, Any]:
    proc = subprocess.run(
        [PYTHON, str(BENCH_DIR / "count_queries.py"), *COMMANDS["check"]],
        cwd=CACHE / "project",
        env=env(db),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def bench(
    t: int, m: int, runs: int, skip: set[str], timeout: float, warmup: int = 1
) -> dict[str, Any]:
    ensure_project(m)
    db = ensure_database(t, m)
    samples: dict[str, list[float]] = {k: [] for k in COMMANDS if k not in skip}
    summary = ""
    for number in range(1 - warmup, runs + 1):  # round 0 warms the caches, untimed
        for key in samples:
            wall, code, out = timed(db, COMMANDS[key], timeout)
            if key == "check":
                assert code == 0, f"the check found drift or failed (exit {code})"
                data = json.loads(out)
                summary = f"{len(data['databases'])} schemas compared, all in sync"
            elif code != 0:
                raise SystemExit(f"{key} failed with exit {code}")
            if number > 0:
                samples[key].append(wall)
        log(f"T={t}: round {number} done" + (" (warm-up)" if number <= 0 else ""))
    trips = round_trips(db)
    medians = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "tenants": t,
        "models": m,
        "medians": medians,
        "samples": samples,
        "round_trips": trips,
        "summary": summary,
    }


def report(result: dict[str, Any]) -> None:
    med = result["medians"]
    print(
        f"\nT = {result['tenants']} tenants x M = {result['models']} tenant models "
        f"(medians of {len(next(iter(result['samples'].values())))} runs)"
    )
    for key, label in LABELS.items():
        if key in med:
            print(f"  {label:<45} {med[key]:8.2f} s")
    check = med["check"]
    for key in ("migrate_schemas_check", "migrate_schemas", "migrate_schemas_mp"):
        if key in med:
            print(f"  check / {key:<37} {check / med[key]:8.3f}x")
    if "help" in med:
        print(f"  check - floor{'':<32} {check - med['help']:8.2f} s")
    trips = result["round_trips"]
    print(f"  check: {result['summary']}; round trips {trips.get('round_trips', trips)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", default="100,500,1000")
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, choices=(0, 1), help="untimed round")
    parser.add_argument("--skip", default="", help="commands not to time (comma separated)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--output")
    parser.add_argument("--clean", action="store_true")
    parser.add_argument(
        "--build-only", action="store_true", help="build the databases, time nothing"
    )
    options = parser.parse_args(argv)
    if options.clean:
        with dbs.admin("postgresql") as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'djm_bench_tenants_%'"
            ).fetchall()
            for (name,) in rows:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                print(f"dropped {name}")
        for stamp in CACHE.glob(".built-*"):
            stamp.unlink()
        return 0
    results = []
    skip = {s for s in options.skip.split(",") if s}
    for t in (int(x) for x in options.tenants.split(",")):
        if options.build_only:
            ensure_project(options.models)
            ensure_database(t, options.models)
            continue
        result = bench(t, options.models, options.runs, skip, options.timeout, options.warmup)
        report(result)
        results.append(result)
    if len(results) > 1:
        by_t = {r["tenants"]: r["medians"]["check"] for r in results}
        ts = sorted(by_t)
        for a, b in itertools.pairwise(ts):
            print(f"check time({b}) / time({a}) = {by_t[b] / by_t[a]:.2f}")
    if options.output:
        Path(options.output).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
