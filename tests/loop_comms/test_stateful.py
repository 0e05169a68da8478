"""loop-comms against a small model of its own, written from the seeds and issue 2 (never from rules.py):

- a new campaign is a draft; send from draft or scheduled -> sending, else 409; cancel from draft or
  scheduled -> cancelled, else 409; unknown ids 404 (history: an empty list);
- a send handles its recipients at the delivery rate on the tenant's clock; one the campaign's channel
  cannot deliver to (not an e-mail address on email, not E.164 on sms) fails; when all are handled the
  campaign is sent;
- a scheduled campaign starts by the clock when its scheduled_at passes (the README: scheduled campaigns
  start as functions of the clock, as loop-messaging's do), with a send that starts at scheduled_at to the
  recipients the fixtures list for it (fixtures/loop-comms.json: cmp_scheduled's three, at 2027-06-01
  09:00, so already sent when the model's clock starts in 2030), or to nobody.

The app delivers one recipient a second and the clock is frozen on a whole second and only advanced by
whole seconds, so the model can say exactly how far every send has got."""

import uuid
from datetime import UTC, datetime, timedelta
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (Bundle, RuleBasedStateMachine, initialize, invariant, multiple, precondition,
                                 rule)

from tests.support import client_for, make_app, examples

BASE = "/loop-comms/v1/admin/campaigns"
START = "2030-01-01T00:00:00Z"
APP = make_app(delivery_rate=1.0)
# cmp_scheduled's scheduled_at in the fixtures, in seconds since START (negative: before it).
FIXTURE_SCHEDULED_AT = int((datetime(2027, 6, 1, 9, tzinfo=UTC) - datetime(2030, 1, 1, tzinfo=UTC)).total_seconds())

# (address, deliverable on email, deliverable on sms); every other channel delivers anything.
ADDRESSES = [
    ("ann@example.com", True, False),
    ("bob.smith+news@mail.example.org", True, False),
    ("bob@example.com", True, False),
    ("not-an-address", False, False),
    ("ann@localhost", False, False),
    ("+15550100", False, True),
    ("+447911123456", False, True),
    ("5550100", False, False),
    ("+0441234567", False, False),
    ("+1 555 0100", False, False),
]
CHANNELS = ["email", "sms", "push"]


def deliverable(channel: str, address: str) -> bool:
    for known, email, sms in ADDRESSES:
        if known == address:
            return {"email": email, "sms": sms}.get(channel, True)
    raise AssertionError(address)


@dataclass
class ModelSend:
    started: int  # seconds since START
    outcomes: list[bool]  # per recipient, in order: delivered?

    def handled(self, now: int) -> int:
        return min(len(self.outcomes), now - self.started)  # one a second

    def counts(self, now: int) -> tuple[int, int]:
        done = self.outcomes[:self.handled(now)]
        return sum(done), len(done) - sum(done)

    def finished(self, now: int) -> bool:
        return self.handled(now) == len(self.outcomes)


@dataclass
class ModelCampaign:
    channel: str
    status: str
    sends: list[ModelSend] = field(default_factory=list)
    live: bool = True  # False for a fixture campaign "sending" with no recipients the mock knows of
    starts_at: int | None = None  # a scheduled campaign: when the clock starts it (seconds since START)
    audience: tuple[str, ...] = ()  # whom it then goes out to


