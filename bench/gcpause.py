"""Does ``djmigrator.comparison.gcpause`` pay on this Python?  The check with and without it.

    python bench/gcpause.py 1000 sqlite [--runs 5] [--workers 1]

Uses the cached project and database of ``bench/run.py`` (built if absent).
Runs ``smart_makemigrations --check`` in interleaved rounds with the collector
tricks on and off (``DJM_BENCH_GCPAUSE=off`` in the generated settings), one
untimed warm-up round first, and prints the medians of wall and CPU time (CPU
is the steadier figure on a loaded machine) and their ratio.  Both runs must
report the same result.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys

import dbs
from generate import ensure_project
from run import Command, log, run_once

CHECK = ["smart_makemigrations", "--check", "--format", "json"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("vendor", choices=dbs.VENDORS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="DJMIGRATOR['WORKERS']")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    project = ensure_project(args.size)
    dbs.ensure(project, args.size, args.vendor, args.timeout, log, legacy=False)
    db = dbs.db_name(args.size, args.vendor)
    command = Command("check", CHECK, workers=args.workers)
    samples: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
    outputs: dict[str, str] = {}
    for round_ in range(args.runs + 1):
        order = ["on", "off"] if round_ % 2 else ["off", "on"]
        for mode in order:
            import os

            os.environ["DJM_BENCH_GCPAUSE"] = mode
            sample, stdout, stderr = run_once(project, args.vendor, db, command, args.timeout)
            if sample.status not in (0, 1):
                sys.exit(f"{mode}: exited {sample.status}: {stderr[-500:]}")
            outputs.setdefault(mode, stdout)
            if round_:
                samples[mode].append((sample.wall, sample.cpu))
    if outputs["on"] != outputs["off"]:
        sys.exit("the two modes reported different results")
    print(
        f"Python {platform.python_version()}, N={args.size}, {args.vendor}, "
        f"WORKERS={args.workers}, {args.runs} rounds"
    )
    medians = {}
    for mode, values in samples.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        medians[mode] = (wall, cpu)
        print(f"  gcpause {mode:3}: wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    (won, con), (woff, coff) = medians["on"], medians["off"]
    print(f"  on/off: wall {won / woff:.2f}x   cpu {con / coff:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
