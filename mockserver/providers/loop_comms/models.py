"""loop-comms state, with no HTTP: campaigns, their sends, and the moves the rules allow. Progress (a
scheduled campaign starting, a send finishing) is a function of the tenant's clock, applied whenever a
campaign is read or written."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.api import EntityRejected, Environment
from mockserver.clock import iso
from mockserver.delivery import Delivery
from mockserver.errors import ApiError
from mockserver.providers._loop_platform import ClockedCampaigns, DeliveringSend
from mockserver.providers.loop_comms import rules
from mockserver.providers.loop_comms.errors import campaign_not_found, refused
from mockserver.store import Collection, Rendered, Store


@dataclass(slots=True)
class Campaign(Rendered):
    internal = frozenset({"sends"})

    id: str
    brand_id: str
    name: str
    subject: str
    channel: str
    template_key: str
    segment_criteria: dict[str, Any]
    variables: dict[str, Any]
    status: str
    scheduled_at: str | None
    sent_at: str | None
    cancelled_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    sends: list["Send"] = field(default_factory=list)  # newest last; rendered by history, not here


@dataclass(slots=True)
class Send(DeliveringSend, Rendered):
    counters = ("sent", "failed")

    id: str
    campaign_id: str
    brand_id: str
    status: str
    total_recipients: int
    sent: int
    failed: int
    started_at: str | None
    completed_at: str | None
    created_by: str
    created_at: str
    delivery: Delivery | None = None  # None for sends that came from fixtures: they stay as recorded


CAMPAIGN_FIELDS = Campaign.field_names()
SEND_FIELDS = Send.field_names()


class CommsBackend(ClockedCampaigns, Store):
    machine = rules.CAMPAIGN
    stored_types = (Campaign, Send)  # what --state-file may rebuild (mockserver.tenant_state)

    def __init__(self, env: Environment, fixtures: dict[str, Any] | None) -> None:
        self.env = env
        self.campaigns: Collection[Campaign] = Collection(self._build_campaign, Campaign.render, self._settle,
                                                               moves=self._moves)
        self.collections = {"campaigns": self.campaigns}
        # Whom a scheduled campaign goes out to when the clock starts it, by campaign id (fixtures only:
        # no documented operation names them).
        self.scheduled_recipients: dict[str, list[dict[str, str]]] = {
            str(entry["campaign_id"]): [{name: str(r[name]) for name in rules.RECIPIENT_FIELDS}
                                        for r in entry.get("recipients", [])]
            for entry in (fixtures or {}).get(rules.SCHEDULED_RECIPIENTS, [])
        }
        built = self.load(fixtures)  # shared fixture campaigns came with their sends
        for fields_ in (fixtures or {}).get("sends", []):
            campaign = self.campaigns.entities.get(fields_["campaign_id"]) if fields_["campaign_id"] in built else None
            if campaign is not None:
                campaign.sends.append(Send(**{name: fields_[name] for name in SEND_FIELDS}))

    def _build_campaign(self, campaign_id: str, given: dict[str, Any]) -> Campaign:
        """A campaign from loose fields (fixtures, control plane), missing ones defaulted."""
        now = iso(self.env.now())
        status = given.get("status", rules.DRAFT)
        if status not in rules.CAMPAIGN.statuses:
            raise EntityRejected([f"status must be one of {list(rules.CAMPAIGN.statuses)}"])
        defaults = {"brand_id": "brand_mock", "name": f"Campaign {campaign_id}", "subject": "Hello",
                    "channel": "email", "template_key": "default", "segment_criteria": {}, "variables": {},
                    # A campaign put straight into sent or cancelled got there now, unless told otherwise.
                    "status": status, "scheduled_at": None,
                    "sent_at": now if status == rules.SENT else None,
                    "cancelled_at": now if status == rules.CANCELLED else None,
                    "created_by": rules.CREATED_BY, "created_at": now, "updated_at": now}
        values = {name: given.get(name, defaults[name]) for name in CAMPAIGN_FIELDS if name != "id"}
        return Campaign(id=campaign_id, **values)

    # The clock's moves (start at scheduled_at, finish when the send is done): ClockedCampaigns._settle.

    def _scheduled_recipients(self, campaign: Campaign) -> list[dict[str, str]]:
        return self.scheduled_recipients.get(campaign.id, [])

    def _current_send(self, campaign: Campaign) -> Send | None:
        return campaign.sends[-1] if campaign.sends else None

    def _start(self, campaign: Campaign, target: str, at: datetime, recipients: list[dict[str, str]]) -> Send:
        """The campaign goes out at `at` to `recipients`: it is `sending` until its send completes."""
        outcomes = rules.outcomes(campaign.channel, recipients)
        started = iso(at)
        send = Send(id=self.env.new_uuid(), campaign_id=campaign.id, brand_id=campaign.brand_id,
                    status=rules.SEND_SENDING, total_recipients=len(recipients), sent=0, failed=0,
                    started_at=started, completed_at=None, created_by=rules.CREATED_BY, created_at=started,
                    delivery=Delivery.start(at, self.env.settings.delivery_rate, outcomes))
        campaign.sends.append(send)
        campaign.status, campaign.updated_at = target, started
        return send

    def campaign(self, campaign_id: str) -> Campaign:
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            raise campaign_not_found(campaign_id)
        return campaign

    def create(self, body: dict[str, Any]) -> Campaign:
        # Only the documented create fields: anything else a client sends is ignored, never stored.
        given = {name: body[name] for name in rules.CREATE_FIELDS if name in body}
        campaign = self._build_campaign(self.env.new_uuid(), given)
        return self.campaigns.add(campaign.id, campaign)

    def send(self, campaign_id: str, recipients: list[dict[str, str]]) -> Send:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("send", campaign.status)
        if target is None:
            raise _send_refusal(campaign.status)
        send = self._start(campaign, target, self.env.now(), recipients)
        if not recipients:
            # Complete at once. Any other send has handled nobody yet: its first recipient is due 1/rate
            # after it starts (mockserver.delivery), and the call's clock reads one instant throughout.
            self._settle(campaign)
        return send

    def cancel(self, campaign_id: str) -> Campaign:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("cancel", campaign.status)
        if target is None:
            raise refused(rules.CANCEL_REFUSED, campaign.status)
        campaign.status = target
        campaign.cancelled_at = campaign.updated_at = iso(self.env.now())
        return campaign

    def history(self, campaign_id: str) -> list[Send]:
        campaign = self.campaigns.get(campaign_id)
        return [] if campaign is None else list(campaign.sends)


def _send_refusal(status: str) -> ApiError:
    return refused(rules.SEND_REFUSED_CANCELLED if status == rules.CANCELLED else rules.SEND_REFUSED, status)
