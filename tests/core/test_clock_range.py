"""The clock holds only instants every provider can compute with (issue 12, defect 2): 1970-01-01T00:00:00Z
to 9000-12-31T23:59:59Z. A `now`, an `advance` or both that would leave that range are refused 422 in
the control plane's error shape and change nothing; the tenant answers every call afterwards; a running
clock stops at the end; providers answer contract-valid dates at both ends of the range."""

import time
from datetime import UTC, datetime

import pytest

from mockserver import clock as clock_module
from mockserver.clock import Clock, ClockOutOfRange
from tests.support import client_for, make_app


@pytest.fixture(scope="module")
def app():
    """One app for the module (each test has its own tenant): building one per test costs a second."""
    app = make_app()
    yield app
    assert app.state.runtime.violations.total == 0, dict(app.state.runtime.violations.counts)

START = {"now": "2030-01-01T00:00:00.000Z", "frozen": True}
# The issue's three (each made every later call of the tenant a 500), and its advance past the year 9999
# in one body.
REPROS = {
    "year-9999-then-advance": {"freeze": True, "now": "9999-12-31T23:59:59Z"},
    "year-0-by-offset": {"freeze": True, "now": "0001-01-01T00:00:00+01:00"},
    "year-10000-by-offset": {"freeze": True, "now": "9999-12-31T23:59:59-01:00"},
    "advance-past-the-end": {"freeze": True, "now": "8999-12-31T23:59:59Z", "advance": 315360000},
}
# A read of every provider and of the control plane: what the broken tenant answered 500 to.
READS = ["/__mock/clock", "/__mock/state", "/loop-comms/v1/admin/campaigns/cmp_draft/history",
         "/loop-messaging/v1/messaging/campaigns?brand_id=brand_acme", "/__mock/commcom/campaigns/"
         "0b8f5a8e-2c1d-4e7a-9a51-6f0c1e2d3a01", "/bsg/api/campaigns?filter[type]=rcs"]


def assert_tenant_answers(client) -> None:
    for path in READS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("application/json")


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error" and field in body["details"], body
    if field == "advance":  # a `now` out of range is refused by the contract's pattern, before the handler
        assert "9000-12-31T23:59:59" in body["message"]


@pytest.mark.parametrize("body", list(REPROS.values()), ids=list(REPROS))
def test_the_issues_clock_values_are_refused_and_the_tenant_keeps_working(client, body):
    assert client.post("/__mock/clock", json={"freeze": True, "now": "2030-01-01T00:00:00Z"}).json() == START
    refused(client.post("/__mock/clock", json=body), "advance" if "advance" in body else "now")
    assert client.get("/__mock/clock").json() == START
    assert client.post("/__mock/clock", json={"advance": 1}).status_code == 200
    assert_tenant_answers(client)


def test_an_advance_past_the_end_is_refused_and_changes_nothing(client):
    assert client.post("/__mock/clock", json={"freeze": True, "now": "8999-12-31T00:00:00Z"}).status_code == 200
    refused(client.post("/__mock/clock", json={"advance": 315360000}), "advance")
    assert client.get("/__mock/clock").json() == {"now": "8999-12-31T00:00:00.000Z", "frozen": True}
    # Up to the last millisecond of the range is fine, and the tenant still answers everywhere.
    to_the_end = (datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC)
                  - datetime(8999, 12, 31, tzinfo=UTC)).total_seconds()
    assert client.post("/__mock/clock", json={"advance": to_the_end}).json()["now"] == "9000-12-31T23:59:59.000Z"
    refused(client.post("/__mock/clock", json={"advance": 0.01}), "advance")
    assert client.get("/__mock/clock").json()["now"] == "9000-12-31T23:59:59.000Z"
    assert_tenant_answers(client)


def test_a_refused_body_applies_none_of_its_parts(client):
    # freeze and now are legal, the advance after them is not: the clock stays unfrozen where it was.
    response = client.post("/__mock/clock", json={"freeze": True, "now": "8999-06-01T00:00:00Z", "advance": 315360000})
    refused(response, "advance")
    clock = client.get("/__mock/clock").json()
    assert clock["frozen"] is False and not clock["now"].startswith("8999")


@pytest.mark.parametrize("now", ["1971-01-01T00:00:00+23:59", "8999-12-31T23:59:59-23:59", "1971-01-01T00:00:00Z",
                                 "8999-12-31T23:59:59.999Z"])
def test_every_time_the_contract_lets_through_is_accepted(client, now):
    # The contract's pattern (years 1971-8999 as written) keeps fuzzers inside the range whatever the offset.
    response = client.post("/__mock/clock", json={"freeze": True, "now": now})
    assert response.status_code == 200, response.text
    assert_tenant_answers(client)


