"""Generate a synthetic Django project of N models, with its migrations.

    /work/venv/bin/python bench/generate.py 1000 [--force]

The project is written to ``bench/.cache/<N>/`` (git-ignored):

* ``benchproj/settings.py``: one ``default`` alias, chosen by the environment:
  ``DJM_BENCH_VENDOR`` (``sqlite`` | ``postgresql`` | ``mysql``) and
  ``DJM_BENCH_DB`` (a file path for SQLite, a database name otherwise); the
  servers are reached as the tests reach them (``DJM_PG_*``, ``DJM_MYSQL_*``).
* ``app01`` .. ``app20``: the N models in contiguous blocks.  Each model has
  ten fields of mixed types besides its ``id``: one foreign key to an earlier
  model of its app (except the first model of each app), one ``unique`` field
  and one two-column ``Meta.indexes`` entry.  Foreign keys stay inside an app:
  Django's migration state re-renders every model of an FK-connected group
  whenever one of them is added (``ProjectState.reload_model``), which makes
  ``migrate`` quadratic in the size of that group; one group of 1,000+ models
  would make building the databases (and ``migrate --fake-initial``) take
  hours on a small machine, and would measure that Django cost, not ours.
* ``DJM_BENCH_PLAIN=1`` leaves ``djmigrator`` out of ``INSTALLED_APPS``: the
  baseline Django commands run as in a project without it.
  ``DJM_BENCH_WORKERS=K`` sets ``DJMIGRATOR["WORKERS"]`` (processes of the check);
  ``DJM_BENCH_GCPAUSE=off`` runs it without ``djmigrator.comparison.gcpause`` (bench/gcpause.py).
* ``appNN/migrations/0001_initial.py``: written by running ``makemigrations``
  in the generated project, so they are exactly what Django writes.

The output is deterministic for a given N.  A ``.stamp`` file records the
generator version; a project with another stamp is regenerated (the cached
databases built from the old one are then rebuilt by ``bench/run.py``).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Bump when the generated project changes shape; cached projects and the
#: databases migrated from them are rebuilt.
GENERATOR_VERSION = "3"

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
REPO_DIR = BENCH_DIR.parent
PYTHON = os.environ.get("DJM_BENCH_PYTHON", sys.executable)
APP_COUNT = 20

#: Fields every model has, besides its FK: (name, definition).
COMMON_FIELDS = [
    ("name", "models.CharField(max_length=100)"),
    ("code", "models.CharField(max_length=32, unique=True)"),
    ("quantity", "models.IntegerField(default=0)"),
    ("active", "models.BooleanField(default=True)"),
    ("created", "models.DateTimeField()"),
    ("price", "models.DecimalField(max_digits=10, decimal_places=2)"),
    ("notes", "models.TextField(blank=True)"),
]

#: Rotating extras: each model takes two of these, so every type appears.
EXTRA_FIELDS = [
    ("ref", "models.UUIDField(null=True)"),
    ("due", "models.DateField(null=True)"),
    ("ratio", "models.FloatField(default=0.0)"),
    ("big", "models.BigIntegerField(default=0)"),
    ("rank", "models.PositiveSmallIntegerField(default=0)"),
    ("email", "models.EmailField(blank=True)"),
    ("payload", "models.JSONField(null=True)"),
    ("span", "models.DurationField(null=True)"),
    ("at", "models.TimeField(null=True)"),
    ("url", "models.URLField(blank=True)"),
    ("small", "models.SmallIntegerField(null=True)"),
    ("blob", "models.BinaryField(null=True)"),
]

SETTINGS = '''\
"""Settings of the generated benchmark project (bench/generate.py)."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENDOR = os.environ.get("DJM_BENCH_VENDOR", "sqlite")
NAME = os.environ.get("DJM_BENCH_DB") or (
    str(BASE_DIR / "db.sqlite3") if VENDOR == "sqlite" else "djm_bench_{n}"
)

SECRET_KEY = "djmigrator-bench"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if VENDOR == "sqlite":
    DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": NAME}}}}
elif VENDOR == "postgresql":
    DATABASES = {{
        "default": {{
            "ENGINE": "django.db.backends.postgresql",
            "NAME": NAME,
            "HOST": os.environ.get("DJM_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DJM_PG_PORT", "5432"),
            "USER": os.environ.get("DJM_PG_USER", "postgres"),
            "PASSWORD": os.environ.get("DJM_PG_PASSWORD", ""),
        }}
    }}
elif VENDOR == "mysql":
    DATABASES = {{
        "default": {{
            "ENGINE": "django.db.backends.mysql",
            "NAME": NAME,
            "HOST": os.environ.get("DJM_MYSQL_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DJM_MYSQL_PORT", "3306"),
            "USER": os.environ.get("DJM_MYSQL_USER", "root"),
            "PASSWORD": os.environ.get("DJM_MYSQL_PASSWORD", ""),
            "OPTIONS": {{"charset": "utf8mb4"}},
        }}
    }}
else:
    raise RuntimeError(f"DJM_BENCH_VENDOR: unknown vendor {{VENDOR!r}}")

INSTALLED_APPS = [
    "djmigrator",
{apps}
]
if os.environ.get("DJM_BENCH_PLAIN"):
    # Django's own commands as a project without djmigrator runs them (its
    # database system check would otherwise compare the schema in ``migrate``).
    INSTALLED_APPS.remove("djmigrator")
