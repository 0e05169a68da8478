"""A Hypothesis state machine over bsg with its own small model, written from seed 003, the issue and
docs/bsg.md (never from the server's rules): login, create (valid and not), the tenant clock through
moderation, schedule and sending, stop from every status, pause (control plane), renew, list.
Invariants: delivered <= sent; stopped and done never change again."""

import json
import math
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.support import client_for, make_app, examples

B = "/bsg/api"
# A short moderation and a slow rate, so that a few clock moves reach every phase.
RATE, MODERATION = 1.0, 3.0
APP = make_app(delivery_rate=RATE, provider_values=(("bsg", "moderation_seconds", MODERATION),))
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
FIXTURES = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "bsg.json").read_text())
STOPPABLE = {"moderation", "scheduled", "sending", "paused"}
FINAL = {"stopped", "done"}


def _recipients(group_ids):
    """The distinct numbers of the groups (a number in two groups gets one message); unknown groups are
    empty. Returns (how many, how many RCS reaches: 9-15 digits and not marked rcs=false)."""
    numbers = {}
    for group in FIXTURES["groups"]:
        if group["id"] in group_ids:
            for contact in group["contacts"]:
                numbers.setdefault(contact["number"], contact)
    reached = sum(1 for c in numbers.values()
                  if c["number"].isdigit() and 9 <= len(c["number"]) <= 15 and c.get("rcs", True))
    return len(numbers), reached


def _date(seconds):
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


class Campaign:
    def __init__(self, status, created, n=0, reached=0, start=None, sent=0, recorded=False):
        self.status, self.created, self.n, self.reached, self.start = status, created, n, reached, start
        self.sent, self.recorded = sent, recorded
        self.base, self.since = 0, None  # sending: counted before this stretch, and when it began

    def settle(self, now):
        if self.recorded:
            return
        if self.status == "moderation" and now >= self.created + MODERATION:
            if self.start is not None and self.start > self.created + MODERATION:
                self.status = "scheduled"
            else:
                self.begin(self.created + MODERATION)
        if self.status == "scheduled" and now >= self.start:
            self.begin(self.start)
        if self.status == "sending":
            self.sent = self.base + min(self.n - self.base, math.floor((now - self.since) * RATE + 1e-9))
            if self.sent == self.n:
                self.status = "done"

    def begin(self, moment):
        self.status, self.base, self.since = "sending", self.sent, moment


