"""A campaign's messages, worked out from its plan (recipients, moderation, sending stretches) and the
clock: their current status for GET /api/messages and the detail counts, and each status change with its
moment, for the RCS status callback. Nothing here is stored per message."""

import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from datetime import datetime
from typing import Any

from mockserver.providers.bsg import rules
from mockserver.providers.bsg.plan import Recipients, handled_at


@dataclass(frozen=True)
class Message:
    id: int
    campaign: Any  # models.Campaign (settled)
    index: int
    status: str
    handled_at: datetime | None

    @property
    def number(self) -> str:
        return self.campaign.recipients.numbers[self.index]

    @property
    def reference(self) -> str | None:
        return self.campaign.recipients.references[self.index]

    @property
    def sms_id(self) -> int | None:
        """Its SMS fallback's id, once one was sent."""
        recipients = self.campaign.recipients
        if not recipients.fallback or self.handled_at is None or recipients.rcs[self.index]:
            return None
        return self.campaign.first_message_id + len(recipients) + self.index

    def render(self) -> dict[str, Any]:
        campaign, moment = self.campaign, rules.render_date(self.handled_at)
        sms_id = self.sms_id
        return {
            "id": self.id, "campaign_id": campaign.id, "reference_id": self.reference, "type": rules.MESSAGE_TYPE,
            "source": rules.MESSAGE_SOURCE, "phone": rules.render_phone(self.number),
            "validity": validity_hours(campaign.request), "status": self.status,
            "amount": {"value": rules.message_price(self.status), "currency": campaign.currency},
            "sender": campaign.sender, "created_at": campaign.created_at, "send_at": moment, "sent_at": moment,
            "delivered_at": moment if self.status in rules.DELIVERED_STATUSES else None,
            "alternative_channels": None if sms_id is None else {"sms": {"parts": 1, "id": [sms_id]}},
        }


