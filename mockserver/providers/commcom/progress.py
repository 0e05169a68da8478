"""How a campaign send progresses, by type, as a pure function of the clock: each type is a generator of
steps (when, how many), and a `Run` answers "what had happened by `now`" from that sequence. Reading at
any time, in any order, gives the same answer for the same `now`; the generated steps are memoised so a
long-running send is not recomputed from its start on every read. No HTTP, no entities."""

import math
import re
from collections import deque
from collections.abc import Callable, Generator, Iterable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from mockserver.providers.commcom import rules

Steps = Generator["Step", None, str]  # yields steps in time order, returns why it finished


class Step(NamedTuple):  # a tuple: a long send makes thousands, and a tuple is the cheapest to make
    number: int  # 1-based
    at: datetime
    sent: int
    total: int  # running total after this step


class Progress(NamedTuple):  # a tuple: made on every read of a live send, and cheaper than a frozen dataclass
    recent: tuple[Step, ...]  # the last steps done by `now`, at most rules.STEPS_SHOWN of them
    count: int  # how many steps were done by `now`
    started: bool
    finished_at: datetime | None  # None while steps remain (or before the start)
    reason: str  # why it finished; "" while it runs
    next_at: datetime | None  # the next step's time, None when finished

    @property
    def total(self) -> int:
        return self.recent[-1].total if self.recent else 0


def manual(start: datetime, amount: int, batch: int) -> Steps:
    if amount <= 0:
        return rules.REASON_AMOUNT
    size = batch if batch > 0 else amount
    total, number = 0, 0
    while total < amount:
        sent = min(size, amount - total)
        total += sent
        yield Step(number + 1, start + timedelta(seconds=number * rules.BATCH_INTERVAL_SECONDS), sent, total)
        number += 1
    return rules.REASON_AMOUNT


def cap(max_sms: int, audience: int) -> tuple[int, str]:
    """The most a multistep or planner send may send, and the reason it stops there."""
    if 0 < max_sms <= audience:
        return max_sms, rules.REASON_MAX_SMS
    return max(audience, 0), rules.REASON_AUDIENCE


def multistep(start: datetime, step_size: int, step_delay: int, max_sms: int, max_minutes: int,
              audience: int) -> Steps:
    limit, reason = cap(max_sms, audience)
    total, number, at, delay = 0, 0, start, timedelta(minutes=step_delay)
    while total < limit:
        if max_minutes > 0 and (number + 1) * step_delay > max_minutes:
            return rules.REASON_MAX_MINUTES
        sent = min(step_size, limit - total)
        total += sent
        number += 1
        at += delay  # whole minutes: adding them up is exact
        yield Step(number, at, sent, total)
    return reason


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def minute_of_day(text: object) -> int | None:
    found = _TIME.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    hours, minutes = int(found[1]), int(found[2])
    return hours * 60 + minutes if (hours, minutes) <= (24, 0) and minutes < 60 else None


def day_index(name: object) -> int | None:
    if not isinstance(name, str) or len(name) < 3:
        return None
    short = name[:3].capitalize()
    full = {"Mon": "monday", "Tue": "tuesday", "Wed": "wednesday", "Thu": "thursday", "Fri": "friday",
            "Sat": "saturday", "Sun": "sunday"}
    if short in rules.DAY_NAMES and full[short].startswith(name.lower()):
        return rules.DAY_NAMES.index(short)
    return None


def windows(days_of_week: Iterable[object], weekly_schedule: Mapping[str, object]) -> dict[int, tuple[int, int]]:
    """weekday (0 = Monday) -> (open, close) in minutes of the UTC day, for the days that can send."""
    found = {}
    for name in days_of_week:
        index = day_index(name)
        if index is None:
            continue
        for key in (rules.DAY_NAMES[index], "default"):
            entry = weekly_schedule.get(key)
            if isinstance(entry, Mapping):
                opens, closes = minute_of_day(entry.get("start")), minute_of_day(entry.get("end"))
                if opens is not None and closes is not None:
                    if opens < closes:
                        found[index] = (opens, closes)
                    break
    return found


