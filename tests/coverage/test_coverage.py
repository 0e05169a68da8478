"""GET /__mock/coverage: every documented outcome and every state-machine transition, with how often each
was exercised, per tenant and for the server. The expected lists come from the contracts and the seeds'
transition tables, read here, not from the report."""

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.support import client_for, make_app

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
CAMPAIGN, SEND = "0b8f5a8e-2c1d-4e7a-9a51-6f0c1e2d3a01", "5e2d7c40-8a3b-4f19-b6e2-0d4c9a7e1099"


def documented(provider: str) -> dict[str, set[str]]:
    document = json.loads((CONTRACTS / provider / "openapi.json").read_text())
    return {op["operationId"]: set(op["responses"]) for item in document["paths"].values()
            for op in item.values() if isinstance(op, dict) and "operationId" in op}


def outcomes(report: dict, provider: str) -> dict[str, dict[str, int]]:
    return {row["operationId"]: row["outcomes"] for row in report["providers"][provider]["operations"]}


def moves(report: dict, provider: str) -> dict[tuple, int]:
    return {(row["collection"], row["action"], row["from"], row["to"]): row["count"]
            for row in report["providers"][provider]["transitions"]}


def exercised(report: dict, provider: str) -> set[tuple]:
    return {key for key, count in moves(report, provider).items() if count}


