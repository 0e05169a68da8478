"""What the two Loop Health services (comms, messaging) share: a campaign send that delivers to its
recipients at the delivery rate on the tenant's clock, and the clock's moves on a campaign (a scheduled
campaign starts at its scheduled_at; a sending one is sent once its send has handled every recipient).
Not a provider (discovery skips `_` modules)."""

from datetime import datetime
from typing import Any, ClassVar

from mockserver.api import Environment
from mockserver.clock import iso, parse_iso
from mockserver.delivery import Delivery
from mockserver.statemachine import StateMachine

# ASSUMPTION (both services): send statuses are not documented. A send is `sending` until every
# recipient is handled, then `completed`.
SEND_SENDING, SEND_COMPLETED = "sending", "completed"


class DeliveringSend:
    """For a send dataclass with `status`, `completed_at`, `delivery` and two counters, named as each
    service names them (`sent`/`failed` in comms, `sent_count`/`failed_count` in messaging)."""

    __slots__ = ()  # the sends are slotted dataclasses: keep them free of a __dict__
    internal: ClassVar[frozenset[str]] = frozenset({"delivery"})  # the plan, not part of the rendered send
    counters: ClassVar[tuple[str, str]]
    status: str
    completed_at: str | None
    delivery: Delivery | None

    def settle(self, now: datetime) -> datetime | None:
        """Bring the counts up to `now`; the completion time once every recipient is handled."""
        if self.delivery is None or self.status != SEND_SENDING:
            return None
        progress = self.delivery.progress(now)
        delivered, failed = self.counters
        setattr(self, delivered, progress.delivered)
        setattr(self, failed, progress.failed)
        if progress.finished_at is not None:
            self.status, self.completed_at = SEND_COMPLETED, iso(progress.finished_at)
        return progress.finished_at


def start_time(scheduled_at: object) -> datetime | None:
    """When the clock starts a scheduled campaign; None (never) for a time the control plane put that
    is no time at all, or one outside years 1-9999 once in UTC."""
    if not isinstance(scheduled_at, str):
        return None
    try:
        due = parse_iso(scheduled_at)
        iso(due)
    except (ValueError, OverflowError):
        return None
    return due


class ClockedCampaigns:
    """The clock's moves on a Loop campaign, for a backend whose state machine has a "start" row
    (scheduled -> sending) and a "finish" row (sending -> sent). The backend says how a campaign starts
    (`_start`), whom a scheduled one goes out to (`_scheduled_recipients`) and which send is under way
    (`_current_send`)."""

    machine: ClassVar[StateMachine]
    env: Environment

    def _start(self, campaign: Any, target: str, at: datetime, recipients: list[dict[str, str]]) -> DeliveringSend:
        raise NotImplementedError

    def _scheduled_recipients(self, campaign: Any) -> list[dict[str, str]]:
        raise NotImplementedError

    def _current_send(self, campaign: Any) -> DeliveringSend | None:
        raise NotImplementedError

    def _moves(self, campaign: Any) -> bool:
        """Whether the clock may still move the campaign: it is scheduled for a time, or its send is
        under way. (Fixture campaigns that it cannot move are shared between tenants: mockserver.overlay.)"""
        if (self.machine.transitions["start"].get(campaign.status) is not None
                and start_time(campaign.scheduled_at) is not None):
            return True
        send = self._current_send(campaign)
        return send is not None and send.delivery is not None and send.status == SEND_SENDING

    def _settle(self, campaign: Any) -> None:
        if campaign.scheduled_at is None and self._current_send(campaign) is None:
            return  # nothing for the clock to move (most campaigns: drafts); a list settles every one
        now = self.env.now()
        target = self.machine.target("start", campaign.status)
        if target is not None:
            due = start_time(campaign.scheduled_at)
            if due is not None and due <= now:
                self._start(campaign, self.machine.moved("start", campaign.status), due,
                            self._scheduled_recipients(campaign))
        send = self._current_send(campaign)
        if send is not None and self.machine.target("finish", campaign.status) is not None:
            finished = send.settle(now)
            if finished is not None:
                campaign.status = self.machine.moved("finish", campaign.status)
                campaign.sent_at = campaign.updated_at = iso(finished)
