"""What the two Loop Health services (comms, messaging) share: a campaign send that delivers to its
recipients at the delivery rate on the tenant's clock. Not a provider (discovery skips `_` modules)."""

from datetime import datetime
from typing import ClassVar

from mockserver.clock import iso
from mockserver.delivery import Delivery

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
