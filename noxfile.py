"""The full test matrix, one command for contributors.

    pip install nox            # or: uv tool install nox
    docker compose up -d --wait    # PostgreSQL 16, MariaDB 10.11, MySQL 8.0
    nox                        # every session below
    nox -s lint example package
    nox -s "tests-3.13(django='6.1', sqlalchemy='2.1', vendor='postgresql')"
    nox -s tests -p 3.11       # one Python only
    nox -s tests -- -x -k m2m  # arguments after -- go to pytest
    nox -l                     # list the sessions

``tests`` runs the README's test command for each Django x SQLAlchemy x vendor;
vendor ``mariadb`` uses port 3306 and ``mysql8`` port 3307 (docker-compose.yml),
``postgresql`` port 5432. Server settings can be overridden with the variables
tests/settings.py reads (DJM_PG_HOST, DJM_MYSQL_PORT, ...). Sessions use uv
when it is installed, virtualenv otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
# Supported Pythons; missing interpreters are skipped locally (nox -p 3.12 picks one).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
LINT_PYTHON = "3.13"  # the newest: ruff and mypy run where the newest Django does

DJANGO = ["5.2", "6.0", "6.1"]
SQLALCHEMY = ["2.0", "2.1"]
# vendor -> (extras to install, DJM_TEST_DATABASES, extra environment)
VENDORS: dict[str, tuple[str, str, dict[str, str]]] = {
    "sqlite": ("test", "sqlite", {}),
    "postgresql": ("test,postgres", "sqlite,postgresql", {}),
    "mariadb": ("test,mysql", "sqlite,mysql", {"DJM_MYSQL_PORT": "3306"}),
    "mysql8": ("test,mysql", "sqlite,mysql", {"DJM_MYSQL_PORT": "3307"}),
}


@nox.session(python=PYTHONS)
@nox.parametrize("vendor", list(VENDORS))
@nox.parametrize("sqlalchemy", SQLALCHEMY)
@nox.parametrize("django", DJANGO)
def tests(session: nox.Session, django: str, sqlalchemy: str, vendor: str) -> None:
    """pytest on one Django x SQLAlchemy x database vendor."""
    if django != "5.2" and session.python in ("3.10", "3.11"):
        session.skip(f"Django {django} needs Python 3.12 or newer")
    extras, databases, env = VENDORS[vendor]
    session.install("-e", f".[{extras}]", f"Django~={django}.0", f"SQLAlchemy~={sqlalchemy}.0")
    session.run(
        "python",
        "-c",
        "import django, sqlalchemy, alembic; "
        "print('Django', django.get_version(), 'SQLAlchemy', sqlalchemy.__version__, "
        "'alembic', alembic.__version__)",
    )
    session.run(
        "python", "-m", "pytest", *session.posargs, env={"DJM_TEST_DATABASES": databases, **env}
    )


@nox.session(python=LINT_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy --strict, as .ci/run and pre-commit run them."""
    session.install("-e", ".[dev,postgres,mysql]")
    session.run("ruff", "check", "djmigrator", "tests")
    session.run("ruff", "format", "--check", "djmigrator", "tests")
    session.run("mypy", "djmigrator")


@nox.session(python=LINT_PYTHON)
def example(session: nox.Session) -> None:
    """The README's first command on a copy of the bundled example, then its one-line change."""
    session.install("-e", ".")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "example"
        shutil.copytree(ROOT / "example", project, ignore=shutil.ignore_patterns("db.sqlite3*"))
        manage = str(project / "manage.py")
        session.run("python", manage, "migrate", "-v0")
        session.run("python", manage, "smart_makemigrations", "--check")
        models = project / "shop" / "models.py"
        with models.open("a") as handle:  # the README's one-line change
            handle.write('    coupon = models.CharField(max_length=20, default="")\n')
        session.run("python", manage, "smart_makemigrations", "--check", success_codes=[1])


@nox.session(python=LINT_PYTHON)
def package(session: nox.Session) -> None:
    """Build the sdist and wheel, install the wheel alone, run the command on the example."""
    session.install("build")
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
        wheels = sorted(dist.glob("djmigrator-*.whl"))
        session.install("--force-reinstall", str(wheels[-1]))
        project = Path(tmp) / "example"
        shutil.copytree(ROOT / "example", project, ignore=shutil.ignore_patterns("db.sqlite3*"))
        manage = str(project / "manage.py")
        # Run from the temporary directory so that the wheel, not the checkout, is imported.
        with session.chdir(tmp):
            session.run("python", "-c", "import djmigrator; print(djmigrator.__file__)")
            session.run("python", manage, "migrate", "-v0")
            session.run("python", manage, "smart_makemigrations", "--check")
