"""The control plane under /__mock (DESIGN.md): health, state, one entity (GET/PUT), reset, clock; its own
refusals in `{error, message}`."""

import asyncio
import re
import uuid

import httpx
import pytest

from tests.support import client_for

ENTITY = "/__mock/loop-comms/campaigns"
BASE = "/loop-comms/v1/admin/campaigns"
COMMCOM = "/commcom/api/v1/sms/campaigns"


def test_health_needs_no_token(anonymous):
    response = anonymous.get("/__mock/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_health_ignores_a_refused_token(app):
    assert client_for(app, "an-invalid-token").get("/__mock/health").status_code == 200


@pytest.mark.parametrize(("method", "path"), [("get", "/__mock/state"), ("post", "/__mock/reset"),
                                              ("get", "/__mock/clock"), ("get", f"{ENTITY}/cmp_draft"),
                                              ("put", f"{ENTITY}/cmp_draft")])
def test_everything_else_needs_a_token(app, anonymous, method, path):
    for client in (anonymous, client_for(app, "my-invalid-token")):
        response = client.request(method, path, json={} if method == "put" else None)
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_token"


def test_state_lists_every_provider_and_collection(app, client):
    state = client.get("/__mock/state").json()
    assert set(state) == set(app.state.runtime.providers)
    for pid, provider in app.state.runtime.providers.items():
        assert set(state[pid]) == set(provider.collections)
    ids = {c["id"]: c["status"] for c in state["loop-comms"]["campaigns"]}
    assert ids == {"cmp_draft": "draft", "cmp_draft_sms": "draft", "cmp_scheduled": "scheduled",
                   "cmp_sending": "sending", "cmp_sent": "sent", "cmp_cancelled": "cancelled"}


def test_state_follows_provider_calls(client):
    created = client.post(BASE, json={"brand_id": "b", "name": "n", "subject": "s", "template_key": "t"}).json()
    client.post(f"{BASE}/cmp_draft/cancel")
    campaigns = {c["id"]: c for c in client.get("/__mock/state").json()["loop-comms"]["campaigns"]}
    assert campaigns[created["campaign"]["id"]] == created["campaign"]
    assert campaigns["cmp_draft"]["status"] == "cancelled"


def test_get_entity_renders_it_as_the_provider_does(client):
    entity = client.get(f"{ENTITY}/cmp_scheduled")
    assert entity.status_code == 200, entity.text
    assert entity.json()["status"] == "scheduled" and entity.json()["scheduled_at"] == "2027-06-01T09:00:00.000Z"
    cancelled = client.post(f"{BASE}/cmp_scheduled/cancel").json()["campaign"]
    assert client.get(f"{ENTITY}/cmp_scheduled").json() == cancelled


@pytest.mark.parametrize("path", [f"{ENTITY}/cmp_nope", "/__mock/loop-comms/nothing/cmp_draft",
                                  "/__mock/no-such-provider/campaigns/cmp_draft", "/__mock/loop-comms/nothing"])
def test_get_entity_404(client, path):
    response = client.get(path)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


def test_put_creates_an_entity_with_defaults_that_the_provider_then_serves(client):
    response = client.put(f"{ENTITY}/cmp_mine", json={"status": "scheduled", "channel": "sms"})
    assert response.status_code == 200, response.text
    entity = response.json()
    assert (entity["id"], entity["status"], entity["channel"]) == ("cmp_mine", "scheduled", "sms")
    for name in ("brand_id", "name", "subject", "template_key", "created_at", "updated_at", "created_by"):
        assert isinstance(entity[name], str) and entity[name], name
    assert client.get(f"{ENTITY}/cmp_mine").json() == entity
    send = client.post(f"{BASE}/cmp_mine/send", json={"recipients": [{"person_id": "p", "recipient": "+15550100"}]})
    assert send.status_code == 200, send.text


def test_put_replaces_and_the_rules_follow_the_new_state(client):
    assert client.put(f"{ENTITY}/cmp_draft", json={"status": "sent"}).status_code == 200
    assert client.post(f"{BASE}/cmp_draft/cancel").status_code == 409
    assert client.put(f"{ENTITY}/cmp_sent", json={"status": "draft"}).status_code == 200
    assert client.post(f"{BASE}/cmp_sent/cancel").status_code == 200


def test_put_the_path_names_the_entity(client):
    entity = client.put(f"{ENTITY}/cmp_path", json={"id": "cmp_body"}).json()
    assert entity["id"] == "cmp_path"
    assert client.get(f"{ENTITY}/cmp_body").status_code == 404


def test_put_a_state_implies_its_timestamp(client):
    assert client.put(f"{ENTITY}/c1", json={"status": "sent"}).json()["sent_at"] is not None
    assert client.put(f"{ENTITY}/c2", json={"status": "cancelled"}).json()["cancelled_at"] is not None
    given = client.put(f"{ENTITY}/c3", json={"status": "sent", "sent_at": "2026-01-01T00:00:00.000Z"}).json()
    assert given["sent_at"] == "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize("body", [{"status": "bogus"}, {"channel": 5}, {"segment_criteria": []}, {"sent_at": 1},
                                  [1], "draft"], ids=["status", "channel", "criteria", "sent_at", "array", "string"])
