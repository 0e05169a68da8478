"""What the live state page reads, as plain control-plane calls (no browser): the redirect from `/`, the
page's files and their headers, the state machines with their counts, a collection newest first, and the
journal's latest calls."""

import json
import re
from collections import Counter

# Seed 002 and a Loop tool page (loop-comms rules): send from draft/scheduled, cancel before sending; the
# clock starts a scheduled campaign and finishes a send. Written here from the seeds, not from rules.py.
LOOP_COMMS_MOVES = {("send", "draft", "sending", "client"), ("send", "scheduled", "sending", "client"),
                    ("cancel", "draft", "cancelled", "client"), ("cancel", "scheduled", "cancelled", "client"),
                    ("start", "scheduled", "sending", "clock"), ("finish", "sending", "sent", "clock")}


def test_slash_sends_a_browser_to_the_page_keeping_its_token(anonymous):
    plain = anonymous.get("/", follow_redirects=False)
    assert plain.status_code == 302 and plain.headers["location"] == "/__mock/ui"
    given = anonymous.get("/?token=abc", follow_redirects=False)
    assert given.headers["location"] == "/__mock/ui?token=abc"


def test_the_page_is_served_without_a_token_and_allows_nothing_from_elsewhere(anonymous):
    for path, media in (("/__mock/ui", "text/html"), ("/__mock/ui/app.js", "text/javascript"),
                        ("/__mock/ui/app.css", "text/css")):
        answer = anonymous.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), path
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
        assert answer.headers["referrer-policy"] == "no-referrer"
    page = anonymous.get("/__mock/ui").text
    assert "http://" not in page and "https://" not in page  # no CDN
    script = anonymous.get("/__mock/ui/app.js").text
    assert not re.search(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|eval\(", script)
    assert anonymous.get("/__mock/ui/missing.js").status_code == 404
    assert anonymous.get("/__mock").json()["control"]["calls"]["page"] == "/__mock/ui"


def test_machines_are_the_tables_with_the_tenants_counts(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T12:00:00Z"})
    body = client.get("/__mock/machines").json()
    assert set(body["providers"]) == {"loop-comms", "loop-messaging", "commcom", "bsg"}
    comms = body["providers"]["loop-comms"]["campaigns"]
    assert comms["statuses"] == ["draft", "scheduled", "sending", "sent", "cancelled"]
    assert {(t["action"], t["from"], t["to"], t["by"]) for t in comms["transitions"]} == LOOP_COMMS_MOVES
    state = client.get("/__mock/state").json()
    for provider, collections in body["providers"].items():
        for collection, machine in collections.items():
            assert machine["counts"] == dict(Counter(e["status"] for e in state[provider][collection])), provider
    with open("fixtures/loop-comms.json") as file:
        drafts = sum(1 for c in json.load(file)["campaigns"] if c["status"] == "draft")
    assert comms["counts"]["draft"] == drafts

    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    after = client.get("/__mock/machines").json()["providers"]["loop-comms"]["campaigns"]["counts"]
    assert after["draft"] == drafts - 1 and after["cancelled"] == comms["counts"]["cancelled"] + 1


def test_machines_count_only_the_callers_tenant(app, client):
    from tests.support import client_for

    client.put("/__mock/loop-comms/campaigns/cmp_extra", json={"status": "draft"})
    mine = client.get("/__mock/machines").json()["providers"]["loop-comms"]["campaigns"]["counts"]
    other = client_for(app, "someone-else").get("/__mock/machines").json()
    assert other["providers"]["loop-comms"]["campaigns"]["counts"]["draft"] == mine["draft"] - 1


def test_a_collection_lists_newest_first_when_asked(client):
    for n in range(3):
        client.put(f"/__mock/loop-comms/campaigns/cmp_new_{n}", json={"status": "draft"})
    newest = client.get("/__mock/loop-comms/campaigns", params={"order": "newest", "limit": 2}).json()
    assert [c["id"] for c in newest["items"]] == ["cmp_new_2", "cmp_new_1"] and newest["total"] == 9
    second = client.get("/__mock/loop-comms/campaigns", params={"order": "newest", "offset": 2, "limit": 1}).json()
    assert [c["id"] for c in second["items"]] == ["cmp_new_0"]
    added = client.get("/__mock/loop-comms/campaigns", params={"offset": 8}).json()
    assert [c["id"] for c in added["items"]] == ["cmp_new_2"]
    assert client.get("/__mock/loop-comms/campaigns", params={"order": "oldest"}).status_code == 422


def test_the_journal_gives_its_latest_calls_newest_first_and_counts_them_all(client):
    for campaign in ("cmp_draft", "cmp_draft", "cmp_sent"):
        client.post(f"/loop-comms/v1/admin/campaigns/{campaign}/cancel")
    everything = client.get("/__mock/requests").json()["requests"]
    latest = client.get("/__mock/requests", params={"latest": 2}).json()
    assert latest["count"] == 3
    assert [e["seq"] for e in latest["requests"]] == [everything[2]["seq"], everything[1]["seq"]]
    only_409 = client.get("/__mock/requests", params={"latest": 1, "status": 409}).json()
    assert only_409["count"] == 2 and only_409["requests"][0]["path"].endswith("/cmp_sent/cancel")
    assert client.get("/__mock/requests", params={"latest": 0}).status_code == 422
