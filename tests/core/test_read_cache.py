"""Kept answers to reads (mockserver.read_cache) never lie: a read asked again is answered from what the
first one sent only while nothing can have changed it. Each test makes a change by one route (a
provider's write, the control plane, another tenant, time passing on a running clock, a fault) and checks
the next read shows it; the first shows that a kept answer is really used (the handler runs once)."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from mockserver import clock as clock_module
from tests.support import client_for, make_app

LIST = "/loop-messaging/v1/messaging/campaigns"
BASE = "/loop-messaging/v1/messaging/campaigns"


def created(client, brand: str, name: str = "n") -> dict:
    answer = client.post(BASE, json={"brand_id": brand, "name": name, "segment_id": "seg_vip"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def listed(client, brand: str) -> dict[str, str]:
    answer = client.get(LIST, params={"brand_id": brand})
    assert answer.status_code == 200, answer.text
    return {item["id"]: item["status"] for item in answer.json()["items"]}


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def client(app):
    return client_for(app, "read-cache")


def test_a_read_asked_again_is_answered_from_the_kept_answer_and_journaled_each_time(app, client):
    handlers = app.state.runtime.providers["loop-messaging"].handlers
    original, runs = handlers["listMessagingCampaigns"], itertools.count()

    def counting(call):
        next(runs)
        return original(call)

    handlers["listMessagingCampaigns"] = counting
    created(client, "brand_cache")
    bodies = [client.get(LIST, params={"brand_id": "brand_cache"}).content for _ in range(3)]
    assert len(set(bodies)) == 1 and b"brand_cache" in bodies[0]
    assert next(runs) == 1  # the handler ran once: the two others were the kept answer
    journal = client.get("/__mock/requests", params={"operationId": "listMessagingCampaigns"}).json()["requests"]
    assert len(journal) == 3 and {entry["response"]["items"][0]["brand_id"] for entry in journal} == {"brand_cache"}


def test_a_providers_write_is_seen_by_the_next_read(client):
    first = created(client, "brand_w")
    assert listed(client, "brand_w") == {first["id"]: "draft"}
    second = created(client, "brand_w")
    assert listed(client, "brand_w") == {first["id"]: "draft", second["id"]: "draft"}
    scheduled = client.post(f"{BASE}/{first['id']}/schedule", json={"scheduled_at": "2999-01-01T00:00:00.000Z"})
    assert scheduled.status_code == 200, scheduled.text
    assert listed(client, "brand_w")[first["id"]] == "scheduled"


def test_a_control_plane_change_is_seen_by_the_next_read(client):
    campaign = created(client, "brand_c")
    assert listed(client, "brand_c") == {campaign["id"]: "draft"}
    put = client.put(f"/__mock/loop-messaging/campaigns/{campaign['id']}", json={**campaign, "name": "renamed"})
    assert put.status_code == 200, put.text
    items = client.get(LIST, params={"brand_id": "brand_c"}).json()["items"]
    assert [item["name"] for item in items] == ["renamed"]
    assert client.delete(f"/__mock/loop-messaging/campaigns/{campaign['id']}").status_code in (200, 204)
    assert listed(client, "brand_c") == {}


def test_one_tenants_kept_answer_is_never_another_tenants(app, client):
    other = client_for(app, "read-cache-other")
    mine = created(client, "brand_shared")
    assert listed(client, "brand_shared") == {mine["id"]: "draft"}
    assert listed(other, "brand_shared") == {}
    theirs = created(other, "brand_shared")
    assert listed(client, "brand_shared") == {mine["id"]: "draft"}
    assert listed(other, "brand_shared") == {theirs["id"]: "draft"}


def test_an_answer_the_clock_moves_is_never_kept(monkeypatch, client):
    """A running clock moves a scheduled campaign with no call in between: the read must show it."""
    moment = [datetime.now(UTC).timestamp()]
    monkeypatch.setattr(clock_module.time, "time", lambda: moment[0])
    campaign = created(client, "brand_t")
    due = datetime.fromtimestamp(moment[0], UTC) + timedelta(seconds=30)
    at = due.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert client.post(f"{BASE}/{campaign['id']}/schedule", json={"scheduled_at": at}).status_code == 200
    assert listed(client, "brand_t") == {campaign["id"]: "scheduled"}
    assert listed(client, "brand_t") == {campaign["id"]: "scheduled"}
    moment[0] += 3600  # an hour passes; nobody calls the mock meanwhile
    assert listed(client, "brand_t")[campaign["id"]] != "scheduled"


def test_an_armed_fault_answers_a_read_that_was_kept(client):
    created(client, "brand_f")
    listed(client, "brand_f")
    armed = client.post("/__mock/faults", json={"provider": "loop-messaging", "operationId": "listMessagingCampaigns",
                                                "status": 400, "times": 1})
    assert armed.status_code in (200, 201), armed.text
    assert client.get(LIST, params={"brand_id": "brand_f"}).status_code == 400
    assert client.get(LIST, params={"brand_id": "brand_f"}).status_code == 200


def test_a_reset_forgets_kept_answers(client):
    campaign = created(client, "brand_r")
    assert listed(client, "brand_r") == {campaign["id"]: "draft"}
    assert client.post("/__mock/reset").status_code in (200, 204)
    assert listed(client, "brand_r") == {}
