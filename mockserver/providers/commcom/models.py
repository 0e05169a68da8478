"""commcom state, with no HTTP: campaigns and their sends. A live send (pending, in_progress) keeps a
`Run` and is rendered from it at the tenant's `now`; any other send is rendered as stored. Stopping
freezes what the run had done by then."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mockserver.api import EntityRejected, Environment
from mockserver.clock import iso, parse_iso
from mockserver.providers.commcom import progress, rules
from mockserver.providers.commcom.errors import not_found, stop_refused
from mockserver.store import Collection, Store, json_copy


def laid_over(own: Any, given: Any) -> Any:
    """`given` laid over `own`, a value the caller owns (and gets back, changed): objects field by field
    (fields `own` lacks are ignored), anything else replaced by a copy of `given`. A single day name where
    a list of days belongs becomes a one-day list. Nothing of `given` is shared with the result, and
    nothing else is written: a send built from its campaign's meta lays its fields over a copy of it."""
    if isinstance(own, dict) and isinstance(given, dict):
        for key, value in given.items():
            if key in own:
                if key == "days_of_week" and isinstance(value, str):
                    value = [value]
                own[key] = laid_over(own[key], value)
        return own
    return json_copy(given)


_DEFAULT_META = rules.default_meta()  # shared, read-only, by every meta equal to it in places


def compact(value: Any, default: Any = _DEFAULT_META) -> Any:
    """`value` with every part equal to the same part of the default meta made that one shared object: a
    send stores only what differs from its type's defaults (a live multistep send: its status), so a
    tenant of 100,000 holds one copy of the planner's week. Meta is therefore never changed in place:
    whoever changes it builds the parts it changes anew (renders are made the same way)."""
    if value == default:
        return default
    if isinstance(value, dict) and isinstance(default, dict):
        return {key: compact(item, default.get(key)) for key, item in value.items()}
    return value


@dataclass(slots=True)
class Campaign:
    id: str
    name: str
    meta: dict[str, Any]
    created_at: str
    updated_at: str

    def render(self) -> dict[str, Any]:
        # The meta is shared, not copied: an answer is encoded, never changed (see compact).
        return {"id": self.id, "name": self.name, "meta": self.meta,
                "created_at": self.created_at, "updated_at": self.updated_at}


