"""loop-messaging's rules and backend without HTTP: the transition table against seed 004 and the issue,
the recipient rules, and the clock moving scheduled campaigns and sends."""

import random
from datetime import UTC, datetime

import pytest

from mockserver.clock import Clock, iso
from mockserver.errors import ApiError
from mockserver.providers.loop_messaging import rules
from mockserver.providers.loop_messaging.models import MessagingBackend
from mockserver.settings import Settings
from mockserver.tenancy import Environment

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SEGMENTS = [
    {"id": "seg_three", "members": [{"person_id": "p1", "recipient": "a@example.com"},
                                    {"person_id": "p2", "recipient": "fail@example.com"},
                                    {"person_id": "p1", "recipient": "a2@example.com"},
                                    {"person_id": "p3", "recipient": "+15550100"}]},
]
NEW = {"brand_id": "brand_t", "name": "Test", "segment_id": "seg_three"}


@pytest.fixture
def clock():
    clock = Clock()
    clock.freeze(True)
    clock.set(T0)
    return clock


@pytest.fixture
def backend(clock):
    env = Environment(clock, random.Random(7), Settings(delivery_rate=2.0))
    return MessagingBackend(env, {"segments": SEGMENTS, "campaigns": []})


def refused(call, status: int) -> dict:
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.status == status, caught.value.body
    return caught.value.body


# -- the table ------------------------------------------------------------------------------------------


def test_schedule_and_publish_only_before_a_campaign_goes_out():
    for action in ("schedule", "publish"):
        assert set(rules.CAMPAIGN.sources(action)) == {rules.DRAFT, rules.SCHEDULED}
        for status in (rules.SENDING, rules.SENT, rules.CANCELLED):
            assert rules.CAMPAIGN.target(action, status) is None
    assert rules.CAMPAIGN.target("schedule", rules.SCHEDULED) == rules.SCHEDULED  # rescheduling
    assert rules.CAMPAIGN.target("publish", rules.SCHEDULED) == rules.SENDING


def test_no_documented_move_reaches_cancelled():
    for row in rules.CAMPAIGN.transitions.values():
        assert rules.CANCELLED not in row.values()


def test_the_statuses_are_the_seed_enum():
    assert rules.CAMPAIGN.statuses == ("draft", "scheduled", "sending", "sent", "cancelled")


# -- recipients -----------------------------------------------------------------------------------------


def test_duplicates_keep_the_first_person_and_are_counted():
    given = [{"person_id": "a", "recipient": "1"}, {"person_id": "b", "recipient": "2"},
             {"person_id": "a", "recipient": "3"}, {"person_id": "a", "recipient": "4"}]
    kept, skipped = rules.deduplicated(given)
    assert kept == given[:2] and skipped == 2
    assert rules.deduplicated([]) == ([], 0)


def test_only_recipients_marked_fail_fail():
    assert rules.deliverable("ann@example.com") and rules.deliverable("+15550100") and rules.deliverable("x")
    assert not rules.deliverable("fail@example.com") and not rules.deliverable("FAIL-me")


# -- the backend ----------------------------------------------------------------------------------------


def test_create_takes_only_the_documented_fields(backend):
    campaign = backend.create({**NEW, "status": "sent", "sent_at": "2020-01-01T00:00:00Z", "extra": 1})
    rendered = campaign.render()
    assert rendered["status"] == "draft" and rendered["sent_at"] is None and "extra" not in rendered
    assert rendered["description"] is None and rendered["created_at"] == iso(T0)


def test_publish_skips_duplicates_and_delivers_at_the_rate(backend, clock):
    campaign = backend.create(NEW)
    recipients = SEGMENTS[0]["members"]
    send = backend.publish(campaign.id, recipients)
    assert (send.total_recipients, send.skipped_count, send.sent_count, send.failed_count) == (4, 1, 0, 0)
    assert send.status == "sending" and campaign.status == "sending" and campaign.published_at == iso(T0)
    clock.advance(1.0)  # 2 a second: two of the three handled
    backend.campaign(campaign.id)
    assert (send.sent_count, send.failed_count) == (1, 1) and campaign.status == "sending"
    clock.advance(0.5)
    assert backend.campaign(campaign.id).status == "sent"
    assert (send.sent_count, send.failed_count, send.status) == (2, 1, "completed")
    assert campaign.sent_at == send.completed_at == "2026-03-01T12:00:01.500Z"
    assert send.sent_count + send.failed_count + send.skipped_count == send.total_recipients