def validity_hours(request: dict[str, Any]) -> int:
    seconds = request.get("validity_seconds")
    if seconds:
        return max(1, min(rules.DEFAULT_VALIDITY, -(-seconds // 3600)))
    return request.get("validity", rules.DEFAULT_VALIDITY)


def _waiting_status(campaign: Any) -> str:
    return rules.MSG_SCHEDULED if campaign.moderated_at is not None else rules.MSG_MODERATION


def message(campaign: Any, index: int) -> Message:
    recipients = campaign.recipients
    moment = handled_at(campaign.stretches, index) if index < campaign.handled else None
    status = recipients.outcome(index) if moment is not None else _waiting_status(campaign)
    return Message(campaign.first_message_id + index, campaign, index, status, moment)


def messages(campaign: Any) -> Iterator[Message]:
    """Every message of a settled campaign, in id order (none when its recipients are unknown)."""
    if campaign.recipients is None:
        return
    for index in range(len(campaign.recipients)):
        yield message(campaign, index)


def find(campaign: Any, message_id: int) -> Message | None:
    index = message_id - campaign.first_message_id
    if campaign.recipients is None or not 0 <= index < len(campaign.recipients):
        return None
    return message(campaign, index)


# --- recipient orders, for the messages list -----------------------------------------------------------
# A campaign's recipients never change once it is created (a replacement brings a new Recipients), so
# their order by number and by reference is worked out once per Recipients and kept here, outside the
# entity: nothing extra is persisted (--state-file), copied (a shared fixture's copy-on-write, undo) or
# written into a shared fixture entity. Keyed by the object's identity, held weakly: an entry goes with
# its Recipients, and a copy (a tenant's, a reloaded state's) gets its own. Only an array of indexes
# (4 bytes a recipient) is kept per order.

class _Orders:
    __slots__ = ("recipients", "by_number", "by_reference", "by_fate")

    def __init__(self, recipients: weakref.ref) -> None:
        self.recipients = recipients
        self.by_number: array | None = None  # indexes in (number, index) order
        self.by_reference: array | None = None  # indexes with a str reference, in (reference, index) order
        self.by_fate: tuple[array, array] | None = None  # indexes delivered once handled, the others


_ORDERS: dict[int, _Orders] = {}


def _forget(key: int, gone: weakref.ref) -> None:
    orders = _ORDERS.get(key)
    if orders is not None and orders.recipients is gone:  # not a newer object's, under a reused id
        _ORDERS.pop(key, None)


def _orders(recipients: Recipients) -> _Orders:
    key = id(recipients)
    orders = _ORDERS.get(key)
    if orders is None or orders.recipients() is not recipients:
        orders = _ORDERS[key] = _Orders(weakref.ref(recipients, partial(_forget, key)))
    return orders


def by_number(recipients: Recipients) -> Sequence[int]:
    """Its recipients' indexes in (number, index) order: its messages in (number, id) order."""
    orders = _orders(recipients)
    if orders.by_number is None:
        numbers = recipients.numbers  # a stable sort: equal numbers stay in index (id) order
        orders.by_number = array("i", sorted(range(len(numbers)), key=numbers.__getitem__))
    return orders.by_number


def referring(recipients: Recipients, reference: str) -> Sequence[int]:
    """The indexes, in order, of its recipients whose reference is `reference`. Only str references are
    kept in the order (a query's reference is a str, which no other JSON value equals)."""
    orders = _orders(recipients)
    references = recipients.references
    if orders.by_reference is None:
        orders.by_reference = array("i", sorted((i for i, r in enumerate(references) if isinstance(r, str)),
                                                key=references.__getitem__))
    spots, at = orders.by_reference, references.__getitem__
    start = bisect_left(spots, reference, key=at)
    return spots[start:bisect_right(spots, reference, lo=start, key=at)]


def delivered_once_handled(recipients: Recipients, index: int) -> bool:
    return recipients.outcome(index) in rules.DELIVERED_STATUSES


def by_fate(recipients: Recipients) -> tuple[Sequence[int], Sequence[int]]:
    """Its recipients' indexes, in order, split by fate: those whose message is delivered once handled,
    and the others."""
    orders = _orders(recipients)
    if orders.by_fate is None:
        fates = [delivered_once_handled(recipients, i) for i in range(len(recipients))]
        orders.by_fate = (array("i", (i for i, yes in enumerate(fates) if yes)),
                          array("i", (i for i, yes in enumerate(fates) if not yes)))
    return orders.by_fate


def status_counts(campaign: Any) -> Counter[str]:
    """How many of its messages are in each status. A campaign whose recipients the mock does not know
    (fixtures) counts from its statistics: delivered, and the rest undelivered."""
    if campaign.recipients is None:
        return Counter({rules.MSG_DELIVERED: campaign.delivered,
                        rules.MSG_UNDELIVERED: campaign.sent - campaign.delivered})
    handled = campaign.handled
    counts = Counter(campaign.recipients.outcome(i) for i in range(handled))
    counts[_waiting_status(campaign)] += len(campaign.recipients) - handled
    return counts


def detail(campaign: Any) -> dict[str, Any]:
    counts = status_counts(campaign)
    statistics = {status: counts.get(status, 0) for status in rules.MESSAGE_STATUSES}
    statistics["not_rcs_user"] = 0
    total = sum(counts.values())
    rendered = campaign.render()
    return {
        "id": campaign.id, "name": campaign.name, "sender": campaign.sender, "status": campaign.status,
        "type": campaign.message_type, "start_at": rendered["start_at"], "real_start_at": rendered["real_start_at"],
        "finished_at": campaign.finished_at, "created_at": campaign.created_at, "statistics": statistics,
        "alternative_channels": rendered["alternative_channels"],
        "total_messages": total, "total_phones": total,
        "total_price": f"{sum(counts[s] for s in rules.DELIVERED_STATUSES) * rules.PRICE_PER_MESSAGE:.{rules.PRICE_DECIMALS}f}",
        "currency": campaign.currency,
    }


# --- status changes, for the callback -----------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    moment: datetime
    message_id: int
    order: int  # which of a message's changes at the same moment comes first
    campaign: Any
    index: int
    status: str

    def report(self) -> dict[str, Any]:
        """The documented RCS status report (the RCS introduction's "Callback URL For RCS")."""
        campaign, recipients = self.campaign, self.campaign.recipients
        sent = rules.render_date(self.moment) if self.status not in (rules.MSG_MODERATION, rules.MSG_SCHEDULED) else None
        return {
            "error": 0, "errorDescription": "No errors", "id": self.message_id,
            "msisdn": recipients.numbers[self.index], "reference": recipients.references[self.index],
            "status": self.status, "time_in": campaign.created_at, "time_sent": sent,
            "time_dr": sent if self.status not in (rules.MSG_SENT,) else None,
            "price": rules.message_price(self.status), "currency": campaign.currency,
        }


def changes(campaign: Any, since: datetime, until: datetime) -> Iterator[Change]:
    """Every status change of its messages in (since, until], of a campaign settled at `until` or later.
    ASSUMPTION (rules): each change is reported, from the first after creation: scheduled (moderation
    over), then sent and its delivery report (delivered, undelivered) at its turn; a failed number goes
    from scheduled straight to failed."""
    recipients = campaign.recipients
    if recipients is None:
        return
    first_id = campaign.first_message_id
    if campaign.moderated_at is not None and since < campaign.moderated_at <= until:
        for index in range(len(recipients)):
            yield Change(campaign.moderated_at, first_id + index, 0, campaign, index, rules.MSG_SCHEDULED)
    for stretch in campaign.stretches:
        total = len(recipients) if stretch.end is None else stretch.end
        start = max(stretch.first, stretch.handled_by(since, total))
        for index in range(start, stretch.handled_by(until, total)):
            moment = stretch.handled_at(index)
            outcome = recipients.outcome(index)
            if outcome != rules.MSG_FAILED:
                yield Change(moment, first_id + index, 1, campaign, index, rules.MSG_SENT)
            yield Change(moment, first_id + index, 2, campaign, index, outcome)
