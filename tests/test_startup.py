"""gdviz.startup: the collector paused while the window is built, the start-up objects kept."""

from __future__ import annotations

import gc

import pytest

from gdviz import startup


@pytest.fixture
def collector():
    """The collector as it was, and nothing left frozen, after the test."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_pause_stops_collections_until_settle(collector):
    gc.enable()
    startup.pause()
    startup.pause()  # again: still paused, settle once is enough
    assert not gc.isenabled()
    seen: list[int] = []
    gc.callbacks.append(lambda phase, info: seen.append(info["generation"]))
    try:
        for _ in range(5000):  # several times the youngest generation's threshold
            a: list[object] = []
            a.append(a)
        assert seen == []
        startup.settle()
        assert gc.isenabled()
    finally:
        gc.callbacks.pop()


def test_settle_keeps_what_is_alive_out_of_later_collections(collector):
    gc.unfreeze()
    kept = [[i] for i in range(1000)]
    startup.pause()
    startup.settle()
    assert gc.get_freeze_count() >= len(kept)
    young = [[i] for i in range(10)]
    gc.collect()
    walked = {id(x) for g in range(3) for x in gc.get_objects(generation=g)}
    assert not walked & {id(x) for x in kept}  # in no generation a collection walks
    assert {id(x) for x in young} <= walked  # what came after is collected as usual
