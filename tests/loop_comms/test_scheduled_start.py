"""A scheduled loop-comms campaign starts by the tenant's clock (the README: "scheduled campaigns start ...
as functions of that clock"), as loop-messaging's do: at its scheduled_at it is `sending`, its send
delivers at the delivery rate (100 a second by default), then it is `sent`. Expected values are written
from that promise and the fixtures' own data, never read back from the server's rules."""

BASE = "/loop-comms/v1/admin/campaigns"
ENTITY = "/__mock/loop-comms/campaigns"


def freeze(client, now: str) -> None:
    response = client.post("/__mock/clock", json={"freeze": True, "now": now})
    assert response.status_code == 200, response.text


def advance(client, seconds: float) -> None:
    response = client.post("/__mock/clock", json={"advance": seconds})
    assert response.status_code == 200, response.text


def status_of(client, cid: str) -> dict:
    response = client.get(f"{ENTITY}/{cid}")
    assert response.status_code == 200, response.text
    return response.json()


def test_the_fixture_campaign_starts_at_its_scheduled_at_and_is_sent_to_its_recipients(client):
    # cmp_scheduled: scheduled_at 2027-06-01T09:00:00.000Z, three recipients in the fixtures (one of them
    # not an e-mail address, so it fails on this email campaign).
    freeze(client, "2027-06-01T08:59:59Z")
    assert status_of(client, "cmp_scheduled")["status"] == "scheduled"
    assert client.get(f"{BASE}/cmp_scheduled/history").json() == {"sends": []}

    advance(client, 1)
    campaign = status_of(client, "cmp_scheduled")
    assert campaign["status"] == "sending" and campaign["sent_at"] is None
    assert campaign["updated_at"] == "2027-06-01T09:00:00.000Z"
    [send] = client.get(f"{BASE}/cmp_scheduled/history").json()["sends"]
    assert (send["status"], send["total_recipients"], send["sent"], send["failed"]) == ("sending", 3, 0, 0)
    assert send["started_at"] == send["created_at"] == "2027-06-01T09:00:00.000Z"

    advance(client, 0.02)  # two of three handled at 100 a second
    [send] = client.get(f"{BASE}/cmp_scheduled/history").json()["sends"]
    assert send["sent"] + send["failed"] == 2 and send["status"] == "sending"

    advance(client, 1)
    [send] = client.get(f"{BASE}/cmp_scheduled/history").json()["sends"]
    assert (send["status"], send["sent"], send["failed"]) == ("completed", 2, 1)
    assert send["completed_at"] == "2027-06-01T09:00:00.030Z"
    campaign = status_of(client, "cmp_scheduled")
    assert (campaign["status"], campaign["sent_at"]) == ("sent", "2027-06-01T09:00:00.030Z")


def test_a_campaign_whose_time_passed_long_ago_is_found_sent_with_its_history_at_that_time(client):
    freeze(client, "2030-01-01T00:00:00Z")
    [send] = client.get(f"{BASE}/cmp_scheduled/history").json()["sends"]
    assert send["started_at"] == "2027-06-01T09:00:00.000Z" and send["status"] == "completed"
    assert status_of(client, "cmp_scheduled")["status"] == "sent"
    # Sent now: send and cancel are refused as for any sent campaign.
    assert client.post(f"{BASE}/cmp_scheduled/cancel").status_code == 409
    assert client.post(f"{BASE}/cmp_scheduled/send", json={"recipients": []}).status_code == 409


def test_a_put_scheduled_campaign_with_no_known_recipients_goes_out_to_nobody(client):
    freeze(client, "2030-01-01T00:00:00Z")
    put = client.put(f"{ENTITY}/cmp_later", json={"status": "scheduled", "scheduled_at": "2030-01-01T00:01:00.000Z"})
    assert put.status_code == 200, put.text
    advance(client, 59.999)
    assert status_of(client, "cmp_later")["status"] == "scheduled"
    advance(client, 0.001)
    campaign = status_of(client, "cmp_later")
    assert (campaign["status"], campaign["sent_at"]) == ("sent", "2030-01-01T00:01:00.000Z")
    [send] = client.get(f"{BASE}/cmp_later/history").json()["sends"]
    assert (send["total_recipients"], send["status"], send["completed_at"]) == (0, "completed", "2030-01-01T00:01:00.000Z")


def test_a_cancelled_campaign_never_starts(client):
    freeze(client, "2027-06-01T08:00:00Z")
    assert client.post(f"{BASE}/cmp_scheduled/cancel").status_code == 200
    advance(client, 7200)
    assert status_of(client, "cmp_scheduled")["status"] == "cancelled"
    assert client.get(f"{BASE}/cmp_scheduled/history").json() == {"sends": []}


def test_a_scheduled_campaign_sent_by_hand_before_its_time_does_not_start_again(client):
    freeze(client, "2027-06-01T08:00:00Z")
    sent = client.post(f"{BASE}/cmp_scheduled/send", json={"recipients": [{"person_id": "p", "recipient": "a@b.co"}]})
    assert sent.status_code == 200, sent.text
    advance(client, 7200)
    assert status_of(client, "cmp_scheduled")["status"] == "sent"
    assert len(client.get(f"{BASE}/cmp_scheduled/history").json()["sends"]) == 1


def test_a_scheduled_campaign_without_a_time_stays_scheduled(client):
    freeze(client, "2030-01-01T00:00:00Z")
    assert client.put(f"{ENTITY}/cmp_someday", json={"status": "scheduled"}).status_code == 200
    advance(client, 86400)
    assert status_of(client, "cmp_someday")["status"] == "scheduled"
