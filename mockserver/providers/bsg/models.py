"""bsg state, with no HTTP: RCS campaigns and the contact groups they are sent to. A campaign moves by the
tenant's clock (moderation, schedule, sending, done), worked out whenever it is read or written."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.api import EntityRejected
from mockserver.clock import after
from mockserver.delivery import Delivery
from mockserver.providers.bsg import rules
from mockserver.providers.bsg.errors import ERRORS, campaign_not_found, invalid_status
from mockserver.store import Collection, Store
from mockserver.tenancy import Environment


@dataclass(frozen=True)
class Recipients:
    """Each recipient's fate, fixed when the campaign is created: reached by RCS, and reached by the SMS
    fallback (all False when the campaign asked for none)."""

    rcs: tuple[bool, ...]
    sms: tuple[bool, ...]
    fallback: bool


@dataclass(frozen=True)
class Sending:
    """One stretch of sending, from `rcs.started_at` over the recipients not yet handled; a paused and
    renewed campaign sends in several stretches, each adding to the counts it started from."""

    base: tuple[int, int, int, int]  # sent, delivered, sms sent, sms delivered when the stretch began
    rcs: Delivery
    sms: Delivery
    fallback: bool

    def counts(self, now: datetime) -> tuple[tuple[int, int, int, int], datetime | None]:
        rcs, sms = self.rcs.progress(now), self.sms.progress(now)
        sent, delivered, sms_sent, sms_delivered = self.base
        return ((sent + rcs.handled, delivered + rcs.delivered,
                 sms_sent + (rcs.failed if self.fallback else 0), sms_delivered + sms.delivered),
                rcs.finished_at)


@dataclass(slots=True)
class Campaign:
    id: int
    name: str
    sender: str
    status: str
    message_type: str
    start_at: str
    real_start_at: str | None
    finished_at: str | None
    created_at: str
    sent: int
    delivered: int
    sms_sent: int
    sms_delivered: int
    calculated_price: float
    request: dict[str, Any] = field(default_factory=dict)  # the documented body fields it was created with
    # None: the campaign came from fixtures or the control plane with no recipients known, and stays as
    # recorded (the clock does not move it).
    recipients: Recipients | None = None
    next_at: datetime | None = None  # when moderation ends, or a scheduled campaign starts
    sending: Sending | None = None

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "sender": self.sender, "status": self.status,
            "message_type": self.message_type, "start_at": self.start_at,
            "real_start_at": self.real_start_at or self.start_at,  # rules: real_start_at before sending
            "finished_at": self.finished_at, "created_at": self.created_at,
            "statistics": {"delivered": self.delivered, "sent": self.sent},
            "calculated_price": self.calculated_price,
            "alternative_channels": {"sms": {"statistics": {"delivered": self.sms_delivered, "sent": self.sms_sent}}},
        }

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return self.sent, self.delivered, self.sms_sent, self.sms_delivered


class BsgBackend(Store):
    def __init__(self, env: Environment, fixtures: dict[str, Any] | None) -> None:
        self.env = env
        self.groups: dict[int, list[dict[str, Any]]] = {
            int(group["id"]): list(group.get("contacts", [])) for group in (fixtures or {}).get("groups", [])}
        self.campaigns: Collection[Campaign] = Collection(self._build, Campaign.render, self._settle)
        self.collections = {"campaigns": self.campaigns}
        self.load(fixtures)


    # --- recipients and the clock ---------------------------------------------------------------------

    def _recipients(self, group_ids: list[int], fallback: bool) -> Recipients:
        contacts: dict[str, dict[str, Any]] = {}
        for group_id in group_ids:
            for contact in self.groups.get(group_id, []):
                contacts.setdefault(str(contact.get("number", "")), contact)
        chosen = list(contacts.values())
        return Recipients(rcs=tuple(rules.rcs_delivered(c) for c in chosen),
                          sms=tuple(fallback and rules.sms_delivered(c) for c in chosen), fallback=fallback)

    def _begin_sending(self, campaign: Campaign, moment: datetime) -> None:
        """Sending starts (or resumes) at `moment` for the recipients not handled yet."""
        campaign.status = rules.SENDING
        campaign.real_start_at = campaign.real_start_at or rules.render_date(moment)
        campaign.next_at = None
        recipients = campaign.recipients
        if recipients is None:
            return
        done = min(campaign.sent, len(recipients.rcs))
        rate = self.env.settings.delivery_rate
        campaign.sending = Sending(campaign.counts, Delivery.start(moment, rate, list(recipients.rcs[done:])),
                                   Delivery.start(moment, rate, list(recipients.sms[done:])), recipients.fallback)

    def _arm(self, campaign: Campaign, now: datetime) -> None:
        """Set up the next move the clock will make, for a campaign entering its status now."""
        campaign.next_at, campaign.sending = None, None
        if campaign.recipients is None:
            return
        if campaign.status == rules.MODERATION:
            campaign.next_at = after(now, self.env.settings.bsg_moderation_seconds)
        elif campaign.status == rules.SCHEDULED:
            campaign.next_at = max(rules.parse_date(campaign.start_at), now)
        elif campaign.status == rules.SENDING:
            self._begin_sending(campaign, now)

    def _settle(self, campaign: Campaign) -> None:
        """Every move the clock has made since the campaign was last seen, each at its own moment."""
        if campaign.recipients is None:
            return
        now = self.env.now()
        if campaign.status in (rules.MODERATION, rules.SCHEDULED) and campaign.next_at and now >= campaign.next_at:
            moment, start = campaign.next_at, rules.parse_date(campaign.start_at)
            if campaign.status == rules.MODERATION and start > moment:
                campaign.status = rules.CAMPAIGN.moved("schedule", campaign.status)
                campaign.next_at = start
                return self._settle(campaign)
            rules.CAMPAIGN.moved("start", campaign.status)  # counted here; _begin_sending sets it
            self._begin_sending(campaign, moment)
        if campaign.status == rules.SENDING and campaign.sending is not None:
            counts, finished = campaign.sending.counts(now)
            campaign.sent, campaign.delivered, campaign.sms_sent, campaign.sms_delivered = counts
            if finished is not None:
                campaign.status = rules.CAMPAIGN.moved("finish", campaign.status)
                campaign.finished_at, campaign.sending = rules.render_date(finished), None

    # --- entities from fixtures and the control plane --------------------------------------------------

    def _defaults(self, status: str, now: datetime) -> dict[str, Any]:
        moment = rules.render_date(now)
        started = status in (rules.SENDING, rules.PAUSED, rules.STOPPED, rules.DONE)
        return {"name": rules.campaign_name(moment), "sender": "mock_agent", "status": status,
                "message_type": rules.MESSAGE_TYPE, "start_at": moment,
                "real_start_at": moment if started else None,
                "finished_at": moment if status in rules.FINAL else None, "created_at": moment,
                "statistics": {"delivered": 0, "sent": 0}, "calculated_price": 0.0,
                "alternative_channels": {"sms": {"statistics": {"delivered": 0, "sent": 0}}}}

    def _build(self, entity_id: str, given: dict[str, Any]) -> Campaign:
        """A campaign from loose fields. Replacing an existing campaign keeps its recipients and takes its
        current fields as the defaults, so `{"status": "paused"}` pauses it where it is."""
        campaign_id = int(entity_id)
        if campaign_id < 1 or str(campaign_id) != entity_id:
            raise EntityRejected(["the id must be a positive integer"])
        now = self.env.now()
        existing = self.campaigns.get(entity_id)
        status = given.get("status", existing.status if existing else rules.CREATION)
        if status not in rules.CAMPAIGN.statuses:
            raise EntityRejected([f"status must be one of {list(rules.CAMPAIGN.statuses)}"])
        values = existing.render() if existing else self._defaults(status, now)
        if existing:  # render shows the planned start until sending begins; keep the real one unknown
            values["real_start_at"] = existing.real_start_at
        values = _merged(values, {name: value for name, value in given.items() if name in values and name != "id"})
        stats = values["statistics"]
        sms = values["alternative_channels"]["sms"]["statistics"]
        for date_field in ("start_at", "created_at", "real_start_at", "finished_at"):
            if values[date_field] is not None:
                rules.parse_date(values[date_field])  # ValueError: refused as unusable
        if not (0 <= stats["delivered"] <= stats["sent"] and 0 <= sms["delivered"] <= sms["sent"]):
            raise EntityRejected(["statistics: need 0 <= delivered <= sent"])
        if "groups" in given:
            fallback = bool((given.get("alternative_channel") or {}).get("sms"))
            recipients = self._recipients([int(g) for g in given["groups"]], fallback)
        else:
            recipients = existing.recipients if existing else None
        campaign = Campaign(
            id=campaign_id, name=values["name"], sender=values["sender"], status=status,
            message_type=values["message_type"], start_at=values["start_at"],
            real_start_at=values["real_start_at"], finished_at=values["finished_at"],
            created_at=values["created_at"], sent=stats["sent"], delivered=stats["delivered"],
            sms_sent=sms["sent"], sms_delivered=sms["delivered"], calculated_price=values["calculated_price"],
            request=existing.request if existing else {}, recipients=recipients)
        self._arm(campaign, now)
        return campaign

    # --- operations -----------------------------------------------------------------------------------

    def campaign(self, campaign_id: int) -> Campaign:
        campaign = self.campaigns.get(str(campaign_id))
        if campaign is None:
            raise campaign_not_found()
        return campaign

    def _next_id(self) -> int:
        return max((int(key) for key in self.campaigns.entities), default=0) + 1

    def create(self, body: dict[str, Any]) -> Campaign:
        given = {name: body[name] for name in rules.CREATE_FIELDS if name in body}
        given.setdefault("validity", rules.DEFAULT_VALIDITY)
        now = self.env.now()
        created = rules.render_date(now)
        if "start_at" in given:
            latest = rules.latest_start(now)
            try:
                too_late = rules.parse_date(given["start_at"]) > latest
            except ValueError:
                raise ERRORS.unprocessable(
                    {"start_at": ["The start at does not match the format Y-m-d H:i:s."]}) from None
            if too_late:
                raise ERRORS.unprocessable({"start_at": [
                    f"The start at must be a date before or equal to {rules.render_date(latest)}."]})
        fallback = bool((given.get("alternative_channel") or {}).get("sms"))
        recipients = self._recipients(given["groups"], fallback)
        campaign = Campaign(
            id=self._next_id(), name=rules.campaign_name(created), sender=given["sender"], status=rules.MODERATION,
            message_type=rules.MESSAGE_TYPE, start_at=given.get("start_at", created), real_start_at=None,
            finished_at=None, created_at=created, sent=0, delivered=0, sms_sent=0, sms_delivered=0,
            calculated_price=rules.price(len(recipients.rcs)), request=given, recipients=recipients)
        self._arm(campaign, now)
        self.campaigns.add(str(campaign.id), campaign)
        self._settle(campaign)  # a moderation of 0 seconds passes at once
        return campaign

    def stop(self, campaign_id: int) -> Campaign:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("stop", campaign.status)
        if target is None:
            raise invalid_status(campaign.status, "stop", rules.CAMPAIGN.sources("stop"))
        campaign.status, campaign.finished_at = target, rules.render_date(self.env.now())
        campaign.next_at, campaign.sending = None, None
        return campaign

    def renew(self, campaign_id: int) -> Campaign:
        campaign = self.campaign(campaign_id)
        if rules.CAMPAIGN.target("renew", campaign.status) is None:
            raise invalid_status(campaign.status, "renew", rules.CAMPAIGN.sources("renew"))
        now = self.env.now()
        self._begin_sending(campaign, now)
        self._settle(campaign)  # nothing left to send: done at once
        return campaign

    def search(self, query: dict[str, Any]) -> tuple[list[Campaign], dict[str, Any]]:
        now = self.env.now()
        try:
            until = rules.parse_date(query["filter[to]"]) if "filter[to]" in query else now
            since = (rules.parse_date(query["filter[from]"]) if "filter[from]" in query
                     else rules.months_before(until, rules.LIST_WINDOW_MONTHS))
        except ValueError:
            raise ERRORS.unprocessable({"filter": ["The filter dates must match the format Y-m-d H:i:s."]}) from None
        kind = query.get("filter[type]", rules.LIST_DEFAULT_TYPE)
        found = [c for c in self.campaigns
                 if c.message_type == kind and since <= rules.parse_date(c.created_at) <= until]
        key = rules.SORT_KEYS[query.get("sort", "id")]
        found.sort(key=lambda c: (getattr(c, key), c.id), reverse=query.get("way", "asc") == "desc")
        offset, limit = query.get("page[offset]", 0), query.get("page[limit]", 50)
        return found[offset:offset + limit], {"page": {"total": len(found), "limit": limit, "offset": offset}}


def _merged(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`given` over `base`, object by object, so `{"statistics": {"sent": 5}}` keeps `delivered`."""
    merged = dict(base)
    for name, value in given.items():
        merged[name] = (_merged(base[name], value) if isinstance(base.get(name), dict) and isinstance(value, dict)
                        else value)
    return merged
