"""A Hypothesis state machine for loop-messaging with its own small model, written from seed 004 and the
issue (never from the server's tables): create, schedule (future, past, malformed), publish, cancel through
the control plane, list with filters, and a frozen clock moved past scheduled_at. Every step, the tenant's
whole state must match the model, so an illegal move (412) that changed anything is caught."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition, rule

from tests.support import client_for, make_app, examples

BASE = "/loop-messaging/v1/messaging/campaigns"
RATE = 1.0  # recipients a second: slow enough that a campaign is seen `sending` for a few steps
APP = make_app(delivery_rate=RATE)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# The model's reading of fixtures/loop-messaging.json: how many distinct people each segment reaches
# (seg_nowhere is not there: nobody).
SEGMENT_PEOPLE = {"seg_vip": 3, "seg_newsletter": 3, "seg_empty": 0, "seg_nowhere": 0}
# Fixture campaigns past scheduling; msg_sending was recorded without a send, so it stays sending.
FIXTURES = {"msg_sending": "sending", "msg_sent": "sent", "msg_cancelled": "cancelled"}
BRANDS = ("brand_sm_a", "brand_sm_b")
STATUSES = ("draft", "scheduled", "sending", "sent", "cancelled")  # seed 004
OPEN = ("draft", "scheduled")  # the issue: only these may be scheduled or published; the rest answer 412
MALFORMED = ["tomorrow", "", "2026-13-01T00:00:00Z", "2030-01-01T10:00:00", "2030-01-01 10:00:00Z", 1893456000,
             None, ["2030-01-01T00:00:00Z"]]
PEOPLE = ("p1", "p2", "p3", "p4")


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def parsed(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Campaign:
    brand_id: str
    segment_id: str
    status: str
    scheduled_at: datetime | None = None
    published_at: datetime | None = None
    sent_at: datetime | None = None
    finishes_at: datetime | None = None  # when its send will have handled everyone (None: never)
    times_known: bool = True  # fixture campaigns carry times the model does not track


class MessagingMachine(RuleBasedStateMachine):
    campaigns = Bundle("campaigns")

    def __init__(self) -> None:
        super().__init__()
        self.client = client_for(APP, f"sm-{uuid.uuid4().hex[:12]}")
        self.now = T0
        self.model: dict[str, Campaign] = {}

    @initialize(target=campaigns)
    def freeze_the_clock(self):
        assert self.client.post("/__mock/clock", json={"freeze": True, "now": at(T0)}).status_code == 200
        for campaign_id, status in FIXTURES.items():
            self.model[campaign_id] = Campaign("brand_acme", "seg_vip", status, times_known=False)
        return multiple(*FIXTURES)

    # -- moves ----------------------------------------------------------------------------------------

    @rule(target=campaigns, brand=st.sampled_from(BRANDS), segment=st.sampled_from(sorted(SEGMENT_PEOPLE)),
          extra=st.booleans())
    def create(self, brand, segment, extra):
        body = {"brand_id": brand, "name": "Machine", "segment_id": segment}
        if extra:  # undocumented fields must not reach the entity
            body |= {"status": "sent", "scheduled_at": "2020-01-01T00:00:00Z", "published_at": at(T0)}
        response = self.client.post(BASE, json=body)
        assert response.status_code == 201, response.text
        campaign = response.json()
        assert (campaign["status"], campaign["brand_id"], campaign["segment_id"]) == ("draft", brand, segment)
        self.model[campaign["id"]] = Campaign(brand, segment, "draft")
        return campaign["id"]

    @rule(campaign_id=campaigns, seconds=st.integers(1, 3 * 3600))
    def schedule_in_the_future(self, campaign_id, seconds):
        when = self.now + timedelta(seconds=seconds)
        response = self.client.post(f"{BASE}/{campaign_id}/schedule", json={"scheduled_at": at(when)})
        campaign = self.model[campaign_id]
        if campaign.status not in OPEN:
            return self.bad_state(response, campaign)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "scheduled" and parsed(response.json()["scheduled_at"]) == when
        campaign.status, campaign.scheduled_at = "scheduled", when

    @rule(campaign_id=campaigns, seconds=st.integers(0, 10**7))
    def schedule_at_or_before_now(self, campaign_id, seconds):
        when = self.now - timedelta(seconds=seconds)
        response = self.client.post(f"{BASE}/{campaign_id}/schedule", json={"scheduled_at": at(when)})
        campaign = self.model[campaign_id]
        if campaign.status not in OPEN:
            return self.bad_state(response, campaign)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "validation_error" and "scheduled_at" in response.json()["details"]

    @rule(campaign_id=campaigns, value=st.sampled_from(MALFORMED))
    def schedule_malformed(self, campaign_id, value):
        response = self.client.post(f"{BASE}/{campaign_id}/schedule", json={"scheduled_at": value})
        assert response.status_code == 400, response.text
        assert "scheduled_at" in response.json()["details"]

    @rule(campaign_id=campaigns, people=st.lists(st.sampled_from(PEOPLE), max_size=6))
    def publish(self, campaign_id, people):
        recipients = [{"person_id": p, "recipient": f"{p}.{i}@example.com"} for i, p in enumerate(people)]
        response = self.client.post(f"{BASE}/{campaign_id}/publish", json={"recipients": recipients})
        campaign = self.model[campaign_id]
        if campaign.status not in OPEN:
            return self.bad_state(response, campaign)
        assert response.status_code == 202, response.text
        send = response.json()
        distinct = len(set(people))
        assert send["campaign_id"] == campaign_id and send["brand_id"] == campaign.brand_id
        assert (send["total_recipients"], send["skipped_count"]) == (len(people), len(people) - distinct)
        assert (send["sent_count"], send["failed_count"]) == (0, 0)  # the frozen clock has not moved
        assert parsed(send["started_at"]) == self.now
        campaign.status, campaign.published_at = "sending", self.now
        campaign.finishes_at = self.now + timedelta(seconds=distinct / RATE)
        self.settle()

    @rule(campaign_id=campaigns)
    def cancel_through_the_control_plane(self, campaign_id):
        campaign = self.model[campaign_id]
        body = {"brand_id": campaign.brand_id, "segment_id": campaign.segment_id, "status": "cancelled",
                "cancelled_at": at(self.now)}
        response = self.client.put(f"/__mock/loop-messaging/campaigns/{campaign_id}", json=body)
        assert response.status_code == 200, response.text
        # The control plane replaces the whole campaign: the fields not given are back to their defaults.
        self.model[campaign_id] = Campaign(campaign.brand_id, campaign.segment_id, "cancelled")

    @rule(path=st.sampled_from(["schedule", "publish"]))
    def unknown_campaign(self, path):
        body = {"scheduled_at": at(self.now + timedelta(hours=1))} if path == "schedule" else {"recipients": []}
        response = self.client.post(f"{BASE}/msg_unknown_{uuid.uuid4().hex[:6]}/{path}", json=body)
        assert response.status_code == 404 and response.json()["error"] == "not_found", response.text

    @rule(seconds=st.sampled_from([1, 2, 5, 60, 3600, 7200]))
    def advance(self, seconds):
        self.move_clock(seconds)

    @precondition(lambda self: any(c.status == "scheduled" for c in self.model.values()))
    @rule(data=st.data())
    def advance_past_a_scheduled_at(self, data):
        due = sorted(c.scheduled_at for c in self.model.values() if c.status == "scheduled")
        target = data.draw(st.sampled_from(due)) + timedelta(seconds=data.draw(st.integers(0, 4)))
        self.move_clock((target - self.now).total_seconds())

    @rule(brand=st.sampled_from(BRANDS), status=st.none() | st.sampled_from(STATUSES))
    def list_campaigns(self, brand, status):
        params = {"brand_id": brand} | ({"status": status} if status else {})
        response = self.client.get(BASE, params=params)
        assert response.status_code == 200, response.text
        listed = {c["id"]: c["status"] for c in response.json()["items"]}
        expected = {cid: c.status for cid, c in self.model.items()
                    if c.brand_id == brand and status in (None, c.status)}
        assert listed == expected

    # -- the model ------------------------------------------------------------------------------------

    def bad_state(self, response, campaign: Campaign) -> None:
        assert response.status_code == 412, response.text
        body = response.json()
        assert body["error"] == "bad_state" and body["details"]["status"] == campaign.status

    def move_clock(self, seconds: float) -> None:
        response = self.client.post("/__mock/clock", json={"advance": seconds})
        assert response.status_code == 200, response.text
        self.now += timedelta(seconds=seconds)
        assert parsed(response.json()["now"]) == self.now
        self.settle()

    def settle(self) -> None:
        """The issue: a scheduled campaign past its time publishes itself (at scheduled_at) to its
        segment; a sending campaign is sent once every distinct recipient is handled at RATE."""
        for campaign in self.model.values():
            if campaign.status == "scheduled" and campaign.scheduled_at <= self.now:
                people = SEGMENT_PEOPLE[campaign.segment_id]
                campaign.status, campaign.published_at = "sending", campaign.scheduled_at
                campaign.finishes_at = campaign.scheduled_at + timedelta(seconds=people / RATE)
            if campaign.status == "sending" and campaign.finishes_at and campaign.finishes_at <= self.now:
                campaign.status, campaign.sent_at = "sent", campaign.finishes_at

    @invariant()
    def the_server_agrees_with_the_model(self):
        if not self.model:
            return
        state = self.client.get("/__mock/state").json()["loop-messaging"]["campaigns"]
        found = {c["id"]: c for c in state}
        for campaign_id, campaign in self.model.items():
            entity = found[campaign_id]
            assert entity["status"] == campaign.status, (campaign_id, entity, campaign)
            if campaign.times_known:
                assert (parsed(entity["scheduled_at"]), parsed(entity["published_at"]), parsed(entity["sent_at"])) \
                    == (campaign.scheduled_at, campaign.published_at, campaign.sent_at), (entity, campaign)

    def teardown(self):
        self.client.close()


MessagingMachine.TestCase.settings = settings(max_examples=examples(15), stateful_step_count=20, deadline=None)
TestMessagingMachine = MessagingMachine.TestCase


def test_no_contract_violations_in_the_machine():
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
