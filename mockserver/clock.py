"""A tenant's clock: real time by default; tests freeze, set or advance it. Nothing runs in the
background: every entity computes its progress from `now()` when it is read or written.

The clock holds only instants every provider can carry through its arithmetic: from EARLIEST (the Unix
epoch: commcom writes Unix seconds, which are never negative) to LATEST (the end of the year 9000). What
the providers add to `now` stays far inside the MARGIN of 999 years left before Python's datetime ends
(the year 9999): BSG adds its 30-day scheduling window and its moderation; the Loop services' deliveries
finish no later than the `now` that reads them; commcom's steps stop themselves at the year 9999
(progress.Run); times a client gives are checked by the provider that takes them.
tests/core/test_clock_range.py drives every provider at both ends of the range. `set` and `advance` refuse
an instant outside it (ClockOutOfRange) and change nothing; a running clock stops at LATEST."""

import time
from datetime import UTC, datetime, timedelta

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC)
EARLIEST_TS, LATEST_TS = EARLIEST.timestamp(), LATEST.timestamp()
# The room left after LATEST for what a provider adds to `now` (until datetime.max, the year 9999's end).
MARGIN = datetime.max.replace(tzinfo=UTC) - LATEST
# The years a client may write in POST /__mock/clock's `now` (the contract's pattern): any UTC offset
# (up to +-23:59) keeps such a time inside [EARLIEST, LATEST].
WRITTEN_YEARS = (1971, 8999)


class ClockOutOfRange(ValueError):
    """An instant the clock will not hold; the message says the range."""


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def check_in_range(ts: float, what: str) -> float:
    if not EARLIEST_TS <= ts <= LATEST_TS:
        raise ClockOutOfRange(f"{what} would put the clock outside {iso(EARLIEST)} .. {iso(LATEST)}, the "
                              "range every provider can compute with")
    return ts


class Clock:
    # While a call's handler runs, its clock is read once (`pin`): every "now" of the call is the same
    # instant, and a list of 50 entities settles them with one reading instead of 50. Never stored.
    _pinned: datetime | None = None
    _pinned_ts: float | None = None
    # Whether anything read the pinned instant since `pin`: an answer that never did is the same at any
    # time (mockserver.read_cache keeps such answers to reads).
    consulted = False

    def __init__(self) -> None:
        self._offset = 0.0  # seconds added to real time
        self._frozen_at: float | None = None

    def __getstate__(self) -> dict[str, float | None]:
        return {"_offset": self._offset, "_frozen_at": self._frozen_at}

    def timestamp(self) -> float:
        if self._pinned_ts is not None:
            self.consulted = True
            return self._pinned_ts
        if self._frozen_at is not None:
            return self._frozen_at
        return min(time.time() + self._offset, LATEST_TS)  # a running clock stops at the end of the range

    def now(self) -> datetime:
        pinned = self._pinned
        if pinned is not None:
            self.consulted = True
            return pinned
        if self._pinned_ts is not None:  # pinned, but not yet asked for as a datetime
            self.consulted = True
            pinned = self._pinned = utc(self._pinned_ts)
            return pinned
        return utc(self.timestamp())

    def pin(self) -> None:
        """Until `unpin`, `now` answers one reading (made here, unless already pinned). Only around code
        that does not await: another call of the tenant must never see this call's instant."""
        if self._pinned_ts is None:
            self._pinned_ts = self.timestamp()
            self.consulted = False

    def unpin(self) -> None:
        self._pinned = self._pinned_ts = None

    def _moved(self) -> None:
        """Set, advanced or frozen by the call itself: a pinned reading is taken again."""
        if self._pinned_ts is not None:
            self.unpin()
            self.pin()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def set(self, when: datetime) -> None:
        """Raises ClockOutOfRange (nothing changed) for an instant outside [EARLIEST, LATEST]."""
        target = check_in_range(when.timestamp(), f"now {when.isoformat()}")
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - time.time()
        self._moved()

    def advance(self, seconds: float) -> None:
        """Raises ClockOutOfRange (nothing changed) if that many seconds would pass LATEST."""
        check_in_range(self.timestamp() + seconds, f"advancing {seconds} s")
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset = min(self._offset + seconds, LATEST_TS - time.time())
        self._moved()

    def freeze(self, frozen: bool) -> None:
        if frozen and self._frozen_at is None:
            self._frozen_at = self.timestamp()
        elif not frozen and self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None
        self._moved()


# Formatted times, by instant: a call formats its pinned now several times, and a list formats the same
# fixture times on every call. Bounded; emptied when full (a datetime hashes once, then keeps its hash).
_FORMATTED: dict[datetime, str] = {}
_FORMATTED_MAX = 4_096  # well under 1 MB: a call formats a few new instants, a list the same fixture ones


def iso(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC with milliseconds (truncated), as the Loop platform writes times."""
    if moment is None:
        return None
    text = _FORMATTED.get(moment)
    if text is None:
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        text = _FORMATTED[moment] = _iso(moment)
    return text


# "YYYY-MM-DDTHH:MM:SS" by second: the instants of one second differ only in their milliseconds.
_SECONDS: dict[tuple[int, int, int, int, int, int], str] = {}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    second = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    prefix = _SECONDS.get(second)
    if prefix is None:
        if len(_SECONDS) >= _FORMATTED_MAX:  # the same bound
            _SECONDS.clear()
        prefix = _SECONDS[second] = moment.isoformat(timespec="seconds")[:-6]  # without its "+00:00"
    return "%s.%03dZ" % (prefix, moment.microsecond // 1000)


def parse_iso(text: str) -> datetime:
    """An RFC 3339 date-time (the contracts have already checked the format); naive means UTC."""
    moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def after(moment: datetime, seconds: float) -> datetime:
    return moment + timedelta(seconds=seconds)