def test_put_an_invalid_entity_is_422_and_stores_nothing(client, body):
    before = client.get(f"{ENTITY}/cmp_draft").json()
    for path in (f"{ENTITY}/cmp_new", f"{ENTITY}/cmp_draft"):
        response = client.put(path, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["error"] in ("validation_error", "invalid_entity")
        assert response.json()["message"]
    assert client.get(f"{ENTITY}/cmp_new").status_code == 404
    assert client.get(f"{ENTITY}/cmp_draft").json() == before


@pytest.mark.parametrize("path", ["/__mock/no-such-provider/campaigns/x", "/__mock/loop-comms/nothing/x"])
def test_put_to_an_unknown_provider_or_collection_is_404(client, path):
    response = client.put(path, json={})
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


def test_unknown_control_path_and_wrong_method(client):
    assert client.get("/__mock/nothing").status_code == 404
    response = client.delete("/__mock/state")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"] == "method_not_allowed"


def test_reset_with_a_bad_query_is_422(client):
    response = client.post("/__mock/reset?fixtures=maybe")
    assert response.status_code == 422, response.text



@pytest.mark.parametrize(("encoded", "entity_id"), [("a%2541", "a%41"), ("50%25", "50%"), ("caf%C3%A9", "café"),
                                                    ("with%20space", "with space")])
def test_an_id_is_percent_decoded_exactly_once(app, token, encoded, entity_id):
    # httpx's ASGI transport decodes the path once, as uvicorn does (starlette's TestClient decodes twice).
    async def calls():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock",
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            put = await http.put(f"{ENTITY}/{encoded}", json={})
            state = await http.get("/__mock/state")
            got = await http.get(f"{ENTITY}/{encoded}")
            cancelled = await http.post(f"{BASE}/{encoded}/cancel")
            return put, state, got, cancelled

    put, state, got, cancelled = asyncio.run(calls())
    assert put.json()["id"] == entity_id
    assert entity_id in {c["id"] for c in state.json()["loop-comms"]["campaigns"]}
    assert got.json()["id"] == entity_id
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["campaign"]["id"] == entity_id


def _integral_floats(text: str) -> list[str]:
    return re.findall(r'"(\w+)":(-?\d+)\.0\b', text)


def test_integral_floats_are_integers_wherever_the_contract_says_integer(client):
    """JSON Schema counts 42412.0 as an integer (schemathesis ST202): accepted, and stored as 42412."""
    campaign = client.post(COMMCOM, json={"name": "floats"}).json()["data"]["id"]
    meta = {"send_type": "multistep", "multistep_data": {"step_delay": 42412.0, "step_size": 200.0},
            "multistep_status": {"total_available_contacts": 1000.0}}
    put = client.put(f"/__mock/commcom/sends/{uuid.uuid4()}", json={"sms_campaign_id": campaign, "meta": meta})
    assert put.status_code == 200, put.text
    assert put.json()["meta"]["multistep_data"]["step_delay"] == 42412
    assert _integral_floats(put.text) == []
    # A provider's own operation: stored as an integer, so answered as one.
    updated = client.put(f"{COMMCOM}/{campaign}", json={"name": "floats", "meta": {"multistep_data": {"step_size": 7.0}}})
    assert updated.status_code == 200, updated.text
    assert '"step_size":7,' in updated.text and _integral_floats(updated.text) == []
    # Beyond 64 bits an integral number stays as parsed: accepted or refused, never a 500.
    huge = {"send_type": "multistep", "multistep_data": {"step_delay": 1e30, "step_size": 1e30}}
    answer = client.put(f"/__mock/commcom/sends/{uuid.uuid4()}", json={"sms_campaign_id": campaign, "meta": huge})
    assert answer.status_code in (200, 422), answer.text
