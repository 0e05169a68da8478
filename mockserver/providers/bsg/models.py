"""bsg state, with no HTTP: RCS campaigns and the contact groups they are sent to. A campaign moves by the
tenant's clock (moderation, schedule, sending, done), worked out whenever it is read or written."""

import heapq
import itertools
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver import provider_settings
from mockserver.api import EntityRejected, Environment
from mockserver.clock import after
from mockserver.providers.bsg import messages, rules
from mockserver.providers.bsg.plan import Recipients, Stretch, handled_at
from mockserver.providers.bsg.errors import ERRORS, campaign_not_found, invalid_status
from mockserver.providers.bsg.settings import SETTINGS
from mockserver.indexes import Where
from mockserver.store import Collection, Store


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
    moderated_at: datetime | None = None  # when moderation ended: its messages are scheduled from then
    stretches: tuple[Stretch, ...] = ()  # its sending, stretch by stretch (a pause and renew adds one)
    first_message_id: int = 0  # its messages' ids: this and up, one a recipient (then their SMS fallbacks)
    callback_url: str | None = None  # a single message's own callback_url, over the account's
    currency: str = rules.CURRENCY

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "sender": self.sender, "status": self.status,
            "message_type": self.message_type, "start_at": self.start_at,
            "real_start_at": self.real_start_at or self.start_at,  # rules: real_start_at before sending
            "finished_at": self.finished_at, "created_at": self.created_at,
            "statistics": {"delivered": self.delivered, "sent": self.sent},
            "calculated_price": None,  # rules: only the answers to create and to price carry it
            "alternative_channels": {"sms": {"statistics": {"delivered": self.sms_delivered, "sent": self.sms_sent}}},
            "currency": self.currency,
        }

    def render_priced(self) -> dict[str, Any]:
        """As create answers it: with the calculated price."""
        return {**self.render(), "calculated_price": self.calculated_price}

    @property
    def handled(self) -> int:
        """Recipients handled so far (as of the last settle)."""
        return self.sent

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return self.sent, self.delivered, self.sms_sent, self.sms_delivered


def _date_key(text: str) -> str:
    """A stored date as the documented "Y-m-d H:i:s" in UTC (what it already is, unless a fixture or the
    control plane wrote one of the SDK's ISO forms): such texts sort as the moments they name."""
    if rules.is_documented_date(text):
        return text
    try:
        return rules.render_date(rules.parse_date(text))
    except ValueError:  # no date at all (never stored from a valid call): kept, sorted as written
        return text


def _sorted_by(name: str) -> Any:
    return lambda campaign: (getattr(campaign, name), campaign.id)


# The list's sort keys (rules.SORT_KEYS but status, which the clock moves) and its window, each an index
# kept on every write (mockserver.indexes): a page costs the page (issue 17).
LIST_INDEXES: dict[str, Any] = {
    **{sort: _sorted_by(name) for sort, name in rules.SORT_KEYS.items() if name != "status"},
    "window": lambda campaign: (campaign.message_type, _date_key(campaign.created_at), campaign.id)}


def _has_recipients(campaign: Campaign) -> bool:
    """Only a campaign whose recipients the mock knows moves by the clock (its messages too)."""
    return campaign.recipients is not None


# The few campaigns that have messages, and those with their own callback URL, kept apart on every write:
# every call asks whether the tenant has callbacks to send, and that must not look at every campaign.
MEMBERS = {"messaging": Where(_has_recipients), "own_callback": Where(lambda campaign: bool(campaign.callback_url))}


