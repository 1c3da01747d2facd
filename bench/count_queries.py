"""Count the database round trips of one management command, in process.

Run in a generated project's environment (bench/run.py does this)::

    python bench/count_queries.py smart_makemigrations --check --format json

Three counters, printed as one JSON document on stdout:

* ``django``: statements through Django's cursors (``connection.execute_wrapper``),
  e.g. the type probe's temporary table;
* ``sqlalchemy``: statements through SQLAlchemy (``before_cursor_execute`` on the
  engine of ``djmigrator.connection.get_engine``): reflection, which runs on
  Django's borrowed DBAPI connection and so bypasses Django's wrappers;
* ``dbapi``: every statement the driver sends (psycopg ``Cursor.execute`` /
  ``executemany``; mysqlclient ``Connection.query``), connection set-up and
  dialect initialisation included, plus ``tx``: transaction commands
  (BEGIN/COMMIT/ROLLBACK/SAVEPOINT, autocommit switches).  ``round_trips`` is
  ``dbapi + tx``.  SQLite runs in process and has no DBAPI-level count.

A comparison shared between processes (``djmigrator.comparison.parallel``) is counted
whole: each worker sends its counts back with its result; ``processes`` says
how many processes the comparison used.

``shapes`` lists the most frequent statement shapes (literals replaced by ``?``)
so that a per-table query stands out.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter
from typing import Any

_counts: Counter[str] = Counter()
_shapes: Counter[str] = Counter()
_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+\b")
_SPACE = re.compile(r"\s+")


def _shape(sql: Any) -> str:
    if isinstance(sql, bytes | bytearray):
        sql = bytes(sql).decode("utf-8", "replace")
    text = _SPACE.sub(" ", _LITERAL.sub("?", str(sql))).strip()
    return text[:90]


def _patch_drivers() -> None:
    try:
        import psycopg
        from psycopg._connection_base import BaseConnection
    except ImportError:
        pass
    else:
        cursor_execute = psycopg.Cursor.execute
        cursor_executemany = psycopg.Cursor.executemany
        exec_command = BaseConnection._exec_command

        def execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            _counts["dbapi"] += 1
            _shapes[_shape(query)] += 1
            return cursor_execute(self, query, *args, **kwargs)

        def executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            _counts["dbapi"] += 1
            _shapes[_shape(query)] += 1
            return cursor_executemany(self, query, *args, **kwargs)

        def command(self: Any, cmd: Any, *args: Any, **kwargs: Any) -> Any:
            _counts["tx"] += 1
            return exec_command(self, cmd, *args, **kwargs)

        psycopg.Cursor.execute = execute  # type: ignore[method-assign,assignment]
        psycopg.Cursor.executemany = executemany  # type: ignore[method-assign,assignment]
        BaseConnection._exec_command = command  # type: ignore[method-assign,assignment]
    try:
        from MySQLdb.connections import Connection  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        query_ = Connection.query
        commit_ = Connection.commit
        rollback_ = Connection.rollback
        autocommit_ = Connection.autocommit

        def query(self: Any, sql: Any) -> Any:
            _counts["dbapi"] += 1
            _shapes[_shape(sql)] += 1
            return query_(self, sql)

        def commit(self: Any) -> Any:
            _counts["tx"] += 1
            return commit_(self)

        def rollback(self: Any) -> Any:
            _counts["tx"] += 1
            return rollback_(self)

        def autocommit(self: Any, on: Any) -> Any:
            if self.get_autocommit() != bool(on):
                _counts["tx"] += 1
            return autocommit_(self, on)

        Connection.query = query  # type: ignore[method-assign]
        Connection.commit = commit  # type: ignore[method-assign]
        Connection.rollback = rollback  # type: ignore[method-assign]
        Connection.autocommit = autocommit  # type: ignore[method-assign]


def _count_workers() -> None:
    """Add what the comparison's worker processes sent to this process's counts."""
    from djmigrator.comparison import comparator

    real = comparator.run_shares

    def run_shares(shares: Any, work: Any, setup: Any = None) -> Any:
        def counted(share: Any) -> Any:
            counts, shapes = Counter(_counts), Counter(_shapes)
            result = work(share)
            return result, _counts - counts, _shapes - shapes

        outcomes = real(shares, counted, setup)
        for counts, shapes in [(c, s) for _, c, s in outcomes[1:]]:  # the first ran here
            _counts.update(counts)
            _shapes.update(shapes)
        _counts["processes"] = max(_counts["processes"], len(outcomes))
        return [result for result, _, _ in outcomes]

    comparator.run_shares = run_shares  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    _patch_drivers()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from sqlalchemy import event

    from djmigrator.connection import ensure_connected, get_engine

    ensure_connected("default")
    engine = get_engine("default")
    _count_workers()

    def on_sa(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        _counts["sqlalchemy"] += 1
        if connection.vendor == "sqlite":
            _shapes[_shape(statement)] += 1

    def on_django(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        _counts["django"] += 1
        if connection.vendor == "sqlite":
            _shapes[_shape(sql)] += 1
        return execute(sql, params, many, context)

    event.listen(engine, "before_cursor_execute", on_sa)
    out = io.StringIO()
    status = 0
    with connection.execute_wrapper(on_django):
        try:
            call_command(*argv, stdout=out, stderr=io.StringIO())
        except SystemExit as exc:
            status = int(exc.code or 0)
    server = connection.vendor != "sqlite"
    result = {
        "vendor": connection.vendor,
        "status": status,
        "django": _counts["django"],
        "sqlalchemy": _counts["sqlalchemy"],
        "dbapi": _counts["dbapi"] if server else None,
        "tx": _counts["tx"] if server else None,
        "round_trips": _counts["dbapi"] + _counts["tx"] if server else None,
        "processes": _counts["processes"] or 1,
        "shapes": _shapes.most_common(8),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
