"""A stateful model of commcom sends, written from the issue and seed 001 (never from the server's tables):
campaigns are created through the API, sends of each type through the control plane, the frozen clock
advances, and sends are stopped legally, illegally, through the wrong campaign, or by an unknown id."""

import json
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from tests.commcom.helpers import BASE, START
from tests.support import client_for, make_app, examples

APP = make_app()
FINAL = ("sent", "failed", "cancelled", "stopped")
STOPPABLE = ("draft", "pending", "in_progress")
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass
class ModelSend:
    campaign: str
    kind: str
    created_status: str  # as put through the control plane
    start: int  # seconds after the machine's start
    params: dict
    stopped: dict | None = None  # multistep_status when it was stopped
    last_total: int = 0

    def cap(self) -> int:
        p = self.params
        if self.kind == "manual":
            return p["amount"]
        if self.kind == "multistep":
            return p["max_sms"] if 0 < p["max_sms"] <= p["audience"] else p["audience"]
        return p["max_sms"] if p["max_sms"] > 0 else p["weekly"] * p["audience"]

    def expected(self, now: int) -> tuple[str, int] | None:
        """(status, total_sent) at `now` for the types simple enough to predict; None for planners."""
        if self.stopped is not None:
            return "stopped", self.stopped["total_sent"]
        if self.created_status not in ("pending", "in_progress"):
            return self.created_status, 0
        if self.kind == "planner":
            return None
        p = self.params
        if now < self.start:
            return "pending", 0
        if self.kind == "manual":
            size = p["batch"] or p["amount"]
            batches = math.ceil(p["amount"] / size) if p["amount"] else 0
            done = min(batches, (now - self.start) // 60 + 1)
        else:
            size = p["step_size"]
            batches = math.ceil(self.cap() / size)
            if p["max_minutes"]:
                batches = min(batches, p["max_minutes"] // p["delay"])
            done = min(batches, (now - self.start) // (60 * p["delay"]))
        return ("sent" if done == batches else "in_progress"), min(self.cap(), done * size)


def send_meta(kind: str, start_iso: str | None, p: dict) -> dict:
    if kind == "manual":
        return {"send_type": "manual", "manual_data": {"send_amount": p["amount"], "throttle_batch_size": p["batch"],
                                                       "send_datetime": start_iso}}
    steps = {"step_size": p["step_size"], "step_delay": p["delay"], "max_sms_to_send": p["max_sms"],
             "max_minutes_to_send": p["max_minutes"], "send_datetime": start_iso}
    status = {"total_available_contacts": p["audience"]}
    if kind == "multistep":
        return {"send_type": "multistep", "multistep_data": steps, "multistep_status": status}
    window = {"start": f"{p['opens']:02d}:00", "end": f"{p['opens'] + p['hours']:02d}:00"}
    return {"send_type": "planner", "multistep_status": status, "planner_data": {
        "days_of_week": p["days"], "weekly_schedule": {"default": window},
        "multistep_data": steps, "daily_sms_contact_limit": p["daily"], "weekly_sms_contact_limit": p["weekly"]}}


params = st.fixed_dictionaries({
    "amount": st.integers(0, 500), "batch": st.integers(0, 200), "step_size": st.integers(1, 300),
    "delay": st.integers(1, 30), "max_sms": st.integers(0, 2000), "max_minutes": st.integers(0, 120),
    "audience": st.integers(0, 2000), "days": st.lists(st.sampled_from(DAYS), max_size=3, unique=True),
    "opens": st.integers(0, 20), "hours": st.integers(0, 3), "daily": st.integers(0, 3), "weekly": st.integers(0, 3),
})


class CommcomSends(RuleBasedStateMachine):
    campaigns = Bundle("campaigns")
    sends = Bundle("sends")

    @initialize()
    def start(self):
        self.client = client_for(APP, f"stateful-{uuid.uuid4().hex[:8]}")
        assert self.client.post("/__mock/reset", params={"fixtures": "false"}).status_code == 200
        assert self.client.post("/__mock/clock", json={"freeze": True, "now": START}).status_code == 200
        self.now = 0
        self.model: dict[str, ModelSend] = {}

    def iso(self, offset: int) -> str:
        return (datetime.fromisoformat(START) + timedelta(seconds=offset)).isoformat()

    @rule(target=campaigns, name=st.text(min_size=1, max_size=20))
    def create_campaign(self, name):
        answer = self.client.post(BASE, json={"name": name})
        assert answer.status_code == 201
        return answer.json()["data"]["id"]

    @rule(target=sends, campaign=campaigns, kind=st.sampled_from(["manual", "multistep", "planner"]),
          status=st.sampled_from(["pending", "pending", "in_progress", "draft", "sent", "failed", "cancelled"]),
          delay=st.one_of(st.none(), st.integers(0, 600)), p=params)
    def create_send(self, campaign, kind, status, delay, p):
        start = self.now if delay is None else self.now + delay
        meta = send_meta(kind, None if delay is None else self.iso(start), p)
        send_id = str(uuid.uuid4())
        answer = self.client.put(f"/__mock/commcom/sends/{send_id}",
                                 json={"sms_campaign_id": campaign, "status": status, "meta": meta})
        assert answer.status_code == 200, answer.text
        assert answer.json()["meta"]["send_type"] == kind
        self.model[send_id] = ModelSend(campaign, kind, status, start, p)
        return send_id

    @rule(seconds=st.sampled_from([30, 60, 300, 1800, 3600, 86400]))
    def advance(self, seconds):
        assert self.client.post("/__mock/clock", json={"advance": seconds}).status_code == 200
        self.now += seconds

    def shown(self, send_id: str) -> dict:
        answer = self.client.get(f"/__mock/commcom/sends/{send_id}")
        assert answer.status_code == 200
        return answer.json()

    @rule(send_id=sends)
    def stop(self, send_id):
        send = self.model[send_id]
        expected = send.expected(self.now)
        status = expected[0] if expected else self.shown(send_id)["status"]
        answer = self.client.post(f"{BASE}/{send.campaign}/stop/{send_id}")
        if status in STOPPABLE:
            assert answer.status_code == 200, answer.text
            data = answer.json()["data"]
            assert data["status"] == "stopped" and data["id"] == send_id
            assert data["logs"][-1]["caller_type"] == "Send" and "stopped" in data["logs"][-1]["text"].lower()
            send.stopped = data["meta"]["multistep_status"]
        else:
            assert answer.status_code == 422, (status, answer.text)
            assert set(answer.json()) == {"message", "errors"} and answer.json()["errors"]["status"]

    @rule(send_id=sends, campaign=campaigns)
    def stop_through_another_campaign(self, send_id, campaign):
        if campaign == self.model[send_id].campaign:
            return
        answer = self.client.post(f"{BASE}/{campaign}/stop/{send_id}")
        assert answer.status_code == 404 and set(answer.json()) == {"message"}

    @rule(campaign=campaigns)
    def stop_unknown_send(self, campaign):
        answer = self.client.post(f"{BASE}/{campaign}/stop/{uuid.uuid4()}")
        assert answer.status_code == 404 and set(answer.json()) == {"message"}

    @invariant()
    def sends_keep_their_promises(self):
        if not getattr(self, "model", None):
            return
        state = {s["id"]: s for s in self.client.get("/__mock/state").json()["commcom"]["sends"]}
        for send_id, send in self.model.items():
            shown = state[send_id]
            progress = shown["meta"]["multistep_status"]
            total = progress["total_sent"]
            assert total >= send.last_total, "total_sent went down"
            assert total <= send.cap(), "total_sent passed its cap"
            send.last_total = total
            if send.stopped is not None:
                assert shown["status"] == "stopped" and progress == send.stopped, "a stopped send moved"
            expected = send.expected(self.now)
            if expected is not None:
                assert (shown["status"], total) == expected
            elif shown["status"] in ("pending", "in_progress", "sent"):
                assert (shown["status"] == "pending") == (self.now < send.start)
                day_cap = send.params["daily"] * send.params["audience"]
                per_day: dict[str, int] = {}
                for entry in progress["steps_performance"]:
                    step = json.loads(entry)
                    per_day[step["sent_at"] // 86400] = per_day.get(step["sent_at"] // 86400, 0) + step["sent"]
                assert all(sent <= day_cap for sent in per_day.values()), "a day passed its contact limit"


CommcomSends.TestCase.settings = settings(max_examples=examples(15), stateful_step_count=20, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
test_commcom_sends = CommcomSends.TestCase


def test_every_response_kept_its_contract():
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
