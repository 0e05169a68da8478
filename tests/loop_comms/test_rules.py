"""The comms campaign rules, with no HTTP. Expectations come from the seeds and issue 2 (written out here,
never read back from rules.py): send from draft/scheduled starts sending (seed 002), else 409 "Campaign
already sent"; cancel only before sending (seed 000 + the Loop tool page), else 409 conflict; the clock
finishes a sending campaign as sent; the channel decides which recipients fail."""

import random
from datetime import UTC, datetime

import pytest

from mockserver.clock import Clock
from mockserver.errors import ApiError
from mockserver.providers.loop_comms import rules
from mockserver.providers.loop_comms.models import CommsBackend
from mockserver.settings import Settings
from mockserver.tenancy import Environment

STATUSES = ("draft", "scheduled", "sending", "sent", "cancelled")
EXPECTED = {
    # action: {from: to or None (refused)}
    "send": {"draft": "sending", "scheduled": "sending", "sending": None, "sent": None, "cancelled": None},
    "cancel": {"draft": "cancelled", "scheduled": "cancelled", "sending": None, "sent": None, "cancelled": None},
    "finish": {"draft": None, "scheduled": None, "sending": "sent", "sent": None, "cancelled": None},
}
START = datetime(2030, 1, 1, tzinfo=UTC)


def test_the_campaign_statuses_are_the_five_of_the_issue():
    assert set(rules.CAMPAIGN.statuses) == set(STATUSES)


@pytest.mark.parametrize(("action", "status"), [(a, s) for a in EXPECTED for s in STATUSES])
def test_transition_table(action, status):
    assert rules.CAMPAIGN.target(action, status) == EXPECTED[action][status]


# -- the backend: the same rules with their side effects and refusals -----------------------------------


def backend(rate: float = 1.0) -> CommsBackend:
    clock = Clock()
    clock.freeze(True)
    clock.set(START)
    return CommsBackend(Environment(clock, random.Random(1), Settings(delivery_rate=rate)), None)


def campaign_in(store: CommsBackend, status: str, channel: str = "email") -> str:
    store.put_entity("campaigns", f"c_{status}", {"status": status, "channel": channel}, lambda rendered: [])
    return f"c_{status}"


PERSON = [{"person_id": "p1", "recipient": "ann@example.com"}]


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_send_from_draft_or_scheduled_starts_sending(status):
    store = backend()
    cid = campaign_in(store, status)
    send = store.send(cid, PERSON)
    assert (send.status, send.total_recipients, send.sent, send.failed) == ("sending", 1, 0, 0)
    assert send.campaign_id == cid and send.completed_at is None
    assert store.campaign(cid).status == "sending"


@pytest.mark.parametrize("status", ["sending", "sent"])
def test_send_when_already_sending_or_sent_is_the_documented_409(status):
    store = backend()
    cid = campaign_in(store, status)
    with pytest.raises(ApiError) as refused:
        store.send(cid, PERSON)
    assert refused.value.status == 409
    assert refused.value.body == {"error": "conflict", "message": "Campaign already sent"}
    assert store.campaign(cid).status == status
    assert store.history(cid) == []


def test_send_on_cancelled_is_a_409_and_stays_cancelled():
    store = backend()
    cid = campaign_in(store, "cancelled")
    with pytest.raises(ApiError) as refused:
        store.send(cid, PERSON)
    assert refused.value.status == 409 and refused.value.body["error"] == "conflict"
    assert store.campaign(cid).status == "cancelled"


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_cancel_before_sending_sets_cancelled_at(status):
    store = backend()
    cid = campaign_in(store, status)
    campaign = store.cancel(cid)
    assert campaign.status == "cancelled"
    assert campaign.cancelled_at == "2030-01-01T00:00:00.000Z"
    assert campaign.sent_at is None


@pytest.mark.parametrize("status", ["sending", "sent", "cancelled"])
def test_cancel_once_sending_sent_or_cancelled_is_409_conflict(status):
    store = backend()
    cid = campaign_in(store, status)
    with pytest.raises(ApiError) as refused:
        store.cancel(cid)
    assert refused.value.status == 409 and refused.value.body["error"] == "conflict"
    assert isinstance(refused.value.body["message"], str) and refused.value.body["message"]
    assert store.campaign(cid).status == status


