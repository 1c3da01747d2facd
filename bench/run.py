"""Time djmigrator's check and sync against the Django commands people already run.

    /work/venv/bin/python bench/run.py [--sizes 250,1000,2000] [--vendors sqlite,postgresql,mysql]
                                       [--runs 5] [--no-sync] [--output results.json]
    /work/venv/bin/python bench/run.py --clean

For each size N it generates (or reuses) the synthetic project of
``bench/generate.py``, builds (or reuses) a migrated database and an adopted
legacy copy per vendor (``bench/dbs.py``), then times, interleaved over
``--runs`` rounds, whole-process wall time and peak RSS of:

* ``smart_makemigrations --check --format json``  (the check),
* ``makemigrations --check --dry-run``,
* ``migrate --check``,
* ``smart_makemigrations --noinput --format json`` on the legacy copy (the sync),
* ``migrate --fake-initial --noinput`` on the same copy (its ``django_migrations``
  is emptied again before each of the two).

It prints medians and the issue's ratios, and the check's database round trips
(``bench/count_queries.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dbs
from generate import PYTHON, REPO_DIR, ensure_project, project_env

BENCH_DIR = Path(__file__).resolve().parent

CHECK = "check"
CHECK_ONE = "check_one_process"
MAKEMIGRATIONS = "makemigrations"
MIGRATE_CHECK = "migrate_check"
MIGRATE_CHECK_DJM = "migrate_check_djm"
SYNC = "sync"
FAKE_INITIAL = "fake_initial"


@dataclass(frozen=True)
class Command:
    label: str
    args: list[str]
    #: runs on the adopted legacy copy (its django_migrations emptied first)
    legacy: bool = False
    #: runs without djmigrator in INSTALLED_APPS (Django's own baseline)
    plain: bool = False
    #: DJMIGRATOR["WORKERS"] for this command (None: the default)
    workers: int | None = None


COMMANDS: dict[str, Command] = {
    CHECK: Command(
        "smart_makemigrations --check --format json",
        ["smart_makemigrations", "--check", "--format", "json"],
    ),
    CHECK_ONE: Command(
        "  the same in one process (WORKERS=1)",
        ["smart_makemigrations", "--check", "--format", "json"],
        workers=1,
    ),
    MAKEMIGRATIONS: Command(
        "makemigrations --check --dry-run", ["makemigrations", "--check", "--dry-run"], plain=True
    ),
    MIGRATE_CHECK: Command("migrate --check", ["migrate", "--check"], plain=True),
    MIGRATE_CHECK_DJM: Command("migrate --check, djmigrator installed", ["migrate", "--check"]),
    SYNC: Command(
        "smart_makemigrations --noinput (legacy copy)",
        ["smart_makemigrations", "--noinput", "--format", "json"],
        legacy=True,
    ),
    FAKE_INITIAL: Command(
        "migrate --fake-initial (legacy copy)",
        ["migrate", "--fake-initial", "--noinput"],
        legacy=True,
        plain=True,
    ),
}


@dataclass
class Sample:
    wall: float
    rss_kb: int
    status: int
    #: user + system CPU seconds of the child and its own children
    cpu: float = 0.0
    #: peak of the summed proportional set size (PSS) of the child and its
    #: children, sampled: the memory of all its processes, pages they share
    #: counted once (the peak RSS above is that of the largest process)
    tree_kb: int = 0


@dataclass
class Cell:
    """The measurements of one command on one (N, vendor)."""

    samples: list[Sample] = field(default_factory=list)
    first_output: str = ""
    first_error: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.rss_kb for s in self.samples) / 1024

    @property
    def tree_mb(self) -> float:
        return statistics.median(s.tree_kb for s in self.samples) / 1024

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def statuses(self) -> list[int]:
        return sorted({s.status for s in self.samples})


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def run_once(
    project: Path, vendor: str, db: str, command: Command, timeout: float
) -> tuple[Sample, str, str]:
    """Run ``manage.py *args`` once: wall time, CPU, peak RSS, peak PSS of its processes."""
    env = project_env(project, vendor, db, plain=command.plain)
    if command.workers is not None:
        env["DJM_BENCH_WORKERS"] = str(command.workers)
    args = command.args
    tree_kb = 0
    next_sample = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [PYTHON, "manage.py", *args], cwd=project, env=env, stdout=out, stderr=err
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            if now >= next_sample:
                tree_kb = max(tree_kb, tree_pss_kb(proc.pid))
                next_sample = now + SAMPLE_EVERY
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    rss_kb = int(usage.ru_maxrss)
    sample = Sample(wall, rss_kb, proc.returncode, cpu, max(tree_kb, 0))
    return sample, stdout, stderr


#: seconds between two samples of a command's memory (reading smaps costs CPU)
SAMPLE_EVERY = 0.05


def tree_pss_kb(pid: int) -> int:
    """The summed PSS of ``pid`` and its descendants now (0 without ``/proc``)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError):  # gone meanwhile, or no /proc
            continue
    return total