def test_publish_to_nobody_is_sent_at_once(backend):
    campaign = backend.create(NEW)
    send = backend.publish(campaign.id, [])
    assert send.status == "completed" and campaign.status == "sent" and campaign.sent_at == iso(T0)


def test_a_scheduled_campaign_goes_out_to_its_segment_at_scheduled_at(backend, clock):
    campaign = backend.create(NEW)
    backend.schedule(campaign.id, "2026-03-01T13:00:00+00:00")
    assert campaign.scheduled_at == "2026-03-01T13:00:00.000Z"
    clock.advance(3600 + 1)  # one second after scheduled_at: two handled of three
    assert backend.campaign(campaign.id).status == "sending"
    assert campaign.published_at == "2026-03-01T13:00:00.000Z"
    assert (campaign.send.total_recipients, campaign.send.skipped_count) == (4, 1)
    clock.advance(3600)
    assert backend.campaign(campaign.id).status == "sent"
    assert campaign.sent_at == "2026-03-01T13:00:01.500Z"


def test_an_unknown_segment_sends_to_nobody_at_scheduled_at(backend, clock):
    campaign = backend.create({**NEW, "segment_id": "seg_nowhere"})
    backend.schedule(campaign.id, "2026-03-01T12:30:00Z")
    clock.advance(7200)
    assert [c.id for c in backend.campaigns_of("brand_t", "sent")] == [campaign.id]
    assert campaign.published_at == campaign.sent_at == "2026-03-01T12:30:00.000Z"


def test_schedule_refusals(backend, clock):
    campaign = backend.create(NEW)
    body = refused(lambda: backend.schedule(campaign.id, iso(T0)), 400)  # not strictly after the clock
    assert body["error"] == "validation_error" and "scheduled_at" in body["details"]
    refused(lambda: backend.schedule(campaign.id, "0001-01-01T00:00:00+01:00"), 400)  # before year 1 in UTC
    assert campaign.status == "draft" and campaign.scheduled_at is None
    assert refused(lambda: backend.schedule("nope", "2030-01-01T00:00:00Z"), 404)["error"] == "not_found"
    backend.publish(campaign.id, [{"person_id": "p", "recipient": "r"}])
    body = refused(lambda: backend.schedule(campaign.id, "2030-01-01T00:00:00Z"), 412)
    assert body["details"] == {"status": "sending"}
    body = refused(lambda: backend.publish(campaign.id, []), 412)
    assert body["error"] == "bad_state" and body["details"] == {"status": "sending"}


def test_reschedule_moves_scheduled_at(backend):
    campaign = backend.create(NEW)
    backend.schedule(campaign.id, "2026-03-02T00:00:00Z")
    backend.schedule(campaign.id, "2026-03-03T00:00:00Z")
    assert (campaign.status, campaign.scheduled_at) == ("scheduled", "2026-03-03T00:00:00.000Z")


def test_control_plane_campaigns_the_clock_cannot_move_stay_as_recorded(backend, clock):
    accept = lambda rendered: []  # noqa: E731 (the contract check is the control plane's, not tested here)
    for campaign_id, scheduled_at in (("c1", None), ("c2", "soon"), ("c3", "0001-01-01T00:00:00+01:00")):
        put = backend.put_entity("campaigns", campaign_id, {"status": "scheduled", "scheduled_at": scheduled_at}, accept)
        assert put["status"] == "scheduled"
    assert backend.put_entity("campaigns", "c4", {"status": "sending"}, accept)["status"] == "sending"
    assert backend.put_entity("campaigns", "c5", {"status": "cancelled"}, accept)["status"] == "cancelled"
    clock.advance(10 * 365 * 86400)
    assert [c.status for c in backend.campaigns_of("brand_mock")] == ["scheduled"] * 3 + ["sending", "cancelled"]


def test_a_control_plane_campaign_scheduled_in_the_past_starts_at_once(backend):
    put = backend.put_entity("campaigns", "c1", {"status": "scheduled", "scheduled_at": "2026-03-01T11:00:00Z",
                                                 "segment_id": "seg_three"}, lambda rendered: [])
    assert put["status"] == "sent" and put["published_at"] == "2026-03-01T11:00:00.000Z"