class Comms(RuleBasedStateMachine):
    campaigns = Bundle("campaigns")
    fixture_sends = frozenset({"snd_sending", "snd_sent"})  # in the fixtures' history, not made here

    def __init__(self) -> None:
        super().__init__()
        self.client = client_for(APP, f"stateful-{uuid.uuid4().hex[:12]}")
        self.now = 0  # seconds since START, on the tenant's frozen clock
        self.model: dict[str, ModelCampaign] = {}
        self.ever_cancelled: set[str] = set()

    # -- the model ------------------------------------------------------------------------------------

    def status(self, cid: str) -> str:
        campaign = self.model[cid]
        if campaign.status == "scheduled" and campaign.starts_at is not None and campaign.starts_at <= self.now:
            campaign.status = "sending"
            campaign.sends.append(ModelSend(campaign.starts_at,
                                            [deliverable(campaign.channel, a) for a in campaign.audience]))
        if campaign.status == "sending" and campaign.live and campaign.sends and campaign.sends[-1].finished(self.now):
            campaign.status = "sent"
        return campaign.status

    def with_status(self, *statuses: str) -> list[str]:
        return sorted(cid for cid in self.model if self.status(cid) in statuses)

    def iso_now(self) -> str:
        return self.iso_at(self.now)

    @staticmethod
    def iso_at(seconds: int) -> str:
        return (datetime(2030, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    # -- moves ----------------------------------------------------------------------------------------

    @initialize(target=campaigns)
    def start(self):
        assert self.client.post("/__mock/reset").status_code == 200
        clock = self.client.post("/__mock/clock", json={"freeze": True, "now": START})
        assert clock.json() == {"now": "2030-01-01T00:00:00.000Z", "frozen": True}, clock.text
        # The fixtures of issue 2: a campaign in each state, with stable ids.
        self.model.update({
            "cmp_draft": ModelCampaign("email", "draft"),
            "cmp_draft_sms": ModelCampaign("sms", "draft"),
            # scheduled_at 2027-06-01T09:00:00Z, long before START: sent, to its three fixture recipients.
            "cmp_scheduled": ModelCampaign("email", "scheduled", starts_at=FIXTURE_SCHEDULED_AT,
                                           audience=("ann@example.com", "bob@example.com", "not-an-address")),
            "cmp_sending": ModelCampaign("email", "sending", live=False),
            "cmp_sent": ModelCampaign("email", "sent"),
            "cmp_cancelled": ModelCampaign("email", "cancelled"),
        })
        self.ever_cancelled.add("cmp_cancelled")
        return multiple(*self.model)

    @rule(target=campaigns, channel=st.sampled_from(CHANNELS))
    def create(self, channel):
        response = self.client.post(BASE, json={"brand_id": "brand_t", "name": "n", "subject": "s",
                                                "template_key": "t", "channel": channel})
        assert response.status_code == 201, response.text
        campaign = response.json()["campaign"]
        assert (campaign["status"], campaign["channel"]) == ("draft", channel)
        assert campaign["id"] not in self.model
        self.model[campaign["id"]] = ModelCampaign(channel, "draft")
        return campaign["id"]

    @rule(target=campaigns, channel=st.sampled_from(CHANNELS), delay=st.sampled_from([0, 1, 3, 5, None]))
    def put_scheduled(self, channel, delay):
        """A scheduled campaign due `delay` seconds from now (None: next year, out of the run's reach); no
        recipients are known for it, so it goes out to nobody."""
        cid = f"sched_{uuid.uuid4().hex[:8]}"
        due = "2031-01-01T00:00:00.000Z" if delay is None else self.iso_at(self.now + delay)
        response = self.client.put(f"/__mock/loop-comms/campaigns/{cid}",
                                   json={"status": "scheduled", "channel": channel, "scheduled_at": due})
        assert response.status_code == 200, response.text
        self.model[cid] = ModelCampaign(channel, "scheduled", starts_at=None if delay is None else self.now + delay)
        return cid

    @rule(cid=campaigns, addresses=st.lists(st.sampled_from([a for a, _, _ in ADDRESSES]), max_size=4))
    def send(self, cid, addresses):
        before = self.status(cid)
        recipients = [{"person_id": f"p{i}", "recipient": a} for i, a in enumerate(addresses)]
        response = self.client.post(f"{BASE}/{cid}/send", json={"recipients": recipients})
        if before not in ("draft", "scheduled"):
            assert response.status_code == 409, response.text
            assert response.json()["error"] == "conflict"
            return
        assert response.status_code == 200, response.text
        campaign = self.model[cid]
        send = ModelSend(self.now, [deliverable(campaign.channel, a) for a in addresses])
        campaign.status = "sending"
        campaign.sends.append(send)
        body = response.json()["send"]
        assert (body["campaign_id"], body["total_recipients"]) == (cid, len(addresses))
        assert (body["sent"], body["failed"]) == send.counts(self.now)
        assert body["status"] == ("completed" if send.finished(self.now) else "sending")

    @rule(cid=campaigns)
    def cancel(self, cid):
        before = self.status(cid)
        response = self.client.post(f"{BASE}/{cid}/cancel")
        if before not in ("draft", "scheduled"):
            assert response.status_code == 409, response.text
            assert response.json()["error"] == "conflict"
            return
        assert response.status_code == 200, response.text
        campaign = response.json()["campaign"]
        assert campaign["status"] == "cancelled"
        assert campaign["cancelled_at"] == self.iso_now()
        self.model[cid].status = "cancelled"
        self.ever_cancelled.add(cid)

    @rule(cid=campaigns)
    def history(self, cid):
        response = self.client.get(f"{BASE}/{cid}/history")
        assert response.status_code == 200, response.text
        self.check_history(cid, response.json()["sends"])

    def check_history(self, cid, sends):
        campaign = self.model[cid]
        if not campaign.live:
            return  # recorded by the fixtures, not made by us
        ours = [s for s in sends if s["id"] not in self.fixture_sends]
        assert len(ours) == len(campaign.sends)
        for body, send in zip(ours, campaign.sends):
            assert (body["sent"], body["failed"]) == send.counts(self.now), body
            assert body["total_recipients"] == len(send.outcomes)
            assert body["status"] == ("completed" if send.finished(self.now) else "sending")
            assert (body["completed_at"] is None) == (not send.finished(self.now))

    @rule(seconds=st.integers(min_value=0, max_value=3))
    def advance(self, seconds):
        response = self.client.post("/__mock/clock", json={"advance": seconds})
        assert response.status_code == 200, response.text
        self.now += seconds
        assert response.json() == {"now": self.iso_now(), "frozen": True}

    # -- deliberately illegal moves, aimed where the bundle rarely lands ------------------------------

    @precondition(lambda self: self.with_status("sending", "sent", "cancelled"))
    @rule(data=st.data())
    def send_when_no_longer_allowed(self, data):
        cid = data.draw(st.sampled_from(self.with_status("sending", "sent", "cancelled")))
        before = self.client.get(f"{BASE}/{cid}/history").json()
        response = self.client.post(f"{BASE}/{cid}/send", json={"recipients": [{"person_id": "p", "recipient": "+15550100"}]})
        assert response.status_code == 409, response.text
        assert self.client.get(f"{BASE}/{cid}/history").json() == before

    @precondition(lambda self: self.with_status("sending", "sent", "cancelled"))
    @rule(data=st.data())
    def cancel_when_no_longer_allowed(self, data):
        cid = data.draw(st.sampled_from(self.with_status("sending", "sent", "cancelled")))
        response = self.client.post(f"{BASE}/{cid}/cancel")
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "conflict"

    @rule(suffix=st.sampled_from(["send", "cancel", "history"]))
    def unknown_campaign(self, suffix):
        cid = f"missing_{uuid.uuid4().hex[:8]}"
        if suffix == "history":
            response = self.client.get(f"{BASE}/{cid}/history")
            assert (response.status_code, response.json()) == (200, {"sends": []})
            return
        response = self.client.post(f"{BASE}/{cid}/{suffix}", json={"recipients": []})
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "not_found"

    @rule(cid=campaigns, body=st.sampled_from([{}, {"recipients": [{"person_id": "p"}]}, {"recipients": "x"}]))
    def send_a_bad_body(self, cid, body):
        response = self.client.post(f"{BASE}/{cid}/send", json=body)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "validation_error"

    # -- what must always hold ------------------------------------------------------------------------

    @invariant()
    def statuses_match_the_model(self):
        if not self.model:
            return
        state = self.client.get("/__mock/state").json()["loop-comms"]["campaigns"]
        server = {c["id"]: c for c in state}
        assert set(server) == set(self.model)
        for cid in self.model:
            assert server[cid]["status"] == self.status(cid), (cid, server[cid])
            if server[cid]["status"] == "sent" and self.model[cid].live:
                assert server[cid]["sent_at"] is not None

    @invariant()
    def a_cancelled_campaign_never_becomes_sent(self):
        for cid in self.ever_cancelled:
            assert self.status(cid) == "cancelled"
            entity = self.client.get(f"/__mock/loop-comms/campaigns/{cid}").json()
            assert entity["status"] == "cancelled" and entity["sent_at"] is None

    @invariant()
    def every_send_is_where_the_model_says(self):
        for cid, campaign in self.model.items():
            if not campaign.sends:
                continue
            sends = self.client.get(f"{BASE}/{cid}/history").json()["sends"]
            for send in sends:
                # Whatever the model says, a send never counts more than its recipients.
                assert 0 <= send["sent"] and 0 <= send["failed"]
                assert send["sent"] + send["failed"] <= send["total_recipients"], send
            self.check_history(cid, sends)

Comms.TestCase.settings = settings(max_examples=examples(15), stateful_step_count=20, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow])
TestComms = Comms.TestCase


def test_every_answer_kept_its_contract():
    # Runs after TestComms in file order; strict mode would also have turned a violation into a 500.
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