def count_round_trips(project: Path, vendor: str, timeout: float) -> dict[str, Any]:
    proc = subprocess.run(
        [PYTHON, str(BENCH_DIR / "count_queries.py"), *COMMANDS[CHECK].args],
        cwd=project,
        env=project_env(project, vendor, dbs.db_name(_n(project), vendor)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _n(project: Path) -> int:
    return int(project.name)


def bench_vendor(
    project: Path,
    n: int,
    vendor: str,
    commands: list[str],
    runs: int,
    timeout: float,
    legacy_runs: int | None = None,
) -> dict[str, Cell]:
    """Interleaved rounds: the checks ``runs`` times, the legacy pair ``legacy_runs`` times.

    Each group starts with one untimed warm-up round (bytecode, page cache,
    server caches) whose output is kept to report the result.  The order of
    the commands rotates from round to round.
    """
    cells = {name: Cell() for name in commands}
    main_db, legacy_db = dbs.db_name(n, vendor), dbs.db_name(n, vendor, legacy=True)
    groups = [
        ([c for c in commands if not COMMANDS[c].legacy], runs),
        ([c for c in commands if COMMANDS[c].legacy], runs if legacy_runs is None else legacy_runs),
    ]
    for group, group_runs in groups:
        if not group or group_runs < 1:
            continue
        for round_ in range(group_runs + 1):
            shift = round_ % len(group)
            for name in group[shift:] + group[:shift]:
                command = COMMANDS[name]
                if command.legacy:
                    dbs.empty_migrations(vendor, legacy_db)
                db = legacy_db if command.legacy else main_db
                sample, stdout, stderr = run_once(project, vendor, db, command, timeout)
                cell = cells[name]
                if round_ == 0:
                    cell.first_output, cell.first_error = stdout, stderr
                    if sample.status != 0:
                        log(f"  {name} exited {sample.status}: {_tail(stderr or stdout)}")
                    continue
                cell.samples.append(sample)
    return cells


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"


def _check_summary(cell: Cell) -> str:
    """In sync?  A false positive on a database migrate built is a bug."""
    try:
        doc = json.loads(cell.first_output)
    except ValueError:
        return f"no JSON ({_tail(cell.first_error or cell.first_output)})"
    found = [d for db in doc.get("databases", []) for d in db.get("discrepancies", [])]
    if not found:
        return "in sync"
    kinds: dict[str, int] = {}
    for d in found:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    sample = found[0].get("message", "")
    return f"DRIFT REPORTED {kinds} e.g. {sample}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def print_vendor(n: int, vendor: str, cells: dict[str, Cell], trips: dict[str, Any]) -> None:
    out = sys.stdout.write
    counts = "/".join(str(k) for k in sorted({len(c.samples) for c in cells.values()}))
    out(f"\nN={n}  {vendor}  (timed runs: {counts}; load {os.getloadavg()[0]:.2f})\n")
    out(
        f"  {'command':<48} {'wall median':>11} {'min':>7} {'max':>7} {'CPU':>7}"
        f" {'peak RSS':>9} {'all PSS':>8}  exit\n"
    )
    for name, cell in cells.items():
        if not cell.samples:
            continue
        walls = [s.wall for s in cell.samples]
        out(
            f"  {COMMANDS[name].label:<48} {cell.wall:>9.2f} s {min(walls):>7.2f} "
            f"{max(walls):>7.2f} {cell.cpu:>7.2f} {cell.rss_mb:>6.0f} MB {cell.tree_mb:>5.0f} MB"
            f"  {cell.statuses}\n"
        )
    if CHECK in cells:
        out(f"  check result: {_check_summary(cells[CHECK])}\n")
    if CHECK_ONE in cells:
        out(f"  check result in one process: {_check_summary(cells[CHECK_ONE])}\n")
    if SYNC in cells:
        out(f"  sync result: {_check_summary(cells[SYNC])}\n")
    if CHECK in cells and MAKEMIGRATIONS in cells:
        c, m = cells[CHECK], cells[MAKEMIGRATIONS]
        out(
            f"  check / makemigrations --check: wall {_ratio(c.wall, m.wall)} "
            f"(target <= 1.0x at 1000), CPU {_ratio(c.cpu, m.cpu)}, "
            f"memory {_ratio(c.tree_mb, m.tree_mb)} (target <= 1.5x at 2000)\n"
        )
    if CHECK_ONE in cells and MAKEMIGRATIONS in cells:
        c, m = cells[CHECK_ONE], cells[MAKEMIGRATIONS]
        out(
            f"  the same in one process: wall {_ratio(c.wall, m.wall)}, "
            f"CPU {_ratio(c.cpu, m.cpu)}, memory {_ratio(c.tree_mb, m.tree_mb)}\n"
        )
    if CHECK in cells and MIGRATE_CHECK in cells:
        c, m = cells[CHECK], cells[MIGRATE_CHECK]
        out(f"  check / migrate --check: wall {_ratio(c.wall, m.wall)}\n")
    if MIGRATE_CHECK_DJM in cells and MIGRATE_CHECK in cells:
        m, p = cells[MIGRATE_CHECK_DJM], cells[MIGRATE_CHECK]
        out(
            "  migrate --check with / without djmigrator installed: "
            f"wall {_ratio(m.wall, p.wall)}\n"
        )
    if SYNC in cells and FAKE_INITIAL in cells:
        s, f = cells[SYNC], cells[FAKE_INITIAL]
        out(
            f"  sync / migrate --fake-initial: wall {_ratio(s.wall, f.wall)} "
            f"(target <= 1.5x at 1000), CPU {_ratio(s.cpu, f.cpu)}, "
            f"memory {_ratio(s.tree_mb, f.tree_mb)}\n"
        )
    if trips:
        if "error" in trips:
            out(f"  round trips of the check: could not count ({trips['error']})\n")
        else:
            rt = trips["round_trips"]
            out(
                f"  round trips of the check: {rt if rt is not None else 'n/a (in process)'}"
                f" (statements {trips['dbapi']}, transaction commands {trips['tx']};"
                f" via Django {trips['django']}, via SQLAlchemy {trips['sqlalchemy']};"
                f" in {trips.get('processes', 1)} process(es))\n"
            )
            for shape, count in trips["shapes"][:5]:
                out(f"      {count:>6} x {shape}\n")
    sys.stdout.flush()


def print_summary(results: dict[int, dict[str, dict[str, Any]]]) -> None:
    out = sys.stdout.write
    out("\nSummary (medians; ratios side by side in this run)\n")
    sizes = sorted(results)
    for vendor in dbs.VENDORS:
        rows = [(n, results[n][vendor]) for n in sizes if vendor in results[n]]
        if not rows:
            continue
        out(f"  {vendor}\n")
        for n, r in rows:
            w = r["wall"]
            parts = [f"N={n:<5}"]
            if CHECK in w and MAKEMIGRATIONS in w:
                parts.append(
                    f"check {w[CHECK]:.2f}s / makemigrations {w[MAKEMIGRATIONS]:.2f}s "
                    f"= {_ratio(w[CHECK], w[MAKEMIGRATIONS])}"
                )
            cpu = r.get("cpu", {})
            if CHECK in cpu and MAKEMIGRATIONS in cpu:
                parts.append(f"CPU {_ratio(cpu[CHECK], cpu[MAKEMIGRATIONS])}")
            if SYNC in w and FAKE_INITIAL in w:
                parts.append(f"sync / fake-initial = {_ratio(w[SYNC], w[FAKE_INITIAL])}")
            mem = r["tree_mb"]
            if CHECK in mem and MAKEMIGRATIONS in mem:
                parts.append(f"memory {_ratio(mem[CHECK], mem[MAKEMIGRATIONS])}")
            if CHECK_ONE in w and MAKEMIGRATIONS in w:
                parts.append(
                    f"in one process {_ratio(w[CHECK_ONE], w[MAKEMIGRATIONS])}"
                    f" (CPU {_ratio(cpu[CHECK_ONE], cpu[MAKEMIGRATIONS])})"
                )
            if r.get("round_trips") is not None:
                parts.append(f"round trips {r['round_trips']}")
            out("    " + "; ".join(parts) + "\n")
        checks = {n: r["wall"].get(CHECK) for n, r in rows}
        cpus = {n: r.get("cpu", {}).get(CHECK) for n, r in rows}
        if checks.get(1000) and checks.get(2000):
            out(
                f"    check at 2000 / check at 1000 = {_ratio(checks[2000], checks[1000])}"
                f" wall, {_ratio(cpus[2000] or 0, cpus[1000] or 0)} CPU (target <= 2.2x)\n"
            )


def code_version() -> str:
    """The commit of the djmigrator checkout measured, and whether it had edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "djmigrator"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted djmigrator edits" if dirty else "")


def parse_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="250,1000,2000", help="numbers of models (comma separated)"
    )
    parser.add_argument("--vendors", default=",".join(dbs.VENDORS), help="sqlite,postgresql,mysql")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (after one warm-up)")
    parser.add_argument(
        "--sync-runs",
        type=int,
        help="timed rounds of the sync / fake-initial pair (default --runs)",
    )
    parser.add_argument("--no-sync", action="store_true", help="skip the sync / fake-initial pair")
    parser.add_argument(
        "--djmigrator-in-migrate",
        action="store_true",
        help="also time migrate --check with djmigrator installed (its system check)",
    )
    parser.add_argument("--no-round-trips", action="store_true", help="skip counting round trips")
    parser.add_argument(
        "--no-one-process",
        action="store_true",
        help="skip timing the check in one process (DJMIGRATOR['WORKERS'] = 1)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per command")
    parser.add_argument("--output", help="also write the results as JSON to this file")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="drop every cached djm_bench_* database and SQLite file, then exit",
    )
    args = parser.parse_args(argv)
    vendors = parse_list(args.vendors)
    unknown = set(vendors) - set(dbs.VENDORS)
    if unknown:
        parser.error(f"unknown vendor(s): {', '.join(sorted(unknown))}")
    if args.clean:
        for name in dbs.clean(vendors):
            sys.stdout.write(f"dropped {name}\n")
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = [int(s) for s in parse_list(args.sizes)]
    commands = [CHECK, CHECK_ONE, MAKEMIGRATIONS, MIGRATE_CHECK]
    if args.no_one_process:
        commands.remove(CHECK_ONE)
    if args.djmigrator_in_migrate:
        commands.append(MIGRATE_CHECK_DJM)
    has_sync = any(
        (REPO_DIR / "djmigrator" / where).is_file()
        for where in ("synchronization/sync.py", "sync.py")  # older checkouts
    )
    if has_sync and not args.no_sync:
        commands += [SYNC, FAKE_INITIAL]
    log(f"python {PYTHON}; {os.cpu_count()} CPUs; load {os.getloadavg()}; code {code_version()}")
    results: dict[int, dict[str, dict[str, Any]]] = {}
    for n in sizes:
        started = time.perf_counter()
        project = ensure_project(n)
        log(f"N={n}: project {project} ({time.perf_counter() - started:.1f}s)")
        results[n] = {}
        for vendor in vendors:
            started = time.perf_counter()
            dbs.ensure(project, n, vendor, args.timeout, log, legacy=SYNC in commands)
            log(f"N={n} {vendor}: databases ready ({time.perf_counter() - started:.1f}s); timing")
            cells = bench_vendor(
                project, n, vendor, commands, args.runs, args.timeout, args.sync_runs
            )
            trips: dict[str, Any] = {}
            if not args.no_round_trips:
                trips = count_round_trips(project, vendor, args.timeout)
            print_vendor(n, vendor, cells, trips)
            results[n][vendor] = {
                "wall": {k: c.wall for k, c in cells.items() if c.samples},
                "rss_mb": {k: c.rss_mb for k, c in cells.items() if c.samples},
                "tree_mb": {k: c.tree_mb for k, c in cells.items() if c.samples},
                "cpu": {k: c.cpu for k, c in cells.items() if c.samples},
                "samples": {
                    k: [[s.wall, s.cpu, s.rss_kb, s.tree_kb, s.status] for s in c.samples]
                    for k, c in cells.items()
                },
                "check": _check_summary(cells[CHECK]),
                "round_trips": trips.get("round_trips"),
                "round_trip_detail": trips,
                "load": os.getloadavg(),
            }
    print_summary(results)
    if args.output:
        doc = {"code": code_version(), "results": results}
        Path(args.output).write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
