"""bsg messages: every recipient is a message with its own id and life on the tenant clock; GET /api/messages
pages, filters and sorts them; the campaign's statistics (seed 003: `sent` counts DELIVERED, SENT, ACCEPTED,
SENDING, UNDELIVERED, FAILED, EXPIRED, UNKNOWN; `delivered` counts DELIVERED, READ) and its detail counts
always agree with its messages; stop freezes the remaining ones."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app, examples

B = "/bsg/api"
SENT = {"delivered", "sent", "accepted", "sending", "undelivered", "failed", "expired", "unknown"}  # seed 003
DELIVERED = {"delivered", "read"}  # seed 003
APP = make_app()


def _messages(client, campaign_id):
    response = client.get(f"{B}/messages", params={"filter[campaign_id]": campaign_id, "page[limit]": 500,
                                                   "filter[from]": "2026-01-01 00:00:00"})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _agree(client, campaign_id):
    campaign = client.get(f"{B}/campaigns/{campaign_id}").json()["data"]
    detail = client.get(f"{B}/campaigns/{campaign_id}/detail").json()["data"]
    found = _messages(client, campaign_id)
    statuses = Counter(m["status"] for m in found)
    assert campaign["statistics"] == {"sent": sum(statuses[s] for s in SENT),
                                      "delivered": sum(statuses[s] for s in DELIVERED)}
    assert {s: n for s, n in detail["statistics"].items() if n} == dict(statuses)
    assert detail["total_messages"] == len(found)
    return found


step = st.one_of(st.tuples(st.just("create"), st.sets(st.sampled_from([101, 102, 103]), min_size=1), st.booleans()),
                 st.tuples(st.just("advance"), st.sampled_from([0.01, 0.03, 1, 59, 60, 3600])),
                 st.tuples(st.just("stop"), st.integers(0, 5)))


@settings(max_examples=examples(20), deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(step, max_size=12), token=st.uuids())
def test_statistics_and_detail_agree_with_the_messages_and_stop_freezes(steps, token):
    client = client_for(APP, f"messages-{token}")
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    created, stopped = [], {}
    for action, *args in steps:
        if action == "create":
            groups, fallback = args
            body = {"groups": sorted(groups), "sender": "s", "options": {"text": "Hi"}}
            if fallback:
                body["alternative_channel"] = {"sms": {"text": "Hi", "sender": "ACME"}}
            created.append(client.post(f"{B}/campaigns/rcs/send-groups", json=body).json()["data"]["id"])
        elif action == "advance":
            client.post("/__mock/clock", json={"advance": args[0]})
        elif created:
            campaign_id = created[args[0] % len(created)]
            if client.put(f"{B}/campaigns/{campaign_id}/stop").status_code == 200:
                stopped[campaign_id] = _messages(client, campaign_id)
        for campaign_id in created:
            found = _agree(client, campaign_id)
            if campaign_id in stopped:
                assert found == stopped[campaign_id], "a stopped campaign's messages changed"
    ids = [m["id"] for campaign_id in created for m in _messages(client, campaign_id)]
    assert len(ids) == len(set(ids)), "message ids are unique"
    assert APP.state.runtime.violations.total == 0


def test_a_messages_life_and_the_list(app=None):
    client = client_for(make_app(), "life")
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    body = {"phones": [{"number": "380661231231", "reference_id": "ref1"}, {"number": "447700900002"}],
            "sender": "s", "options": {"text": "Hi"}}
    campaign = client.post(f"{B}/campaigns/rcs/send", json=body).json()["data"]
    assert [m["status"] for m in _messages(client, campaign["id"])] == ["moderation", "moderation"]
    client.post("/__mock/clock", json={"advance": 60})
    assert [m["status"] for m in _messages(client, campaign["id"])] == ["scheduled", "scheduled"]
    client.post("/__mock/clock", json={"advance": 0.01})
    first, second = _messages(client, campaign["id"])
    assert (first["status"], first["reference_id"], first["phone"]) == ("delivered", "ref1", 380661231231)
    assert first["sent_at"] == first["delivered_at"] == "2026-03-01 10:01:00"
    assert first["amount"] == {"value": "0.0500000", "currency": "EUR"}
    assert second["status"] == "scheduled" and second["sent_at"] is None
    one = client.get(f"{B}/messages", params={"filter[reference_id]": "ref1"}).json()
    assert [m["id"] for m in one["data"]] == [first["id"]] and one["meta"]["page"]["total"] == 1
    by_id = client.get(f"{B}/messages", params={"filter[id]": second["id"]}).json()["data"]
    assert [m["id"] for m in by_id] == [second["id"]]
    desc = client.get(f"{B}/messages", params={"filter[campaign_id]": campaign["id"], "way": "desc"}).json()
    assert [m["id"] for m in desc["data"]] == [second["id"], first["id"]]
    # No future dates; at most 3 months.
    assert client.get(f"{B}/messages", params={"filter[to]": "2026-03-02 00:00:00"}).status_code == 422
    assert client.get(f"{B}/messages", params={"filter[from]": "2025-11-01 00:00:00"}).status_code == 422
    # A single message makes a campaign of one, whose id its answer carries.
    single = client.post(f"{B}/messages/rcs/send", json={"phone": {"number": "447700900001"}, "sender": "s",
                                                          "options": {"text": "Hi"}}).json()["data"]
    assert client.get(f"{B}/campaigns/{single['campaign_id']}").json()["data"]["statistics"]["sent"] == 0
    assert [m["id"] for m in _messages(client, single["campaign_id"])] == [single["id"]]


def test_calculated_price_only_in_create_and_price_answers():
    client = client_for(make_app(), "price")
    created = client.post(f"{B}/campaigns/rcs/send-groups",
                          json={"groups": [101], "sender": "s", "options": {"text": "Hi"}}).json()["data"]
    assert created["calculated_price"] == 0.25 and created["currency"] == "EUR"
    assert client.get(f"{B}/campaigns/{created['id']}").json()["data"]["calculated_price"] is None
    price = client.post(f"{B}/campaigns/price", json={"sender": "s", "text": "Hi", "groups": [101, 102],
                                                      "messages": [{"phone": 447700900009}]}).json()
    assert price == {"price": 0.4, "currency": "EUR"}  # 7 distinct numbers of the groups, and one more


def test_price_and_send_are_not_swallowed_by_the_campaign_path():
    client = client_for(make_app(), "routes")
    assert client.post(f"{B}/campaigns/price", json={"sender": "s", "text": "t"}).status_code == 200