class BsgBackend(Store):
    stored_types = (Campaign, Recipients, Stretch)  # what --state-file may rebuild (mockserver.tenant_state)

    def __init__(self, env: Environment, fixtures: dict[str, Any] | None) -> None:
        self.env = env
        self.groups: dict[int, list[dict[str, Any]]] = {
            int(group["id"]): list(group.get("contacts", [])) for group in (fixtures or {}).get("groups", [])}
        self.campaigns: Collection[Campaign] = Collection(self._build, Campaign.render, self._settle,
                                                          moves=_has_recipients,
                                                          index_keys={**LIST_INDEXES, **MEMBERS})
        self.collections = {"campaigns": self.campaigns}
        self.tenant_settings: dict[str, Any] = {}  # this tenant's values of settings.SETTINGS
        self.load(fixtures)


    def setting(self, name: str) -> Any:
        """This tenant's value of one of bsg's settings: its own, else the server's (--set), else the default."""
        return provider_settings.value(self.env.settings.provider_values, "bsg", SETTINGS, self.tenant_settings, name)

    # --- recipients and the clock ---------------------------------------------------------------------

    def _group_recipients(self, group_ids: list[int], fallback: bool) -> Recipients:
        contacts: dict[str, dict[str, Any]] = {}
        for group_id in group_ids:
            for contact in self.groups.get(group_id, []):
                contacts.setdefault(str(contact.get("number", "")), contact)
        return Recipients.of(list(contacts.values()), fallback)

    def _next_message_id(self) -> int:
        entities = self.campaigns.entities
        return max((c.first_message_id + len(c.recipients) * (2 if c.recipients.fallback else 1)
                    for c in map(entities.get, self.campaigns.indexes["messaging"].ids)), default=1)

    def _begin_sending(self, campaign: Campaign, moment: datetime) -> None:
        """Sending starts (or resumes) at `moment` for the recipients not handled yet."""
        campaign.status = rules.SENDING
        campaign.real_start_at = campaign.real_start_at or rules.render_date(moment)
        campaign.next_at = None
        campaign.moderated_at = campaign.moderated_at or moment
        if campaign.recipients is None:
            return
        first = min(campaign.handled, len(campaign.recipients))
        campaign.stretches = (*self._cut(campaign, moment), Stretch(first, moment, self.env.settings.delivery_rate))

    @staticmethod
    def _cut(campaign: Campaign, moment: datetime) -> tuple[Stretch, ...]:
        """Its stretches with the running one (if any) cut off where it stands at `moment`."""
        if not campaign.stretches or campaign.stretches[-1].end is not None or campaign.recipients is None:
            return campaign.stretches
        return (*campaign.stretches[:-1], campaign.stretches[-1].cut(moment, len(campaign.recipients)))

    def _arm(self, campaign: Campaign, now: datetime) -> None:
        """Set up the next move the clock will make, for a campaign entering its status now."""
        campaign.next_at = None
        campaign.stretches = self._cut(campaign, now)
        if campaign.recipients is None:
            return
        if campaign.status == rules.MODERATION:
            campaign.next_at = after(now, self.setting("moderation_seconds"))
        elif campaign.status == rules.SCHEDULED:
            campaign.moderated_at = campaign.moderated_at or now
            campaign.next_at = max(rules.parse_date(campaign.start_at), now)
        elif campaign.status == rules.SENDING:
            self._begin_sending(campaign, now)
        elif campaign.status in (rules.PAUSED, rules.STOPPED, rules.DONE):
            campaign.moderated_at = campaign.moderated_at or now

    def _settle(self, campaign: Campaign) -> None:
        """Every move the clock has made since the campaign was last seen, each at its own moment."""
        if campaign.recipients is None:
            return
        now = self.env.now()
        if campaign.status in (rules.MODERATION, rules.SCHEDULED) and campaign.next_at and now >= campaign.next_at:
            moment, start = campaign.next_at, rules.parse_date(campaign.start_at)
            if campaign.status == rules.MODERATION and start > moment:
                campaign.status = rules.CAMPAIGN.moved("schedule", campaign.status)
                campaign.next_at, campaign.moderated_at = start, moment
                return self._settle(campaign)
            rules.CAMPAIGN.moved("start", campaign.status)  # counted here; _begin_sending sets it
            self._begin_sending(campaign, moment)
        if campaign.status == rules.SENDING and campaign.stretches:
            total, stretch = len(campaign.recipients), campaign.stretches[-1]
            handled = stretch.handled_by(now, total)
            campaign.sent, campaign.delivered, campaign.sms_sent, campaign.sms_delivered = (
                campaign.recipients.counts(handled))
            if handled == total:
                campaign.status = rules.CAMPAIGN.moved("finish", campaign.status)
                campaign.finished_at = rules.render_date(stretch.finished_at(total))
                campaign.stretches = (*campaign.stretches[:-1], Stretch(stretch.first, stretch.started_at,
                                                                          stretch.rate, total))

    # --- entities from fixtures and the control plane --------------------------------------------------

    def _defaults(self, status: str, now: datetime) -> dict[str, Any]:
        moment = rules.render_date(now)
        started = status in (rules.SENDING, rules.PAUSED, rules.STOPPED, rules.DONE)
        return {"name": rules.campaign_name(moment), "sender": "mock_agent", "status": status,
                "message_type": rules.MESSAGE_TYPE, "start_at": moment,
                "real_start_at": moment if started else None,
                "finished_at": moment if status in rules.FINAL else None, "created_at": moment,
                "statistics": {"delivered": 0, "sent": 0}, "calculated_price": 0.0, "currency": rules.CURRENCY,
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
        kept = existing if existing is not None and existing.recipients is not None and "groups" not in given else None
        if "groups" in given:
            fallback = bool((given.get("alternative_channel") or {}).get("sms"))
            recipients = self._group_recipients([int(g) for g in given["groups"]], fallback)
        else:
            recipients = kept.recipients if kept else None
        if recipients is not None:
            # ASSUMPTION (rules): a campaign whose recipients the mock knows counts its messages.
            counts = recipients.counts(kept.handled if kept else 0)
            if (stats["sent"], stats["delivered"], sms["sent"], sms["delivered"]) != counts:
                raise EntityRejected([f"statistics: this campaign's messages count (sent, delivered, sms sent, "
                                      f"sms delivered) = {counts}; they follow its messages"])
        campaign = Campaign(
            id=campaign_id, name=values["name"], sender=values["sender"], status=status,
            message_type=values["message_type"], start_at=values["start_at"],
            real_start_at=values["real_start_at"], finished_at=values["finished_at"],
            created_at=values["created_at"], sent=stats["sent"], delivered=stats["delivered"],
            sms_sent=sms["sent"], sms_delivered=sms["delivered"],
            calculated_price=given.get("calculated_price") or (existing.calculated_price if existing else 0.0),
            request=existing.request if existing else {}, recipients=recipients, currency=values["currency"],
            moderated_at=kept.moderated_at if kept else None, stretches=kept.stretches if kept else (),
            first_message_id=kept.first_message_id if kept else (self._next_message_id() if recipients else 0),
            callback_url=kept.callback_url if kept else None)
        self._arm(campaign, now)
        return campaign

    # --- operations -----------------------------------------------------------------------------------

    def campaign(self, campaign_id: int) -> Campaign:
        campaign = self.campaigns.get(str(campaign_id))
        if campaign is None:
            raise campaign_not_found()
        return campaign

    def _next_id(self) -> int:
        by_id = self.campaigns.indexes["id"].pairs  # the highest id is the index's last
        return by_id[-1][0][0] + 1 if by_id else 1

    def _checked_start(self, given: dict[str, Any], now: datetime) -> None:
        if "start_at" not in given:
            return
        latest = rules.latest_start(now)
        try:
            start = rules.parse_date(given["start_at"])
        except ValueError:
            raise ERRORS.unprocessable({"start_at": ["The start at does not match the format Y-m-d H:i:s."]}) from None
        if start > latest:
            raise ERRORS.unprocessable({"start_at": [
                f"The start at must be a date before or equal to {rules.render_date(latest)}."]})
        given["start_at"] = rules.render_date(start)  # kept (and answered) in the documented format

    def _launch(self, given: dict[str, Any], recipients: Recipients, callback_url: str | None = None,
                store: bool = True) -> Campaign:
        """A new campaign of any send route: in moderation, its messages numbered, on the clock (not stored:
        what a dry run would have created)."""
        now = self.env.now()
        self._checked_start(given, now)
        created = rules.render_date(now)
        campaign = Campaign(
            id=self._next_id(), name=rules.campaign_name(created), sender=given["sender"], status=rules.MODERATION,
            message_type=rules.MESSAGE_TYPE, start_at=given.get("start_at", created), real_start_at=None,
            finished_at=None, created_at=created, sent=0, delivered=0, sms_sent=0, sms_delivered=0,
            calculated_price=rules.price(len(recipients)), request=given, recipients=recipients,
            first_message_id=self._next_message_id(), callback_url=callback_url)
        self._arm(campaign, now)
        if not store:
            return campaign
        self.campaigns.add(str(campaign.id), campaign)
        self._settle(campaign)  # a moderation of 0 seconds passes at once
        return campaign

    @staticmethod
    def _taken(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        given = {name: body[name] for name in names if name in body}
        given.setdefault("validity", rules.DEFAULT_VALIDITY)
        return given

    def create(self, body: dict[str, Any]) -> Campaign:
        """POST /api/campaigns/rcs/send-groups."""
        given = self._taken(body, rules.CREATE_FIELDS)
        fallback = bool((given.get("alternative_channel") or {}).get("sms"))
        return self._launch(given, self._group_recipients(given["groups"], fallback))

    def send_to_phones(self, body: dict[str, Any]) -> Campaign:
        """POST /api/campaigns/rcs/send: a campaign to the listed phones."""
        given = self._taken(body, rules.SEND_FIELDS)
        repeated = rules.duplicated(given["phones"])
        if repeated:
            raise ERRORS.unprocessable({f"phones.{repeated}": [f"The phones' {repeated} values must be unique."]})
        fallback = bool((given.get("alternative_channel") or {}).get("sms"))
        return self._launch(given, Recipients.of(given["phones"], fallback))

    def send_any(self, body: dict[str, Any]) -> Campaign:
        """POST /api/campaigns/send: the SDK's multi-channel send, served for RCS first (rules)."""
        given = rules.as_rcs_send(body)
        fallback = "alternative_channel" in given
        to = body["recipients"]
        if "groups" in to:
            recipients = self._group_recipients(to["groups"], fallback)
        else:
            repeated = rules.duplicated(to["phones"])
            if repeated:
                raise ERRORS.unprocessable({f"recipients.phones.{repeated}": [
                    f"The phones' {repeated} values must be unique."]})
            recipients = Recipients.of(to["phones"], fallback)
        return self._launch(given, recipients, store=not body.get("dry_run", False))

    def send_message(self, body: dict[str, Any]) -> tuple[Campaign, int]:
        """POST /api/messages/rcs/send: one message, which makes a campaign of one (rules)."""
        given = self._taken(body, rules.SINGLE_FIELDS)
        fallback = bool((given.get("alternative_channel") or {}).get("sms"))
        campaign = self._launch(given, Recipients.of([given["phone"]], fallback), given.get("callback_url"))
        return campaign, 0

    def estimate(self, body: dict[str, Any]) -> float:
        """POST /api/campaigns/price: what a campaign to these groups and phones would cost."""
        numbers = {str(c.get("number", "")) for g in body.get("groups", []) for c in self.groups.get(g, [])}
        numbers |= {str(m["phone"]) for m in body.get("messages", []) if "phone" in m}
        return rules.price(len(numbers))

    def stop(self, campaign_id: int) -> Campaign:
        campaign = self.campaign(campaign_id)
        target = rules.CAMPAIGN.target("stop", campaign.status)
        if target is None:
            raise invalid_status(campaign.status, "stop", rules.CAMPAIGN.sources("stop"))
        now = self.env.now()
        campaign.status, campaign.finished_at = target, rules.render_date(now)
        campaign.next_at, campaign.stretches = None, self._cut(campaign, now)
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
        since, until = self._dates(query, now)
        kind = query.get("filter[type]", rules.LIST_DEFAULT_TYPE)
        if ("search[field]" in query) != ("search[value]" in query):
            raise ERRORS.unprocessable({"search": ["search[field] and search[value] go together."]})
        field, value = query.get("search[field]"), str(query.get("search[value]", "")).lower()
        offset, limit = query.get("page[offset]", 0), query.get("page[limit]", 50)
        sort, descending = query.get("sort", "id"), query.get("way", "asc") == "desc"
        if field is None and sort in LIST_INDEXES:  # neither filter nor order moves with the clock
            page, total = self._indexed_page(kind, since, until, sort, descending, offset, limit)
            return page, {"page": {"total": total, "limit": limit, "offset": offset}}
        page, total = self._scanned_page(kind, since, until, field, value, sort, descending, offset, limit)
        return page, {"page": {"total": total, "limit": limit, "offset": offset}}

    def _window_span(self, kind: str, since: datetime, until: datetime) -> tuple[str, str, int, int]:
        """The window's dates as the index of (type, date) holds them, and where its campaigns are in it."""
        # Whole seconds, as the dates are written: a window starting within a second starts at the next.
        low = rules.render_date(since if not since.microsecond else since.replace(microsecond=0) + timedelta(seconds=1))
        high = rules.render_date(until)
        start, end = self.campaigns.indexes["window"].between((kind, low), (kind, high + "\x00"))
        return low, high, start, max(start, end)  # a window ending before it starts holds none

    def _scanned_page(self, kind: str, since: datetime, until: datetime, field: str | None, value: str,
                      sort: str, descending: bool, offset: int, limit: int) -> tuple[list[Campaign], int]:
        """A page no index orders (by status, which the clock moves) or filters (a search): the window's
        campaigns from the index of (type, date), the few the clock moves brought up to it first, then
        the page picked out without sorting the rest."""
        entities = self.campaigns.entities
        for entity_id in list(self.campaigns.indexes["messaging"].ids):
            self.campaigns.read(entity_id)
        _, _, start, end = self._window_span(kind, since, until)
        found = [entities.get(entity_id) for _, entity_id in self.campaigns.indexes["window"].pairs[start:end]]
        if field is not None:
            found = [campaign for campaign in found if value in str(getattr(campaign, field)).lower()]
        key = rules.SORT_KEYS[sort]
        pick = heapq.nlargest if descending else heapq.nsmallest  # the keys end with the id: no ties
        return pick(offset + limit, found, key=lambda c: (getattr(c, key), c.id))[offset:], len(found)

    def _indexed_page(self, kind: str, since: datetime, until: datetime, sort: str, descending: bool,
                      offset: int, limit: int) -> tuple[list[Campaign], int]:
        """The list through the indexes: the window's size from the index of (type, date); the page by
        walking the sort key's index and keeping what falls in the window, or, when the window holds few
        of the campaigns, by sorting just those. Only the page is brought up to the clock."""
        entities, indexes = self.campaigns.entities, self.campaigns.indexes
        low, high, start, end = self._window_span(kind, since, until)
        total, wanted = end - start, offset + limit
        key = rules.SORT_KEYS[sort]
        if total * 8 <= len(entities) or total <= 4 * wanted:
            found = [entities.get(entity_id) for _, entity_id in indexes["window"].pairs[start:end]]
            found.sort(key=lambda c: (getattr(c, key), c.id), reverse=descending)
            page = found[offset:wanted]
        else:
            pairs = indexes[sort].pairs
            found = []
            for _, entity_id in (reversed(pairs) if descending else pairs):
                campaign = entities.get(entity_id)
                if campaign.message_type == kind and low <= _date_key(campaign.created_at) <= high:
                    found.append(campaign)
                    if len(found) == wanted:
                        break
            page = found[offset:]
        for campaign in page:
            self.campaigns.settle(campaign)
        return page, total


    # --- messages ----------------------------------------------------------------------------------------

    def detail(self, campaign_id: int) -> dict[str, Any]:
        return messages.detail(self.campaign(campaign_id))

    def message(self, campaign: Campaign, index: int) -> messages.Message:
        return messages.message(campaign, index)

    @staticmethod
    def _dates(query: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
        """A list's `filter[from]`/`filter[to]`: by default the LIST_WINDOW_MONTHS up to now."""
        try:
            until = rules.parse_date(query["filter[to]"]) if "filter[to]" in query else now
            since = (rules.parse_date(query["filter[from]"]) if "filter[from]" in query
                     else rules.months_before(until, rules.LIST_WINDOW_MONTHS))
        except ValueError:
            raise ERRORS.unprocessable({"filter": ["The filter dates must match the format Y-m-d H:i:s."]}) from None
        return since, until

    def _window(self, query: dict[str, Any]) -> tuple[datetime, datetime]:
        """The messages list's window: as the campaigns list's, but never in the future nor longer than
        the documented 3 months (the messages page)."""
        now = self.env.now()
        since, until = self._dates(query, now)
        if since > now or until > now:
            raise ERRORS.unprocessable({"filter": ["Future dates are not allowed."]})
        if since < rules.months_before(until, rules.LIST_WINDOW_MONTHS):
            raise ERRORS.unprocessable({"filter": ["The maximum allowed period is 3 months."]})
        return since, until

    def search_messages(self, query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """GET /api/messages: filtered by campaign first (a message is created with its campaign), then by
        id and reference; sorted, paged."""
        since, until = self._window(query)
        wanted_campaign, wanted_id = query.get("filter[campaign_id]"), query.get("filter[id]")
        reference = query.get("filter[reference_id]")
        found: list[messages.Message] = []
        sort, descending = query.get("sort", "id"), query.get("way", "asc") == "desc"
        offset, limit = query.get("page[offset]", 0), query.get("page[limit]", rules.MESSAGE_PAGE_DEFAULT)
        # Only campaigns with messages (an index: fixture campaigns without recipients are most), or the one named.
        ids = self.campaigns.indexes["messaging"].ids if wanted_campaign is None else (str(wanted_campaign),)
        chosen = [campaign for campaign in map(self.campaigns.read, ids)
                  if campaign is not None and campaign.recipients is not None
                  and (wanted_campaign is None or campaign.id == wanted_campaign)
                  and since <= rules.parse_date(campaign.created_at) <= until]
        if wanted_id is None and (reference is None or isinstance(reference, str)):
            if sort == "id" and reference is None:
                return self._message_page(chosen, descending, offset, limit)
            if sort in ("id", "phone"):
                return self._merged_page(chosen, sort == "phone", reference, descending, offset, limit)
            return self._delivered_page(chosen, reference, descending, offset, limit)
        for campaign in chosen:
            if wanted_id is not None:
                one = messages.find(campaign, wanted_id)
                found += [one] if one is not None and (reference is None or one.reference == reference) else []
            elif isinstance(reference, str):
                found += [messages.message(campaign, index)
                          for index in messages.referring(campaign.recipients, reference)]
            else:  # a reference that is not a str (which no order kept covers): every message made
                found += [m for m in messages.messages(campaign) if m.reference == reference]
        keys = {"id": lambda m: (m.id,), "phone": lambda m: (m.number, m.id),
                "delivered": lambda m: (m.status in rules.DELIVERED_STATUSES and m.handled_at is not None,
                                        m.handled_at or datetime.min.replace(tzinfo=UTC), m.id)}
        found.sort(key=keys[sort], reverse=descending)
        page = [m.render() for m in found[offset:offset + limit]]
        return page, {"page": {"total": len(found), "limit": limit, "offset": offset}}

    @staticmethod
    def _message_page(chosen: list[Campaign], descending: bool, offset: int,
                      limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The page in id order without making every message: a campaign's messages hold the ids
        first_message_id + 0 .. n - 1, and campaigns' ranges never overlap, so campaigns in the order of
        their first id give the messages in id order; only the page's messages are made (issue 17)."""
        chosen.sort(key=lambda campaign: campaign.first_message_id, reverse=descending)
        total = sum(len(campaign.recipients) for campaign in chosen)
        page: list[dict[str, Any]] = []
        skip = offset
        for campaign in chosen:
            count = len(campaign.recipients)
            if skip >= count:
                skip -= count
                continue
            order = range(count - 1, -1, -1) if descending else range(count)
            for index in order[skip:skip + limit - len(page)]:
                page.append(messages.message(campaign, index).render())
            skip = 0
            if len(page) >= limit:
                break
        return page, {"page": {"total": total, "limit": limit, "offset": offset}}

    @staticmethod
    def _merged_page(chosen: list[Campaign], by_phone: bool, reference: str | None, descending: bool,
                     offset: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The page in (number, id) or id order, of every message or of those with the reference,
        without making the others: each campaign's indexes come in that order already (its order by
        number and its recipients by reference are kept once, messages.by_number and .referring), so
        merging the campaigns gives the whole order and only the first offset + limit are walked.
        Message ids do not repeat among campaigns; were two ever equal, the campaign's place in `chosen`
        then the index break the tie as the stable sort of every message did (in both directions)."""
        runs, total = [], 0
        for place, campaign in enumerate(chosen):
            recipients = campaign.recipients
            if reference is not None:
                indexes = messages.referring(recipients, reference)
                if by_phone and len(indexes) > 1:
                    indexes = sorted(indexes, key=recipients.numbers.__getitem__)  # stable: id order kept
            else:
                indexes = messages.by_number(recipients) if by_phone else range(len(recipients))
            if not indexes:
                continue
            total += len(indexes)
            runs.append(_run(campaign, -place if descending else place, indexes, by_phone, descending))
        merged = heapq.merge(*runs, reverse=descending)
        page = [messages.message(chosen[abs(item[-2])], item[-1]).render()
                for item in itertools.islice(merged, offset, offset + limit)]
        return page, {"page": {"total": total, "limit": limit, "offset": offset}}

    @staticmethod
    def _delivered_page(chosen: list[Campaign], reference: str | None, descending: bool, offset: int,
                        limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The page in (delivered, handled at, id) order without making every message. That key puts the
        messages still waiting first (no moment: by id), then those handled and not delivered, then the
        delivered, each by the moment it was handled. A campaign handles its recipients in index order,
        each sending stretch after the one before, so its messages of each kind are in that order by
        index already (messages.by_fate splits them once per recipients); merging the campaigns' runs,
        kind after kind, gives the whole order, and only the first offset + limit are walked."""
        runs: dict[str, list[Iterator[tuple[Any, ...]]]] = {kind: [] for kind in _FATES}
        sizes = dict.fromkeys(_FATES, 0)
        for place, campaign in enumerate(chosen):
            recipients, handled = campaign.recipients, campaign.handled
            if reference is None:
                yes, no = messages.by_fate(recipients)
                kinds = {"reached": yes[:bisect_left(yes, handled)], "missed": no[:bisect_left(no, handled)],
                         "waiting": range(handled, len(recipients))}
            else:
                kinds = {kind: [] for kind in _FATES}
                for index in messages.referring(recipients, reference):  # in index order
                    kind = ("waiting" if index >= handled else "reached"
                            if messages.delivered_once_handled(recipients, index) else "missed")
                    kinds[kind].append(index)
            tie = -place if descending else place
            for kind, indexes in kinds.items():
                if indexes:
                    sizes[kind] += len(indexes)
                    runs[kind].append(_fate_run(campaign, tie, indexes, kind != "waiting", descending))
        page: list[dict[str, Any]] = []
        skip = offset
        for kind in reversed(_FATES) if descending else _FATES:
            if skip >= sizes[kind]:
                skip -= sizes[kind]
                continue
            merged = heapq.merge(*runs[kind], reverse=descending)
            for item in itertools.islice(merged, skip, skip + limit - len(page)):
                page.append(messages.message(chosen[abs(item[-2])], item[-1]).render())
            skip = 0
            if len(page) >= limit:
                break
        return page, {"page": {"total": sum(sizes.values()), "limit": limit, "offset": offset}}

    def wants_callbacks(self) -> bool:
        return bool(self.setting("rcs_callback_url")) or bool(self.campaigns.indexes["own_callback"].ids)

    def due_callbacks(self, since: datetime, until: datetime) -> list[tuple[str, dict[str, Any]]]:
        """The RCS status reports of (since, until], in order, each to its message's callback_url or the
        account's Callback URL For RCS (none: not reported)."""
        account = self.setting("rcs_callback_url")
        return [(change.campaign.callback_url or account, change.report()) for change in self.changes(since, until)
                if change.campaign.callback_url or account]

    def changes(self, since: datetime, until: datetime) -> list[messages.Change]:
        """Every message status change in (since, until], in the order they happened."""
        campaigns = map(self.campaigns.get, self.campaigns.indexes["messaging"].ids)  # none other has messages
        found = [change for campaign in campaigns for change in messages.changes(campaign, since, until)]
        found.sort(key=lambda c: (c.moment, c.message_id, c.order))
        return found


def _run(campaign: Campaign, place: int, indexes: Sequence[int], by_phone: bool,
         descending: bool) -> Iterator[tuple[Any, ...]]:
    """A campaign's messages as merge keys, (number, id, place, index) or (id, place, index), in the
    page's direction."""
    first = campaign.first_message_id
    order = reversed(indexes) if descending else indexes
    if by_phone:
        numbers = campaign.recipients.numbers
        return ((numbers[index], first + index, place, index) for index in order)
    return ((first + index, place, index) for index in order)


_FATES = ("waiting", "missed", "reached")  # the delivered order's kinds of message, first to last


def _fate_run(campaign: Campaign, place: int, indexes: Sequence[int], handled: bool,
              descending: bool) -> Iterator[tuple[Any, ...]]:
    """A campaign's messages of one kind as merge keys, (handled at, id, place, index) for handled ones or
    (id, place, index) for waiting ones, in the page's direction."""
    first, stretches = campaign.first_message_id, campaign.stretches
    order = reversed(indexes) if descending else indexes
    if handled:
        return ((handled_at(stretches, index), first + index, place, index) for index in order)
    return ((first + index, place, index) for index in order)


def _merged(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """`given` over `base`, object by object, so `{"statistics": {"sent": 5}}` keeps `delivered`."""
    merged = dict(base)
    for name, value in given.items():
        merged[name] = (_merged(base[name], value) if isinstance(base.get(name), dict) and isinstance(value, dict)
                        else value)
    return merged
