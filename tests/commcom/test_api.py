"""commcom over HTTP: campaigns, the seed's stop, sends moving with the clock, every documented status."""

import uuid

import pytest

from mockserver.providers.commcom import rules
from tests.commcom.helpers import BASE, advance, freeze, new_campaign, put_send, read_send, stop
from tests.support import client_for, make_app, unproduced_outcomes

MULTISTEP = {"send_type": "multistep", "multistep_data": {"step_size": 200, "step_delay": 5}}


def test_campaign_create_get_list_update(client):
    campaign_id = new_campaign(client, "Spring")
    got = client.get(f"{BASE}/{campaign_id}").json()["data"]
    assert (got["id"], got["name"], got["meta"]["send_type"]) == (campaign_id, "Spring", "manual")
    assert campaign_id in [c["id"] for c in client.get(BASE).json()["data"]]
    answer = client.put(f"{BASE}/{campaign_id}", json={
        "id": "ignored", "name": "Summer",
        "meta": {"send_type": "planner", "planner_data": {"days_of_week": "Sat", "daily_sms_contact_limit": 2}}})
    assert answer.status_code == 200
    updated = answer.json()["data"]
    assert (updated["id"], updated["name"], updated["meta"]["send_type"]) == (campaign_id, "Summer", "planner")
    assert updated["meta"]["planner_data"]["days_of_week"] == ["Sat"]
    assert updated["meta"]["planner_data"]["daily_sms_contact_limit"] == 2
    assert updated["meta"]["planner_data"]["weekly_sms_contact_limit"] == 5  # kept


def test_refusals_are_laravel_shaped(client, anonymous):
    assert anonymous.get(BASE).json() == {"message": "Unauthenticated."}
    invalid = client.post(BASE, json={})
    assert invalid.status_code == 422 and invalid.json()["errors"] == {"name": ["The name field is required."]}
    unknown = client.get(f"{BASE}/{uuid.uuid4()}")
    assert unknown.status_code == 404 and "message" in unknown.json()
    assert client.get(f"{BASE}/not-a-uuid").status_code == 404


def test_done_when_a_multistep_send_advanced_three_delays_shows_three_steps_and_stops_cleanly(client):
    freeze(client)
    campaign_id = new_campaign(client)
    send_id = put_send(client, campaign_id, MULTISTEP)["id"]
    for _ in range(3):
        advance(client, 5 * 60)
    shown = read_send(client, send_id)["meta"]["multistep_status"]
    assert (shown["current_step"], shown["total_sent"], len(shown["steps_performance"])) == (3, 600, 3)
    answer = stop(client, campaign_id, send_id)
    assert answer.status_code == 200
    stopped = answer.json()["data"]
    assert stopped["status"] == "stopped" and stopped["next_step_timestamp"] is None
    assert stopped["meta"]["multistep_status"]["current_step"] == 3
    assert stopped["logs"][-1]["caller_type"] == "Send" and "stopped" in stopped["logs"][-1]["text"]
    advance(client, 3600)
    assert read_send(client, send_id)["meta"] == stopped["meta"]
    assert stop(client, campaign_id, send_id).status_code == 422


def test_stop_refusals(client):
    campaign_id, other_id = new_campaign(client), new_campaign(client)
    final = {status: put_send(client, campaign_id, {"send_type": "manual"}, status)["id"]
             for status in ("sent", "failed", "cancelled", "stopped")}
    for status, send_id in final.items():
        answer = stop(client, campaign_id, send_id)
        assert answer.status_code == 422
        assert answer.json()["errors"]["status"] and status in answer.json()["message"]
    draft = put_send(client, campaign_id, {"send_type": "manual"}, "draft")["id"]
    assert stop(client, other_id, draft).status_code == 404  # another campaign's send
    assert stop(client, campaign_id, str(uuid.uuid4())).status_code == 404
    assert stop(client, str(uuid.uuid4()), draft).status_code == 404
    assert stop(client, campaign_id, draft).json()["data"]["status"] == "stopped"


def test_live_statuses_follow_the_clock(client):
    freeze(client)
    campaign_id = new_campaign(client)
    later = put_send(client, campaign_id, {"send_type": "manual", "manual_data": {
        "send_amount": 250, "throttle_batch_size": 100, "send_datetime": "2026-03-02T10:10:00Z"}})
    assert later["status"] == "pending" and later["next_step_timestamp"] == "2026-03-02T10:10:00.000Z"
    advance(client, 10 * 60)
    assert read_send(client, later["id"])["status"] == "in_progress"
    advance(client, 2 * 60)
    done = read_send(client, later["id"])
    assert done["status"] == "sent" and done["meta"]["multistep_status"]["total_sent"] == 250
    assert [log["text"] for log in done["logs"]] == ["Send created", "Send started", "Send finished: 250 messages sent"]
    assert stop(client, campaign_id, later["id"]).status_code == 422


def test_control_plane_refuses_unusable_sends(client):
    campaign_id = new_campaign(client)
    for fields in ({"sms_campaign_id": campaign_id, "status": "paused"},
                   {"sms_campaign_id": campaign_id,
                    "meta": {"send_type": "multistep", "multistep_data": {"step_delay": 0}}},
                   {"sms_campaign_id": campaign_id, "meta": {"manual_data": {"send_datetime": "tomorrow"}}}):
        assert client.put(f"/__mock/commcom/sends/{uuid.uuid4()}", json=fields).status_code == 422, fields
    not_an_id = client.put("/__mock/commcom/sends/not-a-uuid", json={"sms_campaign_id": campaign_id})
    assert not_an_id.status_code in (404, 422)


