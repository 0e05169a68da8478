"""Canned answers: a fault with a `body` answers its status (a 2xx too) with that body, checked against the
operation's documented response when armed; the provider's state does not change, and the journal and
coverage record the answer."""

import pytest


def canned_cancel(client, campaign_id: str) -> dict:
    """A 200 body for cancelCampaign, shaped like the provider's own (seed 000: `{"campaign": {...}}`)."""
    campaign = client.get(f"/__mock/loop-comms/campaigns/{campaign_id}").json()
    return {"campaign": {**campaign, "status": "cancelled", "cancelled_at": "2026-03-01T12:00:00.000Z"}}


def arm(client, **fields):
    return client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", **fields})


def test_a_canned_success_answers_without_changing_state(client):
    body = canned_cancel(client, "cmp_sent")
    armed = arm(client, status=200, body=body)
    assert armed.status_code == 201, armed.text
    assert armed.json()["body"] == body

    answer = client.post("/loop-comms/v1/admin/campaigns/cmp_sent/cancel")
    assert (answer.status_code, answer.json()) == (200, body)
    assert client.get("/__mock/loop-comms/campaigns/cmp_sent").json()["status"] == "sent"  # untouched
    # spent: the next call is the provider's own (a sent campaign cannot be cancelled, seed 000: 409)
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_sent/cancel").status_code == 409

    first, second = client.get("/__mock/requests", params={"operationId": "cancelCampaign"}).json()["requests"]
    assert (first["status"], first["fault"], first["response"]) == (200, armed.json()["id"], body)
    assert (second["status"], second["fault"]) == (409, None)


def test_a_canned_answer_counts_as_an_outcome_and_moves_nothing(client):
    arm(client, status=200, body=canned_cancel(client, "cmp_sent"))
    client.post("/loop-comms/v1/admin/campaigns/cmp_sent/cancel")
    report = client.get("/__mock/coverage").json()["providers"]["loop-comms"]
    [row] = [r for r in report["operations"] if r["operationId"] == "cancelCampaign"]
    assert row["outcomes"]["200"] == 1 and row["outcomes"]["409"] == 0
    assert not [t for t in report["transitions"] if t["count"]]


def test_a_canned_error_body_replaces_the_documented_one(client):
    body = {"error": "internal_error", "message": "Upstream mailer timed out"}
    assert arm(client, status=500, body=body, times=2).status_code == 201
    for _ in range(2):
        answer = client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
        assert (answer.status_code, answer.json()) == (500, body)
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"


def test_a_body_that_does_not_fit_the_documented_answer_is_refused_with_reasons(client):
    refused = arm(client, status=200, body={"campaign": {"id": "cmp_sent", "status": 7}})
    assert refused.status_code == 422
    assert "campaign" in refused.text and "status" in refused.text
    assert client.get("/__mock/faults").json()["faults"] == []


@pytest.mark.parametrize("fields", [
    {"status": 200},                                  # a success needs its body: what else would it answer?
    {"status": 201, "body": {"campaign": {}}},        # not a status cancelCampaign documents
    {"body": {"campaign": {}}},                       # a body needs its status
    {"status": 200, "body": None},                    # null is no answer body
    {"status": 200, "body": {"campaign": {}}, "drop": True},  # an answer, or no answer: not both
])
def test_canned_answers_that_make_no_sense_are_refused(client, fields):
    assert arm(client, **fields).status_code == 422
    assert client.get("/__mock/faults").json()["faults"] == []
