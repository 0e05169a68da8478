"""Every documented status of every loop-messaging operation (but 500, reachable only by a fault) produced
over HTTP by one strict app: the server checks each answer against its contract, and these tests check the
bodies once more against seed 004's own schemas and the reference's field lists, transcribed below, so a
wrong contract cannot hide a wrong answer. The last test asserts that nothing documented went unproduced."""

import pytest

from tests.support import client_for, conforms, loop_refusal, unproduced_outcomes
# Fixtures shared by the contract modules: one strict app for the module, a tenant of its own per test.
from tests.support import strict_module_app as app  # noqa: F401
from tests.support import tenant_per_test as client  # noqa: F401

BASE = "/loop-messaging/v1/messaging/campaigns"
NEW = {"brand_id": "brand_t", "name": "Test", "segment_id": "seg_vip"}
FUTURE = {"scheduled_at": "2099-01-01T00:00:00Z"}
ONE = {"recipients": [{"person_id": "p1", "recipient": "ann@example.com"}]}


def _object(properties: dict) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties)}


_S, _SN, _N = {"type": "string"}, {"type": ["string", "null"]}, {"type": "number"}
# Seed 004 (schedule 200, 404, 412) as the seed prints it.
SEED_CAMPAIGN = _object({"id": _S, "brand_id": _S, "name": _S, "description": _SN, "segment_id": _S,
                         "status": {"type": "string", "enum": ["draft", "scheduled", "sending", "sent", "cancelled"]},
                         "scheduled_at": _SN, "published_at": _SN, "sent_at": _SN, "cancelled_at": _SN,
                         "created_by": _S, "created_at": _S, "updated_at": _S})
SEED_ERROR = {"type": "object", "properties": {"error": _S, "message": _S,
                                               "details": {"type": "object", "additionalProperties": {}}},
              "required": ["error", "message"]}
# The reference's publish 202: a flat send object with these fields.
SEND = {**_object({"id": _S, "campaign_id": _S, "brand_id": _S, "status": _S, "total_recipients": _N,
                   "sent_count": _N, "failed_count": _N, "skipped_count": _N, "started_at": _SN,
                   "completed_at": _SN, "created_by": _S, "created_at": _S}), "additionalProperties": False}
ITEMS = _object({"items": {"type": "array", "items": SEED_CAMPAIGN}})


def error(response, status: int, code: str) -> dict:
    return loop_refusal(response, status, code, SEED_ERROR)


@pytest.fixture
def anonymous(app):
    return client_for(app, None)


def create(client, **fields) -> dict:
    response = client.post(BASE, json={**NEW, **fields})
    assert response.status_code == 201, response.text
    return conforms(response, SEED_CAMPAIGN)


def listed(client, **params) -> list[dict]:
    response = client.get(BASE, params=params)
    assert response.status_code == 200, response.text
    return conforms(response, ITEMS)["items"]


# -- createMessagingCampaign --------------------------------------------------------------------------


def test_create_201_is_a_draft_at_top_level(client):
    campaign = create(client, description="Hello")
    assert {k: campaign[k] for k in NEW} == NEW and campaign["description"] == "Hello"
    assert campaign["status"] == "draft"
    assert campaign["scheduled_at"] is campaign["published_at"] is campaign["sent_at"] is None


def test_create_stores_only_documented_fields(client):
    campaign = create(client, status="sent", id="mine", extra={"x": 1})
    assert campaign["status"] == "draft" and campaign["id"] != "mine" and "extra" not in campaign
    stored = client.get(f"/__mock/loop-messaging/campaigns/{campaign['id']}").json()
    assert "extra" not in stored and stored["status"] == "draft"


def test_create_400_names_the_offending_fields(client):
    body = error(client.post(BASE, json={"brand_id": "", "name": "x"}), 400, "validation_error")
    assert {"brand_id", "segment_id"} <= set(body["details"])
    error(client.post(BASE, content=b"{not json"), 400, "validation_error")
    error(client.post(BASE, json=[1]), 400, "validation_error")


def test_create_401_without_a_token(anonymous):
    error(anonymous.post(BASE, json=NEW), 401, "invalid_token")


# -- listMessagingCampaigns ---------------------------------------------------------------------------


def test_list_200_by_brand_and_status(client):
    ids = [c["id"] for c in listed(client, brand_id="brand_acme")]
    assert ids == ["msg_draft", "msg_scheduled", "msg_sending", "msg_sent", "msg_cancelled"]
    assert [c["id"] for c in listed(client, brand_id="brand_acme", status="sent")] == ["msg_sent"]
    assert [c["id"] for c in listed(client, brand_id="brand_globex")] == ["msg_other_brand"]
    assert listed(client, brand_id="brand_nobody") == []
    created = create(client)
    assert [c["id"] for c in listed(client, brand_id="brand_t", status="draft")] == [created["id"]]


def test_list_400_without_brand_or_with_an_unknown_status(client):
    assert "brand_id" in error(client.get(BASE), 400, "validation_error")["details"]
    body = error(client.get(BASE, params={"brand_id": "brand_acme", "status": "paused"}), 400, "validation_error")
    assert "status" in body["details"]


def test_list_401_without_a_token(anonymous):
    error(anonymous.get(BASE, params={"brand_id": "brand_acme"}), 401, "invalid_token")


# -- scheduleCampaign (seed 004) ----------------------------------------------------------------------


