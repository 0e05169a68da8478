"""One clock reading per call (issue 17, point 1): while a call's handler runs, every "now" it reads is the
same instant, and so is the time its journal entry gets; the next call reads the clock again, and a stored
clock never keeps a call's reading. Real time is made to move a millisecond at every reading, so two
readings within one call would show."""

import itertools

import pytest

from mockserver import clock as clock_module
from mockserver.clock import Clock
from tests.support import client_for, make_app


@pytest.fixture
def ticking(monkeypatch):
    ticks = itertools.count()
    start = clock_module.time.time()
    monkeypatch.setattr(clock_module.time, "time", lambda: start + next(ticks) / 1000)


def test_a_call_reads_the_clock_once_and_the_next_call_again(ticking):
    client = client_for(make_app(), "clock-pin")
    times = []
    for campaign in ("cmp_draft", "cmp_scheduled"):
        answer = client.post(f"/loop-comms/v1/admin/campaigns/{campaign}/cancel")
        assert answer.status_code == 200, answer.text
        entry = client.get("/__mock/requests", params={"latest": 1}).json()["requests"][0]
        shown = answer.json()["campaign"]
        assert shown["cancelled_at"] == shown["updated_at"] == entry["time"]
        times.append(entry["time"])
    assert times[0] < times[1]


def test_a_stored_clock_keeps_no_reading():
    clock = Clock()
    clock.pin()
    assert set(clock.__getstate__()) == {"_offset", "_frozen_at"}
    clock.advance(60)  # a call that moves its own clock reads it again
    moved = clock.now()
    clock.unpin()
    assert abs((clock.now() - moved).total_seconds()) < 5