def planner(start: datetime, step_size: int, step_delay: int, max_sms: int, max_minutes: int, audience: int,
            open_days: Mapping[int, tuple[int, int]], daily_limit: int, weekly_limit: int) -> Steps:
    per_day, per_week = daily_limit * audience, weekly_limit * audience
    # Contacts get a planner's messages again and again (within the limits), so the audience is no cap.
    limit, reason = (max_sms, rules.REASON_MAX_SMS) if max_sms > 0 else (per_week, rules.REASON_WEEKLY)
    if limit <= 0:
        return reason
    if not open_days or per_day <= 0 or per_week <= 0:
        return rules.REASON_NO_WINDOW
    deadline = start + timedelta(minutes=max_minutes) if max_minutes > 0 else None
    delay = timedelta(minutes=step_delay)
    total, number = 0, 0
    day = datetime(start.year, start.month, start.day, tzinfo=start.tzinfo)
    week, sent_this_week = None, 0
    while True:
        if deadline is not None and day > deadline:
            return rules.REASON_MAX_MINUTES
        monday = day - timedelta(days=day.weekday())
        if monday != week:
            week, sent_this_week = monday, 0
        window = open_days.get(day.weekday())
        if window is not None:
            at, closes = day + timedelta(minutes=window[0]), day + timedelta(minutes=window[1])
            if at < start:  # the first day's window is already open: join its rhythm
                at += delay * math.ceil((start - at) / delay)
            sent_today = 0
            while at < closes:
                if deadline is not None and at > deadline:
                    return rules.REASON_MAX_MINUTES
                sent = min(step_size, limit - total, per_day - sent_today, per_week - sent_this_week)
                if sent <= 0:
                    break
                total, sent_today, sent_this_week, number = (total + sent, sent_today + sent,
                                                             sent_this_week + sent, number + 1)
                yield Step(number, at, sent, total)
                if total >= limit:
                    return reason
                at += delay
        day += timedelta(days=1)


class Run:
    """A live send's steps from its start, generated as far as anyone has looked. Only the newest
    steps are kept (enough to answer for any `now` from the last STEPS_SHOWN steps on): what a send holds
    stays bounded however long it runs. A read further back than that starts the steps over, which costs
    at most MAX_STEPS steps, like the first read after a long advance."""

    def __init__(self, start: datetime, make_steps: Callable[[], Steps]) -> None:
        self.start = start
        self._make_steps = make_steps  # picklable (a partial of a module function), unlike a generator
        self._begin()

    def _begin(self) -> None:
        self._pending = self._make_steps()
        # The newest steps generated: STEPS_SHOWN done by the latest `now` asked, plus the one after it.
        self._kept: deque[Step] = deque(maxlen=rules.STEPS_SHOWN + 1)
        self._count = 0  # steps generated so far
        self._reason: str | None = None  # set once the generator is exhausted

    # --state-file stores sends: the live generator is left out and rebuilt, then moved past the steps
    # already taken (the steps are a pure function of the send's data, so it lands where it was).
    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_pending": None}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._pending = self._make_steps()
        for _ in range(self._count):
            next(self._pending)

    def _extend_past(self, now: datetime) -> None:
        while self._reason is None and (not self._kept or self._kept[-1].at <= now):
            if self._count >= rules.MAX_STEPS:
                self._reason = rules.REASON_MOCK_LIMIT
                return
            try:
                step = next(self._pending)
            except StopIteration as done:
                self._reason = done.value
                return
            except OverflowError:  # the next step would fall after the year 9999
                self._reason = rules.REASON_MOCK_LIMIT
                return
            self._kept.append(step)
            self._count += 1

    def _done(self, now: datetime) -> list[Step]:
        self._extend_past(now)
        return [step for step in self._kept if step.at <= now]

    def progress(self, now: datetime) -> Progress:
        done = self._done(now)
        if len(done) < rules.STEPS_SHOWN and self._kept and self._kept[0].number > 1:
            # `now` is before the steps kept (the clock went back): count again from the start.
            self._begin()
            done = self._done(now)
        count = done[-1].number if done else 0
        remaining = count < self._count
        started = now >= self.start
        finished = started and not remaining and self._reason is not None
        finished_at = (done[-1].at if done else self.start) if finished else None
        return Progress(tuple(done[-rules.STEPS_SHOWN:]), count, started, finished_at,
                        self._reason if finished else "", self._kept[len(done)].at if remaining else None)
