"""Scheduled campaigns start by the tenant's clock, with no call needed: the issue's "done when", the
fixture segments as recipients, and the control plane's cancelled campaigns."""

from datetime import UTC, datetime, timedelta

BASE = "/loop-messaging/v1/messaging/campaigns"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def freeze(client, moment: datetime = T0) -> None:
    assert client.post("/__mock/clock", json={"freeze": True, "now": at(moment)}).status_code == 200


def advance(client, seconds: float) -> None:
    assert client.post("/__mock/clock", json={"advance": seconds}).status_code == 200


def statuses(client, brand_id: str) -> dict[str, str]:
    response = client.get(BASE, params={"brand_id": brand_id})
    assert response.status_code == 200, response.text
    return {c["id"]: c["status"] for c in response.json()["items"]}


def test_done_when_create_schedule_in_an_hour_advance_two_hours_is_sent(client):
    freeze(client)
    created = client.post(BASE, json={"brand_id": "brand_done", "name": "Launch", "segment_id": "seg_vip"}).json()
    response = client.post(f"{BASE}/{created['id']}/schedule", json={"scheduled_at": at(T0 + timedelta(hours=1))})
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    assert statuses(client, "brand_done") == {created["id"]: "scheduled"}
    advance(client, 2 * 3600)
    assert statuses(client, "brand_done") == {created["id"]: "sent"}
    [campaign] = client.get(BASE, params={"brand_id": "brand_done", "status": "sent"}).json()["items"]
    assert campaign["published_at"] == "2026-03-01T13:00:00.000Z"
    # seg_vip has three members, delivered at 100 a second from scheduled_at.
    assert campaign["sent_at"] == "2026-03-01T13:00:00.030Z"


def test_a_scheduled_campaign_is_sending_between_start_and_finish(client):
    freeze(client)
    created = client.post(BASE, json={"brand_id": "b", "name": "n", "segment_id": "seg_vip"}).json()
    client.post(f"{BASE}/{created['id']}/schedule", json={"scheduled_at": at(T0 + timedelta(seconds=10))})
    advance(client, 10.015)  # one of three recipients handled at 100 a second
    assert statuses(client, "b") == {created["id"]: "sending"}
    advance(client, 1)
    assert statuses(client, "b") == {created["id"]: "sent"}


def test_the_fixture_scheduled_campaign_goes_out_when_the_clock_reaches_it(client):
    freeze(client, datetime(2030, 6, 1, 9, 0, tzinfo=UTC) - timedelta(seconds=1))
    assert statuses(client, "brand_acme")["msg_scheduled"] == "scheduled"
    advance(client, 3600)
    campaign = client.get("/__mock/loop-messaging/campaigns/msg_scheduled").json()
    assert (campaign["status"], campaign["published_at"]) == ("sent", "2030-06-01T09:00:00.000Z")


def test_an_unknown_segment_is_sent_at_once_to_nobody(client):
    freeze(client)
    created = client.post(BASE, json={"brand_id": "b", "name": "n", "segment_id": "seg_nowhere"}).json()
    client.post(f"{BASE}/{created['id']}/schedule", json={"scheduled_at": at(T0 + timedelta(minutes=5))})
    advance(client, 300)
    campaign = client.get("/__mock/loop-messaging/campaigns/" + created["id"]).json()
    assert campaign["status"] == "sent" and campaign["sent_at"] == campaign["published_at"] == at(
        T0 + timedelta(minutes=5)).replace("Z", ".000Z")


def test_cancelled_only_through_the_control_plane_and_then_it_never_starts(client):
    freeze(client)
    created = client.post(BASE, json={"brand_id": "b", "name": "n", "segment_id": "seg_vip"}).json()
    client.post(f"{BASE}/{created['id']}/schedule", json={"scheduled_at": at(T0 + timedelta(minutes=5))})
    put = client.put(f"/__mock/loop-messaging/campaigns/{created['id']}",
                     json={**created, "status": "cancelled", "cancelled_at": at(T0)})
    assert put.status_code == 200 and put.json()["status"] == "cancelled"
    advance(client, 3600)
    assert statuses(client, "b") == {created["id"]: "cancelled"}
    assert client.post(f"{BASE}/{created['id']}/schedule",
                       json={"scheduled_at": at(T0 + timedelta(days=1))}).status_code == 412


def test_the_control_plane_wants_a_date_time_for_a_scheduled_campaign(client):
    for body in ({"status": "scheduled"}, {"status": "scheduled", "scheduled_at": "soon"}):
        response = client.put("/__mock/loop-messaging/campaigns/c1", json=body)
        assert response.status_code == 422 and "scheduled_at" in response.json()["details"], response.text
    response = client.put("/__mock/loop-messaging/campaigns/c1",
                          json={"status": "scheduled", "scheduled_at": "2031-01-01T00:00:00Z"})
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
