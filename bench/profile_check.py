"""Profile one command of the benchmark project (default: the check).

    /work/venv/bin/python bench/profile_check.py 1000 postgresql [--pyinstrument] [--top 40]
        [--workers 1] [-- smart_makemigrations --check --format json]

Uses the cached project and database of ``bench/run.py`` (run it first, or it
builds them).  With cProfile the profile is saved to
``bench/.cache/profiles/<N>-<vendor>.prof`` and the top functions by cumulative
and by own time are printed; with ``--pyinstrument`` (``pip install
pyinstrument``) its call tree is printed instead.  The comparison runs in one
process (``--workers 1``) unless told otherwise: a profiler does not follow
the worker processes.
"""

from __future__ import annotations

import argparse
import pstats
import subprocess
import sys
import time

import dbs
from generate import CACHE_DIR, PYTHON, ensure_project, project_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("vendor", choices=dbs.VENDORS)
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument call tree")
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.02,
        help="pyinstrument: hide frames under this fraction of the total",
    )
    parser.add_argument("--top", type=int, default=40, help="rows per cProfile listing")
    parser.add_argument(
        "--workers",
        default="1",
        help="DJMIGRATOR['WORKERS'] (default 1: a profiler sees only its own process)",
    )
    parser.add_argument(
        "--legacy",
        action="store_true",
        help="run on the adopted legacy copy (django_migrations emptied first)",
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    command = ["smart_makemigrations", "--check", "--format", "json"]
    if "--" in argv:  # manage.py arguments follow
        command = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    args = parser.parse_args(argv)
    project = ensure_project(args.size)
    dbs.ensure(
        project, args.size, args.vendor, 7200, lambda m: sys.stderr.write(m + "\n"), args.legacy
    )
    db = dbs.db_name(args.size, args.vendor, legacy=args.legacy)
    if args.legacy:
        dbs.empty_migrations(args.vendor, db)
    env = project_env(project, args.vendor, db)
    env["DJM_BENCH_WORKERS"] = args.workers
    out_dir = CACHE_DIR / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{args.size}-{args.vendor}-{'-'.join(a.lstrip('-') for a in command[:2])}"
    if args.pyinstrument:
        profiler = [
            PYTHON,
            "-m",
            "pyinstrument",
            "-r",
            "session",
            "-o",
            str(out_dir / f"{stem}.pyisession"),
        ]
    else:
        profiler = [PYTHON, "-m", "cProfile", "-o", str(out_dir / f"{stem}.prof")]
    started = time.perf_counter()
    proc = subprocess.run(
        [*profiler, "manage.py", *command],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    sys.stdout.write(
        f"exit {proc.returncode} in {time.perf_counter() - started:.2f}s (under the profiler)\n"
    )
    if args.pyinstrument:
        render = [PYTHON, "-m", "pyinstrument", "--load", str(out_dir / f"{stem}.pyisession")]
        subprocess.run(
            [
                *render,
                "-r",
                "text",
                "--no-color",
                "-p",
                f"processor_options.filter_threshold={args.threshold}",
            ],
            check=False,
        )
        return 0
    stats = pstats.Stats(str(out_dir / f"{stem}.prof"), stream=sys.stdout)
    stats.strip_dirs()
    sys.stdout.write("\n== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(args.top)
    sys.stdout.write("\n== by own time ==\n")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
