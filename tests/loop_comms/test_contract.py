"""Every documented status of every loop-comms operation (but 500, reachable only by a fault) produced over
HTTP by one strict app: the server checks each answer against its contract, and these tests check the
bodies once more against the seeds' own schemas, transcribed below, so a wrong contract cannot hide a wrong
answer. The last test asserts that nothing documented went unproduced."""

import json

import pytest

from tests.support import client_for, conforms, loop_refusal, unproduced_outcomes
# Fixtures shared by the contract modules: one strict app for the module, a tenant of its own per test.
from tests.support import strict_module_app as app  # noqa: F401
from tests.support import tenant_per_test as client  # noqa: F401

BASE = "/loop-comms/v1/admin/campaigns"
NEW = {"brand_id": "brand_t", "name": "Test", "subject": "Hi", "template_key": "welcome"}
ONE = {"recipients": [{"person_id": "p1", "recipient": "ann@example.com"}]}


def _object(properties: dict, required=None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


_S, _SN, _N, _O = {"type": "string"}, {"type": ["string", "null"]}, {"type": "number"}, {
    "type": "object", "additionalProperties": {}}
# Seed 000 (cancel 200) and seed 002 (send 200, 404, 409): the schemas as the seeds print them.
SEED_CAMPAIGN = _object({"id": _S, "brand_id": _S, "name": _S, "subject": _S, "channel": _S, "template_key": _S,
                         "segment_criteria": _O, "variables": _O, "status": _S, "scheduled_at": _SN,
                         "sent_at": _SN, "cancelled_at": _SN, "created_by": _S, "created_at": _S,
                         "updated_at": _S})
SEED_SEND = _object({"id": _S, "campaign_id": _S, "brand_id": _S, "status": _S, "total_recipients": _N,
                     "sent": _N, "failed": _N, "started_at": _SN, "completed_at": _SN, "created_by": _S,
                     "created_at": _S})
SEED_ERROR = _object({"error": _S, "message": _S})
CAMPAIGN_ENVELOPE = _object({"campaign": SEED_CAMPAIGN})
SEND_ENVELOPE = _object({"send": SEED_SEND})
HISTORY = _object({"sends": {"type": "array", "items": SEED_SEND}})


def error(response, status: int, code: str) -> dict:
    return loop_refusal(response, status, code, SEED_ERROR)


def create(client, **fields) -> dict:
    response = client.post(BASE, json={**NEW, **fields})
    assert response.status_code == 201, response.text
    return conforms(response, CAMPAIGN_ENVELOPE)["campaign"]


# -- createCampaign --------------------------------------------------------------------------------------


def test_create_201_is_a_draft_with_the_documented_defaults(client):
    campaign = create(client)
    assert {k: campaign[k] for k in NEW} == NEW
    assert campaign["status"] == "draft"
    assert (campaign["channel"], campaign["segment_criteria"], campaign["variables"]) == ("email", {}, {})
    assert campaign["scheduled_at"] is campaign["sent_at"] is campaign["cancelled_at"] is None
    sms = create(client, channel="sms", segment_criteria={"tier": "gold"}, variables={"x": 1})
    assert (sms["channel"], sms["segment_criteria"], sms["variables"]) == ("sms", {"tier": "gold"}, {"x": 1})
    assert sms["id"] != campaign["id"]


@pytest.mark.parametrize("body", [
    {k: v for k, v in NEW.items() if k != "name"},  # a required field missing
    {**NEW, "brand_id": 7},  # wrong type
    {**NEW, "subject": ""},  # minLength 1
    {**NEW, "segment_criteria": "gold"},
    [NEW],  # not an object
    {},
], ids=["missing-name", "brand-int", "empty-subject", "criteria-string", "array", "empty"])
def test_create_400_validation_error(client, body):
    error(client.post(BASE, json=body), 400, "validation_error")


def test_create_400_on_malformed_or_missing_body(client):
    error(client.post(BASE, content=b'{"brand_id": ', headers={"Content-Type": "application/json"}),
          400, "validation_error")
    error(client.post(BASE, content=b"\xff\xfe not json"), 400, "validation_error")
    error(client.post(BASE), 400, "validation_error")


def test_create_400_names_the_missing_field(client):
    body = error(client.post(BASE, json={k: v for k, v in NEW.items() if k != "template_key"}), 400,
                 "validation_error")
    assert "template_key" in body["message"]


# -- 401 on every operation ------------------------------------------------------------------------------

OPERATIONS = [("post", BASE, NEW), ("post", f"{BASE}/cmp_draft/send", ONE), ("post", f"{BASE}/cmp_draft/cancel", None),
              ("get", f"{BASE}/cmp_draft/history", None)]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("auth", [None, "Bearer lph_at_invalid_token", "Basic dXNlcjpwYXNz", "Bearer "],
                         ids=["none", "invalid", "basic", "empty"])
def test_401_invalid_token_without_a_usable_token(app, method, path, body, auth):
    client = client_for(app, None)
    headers = {"Authorization": auth} if auth else {}
    response = client.request(method, path, json=body, headers=headers)
    error(response, 401, "invalid_token")


def test_401_changes_nothing(app, client):
    client_for(app, "lph_at_invalid").post(f"{BASE}/cmp_draft/cancel")
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"


# -- sendCampaign ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("campaign_id", ["cmp_draft", "cmp_scheduled"])
def test_send_200_starts_sending(client, campaign_id):
    response = client.post(f"{BASE}/{campaign_id}/send", json={"recipients": [
        {"person_id": "p1", "recipient": "ann@example.com"}, {"person_id": "p2", "recipient": "nope"}]})
    assert response.status_code == 200, response.text
    send = conforms(response, SEND_ENVELOPE)["send"]
    assert send["campaign_id"] == campaign_id and send["total_recipients"] == 2
    assert send["sent"] + send["failed"] <= 2
    history = conforms(client.get(f"{BASE}/{campaign_id}/history"), HISTORY)["sends"]
    assert [s["id"] for s in history][-1] == send["id"]


def test_send_404_unknown_campaign(client):
    error(client.post(f"{BASE}/cmp_nope/send", json=ONE), 404, "not_found")


@pytest.mark.parametrize("campaign_id", ["cmp_sending", "cmp_sent", "cmp_cancelled"])
def test_send_409_on_sending_sent_or_cancelled(client, campaign_id):
    before = client.get(f"{BASE}/{campaign_id}/history").json()
    error(client.post(f"{BASE}/{campaign_id}/send", json=ONE), 409, "conflict")
    assert client.get(f"{BASE}/{campaign_id}/history").json() == before


def test_send_409_already_sent_after_a_send_of_our_own(client):
    campaign = create(client)
    client.post(f"{BASE}/{campaign['id']}/send", json=ONE)
    body = error(client.post(f"{BASE}/{campaign['id']}/send", json=ONE), 409, "conflict")
    assert body["message"] == "Campaign already sent"  # seed 002's words


@pytest.mark.parametrize("body", [
    {},
    {"recipients": "ann@example.com"},
    {"recipients": [{"person_id": "p1"}]},
    {"recipients": [{"recipient": "ann@example.com"}]},
    {"recipients": [{"person_id": "", "recipient": "ann@example.com"}]},
    {"recipients": [{"person_id": 1, "recipient": "ann@example.com"}]},
    {"recipients": ["ann@example.com"]},
    {"recipients": None},
    "recipients",
], ids=["empty", "string", "no-recipient", "no-person", "empty-person", "int-person", "string-item", "null",
        "string-body"])
def test_send_400_validation_error_and_nothing_sent(client, body):
    error(client.post(f"{BASE}/cmp_draft/send", json=body), 400, "validation_error")
    assert client.get(f"{BASE}/cmp_draft/history").json() == {"sends": []}


def test_send_400_on_malformed_json(client):
    error(client.post(f"{BASE}/cmp_draft/send", content=b"{recipients: []}"), 400, "validation_error")
    error(client.post(f"{BASE}/cmp_draft/send", content=b"[1, 2"), 400, "validation_error")
    error(client.post(f"{BASE}/cmp_draft/send"), 400, "validation_error")


def test_413_body_over_one_mib(client):
    big = json.dumps({"recipients": [{"person_id": "p", "recipient": "x" * (1024 * 1024)}]})
    error(client.post(f"{BASE}/cmp_draft/send", content=big), 413, "payload_too_large")
    error(client.post(BASE, content=b" " * (1024 * 1024 + 1)), 413, "payload_too_large")
    assert client.get(f"{BASE}/cmp_draft/history").json() == {"sends": []}


def test_413_when_a_streamed_body_passes_one_mib(client):
    def chunks():
        for _ in range(17):
            yield b" " * 65536

    error(client.post(f"{BASE}/cmp_draft/send", content=chunks()), 413, "payload_too_large")


def test_exactly_one_mib_is_not_too_large(client):
    body = json.dumps(ONE).encode()
    padded = body + b" " * (1024 * 1024 - len(body))
    response = client.post(f"{BASE}/cmp_draft/send", content=padded)
    assert response.status_code == 200, response.text


# -- cancelCampaign --------------------------------------------------------------------------------------


@pytest.mark.parametrize("campaign_id", ["cmp_draft", "cmp_scheduled"])
def test_cancel_200_sets_cancelled_at(client, campaign_id):
    response = client.post(f"{BASE}/{campaign_id}/cancel")
    assert response.status_code == 200, response.text
    campaign = conforms(response, CAMPAIGN_ENVELOPE)["campaign"]
    assert campaign["id"] == campaign_id and campaign["status"] == "cancelled"
    assert campaign["cancelled_at"] is not None and campaign["sent_at"] is None


def test_cancel_ignores_a_body(client):
    campaign = create(client)
    response = client.post(f"{BASE}/{campaign['id']}/cancel", json={"reason": "whatever"})
    assert response.status_code == 200, response.text


def test_cancel_404_unknown_campaign(client):
    error(client.post(f"{BASE}/cmp_nope/cancel"), 404, "not_found")


@pytest.mark.parametrize("campaign_id", ["cmp_sending", "cmp_sent", "cmp_cancelled"])
def test_cancel_409_on_sending_sent_or_cancelled(client, campaign_id):
    before = client.get(f"/__mock/loop-comms/campaigns/{campaign_id}").json()
    error(client.post(f"{BASE}/{campaign_id}/cancel"), 409, "conflict")
    assert client.get(f"/__mock/loop-comms/campaigns/{campaign_id}").json() == before


def test_cancel_409_on_a_campaign_we_started_sending(client):
    client.post("/__mock/clock", json={"freeze": True})
    campaign = create(client)
    client.post(f"{BASE}/{campaign['id']}/send", json=ONE)
    error(client.post(f"{BASE}/{campaign['id']}/cancel"), 409, "conflict")


# -- getCampaignHistory ----------------------------------------------------------------------------------


def test_history_200(client):
    sends = conforms(client.get(f"{BASE}/cmp_sent/history"), HISTORY)["sends"]
    assert len(sends) == 1 and sends[0]["campaign_id"] == "cmp_sent"
    assert conforms(client.get(f"{BASE}/cmp_unknown/history"), HISTORY) == {"sends": []}


# -- the edge: unknown paths and wrong methods, in the provider's shape ----------------------------------


@pytest.mark.parametrize("path", ["/loop-comms/v1/admin/nothing", "/loop-comms/", "/loop-comms/v1/admin/campaigns/x",
                                  "/loop-comms/v1/admin/campaigns/x/send/more"])
def test_unknown_path_404_in_the_providers_shape(client, path):
    error(client.get(path), 404, "not_found")
    error(client.post(path, json={}), 404, "not_found")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("get", BASE, "POST"),
    ("delete", BASE, "POST"),
    ("get", f"{BASE}/cmp_draft/send", "POST"),
    ("put", f"{BASE}/cmp_draft/cancel", "POST"),
    ("post", f"{BASE}/cmp_draft/history", "GET"),
])
def test_405_wrong_method_names_the_allowed_ones(client, method, path, allowed):
    response = client.request(method, path)
    error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed


def test_provider_openapi_document(client):
    document = client.get("/loop-comms/openapi.json").json()
    assert document["servers"] == [{"url": "/loop-comms"}]
    ops = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert ops == {"createCampaign", "sendCampaign", "cancelCampaign", "getCampaignHistory"}


# -- must stay last: everything above together produced every documented outcome -------------------------


def test_every_documented_outcome_was_produced(app):
    assert unproduced_outcomes(app, "loop-comms") == set()
