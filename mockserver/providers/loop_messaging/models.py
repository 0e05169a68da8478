"""loop-messaging state, with no HTTP: campaigns, the segments they go out to, and the moves the rules
allow. Progress (a scheduled campaign starting, a send finishing) is a function of the tenant's clock,
applied whenever a campaign is read or written."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.api import Environment
from mockserver.clock import iso, parse_iso
from mockserver.delivery import Delivery
from mockserver.providers._loop_platform import ClockedCampaigns, DeliveringSend
from mockserver.providers.loop_messaging import rules
from mockserver.providers.loop_messaging.errors import (
    bad_state,
    campaign_not_found,
    invalid_field,
)
from mockserver.indexes import GroupBy
from mockserver.store import Collection, Rendered, Store


@dataclass(slots=True)
class Send(DeliveringSend, Rendered):
    counters = ("sent_count", "failed_count")

    id: str
    campaign_id: str
    brand_id: str
    status: str
    total_recipients: int
    sent_count: int
    failed_count: int
    skipped_count: int
    started_at: str | None
    completed_at: str | None
    created_by: str
    created_at: str
    delivery: Delivery


@dataclass(slots=True)
class Campaign(Rendered):
    internal = frozenset({"send"})

    id: str
    brand_id: str
    name: str
    description: str | None
    segment_id: str
    status: str
    scheduled_at: str | None
    published_at: str | None
    sent_at: str | None
    cancelled_at: str | None
    created_by: str
    created_at: str
    updated_at: str
    send: Send | None = None  # the send under way; None for campaigns as recorded (fixtures, control plane)


CAMPAIGN_FIELDS = Campaign.field_names()
SEND_FIELDS = Send.field_names()


def _brand(campaign: Campaign) -> Any:
    return campaign.brand_id


class MessagingBackend(ClockedCampaigns, Store):
    machine = rules.CAMPAIGN
    stored_types = (Campaign, Send)  # what --state-file may rebuild (mockserver.tenant_state)

    def __init__(self, env: Environment, fixtures: dict[str, Any] | None) -> None:
        self.env = env
        # By brand: the list answers one brand's campaigns without walking the others (issue 17).
        self.campaigns: Collection[Campaign] = Collection(self._build_campaign, Campaign.render, self._settle,
                                                               moves=self._moves,
                                                               index_keys={"brand": GroupBy(_brand)})
        self.collections = {"campaigns": self.campaigns}
        # Segments only feed scheduled campaigns their recipients; no documented operation shows them.
        self.segments: dict[str, list[dict[str, str]]] = {
            str(segment["id"]): [{name: str(m[name]) for name in rules.RECIPIENT_FIELDS}
                                 for m in segment.get("members", [])]
            for segment in (fixtures or {}).get("segments", [])
        }
        self.load(fixtures)

    def _build_campaign(self, campaign_id: str, given: dict[str, Any]) -> Campaign:
        """A campaign from loose fields (fixtures, control plane), missing ones defaulted."""
        now = iso(self.env.now())
        defaults = {"brand_id": "brand_mock", "name": f"Campaign {campaign_id}", "description": None,
                    "segment_id": "seg_unknown", "status": rules.DRAFT, "scheduled_at": None,
                    "published_at": None, "sent_at": None, "cancelled_at": None,
                    "created_by": rules.CREATED_BY, "created_at": now, "updated_at": now}
        values = {name: given.get(name, defaults[name]) for name in CAMPAIGN_FIELDS if name != "id"}
        return Campaign(id=campaign_id, **values)

    # The clock's moves (start at scheduled_at, finish when the send is done): ClockedCampaigns._settle.

    def _scheduled_recipients(self, campaign: Campaign) -> list[dict[str, str]]:
        return self.segments.get(campaign.segment_id, [])

    def _current_send(self, campaign: Campaign) -> Send | None:
        return campaign.send

    def _start(self, campaign: Campaign, target: str, at: datetime, recipients: list[dict[str, str]]) -> Send:
        """The campaign goes out at `at` to `recipients`: it is `sending` until its send completes."""
        kept, skipped = rules.deduplicated(recipients)
        outcomes = [rules.deliverable(r["recipient"]) for r in kept]
        send = Send(id=self.env.new_uuid(), campaign_id=campaign.id, brand_id=campaign.brand_id,
                    status=rules.SEND_SENDING, total_recipients=len(recipients), sent_count=0, failed_count=0,
                    skipped_count=skipped, started_at=iso(at), completed_at=None, created_by=rules.CREATED_BY,
                    created_at=iso(at), delivery=Delivery.start(at, self.env.settings.delivery_rate, outcomes))
        campaign.send = send
        campaign.status = target
        campaign.published_at = campaign.updated_at = iso(at)
        return send

    def campaign(self, campaign_id: str) -> Campaign:
        campaign = self.campaigns.get(campaign_id)
        if campaign is None:
            raise campaign_not_found(campaign_id)
        return campaign

    def create(self, body: dict[str, Any]) -> Campaign:
        given = {name: body[name] for name in rules.CREATE_FIELDS if name in body}
        given["status"] = rules.DRAFT
        campaign = self._build_campaign(self.env.new_uuid(), given)
        return self.campaigns.add(campaign.id, campaign)

    def campaigns_of(self, brand_id: str, status: str | None = None) -> list[Campaign]:
        # The status moves with the clock: filtered once each campaign of the brand is settled.
        return [c for c in self.campaigns.group("brand", brand_id) if status is None or c.status == status]

    def schedule(self, campaign_id: str, scheduled_at: str) -> Campaign:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("schedule", campaign.status)
        if target is None:
            raise bad_state(campaign.id, campaign.status, "scheduled")
        now = self.env.now()
        try:
            written = iso(parse_iso(scheduled_at))  # as the platform writes times; compared as stored
        except (ValueError, OverflowError):  # a valid RFC 3339 text whose UTC time falls outside years 1-9999
            raise invalid_field("scheduled_at", "is out of range") from None
        if parse_iso(written) <= now:
            raise invalid_field("scheduled_at", rules.SCHEDULE_IN_PAST.format(now=iso(now)))
        campaign.status, campaign.scheduled_at, campaign.updated_at = target, written, iso(now)
        return campaign

    def publish(self, campaign_id: str, recipients: list[dict[str, Any]]) -> Send:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("publish", campaign.status)
        if target is None:
            raise bad_state(campaign.id, campaign.status, "published")
        given = [{name: r[name] for name in rules.RECIPIENT_FIELDS} for r in recipients]
        send = self._start(campaign, target, self.env.now(), given)
        self._settle(campaign)  # nobody left to deliver to: complete at once
        return send