@pytest.mark.parametrize("now", ["1970-12-31T23:59:59Z", "9000-01-01T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_years_outside_the_contracts_pattern_are_refused_by_the_contract(client, now):
    response = client.post("/__mock/clock", json={"freeze": True, "now": now})
    assert response.status_code == 422 and response.json()["error"] == "validation_error", response.text
    assert client.get("/__mock/clock").json()["frozen"] is False


def test_the_contract_says_the_range(app):
    schema = app.state.runtime.contracts["control"].by_id["setClock"].body
    assert schema.is_valid({"now": "8999-12-31T23:59:59Z"}) and schema.is_valid({"now": "1971-01-01T00:00:00Z"})
    assert not schema.is_valid({"now": "9000-01-01T00:00:00Z"}) and not schema.is_valid({"now": "1970-06-01T00:00:00Z"})
    assert not schema.is_valid({"advance": 315360001}) and not schema.is_valid({"advance": -1})


def test_a_running_clock_stops_at_the_end_of_the_range(monkeypatch):
    clock = Clock()
    clock.set(datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC))
    real = time.time()
    monkeypatch.setattr(clock_module.time, "time", lambda: real + 86400 * 365)  # a year of real time passes
    assert clock.now() == datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(ClockOutOfRange):
        clock.advance(1)
    clock.freeze(True)
    assert clock.now() == datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_the_clock_itself_refuses_instants_outside_the_range():
    clock = Clock()
    clock.freeze(True)
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    for moment in (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(9001, 1, 1, tzinfo=UTC)):
        with pytest.raises(ClockOutOfRange):
            clock.set(moment)
    with pytest.raises(ClockOutOfRange):
        clock.advance(-1e12)
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


# -- the providers at both ends of the range ---------------------------------------------------------


# The earliest and the latest instants a client can put the clock at.
ENDS = {"earliest": ({"freeze": True, "now": "1971-01-01T00:00:00+23:59"}, "1970-12-31T00:01:00.000Z"),
        "latest": ({"freeze": True, "now": "8999-12-31T23:59:59Z", "advance": 31536000}, "9000-12-31T23:59:59.000Z")}


@pytest.mark.parametrize("end", list(ENDS))
def test_every_provider_works_at_the_ends_of_the_range(app, end):
    body, now = ENDS[end]
    client = client_for(app, f"range-{end}")
    assert client.post("/__mock/clock", json=body).json() == {"now": now, "frozen": True}
    # BSG: create (moderation, a 30-day window), read, list, stop: contract-valid dates (strict mode).
    created = client.post("/bsg/api/campaigns/rcs/send-groups",
                          json={"groups": [101], "sender": "rcs_sender", "options": {"text": "hi"}})
    assert created.status_code == 200, created.text
    bsg_id = created.json()["data"]["id"]
    assert created.json()["data"]["created_at"][:4] == now[:4]
    assert client.put(f"/bsg/api/campaigns/{bsg_id}/stop").status_code == 200
    # loop-comms: create, send, history; loop-messaging: create, publish.
    comms = client.post("/loop-comms/v1/admin/campaigns",
                        json={"brand_id": "b", "name": "n", "subject": "s", "template_key": "t"}).json()["campaign"]
    assert client.post(f"/loop-comms/v1/admin/campaigns/{comms['id']}/send",
                       json={"recipients": [{"person_id": "p", "recipient": "a@b.co"}]}).status_code == 200
    messaging = client.post("/loop-messaging/v1/messaging/campaigns",
                            json={"brand_id": "b", "name": "n", "segment_id": "seg_vip"})
    assert messaging.status_code == 201, messaging.text
    published = client.post(f"/loop-messaging/v1/messaging/campaigns/{messaging.json()['id']}/publish",
                            json={"recipients": [{"person_id": "p", "recipient": "a@b.co"}]})
    assert published.status_code == 202, published.text
    # commcom: a multistep send whose steps would run past the year 9999 at the latest end.
    put = client.put("/__mock/commcom/sends/5e2d7c40-8a3b-4f19-b6e2-0d4c9a7e1099",
                     json={"sms_campaign_id": "0b8f5a8e-2c1d-4e7a-9a51-6f0c1e2d3a01",
                           "meta": {"send_type": "multistep",
                                    "multistep_data": {"step_size": 1, "step_delay": 5_000_000, "max_sms_to_send": 1000}}})
    assert put.status_code == 200, put.text
    assert client.post("/__mock/clock", json={"advance": 0}).status_code == 200
    assert_tenant_answers(client)