def test_a_send_of_no_campaign_is_kept_but_cannot_be_stopped_through_any_campaign(client):
    orphan = put_send(client, str(uuid.uuid4()), {"send_type": "manual"}, "draft")
    assert orphan["meta"]["manual_data"]["send_amount"] == 200  # a new campaign's defaults
    assert stop(client, new_campaign(client), orphan["id"]).status_code == 404
    partial = client.put(f"/__mock/commcom/sends/{uuid.uuid4()}", json={"logs": [{"text": "imported"}]})
    assert partial.status_code == 200
    assert partial.json()["logs"][0]["caller_type"] == "Send"


def test_fixtures_hold_every_type_and_status_and_keep_their_contract(app, client):
    state = client.get("/__mock/state").json()["commcom"]
    contract = app.state.runtime.contracts["commcom"]
    send_schema = contract.schema("#/components/schemas/SmsCampaignSendResource")
    for send in state["sends"]:
        assert send_schema.is_valid(send), send_schema.problems(send)
    stored_statuses = {"draft", "pending", "in_progress", "sent", "failed", "cancelled", "stopped"}
    assert {s["status"] for s in state["sends"]} == stored_statuses
    assert {s["meta"]["send_type"] for s in state["sends"]} == set(rules.SEND_TYPES)


def test_every_documented_status_is_produced():
    app = make_app()
    client, anonymous = client_for(app, "coverage"), client_for(app, None)
    campaign_id = new_campaign(client)
    send_id = put_send(client, campaign_id, MULTISTEP)["id"]
    for method, path, body in (("GET", BASE, None), ("POST", BASE, {"name": "x"}),
                               ("GET", f"{BASE}/{campaign_id}", None), ("PUT", f"{BASE}/{campaign_id}", {"name": "y"}),
                               ("POST", f"{BASE}/{campaign_id}/stop/{send_id}", None)):
        assert anonymous.request(method, path, json=body).status_code == 401
        assert client.request(method, path, json=body).status_code in (200, 201)
    missing = str(uuid.uuid4())
    assert client.get(f"{BASE}/{missing}").status_code == 404
    assert client.put(f"{BASE}/{missing}", json={"name": "z"}).status_code == 404
    assert client.put(f"{BASE}/{campaign_id}", json={"name": ""}).status_code == 422
    assert client.post(BASE, json={"name": 5}).status_code == 422
    assert stop(client, campaign_id, missing).status_code == 404
    assert stop(client, campaign_id, send_id).status_code == 422
    assert unproduced_outcomes(app, "commcom") == set()
    assert app.state.runtime.violations.total == 0


@pytest.mark.parametrize("send_type", rules.SEND_TYPES)
def test_each_type_finishes_as_sent(client, send_type):
    freeze(client)
    campaign_id = new_campaign(client)
    meta = {"send_type": send_type, "multistep_data": {"step_size": 300, "step_delay": 1},
            "planner_data": {"days_of_week": ["Mon"], "multistep_data": {"step_size": 300, "step_delay": 1},
                             "weekly_schedule": {"Mon": {"start": "10:00", "end": "11:00"}},
                             "weekly_sms_contact_limit": 1},
            "multistep_status": {"total_available_contacts": 600}}
    send_id = put_send(client, campaign_id, meta)["id"]
    advance(client, 3600)
    shown = read_send(client, send_id)
    assert shown["status"] == "sent" and shown["next_step_timestamp"] is None
    assert shown["meta"]["multistep_status"]["total_sent"] > 0


def test_a_send_at_the_step_cap_answers_a_bounded_resource_everywhere(client):
    """Issue 12 defect 5: a send that ran for days counts every step but lists only the last STEPS_SHOWN:
    in its own GET, in the state dump, in the stop answer and in what a stopped send keeps."""
    freeze(client)
    campaign = new_campaign(client)
    meta = {"send_type": "multistep", "multistep_data": {"step_size": 1, "step_delay": 1},
            "multistep_status": {"total_available_contacts": 10**9}}
    capped, stopped_id = (put_send(client, campaign, meta, status="pending")["id"] for _ in range(2))
    advance(client, 10 * 86400)
    stopped = stop(client, campaign, stopped_id)
    assert stopped.status_code == 200, stopped.text
    advance(client, 20 * 86400)
    state = client.get("/__mock/state")
    assert state.status_code == 200 and state.headers["content-type"] == "application/json"
    dumped = next(s for s in state.json()["commcom"]["sends"] if s["id"] == capped)
    read, kept = client.get(f"/__mock/commcom/sends/{capped}"), client.get(f"/__mock/commcom/sends/{stopped_id}")
    for answer, steps in ((read.json(), rules.MAX_STEPS), (dumped, rules.MAX_STEPS),
                          (stopped.json()["data"], 10 * 24 * 60), (kept.json(), 10 * 24 * 60)):
        status = answer["meta"]["multistep_status"]
        assert (status["current_step"], status["total_sent"]) == (steps, steps)
        assert len(status["steps_performance"]) == rules.STEPS_SHOWN
    for answer in (read, stopped, kept):
        assert len(answer.content) < 20_000  # before: about 1 MB each
