"""Callbacks as a consumer's test sees them, through the plugin (`mockserver` and `mockserver_callbacks`)
and MockClient: callback faults make the mock's own reports late, duplicated or out of order (real ones
are), the delivery log says which fault acted; a stopped campaign's remaining messages report nothing more."""

import time

import httpx

B = "/bsg/api"
TO_GROUPS = {"groups": [101, 102], "sender": "s", "options": {"text": "Hi"}}


def _start(mockserver, receiver) -> int:
    mockserver.clock.set("2026-03-01T10:00:00Z")
    mockserver.clock.freeze()
    assert mockserver.settings("bsg", rcs_callback_url=receiver.url)["rcs_callback_url"] == receiver.url
    answer = httpx.post(mockserver.url("bsg") + "/api/campaigns/rcs/send-groups", json=TO_GROUPS,
                        headers=mockserver.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["id"]


def _messages(mockserver, campaign_id):
    return httpx.get(mockserver.url("bsg") + "/api/messages", params={"filter[campaign_id]": campaign_id},
                     headers=mockserver.headers).json()["data"]


def _settled(mockserver, count, seconds=5.0):
    """The delivery log once it holds `count` attempts (or the time is up)."""
    deadline = time.monotonic() + seconds
    while len(log := mockserver.callbacks()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return log


def _reports(mockserver, campaign_id):
    """How many reports the campaign's messages make in all: scheduled, sent, delivery; a failed one two."""
    return sum(2 if m["status"] == "failed" else 3 for m in _messages(mockserver, campaign_id))


def test_a_duplicated_report_arrives_twice_and_the_log_says_why(mockserver, mockserver_callbacks):
    campaign_id = _start(mockserver, mockserver_callbacks)
    fault = mockserver.callback_fault(duplicates=2, match={"status": "delivered"}, times=1)
    mockserver.clock.advance(120)
    expected = _reports(mockserver, campaign_id) + 2
    got = mockserver_callbacks.wait_for(expected)
    assert len(got) == expected
    delivered = [r for r in got if r["status"] == "delivered"]
    assert delivered[0] == delivered[1] == delivered[2] and len({r["id"] for r in delivered}) == len(delivered) - 2
    faulted = [entry for entry in _settled(mockserver, expected) if entry["fault"] == fault["id"]]
    assert len(faulted) == 3 and mockserver.callback_faults() == []  # spent


def test_a_late_report_comes_after_later_ones_when_the_clock_reaches_it(mockserver, mockserver_callbacks):
    campaign_id = _start(mockserver, mockserver_callbacks)
    first = _messages(mockserver, campaign_id)[0]["id"]
    mockserver.callback_fault(delay_seconds=30, match={"id": first, "status": "scheduled"})
    mockserver.clock.advance(120)
    expected = _reports(mockserver, campaign_id)
    assert len(_settled(mockserver, expected - 1)) == expected - 1
    assert all(r["id"] != first or r["status"] != "scheduled" for r in mockserver_callbacks.got)
    mockserver.clock.advance(30)  # held back 30 s of tenant clock
    got = mockserver_callbacks.wait_for(expected)
    assert (got[-1]["id"], got[-1]["status"]) == (first, "scheduled")
    assert [r["status"] for r in got if r["id"] == first][0] != "scheduled"  # its later changes came first


def test_a_last_report_comes_after_the_others_due_with_it(mockserver, mockserver_callbacks):
    campaign_id = _start(mockserver, mockserver_callbacks)
    first = _messages(mockserver, campaign_id)[0]["id"]
    mockserver.callback_fault(last=True, match={"id": first, "status": "scheduled"})
    mockserver.clock.advance(120)
    got = mockserver_callbacks.wait_for(_reports(mockserver, campaign_id))
    assert (got[-1]["id"], got[-1]["status"]) == (first, "scheduled")
    assert got.index(got[-1]) == len(got) - 1 and [r["status"] for r in got[:3]] == ["scheduled"] * 3


def test_a_stopped_campaigns_remaining_messages_report_nothing_more(mockserver, mockserver_callbacks):
    campaign_id = _start(mockserver, mockserver_callbacks)
    mockserver.clock.advance(60.025)  # moderation over at 60 s; at 100 a second, 2 or 3 recipients handled
    stop = httpx.put(mockserver.url("bsg") + f"/api/campaigns/{campaign_id}/stop", headers=mockserver.headers)
    assert stop.status_code == 200, stop.text
    _settled(mockserver, 1)
    time.sleep(0.3)  # what the stop's own call made due has gone
    before = len(mockserver.callbacks())
    mockserver.clock.advance(3600)
    time.sleep(0.3)
    assert len(mockserver.callbacks()) == before  # nothing after the stop, however far the clock goes
    messages = _messages(mockserver, campaign_id)
    waiting = {m["id"] for m in messages if m["status"] == "scheduled"}
    assert waiting and len(waiting) < len(messages)  # the stop cut the sending
    last = {}
    for report in mockserver_callbacks.got:
        last[report["id"]] = report["status"]
    assert last == {m["id"]: m["status"] for m in messages}  # the last report of each agrees with the list