def coverage(client: TestClient, **query) -> dict:
    response = client.get("/__mock/coverage", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_documented_status_of_every_operation_is_listed_with_zero_where_never_answered(client):
    report = coverage(client)
    for provider in ("loop-comms", "loop-messaging", "commcom", "bsg"):
        listed = outcomes(report, provider)
        assert {op: set(statuses) for op, statuses in listed.items()} == documented(provider)
        assert all(count == 0 for statuses in listed.values() for count in statuses.values())
    assert report["summary"]["outcomes"]["exercised"] == 0
    assert report["summary"]["outcomes"]["documented"] == sum(
        len(s) for p in ("loop-comms", "loop-messaging", "commcom", "bsg") for s in documented(p).values())


def test_transitions_list_every_client_attempt_legal_or_refused_and_every_clock_move(client):
    listed = moves(coverage(client), "loop-comms")
    statuses = ("draft", "scheduled", "sending", "sent", "cancelled")
    # Seed 002 and the Loop tool page: send and cancel from draft/scheduled only; the clock starts and finishes.
    expected = {("campaigns", "send", s, "sending" if s in ("draft", "scheduled") else None) for s in statuses}
    expected |= {("campaigns", "cancel", s, "cancelled" if s in ("draft", "scheduled") else None) for s in statuses}
    expected |= {("campaigns", "start", "scheduled", "sending"), ("campaigns", "finish", "sending", "sent")}
    assert set(listed) == expected


def test_a_tenant_sees_what_it_did_and_another_tenant_sees_nothing(app, client):
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    client.post("/loop-comms/v1/admin/campaigns/nope/cancel")

    report = coverage(client)
    assert outcomes(report, "loop-comms")["cancelCampaign"] == {"200": 1, "401": 0, "404": 1, "409": 1, "500": 0}
    assert exercised(report, "loop-comms") == {("campaigns", "cancel", "draft", "cancelled"),
                                               ("campaigns", "cancel", "cancelled", None)}
    assert report["summary"]["outcomes"]["exercised"] == 3
    assert report["summary"]["transitions"]["exercised"] == 2

    other = coverage(client_for(app, "someone-else"))
    assert other["summary"]["outcomes"]["exercised"] == 0 and other["summary"]["transitions"]["exercised"] == 0


def test_a_fault_counts_as_an_outcome_of_its_operation_and_moves_nothing(client):
    client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", "status": 500})
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 500

    report = coverage(client)
    assert outcomes(report, "loop-comms")["cancelCampaign"]["500"] == 1
    assert exercised(report, "loop-comms") == set()


def test_a_legal_move_refused_for_another_reason_is_not_counted_as_made(client):
    created = client.post("/loop-messaging/v1/messaging/campaigns",
                          json={"brand_id": "brand_acme", "name": "x", "segment_id": "seg_vip"}).json()
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T12:00:00Z"})
    past = client.post(f"/loop-messaging/v1/messaging/campaigns/{created['id']}/schedule",
                       json={"scheduled_at": "2026-03-01T11:00:00Z"})
    assert past.status_code == 400  # the status allowed it; the time did not

    assert ("campaigns", "schedule", "draft", "scheduled") not in exercised(coverage(client), "loop-messaging")


def test_clock_moves_are_counted_once_each_however_often_the_entity_is_read(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T12:00:00Z"})
    created = client.post("/loop-messaging/v1/messaging/campaigns",
                          json={"brand_id": "brand_acme", "name": "x", "segment_id": "seg_vip"}).json()
    client.post(f"/loop-messaging/v1/messaging/campaigns/{created['id']}/schedule",
                json={"scheduled_at": "2026-03-01T13:00:00Z"})
    client.post("/__mock/clock", json={"advance": 7200})
    for _ in range(3):
        client.get("/__mock/state")  # a control-plane read moves it too

    counted = moves(coverage(client), "loop-messaging")
    assert counted[("campaigns", "schedule", "draft", "scheduled")] == 1
    assert counted[("campaigns", "start", "scheduled", "sending")] == 1
    assert counted[("campaigns", "finish", "sending", "sent")] == 1


def test_commcom_sends_moved_by_the_clock_count_each_step_of_their_life_once(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-02T10:00:00Z"})
    client.put(f"/__mock/commcom/sends/{SEND}", json={
        "sms_campaign_id": CAMPAIGN, "send_datetime": None,
        "meta": {"send_type": "multistep", "multistep_data": {"step_size": 200, "step_delay": 5,
                                                              "max_sms_to_send": 400,
                                                              "send_datetime": "2026-03-02T10:10:00.000Z"}}})
    client.get(f"/__mock/commcom/sends/{SEND}")  # pending
    client.post("/__mock/clock", json={"advance": 900})  # started, first step
    client.get(f"/__mock/commcom/sends/{SEND}")
    client.post("/__mock/clock", json={"advance": 3600})  # both steps done: sent
    for _ in range(2):
        assert client.get(f"/__mock/commcom/sends/{SEND}").json()["status"] == "sent"
    assert client.post(f"/commcom/api/v1/sms/campaigns/{CAMPAIGN}/stop/{SEND}").status_code == 422

    counted = moves(coverage(client), "commcom")
    assert counted[("sends", "start", "pending", "in_progress")] == 1
    assert counted[("sends", "finish", "in_progress", "sent")] == 1
    assert counted[("sends", "stop", "sent", None)] == 1


def test_bsg_moderation_start_and_finish_are_counted(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    created = client.post("/bsg/api/campaigns/rcs/send-groups",
                          json={"groups": [101, 102], "sender": "rcs_sender", "options": {"text": "Hello!"}})
    assert created.status_code == 200, created.text
    client.post("/__mock/clock", json={"advance": 3600})
    client.get(f"/bsg/api/campaigns/{created.json()['data']['id']}")

    counted = moves(coverage(client), "bsg")
    assert counted[("campaigns", "start", "moderation", "sending")] == 1
    assert counted[("campaigns", "finish", "sending", "done")] == 1


def test_server_scope_sums_every_tenant_evicted_and_reset_ones_included():
    app = make_app(max_tenants=2)
    clients = [client_for(app, f"tenant-{n}") for n in range(4)]
    for c in clients:
        assert c.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 200
    clients[0].post("/__mock/reset")
    assert client_for(app, "invalid-token").post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 401

    server = coverage(clients[1], scope="server")
    assert server["scope"] == "server"
    assert outcomes(server, "loop-comms")["cancelCampaign"]["200"] == 4
    assert outcomes(server, "loop-comms")["cancelCampaign"]["401"] == 1  # no tenant: the server still counts it
    assert moves(server, "loop-comms")[("campaigns", "cancel", "draft", "cancelled")] == 4
    assert coverage(clients[0])["summary"]["outcomes"]["exercised"] == 0  # reset clears the tenant's
    clients[0].post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    assert outcomes(coverage(clients[0]), "loop-comms")["cancelCampaign"]["200"] == 1  # counting afresh


def test_markdown_is_a_table_a_pull_request_can_show(client):
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    response = client.get("/__mock/coverage", params={"format": "markdown"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert "| `cancelCampaign` | POST | `/v1/admin/campaigns/{id}/cancel` | 200 ×1 | 401, 404, 409, 500 |" in text
    assert "| campaigns | cancel | draft | cancelled | 1 |" in text


@pytest.mark.parametrize("query", [{"scope": "everyone"}, {"format": "html"}])
def test_unknown_scope_or_format_is_refused(client, query):
    assert client.get("/__mock/coverage", params=query).status_code == 422
