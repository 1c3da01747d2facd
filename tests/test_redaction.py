"""Connection errors are worded from what the settings say (alias, vendor,
host, port, database) and a known reason, not by editing the driver's text:
with ``PASSWORD = "1"`` the host ``127.0.0.1`` and the port stay intact, and
neither the user nor the password is printed."""

from __future__ import annotations

import pytest
from django.conf import settings

from djmigrator.connection import redact

from .cmd_helpers import run_manage
from .test_bad_input import SERVERS, closed_port, one_line


@pytest.mark.django_db(databases="__all__")  # the subprocess reads the test databases' names
@pytest.mark.parametrize("server", [v for v in SERVERS if v in settings.VENDORS])
@pytest.mark.parametrize("failure", ["closed-port", "unknown-user"])
def test_password_one(server: str, failure: str) -> None:
    prefix = SERVERS[server]
    port = closed_port() if failure == "closed-port" else int(settings.DATABASES[server]["PORT"])
    user = "djm_nosuchuser_3141"
    done = run_manage(
        "--check",
        "--database",
        server,
        timeout=60,
        **{f"{prefix}_PORT": str(port), f"{prefix}_PASSWORD": "1", f"{prefix}_USER": user},
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    reason = {
        "closed-port": "the connection was refused",
        "unknown-user": "the server rejected the user or password",
    }[failure]
    name = settings.DATABASES[server]["TEST"]["NAME"]
    assert one_line(done.stderr) == (
        f"CommandError: Cannot connect to database '{server}' ({server} at 127.0.0.1:{port}, "
        f"database '{name}'): {reason} (OperationalError). Check that the server is running "
        f"and that DATABASES['{server}'] is right."
    )
    assert "***" not in done.stderr and user not in done.stderr


@pytest.mark.parametrize(
    ("text", "password", "expected"),
    [
        ('connection to server at "127.0.0.1", port 5432 failed', "1", None),
        ("password 1 is wrong", "1", "password *** is wrong"),
        ("with password=s3cr.t; retry", "s3cr.t", "with password=***; retry"),
        ("user 'bob' password 's3cr.t'.", "s3cr.t", "user 'bob' password '***'."),
        ("s3cr.t", "s3cr.t", "***"),
        ("host s3cr.tx.example", "s3cr.t", None),
    ],
)
def test_redact_replaces_whole_tokens_only(text: str, password: str, expected: str | None) -> None:
    assert redact(text, password) == (text if expected is None else expected)
