"""Issue 13's "done when": a real HTTP receiver on 127.0.0.1 is a tenant's Callback URL For RCS; a campaign
to the fixture groups, an advance of the frozen clock, and every message's status reports arrive, in the
order the changes happened, with the documented fields (the RCS introduction), agreeing with
GET /api/messages; a receiver that fails once is retried on the tenant clock and the log shows both."""

import time

import httpx
import pytest

from mockserver.receiver import CallbackReceiver
from tests.support import ServerProcess

B = "/bsg/api"
DOCUMENTED = {"error", "errorDescription", "id", "msisdn", "reference", "status", "time_in", "time_sent",
              "time_dr", "price", "currency"}


def Receiver(fail: int = 0) -> CallbackReceiver:  # noqa: N802 (the plugin's receiver, as the tests name it)
    return CallbackReceiver(fail=fail, path="/rcs")


@pytest.fixture(scope="module")
def server():
    with ServerProcess() as running:
        yield running


def _client(server, token):
    client = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})
    assert client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"}).status_code == 200
    return client


def test_every_message_reports_in_order_and_agrees_with_the_messages(server):
    receiver = Receiver()
    client = _client(server, "callbacks-in-order")
    assert client.put("/__mock/bsg/settings", json={"rcs_callback_url": receiver.url}).json()["rcs_callback_url"]
    campaign = client.post(f"{B}/campaigns/rcs/send-groups",
                           json={"groups": [101, 102], "sender": "s", "options": {"text": "Hi"}}).json()["data"]
    assert client.post("/__mock/clock", json={"advance": 120}).status_code == 200
    messages = client.get(f"{B}/messages", params={"filter[campaign_id]": campaign["id"]}).json()["data"]
    # 7 messages: scheduled; then sent and the delivery report (delivered or undelivered); a malformed
    # number goes from scheduled to failed.
    expected = sum(2 if m["status"] == "failed" else 3 for m in messages)
    got = receiver.wait_for(expected)
    receiver.close()
    assert len(got) == expected
    assert all(set(report) == DOCUMENTED and report["error"] == 0 for report in got)
    by_message: dict[int, list[str]] = {}
    for report in got:
        by_message.setdefault(report["id"], []).append(report["status"])
    for message in messages:
        life = by_message[message["id"]]
        assert life[0] == "scheduled" and life[-1] == message["status"]
        assert life in (["scheduled", "sent", "delivered"], ["scheduled", "sent", "undelivered"],
                        ["scheduled", "failed"])
    # In the order the changes happened: every "scheduled" (moderation over at 10:01:00) before any send.
    moments = [(r["time_sent"] or "", r["status"] != "scheduled") for r in got]
    assert moments == sorted(moments, key=lambda m: (m[1], m[0]))
    delivered = next(r for r in got if r["status"] == "delivered")
    assert delivered["price"] == "0.0500000" and delivered["time_in"] == "2026-03-01 10:00:00"
    log = client.get("/__mock/callbacks").json()["callbacks"]
    assert len(log) == expected and all(entry["status"] == 200 and entry["attempt"] == 1 for entry in log)


def test_a_failed_report_is_retried_on_the_tenant_clock(server):
    receiver = Receiver(fail=1)
    client = _client(server, "callbacks-retry")
    client.put("/__mock/bsg/settings", json={"rcs_callback_url": receiver.url})
    client.post(f"{B}/messages/rcs/send", json={"phone": {"number": "447700900001"}, "sender": "s",
                                                "options": {"text": "Hi"}})
    client.post("/__mock/clock", json={"advance": 60})  # moderation over: "scheduled", answered 500
    deadline = time.monotonic() + 5
    while not client.get("/__mock/callbacks").json()["callbacks"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert receiver.got == []
    client.post("/__mock/clock", json={"advance": 10})  # the retry is due 10 s of tenant clock later
    got = receiver.wait_for(3)
    receiver.close()
    # The retry goes when due, with whatever else fell due by then: here after the later changes (a
    # consumer of real callbacks must survive that order too; docs/bsg.md).
    assert sorted(r["status"] for r in got) == ["delivered", "scheduled", "sent"]
    log = client.get("/__mock/callbacks").json()["callbacks"]
    first, retry = [e for e in log if e["body"]["status"] == "scheduled"]
    assert (first["attempt"], first["status"], retry["attempt"], retry["status"]) == (1, 500, 2, 200)


def test_reset_clears_the_settings_and_nothing_is_sent_without_a_url(server):
    client = _client(server, "callbacks-reset")
    client.put("/__mock/bsg/settings", json={"rcs_callback_url": "http://127.0.0.1:9/nowhere"})
    client.post("/__mock/reset")
    assert client.get("/__mock/bsg/settings").json() == {"rcs_callback_url": None, "moderation_seconds": 60}
    client.post("/__mock/clock", json={"freeze": True})
    client.post(f"{B}/campaigns/rcs/send-groups", json={"groups": [101], "sender": "s", "options": {"text": "Hi"}})
    client.post("/__mock/clock", json={"advance": 120})
    assert client.get("/__mock/callbacks").json()["callbacks"] == []


def test_a_callback_to_a_host_off_this_machine_is_logged_unsent_and_never_retried(server):
    # A fuzzer fills callback URLs with invented hosts: the mock must not send its reports there. The host
    # is one the guard cannot read as loopback (it resolves no names), yet the system resolver maps it to
    # 127.0.0.1: were the guard to fail, the test would fail without anything leaving the machine.
    client = _client(server, "callbacks-off-machine")
    client.post(f"{B}/messages/rcs/send", json={"phone": {"number": "447700900001"}, "sender": "s",
                                                "options": {"text": "Hi"}, "callback_url": "http://0x7f000001:9/hook"})
    client.post("/__mock/clock", json={"advance": 60})
    deadline = time.monotonic() + 5
    while not (log := client.get("/__mock/callbacks").json()["callbacks"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert log and all(entry["status"] is None and "not allowed" in entry["error"] for entry in log)
    client.post("/__mock/clock", json={"advance": 3600})  # past every retry delay: nothing is tried again
    time.sleep(0.3)
    again = client.get("/__mock/callbacks").json()["callbacks"]
    assert all(entry["attempt"] == 1 for entry in again)


def test_a_host_the_server_names_is_allowed():
    from mockserver.callbacks import refusal

    assert refusal("http://127.0.0.1:8000/h", ()) is None and refusal("http://localhost/h", ()) is None
    assert refusal("http://[::1]/h", ()) is None
    assert "not allowed" in refusal("http://app:8000/h", ())
    assert refusal("http://app:8000/h", ("app",)) is None and refusal("http://example.org/", ("*",)) is None
