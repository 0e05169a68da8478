"""The loop-messaging list answers one brand's campaigns from an index by brand kept on every write (issue
17, point 2), in the collection's order. Whatever the writes (control-plane puts that move a campaign to
another brand or replace it, deletes, creates, a refused schedule taken back), the list must be the one the
whole collection gives: the model is the tenant's full state (GET /__mock/state, in the collection's order)
filtered by brand and status here."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app

APP = make_app()
BASE = "/loop-messaging/v1/messaging/campaigns"
BRANDS = ["brand_x", "brand_globex", "brand_acme"]  # acme last: regrouping it (stale since load) regroups all
IDS = ["msg_draft", "msg_scheduled", "msg_sending", "msg_sent", "msg_other_brand", "c1", "c2"]

writes = st.lists(st.one_of(
    st.tuples(st.just("put"), st.sampled_from(IDS), st.fixed_dictionaries({}, optional={
        "brand_id": st.sampled_from(BRANDS), "status": st.sampled_from(["draft", "cancelled"])})),
    st.tuples(st.just("delete"), st.sampled_from(IDS), st.just({})),
    st.tuples(st.just("create"), st.just(""), st.fixed_dictionaries({"brand_id": st.sampled_from(BRANDS)})),
    st.tuples(st.just("refused"), st.sampled_from(IDS), st.just({}))), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(writes)
@example([("create", "", {"brand_id": "brand_x"}), ("put", "msg_draft", {"brand_id": "brand_x"})])  # moves in
@example([("put", "msg_sent", {"brand_id": "brand_globex"}), ("put", "msg_draft", {"brand_id": "brand_globex"})])
def test_a_brand_list_is_the_one_the_whole_collection_gives(steps):
    client = client_for(APP, "messaging-brand-index")
    client.post("/__mock/reset")
    for kind, campaign_id, fields in steps:
        if kind == "put":
            client.put(f"/__mock/loop-messaging/campaigns/{campaign_id}", json=fields)
        elif kind == "delete":
            client.delete(f"/__mock/loop-messaging/campaigns/{campaign_id}")
        elif kind == "create":
            assert client.post(BASE, json={**fields, "name": "n", "segment_id": "seg_vip"}).status_code == 201
        else:  # a schedule in the past: refused, and whatever it touched taken back
            client.post(f"{BASE}/{campaign_id}/schedule", json={"scheduled_at": "2001-01-01T00:00:00.000Z"})
    campaigns = client.get("/__mock/state").json()["loop-messaging"]["campaigns"]
    for brand in BRANDS:
        for status in (None, "draft"):
            query = {"brand_id": brand, **({"status": status} if status else {})}
            answer = client.get(BASE, params=query)
            assert answer.status_code == 200, answer.text
            expected = [c["id"] for c in campaigns if c["brand_id"] == brand and (status is None or c["status"] == status)]
            assert [c["id"] for c in answer.json()["items"]] == expected, (brand, status)


def test_a_new_tenants_first_brand_list_regroups_nothing(monkeypatch):
    # The fixtures' clocked campaigns (brand_acme's scheduled and sending ones) are built by each tenant at
    # load; they land where the shared index already holds them, so no group goes stale and no list walks
    # the whole collection (at 100,000 fixture campaigns that walk took ~40 ms: docs/performance.md).
    from mockserver.indexes import Grouped

    walked = []  # the entities each regroup walked (a new, empty index is made by one too)
    real = Grouped.regroup

    def regroup(self, items):
        items = list(items)
        walked.append(len(items))
        real(self, items)

    monkeypatch.setattr(Grouped, "regroup", regroup)
    client = client_for(APP, "messaging-first-brand-list")
    campaigns = client.get("/__mock/state").json()["loop-messaging"]["campaigns"]
    for brand in ("brand_acme", "brand_globex"):
        answer = client.get(BASE, params={"brand_id": brand})
        assert [c["id"] for c in answer.json()["items"]] == [c["id"] for c in campaigns if c["brand_id"] == brand]
    assert not any(walked), walked
    assert {c["status"] for c in campaigns if c["brand_id"] == "brand_acme"} >= {"scheduled", "sending"}
