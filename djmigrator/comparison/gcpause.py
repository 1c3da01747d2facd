"""Keep Python's cyclic garbage collector off the objects that were there before.

A comparison creates and drops tens of thousands of SQLAlchemy objects; every
full collection it triggers would also walk everything the process already
holds (Django's models, the app registry), which cost about a fifth of a
comparison's time at 1,000 models.  ``gc.freeze()`` moves those older objects
out of the collector's way for the duration (new garbage is still collected,
so memory stays bounded); ``gc.unfreeze()`` puts them back.  A process that
froze objects itself (a pre-fork server) is left alone.  Python 3.12 keeps
its immortal objects in the frozen generation (a few hundred at start-up, put
back there by every full collection): up to as many as were frozen when this
module was imported is that baseline, not a host's freeze.

A batch of a comparison runs inside ``one_batch``: the collector is paused
while SQLAlchemy builds and compares the batch's tables (they are full of
reference cycles, which only the collector frees, and its young collections
would walk them again and again), and the batch's garbage is collected at
once at its end.  What survives a batch (PostgreSQL's bulk reflection of
every table) is then frozen too: every later collection would walk it again.
Only a check does this; a sync keeps objects of its own alive between its
comparisons, which a freeze would keep from the collector.

It pays on every Python this package supports.  An earlier measurement
(``bench/gcpause.py``) found it a wash on 3.13; since the comparison reads
checks, defaults and comments too, a 1,000-model check in one process on 3.13
spends 0.4-0.6 s in full collections without it, and runs 10-15% faster with
it (SQLite 2.76 s -> 2.48 s, PostgreSQL 3.20 s -> 2.72 s, four runs each).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: whether the tricks are used (see above; tests switch it)
active = True

_lock = threading.Lock()
_depth = 0
_owned = False  # the objects frozen now were frozen here
_paused = 0  # batches running in ``one_batch``
_was_enabled = True
#: objects frozen before anyone froze any (Python 3.12's immortal objects)
_baseline = gc.get_freeze_count()


def _frozen_by_host() -> bool:
    return gc.get_freeze_count() > _baseline


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    global _depth, _owned
    if not active:
        yield
        return
    with _lock:
        if _depth == 0 and _frozen_by_host():
            owner = False  # frozen by the host process: not ours to thaw
        else:
            owner = True
            if _depth == 0:
                gc.freeze()
                _owned = True
            _depth += 1
    try:
        yield
    finally:
        if owner:
            with _lock:
                _depth -= 1
                if _depth == 0:
                    _owned = False
                    gc.unfreeze()


@contextmanager
def one_batch() -> Iterator[None]:
    """One batch of a comparison (see above); only within our own freeze.

    Outside it, a full collection would walk every object the process holds:
    the collector keeps its own schedule there.
    """
    global _paused, _was_enabled
    if not _owned:
        yield
        return
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            last = _paused == 0
            if last and _was_enabled:
                gc.enable()
        gc.collect()
        if last:  # not another thread's batch in progress
            gc.freeze()
