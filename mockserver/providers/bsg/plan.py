"""A campaign's delivery plan, fixed when it is created, and its sending stretches: each recipient's message
is worked out from these and the clock (never stored one by one), so a campaign costs the same memory
however long it lives and however often it is read."""

import math
from dataclasses import dataclass
from datetime import datetime

from mockserver.clock import after
from mockserver.providers.bsg import rules


@dataclass(frozen=True)
class Recipients:
    """Each recipient's number, reference and fate: RCS reaches it, its number is valid, and whether the
    campaign asked for the SMS fallback."""

    numbers: tuple[str, ...]
    references: tuple[str | None, ...]
    rcs: tuple[bool, ...]
    valid: tuple[bool, ...]
    fallback: bool

    @classmethod
    def of(cls, contacts: list[dict], fallback: bool) -> "Recipients":
        numbers = tuple(str(c.get("number", "")) for c in contacts)
        return cls(numbers=numbers, references=tuple(c.get("reference_id") for c in contacts),
                   rcs=tuple(rules.rcs_delivered(c) for c in contacts),
                   valid=tuple(rules.valid_number(n) for n in numbers), fallback=fallback)

    def __len__(self) -> int:
        return len(self.numbers)

    def outcome(self, index: int) -> str:
        return rules.message_outcome(self.rcs[index], self.valid[index])

    def counts(self, handled: int) -> tuple[int, int, int, int]:
        """sent, delivered, SMS sent, SMS delivered once the first `handled` recipients are handled."""
        delivered = sum(self.rcs[:handled])
        if not self.fallback:
            return handled, delivered, 0, 0
        sms_delivered = sum(1 for i in range(handled) if not self.rcs[i] and self.valid[i])
        return handled, delivered, handled - delivered, sms_delivered


@dataclass(frozen=True)
class Stretch:
    """Sending from `started_at` at `rate` a second, recipient `first` first (mockserver.delivery's rule:
    the k-th of the stretch is handled k / rate seconds in); `end` is where a pause or stop cut it off."""

    first: int
    started_at: datetime
    rate: float
    end: int | None = None

    def handled_by(self, moment: datetime, total: int) -> int:
        """How many recipients (counted from 0, not from `first`) are handled at `moment`."""
        elapsed = (moment - self.started_at).total_seconds()
        reached = self.first + max(0, math.floor(elapsed * self.rate + 1e-9))
        return min(reached, total if self.end is None else self.end)

    def handled_at(self, index: int) -> datetime:
        return after(self.started_at, (index - self.first + 1) / self.rate)

    def finished_at(self, total: int) -> datetime:
        return self.started_at if total <= self.first else self.handled_at(total - 1)

    def cut(self, moment: datetime, total: int) -> "Stretch":
        return Stretch(self.first, self.started_at, self.rate, self.handled_by(moment, total))


def handled_at(stretches: tuple[Stretch, ...], index: int) -> datetime | None:
    for stretch in stretches:
        if stretch.first <= index and (stretch.end is None or index < stretch.end):
            return stretch.handled_at(index)
    return None
