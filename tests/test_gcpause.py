"""``gcpause``: the older objects frozen during a comparison, batches collected."""

from __future__ import annotations

import gc
import sys
import threading
import time
import weakref
from collections.abc import Iterator

import pytest

from djmigrator.comparison import gcpause
from djmigrator.comparison.gcpause import older_objects_frozen, one_batch

#: before any test switches it
ACTIVE_BY_DEFAULT = gcpause.active


def assert_frozen(expected: int) -> None:
    """The frozen generation holds ``expected`` objects.  On Python 3.12 a full
    collection anywhere in the process (another thread's) moves the immortal
    objects it meets there too (a few hundred; see ``gcpause``)."""
    found = gc.get_freeze_count()
    if sys.version_info[:2] == (3, 12):
        assert abs(found - expected) < 1000, (found, expected)
    else:
        assert found == expected, (found, expected)


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture(autouse=True)
def tricks_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism, tested on every Python (``bench/gcpause.py`` decides where it is on)."""
    # a collection that another thread runs (a comparison or a database drop
    # an earlier test left going) would free this test's cycles: let them end
    deadline = time.monotonic() + 30
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    monkeypatch.setattr(gcpause, "active", True)
    # a clean collector: no freeze or pause left by a test that ran earlier
    gc.unfreeze()
    gc.enable()


def test_used_on_every_python() -> None:
    assert ACTIVE_BY_DEFAULT is True


def test_off_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpause, "active", False)
    before = gc.get_freeze_count()
    with older_objects_frozen(), one_batch():
        assert_frozen(before)
        assert gc.isenabled()


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_older_objects_frozen_and_thawed(collector_off: None) -> None:
    before = gc.get_freeze_count()
    with older_objects_frozen():
        assert gc.get_freeze_count() > before
        with older_objects_frozen():  # nested: one freeze
            pass
        assert gc.get_freeze_count() > before
    # all thawed (Python 3.12's start-up freeze too: ``gcpause``'s baseline)
    assert gc.get_freeze_count() == 0


def test_a_batch_is_collected_at_its_end(collector_off: None) -> None:
    gc.enable()
    with older_objects_frozen():
        with one_batch():
            assert not gc.isenabled()  # paused during the batch
            garbage = cycle()
        assert gc.isenabled()
        assert garbage() is None


def test_survivors_frozen(collector_off: None) -> None:
    with older_objects_frozen():
        frozen = gc.get_freeze_count()
        with one_batch():
            kept = Node()
        assert gc.get_freeze_count() > frozen
        assert kept.me is kept
    assert gc.get_freeze_count() == 0


def test_nested_batches_of_two_threads(collector_off: None) -> None:
    """Two aliases compared in two threads: the collector resumes after the last batch."""
    gc.enable()
    with older_objects_frozen():
        first = one_batch()
        second = one_batch()
        first.__enter__()
        second.__enter__()
        frozen = gc.get_freeze_count()
        first.__exit__(None, None, None)
        assert not gc.isenabled()
        assert_frozen(frozen)  # the other batch's objects stay collectable
        second.__exit__(None, None, None)
        assert gc.isenabled()


def test_outside_a_freeze_the_collector_keeps_its_schedule(collector_off: None) -> None:
    """Unfrozen, a full collection would walk every object the process holds."""
    before = gc.get_freeze_count()
    garbage = cycle()
    with one_batch():
        pass
    assert garbage() is not None
    assert_frozen(before)
    gc.collect()
    assert garbage() is None


def test_a_host_process_freeze_is_left_alone(collector_off: None) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with older_objects_frozen():
            garbage = cycle()
            with one_batch():  # not our freeze: not ours to manage
                pass
            assert garbage() is not None
        assert_frozen(frozen)
    finally:
        gc.unfreeze()