if os.environ.get("DJM_BENCH_WORKERS"):
    # the check in a given number of processes (``DJMIGRATOR["WORKERS"]``)
    DJMIGRATOR = {{"WORKERS": int(os.environ["DJM_BENCH_WORKERS"])}}
if os.environ.get("DJM_BENCH_GCPAUSE") == "off":
    # bench/gcpause.py: the check without its collector tricks (before
    # djmigrator's modules import them by name)
    import contextlib
    import djmigrator.comparison.gcpause
    djmigrator.comparison.gcpause.older_objects_frozen = contextlib.nullcontext
    djmigrator.comparison.gcpause.one_batch = contextlib.nullcontext
'''

MANAGE = '''\
#!/usr/bin/env python
"""manage.py of the generated benchmark project."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''


def app_label(i: int) -> str:
    return f"app{i + 1:02d}"


def model_name(k: int) -> str:
    return f"Model{k:04d}"


def plan(n: int) -> list[list[int]]:
    """Global model numbers of each app, in contiguous blocks."""
    apps = min(APP_COUNT, n)
    base, extra = divmod(n, apps)
    blocks: list[list[int]] = []
    k = 0
    for i in range(apps):
        size = base + (1 if i < extra else 0)
        blocks.append(list(range(k, k + size)))
        k += size
    return blocks


def render_models(n: int, app_index: int, block: list[int]) -> str:
    rng = random.Random(f"{n}-{app_index}")
    lines = [
        '"""Generated by bench/generate.py; do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from django.db import models",
        "",
    ]
    for k in block:
        lines += ["", f"class {model_name(k)}(models.Model):"]
        for fname, definition in COMMON_FIELDS:
            lines.append(f"    {fname} = {definition}")
        for j in (0, 1):
            fname, definition = EXTRA_FIELDS[(2 * k + j) % len(EXTRA_FIELDS)]
            lines.append(f"    {fname} = {definition}")
        earlier = [m for m in block if m < k]
        if earlier:
            ref = model_name(rng.choice(earlier))
            on_delete = "models.CASCADE" if k % 2 else "models.SET_NULL, null=True"
            lines.append(f'    parent = models.ForeignKey("{ref}", {on_delete}, related_name="+")')
        lines += [
            "",
            "    class Meta:",
            "        indexes = [",
            f'            models.Index(fields=["name", "created"], name="m{k:04d}_name_created"),',
            "        ]",
            "",
        ]
    return "\n".join(lines)


def write_settings(n: int, target: Path) -> None:
    apps = "\n".join(f'    "{app_label(i)}",' for i in range(len(plan(n))))
    (target / "benchproj" / "settings.py").write_text(SETTINGS.format(n=n, apps=apps))


def write_project(n: int, target: Path) -> None:
    blocks = plan(n)
    (target / "benchproj").mkdir(parents=True)
    (target / "benchproj" / "__init__.py").write_text("")
    write_settings(n, target)
    (target / "manage.py").write_text(MANAGE)
    for i, block in enumerate(blocks):
        app = target / app_label(i)
        (app / "migrations").mkdir(parents=True)
        (app / "__init__.py").write_text("")
        (app / "migrations" / "__init__.py").write_text("")
        (app / "models.py").write_text(render_models(n, i, block))


def project_env(
    project: Path, vendor: str = "sqlite", db: str | None = None, plain: bool = False
) -> dict[str, str]:
    """Environment for running ``manage.py`` of a generated project.

    ``plain``: without djmigrator in ``INSTALLED_APPS``.
    """
    env = dict(os.environ)
    env.pop("DJM_BENCH_PLAIN", None)
    # Timed as an installed project runs: from cached bytecode (the warm-up
    # round writes it), whatever the calling shell says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if plain:
        env["DJM_BENCH_PLAIN"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "benchproj.settings"
    env["DJM_BENCH_VENDOR"] = vendor
    if db is not None:
        env["DJM_BENCH_DB"] = db
    else:
        env.pop("DJM_BENCH_DB", None)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(project), str(REPO_DIR), env.get("PYTHONPATH", "")) if p
    )
    return env


def make_migrations(project: Path) -> None:
    scratch = project / "makemigrations.sqlite3"
    subprocess.run(
        [PYTHON, "manage.py", "makemigrations", "--noinput", "-v", "0"],
        cwd=project,
        env=project_env(project, "sqlite", str(scratch), plain=True),
        check=True,
        timeout=1800,
    )
    scratch.unlink(missing_ok=True)


def project_dir(n: int) -> Path:
    return CACHE_DIR / str(n)


def is_current(n: int) -> bool:
    stamp = project_dir(n) / ".stamp"
    return stamp.is_file() and stamp.read_text().strip() == GENERATOR_VERSION


def ensure_project(n: int, force: bool = False) -> Path:
    """The generated project of ``n`` models, generating it if needed."""
    target = project_dir(n)
    if is_current(n) and not force:
        write_settings(n, target)  # settings do not shape the schema: always current
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".gen-{n}-", dir=CACHE_DIR))
    try:
        shutil.rmtree(tmp)
        write_project(n, tmp)
        make_migrations(tmp)
        (tmp / ".stamp").write_text(GENERATOR_VERSION + "\n")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of models")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    for n in args.sizes:
        if n < 1:
            parser.error("a size must be at least 1")
        path = ensure_project(n, force=args.force)
        sys.stdout.write(f"{n} models: {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
