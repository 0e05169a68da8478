"""Delivery at a steady rate, as a pure function of the clock: recipient i (0-based) is handled
(i + 1) / rate seconds after the send starts. Each recipient's outcome is fixed when the send starts, so
reading progress twice, or at any later time, gives the same counts."""

import math
from dataclasses import dataclass
from datetime import datetime

from mockserver.clock import after


@dataclass(frozen=True)
class Progress:
    handled: int
    delivered: int
    failed: int
    finished_at: datetime | None  # None while recipients remain


@dataclass(frozen=True)
class Delivery:
    started_at: datetime
    rate: float  # recipients a second
    # delivered_before[i]: how many of the first i recipients were delivered (length total + 1).
    delivered_before: tuple[int, ...]

    @classmethod
    def start(cls, started_at: datetime, rate: float, outcomes: list[bool]) -> "Delivery":
        running, counts = 0, [0]
        for delivered in outcomes:
            running += delivered
            counts.append(running)
        return cls(started_at, rate, tuple(counts))

    @property
    def total(self) -> int:
        return len(self.delivered_before) - 1

    def progress(self, now: datetime) -> Progress:
        elapsed = (now - self.started_at).total_seconds()
        # A small tolerance so that exactly (i + 1) / rate seconds counts recipient i as handled.
        handled = max(0, min(self.total, math.floor(elapsed * self.rate + 1e-9)))
        delivered = self.delivered_before[handled]
        finished = after(self.started_at, self.total / self.rate) if handled == self.total else None
        return Progress(handled, delivered, handled - delivered, finished)
