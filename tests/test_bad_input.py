"""Bad input exits 2 with one clear line on stderr, quickly, and no password."""

from __future__ import annotations

import socket
import time

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from .cmd_helpers import call, run_manage

SECRET = "Pw-d0-not-print-3141"


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.django_db(databases="__all__")
def test_unknown_alias_call_command() -> None:
    with pytest.raises(CommandError) as caught:
        call("--check", "--database", "nosuchdb")
    assert caught.value.returncode == 2
    assert "nosuchdb" in str(caught.value)


@pytest.mark.django_db(databases="__all__")
def test_unknown_app_label_call_command() -> None:
    with pytest.raises(CommandError) as caught:
        call("--check", "nosuchapp")
    assert caught.value.returncode == 2
    assert "nosuchapp" in str(caught.value)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--check", "--database", "nosuchdb"], "nosuchdb"),
        (["--check", "nosuchapp"], "nosuchapp"),
        (["--check", "--database", "default", "drift", "nosuchapp"], "nosuchapp"),
    ],
    ids=["alias", "app", "one-bad-app"],
)
def test_unknown_name_subprocess(args: list[str], word: str) -> None:
    started = time.monotonic()
    done = run_manage(*args, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert word in one_line(done.stderr)
    assert done.stdout == ""
    assert time.monotonic() - started < 20


SERVERS = {"postgresql": "DJM_PG", "mysql": "DJM_MYSQL"}


@pytest.mark.parametrize("server", [v for v in SERVERS if v in settings.VENDORS])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_unreachable_server(server: str, fmt: str) -> None:
    prefix = SERVERS[server]
    port = closed_port()
    started = time.monotonic()
    done = run_manage(
        "--check",
        "--format",
        fmt,
        "--database",
        server,
        timeout=60,
        **{f"{prefix}_PORT": str(port), f"{prefix}_PASSWORD": SECRET, f"{prefix}_USER": "djm_user"},
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2, (done.stdout, done.stderr)
    line = one_line(done.stderr)
    assert server in line and str(port) in line, line
    assert SECRET not in done.stdout + done.stderr
    assert done.stdout == ""
    assert elapsed < 20, elapsed