@pytest.mark.parametrize("action", ["send", "cancel"])
def test_unknown_campaign_is_404_not_found(action):
    store = backend()
    with pytest.raises(ApiError) as refused:
        store.send("nope", PERSON) if action == "send" else store.cancel("nope")
    assert refused.value.status == 404 and refused.value.body["error"] == "not_found"


def test_history_of_unknown_campaign_is_empty():
    assert backend().history("nope") == []


def test_new_campaign_is_a_draft_with_documented_defaults():
    campaign = backend().create({"brand_id": "b", "name": "n", "subject": "s", "template_key": "t"})
    assert campaign.status == "draft"
    assert (campaign.channel, campaign.segment_criteria, campaign.variables) == ("email", {}, {})
    assert campaign.scheduled_at is campaign.sent_at is campaign.cancelled_at is None


def test_create_ignores_fields_it_does_not_document():
    campaign = backend().create({"brand_id": "b", "name": "n", "subject": "s", "template_key": "t",
                                 "status": "sent", "id": "mine"})
    assert campaign.status == "draft" and campaign.id != "mine"


# -- finish: the clock moves a send forward --------------------------------------------------------------


def test_the_clock_finishes_a_send_and_the_campaign_becomes_sent():
    store = backend(rate=1.0)  # one recipient a second: counts are exact at whole seconds
    cid = campaign_in(store, "draft")
    recipients = [{"person_id": f"p{i}", "recipient": r}
                  for i, r in enumerate(["ann@example.com", "not an address", "bob@example.org"])]
    store.send(cid, recipients)
    seen = []
    for _ in range(4):
        [send] = store.history(cid)
        seen.append((send.sent, send.failed, send.status, store.campaign(cid).status))
        store.env.clock.advance(1)
    assert seen == [(0, 0, "sending", "sending"), (1, 0, "sending", "sending"), (1, 1, "sending", "sending"),
                    (2, 1, "completed", "sent")]
    campaign = store.campaign(cid)
    assert campaign.sent_at == send.completed_at == "2030-01-01T00:00:03.000Z"


def test_an_empty_send_completes_at_once():
    store = backend()
    cid = campaign_in(store, "draft")
    send = store.send(cid, [])
    assert (send.total_recipients, send.sent, send.failed, send.status) == (0, 0, 0, "completed")
    assert store.campaign(cid).status == "sent"


def test_a_cancelled_campaign_is_not_moved_by_the_clock():
    store = backend()
    cid = campaign_in(store, "draft")
    store.cancel(cid)
    store.env.clock.advance(3600)
    assert store.campaign(cid).status == "cancelled"


# -- which recipients can be delivered, per channel ------------------------------------------------------


ADDRESSES = [
    ("email", "ann@example.com", True),
    ("email", "first.last+tag@mail.example.co.uk", True),
    ("email", "ann@example", False),
    ("email", "ann.example.com", False),
    ("email", "+15550100", False),
    ("email", "ann @example.com", False),
    ("sms", "+15550100", True),
    ("sms", "+447911123456", True),
    ("sms", "15550100", False),  # E.164 starts with +
    ("sms", "+0123456", False),  # and a country code never starts with 0
    ("sms", "+1234567890123456", False),  # at most 15 digits
    ("sms", "+1 555 0100", False),
    ("sms", "ann@example.com", False),
    ("email", "ann@example.com\n", False),  # the whole text is the address
    ("sms", "+15550100\n", False),
    ("push", "anything at all", True),
    ("in_app", "usr_1", True),
]


@pytest.mark.parametrize(("channel", "recipient", "ok"), ADDRESSES)
def test_deliverable(channel, recipient, ok):
    assert rules.deliverable(channel, recipient) is ok


@pytest.mark.parametrize("channel", ["email", "sms", "push"])
def test_a_sends_outcomes_are_each_recipients_deliverable(channel):
    recipients = [{"person_id": f"p{i}", "recipient": r} for i, (_, r, _) in enumerate(ADDRESSES)]
    assert rules.outcomes(channel, recipients) == [rules.deliverable(channel, r["recipient"]) for r in recipients]


def test_a_send_counts_an_undeliverable_recipient_as_failed_on_its_channel():
    store = backend(rate=1.0)
    cid = campaign_in(store, "draft", channel="sms")
    store.send(cid, [{"person_id": "p1", "recipient": "+15550100"}, {"person_id": "p2", "recipient": "a@b.co"}])
    store.env.clock.advance(2)
    [send] = store.history(cid)
    assert (send.sent, send.failed, send.status) == (1, 1, "completed")