def _unix(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment is not None else 0


def _log(send_id: str, text: str, at: str) -> dict[str, str]:
    return {"caller_id": send_id, "caller_type": rules.CALLER_TYPE, "text": text, "created_at": at}


def _performance(step: progress.Step) -> str:
    # The compact JSON object json.dumps would write for these three ints, ten times cheaper: a view
    # writes one for each of up to STEPS_SHOWN steps.
    return f'{{"step":{step.number},"sent":{step.sent},"sent_at":{_unix(step.at)}}}'


@dataclass(slots=True)
class Send:
    id: str
    sms_campaign_id: str
    status: str  # as stored; for a live send, where it was last seen (the run decides from then on)
    meta: dict[str, Any]
    next_step_timestamp: str | None
    created_at: str
    updated_at: str
    logs: list[dict[str, str]]
    run: progress.Run | None = field(default=None, repr=False)  # only while live

    def view(self, now: datetime) -> dict[str, Any]:
        """The SmsCampaignSendResource at `now`."""
        if self.run is None:
            return self._resource(self.status, self.meta, self.next_step_timestamp, self.updated_at, self.logs)
        done = self.run.progress(now)
        status = (rules.PENDING if not done.started
                  else rules.SENT if done.finished_at is not None else rules.IN_PROGRESS)
        if status != self.status and rules.SEND.clocked(self.status, status):
            self.status = status  # the clock's moves, counted once each: remembered as last seen
        meta = {**self.meta, "multistep_status": {
            **self.meta["multistep_status"], "current_step": done.count, "total_sent": done.total,
            "last_sent_timestamp": _unix(done.recent[-1].at) if done.recent else 0,
            "start_timestamp": _unix(self.run.start),
            "steps_performance": [_performance(step) for step in done.recent],
            "status": status, "status_reason": done.reason}}
        logs = list(self.logs)
        # Times as iso() writes them (UTC, one width) sort as their instants do: the latest text is the latest.
        moments = [self.created_at]
        if done.started:
            moments.append(iso(self.run.start))
            logs.append(_log(self.id, rules.LOG_STARTED, moments[-1]))
        if done.recent:
            moments.append(iso(done.recent[-1].at))
        if done.finished_at is not None:
            moments.append(iso(done.finished_at))
            logs.append(_log(self.id, rules.LOG_FINISHED.format(total=done.total), moments[-1]))
        return self._resource(status, meta, iso(done.next_at), max(moments), logs)

    def _resource(self, status: str, meta: dict[str, Any], next_step: str | None, updated_at: str,
                  logs: list[dict[str, str]]) -> dict[str, Any]:
        # `meta` and `logs` may be the send's own: a resource is encoded, never changed (see compact).
        return {"id": self.id, "next_step_timestamp": next_step, "status": status, "meta": meta,
                "created_at": self.created_at, "updated_at": updated_at, "logs": logs,
                "sms_campaign_id": self.sms_campaign_id}

    def stop(self, now: datetime, current: dict[str, Any]) -> dict[str, Any]:
        """Freeze `current`, the send's `view(now)` (its caller's, who needed it to decide whether the send
        may stop); a stopped send never sends again. Returns the stopped send's resource."""
        status = {**current["meta"]["multistep_status"], "status": rules.STOPPED, "status_reason": rules.REASON_STOPPED}
        # The rest of the meta a view shows is the stored one, compact already: only the status is made anew.
        self.meta = {**current["meta"], "multistep_status": compact(status, _DEFAULT_META["multistep_status"])}
        self.status, self.next_step_timestamp, self.run = rules.STOPPED, None, None
        self.updated_at = iso(now)
        stopped = _log(self.id, rules.LOG_STOPPED.format(total=status["total_sent"]), self.updated_at)
        self.logs = [*current["logs"], stopped]
        return self.view(now)


def _moment(text: Any) -> datetime:
    """An RFC 3339 text as a UTC datetime; one too close to year 1 or 9999 to move to UTC is refused."""
    if not isinstance(text, str):
        raise ValueError(f"not a date-time: {text!r}")
    try:
        return parse_iso(text).astimezone(UTC)
    except OverflowError:
        raise ValueError(f"date-time out of range: {text!r}") from None


def _start(send_type: str, meta: dict[str, Any], created_at: datetime) -> datetime:
    data = {rules.MANUAL: meta["manual_data"], rules.MULTISTEP: meta["multistep_data"],
            rules.PLANNER: meta["planner_data"]["multistep_data"]}[send_type]
    given = data.get("send_datetime")
    return created_at if given is None else _moment(given)


def _positive(value: Any, name: str) -> int:
    # The edge has made integral numbers ints; one past 64 bits is still a float (and still a JSON integer).
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if not whole or isinstance(value, bool) or value < 1:
        raise EntityRejected([f"{name} must be a positive integer for a live send"])
    return int(value)


def _steps(send_type: str, start: datetime, meta: dict[str, Any]) -> progress.Steps:
    audience = int(meta["multistep_status"]["total_available_contacts"])
    if send_type == rules.MANUAL:
        data = meta["manual_data"]
        return progress.manual(start, int(data["send_amount"]), int(data["throttle_batch_size"]))
    if send_type == rules.MULTISTEP:
        data = meta["multistep_data"]
        return progress.multistep(start, _positive(data["step_size"], "multistep_data.step_size"),
                                  _positive(data["step_delay"], "multistep_data.step_delay"),
                                  int(data["max_sms_to_send"]), int(data["max_minutes_to_send"]), audience)
    plan = meta["planner_data"]
    data = plan["multistep_data"]
    return progress.planner(start, _positive(data["step_size"], "planner_data.multistep_data.step_size"),
                            _positive(data["step_delay"], "planner_data.multistep_data.step_delay"),
                            int(data["max_sms_to_send"]), int(data["max_minutes_to_send"]), audience,
                            progress.windows(plan["days_of_week"], plan["weekly_schedule"]),
                            int(plan["daily_sms_contact_limit"]), int(plan["weekly_sms_contact_limit"]))


def _is_live(send: Send) -> bool:
    return send.run is not None


class CommcomBackend(Store):
    # What --state-file may rebuild (mockserver.tenant_state); a live run is rebuilt by calling `_steps`.
    stored_types = (Campaign, Send, progress.Run, progress.Step, _steps)

    def __init__(self, env: Environment, fixtures: dict[str, Any] | None) -> None:
        self.env = env
        self.campaigns: Collection[Campaign] = Collection(self._build_campaign, Campaign.render)
        self.sends: Collection[Send] = Collection(self._build_send, self._render_send, moves=_is_live)
        # Campaigns first: fixture sends name their campaign.
        self.collections = {"campaigns": self.campaigns, "sends": self.sends}
        self.load(fixtures)

    def _render_send(self, send: Send) -> dict[str, Any]:
        return send.view(self.env.now())

    # --- building from loose fields (fixtures, control plane) ---

    def _build_campaign(self, campaign_id: str, given: dict[str, Any]) -> Campaign:
        now = iso(self.env.now())
        return Campaign(id=campaign_id, name=str(given.get("name", f"Campaign {campaign_id[:8]}")),
                        meta=compact(laid_over(rules.default_meta(), given.get("meta", {}))),
                        created_at=given.get("created_at", now), updated_at=given.get("updated_at", now))

    def _build_send(self, send_id: str, given: dict[str, Any]) -> Send:
        campaign_id = str(given.get("sms_campaign_id") or self.env.new_uuid())
        campaign = self.campaigns.entities.get(campaign_id)
        template = json_copy(campaign.meta) if campaign is not None else rules.default_meta()
        status = given.get("status", rules.PENDING)
        if status not in rules.SEND.statuses:
            raise EntityRejected([f"status must be one of {list(rules.SEND.statuses)}"])
        given_meta = given.get("meta", {})
        meta = laid_over(template, given_meta)
        if meta["send_type"] not in rules.SEND_TYPES:
            raise EntityRejected([f"meta.send_type must be one of {list(rules.SEND_TYPES)}"])
        given_status = given_meta.get("multistep_status", {}) if isinstance(given_meta, dict) else {}
        if "total_available_contacts" not in given_status:
            meta["multistep_status"]["total_available_contacts"] = rules.DEFAULT_AUDIENCE
        if "planner_data" not in given_status:
            meta["multistep_status"]["planner_data"] = json_copy(meta["planner_data"])
        if "status" not in given_status:
            meta["multistep_status"]["status"] = status
        created = _moment(given["created_at"]) if "created_at" in given else self.env.now()
        created_at = iso(created)
        logs = [{**_log(send_id, "", created_at), **entry} for entry in given["logs"]] if "logs" in given \
            else [_log(send_id, rules.LOG_CREATED, created_at)]
        meta = compact(meta)
        send = Send(id=send_id, sms_campaign_id=campaign_id, status=status, meta=meta,
                    next_step_timestamp=given.get("next_step_timestamp"), created_at=created_at,
                    updated_at=given.get("updated_at", created_at), logs=logs)
        if status in rules.LIVE:
            start = _start(meta["send_type"], meta, created)
            send.next_step_timestamp = None
            send.run = progress.Run(start, partial(_steps, meta["send_type"], start, meta))
        return send

    # --- the operations ---

    def campaign(self, campaign_id: str) -> Campaign:
        # UUIDs compare case-insensitively, as the provider's database would.
        campaign = self.campaigns.get(campaign_id) or self.campaigns.get(campaign_id.lower())
        if campaign is None:
            raise not_found("SmsCampaign", campaign_id)
        return campaign

    def create_campaign(self, name: str) -> Campaign:
        campaign = self._build_campaign(self.env.new_uuid(), {"name": name})
        return self.campaigns.add(campaign.id, campaign)

    def list_campaigns(self) -> list[Campaign]:
        return list(self.campaigns)

    def update_campaign(self, campaign_id: str, body: dict[str, Any]) -> Campaign:
        campaign = self.campaign(campaign_id)
        campaign.name = body["name"]
        if "meta" in body:
            campaign.meta = compact(laid_over(json_copy(campaign.meta), body["meta"]))
        campaign.updated_at = iso(self.env.now())
        return campaign

    def stop(self, campaign_id: str, send_id: str) -> dict[str, Any]:
        campaign = self.campaigns.read(campaign_id) or self.campaigns.read(campaign_id.lower())  # not changed
        if campaign is None:
            raise not_found("SmsCampaign", campaign_id)
        send = self.sends.get(send_id) or self.sends.get(send_id.lower())
        if send is None or send.sms_campaign_id != campaign.id:
            raise not_found("SmsCampaignSend", send_id)
        now = self.env.now()
        current = send.view(now)  # once: rendering a live send is most of what a stop costs
        if rules.SEND.target("stop", current["status"]) is None:
            raise stop_refused(current["status"])
        return send.stop(now, current)
