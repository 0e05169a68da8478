"""The tenant clock: real time by default; frozen, set and advanced through /__mock/clock; per tenant; the
thing every entity's progress is computed from."""

from datetime import UTC, datetime, timedelta

import pytest

from mockserver.clock import Clock, iso, parse_iso
from tests.support import client_for

SEND = "/loop-comms/v1/admin/campaigns/cmp_draft/send"


def now_of(client) -> str:
    response = client.get("/__mock/clock")
    assert response.status_code == 200, response.text
    return response.json()["now"]


def test_a_new_tenant_runs_on_real_time(client):
    clock = client.get("/__mock/clock").json()
    assert clock["frozen"] is False
    assert abs(parse_iso(clock["now"]) - datetime.now(UTC)) < timedelta(hours=1)


def test_freeze_stops_the_clock(client):
    frozen = client.post("/__mock/clock", json={"freeze": True}).json()
    assert frozen["frozen"] is True
    assert now_of(client) == now_of(client) == frozen["now"]


def test_set_then_advance(client):
    answer = client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    assert answer.json() == {"now": "2030-01-01T00:00:00.000Z", "frozen": True}
    assert client.post("/__mock/clock", json={"advance": 90.5}).json()["now"] == "2030-01-01T00:01:30.500Z"
    assert client.post("/__mock/clock", json={"advance": 0}).json()["now"] == "2030-01-01T00:01:30.500Z"
    assert client.post("/__mock/clock", json={"advance": 86400}).json()["now"] == "2030-01-02T00:01:30.500Z"
    assert now_of(client) == "2030-01-02T00:01:30.500Z"


def test_set_understands_offsets(client):
    client.post("/__mock/clock", json={"freeze": True})
    assert client.post("/__mock/clock", json={"now": "2030-01-01T02:00:00+02:00"}).json()["now"] == \
        "2030-01-01T00:00:00.000Z"


def test_a_set_clock_that_is_not_frozen_runs_on_from_there(client):
    target = datetime(2030, 1, 1, tzinfo=UTC)
    answer = client.post("/__mock/clock", json={"now": iso(target)}).json()
    assert answer["frozen"] is False
    later = parse_iso(now_of(client))
    assert target <= later < target + timedelta(hours=1)
    client.post("/__mock/clock", json={"advance": 3600})
    assert parse_iso(now_of(client)) >= target + timedelta(hours=1)


def test_unfreezing_resumes_from_the_frozen_moment(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    answer = client.post("/__mock/clock", json={"freeze": False}).json()
    assert answer["frozen"] is False
    assert datetime(2030, 1, 1, tzinfo=UTC) <= parse_iso(answer["now"]) < datetime(2030, 1, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("body", [{}, {"advance": -1}, {"advance": "10"}, {"now": "yesterday"},
                                  {"now": "2030-13-01T00:00:00Z"}, {"freeze": "yes"}, {"rewind": 5}, [1]],
                         ids=["empty", "negative", "string", "not-a-date", "month-13", "freeze-string", "unknown-key",
                              "array"])
def test_bad_clock_bodies_are_422_and_change_nothing(client, body):
    client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    response = client.post("/__mock/clock", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert client.get("/__mock/clock").json() == {"now": "2030-01-01T00:00:00.000Z", "frozen": True}


def test_each_tenant_has_its_own_clock(app, client):
    other = client_for(app, "clock-other-tenant")
    client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    assert other.get("/__mock/clock").json()["frozen"] is False
    assert other.get("/__mock/clock").json()["now"] != "2030-01-01T00:00:00.000Z"


def test_reset_brings_back_real_time(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    client.post("/__mock/reset")
    clock = client.get("/__mock/clock").json()
    assert clock["frozen"] is False and not clock["now"].startswith("2030")


def test_progress_follows_the_tenant_clock_only(app):
    client = client_for(app, "clock-progress")
    client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"})
    # 100 recipients a second by default: three are done 30 ms after the start, and not before.
    recipients = [{"person_id": f"p{i}", "recipient": f"u{i}@example.com"} for i in range(3)]
    assert client.post(SEND, json={"recipients": recipients}).status_code == 200
    history = "/loop-comms/v1/admin/campaigns/cmp_draft/history"
    assert client.get(history).json()["sends"][0]["sent"] == 0
    client.post("/__mock/clock", json={"advance": 0.02})
    assert client.get(history).json()["sends"][0]["sent"] == 2
    client.post("/__mock/clock", json={"advance": 1})
    [send] = client.get(history).json()["sends"]
    assert (send["sent"], send["status"], send["completed_at"]) == (3, "completed", "2030-01-01T00:00:00.030Z")
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["sent_at"] == "2030-01-01T00:00:00.030Z"


# -- the Clock itself ------------------------------------------------------------------------------------


def test_clock_unit():
    clock = Clock()
    assert not clock.frozen
    clock.freeze(True)
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    clock.advance(1.25)
    assert iso(clock.now()) == "2030-01-01T00:00:01.250Z"
    clock.freeze(True)  # freezing twice keeps the moment
    assert iso(clock.now()) == "2030-01-01T00:00:01.250Z"
    clock.freeze(False)
    assert clock.now() >= datetime(2030, 1, 1, 0, 0, 1, 250000, tzinfo=UTC)


def test_iso_and_parse_iso_round_trip():
    moment = datetime(2030, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    assert iso(moment) == "2030-05-06T07:08:09.123Z"
    assert parse_iso(iso(moment)) == moment
    assert parse_iso("2030-05-06T07:08:09") == datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)  # naive is UTC
    assert iso(None) is None
