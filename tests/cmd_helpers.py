"""Run ``smart_makemigrations`` as a user does: ``python manage_tests.py ...``.

The subprocess gets the same settings module and run id as the test session
and ``DJM_USE_TEST_NAMES=1``, so its ``DATABASES`` point at the databases the
test runner created (see tests/settings.py).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent


def subprocess_env(**extra: str) -> dict[str, str]:
    for alias, connection in connections.settings.items():
        # what the subprocess will use is what this test session uses
        assert connection["NAME"] == settings.DATABASES[alias]["TEST"]["NAME"], alias
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DJM_RUN_ID=str(settings.RUN_ID),
        DJM_TEST_DATABASES=",".join(settings.VENDORS),
        DJM_USE_TEST_NAMES="1",
    )
    env.update(extra)
    return env


def run_manage(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage_tests.py", "smart_makemigrations", *args],
        cwd=ROOT,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def call(*args: str) -> tuple[int, str, str]:
    """``call_command`` with the exit status the command line would give."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("smart_makemigrations", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()
