"""Fault injection at every point: the backlog of tests/test_sync_faults.py
synced on a fresh database per kill point, killed (SIGKILL) right after its
N-th write (N = 1, 1 + STEP, ... up to the writes of a whole sync), then re-run
to the end; prints, per vendor, the writes of a whole sync, the kill points
tried, how many ended in sync with every check of the test passing, and time.

    /work/venv313/bin/python bench/faults.py --vendors sqlite,postgresql,mysql --step 1
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults import sync_killed_after
from tests.synctools import Project
from tests.test_sync_faults import assert_backlog_done, prepare_backlog


def _fresh(vendor: str, root: Path) -> Project:
    project = Project(root, vendor)
    project.create_database()
    prepare_backlog(project)
    return project


def _writes(vendor: str, tmp: Path) -> int:
    """How many writes a whole sync of the backlog makes."""
    project = _fresh(vendor, tmp / "count")
    try:
        counter = tmp / "count.writes"
        os.environ["DJM_FAULTS_COUNT"] = str(counter)
        try:
            run = sync_killed_after(project, 10**9)
        finally:
            del os.environ["DJM_FAULTS_COUNT"]
        assert run.code == 0, str(run)
        return int(counter.read_text())
    finally:
        project.drop_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", default="sqlite,postgresql,mysql")
    parser.add_argument("--step", type=int, default=1, help="try every STEP-th kill point")
    parser.add_argument("--points", default="", help="only these kill points (e.g. 5,67)")
    args = parser.parse_args()
    for vendor in args.vendors.split(","):
        with tempfile.TemporaryDirectory(prefix="djm_faults_") as name:
            tmp = Path(name)
            total = _writes(vendor, tmp)
            points = list(range(1, total + 1, args.step))
            if args.points:
                points = [int(p) for p in args.points.split(",")]
            passed, failed = 0, []
            started = time.monotonic()
            for point in points:
                project = _fresh(vendor, tmp / f"k{point}")
                try:
                    killed = sync_killed_after(project, point)
                    final = project.sync()
                    assert final.code == 0, f"killed run: exit {killed.code}\n{final}"
                    assert final.report["in_sync"] is True, final.report["discrepancies"]
                    assert_backlog_done(project)
                    passed += 1
                except AssertionError:
                    failed.append(point)
                    print(f"{vendor}: kill point {point} failed:", file=sys.stderr)
                    traceback.print_exc()
                finally:
                    project.drop_database()
            elapsed = time.monotonic() - started
            print(
                f"{vendor:<10} writes in a whole sync: {total:>3}  kill points tried: "
                f"{len(points):>3}  ended in sync and intact: {passed:>3}  failed: "
                f"{failed or 'none'}  ({elapsed:.0f} s, {elapsed / len(points):.1f} s a point)",
                flush=True,
            )


if __name__ == "__main__":
    main()