class BsgMachine(RuleBasedStateMachine):
    @initialize()
    def login(self):
        self.api_key = f"live_{uuid.uuid4().hex}"
        self.anonymous = client_for(APP, None)
        response = self.anonymous.post(f"{B}/auth/login", json={"api_key": self.api_key})
        assert response.status_code == 200
        self.client = client_for(APP, response.json()["bearer"])
        self.bearer = response.json()["bearer"]
        assert self.client.post("/__mock/reset").status_code == 200
        frozen = self.client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
        assert frozen.status_code == 200
        self.now = 0.0
        self.campaigns = {c["id"]: Campaign(c["status"], None, sent=c["statistics"]["sent"], recorded=True)
                          for c in FIXTURES["campaigns"] if c["message_type"] == "rcs"}
        self.last_id = max(c["id"] for c in FIXTURES["campaigns"])
        self.finals = {}

    def settled(self):
        for campaign in self.campaigns.values():
            campaign.settle(self.now)
        return self.campaigns

    def ids_in(self, statuses):
        return sorted(i for i, c in self.settled().items() if c.status in statuses)

    @rule()
    def login_again_reaches_the_same_tenant(self):
        again = self.anonymous.post(f"{B}/auth/login", json={"api_key": self.api_key}).json()["bearer"]
        assert again == self.bearer
        assert self.client.post(f"{B}/auth/refresh").json() == {"bearer": self.bearer}

    @rule(groups=st.lists(st.sampled_from([101, 102, 103, 999]), min_size=1, max_size=3),
          start=st.none() | st.sampled_from([-3600, 2, 3, 4, 10, 100, 29 * 86400]),
          fallback=st.booleans())
    def create(self, groups, start, fallback):
        body = {"groups": groups, "sender": "agent", "options": {"text": "Hi"}}
        if start is not None:
            body["start_at"] = _date(self.now + start)
        if fallback:
            body["alternative_channel"] = {"sms": {"text": "Hi", "sender": "ACME"}}
        response = self.client.post(f"{B}/campaigns/rcs/send-groups", json=body)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["id"] == self.last_id + 1 and data["status"] == "moderation"
        self.last_id = data["id"]
        n, reached = _recipients(set(groups))
        starts = math.floor(self.now + start) if start is not None else None
        self.campaigns[data["id"]] = Campaign("moderation", self.now, n, reached, starts)

    @rule(change=st.sampled_from([
        {"groups": []}, {"sender": ""}, {"sender": "s" * 41}, {"validity": 0}, {"validity": 73}, {"options": {}},
        {"start_at": "tomorrow"}, {"start_at": "31 days"}, {"groups": None}, {"options": None}]))
    def create_invalid(self, change):
        body = {"groups": [101], "sender": "agent", "options": {"text": "Hi"}, **change}
        if body.get("start_at") == "31 days":
            body["start_at"] = _date(self.now + 31 * 86400)
        body = {k: v for k, v in body.items() if v is not None}
        response = self.client.post(f"{B}/campaigns/rcs/send-groups", json=body)
        assert response.status_code == 422
        assert set(response.json()) == {"message", "errors"}

    @rule(seconds=st.sampled_from([0.5, 1, 2, 3, 30, 120]))
    def advance(self, seconds):
        assert self.client.post("/__mock/clock", json={"advance": seconds}).status_code == 200
        self.now += seconds

    @rule(data=st.data(), method=st.sampled_from(["put", "patch"]))
    def stop(self, data, method):
        campaign_id = data.draw(st.sampled_from(sorted(self.campaigns)))
        campaign = self.settled()[campaign_id]
        response = getattr(self.client, method)(f"{B}/campaigns/{campaign_id}/stop")
        if campaign.status in STOPPABLE:
            assert response.status_code == 200, response.text
            body = response.json()["data"]
            assert body["status"] == "stopped" and body["finished_at"] is not None
            assert body["statistics"]["sent"] == campaign.sent
            campaign.status, campaign.recorded = "stopped", True
        else:
            assert response.status_code == 422, (campaign.status, response.text)
            assert response.json()["message"] == "Invalid campaign status"

    @precondition(lambda self: self.ids_in({"sending"}))
    @rule(data=st.data())
    def pause(self, data):
        """The real system pauses a campaign whose funds run out; here the control plane does."""
        campaign_id = data.draw(st.sampled_from(self.ids_in({"sending"})))
        response = self.client.put(f"/__mock/bsg/campaigns/{campaign_id}", json={"status": "paused"})
        assert response.status_code == 200 and response.json()["status"] == "paused"
        self.campaigns[campaign_id].status = "paused"

    @precondition(lambda self: self.ids_in({"moderation"}))
    @rule(data=st.data(), status=st.sampled_from(["spam", "creation"]))
    def reject_in_moderation(self, data, status):
        campaign_id = data.draw(st.sampled_from(self.ids_in({"moderation"})))
        response = self.client.put(f"/__mock/bsg/campaigns/{campaign_id}", json={"status": status})
        assert response.status_code == 200 and response.json()["status"] == status
        self.campaigns[campaign_id].status = status

    @precondition(lambda self: self.ids_in({"paused"}))
    @rule(data=st.data())
    def renew(self, data):
        campaign_id = data.draw(st.sampled_from(self.ids_in({"paused"})))
        campaign = self.campaigns[campaign_id]
        response = self.client.put(f"{B}/campaigns/{campaign_id}/renew")
        assert response.status_code == 200, response.text
        campaign.begin(self.now)
        campaign.settle(self.now)
        assert response.json()["data"]["status"] == campaign.status

    @rule(data=st.data())
    def renew_refused(self, data):
        campaign_id = data.draw(st.sampled_from(sorted(set(self.campaigns) - set(self.ids_in({"paused"})))))
        response = self.client.put(f"{B}/campaigns/{campaign_id}/renew")
        assert response.status_code == 422
        assert response.json()["message"] == "Invalid campaign status"

    @rule(kind=st.sampled_from(["rcs", "sms"]), offset=st.integers(0, 12), limit=st.integers(30, 40),
          sort=st.sampled_from(["id", "status"]), way=st.sampled_from(["asc", "desc"]))
    def list(self, kind, offset, limit, sort, way):
        query = {"filter[type]": kind, "filter[from]": _date(0), "page[offset]": offset, "page[limit]": limit,
                 "sort": sort, "way": way}
        response = self.client.get(f"{B}/campaigns", params=query)
        assert response.status_code == 200
        mine = {i: c for i, c in self.settled().items() if c.created is not None} if kind == "rcs" else {}
        order = sorted(mine, key=lambda i: (mine[i].status, i) if sort == "status" else i, reverse=way == "desc")
        assert [c["id"] for c in response.json()["data"]] == order[offset:offset + limit]
        assert response.json()["meta"]["page"] == {"total": len(mine), "limit": limit, "offset": offset}

    @invariant()
    def the_server_agrees_with_the_model(self):
        if not hasattr(self, "client"):
            return
        listed = self.client.get(f"{B}/campaigns", params={"filter[type]": "rcs", "filter[from]": "2026-01-01 00:00:00",
                                                           "page[limit]": 500}).json()["data"]
        model = self.settled()
        assert sorted(c["id"] for c in listed) == sorted(model)
        for seen in listed:
            expected = model[seen["id"]]
            stats, sms = seen["statistics"], seen["alternative_channels"]["sms"]["statistics"]
            assert stats["delivered"] <= stats["sent"] and sms["delivered"] <= sms["sent"]
            assert (seen["status"], stats["sent"]) == (expected.status, expected.sent), seen
            if expected.status == "done" and not expected.recorded:
                assert stats["delivered"] == expected.reached and seen["finished_at"] is not None
            if seen["status"] in FINAL:
                first = self.finals.setdefault(seen["id"], seen)
                assert seen == first, "a final campaign changed"


BsgMachine.TestCase.settings = settings(max_examples=examples(20), stateful_step_count=25, deadline=None,
                                        suppress_health_check=list(HealthCheck))
TestBsgMachine = BsgMachine.TestCase


def test_no_contract_violations_in_the_machine():
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
