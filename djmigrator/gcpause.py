"""Keep Python's cyclic garbage collector off the objects that were there before.

A comparison creates and drops tens of thousands of SQLAlchemy objects; every
full collection it triggers would also walk everything the process already
holds (Django's models, the app registry), which cost about a fifth of a
comparison's time at 1,000 models.  ``gc.freeze()`` moves those older objects
out of the collector's way for the duration (new garbage is still collected,
so memory stays bounded); ``gc.unfreeze()`` puts them back.  A process that
froze objects itself (a pre-fork server) is left alone.

Between two batches of a comparison, ``batch_done`` collects the finished
batch's garbage at once: SQLAlchemy's tables are full of reference cycles,
which only the collector frees, and left to its schedule they pile up over
several batches.  With the older objects frozen that collection costs no more
than the ones it replaces.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_owned = False  # the objects frozen now were frozen here


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    global _depth, _owned
    with _lock:
        if _depth == 0 and gc.get_freeze_count() > 0:
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


def batch_done() -> None:
    """Between two batches of a comparison (see above); only within our own freeze."""
    if _owned:  # else a full collection would walk every object: leave it to the schedule
        gc.collect()
