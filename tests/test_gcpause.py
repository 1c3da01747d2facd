"""``gcpause``: the older objects frozen during a comparison, batches collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from djmigrator.gcpause import batch_done, older_objects_frozen


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


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
    assert gc.get_freeze_count() == before


def test_batch_done_collects_a_finished_batch(collector_off: None) -> None:
    with older_objects_frozen():
        garbage = cycle()
        assert garbage() is not None
        batch_done()
        assert garbage() is None


def test_batch_done_outside_a_freeze_leaves_it_to_the_schedule(collector_off: None) -> None:
    """Unfrozen, a full collection would walk every object the process holds."""
    garbage = cycle()
    batch_done()
    assert garbage() is not None
    gc.collect()
    assert garbage() is None


def test_a_host_process_freeze_is_left_alone(collector_off: None) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with older_objects_frozen():
            garbage = cycle()
            batch_done()  # not our freeze: not ours to collect around either
            assert garbage() is not None
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