def test_schedule_200_from_draft_and_again_from_scheduled(client):
    campaign = create(client)
    response = client.post(f"{BASE}/{campaign['id']}/schedule", json=FUTURE)
    assert response.status_code == 200, response.text
    scheduled = conforms(response, SEED_CAMPAIGN)
    assert (scheduled["status"], scheduled["scheduled_at"]) == ("scheduled", "2099-01-01T00:00:00.000Z")
    again = client.post(f"{BASE}/{campaign['id']}/schedule", json={"scheduled_at": "2098-06-01T10:00:00+02:00"})
    assert again.status_code == 200 and again.json()["scheduled_at"] == "2098-06-01T08:00:00.000Z"
    fixture = client.post(f"{BASE}/msg_scheduled/schedule", json=FUTURE)
    assert fixture.status_code == 200 and fixture.json()["scheduled_at"] == "2099-01-01T00:00:00.000Z"


@pytest.mark.parametrize("body", [{}, {"scheduled_at": "tomorrow"}, {"scheduled_at": "2026-13-01T00:00:00Z"},
                                  {"scheduled_at": "2030-01-01T10:00:00"}, {"scheduled_at": 1893456000}])
def test_schedule_400_for_a_malformed_scheduled_at(client, body):
    details = error(client.post(f"{BASE}/msg_draft/schedule", json=body), 400, "validation_error")["details"]
    assert "scheduled_at" in details
    assert client.get("/__mock/loop-messaging/campaigns/msg_draft").json()["status"] == "draft"


def test_schedule_400_when_not_after_the_tenant_clock(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T12:00:00Z"})
    for when in ("2026-03-01T12:00:00Z", "2026-03-01T11:59:59.999Z", "2000-01-01T00:00:00Z"):
        body = error(client.post(f"{BASE}/msg_draft/schedule", json={"scheduled_at": when}), 400, "validation_error")
        assert list(body["details"]) == ["scheduled_at"]
    response = client.post(f"{BASE}/msg_draft/schedule", json={"scheduled_at": "2026-03-01T12:00:00.001Z"})
    assert response.status_code == 200, response.text


def test_schedule_401_without_a_token(anonymous):
    error(anonymous.post(f"{BASE}/msg_draft/schedule", json=FUTURE), 401, "invalid_token")


def test_schedule_404_for_an_unknown_campaign(client):
    error(client.post(f"{BASE}/msg_nope/schedule", json=FUTURE), 404, "not_found")


@pytest.mark.parametrize("campaign_id, status", [("msg_sending", "sending"), ("msg_sent", "sent"),
                                                 ("msg_cancelled", "cancelled")])
def test_schedule_412_names_the_current_status(client, campaign_id, status):
    before = client.get(f"/__mock/loop-messaging/campaigns/{campaign_id}").json()
    body = error(client.post(f"{BASE}/{campaign_id}/schedule", json=FUTURE), 412, "bad_state")
    assert body["details"]["status"] == status
    assert client.get(f"/__mock/loop-messaging/campaigns/{campaign_id}").json() == before


# -- publishCampaign ----------------------------------------------------------------------------------


def test_publish_202_flat_send_with_skipped_duplicates(client):
    client.post("/__mock/clock", json={"freeze": True})
    recipients = [{"person_id": "p1", "recipient": "a@example.com"}, {"person_id": "p2", "recipient": "b"},
                  {"person_id": "p1", "recipient": "a2@example.com", "note": "ignored"}]
    response = client.post(f"{BASE}/msg_draft/publish", json={"recipients": recipients})
    assert response.status_code == 202, response.text
    send = conforms(response, SEND)
    assert send["campaign_id"] == "msg_draft" and send["brand_id"] == "brand_acme"
    assert (send["total_recipients"], send["skipped_count"], send["sent_count"], send["failed_count"]) == (3, 1, 0, 0)
    campaign = client.get("/__mock/loop-messaging/campaigns/msg_draft").json()
    assert campaign["status"] == "sending" and campaign["published_at"] == send["started_at"]
    client.post("/__mock/clock", json={"advance": 1})
    campaign = client.get("/__mock/loop-messaging/campaigns/msg_draft").json()
    assert campaign["status"] == "sent" and campaign["sent_at"] is not None


def test_publish_202_from_scheduled(client):
    response = client.post(f"{BASE}/msg_scheduled/publish", json=ONE)
    assert response.status_code == 202, response.text
    assert conforms(response, SEND)["campaign_id"] == "msg_scheduled"


def test_publish_400_names_the_offending_fields(client):
    body = error(client.post(f"{BASE}/msg_draft/publish", json={"recipients": [{"person_id": ""}]}), 400,
                 "validation_error")
    assert any(name.startswith("recipients") for name in body["details"]), body
    error(client.post(f"{BASE}/msg_draft/publish", json={}), 400, "validation_error")
    assert client.get("/__mock/loop-messaging/campaigns/msg_draft").json()["status"] == "draft"


def test_publish_401_without_a_token(anonymous):
    error(anonymous.post(f"{BASE}/msg_draft/publish", json=ONE), 401, "invalid_token")


def test_publish_404_for_an_unknown_campaign(client):
    error(client.post(f"{BASE}/msg_nope/publish", json=ONE), 404, "not_found")


@pytest.mark.parametrize("campaign_id, status", [("msg_sending", "sending"), ("msg_sent", "sent"),
                                                 ("msg_cancelled", "cancelled")])
def test_publish_412_names_the_current_status(client, campaign_id, status):
    before = client.get(f"/__mock/loop-messaging/campaigns/{campaign_id}").json()
    body = error(client.post(f"{BASE}/{campaign_id}/publish", json=ONE), 412, "bad_state")
    assert body["details"]["status"] == status
    assert client.get(f"/__mock/loop-messaging/campaigns/{campaign_id}").json() == before


# -- coverage -----------------------------------------------------------------------------------------


def test_every_documented_status_but_500_was_produced(app):
    # Runs last in this module (pytest keeps file order) and sees every answer the tests above provoked.
    assert unproduced_outcomes(app, "loop-messaging") == set()
