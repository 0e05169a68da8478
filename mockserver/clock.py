"""A tenant's clock: real time by default; tests freeze, set or advance it. Nothing runs in the
background: every entity computes its progress from `now()` when it is read or written."""

import time
from datetime import UTC, datetime, timedelta


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0  # seconds added to real time
        self._frozen_at: float | None = None

    def timestamp(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def now(self) -> datetime:
        return utc(self.timestamp())

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def set(self, when: datetime) -> None:
        target = when.timestamp()
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - time.time()

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def freeze(self, frozen: bool) -> None:
        if frozen and self._frozen_at is None:
            self._frozen_at = self.timestamp()
        elif not frozen and self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None


def iso(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC with milliseconds (truncated), as the Loop platform writes times."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # Formatted by hand: called several times a request, and datetime.isoformat + replace costs more.
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")


def parse_iso(text: str) -> datetime:
    """An RFC 3339 date-time (the contracts have already checked the format); naive means UTC."""
    moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def after(moment: datetime, seconds: float) -> datetime:
    return moment + timedelta(seconds=seconds)
