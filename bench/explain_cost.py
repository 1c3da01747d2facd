"""What explaining the differences costs the check (issue 16's bound: 10%).

    python bench/explain_cost.py [--size 1000] [--runs 5] [--drop-every 10]

Times ``smart_makemigrations --check --format json`` with and without
the explanation (``source`` and ``migration`` of each discrepancy).
Uses the cached project and migrated SQLite database of ``bench/run.py``
(built if absent) and a copy of it with drift: the ``notes`` column dropped
from every ``--drop-every``-th table and the ``Meta`` index of the tables in
between those (so that a hundred or so discrepancies each need a source line
and a migration).  Each sample is a fresh process (as a ``--check`` is) that
runs the command once through ``call_command``, with the explanation and
without it (``djmigrator.api.explain_reports`` replaced by a no-op), on the
copy with drift and on the database in sync.  One untimed warm-up round, then
``--runs`` interleaved rounds whose order rotates; prints the medians of the
command (``call_command``) and of the process (from before ``django.setup()``),
and their ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
from pathlib import Path

import dbs
from generate import PYTHON, ensure_project, project_env
from run import log

#: One sample: ``smart_makemigrations --check --format json`` in this process,
#: timed from before Django is set up and around the command itself.  "off"
#: leaves the explanation out (the reports as compared).
DRIVER = """
import io, json, sys, time
started = time.perf_counter()
import django
django.setup()
from django.core.management import call_command
import djmigrator.api
explaining = [0.0]
if sys.argv[1] == "off":
    djmigrator.api.explain_reports = lambda reports, *args, **kwargs: reports
else:
    explain_reports = djmigrator.api.explain_reports

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return explain_reports(*args, **kwargs)
        finally:
            explaining[0] += time.perf_counter() - begin

    djmigrator.api.explain_reports = timed
out = io.StringIO()
start = time.perf_counter()
try:
    call_command("smart_makemigrations", "--check", "--format", "json", stdout=out)
except SystemExit:
    pass
end = time.perf_counter()
found = [d for db in json.loads(out.getvalue())["databases"] for d in db["discrepancies"]]
print(json.dumps({
    "seconds": end - start,
    "explaining": explaining[0],
    "process": end - started,
    "discrepancies": len(found),
    "explained": sum(d["source"] is not None and d["migration"] is not None for d in found),
}))
"""


def drifted_copy(project: Path, source: str, every: int) -> str:
    """A copy of the migrated database with drift in about 2/``every`` of its tables."""
    target = project / f"explain-drift-{every}.sqlite3"
    if target.exists():
        return str(target)
    scratch = target.with_suffix(".tmp")
    shutil.copyfile(source, scratch)
    conn = sqlite3.connect(scratch)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'app%' "
                "ORDER BY name"
            )
        ]
        for number, table in enumerate(tables):
            if number % every == 0:
                conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "notes"')
            elif number % every == every // 2:
                (index,) = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND name LIKE 'm%_name_created'",
                    [table],
                ).fetchone()
                conn.execute(f'DROP INDEX "{index}"')
        conn.commit()
    finally:
        conn.close()
    scratch.rename(target)
    return str(target)


def sample(project: Path, db: str, mode: str, timeout: float) -> tuple[float, float, float, dict]:
    env = project_env(project, "sqlite", db)
    done = subprocess.run(
        [PYTHON, "-c", DRIVER, mode],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        sys.exit(f"{mode}: exited {done.returncode}: {done.stderr[-800:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return float(found["seconds"]), float(found["process"]), float(found["explaining"]), found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drop-every", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    project = ensure_project(args.size)
    dbs.ensure(project, args.size, "sqlite", args.timeout, log, legacy=False)
    in_sync = dbs.db_name(args.size, "sqlite")
    drift = drifted_copy(project, in_sync, args.drop_every)
    cases = [
        (name, db, mode)
        for name, db in (("drift", drift), ("in sync", in_sync))
        for mode in ("on", "off")
    ]
    samples: dict[tuple[str, str], list[tuple[float, float, float]]] = {
        (name, mode): [] for name, _, mode in cases
    }
    found: dict[tuple[str, str], dict] = {}
    for round_ in range(args.runs + 1):
        shift = round_ % len(cases)
        for name, db, mode in cases[shift:] + cases[:shift]:
            seconds, wall, explaining, result = sample(project, db, mode, args.timeout)
            found[(name, mode)] = result
            if round_:  # the first round is a warm-up (bytecode, page cache)
                samples[(name, mode)].append((seconds, wall, explaining))
    load = " ".join(f"{x:.1f}" for x in _load())
    print(f"N={args.size}, SQLite, {args.runs} rounds (load average {load})")
    for name in ("drift", "in sync"):
        on, off = found[(name, "on")], found[(name, "off")]
        print(
            f"  {name}: {on['discrepancies']} discrepancies, {on['explained']} explained "
            f"(off: {off['explained']})"
        )
        medians = {}
        for mode in ("on", "off"):
            values = samples[(name, mode)]
            medians[mode] = (
                statistics.median(v[0] for v in values),
                statistics.median(v[1] for v in values),
            )
            print(
                f"    explain {mode:3}: command {medians[mode][0]:6.2f} s   "
                f"process {medians[mode][1]:6.2f} s"
            )
        (c_on, w_on), (c_off, w_off) = medians["on"], medians["off"]
        print(f"    on/off: command {c_on / c_off:.3f}x   process {w_on / w_off:.3f}x")
        # the explanation's own time, measured inside the same commands: the
        # steadier figure on a loaded machine
        share = statistics.median(v[2] / v[0] for v in samples[(name, "on")])
        spent = statistics.median(v[2] for v in samples[(name, "on")])
        print(f"    explaining: {spent:.3f} s, {share:.1%} of the command (medians)")
    return 0


def _load() -> tuple[float, ...]:
    try:
        import os

        return os.getloadavg()
    except OSError:  # pragma: no cover
        return ()


if __name__ == "__main__":
    raise SystemExit(main())
